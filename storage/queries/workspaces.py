"""The workspaces the app serves: marked inactive on uninstall, active again on (re)install."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Workspace
from storage.queries import insert


async def set_active(s: AsyncSession, team_id: str, active: bool, now: datetime) -> None:
    """Upsert the workspace's state (`uninstalled_at` records when it was last uninstalled)."""
    values = {"active": active, "uninstalled_at": None if active else now}
    statement = insert(s, Workspace).values(team_id=team_id, created_at=now, **values)
    await s.exec(statement.on_conflict_do_update(index_elements=["team_id"], set_=values))
