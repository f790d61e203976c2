"""Trust boundaries between the brand and the influencers, end to end (docs/trust-boundaries.md).

Each test is an attack that used to work: who may create a campaign, which channel may be linked to
an engagement or chosen as the escalation channel, one person on both sides, and who sees a
scorecard. A refusal writes nothing, invites nobody and posts nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import messages
from bot.ids import Action, Callback, Field
from playground import people
from storage.models import Campaign, CampaignCreator, CampaignRole, Engagement, HeldNotice
from tests.e2e.boundaries_helpers import readable
from tests.e2e.harness import (
    ADMIN,
    EVE_EMAIL,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.home_helpers import forged_home_click
from tests.e2e.test_incidents import fill, press

GUEST, PARTNER = people.GUEST.user_id, people.PARTNER.user_id
SIDE_EFFECTS = (
    "conversations.create",
    "conversations.invite",
    "conversations.inviteShared",
    "conversations.join",
    "chat.postMessage",
    "views.open",
)


async def snapshot(world: World) -> tuple[Any, ...]:
    """Everything a refusal must leave alone: rows, every channel's members, history and sharing,
    and how often the bot asked Slack to create, invite, join, post or open a form."""
    channels = {
        c.id: (frozenset(c.members), len(world.emulator.history(c.id)), frozenset(c.shared_team_ids))
        for c in world.emulator.workspace.channels.values()
        if not c.is_im
    }
    calls = {method: len(world.emulator.calls_to(method)) for method in SIDE_EFFECTS}
    return await world.row_counts(), channels, calls


async def refused(world: World, user: str, line: str) -> str:
    """Run `line` as `user`, check nothing changed, return what the bot said."""
    before = await snapshot(world)
    await world.run(user, line)
    await world.stack.bot.services.background.drain(5)
    said = world.said_to(user)
    assert await snapshot(world) == before, f"{line!r} changed something; the bot said {said!r}"
    return said


def share_with_partner(world: World, channel_id: str) -> None:
    """Slack Connect: the partner organisation joins the channel."""
    channel = world.emulator.channel(channel_id)
    channel.shared_team_ids.update({world.emulator.team_id, people.PARTNER_TEAM_ID})
    channel.members.add(PARTNER)


async def campaign_of_otto(world: World, slug: str = "autumn") -> None:
    """Otto, made a campaign creator, manages his own campaign."""
    await world.new_campaign(slug, user=OTTO, **{Field.NAME: "Autumn"})


# ---------------------------------------------------------------------------------------------
# who may create campaigns


async def test_an_influencer_cannot_create_a_campaign_not_even_by_a_forged_submission(world: World):
    """An influencer with no brand role ran `/campaign new` and became the new campaign's manager."""
    await world.new_campaign("spring")
    await world.invite(IVY)
    said = await refused(world, IVY, "/campaign new heist")
    assert said.startswith(":no_entry: You can't create campaigns: you are an influencer on a campaign")
    assert "workspace admins" in said and "campaign creators" in said
    assert world.emulator.open_views(IVY) == []

    # the form's submission, forged without opening it
    view = await world.open_new_campaign(MANAGER)
    before = await world.row_counts()
    reply = await world.forge_submission(
        IVY,
        view,
        {
            Field.NAME: {"type": "plain_text_input", "value": "Heist"},
            Field.SLUG: {"type": "plain_text_input", "value": "heist"},
            Field.BRAND: {"type": "plain_text_input", "value": "Acme"},
            Field.START: {"type": "datepicker", "selected_date": "2027-03-01"},
            Field.END: {"type": "datepicker", "selected_date": "2027-04-01"},
        },
    )
    assert reply.body["response_action"] == "errors"
    error = reply.body["errors"][Field.NAME]
    assert error.startswith("You can't create campaigns: you are an influencer") and "`" not in error
    assert await world.row_counts() == before


