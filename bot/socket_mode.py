"""Socket Mode: Slack pushes every request over a websocket the app opens, so the app needs no
public URL (behind a firewall). slack-bolt's handler acks each envelope with what the HTTP
response would have been; the Web API base URL (`SLACK_API_URL`) also serves
`apps.connections.open`."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot import payloads
from bot.settings import Settings
from bot.slack import create_client

log = logging.getLogger(__name__)


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    """slack-bolt's handler, with the payload shape checked before Bolt builds a request from it
    (bot/payloads.py): Bolt reads fields while building its request, so a payload it cannot read
    would fail there, before any of the app's own checks. Such an envelope is acknowledged
    (Slack would deliver it again otherwise) with one warning line."""

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        problem = payloads.problem(req.payload)
        if problem is None:
            await super().handle(client, req)
            return
        kind = payloads.describe(req.payload) if isinstance(req.payload, dict) else "unreadable"
        log.warning("malformed %s envelope: %s", kind, problem)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))


def socket_mode_handler(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    if not settings.slack_app_token:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    return CheckedSocketModeHandler(
        bolt,
        settings.slack_app_token,
        logger=logging.getLogger("slack_bolt.socket_mode"),
        web_client=create_client(None, settings.slack_api_url),
    )
