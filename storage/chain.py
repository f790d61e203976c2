"""Every incident event gets its chained hash in the transaction that writes it.

A `before_flush` listener on every ORM session: for the new `IncidentEvent`s of the flush, in the
order they were added, it reads the incident's newest hash (one indexed read per incident:
`incident_event (incident_id, id)`, newest first, LIMIT 1) and links each new event to the one
before (bot/domain/chain.py). So whatever code adds an event — a lifecycle move, a thread reply,
the dispatcher's "reminder sent", an evidence snapshot — it cannot forget the hash.

Two transactions adding to one incident at the same time must not both chain to the same
previous event: the listener first locks the incident's row (PostgreSQL: `SELECT … FOR NO KEY
UPDATE`, taken in incident id order; SQLite: a no-op UPDATE, which takes SQLite's single write
lock if the transaction does not hold it yet), so the second waits for the first to commit and
then reads its hash. A lifecycle move has already locked that row with its own UPDATE, so this
costs it nothing.

Rows written around the ORM (a bulk `INSERT` in a benchmark) get no hash; `/breach verify` then
names the first such row as not matching.
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.domain import chain
from storage.models import Incident, IncidentEvent


def _lock(connection, incident_ids: list[int]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            select(Incident.id)
            .where(Incident.id.in_(incident_ids))
            .order_by(Incident.id)
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE: new events' foreign keys still pass
        )
    else:
        connection.execute(update(Incident).where(Incident.id.in_(incident_ids)).values(id=Incident.id))


def _head(connection, incident_id: int) -> str | None:
    return connection.execute(
        select(IncidentEvent.hash)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id.desc())
        .limit(1)
    ).scalar()


@event.listens_for(Session, "before_flush")
def _hash_new_events(session: Session, _context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, IncidentEvent) and obj.hash is None]
    if not new:
        return
    # the order they were added to the session is the order of their ids
    new.sort(key=lambda obj: getattr(obj._sa_instance_state, "insert_order", 0) or 0)
    connection = session.connection()
    incident_ids = sorted({obj.incident_id for obj in new})
    _lock(connection, incident_ids)
    heads = {incident_id: _head(connection, incident_id) for incident_id in incident_ids}
    for obj in new:
        if obj.data is None:
            obj.data = {}
        obj.hash = chain.of(obj, heads[obj.incident_id])
        heads[obj.incident_id] = obj.hash
