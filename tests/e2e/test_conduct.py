"""The conduct monitor end to end: switched on per campaign, every human message of the shared
channel assessed after the ack, flags sent privately (never in the channel), one per person and
channel per hour, only flagged messages kept."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from bot.clock import FakeClock
from bot.ids import Action, Callback, Field
from playground import people
from playground.emulator import SlackEmulator
from playground.stack import running_stack
from storage.models import (
    Campaign,
    CampaignRole,
    ConductFlag,
    Engagement,
    EvidenceSnapshot,
    FlaggedMessage,
    Incident,
    Influencer,
)
from tests.e2e.conduct_helpers import campaign, deliver, edit, monitored_team, say
from tests.e2e.conftest import START
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, set_up_team, text_of

ABUSE = "Pay the invoice by Friday or I post every screenshot of this chat."
INSULT = "honestly you're useless, all of you"
BENIGN = "I'm frustrated, the brief changed three times. Can we freeze it?"


def legal_channel(world: World) -> str:
    return world.emulator.channel_by_name("legal").id


def texts(world: World, channel: str) -> list[str]:
    return [text_of(m) for m in world.emulator.history(channel)]


async def flags(world: World) -> list[ConductFlag]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(ConductFlag).order_by(ConductFlag.id))).scalars())


async def flagged_messages(world: World) -> list[FlaggedMessage]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(FlaggedMessage).order_by(FlaggedMessage.id))).scalars())


# ---------------------------------------------------------------------------------------------
# switching


async def test_switching_on_tells_each_shared_channel_and_off_says_so(world: World):
    channel = await set_up_team(world)
    assert not (await campaign(world)).conduct_monitor  # off by default
    await world.run(MANAGER, "/campaign conduct spring")
    assert "The conduct monitor is *off*" in world.said_to(MANAGER)

    await world.run(MANAGER, "/campaign conduct spring on")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(
        ":white_check_mark: The conduct monitor is *on* for *Spring Launch* (`spring`). "
        "I told 1 shared channel"
    )
    notice = texts(world, channel)[-1]
    assert "*Messages here are now checked for abusive language*" in notice
    assert "Possible issues go privately to the brand team" in notice
    assert (await campaign(world)).conduct_monitor

    await world.run(MANAGER, "/campaign conduct spring on")
    assert world.said_to(MANAGER).startswith(":information_source: The conduct monitor is already *on*")

    await world.run(MANAGER, "/campaign conduct spring off")
    await world.stack.settle()
    assert "*Messages here are no longer checked*" in texts(world, channel)[-1]
    assert not (await campaign(world)).conduct_monitor


async def test_only_managers_and_admins_switch_it(world: World):
    channel = await set_up_team(world)
    before = texts(world, channel)
    for who in (MEMBER, LEGAL, IVY):
        await world.run(who, "/campaign conduct spring on")
        await world.stack.settle()
        assert (
            world.said_to(who)
            == ":no_entry: Only a campaign *manager* or a workspace *admin* can switch the conduct monitor."
        )
    assert texts(world, channel) == before and not (await campaign(world)).conduct_monitor
    await world.run(ADMIN, "/campaign conduct spring on")
    await world.stack.settle()
    assert (await campaign(world)).conduct_monitor


async def test_usage_and_unknown_campaign(world: World):
    await set_up_team(world)
    await world.run(MANAGER, "/campaign conduct")
    assert world.said_to(MANAGER).startswith(":warning: Usage: `/campaign conduct &lt;slug&gt;")
    await world.run(MANAGER, "/campaign conduct spring maybe")
    assert world.said_to(MANAGER).startswith(":warning: Usage:")
    await world.run(MANAGER, "/campaign conduct nope on")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(":mag: No campaign `nope`")


# ---------------------------------------------------------------------------------------------
# flags


async def test_an_abusive_message_is_flagged_privately_and_a_benign_one_is_not(world: World):
    channel = await monitored_team(world)
    legal = legal_channel(world)
    in_legal = len(world.emulator.history(legal))

    await say(world, IVY, channel, BENIGN)
    assert await flags(world) == [] and await flagged_messages(world) == []  # nothing kept
    assert len(world.emulator.history(legal)) == in_legal

    said = await say(world, IVY, channel, ABUSE)
    [flag] = await flags(world)
    assert (flag.author_id, flag.category, flag.messages, flag.about_brand) == (IVY, "threat", 1, False)
    [kept] = await flagged_messages(world)
    assert (kept.ts, kept.text, kept.author_id) == (said.ts, ABUSE, IVY)

    # to legal's escalation channel (private, ours, the bot in it); never the shared channel
    posted = world.emulator.history(legal)[-1]
    shown = text_of(posted)
    assert "*Possible breach of G4 (conduct)*" in shown and f"<#{channel}>" in shown
    assert f"<@{IVY}>, the influencer," in shown
    assert "> Pay the invoice by Friday or I post every screenshot of this chat." in shown
    assert "*threat* · threat: blackmail" in shown
    assert world.emulator.find_permalink(kept.permalink).ts == said.ts
    assert kept.permalink in json.dumps(posted.blocks)  # the message link
    assert all("Possible breach" not in t for t in texts(world, channel))
    assert [flag.deliveries] == [[[legal, posted.ts]]]


async def test_abuse_only_the_chat_model_reads_is_flagged_with_its_reason(world: World):
    # no rule knows this wording (unit-tested in test_conduct_learned.py): the chat model reads it
    backhanded = "Cute that you think this counts as a finished edit. Did your little brother do it?"
    channel = await monitored_team(world)
    await say(world, IVY, channel, backhanded)
    [flag] = await flags(world)
    assert (flag.author_id, flag.category) == (IVY, "insult")
    shown = text_of(world.emulator.history(legal_channel(world))[-1])
    assert "*insult* · insult: reads like the abusive messages the chat model learned from (p=" in shown
    assert f"> {backhanded}" in shown


async def test_flags_go_to_managers_and_legal_by_dm_without_a_safe_escalation_channel(world: World):
    channel = await monitored_team(world)
    legal = legal_channel(world)
    world.emulator.channel_by_name("legal").is_private = False  # someone made #legal public
    in_legal = len(world.emulator.history(legal))
    await say(world, IVY, channel, INSULT)
    for who in (MANAGER, LEGAL):
        dm = world.dm_to(who)
        assert "*Possible breach of G4 (conduct)*" in dm
        assert "which is no longer safe for legal's notices" in dm
    assert len(world.emulator.history(legal)) == in_legal
    assert not any("Possible breach" in text_of(m) for m in world.emulator.dm(MEMBER))  # only their role
    assert world.emulator.dm(IVY) == []


async def test_at_most_one_flag_per_person_and_channel_per_hour_with_a_count(world: World):
    channel = await monitored_team(world)
    legal = legal_channel(world)
    await say(world, IVY, channel, ABUSE)
    first = world.emulator.history(legal)[-1]
    world.clock.advance(timedelta(minutes=20))
    await say(world, IVY, channel, INSULT)
    world.clock.advance(timedelta(minutes=20))
    await say(world, IVY, channel, "you're a bunch of clowns")
    [flag] = await flags(world)
    assert flag.messages == 3 and len(await flagged_messages(world)) == 3
    assert world.emulator.history(legal)[-1].ts == first.ts  # not posted again: updated
    assert "This flag covers *3 messages*" in text_of(world.emulator.find_message(legal, first.ts))

    world.clock.advance(timedelta(minutes=21))  # an hour after the flag: a new one
    await say(world, IVY, channel, INSULT)
    assert [f.messages for f in await flags(world)] == [3, 1]
    assert world.emulator.history(legal)[-1].ts != first.ts


def flags_in_dm(world: World, user: str) -> list[str]:
    return [text_of(m) for m in world.emulator.dm(user) if "Possible breach" in text_of(m)]


async def test_an_update_is_held_from_the_escalation_channel_once_an_influencer_is_in_it(world: World):
    """A flag about Ivy is posted in #legal. Otto, the influencer of another campaign, is then
    added to #legal: it is no longer safe. Ivy's next abusive message within the hour leaves the
    copy in #legal as it was, and the update goes by DM to the managers and legal, saying why."""
    channel = await monitored_team(world)
    legal = world.emulator.channel_by_name("legal")
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    await say(world, IVY, channel, INSULT)
    [flag] = await flags(world)
    [(where, first_ts)] = [tuple(d) for d in flag.deliveries]
    assert where == legal.id
    before = text_of(world.emulator.find_message(legal.id, first_ts))

    legal.members.add(OTTO)
    world.clock.advance(timedelta(minutes=10))
    await say(world, IVY, channel, "you are a bunch of clowns")
    [flag] = await flags(world)
    assert flag.messages == 2
    assert text_of(world.emulator.find_message(legal.id, first_ts)) == before  # untouched
    for who in (MANAGER, LEGAL):
        [dm] = flags_in_dm(world, who)
        assert "This flag covers *2 messages*" in dm and "which is no longer safe for legal's notices" in dm
    assert flags_in_dm(world, OTTO) == [] and flags_in_dm(world, MEMBER) == []

    world.clock.advance(timedelta(minutes=10))  # the next one updates those DMs, not #legal
    await say(world, IVY, channel, INSULT + "!")
    assert text_of(world.emulator.find_message(legal.id, first_ts)) == before
    for who in (MANAGER, LEGAL):
        [dm] = flags_in_dm(world, who)
        assert "This flag covers *3 messages*" in dm


