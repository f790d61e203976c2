"""Every reminder kind fires at its times, to its target, and not otherwise (clock-driven)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.ids import Action
from scheduler import plans
from storage.models import ComplianceCheck, Deliverable, Engagement, IncidentEvent, Reminder
from tests.e2e.conftest import START
from tests.e2e.harness import IVY, MANAGER, World, report, set_up_team, text_of
from tests.scheduler.helpers import (
    H,
    add_deliverable,
    at,
    change_deliverable,
    dm_texts,
    engagement,
    reminders,
    texts,
)

ACK = "please read and acknowledge"


async def _invited(world: World) -> str:
    await world.new_campaign()
    await world.invite(IVY)
    return world.emulator.channel_by_name("cg-spring-ivy").id


async def test_guidelines_reminders_at_24h_and_72h_in_the_shared_channel(world: World):
    channel = await _invited(world)
    assert (await at(world, START + 24 * H - timedelta(seconds=1))).sent == 0
    assert texts(world, channel, ACK) == []
    await at(world, START + 24 * H)
    assert len(sent := texts(world, channel, ACK)) == 1 and f"<@{IVY}>" in sent[0]
    await at(world, START + 71 * H)
    assert len(texts(world, channel, ACK)) == 1
    await at(world, START + 72 * H)
    assert len(texts(world, channel, ACK)) == 2
    await at(world, START + 200 * H)
    assert len(texts(world, channel, ACK)) == 2
    rows = await reminders(world, kind="guidelines_unacknowledged")
    assert {r.status for r in rows.values()} == {"sent"} and all(r.sent_ts for r in rows.values())


async def test_acknowledging_cancels_and_starts_the_review_cadence(world: World):
    channel = await _invited(world)
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    rows = await reminders(world, kind="guidelines_unacknowledged")
    assert {r.status for r in rows.values()} == {"cancelled"}
    await at(world, START + 100 * H)
    assert texts(world, channel, ACK) == []

    # weekly from the campaign start (2027-03-01): 2027-03-08 09:00 UTC, owner by DM, with "Log review"
    e = await engagement(world)
    assert (await at(world, datetime(2027, 3, 8, 8, 59, tzinfo=UTC))).sent == 0
    await at(world, datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    review = [m for m in world.emulator.dm(MANAGER) if "review of" in text_of(m)]
    assert len(review) == 1 and "Ivy" in text_of(review[0])
    button = next(el for b in review[0].blocks if b["type"] == "actions" for el in b["elements"])
    assert (button["action_id"], button["value"]) == (Action.LOG_REVIEW, str(e.id))
    # the next occurrence is planned once this one is sent
    assert (await reminders(world, kind="review_due"))[f"review:{e.id}:2027-03-15"].status == "pending"
    await at(world, datetime(2027, 3, 15, 9, 0, tzinfo=UTC))
    assert len(dm_texts(world, MANAGER, "review of")) == 2


async def test_deliverable_due_and_overdue_chain(world: World):
    channel = await _invited(world)
    due = START + 100 * H
    d = await add_deliverable(world, due)
    expected = [
        (due - 72 * H, "in 3 days"),
        (due - 24 * H, "in 24 hours"),
        (due, "is due now"),
        (due + 24 * H, "is 1 day overdue"),
        (due + 48 * H, "is 2 days overdue"),
    ]
    for n, (moment, phrase) in enumerate(expected, start=1):
        await at(world, moment - timedelta(seconds=1))
        assert len(texts(world, channel, "Launch reel")) == n - 1
        await at(world, moment)
        sent = texts(world, channel, "Launch reel")
        assert len(sent) == n and phrase in sent[-1] and f"<@{IVY}>" in sent[-1]
    # at +48 h the owner is asked "Report missed deadline?", prefilled with the deadline clause
    dm = [m for m in world.emulator.dm(MANAGER) if "Report missed deadline" in text_of(m)]
    assert len(dm) == 1
    button = next(el for b in dm[0].blocks if b["type"] == "actions" for el in b["elements"])
    assert button["action_id"] == Action.REPORT_BREACH_PREFILLED
    assert json.loads(button["value"]) == {
        "engagement_id": d.engagement_id,
        "guideline_code": "G2",
        "evidence": [],
    }
    await at(world, due + 500 * H)
    assert len(texts(world, channel, "Launch reel")) == 5


async def test_a_late_overdue_reminder_says_how_late_the_deliverable_really_is(world: World):
    """A dispatcher that catches up late (after an outage) sends an overdue stage hours after its
    time: the reminder states the real delay at send time, not the stage's nominal 24 or 48 hours."""
    channel = await _invited(world)
    due = START + 100 * H
    await add_deliverable(world, due)
    await at(world, due + 44 * H)  # nothing ran since before the 24-hour stage
    overdue = texts(world, channel, "overdue")
    assert overdue and "is 1 day 20 hours overdue" in overdue[-1], overdue
    assert not any("24 hours overdue" in t for t in overdue)
    await at(world, due + 50 * H)
    assert "is 2 days 2 hours overdue; the brand team has been told" in texts(world, channel, "overdue")[-1]
    (owner,) = dm_texts(world, MANAGER, "Report missed deadline")
    assert "is 2 days 2 hours overdue" in owner


async def test_a_deliverable_due_soon_gets_no_past_reminders(world: World):
    channel = await _invited(world)
    await add_deliverable(world, START + 10 * H)
    assert set(await reminders(world, subject_type="deliverable")) == {
        f"deliverable:{k}" for k in ("1:t-0h", "1:overdue+24h", "1:overdue+48h", "1:overdue+48h:owner")
    }
    await at(world, START + 10 * H)
    assert len(texts(world, channel, "Launch reel")) == 1


async def test_editing_the_due_time_moves_the_reminders(world: World):
    channel = await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    await change_deliverable(world, d.id, due_at=START + 200 * H)
    rows = await reminders(world, subject_type="deliverable")
    assert rows[f"deliverable:{d.id}:t-24h"].due_at == START + 176 * H
    await at(world, START + 76 * H)  # the old t-24h
    assert texts(world, channel, "Launch reel") == []
    await at(world, START + 176 * H)
    assert len(texts(world, channel, "in 24 hours")) == 1


async def test_submitted_deliverable_cancels_and_the_cancellation_holds(world: World):
    channel = await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    await change_deliverable(world, d.id, status="submitted", submitted_at=START + H)
    rows = await reminders(world, subject_type="deliverable")
    assert {r.status for r in rows.values()} == {"cancelled"}
    await change_deliverable(world, d.id, title="Launch reel v2")  # re-planning keeps them cancelled
    for hours in (28, 76, 100, 124, 148, 400):
        await at(world, START + hours * H)
    assert texts(world, channel, "Launch reel") == []


async def test_the_dispatcher_rechecks_the_subject_before_sending(world: World):
    """A change that raced the planner (no re-plan) still stops the reminder."""
    channel = await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    await change_deliverable(world, d.id, replan=False, status="cancelled")
    done = await at(world, START + 28 * H)
    assert done.cancelled == 1  # (the guidelines reminder at +24 h is sent meanwhile)
    assert texts(world, channel, "Launch reel") == []
    assert (await reminders(world))[f"deliverable:{d.id}:t-72h"].status == "cancelled"


async def test_a_reminder_says_what_its_subjects_plan_says_now_not_what_its_row_kept(world: World):
    """The dispatcher sends a row as the re-check's plan wants it (same key, same due time): what
    the row stored when it was planned (its payload) is not read, so a stale one changes nothing."""
    channel = await _invited(world)
    due = START + 100 * H
    d = await add_deliverable(world, due)
    key = (await reminders(world))[f"deliverable:{d.id}:t-0h"].dedupe_key
    async with world.db.transaction() as s:
        stale = {"stage": "overdue+48h", "due_at": (due - 500 * H).isoformat()}
        await s.exec(update(Reminder).where(Reminder.dedupe_key == key).values(payload=stale))
    await at(world, due)
    (sent,) = texts(world, channel, "Launch reel")[-1:]
    assert "is due now" in sent and "overdue" not in sent


