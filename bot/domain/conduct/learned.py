"""The chat model: a linear classifier learned from labelled chat messages, evaluated here.

The rules (rules/<lang>.toml) know words and shapes someone wrote down; abuse worded in a way
nobody wrote down slips past them. This model learns which words, pairs of words and pieces of
words tell abusive chat from hard benign chat (criticism, slang praise, product names, quoted
comments, apologies) from the labelled messages in tests/data, in English and French, and reads
what the rules leave: the same prepared text (Slack markup read, words undisguised, someone
else's words and product names blanked).

    features(text) = L2-normalised presence of
        "w:<word>"          each word (mentions, e-mails, links and numbers by their shape)
        "n:<word>"          instead, each of the three words after a negation ("not", "never",
                            "…n't", "pas", "jamais"…): "not useless" is not "useless"
        "b:<word> <word>"   each pair of neighbours, with "^" at the start
        "c:<piece>"         each 3- to 5-letter piece of each word not negated, with its edges
                            (" idio")
    p(class) = softmax(W · features + b)    over "none" and the six categories

`bench/conduct_train.py` fits it with scikit-learn's LogisticRegression and writes the weights to
chat_model.json (only what the data supports: features seen in at least two messages, weights
rounded); evaluating it is a dictionary lookup per distinct word and feature and one numpy sum of
the rows found, about a tenth of a millisecond. `tests/unit/test_conduct_learned.py` checks the
result equals scikit-learn's `predict_proba`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy

MODEL_FILE = Path(__file__).with_name("chat_model.json")
NONE = "none"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_TOKEN = re.compile(r"<(?:email|url)>|@?[a-z0-9]+(?:'[a-z]+)?|\|")
_DIGITS = re.compile(r"\d")
#: words that negate the next NEGATION_SCOPE words ("not useless", "never said", "pas nul"), besides
#: any "…n't" (French "n'" is left out: "tu n'es qu'un…" restricts, it does not negate)
_NEGATIONS = frozenset({"not", "never", "no", "pas", "jamais", "aucun", "aucune", "ni"})
NEGATION_SCOPE = 3


def _shape(token: str) -> str:
    if token.startswith("@"):
        return "<mention>"
    if _DIGITS.search(token):
        digits = sum(ch.isdigit() for ch in token)
        if digits == len(token):
            return "<num>" if digits <= 4 else "<longnum>"
        return "<alnum>"
    return token


def tokens(text: str) -> list[str]:
    """The words of an already folded and cleaned message, with e-mails, links, mentions and
    numbers replaced by their shape ("|" marks words the classifier blanked)."""
    text = _EMAIL.sub(" <email> ", text)
    text = _URL.sub(" <url> ", text)
    return [token if token[0] == "<" else _shape(token) for token in _TOKEN.findall(text)]


def _negated(word: str) -> bool:
    return word in _NEGATIONS or word.endswith("n't")


@lru_cache(maxsize=1 << 16)
def _pieces(word: str) -> frozenset[str]:
    """The word's 3- to 5-character pieces with its edges: " idio", "idiot", "iot "… (a chat's
    words repeat, so they are cut once)."""
    padded = f" {word} "
    return frozenset("c:" + padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def _read(text: str) -> tuple[set[str], list[str]]:
    """The message's word features ("w:", "n:", "b:") and the words whose pieces it reads."""
    found: set[str] = set()
    cut: list[str] = []
    previous = "^"
    scope = 0
    for word in tokens(text):
        found.add(f"b:{previous} {word}")
        previous = word
        if scope:  # "not useless", "pas nul": the word is read as negated, its pieces are not read
            scope -= 1
            found.add("n:" + word)
            continue
        if _negated(word):
            scope = NEGATION_SCOPE
        found.add("w:" + word)
        if word[0] != "<" and word != "|" and len(word) >= 2:
            cut.append(word)
    return found, cut


def features(text: str) -> dict[str, float]:
    """The message's features, L2-normalised (see the module's docstring)."""
    found, cut = _read(text)
    found.update(*map(_pieces, cut))
    if not found:
        return {}
    return dict.fromkeys(found, 1.0 / math.sqrt(len(found)))


@dataclass(frozen=True, slots=True)
class ChatReading:
    #: the most likely category (a category's value, never "none")
    label: str
    #: probability that the message is abusive (1 - p("none"))
    abusive: float


class ChatModel:
    def __init__(self, classes: tuple[str, ...], intercepts: tuple[float, ...], weights: dict) -> None:
        self.classes = classes
        self._intercepts = intercepts
        # the weights as one matrix, a row per feature: a message's logits are the sum of its
        # rows (about 160), which numpy adds in microseconds where Python takes a tenth of a ms
        self._row = {feature: i for i, feature in enumerate(weights)}
        self._matrix = numpy.array(list(weights.values()) or [[0.0] * len(classes)], dtype=numpy.float64)
        self._piece_rows = lru_cache(maxsize=1 << 16)(self._rows_of_pieces)

    def _rows_of_pieces(self, word: str) -> frozenset[int]:
        return frozenset(i for i in map(self._row.get, _pieces(word)) if i is not None)

    def probabilities(self, text: str) -> tuple[float, ...]:
        # features(text), without looking up every piece of every word again: a word's pieces
        # and their rows are cut and looked up once (chat repeats its words), the message's
        # are their union (a piece two words share counts once, as in features())
        found, cut = _read(text)
        pieces: frozenset[str] = frozenset().union(*map(_pieces, cut))
        rows = [i for i in map(self._row.get, found) if i is not None]
        rows += frozenset().union(*map(self._piece_rows, cut))
        logits = list(self._intercepts)
        if rows:
            value = 1.0 / math.sqrt(len(found) + len(pieces))  # every feature has this value
            sums = self._matrix.take(rows, axis=0).sum(axis=0).tolist()
            logits = [b + value * s for b, s in zip(logits, sums, strict=True)]
        top = max(logits)
        exp = [math.exp(z - top) for z in logits]
        total = sum(exp)
        return tuple(e / total for e in exp)

    def read(self, text: str) -> ChatReading:
        p = self.probabilities(text)
        none = self.classes.index(NONE)
        k = max((i for i in range(len(p)) if i != none), key=lambda i: p[i])
        return ChatReading(self.classes[k], 1.0 - p[none])

    def evidence(self, text: str, label: str, common: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """The words and pairs of words whose weights pull most towards `label` rather than
        "none", heaviest first, leaving out shapes, and `common` or short words (and pairs of
        them): what a reason can quote."""
        k, none = self.classes.index(label), self.classes.index(NONE)
        pulls: dict[str, float] = {}
        for feature in _read(text)[0]:  # words and pairs; pieces of words say nothing quotable
            said = feature[2:].removeprefix("^ ")
            row = self._row.get(feature)
            if (
                row is None
                or "<" in said
                or "|" in said
                or all(w in common or len(w) < 4 for w in said.split())
            ):
                continue
            pull = float(self._matrix[row, k] - self._matrix[row, none])
            if pull > 0:
                pulls[said] = max(pulls.get(said, 0.0), pull)
        return tuple(sorted(pulls, key=lambda s: -pulls[s])[:3])


@cache
def load() -> ChatModel | None:
    """The shipped model, or None when its file is missing (the rules then work alone)."""
    try:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return from_document(data)


def from_document(data: dict) -> ChatModel:
    """A model from chat_model.json's document."""
    return ChatModel(
        tuple(data["classes"]), tuple(data["intercepts"]), {f: tuple(w) for f, w in data["weights"].items()}
    )