async def test_only_admins_and_campaign_creators_may_create(world: World):
    for user in (OTTO, GUEST, PARTNER):
        said = await refused(world, user, "/campaign new")
        assert said.startswith(":no_entry: You can't create campaigns")
    assert "Ask a workspace admin to run `/campaign creators add @you`" in world.said_to(OTTO)
    assert "you are a guest of this workspace" in world.said_to(GUEST)
    assert "you are from another organisation (Slack Connect)" in world.said_to(PARTNER)

    await world.new_campaign("admin-camp", user=ADMIN)  # an admin needs no grant
    await world.grant_creator(OTTO)
    await world.new_campaign("otto-camp", user=OTTO)
    async with world.db.transaction() as s:
        owners = dict((await s.exec(select(Campaign.slug, Campaign.owner_id))).all())
    assert owners == {"admin-camp": ADMIN, "otto-camp": OTTO}

    # the right taken back: no new campaign; the one he made stays his
    await world.run(ADMIN, f"/campaign creators remove <@{OTTO}>")
    assert world.said_to(ADMIN).startswith(f":white_check_mark: <@{OTTO}> may no longer create campaigns.")
    assert (await refused(world, OTTO, "/campaign new")).startswith(
        ":no_entry: You can't create campaigns yet"
    )


async def test_the_creator_right_is_managed_by_admins_only_and_never_given_to_the_other_side(world: World):
    await world.new_campaign("spring")
    await world.invite(IVY)
    for user in (MANAGER, OTTO, IVY, GUEST):
        said = await refused(world, user, f"/campaign creators add <@{OTTO}>")
        assert said == ":no_entry: Only a workspace *admin* can manage campaign creators."
    for target, why in (
        (IVY, "is an influencer on a campaign of this workspace"),
        (GUEST, "is a guest of this workspace"),
        (PARTNER, "is from another organisation"),
    ):
        said = await refused(world, ADMIN, f"/campaign creators add <@{target}>")
        assert said.startswith(f":no_entry: <@{target}> {why}") and "can't be a campaign creator" in said
    await world.run(ADMIN, "/campaign creators list")
    listed = world.said_to(ADMIN)
    assert f"<@{MANAGER}> — granted by <@{ADMIN}>" in listed and f"<@{IVY}>" not in listed
    said = await refused(world, ADMIN, "/campaign creators add <!here>")
    assert said.startswith(":warning: `&lt;!here&gt;` is not a @mention.")
    async with world.db.transaction() as s:
        assert (await s.exec(select(CampaignCreator.user_id))).scalars().all() == [MANAGER]


# ---------------------------------------------------------------------------------------------
# linking an existing channel


async def test_a_manager_cannot_link_legals_escalation_channel(world: World):
    """`/campaign invite … #legal` made the bot invite the influencer into legal's private channel."""
    await set_up_team(world)  # #legal is spring's escalation channel; Maya is in it
    legal = world.emulator.channel_by_name("legal").id
    await campaign_of_otto(world)
    # Otto (not in #legal) and Maya (in it) both try, with a workspace influencer and by email
    said = await refused(world, OTTO, f"/campaign invite autumn <@{IVY}> <#{legal}|legal>")
    assert said.startswith(f":no_entry: You are not a member of <#{legal}>, so you can't link it")
    said = await refused(world, MANAGER, f"/campaign invite spring {EVE_EMAIL} <#{legal}|legal>")
    assert said.startswith(f":no_entry: <#{legal}> is a campaign's escalation channel")
    said = await refused(world, MANAGER, f"/campaign invite spring <@{GUEST}> <#{legal}|legal>")
    assert said.startswith(f":no_entry: <#{legal}> is a campaign's escalation channel")


async def test_a_manager_cannot_link_another_engagements_channel(world: World):
    """Another influencer's shared channel, or campaign B's engagement channel linked from campaign A."""
    ivy_channel = await set_up_team(world)
    await campaign_of_otto(world)
    world.emulator.channel(ivy_channel).members.add(OTTO)  # even a member of it may not link it
    said = await refused(world, OTTO, f"/campaign invite autumn {EVE_EMAIL} <#{ivy_channel}>")
    assert said == (
        f":no_entry: <#{ivy_channel}> is already the shared channel of another engagement. "
        "Pick another channel."
    )
    # Maya manages both campaigns now: spring's channel still can't serve autumn
    await world.run(OTTO, f"/campaign role autumn <@{MANAGER}> manager")
    said = await refused(world, MANAGER, f"/campaign invite autumn <@{IVY}> <#{ivy_channel}>")
    assert "already the shared channel of another engagement" in said


