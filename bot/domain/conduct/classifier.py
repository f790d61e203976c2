"""The conduct classifier: is a chat message abusive, and how?

    assess(text) -> ConductVerdict(flagged, category, score, lang, reason)

How a message is read (the word lists and patterns are data: rules/<lang>.toml):
1. Slack markup is read as text: `<@U123>` is a mention (`@u123`), `<https://…|label>` is its
   label. Unicode is folded (styled letters, full-width forms), curly quotes straightened.
   Disguised words are read as the word they disguise, when it is one of the language's
   `[obfuscation] words`: masks ("f*ck", "f***", "a**hole"), digits and signs for letters
   ("sh1t", "a$$hole", "b!tch"), letters split by dots or dashes ("f.u.c.k"); letters repeated
   three times or more are read once ("fuuuck", "shuuut up").
2. What is not the author's own abuse is blanked before any rule runs, and remembered for the
   reason: product names (a Title Case name next to a product noun, "the Killer Queen palette",
   or after "called"), words quoted from someone else when the message reports them ("a commenter
   wrote 'this brand is trash'"), slang praise ("kill it", "sick edit", "de la folie", "mortel"),
   exclamations that aim at no one ("holy shit", "putain, enfin") and insults an apology reports
   ("sorry I called you useless").
3. The rules run on what is left (see 5 for which languages'), highest score first; the first
   rule that matches gives the category, its `why` and the words it matched give the reason.
4. Rules that found nothing leave English messages to alt-profanity-check's model (see
   model.py): it flags only when it is confident and one of the words that weigh most in its
   decision stands within three words of someone addressed ("you", "your", a mention) — the
   issue is profanity or insults *aimed at a person*, and the model alone can't tell "holy shit
   these numbers" from "shit, you again".
5. What neither found goes to the chat model (see learned.py): a linear model learned from
   labelled English and French chat, reading the same cleaned text. It flags when its probability
   of abuse is at least CHAT_THRESHOLD, with its most likely category; the reason quotes the
   words that weighed most. The rules catch what someone wrote down, precisely; the model catches
   abuse worded in ways nobody did, and is what brought recall on a blind set from 0.74 (rules
   alone) to 0.92 (docs/conduct.md, Quality).
6. `lang` is the language whose own common words (the `markers` no other language shares, plus
   its `letters`) the message uses most ("en" on a tie or none). The rules of that language run,
   and those of any other language with one of its own words in the message. `flagged` is
   `score >= THRESHOLD`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from bot.domain.conduct.learned import ChatModel
from bot.domain.conduct.learned import load as load_chat_model
from bot.domain.conduct.model import load as load_model
from bot.domain.conduct.rules import Category, Language, Probe, RuleSet, languages

THRESHOLD = 0.5
#: the model's probability from which an aimed message is flagged (measured in bench/conduct.py)
MODEL_THRESHOLD = 0.8
#: how many words away from "you" / a mention the model's strongest word may be
MODEL_REACH = 3
#: the chat model's probability of abuse from which a message no rule matched is flagged: the
#: lowest whose cross-validated precision on the training messages (69% benign) stays >= 0.90
#: (bench/conduct_train.py --cv)
CHAT_THRESHOLD = 0.5

_BLANK = " | "
_SLACK_MENTION = re.compile(r"<@(\w+)(?:\|[^>]*)?>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<(?:https?|mailto):[^>]*>")
_QUOTES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "œ": "oe",
        "Œ": "Oe",
        "æ": "ae",
        "Æ": "Ae",
    }
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# a quoted span: "…" or '…' (an apostrophe between letters, as in "you're", stays inside)
_QUOTED = re.compile(r"\"[^\"\n]{2,}?\"|(?<!\w)'(?:[^'\n]|(?<=\w)'(?=\w)){2,}?'(?!\w)")
_TITLE_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_WORDS = re.compile(r"[a-z0-9@]+(?:'[a-z]+)?")
_TARGETS = frozenset({"you", "your", "u", "ur", "yourself", "yourselves", "ya", "yall", "y'all", "you're"})


# disguised words: a sign or digit standing for a letter, and masks standing for any letter
_LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "$": "s", "@": "a", "!": "il"}
_MASK = frozenset("*#%")
_CANDIDATE = re.compile(r"(?<![\w@*#%$!.-])[\w*#%$@!]+(?:[.-][\w*#%$@!]+)*")
_SPLIT_LETTERS = re.compile(r"\w(?:[.-]\w){2,}")
_REPEATED = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True, slots=True)
class ConductVerdict:
    flagged: bool
    category: Category | None
    score: float
    lang: str
    reason: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _prepare(text: str) -> str:
    text = _SLACK_MENTION.sub(r"@\1", text)
    text = _SLACK_LINK.sub(lambda m: m.group(1) or " ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_ZERO_WIDTH)


@cache
def _own_markers(langs: tuple[Language, ...]) -> tuple[frozenset[str], ...]:
    """Each language's markers minus those another language shares ("on" is English and French)."""
    return tuple(
        lang.markers - frozenset().union(*(other.markers for other in langs if other is not lang))
        for lang in langs
    )


def _detect(text: str, folded: str, langs: tuple[Language, ...]) -> tuple[str, tuple[Language, ...]]:
    """The message's language, and the languages whose rules to run: the detected one and any
    other with at least one of its own words in the message (people switch mid-sentence)."""
    words = _WORDS.findall(folded)
    pieces = words + [w.split("'")[0] + "'" for w in words if "'" in w]
    lowered = text.lower()
    scores = []
    for language, own in zip(langs, _own_markers(langs), strict=True):
        score = sum(1 for w in pieces if w in own)
        score += any(ch in language.letters for ch in lowered)
        scores.append(score)
    best = max(range(len(langs)), key=lambda i: (scores[i], langs[i].lang == "en"), default=None)
    if best is None or scores[best] == 0:
        return "en", langs
    return langs[best].lang, tuple(lang for i, lang in enumerate(langs) if i == best or scores[i] > 0)


def _unmask(token: str, masked: dict[int, tuple[str, ...]]) -> str | None:
    """The word a disguised token stands for ("f*ck", "sh1t", "a$$hole", "f.u.c.k"), if any."""
    if _SPLIT_LETTERS.fullmatch(token):
        token = token.replace(".", "").replace("-", "")
    elif "." in token or "-" in token or token[0] == "@":
        return None  # a domain, an e-mail, a compound word, a mention
    hidden = sum(1 for ch in token if ch in _MASK)
    signs = sum(1 for ch in token if ch in _LEET)
    letters = len(token) - hidden - signs
    if not (hidden or (signs and letters >= 2)) or letters < 1:
        return None
    for word in masked.get(len(token), ()):
        if all(t == w or t in _MASK or w in _LEET.get(t, "") for t, w in zip(token, word, strict=True)):
            return word
    return None


@cache
def _masked_by_length(langs: tuple[Language, ...]) -> dict[int, tuple[str, ...]]:
    by_length: dict[int, list[str]] = {}
    for language in langs:
        for word in language.masked:
            if word not in by_length.setdefault(len(word), []):
                by_length[len(word)].append(word)
    return {n: tuple(words) for n, words in by_length.items()}


def _undisguise(folded: str, langs: tuple[Language, ...]) -> str:
    """Disguised words read as the word they stand for, and letters repeated three times or more
    read once ("fuuuuck", "shuuut up"; a doubled s stays double: "asssss" is "ass")."""
    if _REPEATED.search(folded):
        folded = _REPEATED.sub(lambda m: m.group(1) * (2 if m.group(1) == "s" else 1), folded)
    masked = _masked_by_length(langs)
    if not masked:
        return folded
    out: list[str] = []
    last = 0
    for m in _CANDIDATE.finditer(folded):
        token = m.group().rstrip("!")
        if token.isalpha() or token.isdigit() or len(token) < 3:
            continue
        word = _unmask(token, masked)
        if word is not None:
            out += [folded[last : m.start()], word]
            last = m.start() + len(token)
    if not out:
        return folded
    out.append(folded[last:])
    return "".join(out)


@cache
def _ranked(langs: tuple[Language, ...]) -> RuleSet:
    """The rules of these languages, highest score first (on a tie, in language then file order):
    the first that matches is the best."""
    return RuleSet(
        tuple(sorted((rule for language in langs for rule in language.rules), key=lambda r: -r.score))
    )


def _blank_products(text: str, langs: tuple[Language, ...]) -> tuple[str, list[str]]:
    """Title Case names next to a product noun ("the Killer Queen palette", "la palette Killer
    Queen", "the 'Savage X' sound") or after "called" / "s'appelle", blanked in the
    case-preserving text. Returns the text and the names."""
    nouns = [lang.product_nouns.pattern for lang in langs if lang.product_nouns is not None]
    if not nouns:
        return text, []
    noun = "(?:" + "|".join(nouns) + ")"
    before_name = re.compile(rf"(?i:\b{noun}|\bcalled|\bnamed|\bappelle|\bnomme|\bbaptise)\s+'?$")
    after_name = re.compile(rf"'?\s+(?i:{noun})\b")
    found: list[str] = []
    out: list[str] = []
    last = 0
    for m in _TITLE_RUN.finditer(text):
        start, end = m.span()
        if before_name.search(text, max(0, start - 40), start) or after_name.match(text, end):
            out += [text[last:start], _BLANK]
            found.append(m.group())
            last = end
    out.append(text[last:])
    return "".join(out), found


