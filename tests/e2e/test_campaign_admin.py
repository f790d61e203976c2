"""Usage, list and show, guideline versions, deliverables."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import messages
from bot.ids import Action, Callback, Command, Field
from playground import people
from playground.emulator.state import EXTERNAL_TEAM_ID
from storage.models import Campaign, Deliverable, Engagement, Guideline
from tests.e2e.harness import ADMIN, EVE_EMAIL, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, text_of


async def test_help_and_unknown_subcommands_answer_usage(world: World):
    """Mo holds no role yet: his help has what he may run, and how to get a role."""
    no_role = messages.help_text(Command.CAMPAIGN, ["list", "show", "help"], "no_role")
    for line in ("/campaign", "/campaign help", "/campaign HELP"):
        reply = await world.run(MEMBER, line)
        assert reply.ok and world.said_to(MEMBER) == no_role
    await world.run(MEMBER, "/campaign frobnicate now")
    said = world.said_to(MEMBER)
    assert said.startswith(":warning: `/campaign frobnicate` is not a command I know.")
    assert no_role in said
    await world.run(ADMIN, "/campaign help")
    assert world.said_to(ADMIN) == messages.CAMPAIGN_USAGE
    for sub in ("show", "guidelines", "deliverable"):
        await world.run(MEMBER, f"/campaign {sub}")
        assert world.said_to(MEMBER).startswith(":warning: Missing argument. Usage: `/campaign " + sub)


async def test_list_shows_only_my_campaigns(world: World):
    await world.new_campaign("spring")
    await world.new_campaign("autumn", user=MEMBER)
    await world.invite(IVY, "spring")
    await world.run(MANAGER, "/campaign list")
    said = world.said_to(MANAGER)
    assert "`spring`" in said and "`autumn`" not in said and "you: _manager_" in said
    await world.run(IVY, "/campaign list")
    assert "`spring`" in world.said_to(IVY) and "you: _influencer_" in world.said_to(IVY)
    await world.run(OTTO, "/campaign list")  # Otto may not create campaigns: not told to
    said = world.said_to(OTTO)
    assert said.startswith("You are not part of any campaign yet.") and "/campaign new" not in said
    assert "ask a workspace admin for the campaign creator right" in said
    await world.grant_creator(OTTO)  # now he may
    await world.run(OTTO, "/campaign list")
    assert world.said_to(OTTO) == "You are not part of any campaign yet. `/campaign new` creates one."


async def test_a_guest_or_another_organisations_user_is_not_sent_to_ask_for_the_creator_right(world: World):
    """The right can never be theirs (docs/trust-boundaries.md): the advice would send them to an
    admin who can't help."""
    eve = world.emulator.add_user("eve", email=EVE_EMAIL, team_id=EXTERNAL_TEAM_ID)
    for user in (people.GUEST.user_id, eve.id):
        await world.run(user, "/campaign list")
        assert world.said_to(user) == (
            "You are not part of any campaign yet. A campaign's manager adds brand colleagues "
            "(`/campaign role`) and invites influencers."
        )


async def test_an_influencer_invited_by_email_lists_and_reads_the_campaign_before_acknowledging(world: World):
    """App Home knows an external influencer by the e-mail they were invited with until Slack gives
    their id (when they acknowledge); `/campaign list` and `show` know them the same way, so they
    can read the guidelines they are asked to acknowledge."""
    await world.new_campaign()
    await world.invite(EVE_EMAIL)
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    await world.run(eve.id, "/campaign list")
    assert "`spring`" in world.said_to(eve.id) and "you: _influencer_" in world.said_to(eve.id)
    await world.run(eve.id, "/campaign show spring")
    shown = world.said_to(eve.id)
    assert "Spring Launch" in shown and ":hourglass: guidelines not acknowledged" in shown
    assert "Team" not in shown  # an influencer's view: her own engagement, not the brand team
    await world.run(OTTO, "/campaign show spring")  # the e-mail is Eve's, not anyone's
    assert world.said_to(OTTO).startswith(":mag: No campaign `spring` that you can see.")


