"""`/campaign complete | cancel | reopen`: the status moves once, its reminders follow it, each
shared channel is told, open incidents stay open, and a closed campaign takes nothing new."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.ids import Callback, Field
from storage.models import Campaign, Deliverable, Incident
from tests.e2e.conftest import START
from tests.e2e.harness import (
    ADMIN,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    option_value,
    report,
    set_up_team,
    text_of,
)
from tests.scheduler.helpers import H, add_deliverable, at, reminders, texts


async def spring(world: World) -> Campaign:
    async with world.db.transaction() as s:
        return (await s.exec(select(Campaign).where(Campaign.slug == "spring"))).scalars().one()


async def deliverable_status(world: World, deliverable_id: int, status: str) -> None:
    async with world.db.transaction() as s:
        await s.exec(update(Deliverable).where(Deliverable.id == deliverable_id).values(status=status))


async def statuses(world: World) -> dict[str, str]:
    async with world.db.transaction() as s:
        return {d.title: d.status for d in (await s.exec(select(Deliverable))).scalars()}


async def open_incidents(world: World) -> list[Incident]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(Incident).where(Incident.status != "resolved"))).scalars())


def pending(rows: dict, kind_prefix: str) -> set[str]:
    return {key for key, r in rows.items() if r.kind.startswith(kind_prefix) and r.status == "pending"}


async def test_completing_stops_its_reminders_tells_the_channel_and_keeps_incidents_open(world: World):
    channel = await set_up_team(world)
    delivered = await add_deliverable(world, START + 100 * H, title="Story set")
    await deliverable_status(world, delivered.id, "submitted")  # the influencer delivered this one
    await add_deliverable(world, START + 100 * H, title="Launch reel")
    assert (await report(world)).ok
    await world.stack.settle()
    before = await reminders(world)
    assert pending(before, "deliverable") and pending(before, "mediation")

    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    said = world.said_to(MANAGER)
    assert said.startswith(
        ":white_check_mark: *Spring Launch* (`spring`) is now *completed* (was active). "
        "I told 1 shared channel."
    )
    assert "1 deliverable still owed cancelled with it." in said and "pending reminders cancelled" in said
    assert "1 incident still open: they stay open until resolved (`/breach list open spring`)" in said
    notice = texts(world, channel, "is completed")
    assert len(notice) == 1
    assert "deliverables still owed are cancelled and reminders stop" in notice[0]
    assert "An incident still open stays open until it is resolved." in notice[0]
    assert (await spring(world)).status == "completed"
    assert await statuses(world) == {"Story set": "submitted", "Launch reel": "cancelled"}

    after = await reminders(world)
    assert not pending(after, "deliverable") and not pending(after, "review")
    assert {after[key].status for key in pending(before, "deliverable")} == {"cancelled"}
    assert pending(after, "mediation") == pending(before, "mediation")  # the incident's run on
    assert len(await open_incidents(world)) == 1

    # time passes its due time and beyond: nothing about the deliverable is said
    await at(world, START + 200 * H)
    assert texts(world, channel, "Launch reel") == []
    assert not pending(await reminders(world), "deliverable")


async def test_reopening_plans_again_the_reminders_still_ahead(world: World):
    channel = await set_up_team(world)
    await add_deliverable(world, START + 100 * H)
    before = await reminders(world)
    assert pending(before, "review") and pending(before, "deliverable")
    await world.run(MANAGER, "/campaign cancel spring")
    await world.stack.settle()
    assert "is now *cancelled* (was active)" in world.said_to(MANAGER)
    assert texts(world, channel, "was cancelled by the brand team")
    assert pending(await reminders(world), "") == set()  # deliverable, review and digest alike

    await world.run(ADMIN, "/campaign reopen spring")
    await world.stack.settle()
    said = world.said_to(ADMIN)
    assert said.startswith(":white_check_mark: *Spring Launch* (`spring`) is now *active* (was cancelled).")
    rows = await reminders(world)
    again = pending(rows, "")
    assert f" {len(again)} reminders planned again.\n" in said
    # the deliverable was cancelled with the campaign and stays so; the rest comes back, with the
    # weekly digest, which the dispatcher's hourly pass would otherwise plan
    assert await statuses(world) == {"Launch reel": "cancelled"} and not pending(rows, "deliverable")
    digests = {key for key in again if rows[key].kind == "weekly_digest"}
    assert again - digests == pending(before, "") - pending(before, "deliverable")
    assert texts(world, channel, "is active again: its reminders resume")
    assert (await spring(world)).status == "active"


async def test_only_managers_and_admins_close_it_and_nobody_else_changes_anything(world: World):
    channel = await set_up_team(world)
    await add_deliverable(world, START + 100 * H)
    rows_before = await reminders(world)
    history = texts(world, channel, "")
    for who in (MEMBER, LEGAL, IVY):
        await world.run(who, "/campaign complete spring")
        await world.stack.settle()
        assert world.said_to(who) == (
            ":no_entry: Only a campaign *manager* or a workspace *admin* "
            "can complete, cancel or reopen this campaign."
        )
    assert (await spring(world)).status == "active"
    assert texts(world, channel, "") == history
    assert {k: r.status for k, r in (await reminders(world)).items()} == {
        k: r.status for k, r in rows_before.items()
    }


async def test_each_move_from_where_it_makes_sense(world: World):
    await set_up_team(world)
    await world.run(MANAGER, "/campaign reopen spring")
    await world.stack.settle()
    assert "`spring` is already active." in world.said_to(MANAGER)

    await world.run(MANAGER, "/campaign cancel spring")
    await world.stack.settle()
    await world.run(MANAGER, "/campaign cancel spring")
    await world.stack.settle()
    assert "`spring` is already cancelled." in world.said_to(MANAGER)
    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    assert "`spring` is cancelled. Reopen it first (`/campaign reopen spring`) to change that." in (
        world.said_to(MANAGER)
    )
    assert (await spring(world)).status == "cancelled"

    await world.run(MANAGER, "/campaign complete")
    assert world.said_to(MANAGER) == ":warning: Missing argument. Usage: `/campaign complete &lt;slug&gt;`"
    await world.run(MANAGER, "/campaign complete spring now")
    assert world.said_to(MANAGER) == ":warning: Missing argument. Usage: `/campaign complete &lt;slug&gt;`"
    await world.run(MANAGER, "/campaign complete nope")
    await world.stack.settle()
    assert world.said_to(MANAGER).startswith(":mag: No campaign `nope`")


def deliverable_form(view, title: str, due: int) -> dict:
    return {
        Field.ENGAGEMENT: {Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Ivy")},
        Field.TITLE: {Field.TITLE: title},
        Field.PLATFORM: {Field.PLATFORM: "instagram"},
        Field.DUE: {Field.DUE: due},
    }


async def test_a_closed_campaign_takes_no_new_influencer_or_deliverable(world: World):
    channel = await set_up_team(world)
    due = int((world.clock.now() + 48 * H).timestamp())
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    assert (await world.slack.submit_view(MANAGER, view.id, deliverable_form(view, "Launch reel", due))).ok
    await world.stack.settle()
    card = next(m for m in world.emulator.history(channel) if "Launch reel" in text_of(m))
    # a second form opened before the campaign was closed, submitted after
    await world.run(MANAGER, "/campaign deliverable spring")
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.DELIVERABLE_NEW
    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    assert "1 deliverable still owed cancelled with it." in world.said_to(MANAGER)
    card = next(m for m in world.emulator.history(channel) if m.ts == card.ts)
    assert "cancelled" in text_of(card).lower()

    reply = await world.slack.submit_view(MANAGER, view.id, deliverable_form(view, "Late idea", due))
    assert reply.body["response_action"] == "errors"
    assert reply.body["errors"][Field.ENGAGEMENT] == (
        "“spring” is completed, so you can't add deliverables to it. "  # a field error is plain text
        "Reopen it first: “/campaign reopen spring”."
    )
    assert "Late idea" not in await statuses(world)

    await world.run(MANAGER, "/campaign deliverable spring")
    await world.stack.settle()
    assert "so you can't add deliverables to it" in world.said_to(MANAGER)
    await world.run(MANAGER, f"/campaign invite spring <@{OTTO}>")
    await world.stack.settle()
    assert "`spring` is completed, so you can't invite influencers to it." in world.said_to(MANAGER)
    assert world.emulator.channel_by_name("cg-spring-otto") is None


async def test_the_influencers_home_shows_the_campaign_closed_and_asks_nothing_of_it(world: World):
    await world.new_campaign()
    await world.invite(IVY)  # the guidelines are not acknowledged yet
    await add_deliverable(world, START + 100 * H)

    async def home() -> str:
        assert (await world.slack.open_home(IVY)).ok
        return text_of({"blocks": world.emulator.home(IVY).blocks})

    before = await home()
    assert "`spring` *Spring Launch* — version 1 is waiting for your acknowledgement" in before
    assert "`spring` *Spring Launch* for Acme · invited" in before and "*Launch reel*" in before

    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    after = await home()
    assert "waiting for your acknowledgement" not in after and "I acknowledge" not in after
    assert "`spring` *Spring Launch* for Acme · completed" in after
    assert "*Launch reel*" not in after  # cancelled with the campaign: nothing is owed


async def test_reopening_says_how_many_deliverables_stay_cancelled_and_how_to_add_them(world: World):
    """Completing cancelled the two deliverables still owed; reopening brings neither back, and the
    manager is told so, with the command that adds them again. Nothing cancelled: nothing said."""
    await set_up_team(world)
    await add_deliverable(world, START + 100 * H, title="Launch reel")
    await add_deliverable(world, START + 120 * H, title="Story set")
    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    assert "2 deliverables still owed cancelled with it." in world.said_to(MANAGER)
    await world.run(MANAGER, "/campaign reopen spring")
    await world.stack.settle()
    said = world.said_to(MANAGER)
    assert said.startswith(":white_check_mark: *Spring Launch* (`spring`) is now *active* (was completed).")
    assert said.endswith(
        "\n:information_source: 2 deliverables stay cancelled: reopening brings none back. "
        "`/campaign deliverable spring` adds again any still wanted, with a new due time."
    ), said
    assert await statuses(world) == {"Launch reel": "cancelled", "Story set": "cancelled"}

    await world.run(MANAGER, "/campaign deliverable spring")  # which works: the form opens
    await world.stack.settle()
    assert world.top_view(MANAGER).callback_id == Callback.DELIVERABLE_NEW

    await world.new_campaign("autumn", **{Field.NAME: "Autumn Drop"})
    await world.run(MANAGER, "/campaign cancel autumn")
    await world.run(MANAGER, "/campaign reopen autumn")
    await world.stack.settle()
    assert "stay cancelled" not in world.said_to(MANAGER) and "stays cancelled" not in world.said_to(MANAGER)


def guideline_values(view, **changed: str) -> dict:
    """The guidelines form as shown, with `changed` (block id: text) typed in."""
    values = {}
    for block in view.blocks:
        element = block.get("element") or {}
        if block.get("type") != "input" or element.get("type") != "plain_text_input":
            continue
        values[block["block_id"]] = {element["action_id"]: element.get("initial_value") or ""}
    for block_id, text in changed.items():
        values[block_id] = {block_id: text}
    return values


async def test_a_closed_campaigns_guidelines_are_read_not_edited(world: World):
    """Completed, `spring`'s guidelines can't be edited (a new version would ask Ivy to acknowledge
    again): the editor is refused as invites and deliverables are, and a form opened before the
    campaign closed is refused on submission; `/campaign show` still shows them, and once reopened
    they can be edited again."""
    channel = await set_up_team(world)
    await world.run(MANAGER, "/campaign guidelines spring")
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.GUIDELINES_EDIT
    await world.run(MANAGER, "/campaign complete spring")
    await world.stack.settle()
    posted = len(world.emulator.history(channel))

    g1 = Field.clause("G1", "title")
    reply = await world.slack.submit_view(MANAGER, view.id, guideline_values(view, **{g1: "New title"}))
    assert reply.body == {
        "response_action": "errors",
        "errors": {
            g1: "“spring” is completed, so you can't edit its guidelines. Reopen it first: "
            "“/campaign reopen spring”. “/campaign show spring” shows them as they are."
        },
    }
    await world.stack.settle()
    assert (await spring(world)).guidelines_version == 1
    assert len(world.emulator.history(channel)) == posted  # nobody is asked to acknowledge again

    await world.run(MANAGER, "/campaign guidelines spring")
    await world.stack.settle()
    assert world.said_to(MANAGER) == (
        "`spring` is completed, so you can't edit its guidelines. Reopen it first: "
        "`/campaign reopen spring`. `/campaign show spring` shows them as they are."
    )
    assert world.top_view(MANAGER).id == view.id  # no editor opened
    await world.run(MANAGER, "/campaign show spring")
    await world.stack.settle()
    assert "G1" in world.said_to(MANAGER)

    await world.run(MANAGER, "/campaign reopen spring")
    await world.run(MANAGER, "/campaign guidelines spring")
    await world.stack.settle()
    assert world.top_view(MANAGER).callback_id == Callback.GUIDELINES_EDIT
    assert world.top_view(MANAGER).id != view.id
