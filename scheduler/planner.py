"""Which reminder rows a subject should have: the reminder table of docs/reminders.md as pure functions.

A *subject* is something with a deadline: an engagement (guidelines to acknowledge, review
cadence), a deliverable (due, overdue, compliance checklist) or an incident (mediation response,
unresolved). `plan(facts, now)` returns every row the subject wants given its current state;
storage-side `sync` makes the table match (insert missing, move changed, cancel unwanted) and
the dispatcher asks the same question again just before sending, so a reminder whose subject
changed is never sent.

Rows of one *chain* (same subject, same audience) replace each other: when several are due at
once, only the latest is sent and the earlier ones are marked superseded (no "due in 24 h" after
the deadline).

Recurring reminders (incident unresolved, review due) are planned one occurrence at a time: the
latest occurrence at or before `now` (so a due, unsent one is kept) and the next one after it.
The dispatcher re-plans the subject after sending, which creates the next occurrence.

| reminder                    | when                                     | to                          |
|-----------------------------|------------------------------------------|-----------------------------|
| guidelines not acknowledged | 24 h, 72 h after invite / new version    | influencer, shared channel  |
| deliverable due             | 72 h, 24 h before, at the due time       | influencer, shared channel  |
| deliverable overdue         | +24 h, +48 h; +48 h also the owner (DM)  | influencer; owner by DM     |
| compliance check pending    | 24 h after published, checklist open     | owner by DM                 |
| mediation response          | half the cure period, and at the end     | influencer, incident thread |
| incident unresolved         | daily after 7 days open                  | campaign owner by DM        |
| review due                  | per campaign cadence, active engagements | campaign owner by DM        |
| ghosting (conduct monitor)  | 24, 48 business hours after a brand ask  | thread; then managers by DM |
| weekly digest               | Monday 09:00 in the manager's time zone  | each manager by DM          |

"The owner" is the subject's `brand_contact`: the campaign owner, or when the owner is an influencer
(a campaign owned from before *one person, one side*) its oldest manager who is not; with nobody
left, the owner's rows are not planned at all.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.enums import (
    CampaignStatus,
    DeliverableStatus,
    EngagementStatus,
    ReminderKind,
    ReviewCadence,
)
from bot.domain.ghosting import add_business_hours
from bot.domain.incidents import OPEN
from bot.domain.insights import iso_week, local_midnight, week_start, zone
from storage.models import AwaitedReply, Campaign, Deliverable, Engagement, Incident, Influencer

H = timedelta(hours=1)

#: Guidelines not acknowledged: hours after the invite (or after a new version was announced).
ACK_AFTER = (24 * H, 72 * H)
#: Deliverable due: before the due time (0 = at the due time).
DUE_BEFORE = (72 * H, 24 * H, 0 * H)
#: Deliverable overdue: after the due time; the owner is also told at the last one.
OVERDUE_AFTER = (24 * H, 48 * H)
MANAGER_OVERDUE_AFTER = 48 * H
#: Compliance checklist still open this long after publication.
COMPLIANCE_AFTER = 24 * H
#: Incident unresolved: first after this long open, then every `UNRESOLVED_EVERY`.
UNRESOLVED_AFTER = timedelta(days=7)
UNRESOLVED_EVERY = timedelta(days=1)
#: Review reminders fall on the campaign's cadence grid from its start date, at this time (UTC).
REVIEW_AT = time(9, 0, tzinfo=UTC)
REVIEW_STEP_DAYS = {ReviewCadence.WEEKLY: 7, ReviewCadence.BIWEEKLY: 14}  # monthly: calendar months

#: Deliverable states in which the influencer still owes the content.
OUTSTANDING = frozenset({DeliverableStatus.PLANNED, DeliverableStatus.LATE})
#: Campaign states in which influencers still owe guidelines acknowledgements and deliverables
#: (a completed or cancelled campaign cancels them; its open incidents still need closing).
LIVE_CAMPAIGN = frozenset({CampaignStatus.DRAFT, CampaignStatus.ACTIVE})
#: Recurring kinds: the dispatcher re-plans the subject after sending one, for the next occurrence.
RECURRING = frozenset({ReminderKind.INCIDENT_UNRESOLVED, ReminderKind.REVIEW_DUE, ReminderKind.WEEKLY_DIGEST})
#: The weekly digest: Mondays at this local time, in each manager's own time zone.
DIGEST_AT = time(9, 0)


class Subject(StrEnum):
    ENGAGEMENT = "engagement"
    DELIVERABLE = "deliverable"
    INCIDENT = "incident"
    AWAITED = "awaited_reply"
    CAMPAIGN = "campaign"


@dataclass(slots=True)
class Planned:
    """One reminder row as the plan wants it. Nothing changes a plan once made; the class is not
    frozen because a frozen dataclass sets each field through `object.__setattr__` (2.6 µs a row
    instead of 1.0), and re-planning a batch of 500 deliverables makes 3,000 of them."""

    kind: ReminderKind
    key: str  # dedupe key, unique across the table
    chain: str  # later due rows of the same chain supersede earlier ones
    due_at: datetime
    channel: str | None = None  # post in this channel …
    user: str | None = None  # … or DM this user
    thread_ts: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EngagementFacts:
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    #: When the current guidelines version was saved (newest clause edit); None: never edited.
    guidelines_changed_at: datetime | None = None
    #: The newest review logged for this engagement, if any.
    last_review_at: datetime | None = None
    #: Who gets the brand side's reminders about this subject (`storage.queries.campaigns.
    #: brand_recipient_ids`, the first): the owner, never an influencer; None: nobody. Required,
    #: by name: facts built without it would plan no owner reminders, silently.
    brand_contact: str | None = field(kw_only=True)

    subject = Subject.ENGAGEMENT

    @property
    def subject_id(self) -> int:
        return self.engagement.id


@dataclass(frozen=True, slots=True)
class DeliverableFacts:
    deliverable: Deliverable
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    #: Code of the campaign's clause with category "deadline" (prefills "Report missed deadline?").
    deadline_code: str | None = None
    #: Compliance checks still pending (None: the checklist has no items yet, i.e. nothing checked).
    checks_pending: int | None = None
    #: Who gets the brand side's reminders about this subject (`storage.queries.campaigns.
    #: brand_recipient_ids`, the first): the owner, never an influencer; None: nobody. Required,
    #: by name: facts built without it would plan no owner reminders, silently.
    brand_contact: str | None = field(kw_only=True)

    subject = Subject.DELIVERABLE

    @property
    def subject_id(self) -> int:
        return self.deliverable.id


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    incident: Incident
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    #: Who gets the brand side's reminders about this subject (`storage.queries.campaigns.
    #: brand_recipient_ids`, the first): the owner, never an influencer; None: nobody. Required,
    #: by name: facts built without it would plan no owner reminders, silently.
    brand_contact: str | None = field(kw_only=True)

    subject = Subject.INCIDENT

    @property
    def subject_id(self) -> int:
        return self.incident.id


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    campaign: Campaign
    #: Its managers and their Slack time zones as last stored (None: not known yet, so UTC).
    managers: tuple[tuple[str, str | None], ...] = ()

    subject = Subject.CAMPAIGN

    @property
    def subject_id(self) -> int:
        return self.campaign.id


Facts = EngagementFacts | DeliverableFacts | IncidentFacts | CampaignFacts


def _hours(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 3600)}h"


# ---------------------------------------------------------------------------------------------
# engagement: guidelines to acknowledge, review cadence


def plan_engagement(f: EngagementFacts, now: datetime) -> list[Planned]:
    e, c = f.engagement, f.campaign
    if ended(f) is not None:
        return []
    out: list[Planned] = []
    version = c.guidelines_version
    if e.acknowledged_version is None or e.acknowledged_version < version:
        # asked at the invite, or again when a newer version was saved after the invite
        asked_at = e.created_at
        if f.guidelines_changed_at is not None and version > 1:
            asked_at = max(asked_at, f.guidelines_changed_at)
        for after in ACK_AFTER:
            out.append(
                Planned(
                    kind=ReminderKind.GUIDELINES_UNACKNOWLEDGED,
                    key=f"engagement:{e.id}:v{version}:ack+{_hours(after)}",
                    chain=f"engagement:{e.id}:ack",
                    due_at=asked_at + after,
                    channel=e.channel_id,
                    payload={"version": version, "asked_at": asked_at.isoformat(), "after_h": _hours(after)},
                )
            )
    out += plan_reviews(f, now)
    return out


def review_dates(campaign: Campaign) -> tuple[date, int | None]:
    """The first review date and the step in days (None: calendar months)."""
    cadence = ReviewCadence(campaign.review_cadence)
    step = REVIEW_STEP_DAYS.get(cadence)
    first = campaign.start_date + timedelta(days=step) if step else _add_months(campaign.start_date, 1)
    return first, step


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _occurrence(campaign: Campaign, n: int) -> datetime:
    first, step = review_dates(campaign)
    day = first + timedelta(days=step * n) if step else _add_months(campaign.start_date, n + 1)
    return datetime.combine(day, REVIEW_AT)


def plan_reviews(f: EngagementFacts, now: datetime) -> list[Planned]:
    """Review due, per campaign cadence, while the engagement is active and the campaign runs.

    An occurrence is skipped when a review was logged during the period it closes.
    """
    e, c = f.engagement, f.campaign
    if (
        c.review_cadence == ReviewCadence.OFF
        or c.status != CampaignStatus.ACTIVE
        or e.status != EngagementStatus.ACTIVE
        or f.brand_contact is None
    ):
        return []
    # occurrences on the grid up to the end date: keep the latest ≤ now and the next one
    wanted: list[int] = []
    n = 0
    while (at := _occurrence(c, n)).date() <= c.end_date:
        if at > now:
            wanted.append(n)
            break
        n += 1
    if n > 0:
        wanted.insert(0, n - 1)
    out = []
    for k in wanted:
        at = _occurrence(c, k)
        period_start = _occurrence(c, k - 1) if k else datetime.combine(c.start_date, REVIEW_AT)
        if f.last_review_at is not None and period_start < f.last_review_at <= at:
            continue  # a review was logged during this period
        out.append(_review(f, at, period_start))
    return out


def _review(f: EngagementFacts, at: datetime, period_start: datetime) -> Planned:
    e, c = f.engagement, f.campaign
    return Planned(
        kind=ReminderKind.REVIEW_DUE,
        key=f"review:{e.id}:{at.date().isoformat()}",
        chain=f"review:{e.id}",
        due_at=at,
        user=f.brand_contact,
        payload={"period_start": period_start.isoformat(), "cadence": c.review_cadence},
    )


# ---------------------------------------------------------------------------------------------
# deliverable: due, overdue, compliance checklist


def deliverable_series(deliverable_id: int, due_at: datetime) -> str:
    """The key prefix of a deliverable's reminders. The due time is part of it: a new due time is
    a new series, while what was sent for the old one stays as it was (its rows still pending are
    cancelled)."""
    return f"deliverable:{deliverable_id}@{int(due_at.timestamp())}"


#: The deliverable's stages as (offset from the due time, stage label): computed once, not per call
#: (the dispatcher re-checks 500 deliverables' rows at a time).
_DUE_STAGES = tuple((-before, f"t-{_hours(before)}") for before in DUE_BEFORE)
_OVERDUE_STAGES = tuple((after, f"overdue+{_hours(after)}") for after in OVERDUE_AFTER)
_OWNER_STAGE = f"overdue+{_hours(MANAGER_OVERDUE_AFTER)}:owner"


def plan_deliverable(f: DeliverableFacts, now: datetime, only: str | None = None) -> Iterator[Planned]:
    """Yields the rows one by one, in due order: the dispatcher's re-check of one row (`wanted`)
    stops at it instead of making all six (3,000 for a batch of 500 deliverables). `only`: the key
    of the one row wanted; the others are skipped before they are made (a row and its payload cost
    about 2 µs, the due time's ISO text as much, for each of the 500 rows of a claim)."""
    d, e = f.deliverable, f.engagement
    if ended(f) is not None:
        return
    if d.status in OUTSTANDING:
        chain = f"deliverable:{d.id}:influencer"
        series = deliverable_series(d.id, d.due_at)
        due_at, due_iso = d.due_at, None
        for kind, stages in (
            (ReminderKind.DELIVERABLE_DUE, _DUE_STAGES),
            (ReminderKind.DELIVERABLE_OVERDUE, _OVERDUE_STAGES),
        ):
            for offset, stage in stages:
                key = f"{series}:{stage}"
                if only is not None and key != only:
                    continue
                due_iso = due_iso or due_at.isoformat()
                yield Planned(
                    kind=kind,
                    key=key,
                    chain=chain,
                    due_at=due_at + offset,
                    channel=e.channel_id,
                    payload={"stage": stage, "due_at": due_iso},
                )
        key = f"{series}:{_OWNER_STAGE}"
        if f.brand_contact is not None and (only is None or key == only):
            yield Planned(
                kind=ReminderKind.DELIVERABLE_OVERDUE,
                key=key,
                chain=f"deliverable:{d.id}:owner",
                due_at=due_at + MANAGER_OVERDUE_AFTER,
                user=f.brand_contact,
                payload={
                    "stage": "owner",
                    "due_at": due_iso or due_at.isoformat(),
                    "engagement_id": e.id,
                    "guideline_code": f.deadline_code,
                },
            )
    if (
        d.status == DeliverableStatus.PUBLISHED
        and d.published_at
        and f.checks_pending != 0
        and f.brand_contact is not None
    ):
        yield Planned(
            kind=ReminderKind.COMPLIANCE_PENDING,
            key=f"deliverable:{d.id}:compliance",
            chain=f"deliverable:{d.id}:compliance",
            due_at=d.published_at + COMPLIANCE_AFTER,
            user=f.brand_contact,
            payload={"published_at": d.published_at.isoformat()},
        )


# ---------------------------------------------------------------------------------------------
# incident: mediation response, unresolved


def plan_incident(f: IncidentFacts, now: datetime) -> list[Planned]:
    i, e = f.incident, f.engagement
    if i.status not in OPEN or ended(f) is not None:
        return []
    out: list[Planned] = []
    if i.responded_at is None:
        reported = i.created_at
        channel = i.channel_id or e.channel_id
        thread = i.card_ts if i.channel_id else None
        half = reported + (i.response_due_at - reported) / 2
        for stage, due in (("half", half), ("end", i.response_due_at)):
            out.append(
                Planned(
                    kind=ReminderKind.MEDIATION_RESPONSE,
                    key=f"incident:{i.id}:{stage}",
                    chain=f"incident:{i.id}:mediation",
                    due_at=due,
                    channel=channel,
                    thread_ts=thread,
                    payload={"stage": stage, "response_due_at": i.response_due_at.isoformat()},
                )
            )
    if f.brand_contact is None:
        return out
    # daily after 7 days open: the latest occurrence ≤ now and the next one
    first = i.created_at + UNRESOLVED_AFTER
    if now < first:
        occurrences = [first]
    else:
        n = (now - first) // UNRESOLVED_EVERY
        occurrences = [first + n * UNRESOLVED_EVERY, first + (n + 1) * UNRESOLVED_EVERY]
    for at in occurrences:
        days = (at - i.created_at).days
        out.append(
            Planned(
                kind=ReminderKind.INCIDENT_UNRESOLVED,
                key=f"incident:{i.id}:unresolved+{days}d",
                chain=f"incident:{i.id}:unresolved",
                due_at=at,
                user=f.brand_contact,
                payload={"days": days},
            )
        )
    return out


def ended(f: Facts) -> str | None:
    """Why nothing about this subject may be sent any more, whatever its own state, or None:
    the engagement was terminated (every subject), or the campaign completed or cancelled
    (guidelines, deliverables and reviews; an open incident still has to be closed). A campaign's
    digest stops when the campaign is not active or its managers switched it off."""
    if isinstance(f, CampaignFacts):
        if f.campaign.status != CampaignStatus.ACTIVE:
            return f"campaign {f.campaign.status}"
        return None if f.campaign.digest_enabled else "digest switched off"
    if f.engagement.status == EngagementStatus.TERMINATED:
        return "engagement terminated"
    if f.subject != Subject.INCIDENT and f.campaign.status not in LIVE_CAMPAIGN:
        return f"campaign {f.campaign.status}"
    return None


# ---------------------------------------------------------------------------------------------
# campaign: the weekly digest to each manager


def digest_times(tz_name: str | None, now: datetime) -> list[datetime]:
    """The latest Monday 09:00 in `tz_name` at or before `now` (kept while due and unsent) and the
    next one, as UTC instants."""
    tz = zone(tz_name)
    monday = week_start(now, tz)
    at = _local(monday, tz)
    if at > now:
        return [_local(monday - timedelta(days=7), tz), at]
    return [at, _local(monday + timedelta(days=7), tz)]


def _local(day: date, tz) -> datetime:
    return local_midnight(day, tz) + timedelta(hours=DIGEST_AT.hour, minutes=DIGEST_AT.minute)


def plan_campaign(f: CampaignFacts, now: datetime) -> list[Planned]:
    """One digest per manager and ISO week (the key), due Monday 09:00 in their time zone: a
    manager who moves zones gets the row moved, never a second one for the same week."""
    c = f.campaign
    if ended(f) is not None:
        return []
    out = []
    for user_id, tz_name in f.managers:
        for at in digest_times(tz_name, now):
            week = iso_week(at.astimezone(zone(tz_name)).date())
            out.append(
                Planned(
                    kind=ReminderKind.WEEKLY_DIGEST,
                    key=f"digest:{c.id}:{user_id}:{week}",
                    chain=f"digest:{c.id}:{user_id}",
                    due_at=at,
                    user=user_id,
                    payload={"week": week, "tz": zone(tz_name).key},
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# awaited reply (ghosting): a brand message the influencer has not answered


@dataclass(frozen=True, slots=True)
class AwaitedFacts:
    awaited: AwaitedReply
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign
    #: The campaign's managers, who get the flag.
    managers: tuple[str, ...] = ()

    subject = Subject.AWAITED

    @property
    def subject_id(self) -> int:
        return self.awaited.id


def plan_awaited(f: AwaitedFacts, now: datetime) -> list[Planned]:
    """While the campaign's conduct monitor is on: a gentle reminder in the message's thread after
    `ghost_reminder_hours` business hours in the influencer's time zone, and a private flag to each
    manager after `ghost_flag_hours`. The influencer's next message in the channel deletes the
    subject (bot/flows/conduct.py), which cancels what is still pending."""
    a, c = f.awaited, f.campaign
    if ended(f) is not None or not c.conduct_monitor:
        return []
    remind_at = add_business_hours(a.asked_at, c.ghost_reminder_hours, a.tz)
    flag_at = add_business_hours(a.asked_at, c.ghost_flag_hours, a.tz)
    payload = {"asked_at": a.asked_at.isoformat(), "asker": a.asker_id, "permalink": a.permalink}
    out = [
        Planned(
            kind=ReminderKind.GHOSTING_REMINDER,
            key=f"awaited:{a.id}:reminder",
            chain=f"awaited:{a.id}:reminder",
            due_at=remind_at,
            channel=a.channel_id,
            thread_ts=a.thread_ts,
            payload={**payload, "hours": c.ghost_reminder_hours},
        )
    ]
    for manager in f.managers:
        out.append(
            Planned(
                kind=ReminderKind.GHOSTING_FLAG,
                key=f"awaited:{a.id}:flag:{manager}",
                chain=f"awaited:{a.id}:flag:{manager}",
                due_at=flag_at,
                user=manager,
                payload={**payload, "hours": c.ghost_flag_hours},
            )
        )
    return out


PLANNERS = {
    Subject.ENGAGEMENT: plan_engagement,
    Subject.DELIVERABLE: plan_deliverable,
    Subject.INCIDENT: plan_incident,
    Subject.AWAITED: plan_awaited,
    Subject.CAMPAIGN: plan_campaign,
}


def plan(facts: Facts, now: datetime) -> list[Planned]:
    return list(PLANNERS[facts.subject](facts, now))  # type: ignore[operator]


def unwanted_reason(facts: Facts | None) -> str:
    """Why the dispatcher cancels a row its subject no longer wants (stored as the row's note)."""
    if facts is None:
        return "subject deleted"
    return ended(facts) or "subject changed"


def wanted(facts: Facts | None, key: str, due_at: datetime) -> Planned | None:
    """The dispatcher's re-check: the row as the subject, as it is now, still wants it at this
    time (with its current target: an incident card posted after the row was planned), or None."""
    if facts is None:
        return None
    if facts.subject == Subject.DELIVERABLE:  # most rows: made alone (`only`)
        rows: Iterable[Planned] = plan_deliverable(facts, due_at, only=key)  # type: ignore[arg-type]
    else:
        rows = PLANNERS[facts.subject](facts, due_at)  # type: ignore[operator]
    return next((p for p in rows if p.key == key and p.due_at == due_at), None)
