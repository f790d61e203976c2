"""Someone added later to a channel the bot posts in (`member_joined_channel`): an influencer added
to another influencer's shared channel, or to an escalation channel, is reported to the brand team
by DM at once; anyone else joining is no news. The join is read back from Slack first. An
influencer invited by e-mail who joins her own shared channel is bound to her Slack id."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import Field
from playground.emulator import payloads
from storage.models import Engagement, Influencer
from tests.e2e.harness import EVE_EMAIL, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, set_up_team
from tests.e2e.test_one_side import legacy_role


async def with_otto(world: World) -> str:
    """spring (Ivy; Mo member, Lee legal, #legal its escalation channel) and autumn, Otto's;
    returns Ivy's shared channel."""
    channel = await set_up_team(world)
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    return channel


def dms(world: World, user: str) -> list[str]:
    return [m.text for m in world.emulator.dm(user)]


async def test_an_influencer_added_to_anothers_shared_channel_is_reported_to_its_managers(world: World):
    channel = await with_otto(world)
    before = {u: len(dms(world, u)) for u in (MANAGER, MEMBER, LEGAL, IVY, OTTO)}
    await world.slack.add_to_channel(OTTO, channel, by=MEMBER)
    [alert] = dms(world, MANAGER)[before[MANAGER] :]
    assert alert.startswith(
        f":warning: <@{OTTO}>, an influencer on another engagement, was added to <#{channel}>"
    )
    assert f"by <@{MEMBER}>. It is <@{IVY}>'s shared channel on *Spring Launch* (`spring`)" in alert
    assert f"Remove <@{OTTO}> from the channel" in alert
    for other in (MEMBER, LEGAL, IVY, OTTO):  # managers only; never an influencer
        assert len(dms(world, other)) == before[other], other


async def test_the_brand_side_or_the_influencer_joining_is_no_news(world: World):
    channel = await with_otto(world)
    world.emulator.channel(channel).members.discard(LEGAL)
    posts, reads = (len(world.emulator.calls_to(m)) for m in ("chat.postMessage", "conversations.members"))
    await world.slack.add_to_channel(LEGAL, channel, by=MANAGER)
    await world.slack.add_to_channel(IVY, channel, by=MANAGER)  # her own channel, again
    assert len(world.emulator.calls_to("chat.postMessage")) == posts
    assert len(world.emulator.calls_to("conversations.members")) == reads  # nor was Slack asked


async def test_an_influencer_added_to_the_escalation_channel_is_reported_to_managers_and_legal(world: World):
    await with_otto(world)
    legal = world.emulator.channel_by_name("legal").id
    before = {u: len(dms(world, u)) for u in (MANAGER, LEGAL, MEMBER, OTTO)}
    await world.slack.add_to_channel(OTTO, legal, by=LEGAL)
    for told in (MANAGER, LEGAL):
        [alert] = dms(world, told)[before[told] :]
        assert alert.startswith(f":lock: <@{OTTO}>, an influencer, was added to <#{legal}> by <@{LEGAL}>")
        assert "the escalation channel of *Spring Launch* (`spring`)" in alert
        assert "legal's notices and conduct flags are not posted there: they go by DM instead." in alert
    for other in (MEMBER, OTTO):
        assert len(dms(world, other)) == before[other], other


async def test_a_join_slack_does_not_confirm_tells_nobody(world: World):
    """A signed event that names a join the channel does not show (stale, or not Slack's): the
    members are read back, and nobody is told anything."""
    channel = await with_otto(world)
    ws = world.emulator.workspace
    event = payloads.member_joined_channel_event(
        ws, ws.users[OTTO], world.emulator.channel(channel), ws.users[MEMBER], ws.ts_clock.next()
    )
    envelope = payloads.event_envelope(ws, event, event_id="Ev0FORGED", event_time=1, channel=None)
    before = len(world.emulator.calls_to("chat.postMessage"))
    reply = await world.slack.send_raw(json.dumps(envelope))
    await world.stack.settle()
    assert reply.status == 200
    assert OTTO not in world.emulator.channel(channel).members
    assert len(world.emulator.calls_to("chat.postMessage")) == before


async def test_an_influencer_known_only_by_email_is_recognised(world: World):
    """Eve, invited to autumn by e-mail, has not acknowledged yet (so the store has no Slack id for
    her): added to Ivy's channel, she is known by the e-mail Slack shows for her."""
    channel = await set_up_team(world)
    await world.new_campaign("autumn")
    await world.invite(EVE_EMAIL, "autumn")
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    before = len(dms(world, MANAGER))
    await world.slack.add_to_channel(eve.id, channel, by=MEMBER)
    [alert] = dms(world, MANAGER)[before:]
    assert alert.startswith(f":warning: <@{eve.id}>, an influencer on another engagement")


async def test_when_slack_wont_say_who_is_in_the_channel_the_alert_goes_out(world: World):
    channel = await with_otto(world)
    world.emulator.inject_failure("conversations.members", error="internal_error")
    before = len(dms(world, MANAGER))
    await world.slack.add_to_channel(OTTO, channel, by=MEMBER)
    assert len(dms(world, MANAGER)) == before + 1


async def test_a_join_delivered_again_alerts_nobody_twice(world: World):
    """Slack retries a delivery it saw no ack for (and a replay is signed the same): the event id
    is recorded with the alert."""
    channel = await with_otto(world)
    before = len(dms(world, MANAGER))
    first = await world.slack.add_to_channel(OTTO, channel, by=MEMBER)
    for _ in range(3):
        assert (await world.slack.send_raw(json.dumps(first.envelope))).status == 200
    await world.stack.settle()
    assert len(dms(world, MANAGER)) == before + 1


async def test_one_join_is_one_alert_however_many_campaigns_share_the_channel(world: World):
    await with_otto(world)
    legal = world.emulator.channel_by_name("legal").id
    await world.new_campaign("summer", **{Field.ESCALATION_CHANNEL: legal})
    await world.run(MANAGER, f"/campaign role summer <@{LEGAL}> legal")
    before = {u: len(dms(world, u)) for u in (MANAGER, LEGAL)}
    await world.slack.add_to_channel(OTTO, legal, by=LEGAL)
    for told in (MANAGER, LEGAL):
        [alert] = dms(world, told)[before[told] :]
        assert "the escalation channel of *Spring Launch* (`spring`), *Spring Launch* (`summer`)" in alert


async def _eve_invited_with_a_role_on_autumn(world: World) -> tuple[str, str]:
    """spring (Ivy; Mo, Lee) and autumn (Maya's); Eve invited to spring by e-mail, her Slack
    Connect invite accepted, not acknowledged (no Slack id stored for her), and a `member` role on
    autumn stored for her Slack id before one person, one side. Returns (Eve's id, her channel)."""
    await set_up_team(world)
    await world.new_campaign("autumn")
    assert (await world.invite(EVE_EMAIL)).startswith(":handshake:")
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    await legacy_role(world, eve.id, "autumn", "member")
    async with world.db.transaction() as s:
        channel = (
            await s.exec(
                select(Engagement.channel_id)
                .join(Influencer, Influencer.id == Engagement.influencer_id)
                .where(Influencer.email == EVE_EMAIL)
            )
        ).scalar_one()
    return eve.id, channel


async def _slack_id_of_eve(world: World) -> str | None:
    async with world.db.transaction() as s:
        return (
            await s.exec(select(Influencer.slack_user_id).where(Influencer.email == EVE_EMAIL))
        ).scalar_one()


async def test_an_influencer_invited_by_email_is_known_by_her_id_once_she_joins_her_channel(world: World):
    """Eve joins her own shared channel: Slack shows her e-mail for her id, so her influencer row
    is bound to it, as her first acknowledgement would, and nobody is alerted. Lists of other
    people, which can't know each one's e-mail, then see her as an influencer: Maya's
    `/campaign show autumn` puts Eve's stored role apart from the team, as giving no rights."""
    eve, channel = await _eve_invited_with_a_role_on_autumn(world)
    await world.run(MANAGER, "/campaign show autumn")
    assert "but is an influencer in this workspace" not in world.said_to(MANAGER)  # not known yet
    before = {u: len(dms(world, u)) for u in (MANAGER, MEMBER, LEGAL)}
    await world.slack.add_to_channel(eve, channel)
    await world.stack.settle()
    assert await _slack_id_of_eve(world) == eve
    for user in (MANAGER, MEMBER, LEGAL):
        assert len(dms(world, user)) == before[user], user
    await world.run(MANAGER, "/campaign show autumn")
    shown = world.said_to(MANAGER)
    assert f"<@{eve}> holds the *member* role but is an influencer in this workspace" in shown, shown


async def test_joining_anothers_channel_binds_nothing(world: World):
    """Eve, still known only by her e-mail, is added to Ivy's channel: the managers are alerted
    and her row stays unbound (only her own channel's row is hers to bind)."""
    eve, _ = await _eve_invited_with_a_role_on_autumn(world)
    ivy_channel = world.emulator.channel_by_name("cg-spring-ivy").id
    await world.slack.add_to_channel(eve, ivy_channel, by=MEMBER)
    await world.stack.settle()
    assert await _slack_id_of_eve(world) is None


async def test_someone_slack_will_not_name_joining_a_shared_channel_is_told_to_its_managers(world: World):
    """Eve, an influencer on autumn known by her invited e-mail, is added to Ivy's shared channel
    while Slack's `users.info` fails for her: whether she is an influencer can't be checked, and not
    knowing is not safe. Spring's managers are told, in words that say it was not checked."""
    channel = await set_up_team(world)
    await world.new_campaign("autumn")
    await world.invite(EVE_EMAIL, "autumn")
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    world.stack.bot.services.directory.forget(eve.id)
    before = len(world.emulator.dm(MANAGER))
    world.emulator.inject_failure("users.info", error="internal_error")
    await world.slack.add_to_channel(eve.id, channel, by=MEMBER)
    await world.stack.settle()
    dms = world.emulator.dm(MANAGER)
    assert len(dms) == before + 1
    said = dms[-1].text
    assert f"<@{eve.id}>, whom Slack would not name to me" in said and f"<#{channel}>" in said
