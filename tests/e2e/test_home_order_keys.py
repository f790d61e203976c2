"""App Home's stored order keys kept current by the flows that change them: guidelines acknowledged
(an invited engagement becomes active), a review logged through `/review`, a deliverable published
(its checklist made) and a check decided from the checklist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.enums import ComplianceItem
from bot.ids import Action
from storage.models import Deliverable, Engagement, Review
from tests.e2e.harness import IVY, LEGAL, MANAGER, MEMBER, World, text_of
from tests.e2e.test_deliverables import checks, published
from tests.e2e.test_reviews import _open_review, _values


async def _engagement(world: World) -> Engagement:
    async with world.db.transaction() as s:
        return (await s.exec(select(Engagement))).scalars().one()


async def test_acknowledging_and_reviewing_keep_the_review_keys(world: World):
    await world.new_campaign("spring")  # weekly reviews by default
    await world.invite(IVY)
    invited = await _engagement(world)
    assert (invited.status, invited.review_since, invited.review_due_at) == (
        "invited",
        invited.created_at,
        None,
    )

    channel = world.emulator.channel_by_name("cg-spring-ivy").id
    await world.slack.click(IVY, channel, world.guidelines_message(channel).ts, Action.ACKNOWLEDGE_GUIDELINES)
    active = await _engagement(world)
    assert active.status == "active"
    assert (active.review_since, active.review_due_at) == (
        active.created_at,
        active.created_at + timedelta(days=7),
    )

    world.clock.advance(timedelta(days=8))
    await world.slack.open_home(MANAGER)
    assert "Reviews due* (1)" in text_of({"blocks": world.emulator.home(MANAGER).blocks})
    view = await _open_review(world)
    reply = await world.slack.submit_view(MANAGER, view.id, _values(str(active.id)))
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        logged = (await s.exec(select(Review.created_at))).scalar_one()
    reviewed = await _engagement(world)
    assert (reviewed.review_since, reviewed.review_due_at) == (logged, logged + timedelta(days=7))
    assert "Reviews due* (0)" in text_of({"blocks": world.emulator.home(MANAGER).blocks})


async def test_publishing_and_deciding_checks_keep_the_pending_count(world: World):
    d, channel = await published(world)
    pending = [c for c in (await checks(world)).values() if c.status == "pending"]
    assert pending and d.pending_checks == len(pending)

    await world.slack.click(MEMBER, channel, d.card_ts, Action.CHECKLIST_OPEN, value=str(d.id))
    view = world.top_view(MEMBER)
    present = (await checks(world))[ComplianceItem.DISCLOSURE_PRESENT]
    assert present.status == "pending"
    await world.slack.click_in_view(MEMBER, view.id, Action.CHECK_PASS, value=str(present.id))
    async with world.db.transaction() as s:
        left = (await s.exec(select(Deliverable.pending_checks))).scalar_one()
    assert left == len(pending) - 1
    await world.slack.open_home(MANAGER)
    home = text_of({"blocks": world.emulator.home(MANAGER).blocks})
    shown = home.split("Compliance checks pending* (1)")[1].split("Reviews due")[0]
    assert "*Launch &lt;reel&gt;* (instagram)" in shown and f"{left} checks pending" in shown


async def test_a_small_scope_as_ids_and_a_large_one_as_a_join_show_the_same_home(world: World, monkeypatch):
    """A scope of at most SMALL_SCOPE engagements is read as its ids, a larger one joined on the
    roles: the same workspace, read both ways, shows the same home to each brand role."""
    from storage.queries import home as q
    from tests.e2e.test_home import _seed

    await _seed(world)
    homes = {}
    ways = {
        "ids": (q.SMALL_SCOPE, q.SMALL_CAMPAIGNS),
        "join: engagements over the limit": (0, q.SMALL_CAMPAIGNS),
        "join: campaigns over the limit": (q.SMALL_SCOPE, 0),
    }
    for way, (engagements, campaigns) in ways.items():
        monkeypatch.setattr(q, "SMALL_SCOPE", engagements)
        monkeypatch.setattr(q, "SMALL_CAMPAIGNS", campaigns)
        for user in (MANAGER, MEMBER, LEGAL):
            await world.slack.open_home(user)
            homes[way, user] = text_of({"blocks": world.emulator.home(user).blocks})
    for way in ways:
        for user in (MANAGER, MEMBER, LEGAL):
            assert homes[way, user] == homes["ids", user], (way, user)
    manager, legal = homes["ids", MANAGER], homes["ids", LEGAL]
    assert "Incidents waiting on you* (2)" in manager and "Compliance checks pending* (1)" in manager
    assert "Reviews due* (1)" in manager and "Escalations waiting for legal" in legal
