"""What end-to-end tests say in a line: run a command as someone, fill a modal, read what they see."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.ids import Callback, Field
from playground import people
from playground.emulator import BotReply, Message, View, payloads
from playground.stack import Stack
from storage.models import metadata

MANAGER, MEMBER, LEGAL, ADMIN = (
    people.MANAGER.user_id,
    people.MEMBER.user_id,
    people.LEGAL.user_id,
    people.ADMIN.user_id,
)
IVY, OTTO = people.INFLUENCER.user_id, people.OUTSIDER.user_id
EVE_EMAIL = people.EXTERNAL.email


def text_of(message: Message | dict) -> str:
    """The text a person reads: `text` plus every text inside the blocks."""
    raw = message if isinstance(message, dict) else {"text": message.text, "blocks": message.blocks}
    # with blocks, Slack shows the blocks and uses `text` only for notifications
    parts = [] if raw.get("blocks") else [raw.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(raw.get("blocks") or [])
    return "\n".join(parts)


@dataclass
class World:
    stack: Stack
    clock: FakeClock
    #: who an admin has made a campaign creator so far (`grant_creator`)
    creators: set[str] = field(default_factory=set)

    @property
    def slack(self):
        return self.stack.slack

    @property
    def emulator(self):
        return self.stack.emulator

    @property
    def db(self):
        return self.stack.bot.services.db

    async def run(self, user: str, line: str, channel: str | None = None) -> BotReply:
        command, _, text = line.partition(" ")
        return await self.slack.command(user, command, text, channel=channel)

    def said_to(self, user: str) -> str:
        """The newest ephemeral message the user got (ack text or response_url reply)."""
        seen = self.emulator.ephemerals(user)
        assert seen, f"{user} got no ephemeral message"
        return text_of(seen[-1])

    def all_said_to(self, user: str) -> list[str]:
        return [text_of(m) for m in self.emulator.ephemerals(user)]

    def dm_to(self, user: str) -> str:
        messages = self.emulator.dm(user)
        assert messages, f"{user} got no DM"
        return text_of(messages[-1])

    def top_view(self, user: str) -> View:
        views = self.emulator.open_views(user)
        assert views, f"{user} has no modal open"
        return views[-1]

    async def count(self, model) -> int:
        async with self.db.transaction() as s:
            return (await s.exec(select(func.count()).select_from(model))).one()[0]

    async def row_counts(self) -> dict[str, int]:
        """Rows per table: the `nothing was written` check."""
        counts = {}
        async with self.db.transaction() as s:
            for table in metadata.sorted_tables:
                counts[table.name] = (await s.exec(select(func.count()).select_from(table))).one()[0]
        return counts

    async def forge_submission(self, user: str, view: View, values: dict[str, dict[str, Any]]) -> BotReply:
        """A view_submission whose state is exactly `values`, as a forger would send it (signed)."""
        payload = payloads.view_submission(
            self.slack.ws, self.slack.ws.users[user], view, trigger_id=self.slack.ws.issue_trigger(user)
        )
        action_ids = {b.get("block_id"): (b.get("element") or {}).get("action_id") for b in view.blocks}
        payload["view"]["state"] = {
            "values": {block: {action_ids.get(block) or block: value} for block, value in values.items()}
        }
        return await self.slack.send_raw(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    # ---- campaign setup in one line each

    async def grant_creator(self, user: str) -> None:
        """The admin makes `user` a campaign creator, as a workspace admin would."""
        await self.run(ADMIN, f"/campaign creators add <@{user}>")
        said = self.said_to(ADMIN)
        assert said.startswith(f":white_check_mark: <@{user}> may now create campaigns"), said
        self.creators.add(user)

    async def open_new_campaign(self, user: str = MANAGER, slug: str = "") -> View:
        """The creation form as `user`; only admins and campaign creators may create campaigns, so a
        user who is neither is made a creator first (the `world` fixture does it for Maya)."""
        if user != ADMIN and user not in self.creators:
            await self.grant_creator(user)
        await self.run(user, f"/campaign new {slug}".strip())
        view = self.top_view(user)
        assert view.callback_id == Callback.CAMPAIGN_NEW
        return view

    async def submit_new_campaign(self, user: str = MANAGER, **overrides: Any) -> BotReply:
        view = await self.open_new_campaign(user)
        values: dict[str, dict[str, Any]] = {
            Field.NAME: {Field.NAME: "Spring Launch"},
            Field.SLUG: {Field.SLUG: "spring"},
            Field.BRAND: {Field.BRAND: "Acme"},
            Field.START: {Field.START: "2027-03-01"},
            Field.END: {Field.END: "2027-05-31"},
            Field.MARKET: {Field.MARKET: "US"},
        }
        for key, value in overrides.items():
            values[key] = {key: value}
        return await self.slack.submit_view(user, view.id, values)

    async def new_campaign(self, slug: str = "spring", user: str = MANAGER, **overrides: Any) -> None:
        reply = await self.submit_new_campaign(user, **{Field.SLUG: slug, **overrides})
        assert reply.ok and not reply.body, f"campaign not created: {reply.body}"

    async def invite(self, who: str, slug: str = "spring", user: str = MANAGER, extra: str = "") -> str:
        mention = f"<@{who}>" if who.startswith("U") else who
        await self.run(user, f"/campaign invite {slug} {mention} {extra}".strip())
        return self.said_to(user)

    def guidelines_message(self, channel_id: str) -> Message:
        for message in reversed(self.emulator.history(channel_id)):
            if any(b.get("type") == "actions" for b in message.blocks) or "Guidelines" in text_of(message):
                return message
        raise AssertionError("no guidelines message in the channel")


def today() -> date:
    return date(2027, 3, 1)


# ---- incidents


def option_value(view: View, block_id: str, label_prefix: str) -> str:
    """The value of the option whose label starts with `label_prefix` in a select of the view."""
    block = next(b for b in view.blocks if b.get("block_id") == block_id)
    element = block["element"]
    options = element.get("options") or [o for g in element.get("option_groups") or [] for o in g["options"]]
    for candidate in options:
        if candidate["text"]["text"].startswith(label_prefix):
            return candidate["value"]
    raise AssertionError(f"no option {label_prefix!r} in {block_id}: {[o['text']['text'] for o in options]}")


def report_values(
    view: View, engagement: str, description: str, occurred_at: int, clause: str = "G1 "
) -> dict:
    """A report form's values as Slack sends them (each element with its type): the engagement and
    clause picked by their labels' beginnings in `view`, for a forged or repeated submission."""

    def picked(block_id: str, label: str) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": option_value(view, block_id, label)}}

    return {
        Field.ENGAGEMENT: picked(Field.ENGAGEMENT, engagement),
        Field.GUIDELINE: picked(Field.GUIDELINE, clause),
        Field.DESCRIPTION: {"type": "plain_text_input", "value": description},
        Field.OCCURRED_AT: {"type": "datetimepicker", "selected_date_time": occurred_at},
    }