async def test_show_per_role(world: World):
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY)
    await world.run(LEGAL, "/campaign show spring")
    said = world.said_to(LEGAL)
    assert "Spring Launch (spring)" in said and "*Team*" in said and f"<@{LEGAL}>" in said
    assert f"<@{IVY}> in <#" in said and "guidelines not acknowledged" in said
    await world.run(IVY, "/campaign show spring")
    said = world.said_to(IVY)
    assert "*Team*" not in said and "G1" in said
    # to someone with no part in it, a campaign answers as one that does not exist
    await world.run(OTTO, "/campaign show spring")
    assert world.said_to(OTTO) == messages.unknown_slug("spring")
    await world.run(OTTO, "/campaign show nope")
    assert world.said_to(OTTO) == messages.unknown_slug("nope")


async def _edit_guidelines(world: World, user: str, values: dict) -> object:
    await world.run(user, "/campaign guidelines spring")
    view = world.top_view(user)
    assert view.callback_id == Callback.GUIDELINES_EDIT
    return await world.slack.submit_view(user, view.id, {k: {k: v} for k, v in values.items()})


async def test_new_guidelines_version_asks_again(world: World):
    await world.new_campaign()
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy")
    first = world.guidelines_message(channel.id)
    await world.slack.click(IVY, channel.id, first.ts, Action.ACKNOWLEDGE_GUIDELINES)

    reply = await _edit_guidelines(
        world,
        MANAGER,
        {
            Field.clause(
                "G2", "text"
            ): "Deliver content by the agreed deadline, or ask for more time 48 h before.",
            Field.clause("G9", "title"): "Music rights",
            Field.clause("G9", "text"): "Use only licensed music.",
            Field.clause("G9", "category"): "other",
            Field.clause("G9", "severity"): "minor",
        },
    )
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        campaign = (await s.exec(select(Campaign))).scalars().one()
        codes = [g.code for g in (await s.exec(select(Guideline).order_by(Guideline.position))).scalars()]
        engagement = (await s.exec(select(Engagement))).scalars().one()
    assert campaign.guidelines_version == 2
    assert codes == [f"G{i}" for i in range(1, 10)]
    assert engagement.acknowledged_version == 1
    second = world.emulator.history(channel.id)[-1]
    assert second.ts != first.ts and "version 2" in text_of(second) and "Music rights" in text_of(second)
    assert "now version 2; 1 influencer(s) were asked" in world.dm_to(MANAGER)
    # before the new version, the channel is told what changed: each clause, before and after
    changed = text_of(world.emulator.history(channel.id)[-2])
    assert changed.startswith(":memo: *The guidelines of Spring Launch changed* (version 2):")
    assert "• *G2 edited* · Deliver on time" in changed
    assert "> _Before:_ Deliver content by the agreed deadline.\n" in changed
    assert "> _After:_ Deliver content by the agreed deadline, or ask for more time 48 h before." in changed
    assert "• *G9 added* · Music rights _(minor)_\n> Use only licensed music." in changed
    assert "G1" not in changed  # unchanged clauses are not listed

    # the old message's button (if a stale client still shows it) is refused
    world.emulator.find_message(channel.id, first.ts).blocks.append(
        second.blocks[-1]
        | {"elements": [{**second.blocks[-1]["elements"][0], "value": f"{engagement.id}:1"}]}
    )
    await world.slack.click(IVY, channel.id, first.ts, Action.ACKNOWLEDGE_GUIDELINES)
    assert world.said_to(IVY).startswith("These are version 1 of the guidelines; version 2 replaced them.")
    await world.slack.click(IVY, channel.id, second.ts, Action.ACKNOWLEDGE_GUIDELINES)
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.acknowledged_version))).scalar_one() == 2


