"""Performance reviews as data: the rated dimensions and their levels, the rules of a valid review,
the default period and when the next review is due. Pure functions, no Slack, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.enums import ReviewCadence
from bot.domain.parsing import whole_number
from bot.ids import Field

RATING_MIN, RATING_MAX = 1, 5
#: A rating at or below this needs notes saying what went wrong.
NOTES_REQUIRED_AT = 3
NOTES_MAX = 3000
DEFAULT_PERIOD_DAYS = 7


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str  # the review column and the modal block id
    label: str
    #: What each level means for this dimension, from 1 (Unacceptable) to 5 (Exceptional).
    levels: tuple[str, str, str, str, str]


LEVEL_NAMES = ("Unacceptable", "Poor", "Adequate", "Good", "Exceptional")

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        Field.CONDUCT,
        "Conduct",
        (
            "Hostile, disrespectful or harmful to the brand",
            "Unprofessional moments the team had to manage",
            "Professional, with an occasional lapse",
            "Courteous and professional throughout",
            "A model partner; lifts the brand's reputation",
        ),
    ),
    Dimension(
        Field.COMMUNICATION,
        "Communication",
        (
            "Unreachable or ignored the brand team",
            "Slow, unclear, needed repeated chasing",
            "Answered, but late or vague at times",
            "Clear and responsive",
            "Proactive: flagged issues before being asked",
        ),
    ),
    Dimension(
        Field.TIMELINESS,
        "Timeliness",
        (
            "Missed deadlines without notice",
            "Often late, or late on a key deliverable",
            "Mostly on time, a few slips with notice",
            "On time for every deliverable",
            "Early, with room for review and edits",
        ),
    ),
    Dimension(
        Field.CONTENT_QUALITY,
        "Content quality",
        (
            "Off-brief, unusable or non-compliant",
            "Needed heavy rework to be usable",
            "Usable, meets the brief at a basic level",
            "On-brief, polished, well disclosed",
            "Outstanding; beat the brief and the benchmarks",
        ),
    ),
)
DIMENSION_KEYS = tuple(d.key for d in DIMENSIONS)
CADENCE_DAYS: dict[str, int | None] = {
    ReviewCadence.WEEKLY: 7,
    ReviewCadence.BIWEEKLY: 14,
    ReviewCadence.MONTHLY: 30,
    ReviewCadence.OFF: None,
}


def parse_rating(value: str | None) -> int | None:
    """The rating a form sent, or None when it is not a whole number from 1 to 5 (forged, missing)."""
    return whole_number(value, RATING_MIN, RATING_MAX) if isinstance(value, str) else None


def needs_notes(ratings: dict[str, int]) -> bool:
    return any(r <= NOTES_REQUIRED_AT for r in ratings.values())


def review_problems(
    ratings: dict[str, int | None],
    notes: str,
    start: date | None,
    end: date | None,
    today: date,
    would_work_again: bool | None,
    engaged: tuple[date, date] | None = None,
) -> dict[str, str]:
    """Every reason the review can't be stored, by field; empty when it can. `engaged`: the days
    the engagement can cover (`engagement_span`), once the engagement is known."""
    errors: dict[str, str] = {}
    for dim in DIMENSIONS:
        if ratings.get(dim.key) is None:
            errors[dim.key] = f"Rate {dim.label.lower()} from {RATING_MIN} to {RATING_MAX}."
    given = {k: v for k, v in ratings.items() if v is not None}
    if needs_notes(given) and not notes:
        errors[Field.NOTES] = (
            f"Notes are required when a rating is {NOTES_REQUIRED_AT} or lower: say what went wrong."
        )
    elif len(notes) > NOTES_MAX:
        errors[Field.NOTES] = f"Keep the notes to {NOTES_MAX} characters."
    if start is None:
        errors[Field.PERIOD_START] = "Pick the first day of the period."
    if end is None:
        errors[Field.PERIOD_END] = "Pick the last day of the period."
    elif start is not None and end < start:
        errors[Field.PERIOD_END] = "The period ends before it starts."
    elif end > today + timedelta(days=1):  # a day of slack: the reviewer's day may be ahead of UTC
        errors[Field.PERIOD_END] = "The period ends in the future."
    # a day of slack, as above: the engagement's first day is a UTC date, the reviewer's may differ
    elif engaged is not None and end < engaged[0] - timedelta(days=1):
        errors[Field.PERIOD_END] = f"The period ends before the engagement began ({_day(engaged[0])})."
    if engaged is not None and start is not None and start > engaged[1]:
        errors[Field.PERIOD_START] = f"The period starts after the campaign ended ({_day(engaged[1])})."
    if would_work_again is None:
        errors[Field.WOULD_WORK_AGAIN] = "Say whether you would work with them again."
    return errors


def engagement_span(invited_at: datetime, campaign_start: date, campaign_end: date) -> tuple[date, date]:
    """The first and last day a review of an engagement can cover. It begins on the earlier of the
    invitation and the campaign's start: invited before the launch, the influencer works on the
    brief before it; invited once the campaign runs, they may have been engaged from its start
    before anyone told the bot. It ends with the campaign."""
    return min(invited_at.date(), campaign_start), campaign_end


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def default_period(
    today: date, last_review_end: date | None, engaged: tuple[date, date] | None = None
) -> tuple[date, date]:
    """Since the day after the last review's period, or the last 7 days when there is none; up to
    the campaign's end once it is over (`engaged`), so the form's own default is never refused."""
    end = today if engaged is None else min(today, engaged[1])
    if last_review_end is not None and last_review_end < end:
        return last_review_end + timedelta(days=1), end
    return end - timedelta(days=DEFAULT_PERIOD_DAYS), end


def review_due(cadence: str, last_review_at: datetime | None, engaged_at: datetime, now: datetime) -> bool:
    """Is a review due: the last one (or the engagement's start) is older than the campaign's cadence."""
    days = CADENCE_DAYS.get(cadence)
    if days is None:
        return False
    return (last_review_at or engaged_at) <= now - timedelta(days=days)


def average(ratings: dict[str, int]) -> float:
    return sum(ratings.values()) / len(ratings)
