"""Slack is never waited on inside a database transaction: a flow looks its user up first
(`Directory.prefetch`), and a lookup that still has to ask Slack inside one is noted with the line
that made it, whatever the client (the suite's autouse fixture fails the test that did)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.directory import Directory
from bot.errors import NotFound
from bot.slack import CALLED_IN_TRANSACTION
from storage.db import in_transaction

TEAM = "T0DIRECTORY"


class Users:
    """`users.info` of a workspace with one admin; counts the calls, or fails them all."""

    def __init__(self, error: str | None = None) -> None:
        self.calls: list[str] = []
        self.error = error

    async def users_info(self, user: str, **_: Any) -> dict[str, Any]:
        self.calls.append(user)
        if self.error:
            response = AsyncSlackResponse(
                client=None,  # type: ignore[arg-type]
                http_verb="POST",
                api_url="https://slack.com/api/users.info",
                req_args={},
                data={"ok": False, "error": self.error},
                headers={},
                status_code=200,
            )
            raise SlackApiError(self.error, response)
        return {
            "ok": True,
            "user": {"id": user, "team_id": TEAM, "name": user, "is_admin": user == "U0ADMIN"},
        }


def directory(users: Users) -> Directory:
    found = Directory(users, frozenset())  # type: ignore[arg-type]
    found.team_id = TEAM
    return found


def taken() -> list[str]:
    """What was recorded, cleared (this module makes the lookups on purpose)."""
    called = list(CALLED_IN_TRANSACTION)
    CALLED_IN_TRANSACTION.clear()
    return called


async def test_a_lookup_inside_a_transaction_is_recorded_with_the_line_that_asked(db):
    users = Users()
    async with db.transaction():
        assert in_transaction()
        assert await directory(users).is_admin("U0ADMIN")
    assert not in_transaction()
    [where] = taken()
    assert where.startswith("users.info at tests/unit/test_directory_transactions.py:")
    assert where.endswith(" test_a_lookup_inside_a_transaction_is_recorded_with_the_line_that_asked")
    assert "<" not in where  # the test itself asked: nothing of the bot's own is in between


async def test_a_prefetched_user_is_answered_from_the_cache_inside_the_transaction(db):
    users = Users()
    people = directory(users)
    await people.prefetch("U0ADMIN")
    async with db.transaction():
        assert await people.is_admin("U0ADMIN")
        assert (await people.user("U0ADMIN")).name == "U0ADMIN"
    assert users.calls == ["U0ADMIN"]
    assert taken() == []


async def test_outside_a_transaction_a_lookup_is_nobodys_business(db):
    users = Users()
    async with db.transaction():
        pass  # ended: the next lookup is outside
    assert not await directory(users).is_admin("U0MEMBER")
    assert users.calls == ["U0MEMBER"]
    assert taken() == []


async def test_nested_transactions_count_until_the_outer_one_ends(db):
    other = type(db)(db.url)
    try:
        async with db.transaction():
            async with other.transaction():
                assert in_transaction()
            assert in_transaction()
        assert not in_transaction()
    finally:
        await other.dispose()


@pytest.mark.parametrize("error", ["user_not_found", "ratelimited", "internal_error"])
async def test_prefetch_leaves_a_failure_to_the_check_that_needs_the_answer(error):
    users = Users(error)
    people = directory(users)
    await people.prefetch("U0GONE")  # most actions never need the answer: nothing raised here
    with pytest.raises(NotFound if error == "user_not_found" else SlackApiError):
        await people.user("U0GONE")
    assert users.calls == ["U0GONE", "U0GONE"]  # a failure is not cached
