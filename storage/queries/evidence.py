"""Evidence snapshots, and reading incident timelines to check their hash chain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import IncidentEventKind
from bot.domain.incidents import OPEN
from storage.db import id_in
from storage.models import EvidenceSnapshot, Incident, IncidentEvent
from storage.queries import insert


async def add_snapshot(s: AsyncSession, row: dict) -> bool:
    """Store one snapshot; False when that message is already kept for that incident."""
    statement = insert(s, EvidenceSnapshot).values(**row)
    statement = statement.on_conflict_do_nothing(index_elements=["incident_id", "channel_id", "ts"])
    return (await s.exec(statement)).rowcount == 1


async def set_unread(s: AsyncSession, incident_id: int, links: list[str]) -> None:
    await s.exec(update(Incident).where(Incident.id == incident_id).values(evidence_unread=links))


async def snapshotted_in_open(
    s: AsyncSession, team_id: str, channel_id: str, ts: str
) -> list[tuple[Incident, EvidenceSnapshot]]:
    """Open incidents that keep a snapshot of this message (index evidence_snapshot (team, channel, ts))."""
    rows = await s.exec(
        select(Incident, EvidenceSnapshot)
        .join(Incident, Incident.id == EvidenceSnapshot.incident_id)
        .where(
            EvidenceSnapshot.team_id == team_id,
            EvidenceSnapshot.channel_id == channel_id,
            EvidenceSnapshot.ts == ts,
            Incident.status.in_(sorted(OPEN)),
        )
        .order_by(Incident.id)
    )
    return [tuple(row) for row in rows.all()]


async def open_by_thread(s: AsyncSession, team_id: str, channel_id: str, thread_ts: str) -> Incident | None:
    """The open incident whose mediation thread this is (index incident (team, channel, card_ts))."""
    result = await s.exec(
        select(Incident).where(
            Incident.team_id == team_id,
            Incident.channel_id == channel_id,
            Incident.card_ts == thread_ts,
            Incident.status.in_(sorted(OPEN)),
        )
    )
    return result.scalars().first()


async def last_recorded(
    s: AsyncSession, incident_id: int, ts: str
) -> tuple[str | None, str | None, list[dict[str, str]] | None] | None:
    """(text, author, files) of message `ts` as the incident's timeline last recorded it (a reply
    in its thread, or an edit of one), or None when the timeline has no record of it. Files are
    None for an event recorded before replies and edits kept them."""
    kinds = [IncidentEventKind.THREAD_REPLY, IncidentEventKind.MESSAGE_EDITED]
    result = await s.exec(
        select(IncidentEvent)
        .where(
            IncidentEvent.incident_id == incident_id,
            IncidentEvent.kind.in_(kinds),
            IncidentEvent.data["ts"].as_string() == ts,
        )
        .order_by(IncidentEvent.id.desc())
        .limit(1)
    )
    event = result.scalars().first()
    if event is None:
        return None
    text = event.text if event.kind == IncidentEventKind.THREAD_REPLY else event.data.get("after")
    return text, event.actor_id, event.data.get("files")


async def snapshots(s: AsyncSession, incident_id: int) -> Sequence[EvidenceSnapshot]:
    result = await s.exec(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.incident_id == incident_id)
        .order_by(EvidenceSnapshot.id)
    )
    return result.scalars().all()


# ---------------------------------------------------------------------------------------------
# the hash chain


async def events_after(
    s: AsyncSession, incident_id: int, after_id: int, limit: int = 1000
) -> Sequence[IncidentEvent]:
    """A batch of the incident's timeline in id order (index incident_event (incident_id, id))."""
    result = await s.exec(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id, IncidentEvent.id > after_id)
        .order_by(IncidentEvent.id)
        .limit(limit)
    )
    return result.scalars().all()


async def heads(s: AsyncSession, incident_ids: Sequence[int]) -> dict[int, str | None]:
    """The newest event's hash of each incident (a batch of the export): the head of its chain. One
    query, the ids as one parameter; each head is one probe of the index (incident_id, id)."""
    if not incident_ids:
        return {}
    newest = (
        select(IncidentEvent.hash)
        .where(IncidentEvent.incident_id == Incident.id)
        .order_by(IncidentEvent.id.desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    ids = id_in(s.get_bind().dialect.name, Incident.id, incident_ids)
    rows = await s.exec(select(Incident.id, newest).where(ids))
    return dict(rows.all())
