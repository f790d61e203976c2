"""Reading a submitted modal's `view.state.values` (pure; forged payloads just read as missing)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.parsing import db_id


class FormValues:
    def __init__(self, view: dict[str, Any]) -> None:
        self._values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}
        #: Slack's id of the submitted view: one submission per view (a double click sends two).
        self.view_id: str | None = view.get("id") if isinstance(view.get("id"), str) else None
        #: the id the bot gave the view when it opened it (bot/views/owners.py); None when it gave none
        self.external_id: str | None = (
            view.get("external_id") if isinstance(view.get("external_id"), str) else None
        )
        try:
            self.metadata: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            self.metadata = {}
        if not isinstance(self.metadata, dict):
            self.metadata = {}

    def blocks(self) -> list[str]:
        return list(self._values)

    def element(self, block_id: str, action_id: str | None = None) -> dict[str, Any]:
        """The raw state of one input (`action_id` defaults to the block id)."""
        block = self._values.get(block_id) or {}
        element = block.get(action_id or block_id)
        return element if isinstance(element, dict) else {}

    def text(self, block_id: str) -> str:
        value = self.element(block_id).get("value")
        return value.strip() if isinstance(value, str) else ""

    def selected(self, block_id: str) -> str | None:
        option = self.element(block_id).get("selected_option")
        return option.get("value") if isinstance(option, dict) else None

    def checked(self, block_id: str) -> set[str]:
        """Values of the ticked checkboxes (or of a multi select)."""
        options = self.element(block_id).get("selected_options")
        if not isinstance(options, list):
            return set()
        return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}

    def conversation(self, block_id: str) -> str | None:
        element = self.element(block_id)
        return element.get("selected_conversation") or element.get("selected_channel")

    def user(self, block_id: str) -> str | None:
        return self.element(block_id).get("selected_user")

    def date(self, block_id: str) -> date | None:
        value = self.element(block_id).get("selected_date")
        try:
            return date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    def datetime(self, block_id: str) -> datetime | None:
        value = self.element(block_id).get("selected_date_time")
        try:
            return datetime.fromtimestamp(int(value), UTC) if value is not None else None
        except (TypeError, ValueError, OverflowError, OSError):
            return None

    def selected_id(self, block_id: str, action_id: str | None = None) -> int | None:
        """The database id a select's chosen option carries (None: nothing chosen, or not an id)."""
        option = self.element(block_id, action_id).get("selected_option")
        return db_id(option.get("value")) if isinstance(option, dict) else None

    def int_metadata(self, key: str) -> int | None:
        """An id the bot put in `private_metadata` (None when missing or not an id, see `db_id`)."""
        return db_id(self.metadata.get(key))
