"""A real slack_bolt AsyncApp against the emulator: ack, respond(), views.open, chat.postMessage."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from playground.emulator import SlackEmulator, SlackUserClient

from .conftest import SIGNING_SECRET

MODAL = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "Report"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


def build_app(emulator: SlackEmulator) -> AsyncApp:
    app = AsyncApp(token=emulator.bot_token, signing_secret=SIGNING_SECRET, process_before_response=True)
    app.client.base_url = emulator.api_url

    @app.command("/report")
    async def report(ack, body, client, respond):
        await ack("Opening the form…")
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)
        await respond("Form opened")

    @app.view("report")
    async def submitted(ack, body, client, view):
        text = view["state"]["values"]["what"]["text"]["value"]
        if len(text) < 3:
            await ack(response_action="errors", errors={"what": "Too short"})
            return
        await ack()
        await client.chat_postMessage(channel=body["user"]["id"], text=f"Thanks: {text}")

    return app


@pytest.fixture
async def bolt_url(emulator: SlackEmulator) -> AsyncIterator[str]:
    runner = web.AppRunner(build_app(emulator).web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    await runner.cleanup()


async def test_report_flow(emulator: SlackEmulator, bolt_url: str, alice):
    users = SlackUserClient(emulator, bolt_url, SIGNING_SECRET).as_user(alice.id)
    reply = await users.command("/report")
    assert reply.ok
    assert sorted(m.text for m in emulator.ephemerals(alice.id)) == ["Form opened", "Opening the form…"]
    [view] = emulator.open_views(alice.id)
    await users.submit_view(view.id, {"what": {"text": "no"}})
    assert emulator.view(view.id).errors == {"what": "Too short"}
    await users.submit_view(view.id, {"what": {"text": "late post"}})
    assert emulator.open_views(alice.id) == []
    assert [m.text for m in emulator.dm(alice.id)] == ["Thanks: late post"]
    assert len(emulator.calls_to("views.open")) == 1