async def test_general_and_channels_the_inviter_is_not_in_are_refused(world: World):
    await world.new_campaign("spring")
    general = world.emulator.channel_by_name("general").id
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}> <#{general}|general>")
    assert said.startswith(f":no_entry: <#{general}> is the workspace's general channel")
    # a private channel the bot is in but the inviter is not
    hr = world.emulator.add_channel(
        "hr-private", is_private=True, creator=ADMIN, members=[ADMIN, world.emulator.bot_user.id]
    )
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}> <#{hr.id}>")
    assert "You are not a member of" in said
    # her direct messages with the bot: a conversation, not a channel
    dm = world.emulator.workspace.open_dm(MANAGER)
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}> <#{dm.id}>")
    assert said == f":no_entry: <#{dm.id}> is a direct message; an engagement needs its own channel."


async def test_a_channel_shared_with_another_organisation_is_refused(world: World):
    await world.new_campaign("spring")
    bot = world.emulator.bot_user.id
    collab = world.emulator.add_channel("partner-collab", is_private=True, members=[MANAGER, bot])
    share_with_partner(world, collab.id)
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}> <#{collab.id}>")
    assert "is shared with another organisation" in said
    said = await refused(world, MANAGER, f"/campaign invite spring {EVE_EMAIL} <#{collab.id}>")
    assert "An influencer invited by email can only be linked to a channel shared with nobody" in said

    # a channel of Maya's shared with nobody: linked, Eve invited there through Slack Connect
    own = world.emulator.add_channel("eve-collab", is_private=True, members=[MANAGER, bot])
    said = await world.invite(EVE_EMAIL, extra=f"<#{own.id}>")
    assert said.startswith(":handshake:") and f"<#{own.id}>" in said


# ---------------------------------------------------------------------------------------------
# the escalation channel


async def _escalation_refused(world: World, channel_id: str) -> str:
    before = await world.row_counts()
    reply = await world.submit_new_campaign(**{Field.ESCALATION_CHANNEL: channel_id})
    assert reply.body["response_action"] == "errors", reply.body
    assert list(reply.body["errors"]) == [Field.ESCALATION_CHANNEL]
    assert await world.row_counts() == before
    error = reply.body["errors"][Field.ESCALATION_CHANNEL]
    assert "`" not in error and "<#" not in error  # a field error is plain text
    await world.slack.close_view(MANAGER, world.top_view(MANAGER).id)
    return error


async def test_the_escalation_channel_must_be_a_private_brand_channel_of_the_chooser(world: World):
    """An influencer's shared channel or #general as escalation channel let another influencer read
    legal's notices."""
    ivy_channel = await set_up_team(world)
    bot = world.emulator.bot_user.id
    assert "an influencer's shared channel" in await _escalation_refused(world, ivy_channel)
    general = world.emulator.channel_by_name("general").id
    assert "Pick a private channel" in await _escalation_refused(world, general)
    finance = world.emulator.add_channel("finance", is_private=True, creator=ADMIN, members=[ADMIN, bot])
    assert "You are not a member of that channel" in await _escalation_refused(world, finance.id)
    shared = world.emulator.add_channel("legal-ext", is_private=True, members=[MANAGER, bot])
    share_with_partner(world, shared.id)
    assert "shared with another organisation" in await _escalation_refused(world, shared.id)
    hidden = world.emulator.add_channel("legal-2", is_private=True, creator=MANAGER, members=[MANAGER])
    assert "Add me to it first" in await _escalation_refused(world, hidden.id)


async def _held_back(world: World, legal: str, clause: str) -> None:
    posts = len(world.emulator.history(legal))
    dms = len(world.emulator.dm(MANAGER))
    reply = await report(world, clause=clause)  # a major clause: goes to the escalation channel
    assert reply.ok and not reply.body
    await world.stack.bot.services.background.drain(5)
    assert len(world.emulator.history(legal)) == posts, "posted to an unsafe escalation channel"
    notice = "\n".join(text_of(m) for m in world.emulator.dm(MANAGER)[dms:])
    assert "*BR-" in notice and "was reported" in notice and "I held this back from" in notice


async def test_an_escalation_channel_that_became_unsafe_gets_nothing(world: World):
    await set_up_team(world)
    legal = world.emulator.channel_by_name("legal")
    share_with_partner(world, legal.id)  # shared with another organisation since it was chosen
    await _held_back(world, legal.id, "G1")
    legal.shared_team_ids.clear()
    legal.is_private = False  # made public
    await _held_back(world, legal.id, "G3")
    legal.is_private = True
    legal.members.discard(world.emulator.bot_user.id)  # the bot was removed
    await _held_back(world, legal.id, "G4")
    async with world.db.transaction() as s:
        held = (await s.exec(select(HeldNotice).order_by(HeldNotice.id))).scalars().all()
    assert [h.reason for h in held] == [
        "the channel is now shared with another organisation",
        "the channel is now public",
        "I am no longer in the channel",
    ]
    assert all(h.channel_id == legal.id and "was reported" in h.text for h in held)


SECRET_REASON = "her agent threatened to sue (reason 7301)"


async def test_legal_hears_nothing_once_an_influencer_is_in_its_channel(world: World):
    """Someone added Ivy to #legal after her engagement began: the reason to escalate, "consider
    putting the payment on hold" and the strike thresholds about her were posted where she reads."""
    channel = await set_up_team(world)
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(IVY)
    posts, dms = len(world.emulator.history(legal.id)), len(world.emulator.dm(MANAGER))
    assert (await report(world, severity="critical", clause="G6")).ok
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    assert (await fill(world, MEMBER, {Field.REASON: SECRET_REASON})).ok
    await world.stack.settle()

    assert len(world.emulator.history(legal.id)) == posts, "posted where an influencer reads"
    seen = readable(world.emulator.workspace, IVY)
    assert "consider putting the payment" not in seen and "7301" not in seen
    held = "\n".join(text_of(m) for m in world.emulator.dm(MANAGER)[dms:])
    assert (
        f"I held this back from <#{legal.id}>: an influencer is now a member of the channel (<@{IVY}>)"
        in held
    )
    assert "7301" in held  # the managers still get every notice
    async with world.db.transaction() as s:
        reasons = set((await s.exec(select(HeldNotice.reason))).scalars())
    assert reasons == {f"an influencer is now a member of the channel (<@{IVY}>)"}


async def test_someone_in_legals_channel_is_not_invited_as_an_influencer(world: World):
    """Otto, in #legal without a brand role (outside counsel, a former employee…), was invited as
    an influencer of a campaign whose notices about him then went to #legal."""
    await set_up_team(world)
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(OTTO)
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}>")
    assert said == (
        f":no_entry: <@{OTTO}> is a member of <#{legal.id}>, the escalation channel of `spring`: legal's "
        "notices about influencers are posted there, so an influencer can't be in it. Remove them from "
        "that channel first, then invite them again."
    )
    legal.members.discard(OTTO)
    assert (await world.invite(OTTO)).startswith(":handshake:")


async def test_a_channel_another_influencer_is_in_is_not_linked(world: World):
    """Maya linked a private channel she shares with Otto, the influencer of `autumn`, as Ivy's
    channel for `spring`: Otto read Ivy's incidents, strikes and shared reviews."""
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    await world.new_campaign("spring")
    bot = world.emulator.bot_user.id
    creators = world.emulator.add_channel(
        "creators", is_private=True, creator=MANAGER, members=[MANAGER, OTTO, bot]
    )
    said = await refused(world, MANAGER, f"/campaign invite spring <@{IVY}> <#{creators.id}|creators>")
    assert said.startswith(
        f":no_entry: <@{OTTO}> is in <#{creators.id}> and is an influencer on another engagement: they "
        "would read everything about this one there."
    )
    # the influencer being invited may be in it: it is her channel
    creators.members.discard(OTTO)
    creators.members.add(IVY)
    assert f"in <#{creators.id}>" in await world.invite(IVY, extra=f"<#{creators.id}|creators>")


async def test_a_channel_with_an_influencer_in_it_is_not_an_escalation_channel(world: World):
    await world.new_campaign("autumn")
    await world.invite(OTTO, "autumn")
    bot = world.emulator.bot_user.id
    counsel = world.emulator.add_channel(
        "counsel", is_private=True, creator=MANAGER, members=[MANAGER, OTTO, bot]
    )
    assert "An influencer of this workspace is a member" in await _escalation_refused(world, counsel.id)


# ---------------------------------------------------------------------------------------------
# one person, one side


async def test_an_influencer_on_any_campaign_gets_no_brand_role(world: World):
    """`/campaign role <slug> @influencer legal` succeeded when they were an influencer elsewhere."""
    await world.new_campaign("spring")
    await campaign_of_otto(world)
    await world.run(OTTO, f"/campaign invite autumn <@{IVY}>")
    assert world.said_to(OTTO).startswith(":handshake:")
    said = await refused(world, MANAGER, f"/campaign role spring <@{IVY}> legal")
    assert said == (
        f":no_entry: <@{IVY}> is an influencer on a campaign of this workspace, and one person is on one "
        "side only: the brand's or the influencer's. They can't hold a brand role."
    )


async def test_guests_and_other_organisations_get_no_brand_role(world: World):
    """A brand role reads the brand's side (legal notices, unshared reviews): not for a guest of
    the workspace, nor for a user of another organisation in a shared channel."""
    await world.new_campaign("spring")
    for who, what in (
        (GUEST, "a guest of this workspace, and guests never act for the brand"),
        (PARTNER, "from another organisation (Slack Connect), and only this workspace acts for the brand"),
    ):
        said = await refused(world, MANAGER, f"/campaign role spring <@{who}> legal")
        assert said == f":no_entry: <@{who}> is {what}. They can't hold a brand role."


async def test_the_brand_side_is_never_invited_as_an_influencer(world: World):
    await set_up_team(world)  # Mo is a member and Lee legal on spring
    await world.grant_creator(OTTO)
    said = await refused(world, MANAGER, f"/campaign invite spring <@{OTTO}>")
    assert said.startswith(f":no_entry: <@{OTTO}> is a campaign creator of this workspace and can't also be")
    await campaign_of_otto(world)
    for target, side in ((MEMBER, "holds a brand role on a campaign"), (ADMIN, "is an admin")):
        said = await refused(world, OTTO, f"/campaign invite autumn <@{target}>")
        assert said.startswith(f":no_entry: <@{target}> {side} of this workspace and can't also be")
    assert said.endswith("one person is on one side only: the brand's or the influencer's.")


async def test_scorecards_are_brand_side_and_only_for_the_influencers_one_works_with(world: World):
    """An influencer holding a brand role saw another influencer's scorecard, unshared reviews
    included; and a brand role on any campaign opened every influencer's scorecard."""
    await set_up_team(world)  # Ivy on spring; Lee is legal on spring
    await campaign_of_otto(world)
    await world.run(OTTO, f"/campaign invite autumn {EVE_EMAIL}")
    eve = people.join_external(world.emulator)
    async with world.db.transaction() as s:  # a role stored before one person, one side held
        spring = (await s.exec(select(Campaign.id).where(Campaign.slug == "spring"))).scalar_one()
        s.add(
            CampaignRole(
                team_id=world.emulator.team_id,
                campaign_id=spring,
                user_id=IVY,
                role="legal",
                granted_by=MANAGER,
                created_at=world.clock.now(),
            )
        )
    said = await refused(world, IVY, "/review history eve")
    assert said.startswith(":no_entry: Scorecards are for the brand side only")
    assert (await refused(world, IVY, "/review")).startswith(":no_entry:")
    # nor a review logged through a forged submission of the form
    await world.run(LEGAL, "/review")
    view = world.top_view(LEGAL)
    async with world.db.transaction() as s:
        engagement = (
            await s.exec(select(Engagement.id).where(Engagement.campaign_id == spring))
        ).scalar_one()
    rating = {"type": "radio_buttons", "selected_option": {"value": "4"}}
    before = await world.row_counts()
    reply = await world.forge_submission(
        IVY,
        view,
        {
            Field.ENGAGEMENT: {"type": "static_select", "selected_option": {"value": str(engagement)}},
            Field.PERIOD_START: {"type": "datepicker", "selected_date": "2027-02-20"},
            Field.PERIOD_END: {"type": "datepicker", "selected_date": "2027-02-27"},
            **{
                f: rating
                for f in (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)
            },
            Field.WOULD_WORK_AGAIN: {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        },
    )
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.ENGAGEMENT: "Pick an influencer on a campaign where you can log reviews."},
    }
    assert await world.row_counts() == before
    # Lee works on spring only: Eve (autumn) reads as unknown, Ivy (spring) is shown
    said = await refused(world, LEGAL, "/review history eve")
    assert said.startswith(":mag: No influencer named “eve” on any campaign you work on.")
    await world.run(LEGAL, f"/review history <@{eve.id}>")
    assert "Scorecard" not in world.said_to(LEGAL)
    await world.run(LEGAL, "/review history ivy")
    assert "Scorecard · Ivy" in world.said_to(LEGAL)
    await world.run(ADMIN, "/review history eve")
    assert "Scorecard · eve" in world.said_to(ADMIN) or "Scorecard · Eve" in world.said_to(ADMIN)


