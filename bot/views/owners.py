"""Whose modal a payload may change.

A block action or a submission names the view it came from (`view.id`), and the bot may answer by
updating that view (`views.update`). Slack does not check that the app's request to update a view
comes on behalf of the view's user, so a payload that named someone else's open modal would have
the bot rewrite that person's form with the sender's. The bot therefore opens every modal it may
later update with an `external_id` that starts with its user's id (plus a random part: Slack wants
external ids unique in a workspace), and updates such a modal only by that external id, only when
the payload's user is its owner. A payload naming a view that is not its user's changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.views import View

_SEPARATOR = "."


def for_user(view: View, user_id: str, keep: object = None) -> View:
    """`view`, owned by `user_id`: it keeps the external id `keep` (the one of the view it replaces)
    when that is one of the user's, else gets a new one."""
    view.external_id = (
        keep if is_owner(keep, user_id) else f"{user_id}{_SEPARATOR}{secrets.token_urlsafe(12)}"
    )
    return view


def owned(view: object, user_id: str) -> str | None:
    """The external id of the payload's `view` when that view was opened for `user_id`, else None."""
    external_id = view.get("external_id") if isinstance(view, Mapping) else None
    return external_id if is_owner(external_id, user_id) else None


def is_owner(external_id: object, user_id: str) -> bool:
    """Whether `external_id` (from a payload: anything) is one `for_user` gave a view of `user_id`."""
    if not isinstance(external_id, str):
        return False
    owner, separator, token = external_id.partition(_SEPARATOR)
    return bool(user_id) and owner == user_id and separator == _SEPARATOR and bool(token)


def owned_modal(view: Any, user_id: str, callback_id: str) -> str | None:
    """`owned`, for a modal of `callback_id` only (a button pressed in a message names no view)."""
    if isinstance(view, Mapping) and view.get("type") == "modal" and view.get("callback_id") == callback_id:
        return owned(view, user_id)
    return None


def submission_key(user_id: str, view_id: str) -> str:
    """The once-only key of a form's submission (a report, a review, a lifecycle move): the same
    signed submission sent again (a double click, a retried request) is recognised by it. It names
    the user too: a payload naming someone else's view must not use up their form's submission.
    At most 64 characters, as the `processed_event` key it is stored as."""
    key = f"view:{user_id}:{view_id}"
    return key if len(key) <= 64 else f"view:{hashlib.sha256(key.encode()).hexdigest()[:48]}"
