"""Alembic, configured in code: `upgrade()` brings any database to the newest schema."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import prepare_sqlite_file

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Synchronous entry point (CLI): runs the async migration environment."""
    if database_url.startswith("sqlite"):
        prepare_sqlite_file(database_url)
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """From inside a running event loop (tests, `serve`): migrate in a worker thread."""
    await asyncio.to_thread(upgrade, database_url, revision)
