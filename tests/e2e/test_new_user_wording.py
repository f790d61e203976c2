"""What each persona reads on their first walk through the product: a form hint read in full, a
name typed out instead of picked, the help of a campaign creator with no campaign yet, who closed
an incident, and lines that read cleanly."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import Action, Field
from tests.e2e.harness import (
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    World,
    card_of,
    report,
    set_up_team,
    text_of,
)


async def test_the_escalation_channel_hint_is_read_in_full(world: World):
    """Maya's first form: the hint under the escalation channel tells her to add the app to the
    channel first; it is not cut off mid-word ("a privat…") before saying so."""
    view = await world.open_new_campaign(MANAGER)
    block = next(b for b in view.blocks if b.get("block_id") == Field.ESCALATION_CHANNEL)
    hint = block["hint"]["text"]
    assert "…" not in hint, hint
    assert hint.endswith("Add the app to it first."), hint


async def test_a_name_typed_out_instead_of_picked_is_explained(world: World):
    """Maya types `@ivy` and sends before Slack's list turned it into a mention: she is told that a
    typed name is plain text and to pick the person from the list, for invites and roles alike."""
    await world.new_campaign("spring")
    for line in ("/campaign invite spring @ivy", "/campaign role spring @mo member"):
        await world.run(MANAGER, line)
        said = world.said_to(MANAGER)
        assert "pick the person from the list Slack shows" in said, said
        assert "Usage:" in said, said
    await world.run(MANAGER, "/campaign role spring mo member")  # not an @: no tip about the list
    assert "pick the person" not in world.said_to(MANAGER)


async def test_a_campaign_creator_with_no_campaign_yet_is_pointed_to_campaign_new(world: World):
    """Maya may create campaigns but is on none yet: her help does not send her to wait for a
    manager; it says `/campaign new` makes her the manager of one."""
    for command in ("/campaign help", "/breach help", "/review help"):
        await world.run(MANAGER, command)
        said = world.said_to(MANAGER)
        assert "`/campaign new` creates one, with you as its manager" in said, said


async def test_an_accepted_proposal_does_not_read_as_the_influencer_resolving_her_own_case(world: World):
    """Ivy accepts the resolution Maya proposed: the card and `/breach show` say that she accepted
    Maya's proposal, not "Resolved by @Ivy"."""
    channel = await set_up_team(world)
    assert (await report(world, MEMBER)).ok
    card = card_of(world, channel)
    await world.slack.click(MANAGER, channel, card.ts, Action.INCIDENT_PROPOSE)
    view = world.top_view(MANAGER)
    await world.slack.submit_view(
        MANAGER,
        view.id,
        {Field.OUTCOME: {Field.OUTCOME: "warning"}, Field.TERMS: {Field.TERMS: "Add #ad to the post"}},
    )
    await world.slack.click(IVY, channel, card_of(world, channel).ts, Action.INCIDENT_ACCEPT)
    await world.stack.settle()
    card_text = text_of(card_of(world, channel))
    assert f"Resolved by <@{IVY}>" not in card_text, card_text
    assert f"Resolved: <@{IVY}> accepted the resolution <@{MANAGER}> proposed" in card_text, card_text
    await world.run(LEGAL, "/breach show BR-1")
    assert f"<@{IVY}> accepted the resolution <@{MANAGER}> proposed" in world.said_to(LEGAL)


async def test_breach_list_lines_separate_the_channel_and_accept_a_number_without_hyphen(world: World):
    """`/breach list` puts a separator before the shared channel, as between every other part of
    the line; `/breach show BR1` (hyphen left out) shows BR-1 rather than the usage."""
    channel = await set_up_team(world)
    assert (await report(world, MEMBER)).ok
    await world.run(MEMBER, "/breach list")
    line = world.said_to(MEMBER).splitlines()[-1]
    assert line.endswith(f"> · <#{channel}>"), line
    await world.run(MEMBER, "/breach show BR1")
    said = world.said_to(MEMBER)
    assert "Usage" not in said and "BR-1 · G1" in said, said


async def test_an_overdue_deliverable_says_overdue_once(world: World):
    """On the App Home an overdue deliverable reads "· :warning: overdue", not "late :warning:
    overdue" nor "planned :warning: overdue"."""
    await set_up_team(world)
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    option = next(b for b in view.blocks if b.get("block_id") == Field.ENGAGEMENT)["element"]["options"][0]
    due = world.clock.now() + timedelta(hours=2)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option["value"]},
            Field.TITLE: {Field.TITLE: "Story"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body, reply.body
    world.clock.advance(timedelta(days=2))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()
    for who in (MANAGER, IVY):
        await world.slack.open_home(who)
        home = text_of({"blocks": world.emulator.home(who).blocks})
        line = next(x for x in home.splitlines() if x.startswith("*Story*"))
        assert line.endswith("· :warning: *overdue*"), line
        assert "late :warning:" not in line and "planned :warning:" not in line, line


async def test_a_scorecard_with_nothing_due_yet_says_so(world: World):
    """Mo looks Ivy up before any deliverable was due: "none due yet", not "— (0 of 0 deliverables
    due)"."""
    await set_up_team(world)
    await world.run(MEMBER, f"/review history <@{IVY}>")
    said = world.said_to(MEMBER)
    assert "*On-time delivery:* none due yet" in said, said
    assert "0 of 0" not in said
