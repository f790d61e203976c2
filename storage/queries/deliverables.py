"""Deliverables and their compliance checks. State changes are conditional UPDATEs."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import ComplianceItem, ComplianceStatus, DeliverableStatus
from storage.models import Campaign, ComplianceCheck, Deliverable, Engagement, Guideline, Influencer


async def with_context(
    s: AsyncSession, team_id: str, deliverable_id: int
) -> tuple[Deliverable, Engagement, Influencer, Campaign] | None:
    result = await s.exec(
        select(Deliverable, Engagement, Influencer, Campaign)
        .join(Engagement, Engagement.id == Deliverable.engagement_id)
        .join(Influencer, Influencer.id == Engagement.influencer_id)
        .join(Campaign, Campaign.id == Engagement.campaign_id)
        .where(Deliverable.team_id == team_id, Deliverable.id == deliverable_id)
    )
    row = result.first()
    return tuple(row) if row else None


async def transition(
    s: AsyncSession,
    deliverable_id: int,
    expected: Iterable[DeliverableStatus],
    to: DeliverableStatus,
    **values: Any,
) -> bool:
    """Move the deliverable to `to` only if its status is one of `expected`; False if it was not."""
    result = await s.exec(
        update(Deliverable)
        .where(Deliverable.id == deliverable_id, Deliverable.status.in_([str(e) for e in expected]))
        .values(status=to, **values)
    )
    return result.rowcount == 1


async def set_values(s: AsyncSession, deliverable_id: int, **values: Any) -> None:
    await s.exec(update(Deliverable).where(Deliverable.id == deliverable_id).values(**values))


async def set_card(s: AsyncSession, deliverable_id: int, card_ts: str) -> bool:
    """Remember the deliverable's card, unless one is remembered already (two presses of *Post the
    card again* at once); whether this one was."""
    result = await s.exec(
        update(Deliverable)
        .where(Deliverable.id == deliverable_id, Deliverable.card_ts.is_(None))
        .values(card_ts=card_ts)
    )
    return result.rowcount == 1


async def set_checklist(s: AsyncSession, deliverable_id: int, user_id: str, channel_id: str, ts: str) -> bool:
    """Remember the checklist message and whose DM it is in, unless one is remembered already (two
    sends at once: the other's is kept); whether this one was."""
    result = await s.exec(
        update(Deliverable)
        .where(Deliverable.id == deliverable_id, Deliverable.checklist_ts.is_(None))
        .values(checklist_user_id=user_id, checklist_channel_id=channel_id, checklist_ts=ts)
    )
    return result.rowcount == 1


async def set_checklist_holder(
    s: AsyncSession, deliverable_id: int, channel_id: str, ts: str, user_id: str
) -> None:
    """Record whose DM the checklist message in `channel_id` at `ts` is, if it is still the one
    remembered (a message sent before holders were recorded)."""
    await s.exec(
        update(Deliverable)
        .where(
            Deliverable.id == deliverable_id,
            Deliverable.checklist_channel_id == channel_id,
            Deliverable.checklist_ts == ts,
        )
        .values(checklist_user_id=user_id)
    )


async def release_checklist(s: AsyncSession, deliverable_id: int, channel_id: str, ts: str) -> bool:
    """Forget the checklist message in `channel_id` at `ts`, if it is still the one remembered: the
    caller then owns its one replacement (two refreshes at once move it once); whether it was."""
    result = await s.exec(
        update(Deliverable)
        .where(
            Deliverable.id == deliverable_id,
            Deliverable.checklist_channel_id == channel_id,
            Deliverable.checklist_ts == ts,
        )
        .values(checklist_user_id=None, checklist_channel_id=None, checklist_ts=None)
    )
    return result.rowcount == 1


async def mark_late(
    s: AsyncSession, now: datetime, expected: Iterable[DeliverableStatus], limit: int = 500
) -> list[tuple[str, int]]:
    """Deliverables in one of the `expected` states whose due time has passed become `late`, up to
    `limit` of them (oldest first), in ONE statement; returns their (team_id, id).

    Index (status, due_at) across workspaces. On PostgreSQL the rows are locked with SKIP LOCKED,
    so two sweeps at once mark disjoint rows; the outer condition re-checks the status, so a
    deliverable submitted meanwhile is left alone."""
    # on the session's connection: the session's own `execute` runs an UPDATE through the ORM's
    # bulk-update machinery (matching and refreshing loaded objects), several milliseconds of CPU
    # for 500 rows; the sweep needs nothing more of them
    result = await (await s.connection()).execute(
        _mark_late(), {"expected": sorted(str(e) for e in expected), "now": now, "limit": limit}
    )
    return sorted((team_id, deliverable_id) for team_id, deliverable_id in result.all())


@functools.cache
def _mark_late() -> Any:
    """`mark_late`'s statement, built once (parameters `expected`, `now`, `limit`): building it
    and its cache key on every sweep cost about a millisecond of CPU."""
    table = Deliverable.__table__
    expected = bindparam("expected", expanding=True)
    due = (
        select(table.c.id)
        .where(table.c.status.in_(expected), table.c.due_at <= bindparam("now", type_=table.c.due_at.type))
        .order_by(table.c.due_at, table.c.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True)
    )
    return (
        update(table)
        .where(table.c.id.in_(due.scalar_subquery()), table.c.status.in_(expected))
        .values(status=DeliverableStatus.LATE.value)
        .returning(table.c.team_id, table.c.id)
    )


async def cancel_all(s: AsyncSession, campaign_id: int, statuses: Iterable[DeliverableStatus]) -> list[int]:
    """The campaign's deliverables in one of `statuses` become `cancelled`, in one statement;
    returns their ids."""
    result = await (await s.connection()).execute(
        update(Deliverable.__table__)
        .where(
            Deliverable.engagement_id.in_(select(Engagement.id).where(Engagement.campaign_id == campaign_id)),
            Deliverable.status.in_(sorted(str(status) for status in statuses)),
        )
        .values(status=DeliverableStatus.CANCELLED.value)
        .returning(Deliverable.id)
    )
    return sorted(result.scalars().all())


_ORDER = {item.value: n for n, item in enumerate(ComplianceItem)}


async def checks(s: AsyncSession, deliverable_id: int) -> list[ComplianceCheck]:
    result = await s.exec(select(ComplianceCheck).where(ComplianceCheck.deliverable_id == deliverable_id))
    return sorted(result.scalars().all(), key=lambda c: _ORDER.get(c.item, 99))


async def check(s: AsyncSession, team_id: str, check_id: int) -> ComplianceCheck | None:
    result = await s.exec(
        select(ComplianceCheck).where(ComplianceCheck.team_id == team_id, ComplianceCheck.id == check_id)
    )
    return result.scalars().first()


async def decide(
    s: AsyncSession, check_id: int, status: ComplianceStatus, user_id: str, at: datetime, note: str | None
) -> bool:
    """Record a decision on a pending check; False if someone decided it first."""
    result = await s.exec(
        update(ComplianceCheck)
        .where(ComplianceCheck.id == check_id, ComplianceCheck.status == ComplianceStatus.PENDING)
        .values(status=status, checked_by=user_id, checked_at=at, note=note)
    )
    return result.rowcount == 1


async def clause_codes(s: AsyncSession, campaign_id: int) -> dict[str, str]:
    """The first clause code per category of the campaign's guidelines."""
    result = await s.exec(
        select(Guideline.category, Guideline.code)
        .where(Guideline.campaign_id == campaign_id)
        .order_by(Guideline.position, Guideline.id)
    )
    codes: dict[str, str] = {}
    for category, code in result.all():
        codes.setdefault(category, code)
    return codes
