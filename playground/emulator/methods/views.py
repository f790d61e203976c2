"""views.open, views.push, views.update, views.publish."""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..blocks import validate_view
from ..shapes import view_json
from ..state import SlackError, View
from .access import require_user
from .registry import ApiContext, api_method


def _view_of_type(args: Args, view_type: str) -> dict[str, Any]:
    definition = validate_view(args.get("view"))
    if definition.get("type") != view_type:
        message = f"[ERROR] must be '{view_type}' [json-pointer:/view/type]"
        raise SlackError("invalid_arguments", response_metadata={"messages": [message]})
    return definition


def _check_external_id(ctx: ApiContext, definition: dict[str, Any], view: View | None = None) -> None:
    """Slack keeps a view's `external_id` unique in the workspace."""
    external_id = definition.get("external_id")
    if external_id:
        other = ctx.ws.view_by_external_id(external_id)
        if other is not None and other is not view:
            raise SlackError("duplicate_external_id")


def _open(ctx: ApiContext, args: Args, *, push: bool) -> dict[str, Any]:
    definition = _view_of_type(args, "modal")
    _check_external_id(ctx, definition)
    trigger = ctx.ws.consume_trigger(args.str("trigger_id") or args.str("interactivity_pointer") or "")
    view = ctx.ws.open_modal(trigger.user_id, definition, push=push)
    return {"view": view_json(ctx.ws, view)}


@api_method("views.open")
def open_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    return _open(ctx, args, push=False)


@api_method("views.push")
def push_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    return _open(ctx, args, push=True)


def _check_hash(view: View, args: Args) -> None:
    expected = args.str("hash")
    if expected is not None and expected != view.hash:
        raise SlackError("hash_conflict")


@api_method("views.update")
def update_view(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    view_id, external_id = args.str("view_id"), args.str("external_id")
    view = ws.views.get(view_id or "") if view_id else ws.view_by_external_id(external_id or "")
    if view is None:
        raise SlackError("not_found")
    _check_hash(view, args)
    definition = _view_of_type(args, view.type)
    _check_external_id(ctx, definition, view)
    ws.update_view(view, definition)
    return {"view": view_json(ws, view)}


@api_method("views.publish")
def publish(ctx: ApiContext, args: Args) -> dict[str, Any]:
    ws = ctx.ws
    user = require_user(ws, args.str("user_id"))
    definition = _view_of_type(args, "home")
    current = ws.home(user.id)
    if current is not None:
        _check_hash(current, args)
    return {"view": view_json(ws, ws.publish_home(user.id, definition))}