async def test_an_update_goes_to_who_gets_flags_now(world: World):
    """A flag about Ivy goes by DM to spring's manager and legal (#legal is public). Lee is then
    made a plain member (members don't get flags) and the member made legal. Ivy's next abusive
    message within the hour updates the manager's copy, leaves Lee's as it was, and sends the new
    legal a copy."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    await say(world, IVY, channel, INSULT)
    assert len(flags_in_dm(world, LEGAL)) == 1 and flags_in_dm(world, MEMBER) == []

    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> member")
    assert "is now a *member*" in world.said_to(MANAGER), world.said_to(MANAGER)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> legal")
    world.clock.advance(timedelta(minutes=10))
    await say(world, IVY, channel, "you are a bunch of clowns")

    [to_lee] = flags_in_dm(world, LEGAL)
    assert "covers *2 messages*" not in to_lee
    [to_manager] = flags_in_dm(world, MANAGER)
    [to_member] = flags_in_dm(world, MEMBER)
    assert "This flag covers *2 messages*" in to_manager and "This flag covers *2 messages*" in to_member
    [flag] = await flags(world)
    assert {d[2] for d in flag.deliveries} == {MANAGER, LEGAL, MEMBER}  # each DM with its recipient


async def test_an_update_about_brand_staff_skips_an_admin_who_lost_the_rights(world: World):
    channel = await monitored_team(world)
    await say(world, MEMBER, channel, f"<@{IVY}> you're useless")
    assert len(flags_in_dm(world, ADMIN)) == 1
    world.emulator.workspace.users[ADMIN].is_admin = False  # no longer an admin
    world.clock.advance(timedelta(minutes=10))
    await say(world, MEMBER, channel, f"<@{IVY}> you are a bunch of clowns")
    [to_admin] = flags_in_dm(world, ADMIN)
    assert "covers *2 messages*" not in to_admin
    [to_manager] = flags_in_dm(world, MANAGER)  # no admin left: the campaign's managers
    assert "This flag covers *2 messages*" in to_manager


async def _spring_owned_by_otto_with_no_manager_or_legal(world: World) -> str:
    """spring, monitored, owned by Otto (autumn's influencer; a campaign owned since before *one
    person, one side*) with no manager or legal left, #legal public (flags go by DM); returns Ivy's
    shared channel."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    async with world.db.transaction() as s:
        spring = await campaign(world)
        await s.exec(update(Campaign).where(Campaign.id == spring.id).values(owner_id=OTTO))
        await s.exec(
            delete(CampaignRole).where(
                CampaignRole.campaign_id == spring.id, CampaignRole.role.in_(["manager", "legal"])
            )
        )
    return channel


