"""The playground's JSON API and file downloads, on the seeded demo, as the page uses them."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.ids import Action, Callback
from bot.settings import Settings
from playground import people
from playground.app import Playground, start_playground, stop_playground

MAYA, IVY = people.MANAGER.user_id, people.INFLUENCER.user_id
SHARED = "cg-spring-launch-ivy"


@pytest.fixture
async def pg(sqlite_template, tmp_path) -> AsyncIterator[Playground]:
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    playground, runner = await start_playground(
        settings, "127.0.0.1", 0, persist=False, progress=lambda _line: None
    )
    try:
        yield playground
    finally:
        await stop_playground(playground, runner)


async def settle(pg: Playground) -> None:
    """Wait for what the bot does after its acks (uploads, posts, views)."""
    await pg.bot.services.background.drain(timeout=30)


async def test_the_export_csv_appears_in_the_dm_and_downloads_for_its_reader_only(pg: Playground):
    dm = pg.emulator.workspace.open_dm(MAYA)
    await pg.web.command({"user": MAYA, "text": "/breach export", "channel": dm.id})
    await settle(pg)
    messages = pg.web.state(MAYA, dm.id, None)["channel"]["messages"]
    shared = next(m for m in messages if 'class="file-card"' in m["html"])
    assert "incident exported." in shared["html"]  # the bot's comment, then the file
    href = re.search(r'class="file-name" href="([^"]+)"', shared["html"])[1].replace("&amp;", "&")
    name = re.search(r'download="([^"]+)"', shared["html"])[1]
    assert name.startswith("incidents-all-") and name.endswith(".csv")

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{pg.url}{href}") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            body = await response.text()
        assert body.splitlines()[0].startswith("number,") and "BR-1" in body
        # Ivy is not in Maya's DM: no such file for her, nor for nobody
        for who in (IVY, "", "U0NOBODY"):
            async with http.get(f"{pg.url}{href.split('?')[0]}?user={who}") as response:
                assert response.status == 404
        async with http.get(f"{pg.url}/playground/files/F0NOPE?user={MAYA}") as response:
            assert response.status == 404


async def test_log_review_on_home_opens_the_review_form(pg: Playground):
    await pg.web.home({"user": MAYA})
    await settle(pg)
    home = pg.web.state(MAYA, None, None)["home"]
    button = re.search(
        r'<button[^>]*data-block-id="home_brand_actions" data-action-id="review_log"[^>]*>', home["html"]
    )
    assert button and "data-value" not in button[0]  # the bot's button has no value
    # what app.js sends for it: the button's ids and no value
    reply = await pg.web.view_action(
        {
            "user": MAYA,
            "view_id": home["id"],
            "action_id": Action.LOG_REVIEW,
            "block_id": "home_brand_actions",
            "type": "button",
            "values": {},
        }
    )
    assert getattr(reply, "status", 200) == 200
    await settle(pg)
    modal = pg.web.state(MAYA, None, None)["modal"]
    assert modal is not None and "Log a review" in modal["title"]
    assert pg.emulator.open_views(MAYA)[-1].callback_id == Callback.REVIEW_LOG


async def test_a_stop_lets_work_in_flight_reach_the_emulated_slack(sqlite_template, tmp_path, caplog):
    """The server's own shutdown closes its socket first, and the emulated Web API lives on it: work
    still running then (an App Home chart upload) failed and outlived the shutdown's wait."""
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    playground, runner = await start_playground(
        settings, "127.0.0.1", 0, persist=False, progress=lambda _line: None
    )
    services, release = playground.bot.services, asyncio.Event()

    async def late_post() -> None:
        await release.wait()
        async with services.tenancy.enter(playground.emulator.team_id):
            await services.client.chat_postMessage(
                channel=playground.emulator.channel(SHARED).id, text="finished after the stop began"
            )

    services.background.run(late_post())
    asyncio.get_running_loop().call_later(0.05, release.set)
    caplog.set_level(logging.WARNING)
    await stop_playground(playground, runner)
    assert "finished after the stop began" in [m.text for m in playground.emulator.history(SHARED)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
