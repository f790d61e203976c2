"""Loading a language's conduct rules from its data file (`rules/<lang>.toml`).

A language is added by adding a file. The file's shape (see en.toml for a commented example):

    lang = "en"
    markers = [...]              # common words that tell the language apart (detection)
    letters = "éè…"             # letters only this language uses (one more marker if present)
    [words]                      # word classes: lists of regular expressions, used as {name}
                                 #   (a class may use the classes defined above it)
    [obfuscation] words = [...]  # words people disguise: "f*ck", "f***", "sh1t", "a$$hole",
                                 #   "fuuuck" are read as the first of these they can stand for
    [products] nouns = [...]     # product nouns: a Title Case name next to one is a product
    [quotes] cues = [...]        # words that report someone else's words ("wrote", "a commenté")
    [[neutral]]                  # spans that are not abuse (slang praise, reported apologies…),
      kind, patterns             #   blanked before the rules run and named in the reason
    [[rules]]                    # what is abuse: `category`, `score`, `why`, and `any` (one of
      category, score, why,      #   these patterns) and/or `all` (each of these patterns, anywhere
      any, all                   #   in the message)

Patterns are Python regular expressions over the folded message (lower case, accents dropped,
curly quotes straightened). `{name}` is replaced by the word class `name` as a group of
alternatives; `{gap}` by up to six words that are not a negation (so "you're *honestly the most*
incompetent" matches and "you're not incompetent" doesn't); `{gap2}` by up to two.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from re import _constants as sre_c
from re import _parser as sre_parse

RULES_DIR = Path(__file__).parent / "rules"


class Category(StrEnum):
    INSULT = "insult"
    PROFANITY = "profanity"
    THREAT = "threat"
    HARASSMENT = "harassment"
    SEXUAL = "sexual"
    DOXXING = "doxxing"


class RulesError(ValueError):
    """A rules file that can't be used."""