async def test_an_owner_who_is_an_influencer_gets_no_flag(world: World):
    """spring has no manager or legal left and is owned by Otto, autumn's influencer (a campaign
    owned since before *one person, one side*; nothing makes this now). A flag about Ivy and a
    question she leaves unanswered would go to the owner: neither goes to an influencer."""
    channel = await _spring_owned_by_otto_with_no_manager_or_legal(world)
    asked_at = world.clock.now()
    await say(world, MEMBER, channel, f"<@{IVY}> can you send the draft by Thursday?")
    await say(world, IVY, channel, INSULT)  # answers, and is flagged
    assert len(await flags(world)) == 1
    await say(world, MEMBER, channel, f"<@{IVY}> can you send the final cut by Friday?")
    world.clock.set(asked_at + timedelta(days=3))
    for _ in range(2):
        await world.stack.bot.dispatcher.tick()
        await world.stack.settle()
    assert world.emulator.dm(OTTO) == [], [text_of(m) for m in world.emulator.dm(OTTO)]


async def test_a_flag_nobody_could_be_sent_goes_out_with_the_next_message(world: World):
    """Slack refuses both DMs of a new flag: nobody has it. Ivy's next abusive message within the
    hour sends it (covering both messages) rather than counting it in a flag nobody reads."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False  # flags go by DM
    world.emulator.inject_failure("chat.postMessage", error="fatal_error", times=2)
    await say(world, IVY, channel, INSULT)
    assert flags_in_dm(world, MANAGER) == [] and flags_in_dm(world, LEGAL) == []
    [flag] = await flags(world)
    assert flag.deliveries == []  # the failed posts are not kept as copies

    world.clock.advance(timedelta(minutes=10))
    await say(world, IVY, channel, "you are a bunch of clowns")
    for who in (MANAGER, LEGAL):
        [dm] = flags_in_dm(world, who)
        assert "This flag covers *2 messages*" in dm
    [flag] = await flags(world)
    assert sorted(d[2] for d in flag.deliveries) == sorted([MANAGER, LEGAL])


async def test_a_manager_added_after_a_flag_with_no_audience_gets_the_next_message(world: World):
    """spring has no manager, legal or owner who may read flags when Ivy is first flagged (its
    owner is an influencer); a manager named within the hour gets the flag at her next message."""
    channel = await _spring_owned_by_otto_with_no_manager_or_legal(world)
    await say(world, IVY, channel, INSULT)
    assert [f.deliveries for f in await flags(world)] == [[]]

    await world.run(ADMIN, f"/campaign role spring <@{MANAGER}> manager")
    assert "is now a *manager*" in world.said_to(ADMIN), world.said_to(ADMIN)
    world.clock.advance(timedelta(minutes=10))
    await say(world, IVY, channel, "you are a bunch of clowns")
    [dm] = flags_in_dm(world, MANAGER)
    assert "This flag covers *2 messages*" in dm


async def test_two_messages_at_once_send_a_newcomer_one_copy(world: World):
    """A flag about Ivy went by DM to the manager and legal; the member is then made legal. Two
    abusive messages of Ivy's arrive together (Slack slow to post): the member gets one copy."""
    channel = await monitored_team(world)
    world.emulator.channel_by_name("legal").is_private = False
    await say(world, IVY, channel, INSULT)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> legal")
    world.clock.advance(timedelta(minutes=10))
    world.emulator.inject_delay("chat.postMessage", 0.3, times=2)
    await asyncio.gather(
        world.slack.post_message(IVY, channel, "you are a bunch of clowns"),
        world.slack.post_message(IVY, channel, "you're a complete asshole"),
    )
    await world.stack.settle()
    [dm] = flags_in_dm(world, MEMBER)
    assert "This flag covers *3 messages*" in dm
    [flag] = await flags(world)
    assert flag.messages == 3
    assert sorted(d[2] for d in flag.deliveries) == sorted([MANAGER, LEGAL, MEMBER])
    assert all(d[1] for d in flag.deliveries)  # no claim left pending