async def test_after_downtime_only_the_latest_meaningful_reminder_is_sent(world: World):
    channel = await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    done = await at(world, START + 101 * H)  # down from before t-72h until after the due time
    # the guidelines chain too: +72 h is sent, +24 h superseded
    assert (done.sent, done.superseded) == (2, 3)
    assert len(texts(world, channel, ACK)) == 1
    sent = texts(world, channel, "Launch reel")
    assert len(sent) == 1 and "is due now" in sent[0]  # no "due in 24 h" after the deadline
    rows = await reminders(world, subject_type="deliverable")
    assert (
        rows[f"deliverable:{d.id}:t-72h"].status == rows[f"deliverable:{d.id}:t-24h"].status == "superseded"
    )


async def test_a_row_is_not_superseded_by_a_later_one_that_is_no_longer_wanted(world: World):
    """The claim says which rows a later one replaces; when that later row is itself closed as
    unwanted in the same pass, the earlier one is sent, as if the later one had never been."""
    channel = await _invited(world)
    rows = sorted((await reminders(world, kind="guidelines_unacknowledged")).values(), key=lambda r: r.due_at)
    first, later = rows[0], rows[-1]
    async with world.db.transaction() as s:  # written around the planner: no plan wants it now
        await s.exec(update(Reminder).where(Reminder.id == later.id).values(due_at=later.due_at + H))
    done = await at(world, later.due_at + 2 * H)  # both due at once
    assert (done.sent, done.superseded, done.cancelled) == (1, 0, 1)
    after = {r.id: r for r in (await reminders(world, kind="guidelines_unacknowledged")).values()}
    assert after[first.id].status == "sent" and after[later.id].status == "cancelled"
    assert len(texts(world, channel, ACK)) == 1


async def test_compliance_checklist_reminder(world: World):
    await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    published = START + 50 * H
    world.clock.set(published)
    async with world.db.transaction() as s:
        s.add(ComplianceCheck(team_id=d.team_id, deliverable_id=d.id, item="disclosure_present"))
        s.add(ComplianceCheck(team_id=d.team_id, deliverable_id=d.id, item="brand_safety", status="passed"))
    await change_deliverable(
        world, d.id, status="published", published_at=published, published_url="https://x.example/p"
    )
    await at(world, published + 24 * H - timedelta(seconds=1))
    assert dm_texts(world, MANAGER, "compliance") == []
    await at(world, published + 24 * H)
    sent = dm_texts(world, MANAGER, "compliance")
    assert len(sent) == 1 and "1 compliance check still pending" in sent[0]


async def test_a_completed_checklist_cancels_the_compliance_reminder(world: World):
    await _invited(world)
    d = await add_deliverable(world, START + 100 * H)
    async with world.db.transaction() as s:
        s.add(ComplianceCheck(team_id=d.team_id, deliverable_id=d.id, item="disclosure_present"))
    await change_deliverable(world, d.id, status="published", published_at=START + H)
    async with world.db.transaction() as s:
        await s.exec(update(ComplianceCheck).values(status="passed"))
        await plans.checklist(s, await s.get(Deliverable, d.id), world.clock.now())
    assert (await reminders(world))[f"deliverable:{d.id}:compliance"].status == "cancelled"
    await at(world, START + 30 * H)
    assert dm_texts(world, MANAGER, "compliance") == []