async def set_up_team(world: World, slug: str = "spring") -> str:
    """A campaign with a member and legal, Ivy invited and acknowledged; returns the shared channel id."""
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(world.emulator.bot_user.id)  # someone typed `/invite @Campaign Guard` in #legal
    await world.new_campaign(slug, **{Field.ESCALATION_CHANNEL: legal.id})
    await world.run(MANAGER, f"/campaign role {slug} <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role {slug} <@{LEGAL}> legal")
    await world.invite(IVY, slug)
    channel = world.emulator.channel_by_name(f"cg-{slug}-ivy").id
    from bot.ids import Action

    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    return channel


async def report(
    world: World,
    user: str = MEMBER,
    *,
    clause: str = "G1",
    severity: str | None = None,
    description: str = "Posted the launch reel without #ad.",
    evidence: str = "https://instagram.example/p/123",
    engagement_label: str = "Spring Launch · Ivy",
) -> BotReply:
    await world.run(user, "/breach")
    view = world.top_view(user)
    engagement = option_value(view, Field.ENGAGEMENT, engagement_label)
    await world.slack.click_in_view(user, view.id, "report_engagement", value=engagement)
    view = world.top_view(user)
    values: dict[str, dict[str, Any]] = {
        Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, clause + " ")},
        Field.DESCRIPTION: {Field.DESCRIPTION: description},
        Field.EVIDENCE: {Field.EVIDENCE: evidence},
    }
    if severity:
        values[Field.SEVERITY] = {Field.SEVERITY: severity}
    return await world.slack.submit_view(user, view.id, values)


def card_of(world: World, channel: str) -> Message:
    for message in reversed(world.emulator.history(channel)):
        if any(b.get("block_id") == "incident" for b in message.blocks) or "BR-" in text_of(message)[:40]:
            return message
    raise AssertionError("no incident card in the channel")


async def uninstall(world: World, *, revoke: bool = True) -> None:
    """The workspace removes the app: its token stops working (unless not `revoke`, as for a
    forged event), then Slack's `app_uninstalled` event, as Slack sends it (signed JSON envelope)."""
    if revoke:
        world.emulator.uninstall()
    envelope = payloads.event_envelope(
        world.slack.ws,
        {"type": "app_uninstalled"},
        event_id=world.slack.ws.ids.new("Ev"),
        event_time=int(world.slack.ws.wall_clock()),
        channel=None,
    )
    reply = await world.slack.send_raw(json.dumps(envelope), "application/json")
    assert reply.ok, reply.body
    await world.stack.settle()


async def forge_click(
    world: World, user: str, channel: str, ts: str, action_id: str, value: str, blocks: list | None = None
) -> BotReply:
    """A signed block_actions payload as `user` would send it by hand: any channel, any message,
    any action, any value, and (when given) any `message.blocks`."""
    ws = world.slack.ws
    actor, where = ws.users[user], world.emulator.channel(channel)
    message = world.emulator.find_message(channel, ts)
    action = {"action_id": action_id, "block_id": "forged", "value": value, "type": "button"}
    action["action_ts"] = ws.ts_clock.next()
    target = ws.issue_response_url(where.id, actor.id, message_ts=ts, is_ephemeral=False)
    payload = payloads.message_block_actions(
        ws,
        actor,
        where,
        message,
        action,
        state={},
        trigger_id=ws.issue_trigger(actor.id),
        response_url=world.emulator.response_url(target),
    )
    if blocks is not None:
        payload["message"]["blocks"] = blocks
    return await world.slack.send_raw(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )
