"""Inviting influencers, the shared channel, acknowledging guidelines, and roles."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update

from bot import messages
from bot.ids import Action
from playground.emulator.state import EXTERNAL_TEAM_ID
from storage.models import CampaignRole, Engagement, Influencer
from tests.e2e.harness import ADMIN, EVE_EMAIL, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, text_of


async def _engagement(world: World) -> tuple[Engagement, Influencer]:
    async with world.db.transaction() as s:
        return tuple((await s.exec(select(Engagement, Influencer).join(Influencer))).one())


async def test_invite_a_workspace_influencer(world: World):
    await world.new_campaign()
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    said = await world.invite(IVY)
    assert said.startswith(f":handshake: <@{IVY}> was invited to `spring` in <#")

    channel = world.emulator.channel_by_name("cg-spring-ivy")
    assert channel is not None and channel.is_private
    assert {MANAGER, MEMBER, IVY, world.emulator.bot_user.id} <= channel.members
    engagement, influencer = await _engagement(world)
    assert (engagement.channel_id, engagement.status, engagement.acknowledged_version) == (
        channel.id,
        "invited",
        None,
    )
    assert (influencer.slack_user_id, influencer.email, influencer.display_name) == (
        IVY,
        "ivy@creators.example",
        "Ivy",
    )
    message = world.guidelines_message(channel.id)
    assert f"Hi <@{IVY}>" in text_of(message) and "G8" in text_of(message)
    assert engagement.guidelines_message_ts == message.ts


async def test_influencer_acknowledges_and_the_message_shows_it(world: World):
    await world.new_campaign()
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy")
    message = world.guidelines_message(channel.id)

    await world.slack.click(IVY, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)

    engagement, _ = await _engagement(world)
    assert (engagement.status, engagement.acknowledged_version) == ("active", 1)
    assert engagement.acknowledged_at == world.clock.now()
    updated = world.emulator.find_message(channel.id, message.ts)
    assert f"Acknowledged by <@{IVY}>" in text_of(updated)
    assert not any(b["type"] == "actions" for b in updated.blocks)  # the button is gone


async def test_only_the_influencer_may_acknowledge(world: World):
    await world.new_campaign()
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy")
    message = world.guidelines_message(channel.id)
    for clicker in (MANAGER, MEMBER):
        await world.slack.click(clicker, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
        assert world.said_to(clicker) == (
            ":no_entry: Only the influencer these guidelines are addressed to can acknowledge them."
        )
    engagement, _ = await _engagement(world)
    assert engagement.acknowledged_version is None and engagement.status == "invited"


async def test_acknowledging_twice_says_already(world: World):
    await world.new_campaign()
    await world.invite(IVY)
    channel = world.emulator.channel_by_name("cg-spring-ivy")
    message = world.guidelines_message(channel.id)
    original_blocks = list(message.blocks)
    await world.slack.click(IVY, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    # a second click from a stale client still showing the button (forged or raced)
    world.emulator.find_message(channel.id, message.ts).blocks = original_blocks
    await world.slack.click(IVY, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    assert world.said_to(IVY).startswith("You already acknowledged version 1 <!date^")


async def test_invite_an_external_influencer_by_email(world: World):
    await world.new_campaign()
    said = await world.invite(EVE_EMAIL)
    assert "invited through Slack Connect" in said
    channel = world.emulator.channel_by_name("cg-spring-eve")
    assert channel is not None
    shared = world.emulator.calls_to("conversations.inviteShared")
    assert len(shared) == 1 and shared[0]["channel"] == channel.id and EVE_EMAIL in str(shared[0]["emails"])
    _, influencer = await _engagement(world)
    assert (influencer.slack_user_id, influencer.email) == (None, EVE_EMAIL)

    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    assert eve.team_id == EXTERNAL_TEAM_ID and eve.id in channel.members
    message = world.guidelines_message(channel.id)
    await world.slack.click(eve.id, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    engagement, influencer = await _engagement(world)
    assert engagement.acknowledged_version == 1
    assert influencer.slack_user_id == eve.id  # now known by their Slack id
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.team_id))).scalar_one() == world.emulator.team_id


async def test_an_email_binds_the_first_account_that_acknowledges_and_no_other(world: World):
    """Two Slack accounts with the invited e-mail acknowledging two of its engagements at the same
    instant both passed the e-mail check; the later bind overwrote the first, and the person
    behind the other account lost the incidents, reviews and reminders already addressed to them."""
    await world.new_campaign()
    await world.invite(EVE_EMAIL)
    channel = world.emulator.channel_by_name("cg-spring-eve")
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    message = world.guidelines_message(channel.id)
    world.emulator.inject_delay("users.info", 0.5)  # Eve's click waits on Slack for her e-mail …
    asked = len(world.emulator.calls_to("users.info"))
    click = asyncio.create_task(
        world.slack.click(eve.id, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    )
    while len(world.emulator.calls_to("users.info")) == asked:  # noqa: ASYNC110 (the emulator's log)
        await asyncio.sleep(0.005)
    async with world.db.transaction() as s:  # … while her other account's click binds the e-mail
        await s.exec(update(Influencer).values(slack_user_id="U0EVETWIN"))
    await click

    engagement, influencer = await _engagement(world)
    assert influencer.slack_user_id == "U0EVETWIN"
    assert engagement.acknowledged_version is None and engagement.status == "invited"
    assert world.said_to(eve.id) == (
        ":no_entry: Only the influencer these guidelines are addressed to can acknowledge them."
    )


async def test_email_of_a_workspace_member_invites_the_member(world: World):
    await world.new_campaign()
    said = await world.invite("ivy@creators.example")
    assert said.startswith(f":handshake: <@{IVY}> was invited to")
    assert world.emulator.calls_to("conversations.inviteShared") == []


async def test_inviting_someone_already_on_the_campaign_writes_nothing(world: World):
    await world.new_campaign()
    await world.invite(IVY)
    before = await world.row_counts()
    channels = len(world.emulator.calls_to("conversations.create"))
    assert await world.invite(IVY) == f"<@{IVY}> is already on the campaign `spring`."
    assert await world.invite(MANAGER) == (
        f"<@{MANAGER}> is already on the brand team of `spring`; an influencer can't also hold a brand role."
    )
    assert await world.row_counts() == before
    assert len(world.emulator.calls_to("conversations.create")) == channels


async def test_channel_name_taken_picks_a_free_name(world: World):
    await world.new_campaign()
    world.emulator.add_channel("cg-spring-ivy", is_private=True, creator=OTTO, members=[OTTO])
    await world.invite(IVY)
    engagement, _ = await _engagement(world)
    assert world.emulator.channel(engagement.channel_id).name == "cg-spring-ivy-2"


async def test_link_an_existing_channel(world: World):
    await world.new_campaign()
    # the inviter must be in the channel (tests/e2e/test_trust.py); the rest of the team is added
    bot = world.emulator.bot_user.id
    private = world.emulator.add_channel(
        "ivy-collab", is_private=True, creator=IVY, members=[IVY, MANAGER, bot]
    )
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    said = await world.invite(IVY, extra=f"<#{private.id}|ivy-collab>")
    assert f"in <#{private.id}>" in said
    assert MEMBER in private.members
    assert world.emulator.calls_to("conversations.create") == []


async def test_a_public_channel_is_not_linked(world: World):
    """Anyone in the workspace may join a public channel, other influencers included: an
    engagement's incidents, strikes and reviews are posted in its channel."""
    await world.new_campaign()
    public = world.emulator.add_channel("ivy-collab", creator=IVY, members=[IVY, MANAGER])
    before = await world.row_counts()
    said = await world.invite(IVY, extra=f"<#{public.id}|ivy-collab>")
    assert said.startswith(f":no_entry: <#{public.id}> is public: anyone in the workspace")
    assert await world.row_counts() == before
    assert world.emulator.bot_user.id not in public.members
    assert world.emulator.calls_to("conversations.join") == []


async def test_link_a_private_channel_the_bot_is_not_in(world: World):
    await world.new_campaign()
    private = world.emulator.add_channel("ivy-private", is_private=True, creator=IVY, members=[IVY])
    before = await world.row_counts()
    said = await world.invite(IVY, extra=f"<#{private.id}|ivy-private>")
    assert said == (
        f"I can't see <#{private.id}>. Add me to <#{private.id}> first (`/invite @Campaign Guard` in "
        "the channel), then run the command again."
    )
    assert await world.row_counts() == before


async def test_slack_refusing_the_channel_writes_nothing(world: World):
    await world.new_campaign()
    world.emulator.inject_failure("conversations.create", error="restricted_action")
    before = await world.row_counts()
    said = await world.invite(IVY)
    assert said.startswith("Slack refused to create the channel `#cg-spring-ivy` (`restricted_action`)")
    assert await world.row_counts() == before


async def test_slack_refusing_the_guidelines_post_undoes_the_engagement(world: World):
    await world.new_campaign()
    world.emulator.inject_failure("chat.postMessage", error="is_archived")
    before = await world.row_counts()
    said = await world.invite(IVY)
    assert said.startswith("Slack refused to post the guidelines in <#")
    assert "(`is_archived`), so the invitation was not saved" in said
    after = await world.row_counts()
    assert after["engagement"] == before["engagement"]