async def test_mediation_reminders_in_the_thread_and_automatic_escalation(world: World):
    channel = await set_up_team(world)
    await report(world)  # G1, major: 48 h cure period
    rows = await reminders(world, subject_type="incident")
    half, end = rows["incident:1:half"], rows["incident:1:end"]
    assert (half.due_at, end.due_at) == (START + 24 * H, START + 48 * H)
    card_ts = (await incident_row(world)).card_ts  # posted after the reminders were planned

    await at(world, START + 24 * H)
    thread = [text_of(m) for m in world.emulator.replies(channel, card_ts)]
    assert sum("half of the cure period" in t for t in thread) == 1
    assert all("half of the cure period" not in t for t in texts(world, channel, "BR-1"))  # thread only

    done = await at(world, START + 48 * H)
    assert done.escalated == 1
    thread = [text_of(m) for m in world.emulator.replies(channel, card_ts)]
    assert sum("escalated to the legal team" in t for t in thread) == 1
    async with world.db.transaction() as s:
        events = (await s.exec(select(IncidentEvent).order_by(IncidentEvent.id))).scalars().all()
    assert [e.kind for e in events].count("escalated") == 1
    assert [e.kind for e in events].count("reminder_sent") == 2


async def incident_row(world: World):
    from storage.models import Incident

    async with world.db.transaction() as s:
        return (await s.exec(select(Incident))).scalars().one()


async def test_a_response_cancels_the_mediation_reminders(world: World):
    await set_up_team(world)
    await report(world)
    async with world.db.transaction() as s:
        from storage.models import Incident

        incident = (await s.exec(select(Incident))).scalars().one()
        incident.responded_at = START + H
        incident.status = "in_mediation"
        s.add(incident)
        await plans.incident(s, incident, world.clock.now())
    rows = await reminders(world, kind="mediation_response")
    assert {r.status for r in rows.values()} == {"cancelled"}
    done = await at(world, START + 49 * H)
    assert done.escalated == 0 and done.sent == 0


async def test_incident_unresolved_daily_after_seven_days_then_stops(world: World):
    await set_up_team(world)
    await report(world, severity="minor")
    before = len(dm_texts(world, MANAGER, "open for"))
    await at(world, START + 7 * 24 * H - timedelta(seconds=1))
    assert len(dm_texts(world, MANAGER, "open for")) == before
    await at(world, START + 7 * 24 * H)
    assert len(dm_texts(world, MANAGER, "open for 7 days")) == 1
    await at(world, START + 8 * 24 * H)
    assert len(dm_texts(world, MANAGER, "open for 8 days")) == 1
    async with world.db.transaction() as s:
        from storage.models import Incident

        incident = (await s.exec(select(Incident))).scalars().one()
        incident.status = "resolved"
        s.add(incident)
        await plans.incident(s, incident, world.clock.now())
    await at(world, START + 12 * 24 * H)
    assert len(dm_texts(world, MANAGER, "open for")) == 2


async def test_a_new_guidelines_version_asks_again(world: World):
    channel = await _invited(world)
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    world.clock.set(START + 5 * 24 * H)
    from storage.models import Campaign, Guideline

    async with world.db.transaction() as s:
        campaign = (await s.exec(select(Campaign))).scalars().one()
        await s.exec(update(Guideline).where(Guideline.code == "G1").values(updated_at=world.clock.now()))
        campaign.guidelines_version = 2
        s.add(campaign)
        await plans.campaign(s, campaign, world.clock.now())
    rows = await reminders(world, kind="guidelines_unacknowledged")
    e = await engagement(world)
    assert rows[f"engagement:{e.id}:v2:ack+24h"].due_at == START + 6 * 24 * H
    await at(world, START + 6 * 24 * H)
    sent = texts(world, channel, ACK)
    assert len(sent) == 1 and "version 2" in sent[0]


async def test_a_terminated_engagement_gets_nothing(world: World):
    channel = await _invited(world)
    await add_deliverable(world, START + 100 * H)
    async with world.db.transaction() as s:
        await s.exec(update(Engagement).values(status="terminated"))
    await at(world, START + 300 * H)
    assert texts(world, channel, "Launch reel") == [] and texts(world, channel, ACK) == []


