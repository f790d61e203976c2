"""Reminder Block Kit: the dispatcher fills cached shapes (`views.render`); the shapes come from
slack_sdk models. For every kind and stage the planner produces, the filled dicts equal what the
models build and serialise (`to_dict()`, which validates), and parse back into valid models."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block
from sqlmodel import SQLModel

from bot.domain.enums import DeliverableStatus, EngagementStatus, ReminderKind, ReviewCadence
from bot.views import reminders as views
from scheduler.planner import DeliverableFacts, EngagementFacts, IncidentFacts, Planned, plan, wanted
from storage.models import Campaign, Deliverable, Engagement, Incident, Influencer
from storage.queries.reminders import record_type

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
NASTY = 'Zoë "<!channel>" & <@U0HIJACK> *bold* ' + "x" * 120  # escaped, and long


def _campaign() -> Campaign:
    return Campaign(
        id=7,
        team_id="T1",
        slug="spring",
        name=NASTY,
        brand="Acme",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        owner_id="U0OWNER",
        review_cadence=ReviewCadence.WEEKLY,
        guidelines_version=2,
    )


def _influencer(slack_user_id: str | None) -> Influencer:
    return Influencer(id=3, team_id="T1", display_name=NASTY, slack_user_id=slack_user_id)


def _engagement(status: str) -> Engagement:
    return Engagement(
        id=11,
        team_id="T1",
        campaign_id=7,
        influencer_id=3,
        channel_id="C0SHARED",
        status=status,
        acknowledged_version=1,
        invited_by="U0OWNER",
        created_at=NOW - timedelta(days=20),
    )


def _deliverable(status: str, **values) -> Deliverable:
    return Deliverable(
        id=21,
        team_id="T1",
        engagement_id=11,
        title=NASTY[:150],
        platform="instagram",
        due_at=NOW,
        status=status,
        created_by="U0OWNER",
        **values,
    )


def _incident() -> Incident:
    return Incident(
        id=31,
        team_id="T1",
        number=4,
        engagement_id=11,
        guideline_id=1,
        guidelines_version=2,
        severity="moderate",
        title=NASTY[:150],
        description="…",
        reporter_id="U0OWNER",
        status="in_mediation",
        channel_id="C0SHARED",
        card_ts="1700000000.000100",
        response_due_at=NOW + timedelta(days=3),
        created_at=NOW - timedelta(days=9),
    )


def _facts():
    c = _campaign()
    owner = {"brand_contact": c.owner_id}  # the owner's reminders go to them
    for who in ("U0CREATOR", None):  # a mention, or the escaped display name
        i = _influencer(who)
        yield EngagementFacts(_engagement(EngagementStatus.INVITED), i, c, NOW - timedelta(days=2), **owner)
        yield EngagementFacts(
            _engagement(EngagementStatus.ACTIVE), i, c, None, NOW - timedelta(days=30), **owner
        )
        active = _engagement(EngagementStatus.ACTIVE)
        for code in ("G2", None):
            yield DeliverableFacts(_deliverable(DeliverableStatus.PLANNED), active, i, c, code, None, **owner)
        for url, pending in (("https://instagram.com/p/1", 2), (None, None), ("ftp://x", 1)):
            published = _deliverable(DeliverableStatus.PUBLISHED, published_url=url, published_at=NOW)
            yield DeliverableFacts(published, active, i, c, "G2", pending, **owner)
        yield IncidentFacts(_incident(), active, i, c, **owner)


def _cases():
    for facts in _facts():
        for p in plan(facts, NOW):
            for escalated in (False, True) if p.payload.get("stage") == "end" else (False,):
                yield pytest.param(facts, p, escalated, id=f"{p.key}{'-escalated' if escalated else ''}")


CASES = list(_cases())


def test_every_kind_and_stage_is_covered():
    kinds = {p.kind for _, p, _ in (c.values for c in CASES)}
    stages = {p.payload.get("stage") for _, p, _ in (c.values for c in CASES)}
    shapes = {
        views.message(p.kind, f, p.payload, now=p.due_at).shape for f, p, _ in (c.values for c in CASES)
    }
    assert len(kinds) == 7
    assert {"t-72h", "t-24h", "t-0h", "overdue+24h", "overdue+48h", "owner", "half", "end"} <= stages
    assert shapes == set(views.SHAPES)


@pytest.mark.parametrize(("facts", "planned", "escalated"), CASES)
def test_rendered_blocks_are_what_slack_sdk_models_build(facts, planned: Planned, escalated: bool):
    text, blocks = views.render(planned.kind, facts, planned.payload, now=planned.due_at, escalated=escalated)
    message = views.message(planned.kind, facts, planned.payload, now=planned.due_at, escalated=escalated)
    assert text == message.text
    assert blocks == [b.to_dict() for b in views.model_blocks(message)]  # to_dict() validates
    assert [Block.parse(b).to_dict() for b in blocks] == blocks  # and they parse back, valid
    assert "<!channel>" not in str(blocks) and "<@U0HIJACK>" not in str(blocks)
    # the fallback text is mrkdwn too (notifications, screen readers): user text escaped there as well
    assert "<!channel>" not in text and "<@U0HIJACK>" not in text


def test_reminders_to_the_brand_team_say_what_to_do_and_where():
    c, i = _campaign(), _influencer("U0CREATOR")
    active = _engagement(EngagementStatus.ACTIVE)
    published = _deliverable(DeliverableStatus.PUBLISHED, published_at=NOW)
    # "in this conversation" only to the checklist's holder: not with no checklist message, not when
    # it is in another DM, not when its holder is unknown (a row from before it was recorded)
    for ts, holder, in_this_dm in (
        ("1700000000.000200", c.owner_id, True),
        (None, None, False),
        ("1700000000.000200", "U0FORMER", False),
        ("1700000000.000200", None, False),
    ):
        published.checklist_ts, published.checklist_user_id = ts, holder
        text = views.message(
            "compliance_pending",
            DeliverableFacts(published, active, i, c, None, 2, brand_contact=c.owner_id),
            {},
            now=NOW,
        ).slots[0]
        assert (
            "2 compliance checks still pending" in text and "mark each item passed, failed or waived" in text
        )
        assert ("in this conversation" in text) == in_this_dm
        assert ("the *Compliance checklist* button on its card in <#C0SHARED>" in text) != in_this_dm
    text = views.message(
        "incident_unresolved",
        IncidentFacts(_incident(), active, i, c, brand_contact=c.owner_id),
        {"days": 9},
        now=NOW,
    ).slots[0]
    assert "open for 9 days" in text and "Resolve or dismiss it on the incident card in <#C0SHARED>" in text
    due = views.message(
        "deliverable_due",
        DeliverableFacts(_deliverable("planned"), active, i, c, brand_contact=c.owner_id),
        {},
        now=NOW,
    )
    assert "*Mark submitted* on its card" in due.slots[1]


def test_render_returns_fresh_dicts():
    facts, planned, _ = CASES[0].values
    first = views.render(planned.kind, facts, planned.payload, now=NOW)[1]
    first[0]["text"]["text"] = "mutated"
    assert views.render(planned.kind, facts, planned.payload, now=NOW)[1][0]["text"]["text"] != "mutated"


def _as_loaded(facts):
    """The same facts as the dispatcher loads them: each table's row a record of its
    `FACT_COLUMNS` only (storage/queries/reminders.py)."""

    def record(row):
        kind = record_type(type(row))
        return kind._make(getattr(row, name) for name in kind._fields)

    rows = {f.name: getattr(facts, f.name) for f in dataclasses.fields(facts)}
    return dataclasses.replace(facts, **{k: record(v) for k, v in rows.items() if isinstance(v, SQLModel)})


@pytest.mark.parametrize(("facts", "planned", "escalated"), CASES)
def test_the_columns_the_facts_carry_are_all_the_planner_and_the_message_read(
    facts, planned: Planned, escalated: bool
):
    loaded = _as_loaded(facts)
    assert plan(loaded, NOW) == plan(facts, NOW)
    assert wanted(loaded, planned.key, planned.due_at) == planned
    rendered = views.render(planned.kind, loaded, planned.payload, now=NOW, escalated=escalated)
    assert rendered == views.render(planned.kind, facts, planned.payload, now=NOW, escalated=escalated)


@pytest.mark.parametrize("facts", [EngagementFacts, DeliverableFacts, IncidentFacts])
def test_facts_always_say_who_gets_the_owners_reminders(facts):
    """`brand_contact` has no default: facts built without it would plan no owner reminders and
    nobody would notice. It is named (None: nobody, as the loaders say when every manager is an
    influencer)."""
    with pytest.raises(TypeError, match="brand_contact"):
        facts(None, None, None, None)
    assert facts(None, None, None, None, brand_contact=None).brand_contact is None


def _active_facts(
    deliverable: Deliverable, *, checks_pending: int | None = None, contact: str | None = "U0OWNER"
) -> DeliverableFacts:
    """`deliverable`'s facts on an active engagement of the campaign (deadline clause G2)."""
    return DeliverableFacts(
        deliverable, _engagement("active"), _influencer("U0IVY"), _campaign(), "G2", checks_pending,
        brand_contact=contact,
    )  # fmt: skip


