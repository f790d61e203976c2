"""Loading a market's disclosure rules from its data file (`rules/<market>.toml`).

A market is added by adding a file: nothing here names a market except the fallback.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

RULES_DIR = Path(__file__).parent / "rules"
FALLBACK = "US"

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f")


class Strength(StrEnum):
    CLEAR = "clear"
    WEAK = "weak"


def fold(text: str) -> tuple[str, list[int]]:
    """Text as matched: compatibility-decomposed (styled bold letters → plain, fullwidth "#" → "#"),
    accents and zero-width characters dropped, case-folded. Returns it with, for each character,
    its offset in `text` (plus one final entry, `len(text)`), so matches are reported where the
    reader sees them."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                out.append(folded)
                index.append(i)
    index.append(len(text))
    return "".join(out), index


MENTION = "@brand"
_MENTION = r"@\w(?:[\w.]*\w)?"


def term_pattern(term: str) -> re.Pattern[str]:
    """`#tag` matches that whole hashtag (glued to a word before it is fine, a longer tag is not);
    a word or phrase matches whole words (not part of a hyphenated word: "ad-free" is not "ad"),
    any run of spaces between them, and never inside a tag or a mention. The word `@brand` in a
    phrase stands for any mention ("thanks @brand" matches "Thanks @glowlab")."""
    folded = fold(term.strip())[0]
    if folded.startswith("#"):
        return re.compile(r"#" + re.escape(folded[1:]) + r"(?!\w)")
    words = r"\s+".join(_MENTION if w == MENTION else re.escape(w) for w in folded.split())
    return re.compile(r"(?<![\w#@])(?<!\w-)" + words + r"(?!\w|-\w)")


def fused_terms(parts: list[str], words: list[str]) -> list[str]:
    """The hashtags that glue a label onto a partnership word, either way round: `fuse = ["ad"]` with
    `terms = ["partner"]` gives `#adpartner` and `#partnerad`."""
    out: list[str] = []
    for part in parts:
        for word in words:
            for tag in (f"#{part}{word}", f"#{word}{part}"):
                if tag not in out:
                    out.append(tag)
    return out


@dataclass(frozen=True, slots=True)
class Label:
    term: str
    strength: Strength
    why: str
    standalone: bool
    pattern: re.Pattern[str]
    unless_next: re.Pattern[str] | None = None  # the next word that makes it another phrase ("ad hoc")

    @property
    def is_hashtag(self) -> bool:
        return self.term.startswith("#")


@dataclass(frozen=True, slots=True)
class ImageRule:
    kind: str
    label: str
    terms: tuple[re.Pattern[str], ...]
    hints: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """Words that turn a label into its opposite ("not an ad", "pas sponsorisé"), the filler words
    allowed between them and the label, and whole negated labels ("#notsponsored")."""

    before: re.Pattern[str] | None
    terms: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True, slots=True)
class RuleSet:
    market: str
    name: str
    rule: str
    expects: str
    visible_chars: int
    visible_lines: int
    trailing_hashtags: int
    labels: tuple[Label, ...]
    images: tuple[ImageRule, ...]
    negation: Negation = Negation(None, ())
    cites: tuple[str, ...] = ()


class RulesError(ValueError):
    """A rules file that can't be used."""


def _strings(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{where}: `{key}` must be a list of non-empty strings")
    return value


def _negation(data: dict, where: str) -> Negation:
    """`[negation] words` (negating words), `filler` (words allowed between the negation and the
    label: "not *an* ad", "ce n'est pas *une* publicité") and `terms` (labels negated in one word)."""
    words = [fold(w)[0] for w in _strings(data, "words", where)]
    filler = [fold(w)[0] for w in _strings(data, "filler", where)]
    before = None
    if words:
        # the text just before a label: a negating word, then only filler words, spaces, quotes or
        # emphasis marks (no sentence punctuation: "No. Ad: …" is not a negation)
        gap = r"[\s*_~\"'“”«»‘’()]*"
        fill = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(filler, key=len, reverse=True))
        neg = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
        fill_part = rf"(?:{gap}(?:{fill})(?!\w))*" if fill else ""
        before = re.compile(rf"(?<![\w#@])(?:{neg})(?!\w){fill_part}{gap}$")
    terms = tuple((t, term_pattern(t)) for t in _strings(data, "terms", where))
    return Negation(before, terms)


def parse(data: dict, where: str = "rules") -> RuleSet:
    try:
        visible = data.get("visible", {})
        cites = tuple(_strings(data, "cites", where))
        labels = []
        for group in data.get("labels", []):
            strength = Strength(group["strength"])
            why = group.get("why", "")
            if strength is Strength.WEAK and not why:
                raise RulesError(f"{where}: a weak label group needs `why`")
            if why and cites and not any(c in why for c in cites):
                raise RulesError(
                    f"{where}: `why` must name the rule it applies ({', '.join(cites)}): {why!r}"
                )
            terms = _strings(group, "terms", where)
            if group.get("fuse"):
                terms = fused_terms(_strings(group, "fuse", where), terms)
            nexts = [re.escape(fold(w)[0]) for w in _strings(group, "unless_next", where)]
            unless_next = re.compile(r"\s+(?:" + "|".join(nexts) + r")(?!\w)") if nexts else None
            standalone = bool(group.get("standalone", False))
            for term in terms:
                labels.append(Label(term, strength, why, standalone, term_pattern(term), unless_next))
        images = tuple(
            ImageRule(
                kind=str(rule["kind"]),
                label=str(rule["label"]),
                terms=tuple(term_pattern(t) for t in _strings(rule, "terms", where)),
                hints=tuple((h, term_pattern(h)) for h in _strings(rule, "hints", where)),
            )
            for rule in data.get("images", [])
        )
        rules = RuleSet(
            market=str(data["market"]),
            name=str(data["name"]),
            rule=str(data.get("rule", data["name"])),
            expects=str(data["expects"]),
            visible_chars=int(visible.get("chars", 125)),
            visible_lines=int(visible.get("lines", 3)),
            trailing_hashtags=int(visible.get("trailing_hashtags", 3)),
            labels=tuple(labels),
            images=images,
            negation=_negation(data.get("negation", {}), where),
            cites=cites,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(f"{where}: {exc!r}") from exc
    if not any(label.strength is Strength.CLEAR for label in rules.labels):
        raise RulesError(f"{where}: no clear label")
    return rules


def markets(directory: Path = RULES_DIR) -> tuple[str, ...]:
    """The markets that have a rules file."""
    return tuple(sorted(p.stem.upper() for p in directory.glob("*.toml")))


@cache
def _load(path: Path) -> RuleSet:
    with path.open("rb") as f:
        return parse(tomllib.load(f), path.name)


def rules_for(market: str | None, directory: Path = RULES_DIR) -> RuleSet:
    """The rules of `market`; a market without a file (e.g. `other`) gets the US rules."""
    code = (market or "").strip().lower()
    path = directory / f"{code}.toml"
    if not code.isalnum() or not path.is_file():
        path = directory / f"{FALLBACK.lower()}.toml"
    return _load(path)
