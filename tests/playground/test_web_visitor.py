"""The page API as a visitor meets it: who each person in "Act as" is, and what a request the
page could not have sent is told."""

from __future__ import annotations

import aiohttp

from playground import people
from playground.app import Playground
from tests.playground.test_web import pg  # noqa: F401  (fixture)

MAYA = people.MANAGER.user_id


async def test_every_person_one_can_act_as_is_introduced_by_their_role(pg: Playground):  # noqa: F811
    state = pg.web.state(MAYA, None, None)
    titles = {p["name"]: p["title"] for p in state["people"]}
    assert titles[people.GUEST.real_name] == "Guest (multi-channel)"  # not "Member"
    assert titles[people.PARTNER.real_name] == "Partner organisation"  # not just "External"
    assert titles[people.MANAGER.real_name] == "Brand manager"


async def test_a_request_missing_a_field_names_it(pg: Playground):  # noqa: F811
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{pg.url}/playground/api/click", json={"user": MAYA}) as response,
    ):
        assert response.status == 400
        reply = await response.json()
    assert reply == {"ok": False, "error": "bad request: click needs 'channel'"}