async def test_invite_and_role_echo_user_text_escaped(world: World):
    await world.new_campaign("spring")
    said = await refused(world, MANAGER, "/campaign invite spring <!here>")
    assert said.startswith(":warning: `&lt;!here&gt;` is neither a @mention")
    said = await refused(world, MANAGER, f"/campaign invite spring <@{IVY}> <https://evil.example|trusted>")
    assert said.startswith(":warning: `&lt;https://evil.example|trusted&gt;` is not a #channel.")
    said = await refused(world, MANAGER, "/campaign role spring <!channel> member")
    assert said.startswith(":warning: `&lt;!channel&gt;` is not a @mention.")
    assert "<!" not in said.replace("<!date", "")


async def test_the_new_campaign_form_offers_private_channels_only(world: World):
    view = await world.open_new_campaign()
    assert view.callback_id == Callback.CAMPAIGN_NEW
    block = next(b for b in view.blocks if b.get("block_id") == Field.ESCALATION_CHANNEL)
    assert block["element"]["filter"] == {
        "include": ["private"],
        "exclude_external_shared_channels": True,
        "exclude_bot_users": True,
    }


async def home_of(world: World, user: str) -> str:
    reply = await world.slack.open_home(user)
    assert reply.ok, reply.body
    await world.stack.bot.services.background.drain(5)
    view = world.emulator.home(user)
    assert view is not None, f"no home published for {user}"
    return text_of({"blocks": view.blocks})


async def test_app_home_shows_no_brand_lists_to_an_influencer_even_an_admin_one(world: World):
    """The brand side of App Home (incidents, reviews due, checks of every influencer) was shown to
    anyone holding a brand role or Slack's admin flag, influencers included."""
    await set_up_team(world)  # Ivy is spring's influencer
    world.emulator.workspace.users[IVY].is_admin = True  # Slack made her an admin since
    world.stack.bot.services.directory.forget(IVY)
    assert "Reviews due" in await home_of(world, ADMIN)  # a brand admin's home, for comparison
    home = await home_of(world, IVY)
    assert "Your campaigns as an influencer" in home and "`spring`" in home
    assert "Reviews due" not in home and "Compliance checks pending" not in home


async def test_the_app_home_new_campaign_button_is_the_same_door(world: World):
    """The App Home's "New campaign" button opened the form for anyone."""
    await home_of(world, OTTO)
    assert Action.HOME_NEW_CAMPAIGN not in str(world.emulator.home(OTTO).blocks)  # not offered to Otto
    before = await snapshot(world)
    await forged_home_click(world, OTTO, Action.HOME_NEW_CAMPAIGN, "new")  # and still refused
    await world.stack.bot.services.background.drain(5)
    assert world.emulator.open_views(OTTO) == []
    assert world.dm_to(OTTO).startswith(":no_entry: You can't create campaigns yet.")
    rows, channels, calls = await snapshot(world)
    assert (rows, channels) == before[:2] and calls["views.open"] == before[2]["views.open"]
    await world.grant_creator(OTTO)
    await home_of(world, OTTO)
    home = world.emulator.home(OTTO)
    await world.slack.click_in_view(OTTO, home.id, Action.HOME_NEW_CAMPAIGN, value="new")
    await world.stack.bot.services.background.drain(5)
    assert world.top_view(OTTO).callback_id == Callback.CAMPAIGN_NEW


