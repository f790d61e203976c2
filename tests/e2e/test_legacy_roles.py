"""Brand roles that give no rights: a `campaign_role` row of someone who is an influencer anywhere
in the workspace (stored before *one person, one side*; nothing grants one now). `/campaign show`
lists them to the brand team, apart from the team, and `/campaign role <slug> @user none` clears
them (docs/roles.md)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update

from storage.models import Campaign, CampaignRole, Engagement
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, set_up_team, text_of
from tests.e2e.test_one_side import legacy_role


async def _roles(world: World, slug: str) -> set[tuple[str, str]]:
    async with world.db.transaction() as s:
        rows = await s.exec(
            select(CampaignRole.user_id, CampaignRole.role)
            .join(Campaign, Campaign.id == CampaignRole.campaign_id)
            .where(Campaign.slug == slug)
        )
        return {(u, r) for u, r in rows.all()}


async def _show(world: World, who: str, slug: str) -> str:
    await world.run(who, f"/campaign show {slug}")
    await world.stack.settle()
    return world.said_to(who)


def _warning(slug: str, who: str, role: str) -> str:
    return (
        f":warning: <@{who}> holds the *{role}* role but is an influencer in this workspace: the role "
        f"gives no rights. `/campaign role {slug} <@{who}> none` clears it."
    )


async def _autumn_with_ivy_as_member(world: World) -> None:
    """spring (Ivy its influencer, Mo member, Lee legal) and autumn (Maya's, Mo and Lee on its
    team), where Ivy still holds `member`."""
    await set_up_team(world)
    await world.new_campaign("autumn")
    await world.run(MANAGER, f"/campaign role autumn <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role autumn <@{LEGAL}> legal")
    await legacy_role(world, IVY, "autumn", "member")


# ---------------------------------------------------------------------------------------------
# /campaign show


async def test_the_brand_team_sees_a_role_without_rights_apart_from_the_team(world: World):
    await _autumn_with_ivy_as_member(world)
    for who in (MANAGER, MEMBER, LEGAL, ADMIN):
        shown = await _show(world, who, "autumn")
        team = next(line for line in shown.splitlines() if line.startswith("*Team*"))
        assert IVY not in team, (who, team)  # still no part of the team
        assert _warning("autumn", IVY, "member") in shown, (who, shown)


async def test_the_influencer_is_not_shown_the_line(world: World):
    """Ivy reads neither autumn's team nor the line about her own role there; nor spring's, where
    she is the influencer and a `legal` row of hers is stored too."""
    await _autumn_with_ivy_as_member(world)
    await legacy_role(world, IVY, "spring", "legal")
    assert _warning("spring", IVY, "legal") in await _show(world, MANAGER, "spring")
    for slug in ("autumn", "spring"):
        shown = await _show(world, IVY, slug)
        assert ":warning:" not in shown and "*Team*" not in shown and "none`" not in shown, (slug, shown)


async def test_a_campaign_without_such_roles_shows_no_line(world: World):
    await set_up_team(world)
    assert ":warning:" not in await _show(world, MANAGER, "spring")


# ---------------------------------------------------------------------------------------------
# /campaign role … none


async def test_a_manager_clears_a_role_without_rights(world: World):
    await _autumn_with_ivy_as_member(world)
    await world.run(MANAGER, f"/campaign role autumn <@{IVY}> none")
    await world.stack.settle()
    assert world.said_to(MANAGER) == (
        f":bust_in_silhouette: <@{IVY}> no longer holds a role on `autumn` (was a member). "
        "As an influencer, they had no rights from it."
    )
    assert await _roles(world, "autumn") == {(MANAGER, "manager"), (MEMBER, "member"), (LEGAL, "legal")}
    assert ":warning:" not in await _show(world, MANAGER, "autumn")
    # her engagement on spring, and her place in its channel, are untouched
    async with world.db.transaction() as s:
        assert (await s.exec(select(Engagement.status))).scalar_one() == "active"
    assert IVY in world.emulator.channel_by_name("cg-spring-ivy").members


async def test_a_role_without_rights_on_the_influencers_own_campaign_is_cleared_too(world: World):
    """Ivy is spring's influencer: `/campaign role` refuses to give her a role there, and still
    clears the one stored for her."""
    await set_up_team(world)
    await legacy_role(world, IVY, "spring", "manager")
    await world.run(MANAGER, f"/campaign role spring <@{IVY}> member")
    assert world.said_to(MANAGER) == f"<@{IVY}> is an influencer on `spring` and can't hold a brand role."
    await world.run(MANAGER, f"/campaign role spring <@{IVY}> none")
    assert world.said_to(MANAGER).startswith(
        f":bust_in_silhouette: <@{IVY}> no longer holds a role on `spring` (was a manager)."
    )
    assert (IVY, "manager") not in await _roles(world, "spring")


async def test_an_owner_who_is_an_influencer_loses_the_row_and_any_other_owner_keeps_it(world: World):
    await _autumn_with_ivy_as_member(world)
    await world.run(MANAGER, f"/campaign role autumn <@{MANAGER}> none")
    assert world.said_to(MANAGER) == f"<@{MANAGER}> owns `autumn` and stays a manager."
    async with world.db.transaction() as s:  # autumn owned by Ivy since before the rule
        await s.exec(update(Campaign).where(Campaign.slug == "autumn").values(owner_id=IVY))
    await world.run(MANAGER, f"/campaign role autumn <@{IVY}> none")
    assert world.said_to(MANAGER).startswith(f":bust_in_silhouette: <@{IVY}> no longer holds a role")
    assert IVY not in {u for u, _ in await _roles(world, "autumn")}


async def test_only_managers_and_admins_clear_a_role(world: World):
    await _autumn_with_ivy_as_member(world)
    before = await world.row_counts()
    for who in (MEMBER, LEGAL):
        await world.run(who, f"/campaign role autumn <@{IVY}> none")
        assert world.said_to(who) == (
            ":no_entry: Only a campaign *manager* or a workspace *admin* can change roles on this campaign."
        )
    await world.run(IVY, f"/campaign role autumn <@{IVY}> none")  # her role gives her no rights
    assert ":bust_in_silhouette:" not in world.said_to(IVY)
    assert await world.row_counts() == before
    await world.run(ADMIN, f"/campaign role autumn <@{IVY}> none")
    assert world.said_to(ADMIN).startswith(f":bust_in_silhouette: <@{IVY}> no longer holds a role")


async def test_none_takes_a_brand_role_away(world: World):
    """The same command for anyone: the member's rights end; Slack's channels are not touched, and
    the reply names them."""
    await set_up_team(world)
    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> none")
    assert world.said_to(MANAGER) == (
        f":bust_in_silhouette: <@{MEMBER}> no longer holds a role on `spring` (was a member).\n"
        f":information_source: The campaign's shared channels (<#{channel}>) are left as they are: "
        "remove them there in Slack if they should no longer read them."
    )
    assert await _roles(world, "spring") == {(MANAGER, "manager"), (LEGAL, "legal")}
    await world.run(MEMBER, "/campaign show spring")
    assert "*Team*" not in world.said_to(MEMBER)
    await world.run(MANAGER, f"/campaign role spring <@{OTTO}> none")
    assert world.said_to(MANAGER) == f"<@{OTTO}> holds no role on `spring`."


# ---------------------------------------------------------------------------------------------
# the last manager of a campaign whose owner is an influencer


async def _autumn_owned_by_ivy(world: World) -> None:
    """spring (Ivy its influencer) and autumn (Maya its manager, Mo member, Lee legal), owned by Ivy
    since before *one person, one side*: her `manager` row there gives no rights, and Maya is the
    only manager who counts."""
    await set_up_team(world)
    await world.new_campaign("autumn")
    await world.run(MANAGER, f"/campaign role autumn <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role autumn <@{LEGAL}> legal")
    await legacy_role(world, IVY, "autumn", "manager")
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).where(Campaign.slug == "autumn").values(owner_id=IVY))


async def test_the_last_manager_of_a_campaign_an_influencer_owns_keeps_the_role(world: World):
    """Maya can't take her own manager role away, nor make herself a member, and an admin can't make
    her legal: autumn would have no manager but the admins. The refusal says whom to make manager
    first; once Mo is one, Maya's role goes."""
    await _autumn_owned_by_ivy(world)
    refusal = (
        f":no_entry: <@{MANAGER}> is the last manager of `autumn`: its owner <@{IVY}> is an influencer "
        "in this workspace, and their role gives no rights, so the campaign would be left without a "
        f"manager. Make someone else its manager first, from its team (<@{MEMBER}> (member), "
        f"<@{LEGAL}> (legal)) or the brand side: `/campaign role autumn @someone manager`; then change "
        f"<@{MANAGER}>'s role."
    )
    before = await _roles(world, "autumn")
    for who, line in (
        (MANAGER, f"/campaign role autumn <@{MANAGER}> none"),
        (MANAGER, f"/campaign role autumn <@{MANAGER}> member"),
        (ADMIN, f"/campaign role autumn <@{MANAGER}> legal"),
    ):
        await world.run(who, line)
        await world.stack.settle()
        assert world.said_to(who) == refusal, (line, world.said_to(who))
    assert await _roles(world, "autumn") == before
    assert not any("made you" in text_of(m) or "your role" in text_of(m) for m in world.emulator.dm(MANAGER))

    await world.run(MANAGER, f"/campaign role autumn <@{MEMBER}> manager")
    await world.run(MANAGER, f"/campaign role autumn <@{MANAGER}> none")
    assert world.said_to(MANAGER).startswith(f":bust_in_silhouette: <@{MANAGER}> no longer holds a role")
    assert await _roles(world, "autumn") == {(IVY, "manager"), (MEMBER, "manager"), (LEGAL, "legal")}
    # and Mo, the last manager who counts now, is kept one in turn
    await world.run(ADMIN, f"/campaign role autumn <@{MEMBER}> member")
    assert world.said_to(ADMIN).startswith(f":no_entry: <@{MEMBER}> is the last manager of `autumn`")


async def test_a_manager_of_a_campaign_its_owner_runs_may_still_go(world: World):
    """Where the owner counts (not an influencer), they stay a manager: any other manager's role may
    be taken away or changed, as before."""
    await set_up_team(world)
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> manager")
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> legal")
    assert world.said_to(MANAGER).startswith(f":bust_in_silhouette: <@{MEMBER}> is now *legal*")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> manager")
    await world.run(LEGAL, f"/campaign role spring <@{LEGAL}> none")
    assert world.said_to(LEGAL).startswith(f":bust_in_silhouette: <@{LEGAL}> no longer holds a role")


async def test_two_last_managers_removing_each_other_at_once_leave_one(world: World):
    """autumn, owned by Ivy (an influencer: her role counts for nothing), has two managers who
    count, Maya and Mo. Each takes the other's role away at the same moment (their lookups held
    by Slack so that both reach the store together): one goes, the other is refused as its last
    manager. Tried a few times, a few milliseconds apart."""
    await _autumn_owned_by_ivy(world)
    directory = world.stack.bot.services.directory

    async def real_managers() -> set[str]:
        return {u for u, r in await _roles(world, "autumn") if r == "manager" and u in (MANAGER, MEMBER)}

    for attempt in range(6):
        for who, other in ((MANAGER, MEMBER), (MEMBER, MANAGER)):
            if other not in await real_managers():
                await world.run(who, f"/campaign role autumn <@{other}> manager")
        assert await real_managers() == {MANAGER, MEMBER}
        directory.forget(MEMBER)  # both flows look Mo up again, and wait for Slack together
        world.emulator.inject_delay("users.info", 0.2)
        world.emulator.inject_delay("users.info", 0.2 + attempt * 0.004)
        await asyncio.gather(
            world.run(MANAGER, f"/campaign role autumn <@{MEMBER}> none"),
            world.run(MEMBER, f"/campaign role autumn <@{MANAGER}> none"),
        )
        await world.stack.settle()
        assert len(await real_managers()) == 1, (attempt, await _roles(world, "autumn"))
