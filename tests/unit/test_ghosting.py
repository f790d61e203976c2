"""Ghosting's pure rules: what counts as asking the influencer something, business hours in
their time zone, the thresholds; and the two reminders' Block Kit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.ghosting import add_business_hours, asks, business_hours_between, thresholds_problem
from bot.views import reminders as views
from scheduler.planner import AwaitedFacts, plan
from storage.models import AwaitedReply, Campaign, Engagement, Influencer

IVY = "U0IVY"


@pytest.mark.parametrize(
    "text",
    [
        f"<@{IVY}> can you send the draft by Friday?",
        f"<@{IVY}> send us the draft",
        f"Hey <@{IVY}>, when is the reel going live",
        f"<@{IVY}> please confirm the posting date",
        f"<@{IVY}|ivy> let us know when it's up",
        f"<@{IVY}> peux-tu m'envoyer le brouillon",
        f"<@{IVY}> merci de confirmer la date",
        f"<@{IVY}> quand tu peux, envoie-moi le lien",
        f"<@{IVY}> est-ce que la vidéo est prête",
        f"Coucou <@{IVY}>, tu as vu le brief ?",
    ],
)
def test_questions_and_requests_to_the_influencer(text):
    assert asks(text, IVY)


@pytest.mark.parametrize(
    "text",
    [
        f"Great job on the reel <@{IVY}>!",
        f"Thanks <@{IVY}>, we will review the post",
        f"<@{IVY}> the brief is updated, thanks",
        f"Bravo <@{IVY}> !",
        f"<@{IVY}> look at https://x.example/?utm=1",  # a question mark inside a link asks nothing
        f"<@{IVY}> see `what?`",  # nor one inside code
        f"> can you send it?\n<@{IVY}> FYI, the client asked the above",  # nor a quoted line
        "can you send the draft?",  # no mention of the influencer
        "<@U0OTHER> can you check the caption?",  # someone else
    ],
)
def test_not_asking_the_influencer(text):
    assert not asks(text, IVY)


def test_no_influencer_id_means_nothing_is_awaited():
    assert not asks("<@U0IVY> can you?", None)


LA = "America/Los_Angeles"


def test_business_hours_skip_the_weekend_in_the_influencers_zone():
    friday_noon_la = datetime(2027, 3, 5, 20, 0, tzinfo=UTC)
    assert add_business_hours(friday_noon_la, 24, LA) == datetime(2027, 3, 8, 20, 0, tzinfo=UTC)
    assert add_business_hours(friday_noon_la, 48, LA) == datetime(2027, 3, 9, 20, 0, tzinfo=UTC)
    # asked on Saturday: the count starts on Monday at midnight, their midnight
    saturday = datetime(2027, 3, 6, 18, 0, tzinfo=UTC)
    assert add_business_hours(saturday, 24, LA) == datetime(2027, 3, 9, 8, 0, tzinfo=UTC)
    # weekdays count all day
    monday = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
    assert add_business_hours(monday, 24, LA) == monday + timedelta(hours=24)


def test_the_zone_decides_where_the_weekend_falls():
    # Friday 23:00 UTC is still Friday afternoon in Los Angeles but already Saturday in Tokyo
    friday_late = datetime(2027, 3, 5, 23, 0, tzinfo=UTC)
    assert add_business_hours(friday_late, 1, LA) == friday_late + timedelta(hours=1)
    tokyo_monday = datetime(2027, 3, 7, 15, 0, tzinfo=UTC)  # Monday 00:00 in Tokyo
    assert add_business_hours(friday_late, 1, "Asia/Tokyo") == tokyo_monday + timedelta(hours=1)


def test_a_daylight_saving_day_counts_as_long_as_it_lasted():
    tehran = ZoneInfo("Asia/Tehran")  # clocks went forward an hour at the start of Monday 22 March 2021
    friday_noon = datetime(2021, 3, 19, 12, 0, tzinfo=tehran)
    end = add_business_hours(friday_noon, 24, "Asia/Tehran")
    assert end - friday_noon == timedelta(hours=24 + 48)  # 12 h on Friday, the weekend, 12 h on Monday
    assert end.astimezone(tehran).replace(tzinfo=None) == datetime(2021, 3, 22, 13, 0)  # Monday lost 1 h


def test_an_unknown_zone_counts_in_utc():
    monday = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
    assert add_business_hours(monday, 24, "Mars/Olympus") == monday + timedelta(hours=24)


def test_business_hours_between_is_the_inverse():
    start = datetime(2027, 3, 4, 9, 30, tzinfo=UTC)
    for hours in (1, 7, 24, 48, 100):
        assert business_hours_between(start, add_business_hours(start, hours, LA), LA) == pytest.approx(hours)


def test_thresholds():
    assert thresholds_problem(24, 48) is None
    assert thresholds_problem(48, 24).startswith("The flag to the managers comes after")
    assert thresholds_problem(0, 48).startswith("Thresholds go from 1 to 480")
    assert thresholds_problem(24, 481).startswith("Thresholds go from 1 to 480")


# ---------------------------------------------------------------------------------------------
# the planner and the reminders' Block Kit

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
NASTY = 'Zoë "<!channel>" & <@U0HIJACK> *bold*'


def _facts(monitor: bool = True, managers=("U0MAYA", "U0MAX")) -> AwaitedFacts:
    campaign = Campaign(
        id=7,
        team_id="T1",
        slug="spring",
        name=NASTY,
        brand="Acme",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 5, 31),
        owner_id="U0MAYA",
        conduct_monitor=monitor,
        ghost_reminder_hours=24,
        ghost_flag_hours=48,
    )
    engagement = Engagement(
        id=11,
        team_id="T1",
        campaign_id=7,
        influencer_id=3,
        channel_id="C0SHARED",
        status="active",
        invited_by="x",
    )
    influencer = Influencer(id=3, team_id="T1", display_name=NASTY, slack_user_id=IVY)
    awaited = AwaitedReply(
        id=5,
        team_id="T1",
        campaign_id=7,
        engagement_id=11,
        channel_id="C0SHARED",
        message_ts="1790000000.000100",
        thread_ts="1790000000.000100",
        asker_id="U0MAYA",
        influencer_user_id=IVY,
        tz=LA,
        permalink="https://acme.slack.com/archives/C0SHARED/p1790000000000100",
        asked_at=NOW,
    )
    return AwaitedFacts(awaited, engagement, influencer, campaign, managers)


def test_the_plan_a_nudge_in_the_thread_then_each_manager():
    planned = plan(_facts(), NOW)
    assert [(p.kind, p.due_at, p.channel, p.user, p.thread_ts) for p in planned] == [
        ("ghosting_reminder", NOW + timedelta(hours=24), "C0SHARED", None, "1790000000.000100"),
        ("ghosting_flag", NOW + timedelta(hours=48), None, "U0MAYA", None),
        ("ghosting_flag", NOW + timedelta(hours=48), None, "U0MAX", None),
    ]
    assert plan(_facts(monitor=False), NOW) == []


def test_the_reminders_render_valid_escaped_block_kit():
    facts = _facts()
    for p in plan(facts, NOW):
        text, blocks = views.render(p.kind, facts, p.payload, now=p.due_at)
        message = views.message(p.kind, facts, p.payload, now=p.due_at)
        assert blocks == [b.to_dict() for b in views.model_blocks(message)]
        assert [Block.parse(b).to_dict() for b in blocks] == blocks
        assert "<!channel>" not in str(blocks) + text and "<@U0HIJACK>" not in str(blocks) + text
