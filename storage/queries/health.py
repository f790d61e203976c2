"""What operations watch, across workspaces: the outbox's backlog and open incidents.

Each query reads an index range (reminder (status, due_at), incident (status…)) and never the
rows that only pile up (sent reminders, closed incidents), so a scrape stays cheap however old the
deployment is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import IncidentStatus, ReminderStatus
from storage.models import Incident, Reminder

OPEN_INCIDENTS = tuple(
    s.value for s in IncidentStatus if s not in (IncidentStatus.RESOLVED, IncidentStatus.DISMISSED)
)


@dataclass
class Outbox:
    by_state: dict[str, int] = field(default_factory=dict)
    due: int = 0
    oldest_due: datetime | None = None
    claimed: int = 0


async def reminder_gauges(s: AsyncSession, now: datetime) -> Outbox:
    r = Reminder.__table__.c  # type: ignore[attr-defined]
    pending = ReminderStatus.PENDING.value
    states = (
        await s.exec(
            select(r.status, func.count()).where(r.status.in_([pending, "failed"])).group_by(r.status)
        )
    ).all()
    due, oldest, claimed = (
        await s.exec(
            select(
                func.count(),
                func.min(r.due_at),
                func.count().filter(r.leased_by.is_not(None)),
            ).where(r.status == pending, r.due_at <= now)
        )
    ).one()
    return Outbox(
        by_state={state: count for state, count in states}, due=due, oldest_due=oldest, claimed=claimed
    )


async def open_incidents_by_status(s: AsyncSession) -> dict[str, int]:
    i = Incident.__table__.c  # type: ignore[attr-defined]
    rows = (
        await s.exec(select(i.status, func.count()).where(i.status.in_(OPEN_INCIDENTS)).group_by(i.status))
    ).all()
    counts = dict.fromkeys(OPEN_INCIDENTS, 0)
    counts.update({status: count for status, count in rows})
    return counts


async def migration_revision(s: AsyncSession) -> str | None:
    """The database's Alembic revision (None before the first migration)."""
    try:
        return (await s.exec(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()
    except Exception:  # no alembic_version table: never migrated
        return None
