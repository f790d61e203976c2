"""The shared mechanics of listeners: how to answer a user, and modal submissions with field errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.background import Reply, report
from bot.errors import CampaignGuardError, FormErrors, InvalidInput

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
    from bot.domain.parsing import split

    parts = split(command.get("text") or "")
    return (parts[0].lower(), parts[1:]) if parts else ("", [])


async def submit_form(
    ack: AsyncAck, first_field: str, validate_and_store: Callable[[], Awaitable[Any]]
) -> tuple[bool, Any]:
    """Run the validating part of a modal submission and ack accordingly.

    Field problems answer `response_action: "errors"` (the modal stays open, nothing written);
    other typed errors, and unexpected ones, show on `first_field`. Returns (ok, result).
    """
    try:
        result = await validate_and_store()
    except FormErrors as exc:
        await ack(response_action="errors", errors=exc.errors)
        return False, None
    except InvalidInput as exc:
        await ack(response_action="errors", errors={exc.field or first_field: exc.message})
        return False, None
    except CampaignGuardError as exc:
        await ack(response_action="errors", errors={first_field: exc.message})
        return False, None
    except Exception as exc:
        await ack(response_action="errors", errors={first_field: await report(exc, None)})
        return False, None
    await ack()
    return True, result