def _neutralise(folded: str, langs: tuple[Language, ...]) -> tuple[str, list[str]]:
    kinds: list[str] = []
    if any(lang.quote_cues is not None and lang.quote_cues.search(folded) for lang in langs):
        folded, n = _QUOTED.subn(_BLANK, folded)
        if n:
            kinds.append("quoted words")
    probe = Probe(folded)  # blanking only removes words: its pre-check stays a safe over-approximation
    for language in langs:
        for neutral in language.neutral:
            if neutral.pattern.search(folded, probe) is None:
                continue
            folded, n = neutral.pattern.regex.subn(_BLANK, folded)
            if n and neutral.kind not in kinds:
                kinds.append(neutral.kind)
    return folded, kinds


def _excerpt(text: str, m: re.Match[str]) -> str:
    said = " ".join(m.group().split()).strip(" |,.")
    return said if len(said) <= 80 else said[:79] + "…"


def _aimed(words: list[str], contributions: tuple[tuple[str, float], ...]) -> str | None:
    """The word that weighs most in the model's decision (among those weighing at least half as
    much as the heaviest) and stands within MODEL_REACH words of someone addressed, if any."""
    if not contributions or contributions[0][1] <= 0:
        return None
    heavy = [w for w, share in contributions if share >= contributions[0][1] / 2]
    targets = [i for i, w in enumerate(words) if w in _TARGETS or w.startswith("@")]
    for word in heavy:
        at = [i for i, w in enumerate(words) if w == word]
        if any(abs(i - j) <= MODEL_REACH for i in at for j in targets):
            return word
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """A message as the rules and the models read it."""

    lang: str
    #: the languages whose rules run
    langs: tuple[Language, ...] = field(repr=False)
    #: folded, undisguised, with what is not the author's own abuse blanked
    cleaned: str
    #: what was blanked ("product names", "quoted words", "slang praise"…)
    kinds: tuple[str, ...]


def read(text: str) -> Reading:
    """Steps 1, 2 and 6 of the module's docstring: what the rules and the models see."""
    langs = languages()
    prepared = _prepare(text or "")
    lang, langs = _detect(prepared, _fold(prepared), langs)
    cased, products = _blank_products(prepared, langs)
    cleaned, kinds = _neutralise(_undisguise(_fold(cased), langs), langs)
    return Reading(lang, langs, cleaned, (("product names",) if products else ()) + tuple(kinds))


def assess(text: str) -> ConductVerdict:
    """The verdict on one chat message. Pure: same text, same verdict."""
    return assess_with(text, load_chat_model())


def assess_with(text: str, chat_model: ChatModel | None) -> ConductVerdict:
    """`assess` with this chat model (None: rules and alt-profanity-check alone), for training."""
    reading = read(text)
    lang, langs, cleaned, kinds = reading.lang, reading.langs, reading.cleaned, list(reading.kinds)

    best = _ranked(langs).first_match(cleaned)
    if best is not None:
        rule, m = best
        flagged = rule.score >= THRESHOLD
        return ConductVerdict(
            flagged=flagged,
            category=rule.category if flagged else None,
            score=rule.score,
            lang=lang,
            reason=f"{rule.category.value}: {rule.why} (“{_excerpt(cleaned, m)}”)",
        )

    model = load_model() if lang == "en" else None
    if model is not None:
        scored = model.score(cleaned)
        words = _WORDS.findall(cleaned)
        word = _aimed(words, scored.contributions) if scored.probability >= MODEL_THRESHOLD else None
        if word is not None:
            vulgar = any(word in language.words for language in langs)
            category = Category.PROFANITY if vulgar else Category.INSULT
            return ConductVerdict(
                flagged=True,
                category=category,
                score=round(scored.probability, 3),
                lang=lang,
                reason=(
                    f"{category.value}: offensive language aimed at someone (alt-profanity-check "
                    f"p={scored.probability:.2f}, “{word}” next to the person addressed)"
                ),
            )
        if scored.probability >= MODEL_THRESHOLD:
            kinds.append("offensive words aimed at no one")
    if chat_model is not None:
        chat = chat_model.read(cleaned)
        if chat.abusive >= CHAT_THRESHOLD:
            category = Category(chat.label)
            common = frozenset().union(*(language.markers for language in langs))
            said = ", ".join(f"“{w}”" for w in chat_model.evidence(cleaned, chat.label, common))
            return ConductVerdict(
                flagged=True,
                category=category,
                score=round(chat.abusive, 3),
                lang=lang,
                reason=(
                    f"{category.value}: reads like the abusive messages the chat model learned from "
                    f"(p={chat.abusive:.2f}" + (f", words {said}" if said else "") + ")"
                ),
            )

    why = f" (read as {', '.join(kinds)})" if kinds else ""
    return ConductVerdict(False, None, 0.0, lang, f"no abuse found{why}")


def warm() -> None:
    """Load the rules and both models now rather than on the first message (a second or two)."""
    languages()
    load_model()
    load_chat_model()
