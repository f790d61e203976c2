"""What people read: dates in sentences, list answers, role and category names, an external
creator's name, plain-text field errors, evidence links, the invite receipt, the scorecard's trend
and finding an influencer by the name Slack shows.

Sentences are read as a person sees them: rendered for them by the playground's renderer (their
time zone, Slack's date words), with the markup taken away.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from bot.ids import Action, Field
from playground import people
from playground.render import Renderer
from storage.models import Engagement, Influencer, Review
from tests.e2e.harness import (
    EVE_EMAIL,
    IVY,
    MANAGER,
    MEMBER,
    World,
    card_of,
    forge_click,
    option_value,
    report,
    set_up_team,
    text_of,
)


def read(world: World, viewer: str, mrkdwn: str) -> str:
    """`mrkdwn` as `viewer` reads it in Slack: names, dates in their zone, no markup."""
    renderer = Renderer(world.emulator.workspace, world.emulator.user(viewer), now=world.clock.now())
    return html.unescape(re.sub(r"<[^>]+>", "", renderer.mrkdwn(mrkdwn)))


#: "on today at …", "on Mar 1, 2027 at …", "on yesterday": a preposition before a date token.
STRAY_ON = re.compile(r"\bon (today|yesterday|tomorrow|[A-Z][a-z]{2} \d{1,2}, \d{4})\b", re.IGNORECASE)


async def test_dates_read_naturally_today_and_on_a_calendar_date(world: World):
    channel = await set_up_team(world)  # Ivy acknowledged at 14:00 UTC: 6:00 AM in Los Angeles
    ts = world.guidelines_message(channel).ts
    receipt = text_of(world.emulator.find_message(channel, ts))
    assert "Acknowledged by @Ivy today at 9:00 AM (version 1)." in read(world, MANAGER, receipt)

    await _acknowledge_again(world, channel, ts)
    assert read(world, IVY, world.said_to(IVY)) == "You already acknowledged version 1 today at 6:00 AM."
    world.clock.advance(timedelta(days=1))
    await _acknowledge_again(world, channel, ts)
    said = read(world, IVY, world.said_to(IVY))
    assert said == "You already acknowledged version 1 yesterday at 6:00 AM."
    world.clock.advance(timedelta(days=2))
    await _acknowledge_again(world, channel, ts)
    said = read(world, IVY, world.said_to(IVY))
    assert said == "You already acknowledged version 1 Mar 1, 2027 at 6:00 AM."
    assert "Acknowledged by @Ivy Mar 1, 2027 at 9:00 AM (version 1)." in read(world, MANAGER, receipt)

    everything = [read(world, who, text) for who in (IVY, MANAGER) for text in world.all_said_to(who)]
    everything += [read(world, MANAGER, text_of(m)) for m in world.emulator.history(channel)]
    assert not [line for line in everything if STRAY_ON.search(line)]


async def _acknowledge_again(world: World, channel: str, ts: str) -> None:
    """ "I acknowledge" once more, from a client still showing the button."""
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().first()
    await forge_click(world, IVY, channel, ts, Action.ACKNOWLEDGE_GUIDELINES, f"{engagement.id}:1")


async def test_an_incident_already_acknowledged_says_when_without_on(world: World):
    channel = await set_up_team(world)
    await report(world)
    card = card_of(world, channel)
    stale = list(card.blocks)
    await world.slack.click(IVY, channel, card.ts, Action.INCIDENT_ACKNOWLEDGE)
    world.clock.advance(timedelta(hours=2))
    world.emulator.find_message(channel, card.ts).blocks = stale  # a client still showing the old card
    await world.slack.click(IVY, channel, card.ts, Action.INCIDENT_ACKNOWLEDGE)
    assert read(world, IVY, world.said_to(IVY)) == "BR-1 was already acknowledged by @Ivy today at 6:00 AM."


# ------------------------------------------------------------------------------------------------
# lists


async def test_breach_list_says_what_it_lists_and_which_lists_there_are(world: World):
    await world.new_campaign()
    await world.run(MANAGER, "/breach list all")
    assert world.said_to(MANAGER) == "No incidents you can see."
    await world.run(MANAGER, "/breach list")
    assert world.said_to(MANAGER) == "No open incidents you can see."
    for word in ("closed", "Resolved", "dismissed"):
        await world.run(MANAGER, f"/breach list {word}")
        said = world.said_to(MANAGER)
        assert said.startswith(f":information_source: There is no `{word.lower()}` list.")
        assert "`/breach list all` shows every incident, resolved and dismissed ones included" in said
        assert "No campaign" not in said


# ------------------------------------------------------------------------------------------------
# refusals


async def test_a_refusal_tells_workspace_admins_apart_from_a_campaigns_roles(world: World):
    """Admin rights are the workspace's, manager, member and legal a campaign's (docs/roles.md): a
    refusal names each as what it is, never a "campaign admin"."""
    await set_up_team(world)
    await world.run(MEMBER, "/campaign guidelines spring")
    assert world.said_to(MEMBER) == (
        ":no_entry: Only a campaign *manager* or a workspace *admin* can edit the guidelines."
    )
    await world.run(MEMBER, "/breach export spring")
    assert world.said_to(MEMBER) == (
        ":no_entry: Only a campaign *manager* or *legal*, or a workspace *admin*, can export incidents."
    )
    await world.run(IVY, "/review")
    assert world.said_to(IVY) == (
        ":no_entry: Only a campaign *manager*, *member* or *legal*, or a workspace *admin*, can log reviews."
    )
    refusals = [t for who in (MEMBER, IVY) for t in world.all_said_to(who) if t.startswith(":no_entry:")]
    assert refusals and not [t for t in refusals if "campaign *admin*" in t or "campaign admin" in t]


# ------------------------------------------------------------------------------------------------
# names


async def test_campaign_show_names_categories_in_words(world: World):
    await world.new_campaign()
    await world.run(MANAGER, "/campaign show spring")
    shown = world.said_to(MANAGER)
    categories = re.findall(r"_\(([^)]*), (?:minor|moderate|major|critical)\)_", shown)
    assert categories, shown
    assert all("_" not in c for c in categories), categories
    assert "content approval" in categories or "brand safety" in categories or "disclosure" in categories


async def test_an_external_creator_is_named_like_a_person_then_as_slack_names_them(world: World):
    await world.new_campaign()
    said = await world.invite(EVE_EMAIL)
    assert said.startswith(":handshake: Eve (eve@elsewhere.example) was invited to `spring` in <#")
    await world.run(MANAGER, "/campaign show spring")
    assert "• Eve (eve@elsewhere.example) in <#" in world.said_to(MANAGER)
    async with world.db.transaction() as s:
        assert (await s.exec(select(Influencer.display_name))).scalar_one() == "Eve"

    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    eve.display_name, eve.real_name = "Evie", "Eve External"  # her own organisation's profile
    channel = world.emulator.channel_by_name("cg-spring-eve")
    await world.slack.click(
        eve.id, channel.id, world.guidelines_message(channel.id).ts, Action.ACKNOWLEDGE_GUIDELINES
    )
    async with world.db.transaction() as s:
        influencer = (await s.exec(select(Influencer))).scalar_one()
    assert (influencer.slack_user_id, influencer.display_name) == (eve.id, "Evie")


async def test_inviting_a_member_says_invited_not_joined(world: World):
    await world.new_campaign()
    said = await world.invite(IVY)
    assert said.startswith(f":handshake: <@{IVY}> was invited to `spring` in <#")
    assert "joined" not in said


# ------------------------------------------------------------------------------------------------
# forms


async def test_field_errors_are_plain_text(world: World):
    reply = await world.submit_new_campaign(**{Field.SLUG: "Summer Drop!"})
    error = reply.body["errors"][Field.SLUG]
    assert error == (
        "“Summer Drop!” is not a valid slug: use 2–40 lowercase letters, digits or hyphens "
        "(like “spring-launch”)."
    )
    await world.new_campaign("spring")
    reply = await world.submit_new_campaign(**{Field.SLUG: "spring"})
    assert reply.body["errors"] == {Field.SLUG: "“spring” is taken in this workspace; pick another slug."}
    for errors in (reply.body["errors"],):
        assert not any(mark in text for text in errors.values() for mark in "`*")


async def test_a_link_with_angle_brackets_is_refused_for_what_it_is(world: World):
    await set_up_team(world)
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(MEMBER, view.id, "report_engagement", value=engagement)
    view = world.top_view(MEMBER)
    values = {
        Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G1 ")},
        Field.DESCRIPTION: {Field.DESCRIPTION: "No #ad."},
        Field.EVIDENCE: {Field.EVIDENCE: "https://instagram.example/p/1\nhttps://instagram.example/<p>/2"},
    }
    reply = await world.slack.submit_view(MEMBER, view.id, values)
    assert reply.body["errors"] == {
        Field.EVIDENCE: "Links can't contain <, > or |; not: https://instagram.example/<p>/2"
    }
    values[Field.EVIDENCE] = {Field.EVIDENCE: "ftp://instagram.example/p/1"}
    reply = await world.slack.submit_view(MEMBER, view.id, values)
    assert reply.body["errors"] == {
        Field.EVIDENCE: "Use http(s) links only, one per line; not: ftp://instagram.example/p/1"
    }


# ------------------------------------------------------------------------------------------------
# the scorecard


async def _reviews(world: World, *means: int) -> None:
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().first()
        for n, mean in enumerate(means):
            created = world.clock.now() - timedelta(days=7 * (len(means) - n))
            s.add(
                Review(
                    team_id=world.emulator.team_id,
                    engagement_id=engagement.id,
                    reviewer_id=MANAGER,
                    period_start=created.date() - timedelta(days=7),
                    period_end=created.date(),
                    conduct=mean,
                    communication=mean,
                    timeliness=mean,
                    content_quality=mean,
                    would_work_again=True,
                    created_at=created,
                )
            )


async def test_the_trend_says_what_it_needs_and_shows_beside_three_reviews(world: World):
    await set_up_team(world)
    await _reviews(world, 4)
    await world.run(MANAGER, "/review history ivy")
    assert "*Trend:* needs 2 reviews (1 so far)" in world.said_to(MANAGER)
    await _reviews(world, 2, 3)  # older than the first: 2, 3, 4 in time order
    await world.run(MANAGER, "/review history ivy")
    said = world.said_to(MANAGER)
    assert "*Reviews:* 3 ·" in said
    assert "*Trend:* ↑ last 2 reviews 3.5 vs the one before 2.0 (+1.5)" in said


async def test_review_history_finds_an_influencer_by_the_full_name_slack_shows(world: World):
    await set_up_team(world)
    async with world.db.transaction() as s:  # stored under Slack's display name, "Ivy"
        assert (await s.exec(select(Influencer.display_name))).scalar_one() == "Ivy"
    for typed in ("ivy", "Ivy Influencer", "ivy  influencer", "IVY INFLUENCER"):
        await world.run(MANAGER, f"/review history {typed}")
        assert "Scorecard · Ivy" in world.said_to(MANAGER), typed
    await world.run(MANAGER, "/review history Ivy Someone")
    assert world.said_to(MANAGER).startswith(":mag: No influencer named “Ivy Someone”")
    assert people.INFLUENCER.real_name == "Ivy Influencer"
