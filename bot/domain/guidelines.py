"""Contract clauses: the default template and the rules for editing them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.enums import GuidelineCategory as Cat
from bot.domain.enums import Severity as Sev

MAX_CLAUSES = 20
TITLE_MAX = 150
TEXT_MAX = 2500  # leaves room in a 3,000-character section for the code and title
CODE_PATTERN = re.compile(r"^G([1-9][0-9]?)$")


@dataclass(frozen=True, slots=True)
class Clause:
    code: str
    title: str
    text: str
    category: Cat
    default_severity: Sev


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One clause of a new guidelines version: added (`before` is None) or edited."""

    code: str
    before: Clause | None
    after: Clause

    @property
    def added(self) -> bool:
        return self.before is None


DEFAULT_TEMPLATE: tuple[Clause, ...] = (
    Clause(
        "G1",
        "Disclose the partnership clearly",
        'Disclose the partnership clearly in the post itself: #ad or "Paid partnership" at the start, '
        "not only in the bio, and not #sp or #collab alone.",
        Cat.DISCLOSURE,
        Sev.MAJOR,
    ),
    Clause("G2", "Deliver on time", "Deliver content by the agreed deadline.", Cat.DEADLINE, Sev.MODERATE),
    Clause(
        "G3",
        "No competitor promotion",
        "No promotion of competitors during the exclusivity window.",
        Cat.EXCLUSIVITY,
        Sev.MAJOR,
    ),
    Clause(
        "G4",
        "Professional conduct",
        "Professional and respectful conduct with the brand team and audience.",
        Cat.CONDUCT,
        Sev.MAJOR,
    ),
    Clause(
        "G5", "Approved content only", "Publish only approved content.", Cat.CONTENT_APPROVAL, Sev.MODERATE
    ),
    Clause("G6", "Brand safety", "No offensive or brand-unsafe content.", Cat.BRAND_SAFETY, Sev.CRITICAL),
    Clause(
        "G7",
        "Confidentiality",
        "Keep unreleased campaign details confidential.",
        Cat.CONFIDENTIALITY,
        Sev.MAJOR,
    ),
    Clause(
        "G8",
        "Authentic engagement",
        "No purchased followers, likes or engagement pods.",
        Cat.FAKE_ENGAGEMENT,
        Sev.CRITICAL,
    ),
)

TEMPLATES: dict[str, tuple[Clause, ...]] = {"default": DEFAULT_TEMPLATE, "empty": ()}


def next_code(existing: list[str]) -> str:
    """The code for a new clause: one past the highest `G<n>` in use."""
    numbers = [int(m.group(1)) for code in existing if (m := CODE_PATTERN.match(code))]
    return f"G{max(numbers, default=0) + 1}"


def clause_problems(title: str, text: str) -> dict[str, str]:
    """Field problems of one clause: keys `title` / `text`."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "A clause needs a title."
    elif len(title) > TITLE_MAX:
        problems["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if not text.strip():
        problems["text"] = "A clause needs its text."
    elif len(text) > TEXT_MAX:
        problems["text"] = f"Keep the clause to {TEXT_MAX} characters (it has {len(text)})."
    return problems