async def _notes(world: World, **where) -> dict[str, tuple[str, str | None]]:
    return {key: (r.status, r.last_error) for key, r in (await reminders(world, **where)).items()}


async def test_a_terminated_engagement_cancels_with_the_reason(world: World):
    """Terminated by another incident's resolution (nothing re-plans the engagement's rows): the
    dispatcher's re-check cancels them, saying why, and its open incidents go quiet too — no
    mediation reminder to the influencer, no automatic escalation, no "still unresolved"."""
    channel = await set_up_team(world)
    await add_deliverable(world, START + 100 * H)
    await report(world)
    async with world.db.transaction() as s:
        await s.exec(update(Engagement).values(status="terminated"))
    legal = world.emulator.channel_by_name("legal").id
    legal_before = len(world.emulator.history(legal))
    posted = len(world.emulator.calls_to("chat.postMessage"))
    done = await at(world, START + 30 * 24 * H)
    assert (done.sent, done.escalated) == (0, 0)
    assert texts(world, channel, "Launch reel") == []
    assert dm_texts(world, MANAGER, "open for") == []
    assert len(world.emulator.history(legal)) == legal_before
    assert len(world.emulator.calls_to("chat.postMessage")) == posted  # nothing in the thread either
    notes = await _notes(world)
    assert notes["incident:1:end"] == ("cancelled", "engagement terminated")
    assert {notes[k] for k in notes if k.startswith("deliverable:")} == {
        ("cancelled", "engagement terminated")
    }


async def test_a_completed_or_cancelled_campaign_stops_guidelines_and_deliverable_reminders(world: World):
    from storage.models import Campaign

    channel = await _invited(world)
    await add_deliverable(world, START + 100 * H)
    async with world.db.transaction() as s:
        await s.exec(update(Campaign).values(status="completed"))
    done = await at(world, START + 200 * H)
    assert done.sent == 0
    assert texts(world, channel, ACK) == [] and texts(world, channel, "Launch reel") == []
    assert dm_texts(world, MANAGER, "Report missed deadline") == []
    notes = await _notes(world)
    assert {status for status, _ in notes.values()} <= {"cancelled", "superseded"}
    assert ("cancelled", "campaign completed") in notes.values()


async def test_an_uninstalled_workspace_gets_nothing_and_its_rows_say_why(world: World):
    """`app_uninstalled` / `tokens_revoked` mark the workspace inactive (handlers/events.py)."""
    from tests.e2e.harness import uninstall

    channel = await _invited(world)
    await add_deliverable(world, START + 100 * H)
    await uninstall(world)
    posted = len(world.emulator.calls_to("chat.postMessage"))
    done = await at(world, START + 200 * H)
    assert (done.sent, done.cancelled) == (0, 8)  # 2 guidelines, 5 deliverable, 1 the owner's
    assert len(world.emulator.calls_to("chat.postMessage")) == posted
    assert texts(world, channel, ACK) == [] and texts(world, channel, "Launch reel") == []
    notes = await _notes(world)
    assert set(notes.values()) == {("cancelled", "app uninstalled from the workspace")}


async def test_logging_a_review_settles_that_periods_reminder_at_once(world: World):
    from tests.e2e.test_reviews import _open_review, _values

    channel = await _invited(world)
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    e = await engagement(world)
    key = f"review:{e.id}:2027-03-08"
    assert (await reminders(world, kind="review_due"))[key].status == "pending"
    world.clock.set(datetime(2027, 3, 7, 12, 0, tzinfo=UTC))  # inside the first period
    view = await _open_review(world)
    reply = await world.slack.submit_view(MANAGER, view.id, _values(str(e.id)))
    assert reply.ok and not reply.body, reply.body
    rows = await reminders(world, kind="review_due")
    assert rows[key].status == "cancelled"  # settled in the review's own transaction
    await at(world, datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    assert dm_texts(world, MANAGER, "review of") == []