async def test_a_channel_slack_refuses_does_not_keep_a_new_version_from_the_others(world: World):
    """One shared channel Slack refuses (archived, the bot removed) costs only its own influencer:
    the next channel still gets the new version, and the editor is told which one did not."""
    await world.new_campaign()
    await world.invite(IVY)
    await world.invite(OTTO)
    ivy = world.emulator.channel_by_name("cg-spring-ivy").id
    otto = world.emulator.channel_by_name("cg-spring-otto").id
    world.emulator.inject_failure("chat.postMessage", error="is_archived")  # Ivy's channel, first
    reply = await _edit_guidelines(world, MANAGER, {Field.clause("G2", "text"): "Deliver on the day agreed."})
    assert reply.ok and not reply.body
    await world.stack.settle()
    assert "version 2" in text_of(world.emulator.history(otto)[-1])
    assert not any("version 2" in text_of(m) for m in world.emulator.history(ivy))
    told = world.dm_to(MANAGER)
    assert "now version 2; 1 influencer(s) were asked" in told
    assert f"I could not post them in <#{ivy}> (`is_archived`)" in told


async def test_saving_unchanged_guidelines_keeps_the_version(world: World):
    await world.new_campaign()
    reply = await _edit_guidelines(world, MANAGER, {})
    assert reply.ok
    assert world.dm_to(MANAGER) == "No change to the guidelines, so the version stays the same."
    async with world.db.transaction() as s:
        assert (await s.exec(select(Campaign.guidelines_version))).scalar_one() == 1


async def test_guideline_form_errors(world: World):
    await world.new_campaign()
    reply = await _edit_guidelines(world, MANAGER, {Field.clause("G9", "title"): "Half a clause"})
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.clause("G9", "text"): "A clause needs its text."},
    }
    async with world.db.transaction() as s:
        assert (await s.exec(select(Campaign.guidelines_version))).scalar_one() == 1


async def test_only_managers_edit_guidelines(world: World):
    await world.new_campaign()
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MEMBER, "/campaign guidelines spring")
    assert world.said_to(MEMBER) == (
        ":no_entry: Only a campaign *manager* or a workspace *admin* can edit the guidelines."
    )
    assert world.emulator.open_views(MEMBER) == []


async def test_add_a_deliverable(world: World):
    await world.new_campaign()
    await world.invite(IVY)
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    engagement_option = view.blocks[1]["element"]["options"][0]["value"]
    due = world.clock.now() + timedelta(days=3)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: engagement_option},
            Field.TITLE: {Field.TITLE: "Launch <reel>"},
            Field.PLATFORM: {Field.PLATFORM: "tiktok"},
            Field.DUE: {Field.DUE: int(due.timestamp())},
        },
    )
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        deliverable = (await s.exec(select(Deliverable))).scalars().one()
    assert (deliverable.title, deliverable.platform, deliverable.status) == (
        "Launch <reel>",
        "tiktok",
        "planned",
    )
    assert deliverable.due_at == due.replace(microsecond=0)
    posted = text_of(world.emulator.history(world.emulator.channel_by_name("cg-spring-ivy").id)[-1])
    assert "*Launch &lt;reel&gt;* (tiktok), due <!date^" in posted


async def test_deliverable_bad_input(world: World):
    await world.new_campaign()
    await world.run(MANAGER, "/campaign deliverable spring")
    assert world.said_to(MANAGER) == "`spring` has no influencer yet: `/campaign invite spring @someone`."
    await world.invite(IVY)
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    option = view.blocks[1]["element"]["options"][0]["value"]
    past = world.clock.now() - timedelta(hours=1)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option},
            Field.TITLE: {Field.TITLE: "Reel"},
            Field.DUE: {Field.DUE: int(past.timestamp())},
        },
    )
    assert reply.body == {"response_action": "errors", "errors": {Field.DUE: "The due time is in the past."}}
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MEMBER, "/campaign deliverable spring")
    assert (
        world.said_to(MEMBER)
        == ":no_entry: Only a campaign *manager* or a workspace *admin* can add deliverables."
    )
    assert await world.count(Deliverable) == 0
