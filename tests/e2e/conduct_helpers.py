"""Messages as Slack delivers them to the bot: people writing, editing and deleting in a channel.

`World.slack.post_message` already posts and delivers the `message` event; editing and deleting
change the emulated channel and deliver `message_changed` / `message_deleted` events shaped like
Slack's own samples (bolt-python's `event_callback.message.message_changed.json` and
`…message_deleted.json`): the new message and the previous one, or the deleted one."""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import select

from playground.emulator import BotReply, payloads
from playground.emulator.shapes import file_json
from storage.models import Campaign
from tests.e2e.harness import MANAGER, World, set_up_team


async def deliver(world: World, channel: str, event: dict[str, Any]) -> BotReply:
    """A signed Events API envelope with `event`, as Slack posts it; waits for the bot's work."""
    ws, where = world.slack.ws, world.emulator.channel(channel)
    envelope = payloads.event_envelope(
        ws, event, event_id=ws.ids.new("Ev"), event_time=int(ws.wall_clock()), channel=where
    )
    reply = await world.slack.send_raw(json.dumps(envelope), "application/json")
    assert reply.status == 200, reply.status
    await world.stack.settle()
    return reply


def _shape(world: World, channel: str, message) -> dict[str, Any]:
    shaped = {"type": "message", "text": message.text, "user": message.user, "team": world.slack.ws.team_id}
    shaped["ts"] = message.ts
    if message.thread_ts:
        shaped["thread_ts"] = message.thread_ts
    if message.blocks:
        shaped["blocks"] = copy.deepcopy(message.blocks)
    if message.edited:
        shaped["edited"] = dict(message.edited)
    if message.file_ids:
        shaped["files"] = [file_json(world.slack.ws.files[f]) for f in message.file_ids]
    return shaped


async def edit(
    world: World, user: str, channel: str, ts: str, text: str, *, file_ids: list[str] | None = None
) -> BotReply:
    """`user` edits their message: the channel shows the new text (and, given `file_ids`, those
    files only); the bot hears `message_changed`."""
    message = world.emulator.find_message(channel, ts)
    assert message is not None and message.user == user
    before = _shape(world, channel, message)
    edited_at = world.slack.ws.ts_clock.next()
    message.text, message.blocks = text, payloads.rich_text_blocks(text)
    if file_ids is not None:
        message.file_ids = list(file_ids)
    message.edited = {"user": user, "ts": edited_at}
    where = world.emulator.channel(channel)
    return await deliver(
        world,
        channel,
        {
            "type": "message",
            "subtype": "message_changed",
            "message": _shape(world, channel, message),
            "previous_message": before,
            "channel": channel,
            "hidden": True,
            "ts": edited_at,
            "event_ts": edited_at,
            "channel_type": where.channel_type,
        },
    )


async def delete(world: World, user: str, channel: str, ts: str) -> BotReply:
    """`user` deletes their message: gone from the channel; the bot hears `message_deleted`."""
    message = world.emulator.find_message(channel, ts)
    assert message is not None and message.user == user
    before = _shape(world, channel, message)
    world.slack.ws.delete_message(message)
    deleted_at = world.slack.ws.ts_clock.next()
    where = world.emulator.channel(channel)
    return await deliver(
        world,
        channel,
        {
            "type": "message",
            "subtype": "message_deleted",
            "previous_message": before,
            "channel": channel,
            "hidden": True,
            "deleted_ts": ts,
            "ts": deleted_at,
            "event_ts": deleted_at,
            "channel_type": where.channel_type,
        },
    )


async def say(world: World, user: str, channel: str, text: str, thread_ts: str | None = None):
    """`user` writes in the channel (the bot hears it); returns the posted message's reply."""
    reply = await world.slack.post_message(user, channel, text, thread_ts=thread_ts)
    await world.stack.settle()
    return reply


async def monitored_team(world: World, slug: str = "spring") -> str:
    """`set_up_team`, then the manager switches the conduct monitor on; returns the shared channel."""
    channel = await set_up_team(world, slug)
    await world.run(MANAGER, f"/campaign conduct {slug} on")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(":white_check_mark: The conduct monitor is *on*"), world.said_to(
        MANAGER
    )
    return channel


async def campaign(world: World, slug: str = "spring") -> Campaign:
    async with world.db.transaction() as s:
        return (await s.exec(select(Campaign).where(Campaign.slug == slug))).scalar_one()
