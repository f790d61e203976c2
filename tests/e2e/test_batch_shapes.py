"""Round trips of the hot paths, on both databases (bench/scale.py measures their speed at a million
incidents; these check the shapes): a report is stored in a fixed, small number of statements and
its first timeline event still chains; a batch of deliverables' facts (the dispatcher's claim pass)
is two statements whatever its size; the overdue sweep is one."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select, text

from bot.domain import chain
from bot.flows.deliverables import mark_overdue
from bot.ids import Field
from storage.models import ComplianceCheck, Deliverable, Engagement, Incident, IncidentEvent, Reminder
from storage.queries import reminders as reminder_q
from tests.e2e.harness import (
    IVY,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    option_value,
    report_values,
    set_up_team,
    text_of,
)
from tests.e2e.test_deliverables import setup as deliverable_setup
from tests.e2e.test_report_quote import IVYS, OTTOS, REFUSED, choose, shortcut_on, submit, two_influencers

TEAM = "T0CAMPAIGN"


@contextmanager
def statements(world: World):
    """Every SQL statement sent meanwhile, and "COMMIT" at each commit."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    def commit(conn) -> None:
        seen.append("COMMIT")

    engine = world.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", commit)


async def _submit_report(world: World):
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    engagement = option_value(view, Field.ENGAGEMENT, "Spring Launch · Ivy")
    await world.slack.click_in_view(MEMBER, view.id, "report_engagement", value=engagement)
    view = world.top_view(MEMBER)
    values = {
        Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G1 ")},
        Field.DESCRIPTION: {Field.DESCRIPTION: "Posted the launch reel without #ad."},
        Field.EVIDENCE: {Field.EVIDENCE: "https://instagram.example/p/123"},
    }
    with statements(world) as seen:
        reply = await world.slack.submit_view(MEMBER, view.id, values)
    assert reply.ok
    return seen


async def test_a_report_is_stored_in_seven_statements_and_three_on_postgresql(world: World):
    """The submission's transaction: its context (engagement, influencer, campaign, clause, role,
    possible duplicate) in one read, the double-submit guard, the incident, its first event, its
    reminders, its number. On PostgreSQL three: generic plans for the report's own statements
    (planning the context's cost more than running it), the context's statement also records the
    form's submission (the guard) and takes the incident's id from its sequence, one statement
    writes the incident, its event and its reminders, and the commit takes the number. Fourteen
    before; each is a round trip and a turn of the event loop that concurrent reports queue
    behind."""
    await set_up_team(world)
    seen = await _submit_report(world)
    inserted = next(k for k, sql in enumerate(seen) if "INSERT INTO incident " in sql)
    begun = max((k for k in range(inserted) if seen[k] == "COMMIT"), default=-1) + 1
    transaction = seen[begun : seen.index("COMMIT", inserted)]
    postgresql = world.db.dialect == "postgresql"
    assert len(transaction) == (3 if postgresql else 7), "\n".join(transaction)
    if postgresql:
        generic, context, written = transaction
        assert generic == "SET LOCAL plan_cache_mode = force_generic_plan", generic
        assert context.startswith("WITH first_delivery AS (INSERT INTO processed_event"), context
        assert "nextval('incident_id_seq'::regclass)" in context, context
        assert written.startswith("WITH new_incident AS (INSERT INTO incident "), written
        assert "INSERT INTO reminder " in written and "INSERT INTO incident_event " in written, written
        assert not [sql for sql in transaction if "counter" in sql], transaction  # migration 0009
    else:
        assert transaction[0].startswith("SELECT")
        assert transaction[-1].startswith("UPDATE incident SET number"), transaction
    # nothing reads the new incident's reminder rows or its (empty) timeline back
    assert not [sql for sql in transaction if sql.startswith("SELECT") and "FROM reminder" in sql]
    assert not [sql for sql in transaction if "FROM incident_event" in sql]


