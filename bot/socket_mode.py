"""Socket Mode: Slack pushes every request over a websocket the app opens, so the app needs no
public URL (behind a firewall). slack-bolt's handler acks each envelope with what the HTTP
response would have been; the Web API base URL (`SLACK_API_URL`) also serves
`apps.connections.open`."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.settings import Settings
from bot.slack import create_client


def socket_mode_handler(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    if not settings.slack_app_token:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")
    return AsyncSocketModeHandler(
        bolt,
        settings.slack_app_token,
        logger=logging.getLogger("slack_bolt.socket_mode"),
        web_client=create_client(None, settings.slack_api_url),
    )
