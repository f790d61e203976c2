"""A brand manager's and an influencer's first day: what each is offered next, and that every
offer leads somewhere."""

from __future__ import annotations

from bot.ids import Field
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, World, option_value, text_of
from tests.e2e.test_one_side import legacy_role


async def test_campaign_new_with_a_name_of_several_words_prefills_the_whole_slug(world: World):
    """`/campaign new Summer Drop` prefills `summer-drop`: every word typed, not the first alone."""
    await world.run(MANAGER, "/campaign new Summer Drop")
    view = world.top_view(MANAGER)
    slug_block = next(b for b in view.blocks if b.get("block_id") == Field.SLUG)
    assert slug_block["element"].get("initial_value") == "summer-drop"


async def test_breach_on_a_campaign_without_influencers_tells_the_manager_to_invite_one(world: World):
    """The manager of a campaign with no influencer yet runs `/breach`: the answer points to
    inviting one (she is the brand team already)."""
    await world.new_campaign("spring")
    await world.run(MANAGER, "/breach")
    said = world.said_to(MANAGER)
    assert "/campaign invite" in said, said


async def test_adding_a_deliverable_confirms_it_to_the_manager(world: World):
    """Submitting the deliverable form closes it; the manager is told by DM that it was added and
    where its card is, as creating a campaign and reporting a breach are confirmed."""
    await world.new_campaign("spring")
    await world.invite(IVY)
    seen_before = len(world.emulator.ephemerals(MANAGER)) + len(world.emulator.dm(MANAGER))
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        {
            Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Ivy")},
            Field.TITLE: {Field.TITLE: "Launch reel"},
        },
    )
    assert reply.ok and not reply.body, reply.body
    told = [text_of(m) for m in world.emulator.ephemerals(MANAGER)] + [
        text_of(m) for m in world.emulator.dm(MANAGER)
    ]
    assert len(told) > seen_before, "the manager was told nothing after adding a deliverable"
    assert "Launch reel" in told[-1], told[-1]


async def test_an_influencers_home_does_not_point_to_review_commands_she_cannot_use(world: World):
    """Every `/review` command is refused to an influencer: her App Home points only to the
    commands she can use."""
    await world.new_campaign("spring")
    await world.invite(IVY)
    await world.slack.open_home(IVY)
    home = text_of({"blocks": world.emulator.home(IVY).blocks})
    await world.run(IVY, "/review")
    assert world.said_to(IVY).startswith(":no_entry:")
    assert "/review" not in home, home


async def test_whoever_is_given_or_loses_a_role_is_told(world: World):
    """Lee, made legal on spring, is told by DM what that means and where to look; when Maya takes
    the role away, Lee is told that too. An influencer's role without rights, cleared, tells her
    nothing about brand roles."""
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    told = world.dm_to(LEGAL)
    assert f"<@{MANAGER}> made you *legal* on *Spring" in told and "hear what is escalated" in told, told
    assert "/campaign show spring" in told
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> none")
    assert (
        world.dm_to(LEGAL)
        == f":information_source: <@{MANAGER}> took away your role on *Spring Launch* (`spring`)."
    )
    await world.invite(IVY)
    await legacy_role(world, IVY, "spring", "member")
    before = len(world.emulator.dm(IVY))
    await world.run(MANAGER, f"/campaign role spring <@{IVY}> none")
    assert len(world.emulator.dm(IVY)) == before


async def test_usage_lines_name_every_value_and_read_as_commands(world: World):
    """A mistyped role lists `none` too (the help advertises it), and the creators usage shows its
    two commands as two commands, not one code span with a dot inside."""
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> memebr")
    assert world.said_to(MANAGER).endswith("use `manager`, `member` or `legal` (`none` takes it away).")
    await world.run(ADMIN, "/campaign creators")
    assert world.said_to(ADMIN) == (
        ":warning: Usage: `/campaign creators &lt;add | remove&gt; &lt;@user&gt;` · `/campaign creators list`"
    )
