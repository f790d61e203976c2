"""Linking an existing private channel that already holds a conversation where the top level does
not show it (bot/flows/trust.py `_holds_conversation`, bot/domain/trust.py `is_conversation`):
Slack shows a private channel's whole history, threads included, to whoever joins."""

from __future__ import annotations

from tests.e2e.boundaries_helpers import readable
from tests.e2e.harness import IVY, MANAGER, MEMBER, World

SECRET = "SECRET-THREAD: offer Ivy half of Otto's fee, she won't notice"


async def _lounge(world: World, name: str = "lounge"):
    await world.new_campaign("spring")
    bot = world.emulator.bot_user.id
    return world.emulator.add_channel(name, is_private=True, creator=MANAGER, members=[MANAGER, MEMBER, bot])


async def test_a_conversation_held_in_the_thread_of_a_join_note_is_seen(world: World):
    """`conversations.history` lists thread parents only. The brand team talked in the thread of
    Slack's "Mo joined" note (a thread Slack lets anyone open on it): the only top-level message is
    a `channel_join`, but its replies count, so the link is refused."""
    lounge = await _lounge(world)
    join = world.emulator.workspace.post(lounge, user=MEMBER, text="", subtype="channel_join")
    await world.slack.post_message(MANAGER, lounge.id, SECRET, thread_ts=join.ts)
    assert world.emulator.workspace.replies(lounge.id, join.ts)[1:], "the thread holds the talk"

    said = await world.invite(IVY, extra=f"<#{lounge.id}|lounge>")

    assert said.startswith(f":no_entry: <#{lounge.id}> already holds a conversation"), said
    assert IVY not in lounge.members
    assert "SECRET-THREAD" not in readable(world.emulator.workspace, IVY)


async def test_what_a_topic_or_purpose_change_said_is_seen(world: World):
    """A topic, purpose or name change is someone writing: Slack's note carries the text they typed
    ("set the channel purpose: …") and shows it to whoever joins, so it counts as a conversation."""
    lounge = await _lounge(world)
    world.emulator.workspace.post(
        lounge, user=MANAGER, text=f"set the channel purpose: {SECRET}", subtype="channel_purpose"
    )
    world.emulator.workspace.post(
        lounge, user=MANAGER, text="set the channel purpose: -", subtype="channel_purpose"
    )

    said = await world.invite(IVY, extra=f"<#{lounge.id}|lounge>")

    assert said.startswith(f":no_entry: <#{lounge.id}> already holds a conversation"), said
    assert "SECRET-THREAD" not in readable(world.emulator.workspace, IVY)
