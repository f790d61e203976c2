"""The planner as plain Python: what marking a deliverable late does to its plan (nothing: the
overdue sweep relies on it and writes only the status, bot/flows/deliverables.py `mark_overdue`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.domain import deliverables as rules
from bot.domain.enums import CampaignStatus, DeliverableStatus, EngagementStatus
from scheduler.planner import OUTSTANDING, DeliverableFacts, plan

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DUE = NOW - timedelta(minutes=1)


def facts(status: DeliverableStatus, campaign: str, engagement: str, contact: str | None) -> DeliverableFacts:
    return DeliverableFacts(
        SimpleNamespace(id=7, status=status, due_at=DUE, published_at=None),
        SimpleNamespace(id=3, status=engagement, channel_id="C0SHARED"),
        SimpleNamespace(id=5, slack_user_id="U0IVY"),
        SimpleNamespace(id=2, status=campaign, owner_id="U0MANAGER"),
        "G2",
        brand_contact=contact,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("campaign", "engagement", "contact"),
    list(
        itertools.product(
            [CampaignStatus.ACTIVE, CampaignStatus.DRAFT, CampaignStatus.COMPLETED],
            [EngagementStatus.ACTIVE, EngagementStatus.TERMINATED],
            ["U0MANAGER", None],
        )
    ),
)
def test_a_deliverable_marked_late_wants_the_reminders_it_wanted_while_planned(campaign, engagement, contact):
    for now in (DUE - timedelta(days=4), DUE + timedelta(minutes=1), DUE + timedelta(hours=30)):
        planned = plan(facts(DeliverableStatus.PLANNED, campaign, engagement, contact), now)
        assert plan(facts(DeliverableStatus.LATE, campaign, engagement, contact), now) == planned
    live = campaign != CampaignStatus.COMPLETED and engagement == EngagementStatus.ACTIVE
    stages = {p.key.split(":", 2)[-1] for p in planned}
    expected = {"t-72h", "t-24h", "t-0h", "overdue+24h", "overdue+48h"} | (
        {"overdue+48h:owner"} if contact else set()
    )
    assert stages == (expected if live else set())


def test_the_sweep_moves_deliverables_only_between_states_the_planner_treats_alike():
    assert rules.OVERDUE_FROM <= OUTSTANDING
    assert DeliverableStatus.LATE in OUTSTANDING
