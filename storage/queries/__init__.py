"""Queries by domain. Every function takes the session and the workspace's `team_id` (or an id
already scoped by one) and filters by it; none loads a table to filter in Python."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(s: AsyncSession, table):
    """An INSERT with `on_conflict_do_nothing` / `on_conflict_do_update`, for the session's dialect
    (both SQLite and PostgreSQL spell them the same way)."""
    dialect = s.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