async def test_a_burst_about_brand_staff_asks_slack_for_the_admins_once_a_minute(world: World):
    channel = await monitored_team(world)
    listed = len(world.emulator.calls_to("users.list"))
    for n in range(3):
        await say(world, MEMBER, channel, f"<@{IVY}> you're useless" + "!" * n)
        world.clock.advance(timedelta(seconds=15))
    assert len(world.emulator.calls_to("users.list")) == listed + 1
    assert "This flag covers *3 messages*" in flags_in_dm(world, ADMIN)[-1]

    world.clock.advance(timedelta(seconds=30))  # more than a minute after Slack was asked
    await say(world, MEMBER, channel, f"<@{IVY}> you are a bunch of clowns")
    assert len(world.emulator.calls_to("users.list")) == listed + 2
    assert "This flag covers *4 messages*" in flags_in_dm(world, ADMIN)[-1]


PAT, PAT_EMAIL = "U0PAT", "pat@maya.example"


@pytest.fixture
async def pat_listed(database_url) -> AsyncIterator[World]:
    """Pat, a member of the workspace, is in ADMIN_USER_IDS."""
    emulator = SlackEmulator()
    people.populate(emulator)
    emulator.add_user("pat", user_id=PAT, email=PAT_EMAIL)
    clock = FakeClock(START)
    async with running_stack(
        emulator, database_url=database_url, clock=clock, admin_user_ids=frozenset({PAT})
    ) as stack:
        world = World(stack=stack, clock=clock)
        await world.grant_creator(MANAGER)
        yield world


