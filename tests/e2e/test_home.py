"""App Home per role, its buttons, and a workspace with 500 open incidents."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import event, select, update

from bot.ids import Action, Callback, Field
from storage.models import (
    Campaign,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    Influencer,
)
from tests.e2e.harness import (
    EVE_EMAIL,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.home_helpers import forged_home_click

TEAM = "T0CAMPAIGN"


async def _home(world: World, user: str) -> tuple[str, list[dict]]:
    reply = await world.slack.open_home(user)
    assert reply.ok
    view = world.emulator.home(user)
    assert view is not None, f"no home published for {user}"
    return text_of({"blocks": view.blocks}), view.blocks


def _incident(engagement_id: int, guideline_id: int, number: int, severity: str, status: str, now, **kw):
    return Incident(
        team_id=TEAM,
        number=number,
        engagement_id=engagement_id,
        guideline_id=guideline_id,
        guidelines_version=1,
        severity=severity,
        title=kw.pop("title", f"Incident {number}"),
        description="…",
        occurred_at=now - timedelta(days=2),
        reporter_id=MANAGER,
        status=status,
        response_due_at=now + timedelta(hours=20 + number),
        created_at=now - timedelta(days=1),
        updated_at=now,
        **kw,
    )


async def _seed(world: World) -> int:
    """`spring` (Maya manager, Mo member, Lee legal, Ivy) and `autumn` (Maya only, another creator).

    spring: BR-1 in mediation (the brand's move), BR-2 reported (Ivy's move), BR-3 resolved;
    deliverables: Launch reel due in 3 days, Teaser 2 days overdue, Story published with 2 checks
    pending; guidelines at version 2, Ivy acknowledged 1; engaged 10 days ago, never reviewed.
    autumn: BR-4 escalated about Zoe. Returns Ivy's engagement id.
    """
    assert world.emulator.team_id == TEAM
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY)
    await world.new_campaign("autumn", **{Field.NAME: "Autumn <Drop>"})
    now = world.clock.now()
    async with world.db.transaction() as s:
        spring = (await s.exec(select(Campaign).where(Campaign.slug == "spring"))).scalar_one()
        autumn = (await s.exec(select(Campaign).where(Campaign.slug == "autumn"))).scalar_one()
        await s.exec(update(Campaign).where(Campaign.id == spring.id).values(guidelines_version=2))
        ivy = (await s.exec(select(Engagement))).scalar_one()
        await s.exec(
            update(Engagement)
            .where(Engagement.id == ivy.id)
            .values(status="active", acknowledged_version=1, created_at=now - timedelta(days=10))
        )
        zoe = Influencer(team_id=TEAM, display_name="Zoe", email="zoe@x.example", created_at=now)
        s.add(zoe)
        await s.flush()
        zoe_engagement = Engagement(
            team_id=TEAM,
            campaign_id=autumn.id,
            influencer_id=zoe.id,
            channel_id="C0ZOE",
            status="active",
            acknowledged_version=1,
            invited_by=MANAGER,
            created_at=now - timedelta(days=2),
        )
        s.add(zoe_engagement)
        await s.flush()
        g_spring = (
            (await s.exec(select(Guideline.id).where(Guideline.campaign_id == spring.id))).scalars().first()
        )
        g_autumn = (
            (await s.exec(select(Guideline.id).where(Guideline.campaign_id == autumn.id))).scalars().first()
        )
        s.add(
            _incident(ivy.id, g_spring, 1, "major", "in_mediation", now, responded_at=now, title="Late <b>")
        )
        s.add(_incident(ivy.id, g_spring, 2, "critical", "reported", now))
        s.add(_incident(ivy.id, g_spring, 3, "minor", "resolved", now, outcome="warning", strikes=0))
        s.add(_incident(zoe_engagement.id, g_autumn, 4, "moderate", "escalated", now, title="Zoe's"))
        for title, due, status in (
            ("Launch reel", now + timedelta(days=3), "planned"),
            ("Teaser", now - timedelta(days=2), "planned"),
            ("Story", now - timedelta(days=4), "published"),
            ("Next month", now + timedelta(days=30), "planned"),
        ):
            s.add(
                Deliverable(
                    team_id=TEAM,
                    engagement_id=ivy.id,
                    title=title,
                    platform="instagram",
                    due_at=due,
                    status=status,
                    created_by=MANAGER,
                    created_at=now - timedelta(days=9),
                )
            )
        await s.flush()
        story = (await s.exec(select(Deliverable.id).where(Deliverable.title == "Story"))).scalar_one()
        for item, status in (
            ("disclosure_present", "pending"),
            ("brand_safety", "pending"),
            ("no_competitor_mention", "passed"),
        ):
            s.add(ComplianceCheck(team_id=TEAM, deliverable_id=story, item=item, status=status))
        return ivy.id


async def test_home_of_a_manager(world: World):
    engagement = await _seed(world)
    text, blocks = await _home(world, MANAGER)
    assert "Brand team" in text and "Your campaigns as an influencer" not in text
    waiting = text.split("Incidents waiting on you* (2)")[1].split("Open incidents")[0]
    assert "`BR-1` Late &lt;b&gt;" in waiting and "`BR-4` Zoe's" in waiting and "BR-2" not in waiting
    open_part = text.split("Open incidents* (3)")[1].split("Deliverables overdue")[0]
    assert "By severity: :red_circle: critical 1 · :large_orange_circle: major 1" in open_part
    assert "`BR-2`" in open_part and "`BR-3`" not in open_part
    assert (
        open_part.index("`BR-2`") < open_part.index("`BR-1`") < open_part.index("`BR-4`")
    )  # most severe first
    overdue = text.split("Deliverables overdue* (1)")[1].split("Deliverables due in the next 7 days")[0]
    assert "*Teaser*" in overdue and "*overdue*" in overdue
    soon = text.split("Deliverables due in the next 7 days* (1)")[1].split("Compliance checks pending")[0]
    assert "*Launch reel*" in soon and "Next month" not in soon
    checks = text.split("Compliance checks pending* (1)")[1].split("Reviews due")[0]
    assert "*Story*" in checks and "2 checks pending" in checks
    assert "Reviews due* (1)" in text and "Ivy on `spring` · no review yet" in text
    buttons = {
        (e["action_id"], e.get("value"))
        for b in blocks
        for e in (b.get("elements", []) if b["type"] == "actions" else [b.get("accessory") or {}])
        if e.get("type") == "button"
    }
    assert (Action.LOG_REVIEW, str(engagement)) in buttons
    assert (Action.HOME_NEW_CAMPAIGN, "new") in buttons
    assert (Action.REPORT_BREACH_PREFILLED, "{}") in buttons

    # "Log review" on the home tab opens the review modal prefilled with that engagement
    home = world.emulator.home(MANAGER)
    await world.slack.click_in_view(MANAGER, home.id, Action.LOG_REVIEW, value=str(engagement))
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.REVIEW_LOG
    select_block = next(b for b in view.blocks if b.get("block_id") == Field.ENGAGEMENT)
    assert select_block["element"]["initial_option"]["value"] == str(engagement)

    # the header buttons open the same modals as `/review`, `/campaign new` and `/breach`
    for action, value, callback in (
        (Action.LOG_REVIEW, None, Callback.REVIEW_LOG),
        (Action.HOME_NEW_CAMPAIGN, "new", Callback.CAMPAIGN_NEW),
        (Action.REPORT_BREACH_PREFILLED, "{}", Callback.BREACH_REPORT),
    ):
        await world.slack.click_in_view(MANAGER, home.id, action, block_id="home_brand_actions", value=value)
        assert world.top_view(MANAGER).callback_id == callback


def _buttons(blocks: list[dict]) -> set[tuple[str, str | None]]:
    return {
        (e["action_id"], e.get("value"))
        for b in blocks
        for e in (b.get("elements", []) if b["type"] == "actions" else [b.get("accessory") or {}])
        if e.get("type") == "button"
    }


async def test_home_of_a_member_and_of_legal_covers_only_their_campaigns(world: World):
    await _seed(world)
    for user in (MEMBER, LEGAL):
        text, blocks = await _home(world, user)
        # neither may create campaigns (only admins and campaign creators): no such button
        assert Action.HOME_NEW_CAMPAIGN not in {a for a, _ in _buttons(blocks)}
        assert "Brand team" in text and "Your campaigns as an influencer" not in text
        assert "Incidents waiting on you* (1)" in text and "`BR-1`" in text
        assert "Open incidents* (2)" in text and "`BR-2`" in text
        assert "BR-4" not in text and "Zoe" not in text  # autumn is not theirs
        assert "Reviews due* (1)" in text and "*Teaser*" in text


async def test_home_of_an_influencer(world: World):
    await _seed(world)
    text, blocks = await _home(world, IVY)
    assert "Brand team" not in text and "Reviews due" not in text and "Compliance" not in text
    assert "Guidelines to acknowledge* (1)" in text
    assert "`spring` *Spring Launch* — version 2 is waiting for your acknowledgement in <#" in text
    assert "My campaigns* (1)" in text and "`spring` *Spring Launch* for Acme · active" in text
    mine = text.split("My deliverables* (3)")[1].split("My open incidents")[0]
    assert "*Launch reel*" in mine and "*Teaser*" in mine and "*Next month*" in mine and "Story" not in mine
    incidents = text.split("My open incidents* (2)")[1]
    assert "`BR-1`" in incidents and "`BR-2`" in incidents and "BR-3" not in incidents
    assert "BR-4" not in text and "Zoe" not in text
    br2 = next(line for line in incidents.splitlines() if "`BR-2`" in line)
    assert "your response is due" in br2
    br1 = next(line for line in incidents.splitlines() if "`BR-1`" in line)
    assert "your response is due" not in br1  # the brand has the move
    assert not any(b["type"] == "actions" for b in blocks)


async def test_home_of_an_outsider_offers_a_new_campaign_only_to_a_creator(world: World):
    await _seed(world)
    text, blocks = await _home(world, OTTO)
    assert "You are not on any campaign yet. Ask a campaign manager to add you" in text
    assert "`/campaign role &lt;slug&gt; @you member`" in text  # not a link to "slug"
    assert "Create one" not in text and _buttons(blocks) == set()  # the form would refuse Otto
    assert "Brand team" not in text and "BR-" not in text and "Ivy" not in text
    await world.grant_creator(OTTO)  # the form is for admins and campaign creators (test_trust.py)
    text, blocks = await _home(world, OTTO)
    assert "You are not on any campaign yet. Create one" in text
    assert _buttons(blocks) == {(Action.HOME_NEW_CAMPAIGN, "new")}
    home = world.emulator.home(OTTO)
    await world.slack.click_in_view(OTTO, home.id, Action.HOME_NEW_CAMPAIGN)
    assert world.top_view(OTTO).callback_id == Callback.CAMPAIGN_NEW


async def test_an_invited_external_influencer_acknowledges_from_the_home(world: World):
    """Eve, invited by email through Slack Connect and not matched to a Slack id yet, is found by
    the email Slack shows for her; the home's button is the guidelines message's own."""
    await world.new_campaign()
    await world.invite(EVE_EMAIL)
    eve = world.emulator.accept_shared_invite(EVE_EMAIL)
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalar_one()
        assert (await s.exec(select(Influencer.slack_user_id))).scalar_one() is None
    text, blocks = await _home(world, eve.id)
    assert "Guidelines to acknowledge* (1)" in text and "`spring` *Spring Launch* — version 1" in text
    assert "My campaigns* (1)" in text and "not on any campaign" not in text
    assert "Brand team" not in text
    assert _buttons(blocks) == {(Action.ACKNOWLEDGE_GUIDELINES, f"{engagement.id}:1")}

    channel = engagement.channel_id
    home = world.emulator.home(eve.id)
    await world.slack.click_in_view(
        eve.id, home.id, Action.ACKNOWLEDGE_GUIDELINES, value=f"{engagement.id}:1"
    )
    async with world.db.transaction() as s:
        row = (await s.exec(select(Engagement))).scalar_one()
        assert (row.acknowledged_version, row.status) == (1, "active")
        assert (await s.exec(select(Influencer.slack_user_id))).scalar_one() == eve.id
    # the message in the channel says so too, as when its own button is pressed
    message = world.guidelines_message(channel)
    assert f"Acknowledged by <@{eve.id}>" in text_of(message)
    assert not any(b["type"] == "actions" for b in message.blocks)
    text, blocks = await _home(world, eve.id)  # republished
    assert "Guidelines to acknowledge* (0)" in text and "All acknowledged." in text
    assert _buttons(blocks) == set()

    # pressed again (a stale tab): the flow's own answer, by DM since a home click has no response_url
    await forged_home_click(world, eve.id, Action.ACKNOWLEDGE_GUIDELINES, f"{engagement.id}:1")
    assert world.dm_to(eve.id).startswith("You already acknowledged version 1")


async def test_home_items_open_the_card_log_a_review_and_open_the_checklist(world: World):
    engagement = await _seed(world)
    _, blocks = await _home(world, MANAGER)
    buttons = _buttons(blocks)
    assert {(Action.HOME_OPEN_INCIDENT, n) for n in ("1", "2", "4")} <= buttons
    story = next(
        b["accessory"]["value"]
        for b in blocks
        if (b.get("accessory") or {}).get("action_id") == Action.CHECKLIST_OPEN
        and "*Story*" in text_of({"blocks": [b]})
    )
    assert (Action.LOG_REVIEW, str(engagement)) in buttons
    home = world.emulator.home(MANAGER)

    # "Open checklist": the checklist modal of the deliverable card
    await world.slack.click_in_view(MANAGER, home.id, Action.CHECKLIST_OPEN, value=story)
    assert world.top_view(MANAGER).callback_id == Callback.CHECKLIST
    assert "Disclosure" in text_of({"blocks": world.top_view(MANAGER).blocks})

    # "Open" on an incident line: its card as a modal (BR-2 was stored without a posted card)
    await world.slack.click_in_view(MANAGER, home.id, Action.HOME_OPEN_INCIDENT, value="2")
    view = world.top_view(MANAGER)
    assert view.definition["title"]["text"] == "BR-2" and "BR-2" in text_of({"blocks": view.blocks})
    assert "The card is not available; `/breach show BR-2`" in text_of({"blocks": view.blocks})

    # someone who may not see it gets what `/breach show` says, by DM
    _, member_blocks = await _home(world, MEMBER)
    assert (Action.HOME_OPEN_INCIDENT, "4") not in _buttons(member_blocks)
    await world.slack.click_in_view(
        MEMBER, world.emulator.home(MEMBER).id, Action.HOME_OPEN_INCIDENT, value="1"
    )
    assert world.top_view(MEMBER).definition["title"]["text"] == "BR-1"
    await forged_home_click(world, MEMBER, Action.HOME_OPEN_INCIDENT, "4")
    assert world.dm_to(MEMBER) == ":mag: No incident BR-4 that you can see."


async def test_the_incident_modal_from_home_has_no_orphan_button_row_labels(world: World):
    """ "Open" on an incident in App Home shows the card without its buttons, and so without the
    labels ("For @Ivy", "For the brand team") that head them on the card in the channel."""
    await set_up_team(world)
    assert (await report(world)).ok
    await _home(world, IVY)
    await world.slack.click_in_view(IVY, world.emulator.home(IVY).id, Action.HOME_OPEN_INCIDENT, value="1")
    shown = text_of({"blocks": world.top_view(IVY).blocks})
    assert "BR-1" in shown
    assert "*For the brand team*" not in shown and f"*For <@{IVY}>*" not in shown


async def test_legal_sees_the_escalations_waiting_with_their_age(world: World):
    channel = await set_up_team(world)
    assert (await report(world)).ok
    card = card_of(world, channel)
    await world.slack.click(MEMBER, channel, card.ts, Action.INCIDENT_ESCALATE)
    view = world.top_view(MEMBER)
    await world.slack.submit_view(MEMBER, view.id, {Field.REASON: {Field.REASON: "Legal should decide."}})
    async with world.db.transaction() as s:
        escalated_at = (await s.exec(select(Incident.escalated_at))).scalar_one()
    assert escalated_at is not None
    world.clock.advance(timedelta(days=3, hours=2))

    text, blocks = await _home(world, LEGAL)
    part = text.split("Escalations waiting for legal* (1)")[1].split("Incidents waiting on you")[0]
    stamp = int(escalated_at.timestamp())
    assert "`BR-1`" in part and f"escalated <!date^{stamp}^{{ago}}|3 days ago>" in part
    assert (Action.HOME_OPEN_INCIDENT, "1") in _buttons(blocks)
    for user in (MANAGER, MEMBER):  # legal nowhere: no such section
        text, _ = await _home(world, user)
        assert "Escalations waiting for legal" not in text and "`BR-1`" in text

    # "Open": the card as a modal, with the card's permalink
    await world.slack.click_in_view(
        LEGAL, world.emulator.home(LEGAL).id, Action.HOME_OPEN_INCIDENT, value="1"
    )
    view = world.top_view(LEGAL)
    shown = text_of({"blocks": view.blocks})
    assert view.definition["title"]["text"] == "BR-1" and "Legal should decide." in shown
    link = (await world.stack.bot.services.client.chat_getPermalink(channel=channel, message_ts=card.ts))[
        "permalink"
    ]
    assert f"<{link}|Open the card> in <#{channel}>" in shown

    # resolved: no longer waiting for legal
    async with world.db.transaction() as s:
        await s.exec(
            update(Incident).values(
                status="resolved", outcome="warning", strikes=0, resolved_at=world.clock.now()
            )
        )
    text, _ = await _home(world, LEGAL)
    assert "Escalations waiting for legal* (0)" in text and "No escalation waits for you." in text


async def test_home_with_500_open_incidents(world: World):
    await world.new_campaign("spring")
    await world.invite(IVY)
    now = world.clock.now()
    severities = ("minor", "moderate", "major", "critical")
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement.id))).scalar_one()
        guideline = (await s.exec(select(Guideline.id))).scalars().first()
        s.add_all(
            _incident(
                engagement,
                guideline,
                n,
                severities[n % 4],
                "in_mediation" if n % 2 else "reported",
                now,
                responded_at=now if n % 2 else None,
            )
            for n in range(1, 501)
        )

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = world.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        started = time.perf_counter()
        text, blocks = await _home(world, MANAGER)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert len(blocks) <= 100
    # counts stop at the home's cap (storage.queries.home.COUNT_CAP): a glance, not a census
    assert "Incidents waiting on you* (100+)" in text and "…and 92+ more." in text
    assert "Open incidents* (400+)" in text and "…and 392+ more." in text
    assert "critical 100+ · :large_orange_circle: major 100+" in text
    shown = [line for line in text.splitlines() if "`BR-" in line]
    assert len(shown) == 16  # 8 per list
    # a handful of bounded statements, whatever the number of incidents (and five more the first
    # time in an hour, for the open incidents chart: bot/flows/insights.py home_blocks)
    assert len(statements) <= 15 + 5, statements
    for sql in statements:
        lowered = " ".join(sql.lower().split())
        if lowered.startswith("select") and "from incident" in lowered and "count(" not in lowered:
            assert "limit" in lowered, f"unbounded read of incidents: {sql}"
    assert elapsed < 3.0


async def test_home_of_someone_both_brand_and_creator(world: World):
    """Lee is legal on `spring` and a creator on `autumn` (stored before one person, one side held):
    the influencer side wins, so no brand lists (docs/trust-boundaries.md)."""
    await _seed(world)
    now = world.clock.now()
    async with world.db.transaction() as s:
        autumn = (await s.exec(select(Campaign.id).where(Campaign.slug == "autumn"))).scalar_one()
        lee = Influencer(team_id=TEAM, display_name="Lee", slack_user_id=LEGAL, created_at=now)
        s.add(lee)
        await s.flush()
        s.add(
            Engagement(
                team_id=TEAM,
                campaign_id=autumn,
                influencer_id=lee.id,
                channel_id="C0LEE",
                status="active",
                acknowledged_version=1,
                invited_by=MANAGER,
                created_at=now,
            )
        )
    text, _ = await _home(world, LEGAL)
    assert "Your campaigns as an influencer" in text and "`autumn` *Autumn &lt;Drop&gt;*" in text
    assert "My open incidents* (0)" in text  # BR-4 is Zoe's, not Lee's
    assert "Brand team" not in text and "BR-1" not in text
