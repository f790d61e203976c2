"""The Web API answering something that is not Slack's JSON (a proxy's 405 page): the directory
reports Slack's error as it is, instead of failing while reading it."""

from __future__ import annotations

import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.directory import Directory


@pytest.fixture(
    params=[("text/plain", "405: Method Not Allowed"), ("application/json", '["not", "an", "object"]')]
)
async def proxy_url(request):
    content_type, body = request.param

    async def refuse(_request: web.Request) -> web.Response:
        return web.Response(status=405, text=body, content_type=content_type)

    app = web.Application()
    app.router.add_route("*", "/api/{method}", refuse)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/"
    finally:
        await runner.cleanup()


async def test_a_non_json_error_body_is_reported_as_slacks_error(proxy_url):
    directory = Directory(AsyncWebClient(token="xoxb-test", base_url=proxy_url), frozenset())
    with pytest.raises(SlackApiError) as raised:
        await directory.user("U0SOMEONE")
    assert raised.value.response.status_code == 405
    with pytest.raises(SlackApiError):
        await directory.by_email("someone@example.com")