async def test_a_listed_admin_known_as_an_influencer_by_email_gets_no_flag_about_the_brand(pat_listed):
    """Pat is listed in ADMIN_USER_IDS and is also autumn's influencer, invited by e-mail and not
    yet seen (known by the e-mail only): one person, one side, so no brand-side flag for Pat."""
    world = pat_listed
    channel = await monitored_team(world)
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    async with world.db.transaction() as s:  # autumn's influencer as invited by e-mail
        otto = (
            await s.exec(select(Influencer).join(Engagement).where(Influencer.slack_user_id == OTTO))
        ).scalar_one()
        await s.exec(
            update(Influencer).where(Influencer.id == otto.id).values(slack_user_id=None, email=PAT_EMAIL)
        )
    await say(world, MEMBER, channel, f"<@{IVY}> you're useless")
    assert len(flags_in_dm(world, ADMIN)) == 1
    assert flags_in_dm(world, PAT) == []


async def test_flags_about_brand_staff_go_to_the_admins(world: World):
    channel = await monitored_team(world)
    await world.new_campaign("autumn")
    await world.invite(OTTO, "autumn")
    world.emulator.workspace.users[OTTO].is_admin = True  # an admin since, and an influencer
    to_otto = len(world.emulator.dm(OTTO))
    legal = legal_channel(world)
    in_legal = len(world.emulator.history(legal))
    await say(world, MEMBER, channel, f"<@{IVY}> you're useless")
    [flag] = await flags(world)
    assert flag.about_brand and flag.author_id == MEMBER
    dm = world.dm_to(ADMIN)
    assert f"<@{MEMBER}>, a member of the brand side," in dm
    assert "Only the workspace admins, since it is about someone on the brand side" in dm
    assert Action.REPORT_BREACH_PREFILLED not in json.dumps(world.emulator.dm(ADMIN)[-1].blocks)
    assert len(world.emulator.history(legal)) == in_legal  # not to legal's channel
    assert len(world.emulator.dm(OTTO)) == to_otto  # one person, one side: nothing brand-side for him


async def test_monitor_off_bots_and_other_apps_are_skipped(world: World):
    channel = await set_up_team(world)
    await say(world, IVY, channel, ABUSE)  # monitor off
    assert await flags(world) == []

    await world.run(MANAGER, "/campaign conduct spring on")
    await world.stack.settle()
    ws, where = world.slack.ws, world.emulator.channel(channel)
    message = ws.post(where, bot_id="B0OTHER", app_id="A0OTHER", text=ABUSE)
    await deliver(
        world,
        channel,
        {
            "type": "message",
            "subtype": "bot_message",
            "text": ABUSE,
            "ts": message.ts,
            "bot_id": "B0OTHER",
            "app_id": "A0OTHER",
            "channel": channel,
            "event_ts": message.ts,
            "channel_type": where.channel_type,
        },
    )
    assert await flags(world) == []