#: how many letters of a word a needed text is checked by (see Probe)
PREFIX = 10
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)
_STARTS = (sre_c.AT_BOUNDARY, sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _non_word_set(av: list) -> bool:
    """A character set that only holds characters that are not word characters (spaces,
    punctuation): whatever it matched, a word starts after it."""
    for op, arg in av:
        if op is sre_c.LITERAL and not _is_word(chr(arg)):
            continue
        if op is sre_c.CATEGORY and arg in (sre_c.CATEGORY_SPACE, sre_c.CATEGORY_NOT_WORD):
            continue
        return False
    return True


#: a need: the texts one of which a match contains, and whether each of them starts a word there
Need = tuple[tuple[str, ...], bool]


def _walk(items: list, boundary: bool) -> tuple[Need | None, bool]:
    """What every match of this parsed sequence needs (see _needs), and whether a word can start
    right after it. `boundary`: a word can start right before it (after `\\b`, `^`, a space…)."""
    candidates: list[Need] = []
    run: list[str] = []
    run_word = False

    def end_run() -> None:
        if run:
            candidates.append((("".join(run),), run_word))
            run.clear()

    for op, av in items:
        if op is sre_c.LITERAL:
            ch = chr(av)
            if not run:
                run_word = boundary and _is_word(ch)
            run.append(ch)
            boundary = not _is_word(ch)
            continue
        end_run()
        found: Need | None = None
        if op is sre_c.AT:
            boundary = av in _STARTS
        elif op is sre_c.IN:
            boundary = _non_word_set(av)
        elif op is sre_c.SUBPATTERN:
            found, boundary = _walk(av[-1].data, boundary)
        elif op is sre_c.BRANCH:
            walked = [_walk(branch.data, boundary) for branch in av[1]]
            if all(need is not None for need, _ in walked):
                texts = tuple(sorted({t for need, _ in walked for t in need[0]}))  # type: ignore[index]
                found = (texts, all(need[1] for need, _ in walked))  # type: ignore[index]
            boundary = all(after for _, after in walked)
        elif op in _REPEATS:
            inner, after_first = _walk(av[2].data, boundary)
            after_again = _walk(av[2].data, False)[1]
            if av[0] >= 1:
                found = inner
                boundary = after_first and after_again
            else:
                boundary = boundary and after_first and after_again
        elif op is sre_c.ASSERT_NOT and av[0] == -1:
            # (?<![\\w']): what precedes is not a word character
            body = av[1].data
            blocks_word = (
                len(body) == 1
                and body[0][0] is sre_c.IN
                and (sre_c.CATEGORY, sre_c.CATEGORY_WORD) in body[0][1]
            )
            boundary = boundary or blocks_word
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            pass  # a lookahead matches nothing
        else:
            boundary = False
        if found:
            candidates.append(found)
    end_run()
    if not candidates:
        return None, boundary
    return max(candidates, key=_telling), boundary


#: words too common to tell messages apart: a need made of one of them is a need of last resort
_COMMON_WORDS = (
    "a an the i you u your ur we it to of and or in on at is are be for my me this that all each "
    "every so le la les l de des du d un une je j tu t te vous nous il elle on et ou en a ce ca c qu "
    "que qui ne n pas m s se mon ma mes ton ta tes votre vos son sa ses"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def _telling(need: Need) -> tuple[bool, int, bool, int]:
    """How much a need tells messages apart: no common word in it, then the length of its shortest
    text as it is checked (the start of a word for a need of word starts), then whether it is one."""
    texts, starts_word = need
    checked = [_WORD_RUN.match(t).group()[:PREFIX] if starts_word else t for t in texts]  # type: ignore[union-attr]
    return (not any(t in _COMMON for t in checked), min(min(map(len, checked)), 4), starts_word, -len(texts))


def _needs(items: list) -> Need | None:
    """Literal texts one of which every match of this parsed pattern contains, or None when no
    required part of it is literal. Of the required parts (a run of letters, a group, a branch
    whose every alternative needs one, a repeat of at least one), the most telling is kept: the
    one whose shortest text is longest (up to four letters), then one whose texts each start a
    word, then the one with fewest texts — so "\\byou\\s+{insult}" is searched only in messages
    with a word that starts like one of the insults, not in every message with a "u"."""
    return _walk(items, False)[0]


class Probe:
    """One message as the patterns' pre-check reads it: the text, the beginnings (up to PREFIX
    letters) of its words, and the answers already given for shared needs."""

    __slots__ = ("_prefixes", "memo", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[int, bool] = {}
        self._prefixes: frozenset[str] | None = None

    @property
    def prefixes(self) -> frozenset[str]:
        if self._prefixes is None:
            self._prefixes = frozenset(
                word[:i]
                for word in _WORD_RUN.findall(self.text)
                for i in range(1, min(len(word), PREFIX) + 1)
            )
        return self._prefixes


_WORD_RUN = re.compile(r"\w+")
_INTERNED: dict[object, object] = {}


@dataclass(frozen=True, slots=True, eq=False)
class Pattern:
    """A compiled pattern with the literal texts one of which its matches need: a message that
    contains none of them is not searched (a set or substring test costs far less than a regex
    scan). When each needed text starts a word, the test is whether one of the message's words
    starts with it (`words`, a set lookup); otherwise whether the message contains it (`texts`,
    remembered per message, since patterns built on the same word class need the same texts)."""

    regex: re.Pattern[str]
    texts: tuple[str, ...] | None = field(default=None)
    words: frozenset[str] | None = field(default=None)

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> Pattern:
        need = _needs(sre_parse.parse(regex.pattern).data)
        if need is None:
            return cls(regex)
        texts, starts_word = need
        if starts_word:
            words = frozenset(_WORD_RUN.match(t).group()[:PREFIX] for t in texts)  # type: ignore[union-attr]
            return cls(regex, words=_INTERNED.setdefault(words, words))  # type: ignore[arg-type]
        return cls(regex, texts=_INTERNED.setdefault(texts, texts))  # type: ignore[arg-type]

    def search(self, text: str, probe: Probe | None = None) -> re.Match[str] | None:
        if self.words is not None:
            prefixes = probe.prefixes if probe is not None else Probe(text).prefixes
            if self.words.isdisjoint(prefixes):
                return None
        elif self.texts is not None:
            texts = self.texts
            if probe is None:
                present = any(s in text for s in texts)
            else:
                present = probe.memo.get(id(texts))
                if present is None:
                    present = probe.memo[id(texts)] = any(s in text for s in texts)
            if not present:
                return None
        return self.regex.search(text)


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    category: Category
    score: float
    why: str
    any: tuple[Pattern, ...]
    all: tuple[Pattern, ...]

    def search(self, text: str, probe: Probe | None = None) -> re.Match[str] | None:
        """The match that makes this rule fire on `text` (the first `any` match, or the first of
        `all` when every one of them matches), else None."""
        first = None
        if self.all:
            for pattern in self.all:
                m = pattern.search(text, probe)
                if m is None:
                    return None
                first = first or m
            if not self.any:
                return first
        for pattern in self.any:
            m = pattern.search(text, probe)
            if m is not None:
                return m
        return None


class RuleSet:
    """The rules of some languages, highest score first (on a tie, in language then file order),
    indexed by the word starts their patterns need: a message runs only the patterns one of its
    words can trigger, instead of asking each of the hundreds of patterns in turn."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        patterns: list[Pattern] = []
        self._any: list[tuple[frozenset[int], frozenset[int]]] = []  # per rule: indexed, always run
        self._all: list[tuple[int, ...]] = []
        by_prefix: dict[str, list[int]] = {}
        for rule in rules:
            ids = []
            for pattern in rule.all + rule.any:
                ids.append(len(patterns))
                for word in pattern.words or ():
                    by_prefix.setdefault(word, []).append(len(patterns))
                patterns.append(pattern)
            first_any = ids[len(rule.all) :]
            self._all.append(tuple(ids[: len(rule.all)]))
            self._any.append(
                (
                    frozenset(i for i in first_any if patterns[i].words is not None),
                    frozenset(i for i in first_any if patterns[i].words is None),
                )
            )
        self._patterns = tuple(patterns)
        self._by_prefix = {word: tuple(ids) for word, ids in by_prefix.items()}

    def first_match(self, text: str) -> tuple[Rule, re.Match[str]] | None:
        """The first rule (so the best) that matches `text`, with its match: the same answer as
        asking each rule in turn (`Rule.search`), which a unit test checks."""
        probe = Probe(text)
        live: set[int] = set()
        get = self._by_prefix.get
        for prefix in probe.prefixes:
            ids = get(prefix)
            if ids:
                live.update(ids)

        def search(i: int) -> re.Match[str] | None:
            pattern = self._patterns[i]
            if pattern.words is None:
                return pattern.search(text, probe)
            return pattern.regex.search(text) if i in live else None

        for rule, all_ids, (indexed, always) in zip(self.rules, self._all, self._any, strict=True):
            first = None
            if all_ids:
                matches = []
                for i in all_ids:
                    m = search(i)
                    if m is None:
                        break
                    matches.append(m)
                if len(matches) < len(all_ids):
                    continue
                first = matches[0]
                if not rule.any:
                    return rule, first
            for i in sorted((indexed & live) | always):
                m = search(i)
                if m is not None:
                    return rule, m
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Neutral:
    kind: str
    pattern: Pattern


@dataclass(frozen=True, slots=True, eq=False)
class Language:
    """One language's rules. Compared and hashed by identity: the classifier caches what it derives
    from a tuple of languages, and hashing every rule of a language on each message would cost more
    than the rules themselves."""

    lang: str
    markers: frozenset[str]
    letters: frozenset[str]
    product_nouns: re.Pattern[str] | None
    quote_cues: re.Pattern[str] | None
    neutral: tuple[Neutral, ...]
    rules: tuple[Rule, ...]
    masked: tuple[str, ...]  # words people disguise ("f*ck", "sh1t", "a$$hole"), most likely first
    words: frozenset[str]  # the plain words of the {vulgar} and {swear} classes (the model's category)


# a gap never crosses a negation ("you're not useless") nor the start of another clause ("you're
# right, I was stupid" without its comma: "i" starts a new clause)
_NOT = (
    r"(?!(?:not|never|no|hardly|pas|jamais|guere|point|plus\s+jamais|but|because|if|when|i|i'm|i'd|"
    r"i'll|i've|we|we're|it|it's|mais|parce|si|quand|je|j'\w*|moi)\b)"
)
_WORD = r"[\w'*@-]+"
GAP = rf"(?:\s+{_NOT}{_WORD}){{0,6}}?"
GAP2 = rf"(?:\s+{_NOT}{_WORD}){{0,2}}?"


def _strings(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{where}: `{key}` must be a list of non-empty strings")
    return value


def _expand(pattern: str, words: dict[str, str], where: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "gap":
            return GAP
        if name == "gap2":
            return GAP2
        if name not in words:
            raise RulesError(f"{where}: unknown word class {{{name}}} in {pattern!r}")
        return words[name]

    return re.sub(r"\{([a-z_][a-z_0-9]*)\}", sub, pattern)


def _compile(pattern: str, words: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(_expand(pattern, words, where))
    except re.error as exc:
        raise RulesError(f"{where}: {exc} in {pattern!r}") from exc


def _alternatives(items: list[str]) -> str:
    return "(?:" + "|".join(sorted(items, key=len, reverse=True)) + ")"


def parse(data: dict, where: str = "rules") -> Language:
    try:
        raw_words = data.get("words", {})
        words: dict[str, str] = {}
        for name in raw_words:  # a class may use the classes above it: {insult_noun}
            words[name] = _alternatives([_expand(w, words, where) for w in _strings(raw_words, name, where)])
        masked = _strings(data.get("obfuscation", {}), "words", where)
        if not all(re.fullmatch(r"[a-z]+", w) for w in masked):
            raise RulesError(f"{where}: `obfuscation.words` must be plain lower-case words")
        products = data.get("products", {})
        nouns = _strings(products, "nouns", where)
        quotes = _strings(data.get("quotes", {}), "cues", where)
        neutral = tuple(
            Neutral(str(group["kind"]), Pattern.of(_compile(p, words, where)))
            for group in data.get("neutral", [])
            for p in _strings(group, "patterns", where)
        )
        rules = []
        for group in data.get("rules", []):
            rule = Rule(
                category=Category(group["category"]),
                score=float(group["score"]),
                why=str(group["why"]),
                any=tuple(Pattern.of(_compile(p, words, where)) for p in _strings(group, "any", where)),
                all=tuple(Pattern.of(_compile(p, words, where)) for p in _strings(group, "all", where)),
            )
            if not (rule.any or rule.all) or not 0 < rule.score <= 1:
                raise RulesError(f"{where}: a rule needs patterns and a score in (0, 1]")
            rules.append(rule)
        return Language(
            lang=str(data["lang"]),
            markers=frozenset(_strings(data, "markers", where)),
            letters=frozenset(str(data.get("letters", ""))),
            product_nouns=re.compile(_alternatives(nouns), re.IGNORECASE) if nouns else None,
            quote_cues=re.compile(r"\b" + _alternatives(quotes) + r"\b") if quotes else None,
            neutral=neutral,
            rules=tuple(rules),
            masked=tuple(masked),
            words=frozenset(
                w
                for name in ("vulgar", "swear")
                for w in raw_words.get(name, [])
                if re.fullmatch(r"[\w']+", w)
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(f"{where}: {exc!r}") from exc


@cache
def _load(path: Path) -> Language:
    with path.open("rb") as f:
        return parse(tomllib.load(f), path.name)


@cache
def languages(directory: Path = RULES_DIR) -> tuple[Language, ...]:
    """Every language that has a rules file, in file-name order (read once per directory)."""
    return tuple(_load(p) for p in sorted(directory.glob("*.toml")))