async def test_an_influencer_is_not_told_where_legal_deliberates(world: World):
    """`/campaign show` named the escalation channel to the campaign's influencers."""
    await set_up_team(world)
    legal = world.emulator.channel_by_name("legal").id
    await world.run(MANAGER, "/campaign show spring")
    assert f"*Escalation channel:* <#{legal}>" in world.said_to(MANAGER)
    await world.run(IVY, "/campaign show spring")
    shown = world.said_to(IVY)
    assert "Spring Launch (spring)" in shown and legal not in shown and "Escalation" not in shown


async def test_an_influencer_slack_made_an_admin_reads_no_other_campaign(world: World):
    """Slack's admin flag opened every brand-side list to an influencer who had it: every incident
    of the workspace in `/breach list` and `/breach show`, the workspace's export, any campaign's
    team and reminders. The influencer side wins: only their own engagement's incidents."""
    await set_up_team(world)  # Ivy is spring's influencer
    await world.new_campaign("autumn")
    await world.invite(OTTO, "autumn")
    otto = "Spring Launch · Otto"  # autumn's engagement
    assert (await report(world, MANAGER, description="OTTO-SECRET-1", engagement_label=otto)).ok
    assert (await report(world, MANAGER, description="About Ivy.")).ok
    world.emulator.workspace.users[IVY].is_admin = True  # Slack made her an admin since
    world.stack.bot.services.directory.forget(IVY)

    await world.run(IVY, "/breach list all")
    listed = world.said_to(IVY)
    assert "BR-2" in listed and "BR-1" not in listed and "Otto" not in listed
    await world.run(IVY, "/breach show BR-1")
    assert world.said_to(IVY) == ":mag: No incident BR-1 that you can see."
    await world.run(IVY, "/breach export")
    assert world.said_to(IVY).startswith(":no_entry:")
    await world.run(IVY, "/campaign show autumn")  # no part in it: as if it did not exist
    assert world.said_to(IVY) == messages.unknown_slug("autumn")
    await world.run(IVY, "/campaign reminders")
    assert "in this workspace" not in world.said_to(IVY)
    await world.run(IVY, "/campaign list")
    assert "`autumn`" not in world.said_to(IVY) and "`spring`" in world.said_to(IVY)
    await world.run(IVY, "/breach")  # reporting is the brand's: no engagement of any campaign
    assert world.emulator.open_views(IVY) == []

    world.emulator.workspace.users[ADMIN].is_admin = True  # a brand admin, for comparison
    await world.run(ADMIN, "/breach show BR-1")
    assert "OTTO-SECRET-1" in world.said_to(ADMIN)


async def test_the_influencer_reads_no_reason_or_note_the_brand_wrote(world: World):
    """The reason to escalate (written for legal), legal's resolution note and a dismissal's reason
    were quoted in the mediation thread and on the card, in the shared channel, and shown on the
    influencer's timeline with the owner's "still unresolved" reminders. The influencer reads that
    these happened, with the outcome and strikes; the brand reads the text."""
    channel = await set_up_team(world)
    assert (await report(world)).ok
    await press(world, MEMBER, channel, Action.INCIDENT_ESCALATE)
    await fill(world, MEMBER, {Field.REASON: "SECRET-ESCALATION: she lies, get legal"})
    await press(world, LEGAL, channel, Action.INCIDENT_RESOLVE)
    await fill(
        world, LEGAL, {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: "SECRET-NOTE: lenient"}
    )
    assert (await report(world, clause="G2", description="Missed the deadline.")).ok
    world.clock.advance(timedelta(days=8))
    assert (await world.stack.bot.dispatcher.tick()).sent > 0  # the owner is told BR-2 is unresolved
    await press(world, LEGAL, channel, Action.INCIDENT_DISMISS)
    await fill(world, LEGAL, {Field.REASON: "SECRET-DISMISSAL: not worth the fight"})

    shared = [text_of(m) for m in world.emulator.history(channel)]
    for card in world.emulator.history(channel):
        shared += [text_of(m) for m in world.emulator.replies(channel, card.ts)]
    assert not [t for t in shared if "SECRET" in t]
    assert any("escalated BR-1 to legal." in t for t in shared)
    assert any("Resolved by" in t and "*Warning*" in t for t in shared)
    legal = world.emulator.channel_by_name("legal").id
    assert any("SECRET-ESCALATION" in text_of(m) for m in world.emulator.history(legal))

    for number in (1, 2):
        await world.run(IVY, f"/breach show BR-{number}")
        seen = world.said_to(IVY)
        assert "SECRET" not in seen and "unresolved" not in seen, seen
        await world.run(MANAGER, f"/breach show BR-{number}")
        assert "SECRET" in world.said_to(MANAGER)
    assert "incident unresolved" in world.said_to(MANAGER)  # BR-2's reminder to its owner
    await world.run(IVY, "/breach show BR-1")
    seen = world.said_to(IVY)  # that it happened, and how it ended
    assert f"<@{MEMBER}> escalated\n" in seen and "resolved it · *Warning*, 1 strike\n" in seen