async def test_an_edit_that_turns_abusive_is_flagged_once(world: World):
    channel = await monitored_team(world)
    said = await say(world, IVY, channel, "see you tomorrow")
    assert await flags(world) == []
    await edit(world, IVY, channel, said.ts, "see you tomorrow, you useless clowns")
    assert [f.messages for f in await flags(world)] == [1]
    [kept] = await flagged_messages(world)
    assert kept.ts == said.ts and kept.edited
    await edit(world, IVY, channel, said.ts, "see you tomorrow, you useless clowns!!")
    assert [f.messages for f in await flags(world)] == [1]  # the same message: not counted twice


async def test_a_slack_retry_is_one_flag(world: World):
    channel = await monitored_team(world)
    said = await say(world, IVY, channel, ABUSE)
    await world.slack.redeliver(said.envelope)
    await world.stack.settle()
    assert [f.messages for f in await flags(world)] == [1]


async def test_report_breach_button_prefills_and_keeps_the_flagged_message(world: World):
    """The flag's button opens the report on G4 with the message as evidence; the report keeps
    the message as it was flagged, even after the influencer deleted it."""
    from tests.e2e.conduct_helpers import delete

    channel = await monitored_team(world)
    said = await say(world, IVY, channel, ABUSE)
    legal = legal_channel(world)
    flag_message = world.emulator.history(legal)[-1]
    await delete(world, IVY, channel, said.ts)  # gone from Slack before anyone reports it

    await world.slack.click(LEGAL, legal, flag_message.ts, Action.REPORT_BREACH_PREFILLED)
    view = world.top_view(LEGAL)
    assert view.callback_id == Callback.BREACH_REPORT
    blocks = {b.get("block_id"): b for b in view.blocks}
    assert blocks[Field.GUIDELINE]["element"]["initial_option"]["text"]["text"].startswith("G4 ")
    assert blocks[Field.ENGAGEMENT]["element"]["initial_option"]["text"]["text"] == "Spring Launch · Ivy"
    [link] = blocks[Field.EVIDENCE]["element"]["initial_value"].splitlines()
    reply = await world.slack.submit_view(
        LEGAL,
        view.id,
        {Field.DESCRIPTION: {Field.DESCRIPTION: "Threatened to publish our chat."}},
    )
    assert reply.ok and not reply.body
    await world.stack.settle()
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalar_one()
        [snapshot] = (await s.exec(select(EvidenceSnapshot))).scalars().all()
    assert incident.evidence == [link] and incident.evidence_unread == []
    assert (snapshot.text, snapshot.author_id, snapshot.ts, snapshot.source) == (ABUSE, IVY, said.ts, "flag")
    await world.run(LEGAL, f"/breach show BR-{incident.number}")
    await world.stack.settle()
    assert "kept the message as posted: “Pay the invoice by Friday" in world.said_to(LEGAL)
    await world.run(IVY, f"/breach show BR-{incident.number}")  # a flag is brand-side: not named
    assert "kept the message as posted" in world.said_to(IVY) and "flag" not in world.said_to(IVY).lower()


async def test_classifying_happens_after_the_ack(world: World, monkeypatch, caplog):
    """The listener only hands the message over: a classifier that fails cannot fail Slack's
    request (a listener that raised before its ack would answer 500), and is logged instead."""
    from bot.flows import conduct

    channel = await monitored_team(world)

    def broken(text):
        raise RuntimeError("classifier down")

    monkeypatch.setattr(conduct, "assess", broken)
    reply = await world.slack.post_message(IVY, channel, ABUSE)
    assert reply.status == 200
    await world.stack.settle()
    assert any("classifier down" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert await flags(world) == []
