"""PostgreSQL: a new incident takes its workspace's number inside its transaction's commit

A report inserts its incident with a placeholder number (storage.queries.incidents.PENDING_NUMBER).
Two triggers replace it:

- before the insert, the placeholder is made the incident's own (PENDING_NUMBER minus the id
  modulo a billion), so concurrent reports' placeholders never meet in the unique index
  (team_id, number): a shared placeholder would make each commit re-check the others' rows and
  wait for them, in a circle at worst;
- a constraint trigger, DEFERRABLE INITIALLY DEFERRED, runs at commit: it takes the next value of
  the workspace's counter (the same upsert the application ran) and gives it to the incident.

The counter row's lock is then held from the commit's start to its end, instead of from a statement
the application sent before the commit: twenty reports at once queued behind each other's
round trip, and behind every turn of the event loop their process took in between. The commit
numbers its incidents one transaction at a time (the counter row's lock), so numbers stay
distinct, and a transaction rolled back never takes one: no gap. The unique constraint (team_id,
number) is still checked at commit (migration 0003).

SQLite has no deferred triggers and needs none: it runs one writer at a time, and the
application takes the number as its last statement there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: storage.queries.incidents.PENDING_NUMBER (a migration never imports the application).
PENDING = 2_147_483_647
#: Own placeholders lie in (PENDING - SPREAD, PENDING]; real numbers stay far below.
SPREAD = 1_000_000_000

#: One statement each (asyncpg prepares what it sends, one command at a time).
UPGRADE = (
    f"""
CREATE FUNCTION incident_own_placeholder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.number := {PENDING} - (NEW.id % {SPREAD});
    RETURN NEW;
END $$""",
    f"""
CREATE TRIGGER incident_own_placeholder BEFORE INSERT ON incident
    FOR EACH ROW WHEN (NEW.number = {PENDING})
    EXECUTE FUNCTION incident_own_placeholder()""",
    f"""
CREATE FUNCTION incident_number_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    taken integer;
BEGIN
    INSERT INTO counter (team_id, name, value) VALUES (NEW.team_id, 'incident', 1)
    ON CONFLICT (team_id, name) DO UPDATE SET value = counter.value + 1
    RETURNING value INTO taken;
    UPDATE incident SET number = taken WHERE id = NEW.id AND number > {PENDING - SPREAD};
    RETURN NULL;
END $$""",
    f"""
CREATE CONSTRAINT TRIGGER incident_number_at_commit AFTER INSERT ON incident
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.number > {PENDING - SPREAD})
    EXECUTE FUNCTION incident_number_at_commit()""",
)

DOWNGRADE = (
    "DROP TRIGGER IF EXISTS incident_number_at_commit ON incident",
    "DROP FUNCTION IF EXISTS incident_number_at_commit()",
    "DROP TRIGGER IF EXISTS incident_own_placeholder ON incident",
    "DROP FUNCTION IF EXISTS incident_own_placeholder()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
