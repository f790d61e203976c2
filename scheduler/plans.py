"""One call per subject, made by the flows inside their own transaction, so a change and its
reminders commit together:

    async with svc.db.transaction() as s:
        ...change the deliverable...
        await plans.deliverable(s, deliverable, now)

Each call loads the subject's current facts (the session autoflushes the change first) and makes
its reminder rows match the plan: see `storage.queries.reminders.sync`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler.planner import IncidentFacts, Subject
from storage.models import Campaign, Deliverable, Engagement, Incident, Influencer
from storage.queries import campaigns as campaign_q
from storage.queries import reminders as q


async def _sync(s: AsyncSession, subject: Subject, row: Any, now: datetime) -> None:
    await s.flush()  # the change is visible to the facts query, and a new row has its id
    subject_id = row.id
    facts = (await q.LOADERS[subject](s, [subject_id])).get(subject_id)
    if facts is not None:
        await q.sync(s, facts, now)


async def engagement(s: AsyncSession, engagement: Engagement, now: datetime) -> None:
    """Guidelines to acknowledge (invite, new version, acknowledged) and review reminders."""
    await _sync(s, Subject.ENGAGEMENT, engagement, now)


async def deliverable(s: AsyncSession, deliverable: Deliverable, now: datetime) -> None:
    """Due, overdue and compliance reminders (created, due time edited, submitted, published,
    cancelled, a compliance check decided)."""
    await _sync(s, Subject.DELIVERABLE, deliverable, now)


#: The compliance checklist reminder belongs to the deliverable's plan.
checklist = deliverable


async def incident(s: AsyncSession, incident: Incident, now: datetime) -> None:
    """Mediation response and unresolved reminders (opened, responded, resolved, dismissed)."""
    await _sync(s, Subject.INCIDENT, incident, now)


def new_incident(
    incident: Any,
    engagement: Engagement,
    influencer: Influencer,
    campaign: Campaign,
    brand_contact: str | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """`incident`'s rows for an incident a report is writing (its row, `storage.queries.new_row`;
    storage.queries.incidents.write_new inserts them with it): its facts are the rows the flow
    already holds (with the brand contact the report read with them), and it has no reminder rows
    yet, so nothing is read back."""
    return q.new_rows(
        IncidentFacts(incident, engagement, influencer, campaign, brand_contact=brand_contact), now
    )


async def campaign(s: AsyncSession, campaign: Campaign, now: datetime) -> None:
    """Every engagement of the campaign: a new guidelines version (ask again), the review cadence,
    dates or status changed."""
    await s.flush()
    ids = (await s.exec(select(Engagement.id).where(Engagement.campaign_id == campaign.id))).scalars().all()
    await q.sync_many(s, (await q.engagement_facts(s, ids)).values(), now)


#: Review cadence changes re-plan every engagement of the campaign.
reviews = campaign


async def campaign_closed_or_reopened(s: AsyncSession, campaign: Campaign, now: datetime) -> q.SyncResult:
    """Every subject of the campaign whose reminders its status decides: the campaign (its digest),
    its engagements, their deliverables and the replies awaited in their channels (open incidents
    run on whatever the campaign)."""
    await s.flush()
    subjects = await campaign_q.subjects(s, campaign.id)
    return await q.sync_many(s, (await q.facts_for(s, subjects)).values(), now)
