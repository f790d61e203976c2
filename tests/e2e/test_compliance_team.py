"""Compliance where people are: the influencer sees the disclosure verdict first and can fix the
caption, every brand role of the campaign works the checklist (card and modal), the checklist message
is written only into the DM of someone who may still read it, and the brand team can ask for changes
on a submission."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.domain.enums import ComplianceItem
from bot.ids import Action, Callback, Field
from playground.emulator import Message
from storage.models import Campaign, Deliverable
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


# ---------------------------------------------------------------------------------------------
# whose DM holds the checklist


CHECK_NOTE = "CHECK-NOTE-4471: caption hides #ad after the fold, agency admitted it"


async def _held_by_maya_on_ottos_campaign(world: World) -> tuple[Deliverable, str]:
    """spring is owned by Otto, autumn's influencer (a campaign owned since before *one person, one
    side*), and Mo is its other manager: Ivy's published deliverable's checklist goes to Maya, its
    oldest manager who is not an influencer."""
    await world.new_campaign("autumn")
    assert (await world.invite(OTTO, "autumn")).startswith(":handshake:")
    d, channel = await setup(world)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).where(Campaign.slug == "spring").values(owner_id=OTTO))
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> manager")
    reply = await publish(world, channel, d)
    assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    d = await deliverable(world)
    assert d.checklist_channel_id == world.emulator.dm_channel(MANAGER).id  # Maya holds the checklist
    return d, channel


async def _remove_maya(world: World) -> None:
    await world.run(MEMBER, f"/campaign role spring <@{MANAGER}> none")
    assert "no longer holds a role" in world.said_to(MEMBER), world.said_to(MEMBER)


async def _decide(
    world: World, user: str, channel: str, item: ComplianceItem, note: str | None = None
) -> None:
    """`user` opens the checklist from the card and passes `item` (or, with a `note`, fails it)."""
    d = await deliverable(world)
    await world.slack.click(user, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    view = world.top_view(user)
    assert view.callback_id == Callback.CHECKLIST
    check = (await checks(world))[item]
    action = Action.CHECK_FAIL if note else Action.CHECK_PASS
    await world.slack.click_in_view(user, view.id, action, value=str(check.id))
    if note:
        form = world.top_view(user)
        assert form.callback_id == Callback.CHECK_NOTE
        reply = await world.slack.submit_view(user, form.id, {Field.NOTE: {Field.NOTE: note}})
        assert reply.ok and not reply.body, reply.body
    await world.stack.settle()
    world.emulator.workspace.close_views(user)
    assert (await checks(world))[item].status == ("failed" if note else "passed")


def _checklists(world: World, user: str) -> list[Message]:
    return [m for m in world.emulator.dm(user) if "Compliance checklist" in text_of(m)]


def _updates_of(world: World, channel: str, ts: str) -> int:
    return sum(
        1 for c in world.emulator.calls_to("chat.update") if (c.get("channel"), c.get("ts")) == (channel, ts)
    )


def _carries_nothing_of_the_checklist(said: str) -> None:
    for content in (
        "Launch",
        "#ad",
        "Disclosure",
        "passed by",
        "failed by",
        CHECK_NOTE,
        "Compliance checklist",
    ):
        assert content not in said, (content, said)


async def test_a_manager_removed_from_the_campaign_reads_none_of_its_later_compliance_notes(world: World):
    """The checklist went to Maya. Mo, also a manager, then takes Maya's role away (`/campaign role
    spring @Maya none`: "its rights end at once") and fails a compliance check with a note. The
    checklist message in Maya's DM is not written to any more: Maya, no longer on the brand team,
    reads neither the brand's compliance note nor any later decision (bot/flows/deliverables.py
    `refresh_checklist` asks whether its holder may still read it)."""
    _d, channel = await _held_by_maya_on_ottos_campaign(world)
    await _remove_maya(world)
    await _decide(world, MEMBER, channel, ComplianceItem.DISCLOSURE_PLACEMENT, CHECK_NOTE)
    assert (await checks(world))[
        ComplianceItem.DISCLOSURE_PLACEMENT
    ].note == CHECK_NOTE  # the decision was made

    maya_reads = "\n".join(text_of(m) for m in world.emulator.dm(MANAGER))
    assert CHECK_NOTE not in maya_reads
    assert f"failed by <@{MEMBER}>" not in maya_reads


async def test_the_checklist_of_a_removed_manager_moves_to_the_campaigns_brand_contact(world: World):
    """Once Maya may no longer read it, the next decision moves the checklist: her message is
    replaced, once, by a note that carries none of it (it moved, and why), and the checklist is sent
    afresh to Mo, the campaign's oldest manager who is not an influencer now, with the decision.
    The deliverable records Mo's DM as its checklist; later decisions update that message in place
    and leave Maya's alone."""
    d, channel = await _held_by_maya_on_ottos_campaign(world)
    assert d.checklist_user_id == MANAGER  # recorded when it was sent
    maya_dm, old_ts = d.checklist_channel_id, d.checklist_ts
    await _remove_maya(world)
    await _decide(world, MEMBER, channel, ComplianceItem.DISCLOSURE_PLACEMENT, CHECK_NOTE)

    old = world.emulator.find_message(maya_dm, old_ts)
    said = text_of(old)
    assert "This compliance checklist moved" in said and "no longer hold a role on `spring`" in said, said
    _carries_nothing_of_the_checklist(said)
    assert _checklists(world, MANAGER) == []  # nothing else of it reached her

    moved = await deliverable(world)
    mo_dm = world.emulator.dm_channel(MEMBER).id
    [fresh] = _checklists(world, MEMBER)
    assert (moved.checklist_user_id, moved.checklist_channel_id, moved.checklist_ts) == (
        MEMBER,
        mo_dm,
        fresh.ts,
    )
    assert CHECK_NOTE in text_of(fresh) and f"*Disclosure placement* — failed by <@{MEMBER}>" in text_of(
        fresh
    )

    await _decide(world, LEGAL, channel, ComplianceItem.BRAND_SAFETY)  # a later decision
    [fresh] = _checklists(world, MEMBER)  # the same message, brought up to date
    assert fresh.ts == moved.checklist_ts and f"*Brand safety* — passed by <@{LEGAL}>" in text_of(fresh)
    assert _updates_of(world, maya_dm, old_ts) == 1  # replaced once, then left alone
    assert text_of(world.emulator.find_message(maya_dm, old_ts)) == said


async def test_the_compliance_reminder_points_to_the_card_when_the_checklist_is_in_another_dm(world: World):
    """Maya holds the checklist and loses her role before anyone decides anything; a day after the
    publication the compliance reminder goes to Mo, the brand contact now. The checklist is not in
    his DM, so the reminder does not say "the checklist I sent you in this conversation": it points
    to the *Compliance checklist* button of the card. Maya is reminded of nothing."""
    _d, channel = await _held_by_maya_on_ottos_campaign(world)
    await _remove_maya(world)
    maya_before = len(world.emulator.dm(MANAGER))
    world.clock.advance(timedelta(hours=24, minutes=1))
    await world.stack.bot.dispatcher.tick()
    await world.stack.settle()

    reminders = [
        text_of(m) for m in world.emulator.dm(MEMBER) if "compliance checks still pending" in text_of(m)
    ]
    assert len(reminders) == 1, [text_of(m) for m in world.emulator.dm(MEMBER)]
    assert "in this conversation" not in reminders[0]
    assert f"the *Compliance checklist* button on its card in <#{channel}>" in reminders[0], reminders[0]
    assert len(world.emulator.dm(MANAGER)) == maya_before


async def test_a_checklist_sent_before_its_holder_was_recorded_stays_with_the_owner_who_holds_it(
    world: World,
):
    """A deliverable published before the checklist's holder was kept (`checklist_user_id` empty, a
    channel and a timestamp set): its DM is the owner's, one of the campaign's brand recipients, so
    the next decision finds her as its holder (`conversations.open` answers her DM with the bot),
    records her, and updates the message in place: no "moved" note, no second checklist."""
    d, channel = await published(world)
    old_channel, old_ts = d.checklist_channel_id, d.checklist_ts
    async with world.db.transaction() as s:
        await s.exec(update(Deliverable).where(Deliverable.id == d.id).values(checklist_user_id=None))

    await _decide(world, MEMBER, channel, ComplianceItem.DISCLOSURE_PRESENT)
    [kept] = _checklists(world, MANAGER)
    assert kept.ts == old_ts and f"*Disclosure present* — passed by <@{MEMBER}>" in text_of(kept)
    assert "moved" not in text_of(kept)
    found = await deliverable(world)
    assert (found.checklist_user_id, found.checklist_channel_id, found.checklist_ts) == (
        MANAGER,
        old_channel,
        old_ts,
    )


async def test_a_checklist_sent_before_its_holder_was_recorded_in_a_removed_managers_dm_is_moved(
    world: World,
):
    """The same, but the DM is Maya's, whose role on spring (owned by Otto, an influencer) was taken
    away: it is none of the campaign's brand recipients' now, so its reader fails closed. The next
    decision writes nothing of the checklist into it: the old message is replaced by a note that it
    moved (to the brand contact: whose DM it was is not known), and the checklist is sent afresh to
    Mo, recorded as its holder; later decisions update that new message."""
    d, channel = await _held_by_maya_on_ottos_campaign(world)
    old_channel, old_ts = d.checklist_channel_id, d.checklist_ts
    async with world.db.transaction() as s:
        await s.exec(update(Deliverable).where(Deliverable.id == d.id).values(checklist_user_id=None))
    await _remove_maya(world)

    await _decide(world, MEMBER, channel, ComplianceItem.DISCLOSURE_PLACEMENT, CHECK_NOTE)
    said = text_of(world.emulator.find_message(old_channel, old_ts))
    assert "This compliance checklist moved to a new message" in said, said
    _carries_nothing_of_the_checklist(said)

    moved = await deliverable(world)
    [fresh] = _checklists(world, MEMBER)
    assert fresh.ts != old_ts and CHECK_NOTE in text_of(fresh)
    assert (moved.checklist_user_id, moved.checklist_channel_id, moved.checklist_ts) == (
        MEMBER,
        world.emulator.dm_channel(MEMBER).id,
        fresh.ts,
    )
    await _decide(world, LEGAL, channel, ComplianceItem.BRAND_SAFETY)
    [fresh] = _checklists(world, MEMBER)
    assert fresh.ts == moved.checklist_ts and f"*Brand safety* — passed by <@{LEGAL}>" in text_of(fresh)
    assert _updates_of(world, old_channel, old_ts) == 1