@pytest.mark.parametrize("status", ["planned", "late"])
@pytest.mark.parametrize("contact", ["U0OWNER", None])
def test_the_recheck_finds_each_row_the_deliverable_plan_makes_and_only_those(status, contact):
    """`wanted` makes a deliverable's one row by its key (`plan_deliverable(only=…)`) instead of
    walking the plan: it must agree with the whole plan for every row, and find none for a key or
    a due time the plan does not have (another series of the same deliverable, another
    deliverable's, a key cut short)."""
    facts = _active_facts(_deliverable(status), contact=contact)
    rows = plan(facts, NOW)
    assert len(rows) == (6 if contact else 5)
    for row in rows:
        assert wanted(facts, row.key, row.due_at) == row
        assert wanted(facts, row.key, row.due_at + timedelta(seconds=1)) is None
    assert wanted(facts, rows[0].key.replace("t-72h", "t-12h"), rows[0].due_at) is None
    series = rows[0].key.rsplit(":", 1)[0]  # deliverable:21@<due time>
    moved = series.replace("@", "@1")  # the same deliverable, another due time: another series
    assert all(wanted(facts, row.key.replace(series, moved), row.due_at) is None for row in rows)
    assert wanted(facts, f"{series}t-0h", rows[2].due_at) is None  # no separator after the series
    assert wanted(facts, series.replace(":21@", ":2@") + ":t-0h", rows[2].due_at) is None
    owner = f"{series}:overdue+48h:owner"
    assert (wanted(facts, owner, NOW + timedelta(hours=48)) is not None) == (contact is not None)


def test_the_recheck_of_a_published_deliverable_finds_its_compliance_row_only():
    """A published deliverable's plan is its compliance reminder: the re-check finds that row by
    its key, and none of the due or overdue rows its series had while it was owed."""
    facts = _active_facts(_deliverable("published", published_at=NOW), checks_pending=2)
    (row,) = plan(facts, NOW)
    assert row.kind == ReminderKind.COMPLIANCE_PENDING
    assert wanted(facts, row.key, row.due_at) == row
    owed = _active_facts(_deliverable("planned"), checks_pending=2)
    assert all(wanted(facts, p.key, p.due_at) is None for p in plan(owed, NOW))
