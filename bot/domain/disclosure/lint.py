"""The disclosure lint: does a caption say, where readers see it, that the post is an ad?

    lint(caption, market) -> Verdict   # pass | weak | missing | buried

Decisions (the rules are data, see rules/*.toml; these are how the data is applied):
- The caption is read as posted: line endings normalised, outer whitespace trimmed; offsets are
  code points into that text, lines count from 1.
- The visible part is the first `chars` characters or the first `lines` lines, whichever ends
  first. A label counts as visible only if it ends inside it (a label cut by "more" is buried).
- Matching ignores case, accents (FR "publicite", IE "#fogra"), zero-width characters and
  Unicode styling (mathematical bold "Ad", a fullwidth "#"). Hashtags match whole tags:
  `#adventure`, `#admin`, `#ads`,
  `#ad_`, `#ads4life` are not `#ad`; a tag glued after a word ("love it#ad") or before another
  ("#ad#sunset") still is, because the reader sees `#ad`.
- Short words (`standalone` terms such as "ad") count only when set apart as a label — first or
  last word of a line, in brackets, or followed by ":", "|" or " - " — so "I saw an ad for it" and
  "ad-free" are not disclosures, while "AD | new drop" and "🚨Ad🚨" are.
- Trailing hashtags: the run of hashtags (with mentions, emoji and punctuation between them) that
  ends the caption. A clear label inside a run of at least `trailing_hashtags` tags is buried,
  wherever the run starts — unless the caption is only hashtags and the label is the first.
- Not labels: anything inside a link (with or without `https://`, its path, query and fragment), an
  e-mail address, an @handle (dots included) or a file name: `shop.com/ad`, `?utm_source=ad`,
  `ad@brand.com`, `@the.ad.shop`, `ad.png` are what the reader sees as an address, not a label.
- A negated label is the opposite of a disclosure: a label preceded by a negating word with only
  filler words between ("NOT sponsored", "not an ad", "ce n'est pas une publicité", "pas
  sponsorisé"), or a negated tag ("#notsponsored"), counts for nothing; the verdict names it.
- Verdict: a visible, unburied clear label → pass; else a clear label elsewhere → buried; else a
  weak label anywhere → weak; else missing. The matched label is the earliest of its kind. Every
  reason names the rule applied (the market file's `rule`, or the weak group's `why`).
- Retouched / AI-generated images (FR): not part of the verdict; reported in `notes`, from the
  `images=` declaration (the publish form's tick boxes) or hints in the caption (#facetune,
  "généré par IA", #ai …).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.disclosure.rules import RuleSet, Strength, fold, rules_for


class Finding(StrEnum):
    PASS = "pass"
    WEAK = "weak"
    MISSING = "missing"
    BURIED = "buried"


@dataclass(frozen=True, slots=True)
class Match:
    text: str  # as written in the caption
    term: str  # the rule it matched
    strength: Strength
    offset: int
    end: int
    line: int
    visible: bool
    in_trailing_tags: bool
    why: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    finding: Finding
    market: str
    reason: str
    label: str | None = None
    offset: int | None = None
    line: int | None = None
    matches: tuple[Match, ...] = ()
    notes: tuple[str, ...] = ()
    #: Those of `notes` that say an images label is missing (declared or hinted images, no label).
    image_problems: tuple[str, ...] = ()

    @property
    def images_label_missing(self) -> bool:
        return bool(self.image_problems)

    @property
    def passed(self) -> bool:
        return self.finding is Finding.PASS

    @property
    def where(self) -> str:
        if self.offset is None:
            return ""
        return f"line {self.line}, character {self.offset + 1}"


_TAG = re.compile(r"[#@]\w+")

# Spans that are addresses, not words: a label entirely inside one is not a label.
_TLDS = (
    "com|net|org|co|io|ly|me|fr|uk|ie|us|eu|de|es|it|be|ch|ca|au|shop|store|app|link|gg|tv|ai|info|biz|"
    "xyz|site|online|page|club|fm|to|gl|gd|cc"
)
_FILE_EXT = (
    "png|jpe?g|gif|webp|heic|mp4|mov|avi|mkv|m4v|pdf|psd|ai|docx?|xlsx?|pptx?|key|zip|txt|csv|svg|tiff?|raw"
)
_ADDRESSES = re.compile(
    "|".join(
        [
            r"(?:https?://|www\.)\S+",  # links, with their path, query and fragment
            r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
            rf"(?<![\w@#])[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS})(?![\w-])(?:[/?#]\S*)?",  # bare domains
            r"(?<![\w@#])[\w-]+(?:\.[\w-]+)*/\S+",  # a path after a host (bit.ly/…, host/ad)
            rf"[\w.-]*\w\.(?:{_FILE_EXT})(?!\w)",  # file names
            r"@\w(?:[\w.]*\w)?",  # @handles, dots included
        ]
    )
)


def _address_spans(norm: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ADDRESSES.finditer(norm)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


_OPENERS = "([{【「|/•·"
_CLOSERS = ")]}】」|:–—/•·"


def _visible_end(text: str, rules: RuleSet) -> int:
    end = len(text)
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    if len(newlines) >= rules.visible_lines:
        end = newlines[rules.visible_lines - 1]
    return min(end, rules.visible_chars)


def _trailing_run(norm: str) -> tuple[int, int]:
    """(start offset in `norm` of the first hashtag of the caption's trailing run, number of hashtags)."""
    start, count = len(norm), 0
    for token in reversed(list(re.finditer(r"\S+", norm))):
        if re.search(r"\w", _TAG.sub("", token.group())):
            break  # a word that is not a tag: the run ends here
        tags = [m for m in re.finditer(r"#\w+", token.group())]
        if tags:
            start, count = token.start() + tags[0].start(), count + len(tags)
    return start, count


def _set_apart(norm: str, start: int, end: int) -> bool:
    line_start = norm.rfind("\n", 0, start) + 1
    line_end = norm.find("\n", end)
    line_end = len(norm) if line_end < 0 else line_end
    before, after = norm[line_start:start], norm[end:line_end]
    if not re.search(r"\w", before) or not re.search(r"\w", after):
        return True
    prev, nxt = before.rstrip()[-1:], after.lstrip()[:1]
    return prev in _OPENERS or nxt in _CLOSERS or bool(re.match(r"\s+[-–—]\s", after))


def _negated(norm: str, rules: RuleSet, addresses: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (in `norm`) of labels turned into their opposite: "not an ad", "#notsponsored". The span
    runs from the negating word to the end of the label."""
    neg = rules.negation
    spans: list[tuple[int, int]] = []
    for _term, pattern in neg.terms:
        spans.extend(m.span() for m in pattern.finditer(norm) if not _inside(addresses, *m.span()))
    if neg.before is not None:
        for label in rules.labels:
            for m in label.pattern.finditer(norm):
                if _inside(addresses, m.start(), m.end()):
                    continue
                line_start = norm.rfind("\n", 0, m.start()) + 1
                hit = neg.before.search(norm, line_start, m.start())
                if hit:
                    spans.append((hit.start(), m.end()))
    return sorted(set(spans))


def _find(
    text: str,
    norm: str,
    index: list[int],
    rules: RuleSet,
    visible_end: int,
    skip: list[tuple[int, int]],
) -> list[Match]:
    run_start, run_count = _trailing_run(norm)
    only_tags = not re.search(r"\w", _TAG.sub("", norm[:run_start]))
    found: dict[tuple[int, int, Strength], Match] = {}
    for label in rules.labels:
        for m in label.pattern.finditer(norm):
            if _inside(skip, m.start(), m.end()):
                continue  # inside a link, address, handle or file name, or negated
            if label.standalone and not _set_apart(norm, m.start(), m.end()):
                continue
            if label.unless_next and label.unless_next.match(norm, m.end()):
                continue  # "ad hoc", "ad nauseam": a phrase, not a label
            start, end = index[m.start()], index[m.end() - 1] + 1
            in_run = run_count >= rules.trailing_hashtags and m.start() >= run_start
            if in_run and only_tags and m.start() == run_start:
                in_run = False  # a caption of hashtags only, led by the label
            key = (start, end, label.strength)
            found.setdefault(
                key,
                Match(
                    text=text[start:end],
                    term=label.term,
                    strength=label.strength,
                    offset=start,
                    end=end,
                    line=text.count("\n", 0, start) + 1,
                    visible=end <= visible_end,
                    in_trailing_tags=in_run,
                    why=label.why,
                ),
            )
    return sorted(found.values(), key=lambda m: (m.offset, -(m.end - m.offset)))


def _image_notes(
    norm: str, rules: RuleSet, images: Collection[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Notes on the images' labels, and those of them that say a label is missing."""
    notes: list[str] = []
    problems: list[str] = []
    for rule in rules.images:
        labelled = any(p.search(norm) for p in rule.terms)
        hint = next((h for h, p in rule.hints if p.search(norm)), None)
        declared = rule.kind in images
        if labelled:
            notes.append(f"Carries “{rule.label}”.")
        elif declared:
            problems.append(f"The images are declared {rule.kind} but the caption lacks “{rule.label}”.")
            notes.append(problems[-1])
        elif hint:
            problems.append(
                f"“{hint}” suggests {rule.kind} images: if so, the post also needs “{rule.label}”."
            )
            notes.append(problems[-1])
    if rules.images and not notes:
        labels = " / ".join(f"“{r.label}”" for r in rules.images)
        notes.append(f"If the images are retouched or AI-generated, the post also needs {labels}.")
    return tuple(notes), tuple(problems)


def _quoted(match: Match) -> str:
    return f"“{match.text}”"


def lint(
    caption: str, market: str | None, *, images: Collection[str] = (), rules: RuleSet | None = None
) -> Verdict:
    """The disclosure verdict on `caption` under the rules of `market` (unknown markets: US).

    `images` declares what the post's images are ("retouched", "virtual") where the market cares;
    `rules` overrides the market's rules file (a rules set loaded from elsewhere)."""
    rules = rules or rules_for(market)
    text = (caption or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    norm, index = fold(text)
    visible_end = _visible_end(text, rules)
    addresses = _address_spans(norm)
    negated = _negated(norm, rules, addresses)
    matches = tuple(_find(text, norm, index, rules, visible_end, addresses + negated))
    notes, image_problems = _image_notes(norm, rules, images)

    def verdict(finding: Finding, reason: str, match: Match | None = None) -> Verdict:
        return Verdict(
            finding=finding,
            market=rules.market,
            reason=reason,
            label=match.text if match else None,
            offset=match.offset if match else None,
            line=match.line if match else None,
            matches=matches,
            notes=notes,
            image_problems=image_problems,
        )

    clear = [m for m in matches if m.strength is Strength.CLEAR]
    weak = [m for m in matches if m.strength is Strength.WEAK]
    shown = [m for m in clear if m.visible and not m.in_trailing_tags]
    if shown:
        first = shown[0]
        return verdict(
            Finding.PASS,
            f"{_quoted(first)} is a clear label in the visible part (line {first.line}) — {rules.rule}.",
            first,
        )
    if clear:
        first = clear[0]
        if first.in_trailing_tags:
            why = "only among the hashtags at the end, where readers skip it"
        else:
            why = (
                f"on line {first.line}, after the “more” cut (readers see the first "
                f"{rules.visible_chars} characters or {rules.visible_lines} lines)"
            )
        also = f" The visible part has only {_quoted(weak[0])}." if weak and weak[0].visible else ""
        return verdict(
            Finding.BURIED,
            f"{_quoted(first)} is {why}: move it to the start — {rules.rule}.{also}",
            first,
        )
    if weak:
        first = weak[0]
        return verdict(
            Finding.WEAK,
            f"{_quoted(first)}: {first.why}. Use {rules.expects} at the start.",
            first,
        )
    expect = f"{rules.name} expect {rules.expects} at the start."
    if negated:
        a, b = negated[0]
        said = text[index[a] : index[b - 1] + 1]
        return verdict(
            Finding.MISSING,
            f"“{said}” denies being an ad: a negated label is not a disclosure. {expect}",
        )
    return verdict(Finding.MISSING, f"No disclosure label. {expect}")