async def test_a_report_that_asks_again_lists_the_users_campaigns_with_custom_plans(world: World):
    """A report's own statements run with generic plans; when the form comes back ("report
    anyway?"), the user's campaigns are read after the transaction is set back to plans made with
    their values, as every list is (a generic plan of a list shaped for a few campaigns took
    minutes for a user on thousands)."""
    await set_up_team(world)
    await _submit_report(world)
    seen = await _submit_report(world)  # the same clause again within a day: asked first
    assert "Possible duplicate" in str(world.top_view(MEMBER).blocks)
    modes = [(k, sql) for k, sql in enumerate(seen) if "plan_cache_mode" in sql]
    if world.db.dialect != "postgresql":
        assert modes == []
        return
    (generic, first), (custom, second) = modes
    assert first.endswith("force_generic_plan") and second.endswith("force_custom_plan"), modes
    context = next(k for k, sql in enumerate(seen) if sql.startswith("WITH first_delivery AS"))
    assert generic < context < custom
    # what comes after is the form asked again: the user's campaigns and their clauses
    assert [sql for sql in seen[custom + 1 :] if "FROM campaign_role" in sql or "FROM guideline" in sql]
    assert not [sql for sql in seen[custom + 1 :] if "INSERT INTO incident" in sql]


def _read_with_custom_plans_after_the_context(seen: list[str], dialect: str) -> None:
    """After a report's context statement, nothing is read before the transaction is set back to
    custom plans (a refusal or a form asked again reads what the user may see)."""
    modes = [sql for sql in seen if "plan_cache_mode" in sql]
    if dialect != "postgresql":
        assert modes == []
        return
    context = next(k for k, sql in enumerate(seen) if sql.startswith("WITH first_delivery AS"))
    assert seen[context - 1].endswith("force_generic_plan"), seen[context - 1]
    after = seen[context + 1 :]
    custom = next(k for k, sql in enumerate(after) if sql.endswith("force_custom_plan"))
    assert not [sql for sql in after[:custom] if sql.startswith(("SELECT", "WITH"))], after[:custom]


async def test_a_refused_report_reads_with_custom_plans(world: World):
    """Forged by Otto (no part in the engagement) or by Ivy (its influencer), and a quote of
    Ivy's channel filed on Otto's engagement: each refusal reads who the user is to the campaign,
    or their campaigns, with plans made for their values."""
    ivy_channel, _ = await two_influencers(world)
    await world.run(MEMBER, "/breach")
    view = world.top_view(MEMBER)
    values = report_values(view, IVYS, "forged", int(world.clock.now().timestamp()))
    for forger in (OTTO, IVY):
        with statements(world) as seen:
            forged = await world.forge_submission(forger, view, values)
        assert Field.ENGAGEMENT in forged.body["errors"]
        _read_with_custom_plans_after_the_context(seen, world.db.dialect)

    view = await choose(world, await shortcut_on(world, MEMBER, ivy_channel), OTTOS)
    with statements(world) as seen:
        reply = await submit(world, view)
    assert reply.body == REFUSED
    _read_with_custom_plans_after_the_context(seen, world.db.dialect)
    assert await world.count(Incident) == 0


async def test_a_reports_first_event_chains_and_its_reminders_are_the_plan(world: World):
    await set_up_team(world)
    await _submit_report(world)
    async with world.db.transaction() as s:
        incident = (await s.exec(select(Incident))).scalars().one()
        events = (
            (await s.exec(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)))
            .scalars()
            .all()
        )
        verdict = chain.verify(sorted(events, key=lambda e: e.id))
        assert verdict.intact and verdict.head == events[-1].hash
        kinds = (
            (
                await s.exec(
                    select(Reminder.kind).where(
                        Reminder.subject_type == "incident", Reminder.status == "pending"
                    )
                )
            )
            .scalars()
            .all()
        )
        assert sorted(kinds) == ["incident_unresolved", "mediation_response", "mediation_response"]
        # the rows written without reading any are exactly what the planner's sync keeps
        facts = (await reminder_q.incident_facts(s, [incident.id]))[incident.id]
        assert await reminder_q.sync(s, facts, world.clock.now()) == reminder_q.SyncResult()


