"""Fixtures: a served emulator, a slack_sdk client on it, and a tiny signature-checking bot."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator, SlackUserClient, serve_emulator
from playground.emulator.spec import SPECS_DIR

SIGNING_SECRET = "test-signing-secret"
SAMPLES = SPECS_DIR / "samples" / "bolt-python"


def sample(name: str) -> Any:
    text = (SAMPLES / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


class FakeClock:
    """Injectable monotonic clock: tests advance it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    content_type: str

    @property
    def payload(self) -> Any:
        """Events as JSON, interactivity as the decoded `payload`, commands as form fields."""
        if self.content_type == "application/json":
            return json.loads(self.body)
        form = {k: v[0] for k, v in parse_qs(self.body, keep_blank_values=True).items()}
        return json.loads(form["payload"]) if "payload" in form else form


@dataclass
class FakeBot:
    """Verifies Slack signatures like a real app, records requests, answers via `responder`."""

    received: list[Received] = field(default_factory=list)
    responder: Callable[[Received], web.Response] = lambda _: web.Response(status=200)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        verifier = SignatureVerifier(SIGNING_SECRET)
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401, text="invalid signature")
        received = Received(dict(request.headers), body, request.content_type)
        self.received.append(received)
        return self.responder(received)

    @property
    def last(self) -> Received:
        return self.received[-1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emulator(clock: FakeClock) -> AsyncIterator[SlackEmulator]:
    async with serve_emulator(SlackEmulator(clock=clock)) as served:
        yield served


@pytest.fixture
def web_client(emulator: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url)


@pytest.fixture
async def bot() -> AsyncIterator[FakeBot]:
    fake = FakeBot()
    app = web.Application()
    app.router.add_post("/slack/events", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    yield fake
    await runner.cleanup()


@pytest.fixture
def users(emulator: SlackEmulator, bot: FakeBot) -> SlackUserClient:
    return SlackUserClient(emulator, bot.url, SIGNING_SECRET)


@pytest.fixture
def alice(emulator: SlackEmulator):
    return emulator.add_user("alice", real_name="Alice Doe", email="alice@example.com", tz="Europe/Berlin")


@pytest.fixture
def bob(emulator: SlackEmulator):
    return emulator.add_user("bob", email="bob@example.com", is_admin=True)


@pytest.fixture
def general(emulator: SlackEmulator, alice, bob):
    return emulator.add_channel("general", creator=alice.id, members=[bob.id, emulator.bot_user.id])