async def test_a_channel_that_holds_a_conversation_is_not_linked_for_a_newcomer(world: World):
    """Maya's private #lounge holds what the brand team said about Ivy's fee. Linked as Ivy's
    engagement channel, Ivy would read all of it: Slack shows a private channel's history to whoever
    joins. Refused, and nothing is written or sent; a channel where only Slack's notes of joins and
    leaves were posted can be linked, and so can one the influencer is in already (what was said
    there, she read)."""
    await world.new_campaign("spring")
    bot = world.emulator.bot_user.id
    lounge = world.emulator.add_channel("lounge", is_private=True, creator=MANAGER, members=[MANAGER, bot])
    await world.slack.post_message(MANAGER, lounge.id, "SECRET-LOUNGE: offer Ivy half of Otto's fee")
    before = await world.row_counts()
    said = await refused(world, MANAGER, f"/campaign invite spring <@{IVY}> <#{lounge.id}|lounge>")
    assert said.startswith(
        f":no_entry: <#{lounge.id}> already holds a conversation, and whoever joins a private channel "
        "reads it from its first message"
    )
    assert await world.row_counts() == before
    assert IVY not in lounge.members
    assert "SECRET-LOUNGE" not in readable(world.emulator.workspace, IVY)

    quiet = world.emulator.add_channel("ivy-new", is_private=True, creator=MANAGER, members=[MANAGER, bot])
    world.emulator.workspace.post(quiet, user=MANAGER, text="", subtype="channel_join")
    world.emulator.workspace.post(quiet, user=MANAGER, text="", subtype="bot_add")
    assert f"in <#{quiet.id}>" in await world.invite(IVY, extra=f"<#{quiet.id}|ivy-new>")

    await world.new_campaign("autumn")
    hers = world.emulator.add_channel(
        "otto-collab", is_private=True, creator=OTTO, members=[OTTO, MANAGER, bot]
    )
    await world.slack.post_message(OTTO, hers.id, "Here are my drafts")
    assert f"in <#{hers.id}>" in await world.invite(OTTO, "autumn", extra=f"<#{hers.id}|otto-collab>")


async def test_a_channel_whose_history_slack_does_not_give_is_not_linked(world: World):
    """Not knowing what was said in a channel is not safe: when Slack refuses its history, the link is
    refused with Slack's reason, and nothing is written."""
    await world.new_campaign("spring")
    bot = world.emulator.bot_user.id
    quiet = world.emulator.add_channel("ivy-new", is_private=True, creator=MANAGER, members=[MANAGER, bot])
    world.emulator.inject_failure("conversations.history", error="missing_scope")
    before = await world.row_counts()
    said = await refused(world, MANAGER, f"/campaign invite spring <@{IVY}> <#{quiet.id}|ivy-new>")
    assert said.startswith(f"Slack did not let me read <#{quiet.id}>'s history (`missing_scope`)"), said
    assert await world.row_counts() == before and IVY not in quiet.members
