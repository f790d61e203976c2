"""File upload v2, fault injection (429 honoured by slack_sdk's retry handler, 500, errors)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from playground.emulator import SlackEmulator


async def test_files_upload_v2(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    response = await web_client.files_upload_v2(
        channel=general.id,
        content="a,b\n1,2\n",
        filename="evidence.csv",
        title="Evidence",
        initial_comment="see attached",
    )
    file_id = response["file"]["id"]
    assert emulator.files[file_id].content == b"a,b\n1,2\n"
    [message] = emulator.history("general")
    assert message.text == "see attached" and message.file_ids == [file_id]
    assert emulator.files[file_id].title == "Evidence"


async def test_rate_limit_is_retried(
    web_client: AsyncWebClient, emulator: SlackEmulator, general, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(builtin_async_handlers.random, "random", lambda: 0.0)  # no jitter: retry at once
    web_client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    emulator.inject_failure("chat.postMessage", retry_after=0, times=2)
    response = await web_client.chat_postMessage(channel=general.id, text="eventually")
    assert response["ok"]
    assert len(emulator.calls_to("chat.postMessage")) == 3


async def test_rate_limit_without_retry_handler(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    emulator.inject_failure("chat.postMessage", retry_after=30)
    with pytest.raises(SlackApiError) as caught:
        await web_client.chat_postMessage(channel=general.id, text="x")
    assert caught.value.response.status_code == 429
    assert (
        caught.value.response.headers["Retry-After"] == ["30"]
        or caught.value.response.headers["Retry-After"] == "30"
    )


async def test_server_error_and_slack_error(web_client: AsyncWebClient, emulator: SlackEmulator, general):
    emulator.inject_failure("chat.postMessage", status=500)
    emulator.inject_failure("conversations.info", error="channel_not_found")
    with pytest.raises(SlackApiError) as server:
        await web_client.chat_postMessage(channel=general.id, text="x")
    assert server.value.response.status_code == 500
    with pytest.raises(SlackApiError) as slack:
        await web_client.conversations_info(channel=general.id)
    assert slack.value.response["error"] == "channel_not_found"
    assert (await web_client.conversations_info(channel=general.id))["ok"]  # only the next call failed


async def test_delay_causes_timeout(emulator: SlackEmulator, general):
    client = AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url, timeout=0.05)
    emulator.inject_delay("chat.postMessage", 0.5)
    with pytest.raises(asyncio.TimeoutError):
        await client.chat_postMessage(channel=general.id, text="slow")


async def test_a_dropped_answer_is_carried_out_and_never_heard(emulator: SlackEmulator, general):
    """The message is posted, and the client sees the connection close instead of an answer (with
    slack_sdk's default retry of connection errors, it would post it again)."""
    client = AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url, retry_handlers=[])
    emulator.inject_dropped_answer("chat.postMessage")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel=general.id, text="posted all the same")
    assert [m.text for m in emulator.history("general")] == ["posted all the same"]
    assert (await client.chat_postMessage(channel=general.id, text="next"))["ok"]  # only once
