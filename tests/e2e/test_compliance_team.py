"""Compliance where people are: the influencer sees the disclosure verdict first and can fix the
caption, every brand role of the campaign works the checklist (card and modal), and the brand team
can ask for changes on a submission."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.enums import ComplianceItem
from bot.ids import Action, Callback, Field
from storage.models import Deliverable
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, OTTO, World, text_of
from tests.e2e.test_deliverables import (
    CHECK_REFUSAL,
    DRAFT,
    buttons,
    card,
    checklist,
    checks,
    deliverable,
    open_form,
    publish,
    published,
    setup,
    submit,
)


async def test_the_influencer_sees_the_verdict_first_and_can_fix_the_caption(world: World):
    d, channel = await published(world, caption="Loving this launch #collab")
    verdicts = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()]
    assert verdicts, "Ivy was told nothing"
    said = text_of(verdicts[-1])
    assert "*Launch &lt;reel&gt;*" in said and "What to change:" in said
    assert buttons(verdicts[-1]) == [Action.DELIVERABLE_EDIT_CAPTION]
    assert not any("disclosure" in text_of(m).lower() for m in world.emulator.ephemerals(MANAGER, channel))

    before = await checks(world)
    assert before[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "failed"
    # "Edit caption" checks again; the pending disclosure items follow the new verdict
    await world.slack.click(IVY, channel, verdicts[-1].ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(d.id))
    view = world.top_view(IVY)
    assert view.callback_id == Callback.DELIVERABLE_CAPTION
    reply = await world.slack.submit_view(
        IVY, view.id, {Field.CAPTION: {Field.CAPTION: "#ad Loving this launch"}}
    )
    assert reply.ok and not reply.body
    after = await checks(world)
    assert after[ComplianceItem.DISCLOSURE_PRESENT].suggested_status == "passed"
    assert after[ComplianceItem.DISCLOSURE_PLACEMENT].suggested_status == "passed"
    assert (await deliverable(world)).caption == "#ad Loving this launch"
    newest = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()][-1]
    assert ":white_check_mark: The disclosure of *Launch &lt;reel&gt;* passes" in text_of(newest)
    assert "#ad Loving this launch" in text_of(checklist(world))  # the owner's copy follows


async def test_an_edited_caption_is_checked_against_the_images_declared_when_publishing(world: World):
    """France labels retouched images: the declaration made in the publish form is kept, shown ticked
    in the "Edit caption" form, and the new caption is checked against it (or its correction)."""
    d, channel = await setup(world, "FR")
    reply = await publish(world, channel, d, "Publicité Ma routine du matin", **{Field.IMAGES: ["retouched"]})
    assert reply.ok and not reply.body
    declared = "The images are declared retouched but the caption lacks “Images retouchées”."
    assert declared in (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT].suggestion
    assert (await deliverable(world)).images == ["retouched"]

    async def edit(caption: str, images: list[str] | None = None) -> str:
        verdict = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()]
        await world.slack.click(
            IVY, channel, verdict[-1].ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(d.id)
        )
        view = world.top_view(IVY)
        images_block = next(b for b in view.blocks if b.get("block_id") == Field.IMAGES)
        ticked = [o["value"] for o in images_block["element"].get("initial_options") or []]
        values = {Field.CAPTION: {Field.CAPTION: caption}}
        if images is not None:
            values[Field.IMAGES] = {Field.IMAGES: images}
        reply = await world.slack.submit_view(IVY, view.id, values)
        assert reply.ok and not reply.body
        await world.stack.settle()
        return ticked

    # the form shows the declaration; left as it is, the new caption still lacks the label, and the
    # verdict (the ad label passes) says so, with "Edit caption" again
    assert await edit("Publicité · Ma nouvelle routine") == ["retouched"]
    assert declared in (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT].suggestion
    newest = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()][-1]
    assert f":warning: {declared}" in text_of(newest)
    assert buttons(newest) == [Action.DELIVERABLE_EDIT_CAPTION]
    # corrected: none of the images is retouched after all
    assert await edit("Publicité · Ma nouvelle routine", images=[]) == ["retouched"]
    assert (await deliverable(world)).images == []
    assert declared not in (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT].suggestion
    newest = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()][-1]
    assert text_of(newest).startswith(":white_check_mark:") and not buttons(newest)


async def test_only_the_influencer_edits_the_caption(world: World):
    d, channel = await published(world, caption="#collab")
    verdict = [m for m in world.emulator.ephemerals(IVY, channel) if "disclosure" in text_of(m).lower()][-1]
    forged_by = MANAGER
    await world.slack.click(IVY, channel, verdict.ts, Action.DELIVERABLE_EDIT_CAPTION, value=str(d.id))
    view = world.top_view(IVY)
    before = await world.row_counts()
    reply = await world.forge_submission(
        forged_by, view, {Field.CAPTION: {"type": "plain_text_input", "value": "#ad"}}
    )
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.CAPTION: reply.body["errors"][Field.CAPTION]},
    }
    assert "Only" in reply.body["errors"][Field.CAPTION]
    assert await world.row_counts() == before
    assert (await deliverable(world)).caption == "#collab"


async def test_every_brand_role_works_the_checklist_from_the_card(world: World):
    d, channel = await published(world)
    for user in (MEMBER, LEGAL):
        await world.slack.click(user, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
        view = world.top_view(user)
        assert view.callback_id == Callback.CHECKLIST
        assert "Compliance checklist · Launch <reel>" in text_of({"blocks": view.blocks})
        world.emulator.workspace.close_views(user)

    await world.slack.click(MEMBER, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    view = world.top_view(MEMBER)
    present = (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT]
    await world.slack.click_in_view(MEMBER, view.id, Action.CHECK_PASS, value=str(present.id))
    assert (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT].status == "passed"
    shown = text_of({"blocks": world.top_view(MEMBER).blocks})  # the modal follows
    assert f"*Disclosure present* — passed by <@{MEMBER}>" in shown
    assert f"*Disclosure present* — passed by <@{MEMBER}>" in text_of(checklist(world))  # and the owner's DM

    # Fail from the modal: the note form is pushed on top, and the checklist under it follows
    safety = (await checks(world))[ComplianceItem.BRAND_SAFETY]
    await world.slack.click_in_view(MEMBER, view.id, Action.CHECK_FAIL, value=str(safety.id))
    stack = world.emulator.open_views(MEMBER)
    assert [v.callback_id for v in stack] == [Callback.CHECKLIST, Callback.CHECK_NOTE]
    reply = await world.slack.submit_view(
        MEMBER, stack[-1].id, {Field.NOTE: {Field.NOTE: "Shows a rival logo."}}
    )
    assert reply.ok and not reply.body
    assert (await checks(world))[ComplianceItem.BRAND_SAFETY].status == "failed"
    assert f"*Brand safety* — failed by <@{MEMBER}>" in text_of({"blocks": world.top_view(MEMBER).blocks})


async def test_influencers_and_outsiders_cannot_open_the_checklist(world: World):
    d, channel = await published(world)
    world.emulator.channel(channel).members.add(OTTO)
    # Ivy is told who may; Otto, in the channel but with no part in it, hears of no deliverable
    for user, refusal in ((IVY, CHECK_REFUSAL), (OTTO, "That deliverable no longer exists.")):
        before = await world.row_counts()
        await world.slack.click(user, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
        assert world.said_to(user) == refusal
        assert not world.emulator.open_views(user)
        assert await world.row_counts() == before


async def test_the_brand_team_can_ask_for_changes(world: World):
    d, channel = await setup(world)
    await submit(world, channel, d)
    d = await deliverable(world)
    view = await open_form(world, MEMBER, channel, d, Action.DELIVERABLE_REQUEST_CHANGES)
    assert view.callback_id == Callback.DELIVERABLE_CHANGES
    assert DRAFT in text_of({"blocks": view.blocks})
    forged = await world.forge_submission(MEMBER, view, {})
    assert forged.body["errors"] == {Field.NOTE: "Say what should change: the influencer reads this note."}
    reply = await world.slack.submit_view(
        MEMBER, view.id, {Field.NOTE: {Field.NOTE: "Show the <product> earlier."}}
    )
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        row = (await s.exec(select(Deliverable))).scalars().one()
    assert (row.status, row.submitted_url, row.submitted_at) == ("planned", None, None)
    told = [text_of(m) for m in world.emulator.replies(channel, d.card_ts)]
    assert any(
        f"<@{MEMBER}> asked for changes on *Launch &lt;reel&gt;*:\n> Show the &lt;product&gt; earlier." in t
        and f"<@{IVY}>, please submit it again" in t
        for t in told
    )
    assert buttons(card(world, channel, d))[0] == Action.DELIVERABLE_SUBMIT  # Ivy can submit again
    await submit(world, channel, d)
    assert (await deliverable(world)).status == "submitted"


async def test_who_may_ask_for_changes(world: World):
    d, channel = await setup(world)
    await submit(world, channel, d)
    d = await deliverable(world)
    for user, expected in (
        (
            LEGAL,
            (
                ":no_entry: Only a campaign *manager* or *member*, or a workspace *admin*, "
                "can ask for changes on a deliverable."
            ),
        ),
        (
            IVY,
            (
                ":no_entry: Only a campaign *manager* or *member*, or a workspace *admin*, "
                "can ask for changes on a deliverable."
            ),
        ),
    ):
        await world.slack.click(user, channel, d.card_ts, Action.DELIVERABLE_REQUEST_CHANGES, value=str(d.id))
        assert world.said_to(user) == expected
        assert not world.emulator.open_views(user)
    assert (await deliverable(world)).status == "submitted"