async def test_invite_bad_input(world: World):
    await world.new_campaign()
    usage = "Usage: `/campaign invite &lt;slug&gt; &lt;@user | email&gt; [#channel]`"  # shown as typed
    cases = {
        "/campaign invite": f":warning: Missing argument. {usage}",
        "/campaign invite spring": f":warning: Missing argument. {usage}",
        "/campaign invite spring bob@": (
            f":warning: `bob@` is neither a @mention nor a valid email address. {usage}"
        ),
        "/campaign invite spring <@U0IVY> general": f":warning: `general` is not a #channel. {usage}",
        "/campaign invite autumn <@U0IVY>": messages.unknown_slug("autumn"),
    }
    before = await world.row_counts()
    for line, expected in cases.items():
        await world.run(MANAGER, line)
        assert world.said_to(MANAGER) == expected, line
    assert await world.row_counts() == before


async def test_role_usage_names_none_as_help_and_the_mistyped_role_do(world: World):
    """`/campaign role` missing a word shows a usage that lists `none` (which takes a role away),
    as `/campaign help` and the answer to a mistyped role do."""
    await world.new_campaign()
    usage = "Usage: `/campaign role &lt;slug&gt; &lt;@user&gt; &lt;manager | member | legal | none&gt;`"
    for line in ("/campaign role", "/campaign role spring", f"/campaign role spring <@{MEMBER}>"):
        await world.run(MANAGER, line)
        assert world.said_to(MANAGER) == f":warning: Missing argument. {usage}", line
    await world.run(MANAGER, "/campaign role spring mo member")
    assert world.said_to(MANAGER).endswith(usage)


async def test_non_managers_cannot_invite_or_grant_roles(world: World):
    await world.new_campaign()
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    before = await world.row_counts()
    for user in (MEMBER, LEGAL):
        await world.run(user, f"/campaign invite spring <@{IVY}>")
        assert (
            world.said_to(user)
            == ":no_entry: Only a campaign *manager* or a workspace *admin* can invite influencers."
        )
        await world.run(user, f"/campaign role spring <@{OTTO}> manager")
        assert world.said_to(user) == (
            ":no_entry: Only a campaign *manager* or a workspace *admin* can change roles on this campaign."
        )
    # someone with no part in the campaign is not told it exists
    await world.run(OTTO, f"/campaign invite spring <@{IVY}>")
    assert world.said_to(OTTO) == messages.unknown_slug("spring")
    await world.run(OTTO, f"/campaign role spring <@{OTTO}> manager")
    assert world.said_to(OTTO) == messages.unknown_slug("spring")
    assert await world.row_counts() == before


async def test_workspace_admin_may_manage_any_campaign(world: World):
    await world.new_campaign()
    said = await world.invite(IVY, user=ADMIN)
    assert said.startswith(f":handshake: <@{IVY}> was invited to")


async def test_role_changes(world: World):
    await world.new_campaign()
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    assert world.said_to(MANAGER) == f":bust_in_silhouette: <@{MEMBER}> is now a *member* on `spring`."
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> legal")
    assert (
        world.said_to(MANAGER)
        == f":bust_in_silhouette: <@{MEMBER}> is now *legal* on `spring` (was a member)."
    )
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> legal")
    assert world.said_to(MANAGER) == f"<@{MEMBER}> is already *legal* on `spring`."
    await world.run(MANAGER, f"/campaign role spring <@{MANAGER}> member")
    assert world.said_to(MANAGER) == f"<@{MANAGER}> owns `spring` and stays a manager."
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> boss")
    assert world.said_to(MANAGER) == (
        "`boss` is not a role; use `manager`, `member` or `legal` (`none` takes it away)."
    )
    await world.run(MANAGER, "/campaign role spring bob member")
    assert world.said_to(MANAGER).startswith(":warning: `bob` is not a @mention.")
    await world.invite(IVY)
    await world.run(MANAGER, f"/campaign role spring <@{IVY}> member")
    assert world.said_to(MANAGER) == f"<@{IVY}> is an influencer on `spring` and can't hold a brand role."
    # a new manager may now invite; and is added to the existing shared channel
    await world.run(MANAGER, f"/campaign role spring <@{OTTO}> manager")
    assert world.said_to(MANAGER) == f":bust_in_silhouette: <@{OTTO}> is now a *manager* on `spring`."
    assert OTTO in world.emulator.channel_by_name("cg-spring-ivy").members
    async with world.db.transaction() as s:
        roles = {(r.user_id, r.role) for r in (await s.exec(select(CampaignRole))).scalars()}
    assert roles == {(MANAGER, "manager"), (MEMBER, "legal"), (OTTO, "manager")}
