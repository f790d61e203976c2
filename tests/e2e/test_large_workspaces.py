"""Shapes that keep a large workspace fast (bench/scale.py measures the speed; these check the
shapes on both databases): lists are pages with "Show more", App Home counts stop at a cap and
offer "View all", the export streams in batches with the ids as one parameter, the overdue sweep
and a report cost a fixed number of statements, the report takes its number last (in the commit,
on PostgreSQL)."""

from __future__ import annotations

import asyncio
import csv
import io
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, func, select, update

from bot.flows.deliverables import mark_overdue
from bot.ids import Action
from storage.models import Deliverable, Engagement, Guideline, Incident, IncidentEvent
from storage.queries import incidents as incident_q
from storage.queries.home import COUNT_CAP
from tests.e2e.harness import IVY, MANAGER, World, report, set_up_team, text_of

TEAM = "T0CAMPAIGN"


@contextmanager
def statements(world: World):
    """Every SQL statement the bot sends meanwhile, with its parameters, and ("COMMIT", None) at
    each commit."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    def commit(conn) -> None:
        seen.append(("COMMIT", None))

    engine = world.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", commit)


async def seed_incidents(world: World, n: int, *, status: str = "reported", events: int = 0) -> None:
    """`n` incidents BR-1…BR-n on the only engagement, straight into the store."""
    now = world.clock.now()
    async with world.db.transaction() as s:
        engagement = (await s.exec(select(Engagement))).scalars().first()
        guideline = (await s.exec(select(Guideline.id))).scalars().first()
        rows = [
            Incident(
                team_id=TEAM,
                number=k,
                engagement_id=engagement.id,
                guideline_id=guideline,
                guidelines_version=1,
                severity=("minor", "moderate", "major", "critical")[k % 4],
                title=f"Incident {k}",
                description=f"What happened, {k}",
                occurred_at=now - timedelta(days=2),
                reporter_id=MANAGER,
                status=status,
                channel_id=engagement.channel_id,
                response_due_at=now + timedelta(hours=k),
                created_at=now - timedelta(days=1),
                updated_at=now,
            )
            for k in range(1, n + 1)
        ]
        s.add_all(rows)
        await s.flush()
        for row in rows:
            for _ in range(events):
                incident_q.add_event(s, row, "note", now, MANAGER, "a note")


async def _campaign(world: World) -> None:
    await world.new_campaign("spring")
    await world.invite(IVY)


def _last_ephemeral(world: World, user: str):
    seen = world.emulator.ephemerals(user)
    assert seen, f"{user} got no ephemeral message"
    return seen[-1]


def _numbers(text: str) -> list[int]:
    return [int(word[4:].rstrip("*")) for word in text.replace("\n", " ").split() if word.startswith("*BR-")]


async def test_breach_list_is_paged_with_show_more(world: World):
    await _campaign(world)
    await seed_incidents(world, incident_q.LIST_PAGE + 5)
    await world.run(MANAGER, "/breach list all")
    first = _last_ephemeral(world, MANAGER)
    text = text_of(first)
    assert f"*All incidents* ({incident_q.LIST_PAGE + 5})" in text
    assert _numbers(text) == list(range(incident_q.LIST_PAGE + 5, 5, -1))  # newest first, one page
    assert "Show more" in text

    await world.slack.click(MANAGER, first.channel, first.ts, Action.INCIDENT_LIST_MORE)
    second = _last_ephemeral(world, MANAGER)
    assert second.ts != first.ts  # a new message under the first page
    text = text_of(second)
    assert "continued from BR-5" in text
    assert _numbers(text) == [5, 4, 3, 2, 1]
    assert "Show more" not in text  # the last page


async def test_a_large_scopes_page_and_count_are_read_side_by_side_the_same(world: World, monkeypatch):
    await _campaign(world)
    await seed_incidents(world, incident_q.LIST_PAGE + 5)
    shown, commits = [], []
    for large_from in (incident_q.LARGE_SCOPE, 0):  # the manager's one engagement: small, then large
        monkeypatch.setattr(incident_q, "LARGE_SCOPE", large_from)
        with statements(world) as seen:
            await world.run(MANAGER, "/breach list all")
        shown.append(text_of(_last_ephemeral(world, MANAGER)))
        commits.append(sum(statement == "COMMIT" for statement, _ in seen))
    assert shown[0] == shown[1]
    assert f"*All incidents* ({incident_q.LIST_PAGE + 5})" in shown[1] and "Show more" in shown[1]
    assert commits[1] == commits[0] + 2  # the page and the count in transactions of their own


async def test_show_more_with_a_forged_value_shows_nothing_new(world: World):
    await _campaign(world)
    await seed_incidents(world, incident_q.LIST_PAGE + 1)
    await world.run(MANAGER, "/breach list all")
    page = _last_ephemeral(world, MANAGER)
    button = next(b for b in page.blocks if b.get("block_id") == "incident_list_more")
    button["elements"][0]["value"] = '{"before": "1; DROP TABLE incident", "slug": 7}'
    await world.slack.click(MANAGER, page.channel, page.ts, Action.INCIDENT_LIST_MORE)
    assert world.said_to(MANAGER) == "No more open incidents you can see."


async def test_home_counts_stop_at_a_cap_and_offer_view_all(world: World):
    await _campaign(world)
    await seed_incidents(world, incident_q.COUNT_CAP + 20, status="in_mediation")
    await world.slack.open_home(MANAGER)
    home = world.emulator.home(MANAGER)
    text = text_of({"blocks": home.blocks})
    # in mediation, not responded: waiting on the brand; that count stops at the cap
    assert f"Incidents waiting on you* ({COUNT_CAP:,}+)" in text
    assert f"…and {COUNT_CAP - 8:,}+ more." in text
    # open incidents are counted per severity, each up to the cap (255 each here)
    assert f"Open incidents* ({4 * COUNT_CAP:,}+)" in text
    assert f"critical {COUNT_CAP}+ · :large_orange_circle: major {COUNT_CAP}+" in text
    assert len([line for line in text.splitlines() if "`BR-" in line]) == 16  # 8 per incident list
    assert text.count("View all") == 2

    await world.slack.click_in_view(MANAGER, home.id, Action.HOME_VIEW_ALL, value="open")
    listed = world.dm_to(MANAGER)
    assert f"*Open incidents* ({incident_q.COUNT_CAP:,}+)" in listed
    assert _numbers(listed)[:3] == [incident_q.COUNT_CAP + n for n in (20, 19, 18)]


async def test_export_streams_batches_with_the_ids_as_one_parameter(world: World, monkeypatch):
    await _campaign(world)
    await seed_incidents(world, 7, events=2)
    async with world.db.transaction() as s:
        fifth = (await s.exec(select(Incident).where(Incident.number == 5))).scalar_one()
        incident_q.add_event(s, fifth, "thread_reply", world.clock.now(), IVY, "sorry")
    monkeypatch.setattr(incident_q, "EXPORT_BATCH", 3)
    with statements(world) as seen:
        await world.run(MANAGER, "/breach export spring")
    assert world.said_to(MANAGER).startswith(
        ":inbox_tray: Sent `incidents-spring-2027-03-01.csv` (7 incidents)"
    )
    rows = list(csv.reader(io.StringIO(list(world.emulator.files.values())[-1].content.decode())))
    assert [r[0] for r in rows[1:]] == [f"BR-{n}" for n in range(7, 0, -1)]  # every batch, in order
    async with world.db.transaction() as s:
        events = dict(
            (
                await s.exec(
                    select(Incident.number, func.count(IncidentEvent.id))
                    .join(IncidentEvent, IncidentEvent.incident_id == Incident.id)
                    .group_by(Incident.number)
                )
            ).all()
        )
    per_incident = {f"BR-{number}": n for number, n in events.items()}
    assert {r[0]: int(r[-3]) for r in rows[1:]} == per_incident
    assert {r[0]: int(r[-2]) for r in rows[1:] if r[-2] != "0"} == {"BR-5": 1}  # thread replies
    counting = [
        (sql, params) for sql, params in seen if "incident_event" in sql and "GROUP BY" in sql.upper()
    ]
    assert len(counting) == 3  # batches of 3, 3 and 1
    for _, params in counting:
        assert len(params) == 1  # the batch's ids: one array (PostgreSQL) or one JSON list (SQLite)


async def test_overdue_sweep_costs_the_same_statements_for_3_or_30(world: World):
    await _campaign(world)
    now = world.clock.now()

    async def overdue(n: int) -> None:
        async with world.db.transaction() as s:
            engagement = (await s.exec(select(Engagement))).scalars().first()
            await s.exec(update(Engagement).where(Engagement.id == engagement.id).values(status="active"))
            for k in range(n):
                s.add(
                    Deliverable(
                        team_id=TEAM,
                        engagement_id=engagement.id,
                        title=f"Post {k}",
                        platform="instagram",
                        due_at=now - timedelta(hours=1 + k),
                        created_by=MANAGER,
                        created_at=now - timedelta(days=3),
                    )
                )

    counts = []
    for n in (3, 30):
        await overdue(n)
        with statements(world) as seen:
            marked = await mark_overdue(world.stack.bot.services, cards=False)
        assert len(marked) == n
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    async with world.db.transaction() as s:
        late = (await s.exec(select(Deliverable.status).distinct())).scalars().all()
    assert late == ["late"]


async def test_a_report_takes_its_number_last(world: World):
    await set_up_team(world)
    with statements(world) as seen:
        reply = await report(world)
    assert reply.ok
    sql = [statement for statement, _ in seen]
    if world.db.dialect == "postgresql":
        # the commit takes it (a deferred trigger, migration 0009): no statement the bot sends
        assert not [statement for statement in sql if "counter" in statement], sql
    else:
        first = next(k for k, statement in enumerate(sql) if "counter" in statement)
        end = sql.index("COMMIT", first)
        # from the counter's upsert (its row lock) to the commit: nothing but the number itself
        for statement in sql[first:end]:
            assert "counter" in statement or " ".join(statement.split()).startswith(
                "UPDATE incident SET number"
            ), sql[first:end]
    async with world.db.transaction() as s:
        assert (await s.exec(select(Incident.number))).scalars().all() == [1]


async def test_concurrent_reports_take_distinct_numbers_and_a_rolled_back_one_none(world: World):
    """Twelve reports at once number 1 to 12, each once; a transaction that inserted an incident
    and rolled back took no number (no gap after it)."""
    from bot.flows.incidents import submit_report
    from bot.ids import Field
    from bot.views.forms import FormValues

    def form(n: int) -> FormValues:
        occurred = int((now - timedelta(hours=3)).timestamp())
        chosen = {"selected_option": {"value": str(engagement_id)}}
        values = {
            Field.ENGAGEMENT: {Action.REPORT_ENGAGEMENT_CHOSEN: chosen},
            Field.GUIDELINE: {Field.GUIDELINE: {"selected_option": {"value": str(guideline.id)}}},
            Field.SEVERITY: {Field.SEVERITY: {"selected_option": {"value": "default"}}},
            Field.OCCURRED_AT: {Field.OCCURRED_AT: {"selected_date_time": occurred}},
            Field.DESCRIPTION: {Field.DESCRIPTION: {"value": f"Report {n}: no #ad."}},
            Field.EVIDENCE: {Field.EVIDENCE: {"value": f"https://social.example/{n}"}},
            Field.CONFIRM_DUPLICATE: {
                Field.CONFIRM_DUPLICATE: {"selected_options": [{"value": "confirmed"}]}
            },
        }
        return FormValues({"id": f"V0NUMBER{n}", "state": {"values": values}})

    await set_up_team(world)
    async with world.db.transaction() as s:
        engagement_id = (await s.exec(select(Engagement.id))).scalars().first()
        guideline = (await s.exec(select(Guideline).where(Guideline.code == "G1"))).scalars().one()
    svc = world.stack.bot.services
    team, now = TEAM, svc.clock.now()

    class RolledBack(Exception):
        pass

    try:
        async with world.db.transaction() as s:
            s.add(
                Incident(
                    team_id=team,
                    number=incident_q.PENDING_NUMBER,
                    engagement_id=engagement_id,
                    guideline_id=guideline.id,
                    guidelines_version=1,
                    severity="minor",
                    title="rolled back",
                    description="never committed",
                    occurred_at=now,
                    reporter_id=MANAGER,
                    status="reported",
                    response_due_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            await incident_q.assign_number(s, (await s.exec(select(Incident))).scalars().one())
            raise RolledBack
    except RolledBack:
        pass
    forms = [form(n) for n in range(12)]
    ids = await asyncio.gather(*(submit_report(svc, team, MANAGER, form) for form in forms))
    assert len(set(ids)) == 12 and None not in ids
    async with world.db.transaction() as s:
        numbers = (await s.exec(select(Incident.number).order_by(Incident.number))).scalars().all()
    assert numbers == list(range(1, 13))
