"""The shared mechanics of listeners: how to answer a user, and modal submissions with field errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.background import Reply, report
from bot.domain.parsing import command_words
from bot.errors import CampaignGuardError, FormErrors, FormReplaced, InvalidInput
from bot.flows import help as help_flows
from bot.views.forms import FormValues
from bot.views.text import MENTION, plain_error

log = logging.getLogger(__name__)


def ephemeral(respond: AsyncRespond) -> Reply:
    """Answer through the request's `response_url`, visible only to the user."""

    async def reply(text: str) -> None:
        await respond(text=text, response_type="ephemeral", replace_original=False)

    return reply


def direct_message(client: AsyncWebClient, user_id: str) -> Reply:
    """Answer in the user's DM with the bot (after a modal closed, there is nowhere else)."""

    async def reply(text: str) -> None:
        await client.chat_postMessage(channel=user_id, text=text)

    return reply


def team_of(context: Any) -> str:
    """The workspace the app is installed in (a Slack Connect user's own team id differs)."""
    result = context.get("authorize_result")
    return (result.team_id if result else None) or context["team_id"]


def words(command: dict[str, Any]) -> tuple[str, list[str]]:
    """The subcommand (lowercase) and its arguments, as typed (`command_words`)."""
    parts = command_words(command.get("text") or "")
    return (parts[0].lower(), parts[1:]) if parts else ("", [])


async def answer_help(ack: AsyncAck, svc: Any, reply: Reply, team: str, user: str, command: str) -> None:
    """`command`'s help, for this user (what they may run): after the ack, since it asks the store."""
    await ack()
    svc.background.run(_say(reply, help_flows.help_for(svc, team, user, command)), reply)


async def answer_unknown(
    ack: AsyncAck, svc: Any, reply: Reply, team: str, user: str, command: str, sub: str, args: list[str]
) -> None:
    """A subcommand `command` does not have: the closest one, in the ack (nothing runs on a guess),
    or else this user's help."""
    hint = help_flows.did_you_mean(command, sub, args)
    if hint is not None:
        await ack(text=hint)
        return
    await ack()
    svc.background.run(_say(reply, help_flows.help_for(svc, team, user, command, unknown=sub)), reply)


async def _say(reply: Reply, text: Awaitable[str]) -> None:
    await reply(await text)


async def _plain(errors: dict[str, str], directory: Any = None) -> dict[str, str]:
    """Field errors are plain text: messages written in mrkdwn (for ephemerals) lose their marks,
    and people are named (`directory`: the bot's cached Directory)."""
    names: dict[str, str] = {}
    mentioned = {m[1] for message in errors.values() for m in MENTION.finditer(message)}
    for user_id in mentioned if directory is not None else ():
        try:
            names[user_id] = (await directory.user(user_id)).name
        except Exception:  # an error message must never fail: the mention stays as it is
            log.warning("could not name %s in a field error", user_id)
    return {field: plain_error(message, names) for field, message in errors.items()}


async def submit_form(
    ack: AsyncAck, first_field: str, validate_and_store: Callable[[], Awaitable[Any]], directory: Any = None
) -> tuple[bool, Any]:
    """Run the validating part of a modal submission and ack accordingly.

    Field problems answer `response_action: "errors"` (the modal stays open, nothing written);
    other typed errors, and unexpected ones, show on `first_field`. Returns (ok, result).
    """
    try:
        result = await validate_and_store()
    except FormErrors as exc:
        await ack(response_action="errors", errors=await _plain(exc.errors, directory))
        return False, None
    except FormReplaced as exc:
        await ack(response_action="update", view=exc.view)
        return False, None
    except InvalidInput as exc:
        await ack(
            response_action="errors", errors=await _plain({exc.field or first_field: exc.message}, directory)
        )
        return False, None
    except CampaignGuardError as exc:
        await ack(response_action="errors", errors=await _plain({first_field: exc.message}, directory))
        return False, None
    except Exception as exc:
        await ack(response_action="errors", errors=await _plain({first_field: await report(exc, None)}))
        return False, None
    await ack()
    return True, result


# ------------------------------------------------------------------------------------------------
# The two listener shapes every feature uses


@dataclass(frozen=True, slots=True)
class Click:
    """A button (or select) press, as the flows need it."""

    team_id: str
    user_id: str
    value: str
    trigger_id: str
    body: dict[str, Any]


def on_click(app: Any, svc: Any, action_id: str, work: Callable[[Click], Awaitable[Any]]) -> None:
    """Register `action_id`: ack at once, then run `work(click)` after the ack.

    Errors reach the user ephemerally through the message's `response_url`; a click in a modal
    or on the Home tab has none, so those come as a DM.
    """

    async def clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        user_id = body["user"]["id"]
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        click = Click(team_of(context), user_id, value, body.get("trigger_id", ""), body)
        reply = ephemeral(respond) if body.get("response_url") else direct_message(svc.client, user_id)
        svc.background.run(work(click), reply)

    clicked.__name__ = f"{action_id}_clicked"
    app.action(action_id)(clicked)


def on_submit(
    app: Any,
    svc: Any,
    callback_id: str,
    first_field: str,
    store: Callable[[str, str, FormValues], Awaitable[Any]],
    after: Callable[[str, str, Any], Awaitable[Any] | None] | None = None,
) -> None:
    """Register a modal: `store(team, user, form)` validates and writes before the ack (field
    errors keep the modal open); `after(team, user, stored)` runs after it, errors by DM."""

    async def submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team_id, user_id = team_of(context), body["user"]["id"]
        ok, stored = await submit_form(
            ack, first_field, lambda: store(team_id, user_id, FormValues(view)), svc.directory
        )
        work = after(team_id, user_id, stored) if ok and after is not None else None
        if work is not None:
            svc.background.run(work, direct_message(svc.client, user_id))

    submitted.__name__ = f"{callback_id}_submitted"
    app.view(callback_id)(submitted)
