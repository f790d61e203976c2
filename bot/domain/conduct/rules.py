"""Loading a language's conduct rules from its data file (`rules/<lang>.toml`).

A language is added by adding a file. The file's shape (see en.toml for a commented example):

    lang = "en"
    markers = [...]              # common words that tell the language apart (detection)
    letters = "éè…"             # letters only this language uses (one more marker if present)
    [words]                      # word classes: lists of regular expressions, used as {name}
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


def _prefixes(items: list) -> tuple[str, ...] | None:
    """The literal texts one of which every match of this parsed pattern starts with (after its
    leading assertions), or None when that can't be told (an optional or non-literal start)."""
    for i, (op, av) in enumerate(items):
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue
        if op is sre_c.LITERAL:
            run = []
            for op2, av2 in items[i:]:
                if op2 is not sre_c.LITERAL:
                    break
                run.append(chr(av2))
            return ("".join(run),)
        if op is sre_c.SUBPATTERN:
            return _prefixes(av[-1].data)
        if op is sre_c.BRANCH:
            found: list[str] = []
            for branch in av[1]:
                prefixes = _prefixes(branch.data)
                if not prefixes:
                    return None
                found += prefixes
            return tuple(sorted(set(found)))
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            return _prefixes(av[2].data)
        return None
    return None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern with the literal starts one of which its matches need: a message that
    contains none of them is not searched (a substring test costs far less than a regex scan)."""

    regex: re.Pattern[str]
    starts: tuple[str, ...] | None = field(default=None)

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> Pattern:
        return cls(regex, _prefixes(sre_parse.parse(regex.pattern).data))

    def search(self, text: str) -> re.Match[str] | None:
        if self.starts is not None and not any(s in text for s in self.starts):
            return None
        return self.regex.search(text)


@dataclass(frozen=True, slots=True)
class Rule:
    category: Category
    score: float
    why: str
    any: tuple[Pattern, ...]
    all: tuple[Pattern, ...]

    def search(self, text: str) -> re.Match[str] | None:
        """The match that makes this rule fire on `text` (the first `any` match, or the first of
        `all` when every one of them matches), else None."""
        first = None
        if self.all:
            for pattern in self.all:
                m = pattern.search(text)
                if m is None:
                    return None
                first = first or m
            if not self.any:
                return first
        for pattern in self.any:
            m = pattern.search(text)
            if m is not None:
                return m
        return None


@dataclass(frozen=True, slots=True)
class Neutral:
    kind: str
    pattern: Pattern


@dataclass(frozen=True, slots=True)
class Language:
    lang: str
    markers: frozenset[str]
    letters: frozenset[str]
    product_nouns: re.Pattern[str] | None
    quote_cues: re.Pattern[str] | None
    neutral: tuple[Neutral, ...]
    rules: tuple[Rule, ...]
    words: frozenset[str]  # the plain words of the {vulgar} and {swear} classes (the model's category)


_NOT = r"(?!(?:not|never|no|hardly|pas|jamais|guere|point|plus\s+jamais)\b)"
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
        words = {name: _alternatives(_strings(raw_words, name, where)) for name in raw_words}
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


def languages(directory: Path = RULES_DIR) -> tuple[Language, ...]:
    """Every language that has a rules file, in file-name order."""
    return tuple(_load(p) for p in sorted(directory.glob("*.toml")))
