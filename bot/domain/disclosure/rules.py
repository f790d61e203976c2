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


def term_pattern(term: str) -> re.Pattern[str]:
    """`#tag` matches that whole hashtag (glued to a word before it is fine, a longer tag is not);
    a word or phrase matches whole words (not part of a hyphenated word: "ad-free" is not "ad"),
    any run of spaces between them, and never inside a tag or a mention."""
    folded = fold(term.strip())[0]
    if folded.startswith("#"):
        return re.compile(r"#" + re.escape(folded[1:]) + r"(?!\w)")
    words = r"\s+".join(re.escape(w) for w in folded.split())
    return re.compile(r"(?<![\w#@])(?<!\w-)" + words + r"(?!\w|-\w)")


@dataclass(frozen=True, slots=True)
class Label:
    term: str
    strength: Strength
    why: str
    standalone: bool
    pattern: re.Pattern[str]

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
class RuleSet:
    market: str
    name: str
    expects: str
    visible_chars: int
    visible_lines: int
    trailing_hashtags: int
    labels: tuple[Label, ...]
    images: tuple[ImageRule, ...]


class RulesError(ValueError):
    """A rules file that can't be used."""


def _strings(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{where}: `{key}` must be a list of non-empty strings")
    return value


def parse(data: dict, where: str = "rules") -> RuleSet:
    try:
        visible = data.get("visible", {})
        labels = []
        for group in data.get("labels", []):
            strength = Strength(group["strength"])
            why = group.get("why", "")
            if strength is Strength.WEAK and not why:
                raise RulesError(f"{where}: a weak label group needs `why`")
            for term in _strings(group, "terms", where):
                labels.append(
                    Label(term, strength, why, bool(group.get("standalone", False)), term_pattern(term))
                )
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
            expects=str(data["expects"]),
            visible_chars=int(visible.get("chars", 125)),
            visible_lines=int(visible.get("lines", 3)),
            trailing_hashtags=int(visible.get("trailing_hashtags", 3)),
            labels=tuple(labels),
            images=images,
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
