"""The demo seed runs through the real bot on a fresh database, and a restart keeps the workspace."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from playground import people
from playground.app import start_playground
from playground.web import advance_time
from storage.models import Campaign, Deliverable, Engagement


async def test_fresh_database_is_seeded_and_restored_after_restart(sqlite_template, tmp_path):
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    lines: list[str] = []
    pg, runner = await start_playground(settings, "127.0.0.1", 0, progress=lines.append)
    try:
        assert any("seeding [" in line for line in lines) and lines[-1] == "Demo seeded."
        assert pg.clock.offset == timedelta(0)  # the story was played in the past, now is now
        async with pg.bot.services.db.transaction() as s:
            campaign = (await s.exec(select(Campaign))).scalars().one()
            engagements = (await s.exec(select(Engagement).order_by(Engagement.id))).scalars().all()
            deliverables = (await s.exec(select(Deliverable))).scalars().all()
        assert (campaign.slug, campaign.status) == ("spring-launch", "active")
        assert [e.acknowledged_version for e in engagements] == [1, None]  # Ivy yes, Eve not yet
        now = pg.clock.now()
        overdue = [d for d in deliverables if d.due_at.replace(tzinfo=now.tzinfo) < now]
        assert len(deliverables) == 3 and [d.title for d in overdue] == ["Launch reel"]
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
        pg.save()
        await runner.cleanup()
        await pg.bot.close()

    lines.clear()
    again, runner = await start_playground(settings, "127.0.0.1", 0, progress=lines.append)
    try:
        assert not any("seeding" in line for line in lines)
        assert any(line.startswith("Restored the workspace") for line in lines)
        assert len(again.emulator.history("cg-spring-launch-ivy")) >= messages
    finally:
        await runner.cleanup()
        await again.bot.close()