async def test_deliverable_facts_are_two_statements_for_any_batch(world: World):
    """The facts of 1 or 12 deliverables: one statement, with the campaign's deadline clause and the
    count of pending compliance checks (None while the checklist has no items); and one for the
    whole batch's brand contacts (which owners are influencers)."""
    await set_up_team(world)
    now = world.clock.now()
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().first()
        rows = [
            Deliverable(
                team_id=TEAM,
                engagement_id=engagement.id,
                title=f"Post {k}",
                platform="instagram",
                due_at=now + timedelta(days=1 + k),
                created_by=MANAGER,
                created_at=now,
            )
            for k in range(12)
        ]
        s.add_all(rows)
        await s.flush()
        ids = [row.id for row in rows]
        for item, status in (
            ("disclosure_present", "pending"),
            ("brand_safety", "pending"),
            ("no_competitor_mention", "passed"),
        ):
            s.add(ComplianceCheck(team_id=TEAM, deliverable_id=ids[0], item=item, status=status))
        s.add(ComplianceCheck(team_id=TEAM, deliverable_id=ids[1], item="brand_safety", status="passed"))
    counts = []
    for batch in (ids[:1], ids):
        async with world.db.transaction() as s:
            with statements(world) as seen:
                facts = await reminder_q.deliverable_facts(s, batch)
        counts.append(len([sql for sql in seen if sql != "COMMIT"]))
        assert sorted(facts) == sorted(batch)
    assert counts == [2, 2], counts
    assert facts[ids[0]].checks_pending == 2
    assert facts[ids[1]].checks_pending == 0
    assert facts[ids[2]].checks_pending is None
    assert {f.deadline_code for f in facts.values()} == {"G2"}  # "Deliver on time"
    assert facts[ids[3]].influencer.slack_user_id == IVY
    assert {f.brand_contact for f in facts.values()} == {MANAGER}  # the owner, not an influencer
    # and the planner reads them as before: planned in bulk once, planning again changes nothing
    for expected in (False, True):
        async with world.db.transaction() as s:
            synced = await reminder_q.sync_many(s, (await reminder_q.deliverable_facts(s, ids)).values(), now)
        assert (synced == reminder_q.SyncResult()) is expected, synced


async def test_the_claim_pass_runs_its_batch_statements_with_generic_plans(world: World):
    """The dispatcher's claim transaction asks PostgreSQL for generic plans first (storage.db
    `generic_plans`): its statements' shape depends only on a batch's size, and a custom plan of a
    500-id `= ANY($1)` hashed whole tables. Only that transaction: a list after it is planned
    with its values (the connection's `force_custom_plan`)."""
    await set_up_team(world)
    await _submit_report(world)
    world.clock.advance(timedelta(days=3))  # the mediation reminders are due
    with statements(world) as seen:
        done = await world.stack.bot.dispatcher.tick()
    assert done.sent
    claims = [sql for sql in seen if sql.startswith("UPDATE reminder SET lease_until") and "LIMIT" in sql]
    generic = [sql for sql in seen if "plan_cache_mode" in sql]
    assert len(claims) >= 2  # a tick claims until nothing is due
    if world.db.dialect == "postgresql":
        # each claim's transaction begins with it, and nothing else has it (the tick's overdue
        # sweep is one statement, planned with its values)
        assert seen[0] == "SET LOCAL plan_cache_mode = force_generic_plan", seen[:2]
        assert len(generic) == len(claims), "\n".join(sql[:90] for sql in seen)
    else:
        assert generic == []
    with statements(world) as listed:
        await world.run(MANAGER, "/breach list all")
    assert [sql for sql in listed if sql.startswith("SELECT")]
    assert not [sql for sql in listed if "plan_cache_mode" in sql]
    if world.db.dialect == "postgresql":
        async with world.db.transaction() as s:
            assert (await s.exec(text("SHOW plan_cache_mode"))).scalar_one() == "force_custom_plan"


async def test_the_overdue_sweep_is_one_statement_and_leaves_the_reminders_as_planned(world: World):
    """The sweep's transaction is the UPDATE that marks the batch late, nothing more: a late
    deliverable wants the reminders it was given while planned, so the sweep reads none and writes
    none. They go out as planned (the first overdue one a day after the due time)."""
    d, channel = await deliverable_setup(world)

    async def reminders() -> set[tuple]:
        async with world.db.transaction() as s:
            mine = Reminder.subject_type == "deliverable", Reminder.subject_id == d.id
            rows = (await s.exec(select(Reminder).where(*mine))).scalars().all()
        return {(r.id, r.dedupe_key, r.status, r.due_at, r.target_channel, r.target_user) for r in rows}

    planned = await reminders()
    assert {key.rsplit(":", 1)[-1] for _, key, *_ in planned} >= {"overdue+24h", "overdue+48h", "owner"}
    world.clock.advance(timedelta(days=3, minutes=1))
    with statements(world) as seen:
        marked = await mark_overdue(world.stack.bot.services, cards=False)
    assert marked == [d.id]
    assert len(seen) == 2 and seen[0].startswith("UPDATE deliverable SET status"), seen
    assert seen[1] == "COMMIT"
    assert await reminders() == planned
    world.clock.advance(timedelta(days=1))
    await world.stack.bot.dispatcher.tick()
    assert "is 1 day overdue" in " ".join(text_of(m) for m in world.emulator.history(channel))
