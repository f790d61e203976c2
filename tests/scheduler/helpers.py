"""Small steps the reminder tests share."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from scheduler import plans
from scheduler.dispatcher import Dispatcher, Pass
from storage.models import Deliverable, Engagement, Reminder
from tests.e2e.harness import MANAGER, World, text_of


def dispatcher(world: World) -> Dispatcher:
    return world.stack.bot.dispatcher


async def tick(world: World) -> Pass:
    return await dispatcher(world).tick()


async def at(world: World, when: datetime) -> Pass:
    """Move the clock to `when` and run one dispatch pass."""
    world.clock.set(when)
    return await tick(world)


async def engagement(world: World) -> Engagement:
    async with world.db.transaction() as s:
        return (await s.exec(select(Engagement).order_by(Engagement.id))).scalars().first()


async def add_deliverable(world: World, due: datetime, title: str = "Launch reel") -> Deliverable:
    """What `/campaign deliverable` stores, with its reminders planned in the same transaction."""
    e = await engagement(world)
    async with world.db.transaction() as s:
        d = Deliverable(
            team_id=e.team_id,
            engagement_id=e.id,
            title=title,
            platform="instagram",
            due_at=due,
            created_by=MANAGER,
            created_at=world.clock.now(),
        )
        s.add(d)
        await plans.deliverable(s, d, world.clock.now())
    return d


async def change_deliverable(world: World, deliverable_id: int, *, replan: bool = True, **values) -> None:
    async with world.db.transaction() as s:
        d = await s.get(Deliverable, deliverable_id)
        for key, value in values.items():
            setattr(d, key, value)
        s.add(d)
        if replan:
            await plans.deliverable(s, d, world.clock.now())


async def reminders(world: World, **where) -> dict[str, Reminder]:
    """Rows by dedupe key, without the due-time series of deliverable keys
    (`deliverable:1@1803…:t-24h` → `deliverable:1:t-24h`); the latest row wins."""
    async with world.db.transaction() as s:
        query = select(Reminder).order_by(Reminder.due_at, Reminder.id)
        for key, value in where.items():
            query = query.where(getattr(Reminder, key) == value)
        return {re.sub(r"@\d+", "", r.dedupe_key): r for r in (await s.exec(query)).scalars()}


def texts(world: World, channel: str, needle: str) -> list[str]:
    return [t for m in world.emulator.history(channel) if needle in (t := text_of(m))]


def dm_texts(world: World, user: str, needle: str = "") -> list[str]:
    return [t for m in world.emulator.dm(user) if needle in (t := text_of(m))]


H = timedelta(hours=1)
