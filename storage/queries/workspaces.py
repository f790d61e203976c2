"""The workspaces the app serves: marked inactive on uninstall, active again on (re)install."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import slack_tables
from storage.models import Engagement, Workspace
from storage.queries import insert


async def set_active(s: AsyncSession, team_id: str, active: bool, now: datetime) -> None:
    """Upsert the workspace's state (`uninstalled_at` records when it was last uninstalled)."""
    values = {"active": active, "uninstalled_at": None if active else now}
    statement = insert(s, Workspace).values(team_id=team_id, created_at=now, **values)
    await s.exec(statement.on_conflict_do_update(index_elements=["team_id"], set_=values))


async def set_enterprise(
    s: AsyncSession, team_id: str, enterprise_id: str, now: datetime, *, client_id: str | None = None
) -> bool:
    """Note the Enterprise Grid organisation whose org-wide install serves this workspace: a pair
    Slack confirmed (bot/installations.py `Installations.org_covers`). A workspace with its own
    installation (a bot in slack_bots; of the app `client_id` when given, which index
    slack_bots_team_idx serves) is left alone, its own installation serves it. Returns whether the
    row was written."""
    bots = slack_tables.bots
    own = select(bots.c.id).where(bots.c.team_id == team_id).limit(1)
    if client_id is not None:
        own = own.where(bots.c.client_id == client_id)
    if (await s.exec(own)).first() is not None:
        return False
    statement = insert(s, Workspace).values(team_id=team_id, enterprise_id=enterprise_id, created_at=now)
    await s.exec(
        statement.on_conflict_do_update(index_elements=["team_id"], set_={"enterprise_id": enterprise_id})
    )
    return True


async def enterprise_of(s: AsyncSession, team_id: str) -> str | None:
    return (
        (await s.exec(select(Workspace.enterprise_id).where(Workspace.team_id == team_id))).scalars().first()
    )


async def owner_of_channel(s: AsyncSession, channel_id: str) -> str | None:
    """The workspace whose campaign uses this channel (a Slack Connect channel is seen by both
    sides with the same id); index ix_engagement_channel_id."""
    query = select(Engagement.team_id).where(Engagement.channel_id == channel_id).limit(1)
    return (await s.exec(query)).scalars().first()


async def purge(s: AsyncSession, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace, dependents first; returns rows deleted per table.

    An administrator's one-off (`campaign-guard purge-workspace`): some tables (a timeline's
    events) have no index led by team_id, so this may read them whole — fine once, not per request.
    """
    from sqlalchemy import delete

    from storage.models import metadata

    deleted: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        if "team_id" not in table.c:
            continue
        result = await s.exec(delete(table).where(table.c.team_id == team_id))
        if result.rowcount:
            deleted[table.name] = result.rowcount
    return deleted


async def counts(s: AsyncSession, team_id: str) -> dict[str, int]:
    """Rows of the workspace per table (what `purge` would delete)."""
    from sqlalchemy import func

    from storage.models import metadata

    found: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if "team_id" in table.c:
            n = (
                await s.exec(select(func.count()).select_from(table).where(table.c.team_id == team_id))
            ).one()[0]
            if n:
                found[table.name] = n
    return found
