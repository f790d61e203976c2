"""Keep the emulated workspace (channels, messages, views) beside the playground's database.

The bot's data lives in the database; Slack's side (what the emulator holds in memory) would be
lost on restart, leaving campaigns whose channels are empty. The playground saves the workspace
after changes and restores it on start, so a restarted playground shows the same story.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
from pathlib import Path

from sqlalchemy.engine import make_url

from playground.emulator.state import Workspace

log = logging.getLogger(__name__)
FORMAT = 1
_FIELDS = (
    "users",
    "channels",
    "messages",
    "ephemeral_messages",
    "views",
    "modal_stacks",
    "home_views",
    "shared_invites",
    "files",
)


def snapshot_path(database_url: str) -> Path:
    """`var/campaign_guard.db` → `var/campaign_guard.workspace.pickle`; other databases: `var/`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_suffix(".workspace.pickle")
    return Path("var") / f"playground-{url.database or 'db'}.workspace.pickle"


def _counters(ws: Workspace) -> dict[str, int]:
    values = {}
    for prefix, counter in list(ws.ids._counters.items()):
        value = next(counter)
        values[prefix] = value
        ws.ids._counters[prefix] = itertools.count(value)
    return values


def save(ws: Workspace, path: Path) -> None:
    data = {
        "format": FORMAT,
        "fields": {name: getattr(ws, name) for name in _FIELDS},
        "counters": _counters(ws),
        "last_micros": ws.ts_clock._last_micros,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(data, handle)
    os.replace(temporary, path)


def load(ws: Workspace, path: Path) -> bool:
    """Restore a saved workspace into `ws`; False when there is none or it is unreadable."""
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return False
    except Exception:
        log.warning("could not read the playground workspace at %s; starting a fresh one", path)
        return False
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return False
    for name, value in data["fields"].items():
        current = getattr(ws, name)
        if isinstance(current, list):
            current[:] = value
        else:
            current.clear()
            current.update(value)
    ws.bot_user = ws.users.get(ws.bot_user.id, ws.bot_user)
    for prefix, value in data["counters"].items():
        ws.ids._counters[prefix] = itertools.count(value)
    ws.ts_clock._last_micros = max(ws.ts_clock._last_micros, data["last_micros"])
    return True
