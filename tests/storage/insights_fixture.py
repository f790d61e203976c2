"""A small workspace whose insight figures were worked out by hand (see test_insights_queries.py).

Reader in New York; now is Wednesday 2027-03-17 12:00 UTC. The weeks, Monday 00:00 New York:

    W0  Mon 1 Mar 05:00 UTC  - Mon 8 Mar 05:00 UTC   (EST, UTC-5)
    W1  Mon 8 Mar 05:00 UTC  - Mon 15 Mar 04:00 UTC  (167 h: clocks move on Sunday 14 March)
    W2  Mon 15 Mar 04:00 UTC - Mon 22 Mar 04:00 UTC  (EDT, UTC-4)

Campaign `spring` (Ivy, Otto) and `autumn` (Zed) in team T1; one incident in team T2 that no
figure of T1 may count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain import insights as ins
from storage.models import (
    Campaign,
    CampaignRole,
    ComplianceCheck,
    Deliverable,
    Engagement,
    Guideline,
    Incident,
    Influencer,
    Reminder,
    Review,
)

NOW = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)
NY = ins.zone("America/New_York")
START = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)  # any moment of W0
PERIODS = ins.periods(START, NOW, NY, ins.Unit.WEEK)
BOUNDS = ins.bounds(PERIODS)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


async def build(db) -> dict[str, int]:
    """Insert the fixture; returns the ids the tests name."""
    ids: dict[str, int] = {}
    async with db.transaction() as s:
        spring = Campaign(
            team_id="T1",
            slug="spring",
            name="Spring",
            brand="Acme",
            start_date=date(2027, 2, 1),
            end_date=date(2027, 5, 31),
            owner_id="UMAYA",
            created_at=at(2, 1),
        )
        autumn = Campaign(
            team_id="T1",
            slug="autumn",
            name="Autumn",
            brand="Acme",
            start_date=date(2027, 2, 1),
            end_date=date(2027, 5, 31),
            owner_id="UMAYA",
            created_at=at(2, 1),
        )
        other = Campaign(
            team_id="T2",
            slug="spring",
            name="Other team",
            brand="Beta",
            start_date=date(2027, 2, 1),
            end_date=date(2027, 5, 31),
            owner_id="UOTHER",
            created_at=at(2, 1),
        )
        s.add_all([spring, autumn, other])
        await s.flush()
        for c in (spring, autumn):
            s.add(
                CampaignRole(
                    team_id="T1",
                    campaign_id=c.id,
                    user_id="UMAYA",
                    role="manager",
                    granted_by="UMAYA",
                    created_at=at(2, 1),
                )
            )
        s.add(
            CampaignRole(
                team_id="T1",
                campaign_id=spring.id,
                user_id="ULEE",
                role="legal",
                granted_by="UMAYA",
                created_at=at(2, 1),
            )
        )

        def clause(c: Campaign, code: str, category: str) -> Guideline:
            return Guideline(
                team_id=c.team_id,
                campaign_id=c.id,
                code=code,
                title=f"{category} rule",
                text="…",
                category=category,
                default_severity="minor",
                updated_at=at(2, 1),
            )

        g1, g2 = clause(spring, "G1", "disclosure"), clause(spring, "G2", "deadline")
        g3, gx = clause(autumn, "G1", "conduct"), clause(other, "G1", "conduct")
        s.add_all([g1, g2, g3, gx])
        ivy = Influencer(team_id="T1", display_name="Ivy", slack_user_id="UIVY", created_at=at(2, 1))
        otto = Influencer(
            team_id="T1", display_name="Otto", slack_user_id="UOTTO", status="probation", created_at=at(2, 1)
        )
        zed = Influencer(team_id="T1", display_name="Zed", slack_user_id="UZED", created_at=at(2, 1))
        xin = Influencer(team_id="T2", display_name="Xin", slack_user_id="UXIN", created_at=at(2, 1))
        s.add_all([ivy, otto, zed, xin])
        await s.flush()

        def engage(c: Campaign, i: Influencer) -> Engagement:
            return Engagement(
                team_id=c.team_id,
                campaign_id=c.id,
                influencer_id=i.id,
                channel_id=f"C{i.id}",
                status="active",
                invited_by="UMAYA",
                created_at=at(2, 1),
            )

        e1, e2, e3, ex = engage(spring, ivy), engage(spring, otto), engage(autumn, zed), engage(other, xin)
        s.add_all([e1, e2, e3, ex])
        await s.flush()
        number = iter(range(1, 100))

        def incident(e: Engagement, g: Guideline, severity: str, created: datetime, status: str, **kw):
            row = Incident(
                team_id=e.team_id,
                number=next(number),
                engagement_id=e.id,
                guideline_id=g.id,
                guidelines_version=1,
                severity=severity,
                title="t",
                description="d",
                occurred_at=created,
                reporter_id="UMO",
                status=status,
                response_due_at=created,
                created_at=created,
                updated_at=created,
                **kw,
            )
            s.add(row)
            return row

        incident(
            e1,
            g1,
            "minor",
            at(3, 2, 10),
            "resolved",
            acknowledged_at=at(3, 2, 12),
            resolved_at=at(3, 4, 10),
            strikes=1,
            outcome="warning",
        )  # i1
        incident(e1, g1, "major", at(3, 15, 3, 30), "in_mediation", responded_at=at(3, 15, 4, 30))  # i2
        incident(
            e2,
            g2,
            "major",
            at(3, 9),
            "dismissed",
            acknowledged_at=at(3, 9, 0, 10),
            responded_at=at(3, 9, 0, 5),
            resolved_at=at(3, 10),
        )  # i3
        incident(e2, g2, "critical", at(3, 16, 18), "reported")  # i4
        incident(
            e2,
            g1,
            "minor",
            at(2, 20),
            "resolved",
            acknowledged_at=at(2, 21),
            resolved_at=at(3, 8, 6),
            strikes=2,
            outcome="corrective_action",
        )  # i5
        incident(e3, g3, "moderate", at(3, 10), "reported")  # i6
        incident(e3, g3, "minor", at(3, 8, 5), "escalated")  # i8: exactly when W1 starts
        incident(
            ex,
            gx,
            "critical",
            at(3, 9),
            "resolved",
            acknowledged_at=at(3, 9, 1),
            resolved_at=at(3, 9, 2),
            strikes=3,
        )  # another workspace

        def deliverable(e: Engagement, due: datetime, status: str, **kw) -> Deliverable:
            row = Deliverable(
                team_id=e.team_id,
                engagement_id=e.id,
                title="Post",
                platform="instagram",
                due_at=due,
                status=status,
                created_by="UMAYA",
                created_at=at(2, 1),
                **kw,
            )
            s.add(row)
            return row

        deliverable(e1, at(3, 5), "submitted", submitted_at=at(3, 4))  # d1 on time
        d2 = deliverable(e1, at(3, 10), "published", published_at=at(3, 11))  # d2 late
        deliverable(e2, at(3, 12), "late")  # d3 late, never delivered
        deliverable(e2, at(3, 20), "planned")  # d4 not due yet
        deliverable(e2, at(3, 14), "cancelled")  # d5 counts for nothing
        deliverable(e2, at(3, 25), "submitted", submitted_at=at(3, 16))  # d6 early: on time
        d7 = deliverable(e2, at(3, 6), "published", published_at=at(3, 6))  # d7 on time
        deliverable(ex, at(3, 6), "late")  # another workspace
        await s.flush()

        def check(d: Deliverable, item: str, status: str, checked: datetime | None, suggestion=None):
            s.add(
                ComplianceCheck(
                    team_id=d.team_id,
                    deliverable_id=d.id,
                    item=item,
                    status=status,
                    checked_at=checked,
                    checked_by="ULEE" if checked else None,
                    suggestion=suggestion,
                )
            )

        check(d2, "disclosure_present", "passed", at(3, 11, 12), "Lint (US): pass — #ad in the first line.")
        check(d2, "brand_safety", "failed", at(3, 16))
        check(d2, "matches_approved_content", "pending", None)
        check(d7, "disclosure_present", "failed", at(3, 7), "Lint (US): missing — No disclosure label.")
        check(d7, "no_competitor_mention", "waived", at(3, 7))

        def review(e: Engagement, created: datetime, *ratings: int) -> None:
            c, m, t, q = ratings
            s.add(
                Review(
                    team_id=e.team_id,
                    engagement_id=e.id,
                    reviewer_id="UMAYA",
                    period_start=date(2027, 3, 1),
                    period_end=date(2027, 3, 8),
                    conduct=c,
                    communication=m,
                    timeliness=t,
                    content_quality=q,
                    would_work_again=True,
                    created_at=created,
                )
            )

        review(e1, at(3, 3), 4, 4, 4, 4)
        review(e1, at(3, 15), 2, 2, 2, 2)
        review(e2, at(3, 14), 5, 5, 5, 4)
        review(ex, at(3, 14), 1, 1, 1, 1)

        def reminder(key: str, due: datetime, status: str, campaign: Campaign, kind: str = "review_due"):
            s.add(
                Reminder(
                    team_id=campaign.team_id,
                    kind=kind,
                    dedupe_key=key,
                    subject_type="engagement",
                    subject_id=e1.id,
                    campaign_id=campaign.id,
                    target_user="UMAYA",
                    due_at=due,
                    status=status,
                    created_at=at(2, 1),
                    updated_at=at(2, 1),
                )
            )

        reminder("r1", at(3, 8, 9), "sent", spring)
        reminder("r2", at(3, 9, 9), "cancelled", spring)
        reminder("r3", at(3, 15, 9), "pending", spring)
        reminder("r4", at(3, 15, 9), "sent", autumn)
        ids.update(
            spring=spring.id, autumn=autumn.id, g1=g1.id, g2=g2.id, ivy=ivy.id, otto=otto.id, zed=zed.id
        )
    return ids
