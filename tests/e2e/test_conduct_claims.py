"""The claim on a flagged message is a lease (docs/conduct.md): the row that recognises Slack's
retries of an event is kept before the flag is sent, so a writer that stops in between (the
process dies, or Slack's post fails) must not leave the breach unsent for good. A retry while the
lease runs is dropped; a retry after it ran out, or after the writer gave it back, sends the flag
once (so does an edit of the message, whatever it now says); a message whose flag was sent is never
sent again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows import conduct
from storage.models import ConductFlag, FlaggedMessage
from tests.e2e.conduct_helpers import deliver, edit, monitored_team, say
from tests.e2e.harness import IVY, LEGAL, MANAGER, World, text_of
from tests.e2e.test_slack_failures import fail_when

ABUSE = "Pay the invoice by Friday or I post every screenshot of this chat."
MORE_ABUSE = "I will post every screenshot of this chat, pay the invoice."


def legal_channel(world: World) -> str:
    return world.emulator.channel_by_name("legal").id


def flags_in_legal(world: World) -> list[str]:
    return [
        text_of(m) for m in world.emulator.history(legal_channel(world)) if "Possible breach" in text_of(m)
    ]


def flags_in_dm(world: World, user: str) -> list[str]:
    return [text_of(m) for m in world.emulator.dm(user) if "Possible breach" in text_of(m)]


async def stored(world: World) -> tuple[ConductFlag, FlaggedMessage]:
    async with world.db.transaction() as s:
        [flag] = (await s.exec(select(ConductFlag))).scalars().all()
        [kept] = (await s.exec(select(FlaggedMessage))).scalars().all()
    return flag, kept


async def retry(world: World, said, number: int = 1) -> None:
    """Slack delivers the message's event again (same envelope, X-Slack-Retry-Num)."""
    reply = await world.slack.redeliver(said.envelope, retry_num=number)
    assert reply.status == 200, reply.status
    await world.stack.settle()


@asynccontextmanager
async def _out_of_reach() -> AsyncIterator[None]:
    raise ConnectionError("the process is gone")
    yield  # pragma: no cover


