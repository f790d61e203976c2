"""The demo seed runs through the real bot on a fresh database, and a restart keeps the workspace."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from playground import people
from playground.app import start_playground, stop_playground
from playground.web import advance_time
from storage.models import Campaign, Deliverable, Engagement, Incident, IncidentEvent, Review


async def test_fresh_database_is_seeded_and_restored_after_restart(sqlite_template, tmp_path):
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    lines: list[str] = []
    pg, runner = await start_playground(settings, "127.0.0.1", 0, progress=lines.append)
    try:
        assert any("seeding [" in line for line in lines) and lines[-1] == "Demo seeded."
        assert pg.clock.offset == timedelta(0)  # the story was played in the past, now is now
        acme = people.TEAM_ID  # the demo's workspace (Globex, the second, has its own story)
        async with pg.bot.services.db.transaction() as s:
            campaign = (await s.exec(select(Campaign).where(Campaign.team_id == acme))).scalars().one()
            engagements = (
                await s.exec(select(Engagement).where(Engagement.team_id == acme).order_by(Engagement.id))
            ).scalars()
            engagements = engagements.all()
            deliverables = (
                (await s.exec(select(Deliverable).where(Deliverable.team_id == acme))).scalars().all()
            )
        assert (campaign.slug, campaign.status) == ("spring-launch", "active")
        assert [e.acknowledged_version for e in engagements] == [1, None]  # Ivy yes, Eve not yet
        now = pg.clock.now()
        overdue = [d for d in deliverables if d.due_at.replace(tzinfo=now.tzinfo) < now]
        assert len(deliverables) == 3 and [d.title for d in overdue] == ["Launch reel"]
        # one open incident in mediation, reported by Mo, acknowledged and answered by Ivy, talked over
        async with pg.bot.services.db.transaction() as s:
            incident = (await s.exec(select(Incident).where(Incident.team_id == acme))).scalars().one()
            events = select(IncidentEvent).where(IncidentEvent.team_id == acme).order_by(IncidentEvent.id)
            kinds = [e.kind for e in (await s.exec(events)).scalars()]
            reviews = (
                (await s.exec(select(Review).where(Review.team_id == acme).order_by(Review.id)))
                .scalars()
                .all()
            )
        assert (incident.number, incident.status, incident.reporter_id) == (
            1,
            "in_mediation",
            people.MEMBER.user_id,
        )
        assert kinds[:3] == ["created", "status_changed", "response"] and kinds.count("thread_reply") == 2
        ivy = pg.emulator.channel("cg-spring-launch-ivy")
        assert incident.channel_id == ivy.id
        thread = pg.emulator.replies(ivy.id, incident.card_ts)
        assert thread[-1].user == people.INFLUENCER.user_id and "will do today" in thread[-1].text
        # reviews by Maya and Mo; only Maya's of Ivy is shared with the influencer
        assert [(r.reviewer_id, r.shared_with_influencer) for r in reviews] == [
            (people.MANAGER.user_id, True),
            (people.MEMBER.user_id, False),
            (people.MANAGER.user_id, False),
        ]
        # a first visit opens the incident's mediation thread
        start = pg.web.state(people.MANAGER.user_id, None, None, start=True)["start"]
        assert start == {"channel": ivy.id, "thread": incident.card_ts}

        eve = pg.emulator.channel("cg-spring-launch-eve")
        assert eve.is_ext_shared
        assert pg.emulator.workspace.user_by_email(people.EXTERNAL.email).real_name == "Eve External"
        messages = len(pg.emulator.history("cg-spring-launch-ivy"))
        assert messages >= 3

        state = pg.web.state(people.MANAGER.user_id, eve.id, None)
        assert state["channel"]["shared"] and state["channel"]["messages"]
        assert "Eve External" in [p["name"] for p in state["people"]]
        await advance_time(pg, timedelta(hours=1))
        assert pg.clock.offset == timedelta(hours=1)
    finally:
        await stop_playground(pg, runner)

    lines.clear()
    again, runner = await start_playground(settings, "127.0.0.1", 0, progress=lines.append)
    try:
        assert not any("seeding" in line for line in lines)
        assert any(line.startswith("Restored the workspace") for line in lines)
        assert len(again.emulator.history("cg-spring-launch-ivy")) >= messages
    finally:
        await stop_playground(again, runner)