def dies_at(world: World, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The writer stops when it reaches `bot.flows.conduct.<step>`, and from then on nothing it
    does reaches the store: the rows stay as a process that died there leaves them."""

    async def died(*args, **kwargs):
        monkeypatch.setattr(world.db, "transaction", _out_of_reach)
        raise ConnectionError("the process died")

    monkeypatch.setattr(conduct, step, died)


# ---------------------------------------------------------------------------------------------
# the writer died


async def test_a_message_whose_writer_died_before_posting_is_sent_by_a_retry_after_the_lease(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    channel = await monitored_team(world)
    dies_at(world, monkeypatch, "_where")
    said = await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()
    assert flags_in_legal(world) == []
    flag, kept = await stored(world)  # kept and counted: the claim
    assert (flag.messages, flag.deliveries, kept.ts) == (1, [], said.ts)

    await retry(world, said, 1)  # the lease still runs: another writer may be sending it
    world.clock.advance(conduct.LEASE - timedelta(seconds=1))
    await retry(world, said, 2)
    assert flags_in_legal(world) == []

    world.clock.advance(timedelta(seconds=2))  # the lease ran out: the retry takes the message over
    await retry(world, said, 3)
    [shown] = flags_in_legal(world)
    assert "> Pay the invoice by Friday or I post every screenshot of this chat." in shown
    assert "This flag covers" not in shown  # one message, counted once
    flag, kept = await stored(world)
    posted = world.emulator.history(legal_channel(world))[-1]
    assert (flag.messages, flag.deliveries) == (1, [[legal_channel(world), posted.ts]])
    assert kept.lease_until is None  # done

    world.clock.advance(conduct.LEASE * 5)  # done is done: never sent again
    await retry(world, said, 4)
    assert len(flags_in_legal(world)) == 1


async def test_copies_claimed_by_a_writer_that_died_while_posting_are_sent_after_the_lease(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """#legal is public, so the flag goes by DM to Maya and Lee: both copies are claimed, and the
    writer dies posting the first. Each gets exactly one copy, from the retry after the lease."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    dies_at(world, monkeypatch, "_post")
    said = await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()
    flag, _ = await stored(world)
    assert sorted(d[2] for d in flag.deliveries) == sorted([MANAGER, LEGAL])
    assert all(d[1] is None for d in flag.deliveries)  # claimed, never posted
    assert flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []

    await retry(world, said, 1)
    assert flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []

    world.clock.advance(conduct.LEASE + timedelta(seconds=1))
    await retry(world, said, 2)
    for who in (MANAGER, LEGAL):
        [dm] = flags_in_dm(world, who)
        assert "which is no longer safe for legal's notices" in dm
    flag, _ = await stored(world)
    assert sorted(d[2] for d in flag.deliveries) == sorted([MANAGER, LEGAL])
    assert all(d[1] for d in flag.deliveries) and flag.messages == 1

    await retry(world, said, 3)
    assert len(flags_in_dm(world, MANAGER)) == len(flags_in_dm(world, LEGAL)) == 1


async def test_a_message_taken_over_after_its_writer_was_slow_posts_the_copies_it_claimed(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """#legal is public, so the flag goes by DM to Maya and Lee. The writer's lookups are slow
    (40s), it claims both copies and dies while posting. Its claims run out with its lease on the
    message, not 40s later: Slack's retry just after the lease posts them, and the last retry
    sends nothing again. Each gets exactly one copy."""
    slow = timedelta(seconds=40)
    where = conduct._where

    async def slow_where(svc, found, f):  # asking Slack who may read the flag takes `slow`
        world.clock.advance(slow)
        return await where(svc, found, f)

    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    monkeypatch.setattr(conduct, "_where", slow_where)
    dies_at(world, monkeypatch, "_post")
    said = await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()
    flag, _ = await stored(world)
    assert all(d[1] is None for d in flag.deliveries)  # claimed, never posted
    assert flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []

    world.clock.advance(conduct.LEASE - slow + timedelta(seconds=5))  # just after the message's lease
    await retry(world, said, 1)
    assert len(flags_in_dm(world, MANAGER)) == len(flags_in_dm(world, LEGAL)) == 1

    world.clock.advance(timedelta(minutes=5))  # Slack's last retry, long after every lease
    await retry(world, said, 2)
    assert len(flags_in_dm(world, MANAGER)) == len(flags_in_dm(world, LEGAL)) == 1
    _, kept = await stored(world)
    assert kept.lease_until is None


async def test_a_message_whose_copies_another_writer_holds_is_not_done_until_they_are_posted(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """#legal is public: by DM to Maya and Lee. The writer of Ivy's first message claims both
    copies and dies while posting. Her second message, 30s later, is added to the same flag and
    finds both copies claimed by a writer whose lease runs: it posts nothing, and must not call
    itself done. Its retry, after the first writer's lease ran out, posts the flag: one copy each,
    covering both messages."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    dies_at(world, monkeypatch, "_post")
    await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()

    world.clock.advance(timedelta(seconds=30))
    second = await say(world, IVY, channel, MORE_ABUSE)
    assert flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []
    async with world.db.transaction() as s:
        [flag] = (await s.exec(select(ConductFlag))).scalars().all()
        kept = (await s.exec(select(FlaggedMessage).where(FlaggedMessage.ts == second.ts))).scalar_one()
    assert flag.messages == 2 and kept.lease_until is not None  # given back, not done

    world.clock.advance(conduct.LEASE)  # the first writer's lease, and its claims, ran out
    await retry(world, second, 1)
    for who in (MANAGER, LEGAL):
        [dm] = flags_in_dm(world, who)
        assert "This flag covers *2 messages*" in dm
    await retry(world, second, 2)
    assert len(flags_in_dm(world, MANAGER)) == len(flags_in_dm(world, LEGAL)) == 1


# ---------------------------------------------------------------------------------------------
# edits of a message kept


async def test_an_edit_while_the_writer_holds_the_message_does_not_lose_its_flag(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """The writer sending the flag of Ivy's message dies holding it. Thirty seconds later Ivy edits
    it, still abusive: the edit is dropped, the lease still running. Slack's last retry of the
    first event comes after the lease, when Slack shows the edited text: the message was checked
    when kept, so the retry sends its flag, once, quoting what was flagged, not counted again."""
    channel = await monitored_team(world)
    dies_at(world, monkeypatch, "_where")
    said = await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()
    flag, _ = await stored(world)
    assert (flag.messages, flag.deliveries) == (1, [])

    world.clock.advance(timedelta(seconds=30))
    await edit(world, IVY, channel, said.ts, ABUSE + " I mean it.")
    assert flags_in_legal(world) == []  # the lease still runs: dropped

    world.clock.advance(timedelta(minutes=5))
    await retry(world, said, 2)
    [shown] = flags_in_legal(world)
    assert f"> {ABUSE}" in shown and "I mean it" not in shown  # the snapshot, as flagged
    flag, kept = await stored(world)
    assert flag.messages == 1 and kept.text == ABUSE and kept.lease_until is None

    await retry(world, said, 3)
    assert len(flags_in_legal(world)) == 1


async def test_an_edit_after_the_writer_died_sends_the_flag_even_when_no_longer_abusive(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """The writer dies holding Ivy's message; after the lease Ivy edits it into something polite.
    What she wrote was a breach, checked and kept: the edit takes the message over and sends the
    flag of the kept snapshot, once; a later edit sends nothing."""
    channel = await monitored_team(world)
    dies_at(world, monkeypatch, "_where")
    said = await say(world, IVY, channel, ABUSE)
    monkeypatch.undo()

    world.clock.advance(conduct.LEASE + timedelta(seconds=1))
    await edit(world, IVY, channel, said.ts, "Thanks for the brief, see you Friday.")
    [shown] = flags_in_legal(world)
    assert f"> {ABUSE}" in shown
    flag, kept = await stored(world)
    assert flag.messages == 1 and kept.text == ABUSE and kept.lease_until is None

    await edit(world, IVY, channel, said.ts, "Thanks for the brief, see you on Friday.")
    assert len(flags_in_legal(world)) == 1


async def test_an_edit_of_a_message_never_kept_is_still_read_back_from_slack(world: World):
    """Only a message already kept is taken over whatever its text: an edit event saying Ivy's
    polite message now reads as a threat, which Slack does not show, raises no flag."""
    channel = await monitored_team(world)
    said = await say(world, IVY, channel, "Thanks for the brief, see you Friday.")
    before = {"type": "message", "user": IVY, "text": "Thanks for the brief, see you Friday.", "ts": said.ts}
    edited_at = world.slack.ws.ts_clock.next()
    after = before | {"text": ABUSE, "edited": {"user": IVY, "ts": edited_at}}
    event = {"type": "message", "subtype": "message_changed", "channel": channel, "hidden": True}
    event |= {"message": after, "previous_message": before, "ts": edited_at, "event_ts": edited_at}
    await deliver(world, channel, event | {"channel_type": "group"})
    assert flags_in_legal(world) == []
    async with world.db.transaction() as s:
        assert (await s.exec(select(FlaggedMessage))).scalars().all() == []


# ---------------------------------------------------------------------------------------------
# Slack's post failed: the claim is given back


async def test_a_flag_slack_refused_everywhere_is_sent_by_the_next_retry(world: World):
    """Slack refuses the post in #legal, then both DMs sent instead: nobody has the flag. The
    claim is given back at once, so Slack's retry of the event sends it, once."""
    channel = await monitored_team(world)
    world.emulator.inject_failure("chat.postMessage", error="internal_error", times=3)
    said = await say(world, IVY, channel, ABUSE)
    assert flags_in_legal(world) == [] and flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []

    await retry(world, said)  # no time has passed
    assert len(flags_in_legal(world)) == 1
    assert flags_in_dm(world, MANAGER) == flags_in_dm(world, LEGAL) == []
    flag, kept = await stored(world)
    assert flag.messages == 1 and len(flag.deliveries) == 1 and kept.lease_until is None

    await retry(world, said, 2)
    assert len(flags_in_legal(world)) == 1


async def test_a_retry_sends_only_the_copy_slack_refused(world: World):
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False  # by DM to Maya and Lee
    fail_when(world, "chat.postMessage", lambda a: a.get("channel") == LEGAL, error="internal_error")
    said = await say(world, IVY, channel, ABUSE)
    assert (len(flags_in_dm(world, MANAGER)), len(flags_in_dm(world, LEGAL))) == (1, 0)

    await retry(world, said)
    assert (len(flags_in_dm(world, MANAGER)), len(flags_in_dm(world, LEGAL))) == (1, 1)
    await retry(world, said, 2)
    assert (len(flags_in_dm(world, MANAGER)), len(flags_in_dm(world, LEGAL))) == (1, 1)


async def test_a_post_that_raises_gives_the_claim_back(world: World, monkeypatch: pytest.MonkeyPatch):
    """The connection to Slack drops during the post (after slack_sdk's own retries): no answer,
    so nothing is stored as posted, and Slack's retry of the event sends the flag."""
    channel = await monitored_team(world)
    client = world.stack.bot.services.client
    post, dropped = client.chat_postMessage, []

    async def drops_once(**kwargs):
        if not dropped:
            dropped.append(kwargs["channel"])
            raise TimeoutError("the connection to Slack dropped")
        return await post(**kwargs)

    monkeypatch.setattr(client, "chat_postMessage", drops_once)
    said = await say(world, IVY, channel, ABUSE)
    assert dropped == [legal_channel(world)] and flags_in_legal(world) == []

    await retry(world, said)
    assert len(flags_in_legal(world)) == 1
    await retry(world, said, 2)
    assert len(flags_in_legal(world)) == 1
    flag, _ = await stored(world)
    assert flag.messages == 1
