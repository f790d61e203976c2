"""`/review`: the modal, its validation, who sees a review, the "Log review" button, the scorecard."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot import messages
from bot.ids import Action, Callback, Command, Field
from storage.models import Deliverable, Engagement, Guideline, Incident, Influencer, Review
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, MEMBER, OTTO, World, text_of

RATINGS = (Field.CONDUCT, Field.COMMUNICATION, Field.TIMELINESS, Field.CONTENT_QUALITY)


async def _setup(world: World) -> str:
    """Campaign `spring` (manager Maya, member Mo, legal Lee) with Ivy invited; the shared channel id."""
    assert world.emulator.team_id == TEAM
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> member")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY)
    return world.emulator.channel_by_name("cg-spring-ivy").id


async def _engagement_id(world: World) -> int:
    async with world.db.transaction() as s:
        return (await s.exec(select(Engagement.id))).scalar_one()


async def _open_review(world: World, user: str = MANAGER):
    await world.run(user, "/review")
    view = world.top_view(user)
    assert view.callback_id == Callback.REVIEW_LOG
    return view


def _values(engagement: str, ratings=(4, 4, 5, 4), **extra: Any) -> dict[str, dict[str, Any]]:
    values = {Field.ENGAGEMENT: {Field.ENGAGEMENT: engagement}}
    for field, rating in zip(RATINGS, ratings, strict=True):
        values[field] = {field: str(rating)}
    values[Field.WOULD_WORK_AGAIN] = {Field.WOULD_WORK_AGAIN: "yes"}
    for key, value in extra.items():
        values[key] = {key: value}
    return values


async def test_review_modal_lists_my_engagements_with_a_default_period(world: World):
    await _setup(world)
    view = await _open_review(world, MEMBER)
    select_block = next(b for b in view.blocks if b.get("block_id") == Field.ENGAGEMENT)
    options = select_block["element"]["options"]
    assert [o["text"]["text"] for o in options] == ["Spring Launch · Ivy"]
    by_block = {b.get("block_id"): b for b in view.blocks}
    today = world.clock.now().date()
    assert by_block[Field.PERIOD_START]["element"]["initial_date"] == (today - timedelta(days=7)).isoformat()
    assert by_block[Field.PERIOD_END]["element"]["initial_date"] == today.isoformat()
    # each level of each dimension says what it means
    conduct = by_block[Field.CONDUCT]["element"]["options"]
    assert [o["value"] for o in conduct] == ["5", "4", "3", "2", "1"]
    assert (
        conduct[0]["text"]["text"] == "5 · Exceptional" and conduct[-1]["text"]["text"] == "1 · Unacceptable"
    )
    assert (
        conduct[-1]["description"]["text"]
        != by_block[Field.TIMELINESS]["element"]["options"][-1]["description"]["text"]
    )
    # an influencer, or someone on no campaign, is refused
    for outsider in (IVY, OTTO):
        await world.run(outsider, "/review")
        assert world.said_to(outsider) == (
            ":no_entry: Only a campaign *manager*, *member* or *legal*, or a workspace *admin*, "
            "can log reviews."
        )
        assert world.emulator.open_views(outsider) == []


async def test_low_rating_without_notes_is_refused(world: World):
    await _setup(world)
    view = await _open_review(world)
    engagement = str(await _engagement_id(world))
    reply = await world.slack.submit_view(MANAGER, view.id, _values(engagement, ratings=(4, 3, 5, 4)))
    assert reply.body == {
        "response_action": "errors",
        "errors": {Field.NOTES: "Notes are required when a rating is 3 or lower: say what went wrong."},
    }
    assert await world.count(Review) == 0
    # the same with notes is stored
    reply = await world.slack.submit_view(
        MANAGER, view.id, _values(engagement, ratings=(4, 3, 5, 4), **{Field.NOTES: "Slow replies."})
    )
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        review = (await s.exec(select(Review))).scalars().one()
    assert (review.conduct, review.communication, review.timeliness, review.content_quality) == (4, 3, 5, 4)
    assert review.notes == "Slow replies." and review.reviewer_id == MANAGER and review.would_work_again


async def test_forged_and_inconsistent_submissions_are_refused(world: World):
    await _setup(world)
    view = await _open_review(world)
    engagement = str(await _engagement_id(world))

    def radio(value: str) -> dict:
        return {"type": "radio_buttons", "selected_option": {"value": value}}

    forged = {
        Field.ENGAGEMENT: {"type": "static_select", "selected_option": {"value": engagement}},
        Field.PERIOD_START: {"type": "datepicker", "selected_date": "2027-02-26"},
        Field.PERIOD_END: {"type": "datepicker", "selected_date": "2027-03-01"},
        Field.CONDUCT: radio("9"),
        Field.COMMUNICATION: radio("0"),
        Field.TIMELINESS: radio("5"),
        Field.CONTENT_QUALITY: radio("-2"),
        Field.WOULD_WORK_AGAIN: radio("yes"),
    }
    reply = await world.forge_submission(MANAGER, view, forged)
    assert reply.body["response_action"] == "errors"
    assert reply.body["errors"] == {
        Field.CONDUCT: "Rate conduct from 1 to 5.",
        Field.COMMUNICATION: "Rate communication from 1 to 5.",
        Field.CONTENT_QUALITY: "Rate content quality from 1 to 5.",
    }

    # period end before start
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        _values(engagement, **{Field.PERIOD_START: "2027-02-20", Field.PERIOD_END: "2027-02-10"}),
    )
    assert reply.body["errors"] == {Field.PERIOD_END: "The period ends before it starts."}

    # an engagement of a campaign the user may not review (a forged id, or a campaign of others)
    await world.new_campaign("autumn", user=OTTO)
    for user, value in ((OTTO, engagement), (MANAGER, "999999")):
        other = await _open_review(world, MANAGER) if user == MANAGER else None
        forged_ok = {**forged, **{f: radio("4") for f in RATINGS}}
        forged_ok[Field.ENGAGEMENT] = {"type": "static_select", "selected_option": {"value": value}}
        reply = await world.forge_submission(user, other or view, forged_ok)
        assert reply.body == {
            "response_action": "errors",
            "errors": {Field.ENGAGEMENT: "Pick an influencer on a campaign where you can log reviews."},
        }
    assert await world.count(Review) == 0


async def test_a_period_outside_the_engagement_is_refused(world: World):
    """A slip of the date picker (1 to 7 Jan 2020 for an engagement begun on 1 Mar 2027), or a period
    after the campaign ended, keeps the form open with its values: such a review would count in
    the scorecard for days the influencer was not engaged."""
    await _setup(world)  # campaign 1 Mar to 31 May 2027, Ivy invited on 1 Mar 2027
    view = await _open_review(world)
    engagement = str(await _engagement_id(world))
    world.clock.advance(timedelta(days=120))  # late June: the campaign is over
    for start, end, errors in (
        (
            "2020-01-01",
            "2020-01-07",
            {Field.PERIOD_END: "The period ends before the engagement began (1 Mar 2027)."},
        ),
        (
            "2027-06-20",
            "2027-06-27",
            {Field.PERIOD_START: "The period starts after the campaign ended (31 May 2027)."},
        ),
    ):
        values = _values(engagement, **{Field.PERIOD_START: start, Field.PERIOD_END: end})
        reply = await world.slack.submit_view(MANAGER, view.id, values)
        assert reply.body == {"response_action": "errors", "errors": errors}
        assert world.top_view(MANAGER).id == view.id  # still open, as filled in
    assert await world.count(Review) == 0
    # ending the day before it began is a day of slack for time zones: stored
    values = _values(engagement, **{Field.PERIOD_START: "2027-02-22", Field.PERIOD_END: "2027-02-28"})
    assert (await world.slack.submit_view(MANAGER, view.id, values)).ok
    assert await world.count(Review) == 1


async def test_log_review_after_the_campaign_ended_proposes_its_last_week(world: World):
    """The prefilled period of a campaign that is over ends on its last day, so the form's own
    default is never refused."""
    await _setup(world)  # campaign 1 Mar to 31 May 2027
    world.clock.advance(timedelta(days=120))
    assert await _prefilled_period(world, await _engagement_id(world)) == ("2027-05-24", "2027-05-31")


async def test_not_shared_review_reaches_only_the_reviewer(world: World):
    channel = await _setup(world)
    before = len(world.emulator.history(channel))
    view = await _open_review(world, MEMBER)
    engagement = str(await _engagement_id(world))
    reply = await world.slack.submit_view(
        MEMBER, view.id, _values(engagement, ratings=(2, 3, 3, 4), **{Field.NOTES: "Rude to <!channel>"})
    )
    assert reply.ok and not reply.body
    dm = world.dm_to(MEMBER)
    assert f"Review of <@{IVY}> on `spring`" in dm and "Conduct *2*/5" in dm
    assert "Rude to &lt;!channel&gt;" in dm
    assert "Not shared: the influencer does not see this review." in dm
    assert "Report breach" not in dm
    assert world.emulator.dm(IVY) == []
    assert len(world.emulator.history(channel)) == before  # nothing in the shared channel


async def test_shared_and_flagged_review(world: World):
    channel = await _setup(world)
    view = await _open_review(world)
    engagement = await _engagement_id(world)
    reply = await world.slack.submit_view(
        MANAGER,
        view.id,
        _values(
            str(engagement),
            ratings=(1, 2, 2, 2),
            **{
                Field.NOTES: "Posted without disclosure.",
                Field.REVIEW_OPTIONS: ["flagged", "shared"],
            },
        ),
    )
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        review = (await s.exec(select(Review))).scalars().one()
    assert review.flagged and review.shared_with_influencer

    posted = world.emulator.history(channel)[-1]
    assert f"Hi <@{IVY}>, <@{MANAGER}> shared a review" in text_of(posted)
    assert "Posted without disclosure." in text_of(posted)

    dm = world.emulator.dm(MANAGER)[-1]
    assert f"Shared with <@{IVY}> in <#{channel}>." in text_of(dm)
    button = next(
        e
        for b in dm.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.REPORT_BREACH_PREFILLED
    )
    assert json.loads(button["value"]) == {
        "engagement_id": engagement,
        "guideline_code": None,
        "evidence": [],
    }


async def test_log_review_button_opens_the_modal_prefilled(world: World):
    channel = await _setup(world)
    engagement = await _engagement_id(world)
    client = world.stack.bot.services.client
    button = {
        "type": "actions",
        "block_id": "reminder",
        "elements": [
            {
                "type": "button",
                "action_id": Action.LOG_REVIEW,
                "text": {"type": "plain_text", "text": "Log review"},
                "value": str(engagement),
            }
        ],
    }
    # as a review-due reminder would send it: in the manager's DM
    sent = await client.chat_postMessage(channel=MANAGER, text="Review due", blocks=[button])
    await world.slack.click(MANAGER, sent["channel"], sent["ts"], Action.LOG_REVIEW)
    view = world.top_view(MANAGER)
    assert view.callback_id == Callback.REVIEW_LOG
    chosen = next(b for b in view.blocks if b.get("block_id") == Field.ENGAGEMENT)["element"][
        "initial_option"
    ]
    assert chosen["value"] == str(engagement)
    values = _values("unused")
    del values[Field.ENGAGEMENT]  # untouched: the prefilled engagement is submitted
    reply = await world.slack.submit_view(MANAGER, view.id, values)
    assert reply.ok and not reply.body
    async with world.db.transaction() as s:
        assert (await s.exec(select(Review.engagement_id))).scalar_one() == engagement
    # pressed in the shared channel by the influencer: refused, no modal
    sent = await client.chat_postMessage(channel=channel, text="Review due", blocks=[button])
    await world.slack.click(IVY, channel, sent["ts"], Action.LOG_REVIEW)
    assert world.said_to(IVY) == (
        ":no_entry: Only a campaign *manager*, *member* or *legal*, or a workspace *admin*, can log reviews."
    )
    assert world.emulator.open_views(IVY) == []


async def test_default_period_starts_after_the_last_review(world: World):
    await _setup(world)
    engagement = await _engagement_id(world)
    async with world.db.transaction() as s:
        s.add(_review(engagement, world.clock.now() - timedelta(days=3), end=date(2027, 2, 26)))
    assert await _prefilled_period(world, engagement) == ("2027-02-27", "2027-03-01")


async def _prefilled_period(world: World, engagement: int) -> tuple[str, str]:
    """The period of the review form that "Log review" (in a review-due DM) opens for Maya."""
    button = {
        "type": "button",
        "action_id": Action.LOG_REVIEW,
        "text": {"type": "plain_text", "text": "Log review"},
        "value": str(engagement),
    }
    client = world.stack.bot.services.client
    blocks = [{"type": "actions", "elements": [button]}]
    sent = await client.chat_postMessage(channel=MANAGER, text="Review due", blocks=blocks)
    await world.slack.click(MANAGER, sent["channel"], sent["ts"], Action.LOG_REVIEW)
    by_block = {b.get("block_id"): b for b in world.top_view(MANAGER).blocks}
    return tuple(by_block[f]["element"]["initial_date"] for f in (Field.PERIOD_START, Field.PERIOD_END))


async def test_usage(world: World):
    for line in ("/review help", "/review HELP"):
        await world.run(ADMIN, line)
        assert world.said_to(ADMIN) == messages.REVIEW_USAGE
    await world.run(MEMBER, "/review frobnicate")  # Mo holds no role yet: his help says how to get one
    said = world.said_to(MEMBER)
    assert said.startswith(":warning: `/review frobnicate` is not a command I know.")
    assert messages.help_text(Command.REVIEW, ["help"], "no_role") in said
    await world.run(ADMIN, "/review history")
    await world.stack.settle()
    assert (
        world.said_to(ADMIN)
        == ":warning: Missing argument. Usage: `/review history &lt;@user | influencer name&gt;`"
    )


async def test_review_history_without_a_name_refuses_first_whoever_may_not_read_scorecards(world: World):
    """Ivy (an influencer) and Mo (no role yet) are refused `/review history` as they would be after
    typing a name, not shown its usage; Lee, legal on `spring`, is shown the usage."""
    await world.new_campaign("spring")
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> legal")
    await world.invite(IVY)
    for who in (IVY, MEMBER):
        await world.run(who, f"/review history <@{IVY}>")
        await world.stack.settle()
        refused = world.said_to(who)
        assert refused.startswith(":no_entry:"), refused
        await world.run(who, "/review history")
        await world.stack.settle()
        assert world.said_to(who) == refused
    await world.run(LEGAL, "/review history")
    await world.stack.settle()
    assert world.said_to(LEGAL) == (
        ":warning: Missing argument. Usage: `/review history &lt;@user | influencer name&gt;`"
    )


# ---------------------------------------------------------------------------------------------
# the scorecard


def _review(engagement: int, created: datetime, ratings=(4, 4, 4, 4), again=True, end=None) -> Review:
    end = end or created.date()
    return Review(
        team_id=TEAM,
        engagement_id=engagement,
        reviewer_id=MANAGER,
        period_start=end - timedelta(days=7),
        period_end=end,
        conduct=ratings[0],
        communication=ratings[1],
        timeliness=ratings[2],
        content_quality=ratings[3],
        would_work_again=again,
        created_at=created,
    )


TEAM = "T0CAMPAIGN"  # the emulated workspace (playground.emulator.SlackEmulator default)


async def _seed_history(world: World) -> None:
    """Ivy on two campaigns: 2 incidents (one resolved with 2 strikes), 4 reviews, 3 deliverables."""
    await world.new_campaign("autumn", **{Field.NAME: "Autumn", Field.START: "2027-01-01"})
    await world.invite(IVY, "autumn")
    now = world.clock.now()
    async with world.db.transaction() as s:
        engagements = (await s.exec(select(Engagement).order_by(Engagement.id))).scalars().all()
        guideline = (await s.exec(select(Guideline).where(Guideline.code == "G4"))).scalars().first()
        first, second = engagements[0].id, engagements[1].id
        for number, (eng, severity, status, outcome, strikes) in enumerate(
            [(first, "major", "resolved", "warning", 2), (second, "minor", "in_mediation", None, None)], 1
        ):
            s.add(
                Incident(
                    team_id=TEAM,
                    number=number,
                    engagement_id=eng,
                    guideline_id=guideline.id,
                    guidelines_version=1,
                    severity=severity,
                    title="Rude reply",
                    description="…",
                    occurred_at=now - timedelta(days=5),
                    reporter_id=MANAGER,
                    status=status,
                    outcome=outcome,
                    strikes=strikes,
                    response_due_at=now + timedelta(days=1),
                    created_at=now - timedelta(days=5),
                    updated_at=now,
                )
            )
        # means 5, 4, 3, 2 (average 3.5): the newer half (3 + 2) / 2 = 2.5 against the older (5 + 4) / 2 → ↓
        for days, ratings, again in (
            (40, (5, 5, 5, 5), True),
            (30, (4, 4, 4, 4), True),
            (20, (3, 3, 3, 3), False),
            (10, (2, 2, 2, 2), False),
        ):
            s.add(_review(first if days > 25 else second, now - timedelta(days=days), ratings, again))
        for eng, due_days, submitted_days in ((first, -10, -11), (first, -5, -4), (second, 5, None)):
            s.add(
                Deliverable(
                    team_id=TEAM,
                    engagement_id=eng,
                    title="Reel",
                    platform="instagram",
                    due_at=now + timedelta(days=due_days),
                    status="submitted" if submitted_days is not None else "planned",
                    submitted_at=now + timedelta(days=submitted_days) if submitted_days is not None else None,
                    created_by=MANAGER,
                    created_at=now - timedelta(days=30),
                )
            )


async def test_scorecard_end_to_end(world: World):
    await _setup(world)
    await _seed_history(world)
    await world.run(MEMBER, f"/review history <@{IVY}|ivy>")
    said = world.said_to(MEMBER)
    assert "Scorecard · Ivy" in said
    assert "*Status:* active · *Strikes:* 2" in said
    assert "*Campaigns:* 2 campaigns" in said and "`spring`" in said and "`autumn`" in said
    assert "*Incidents:* 2 (1 open)" in said
    assert "*By severity:* critical 0 · major 1 · moderate 0 · minor 1" in said
    assert "*Outcomes:* warning 1" in said
    assert "*Reviews:* 4 · *average* 3.5/5" in said
    assert "*Trend:* ↓ last 2 reviews 2.5 vs the 2 before 4.5 (-2.0)" in said
    assert "*Would work again:* 50%" in said
    assert "*On-time delivery:* 50% (1 of 2 deliverables due)" in said

    # by name, any case; the same figures
    await world.run(LEGAL, "/review history IVY")
    assert "*Reviews:* 4 · *average* 3.5/5" in world.said_to(LEGAL)


async def test_scorecard_name_lookup(world: World):
    await _setup(world)
    async with world.db.transaction() as s:
        # engaged on `spring`: a scorecard is for the brand team of a campaign the influencer is on
        spring = (await s.exec(select(Engagement.campaign_id))).scalars().first()
        for name, email in (("Ivana Petrova", "ivana@x.example"), ("Ivan Petrov", "ivan@x.example")):
            person = Influencer(team_id=TEAM, display_name=name, email=email, created_at=world.clock.now())
            s.add(person)
            await s.flush()
            s.add(
                Engagement(
                    team_id=TEAM,
                    campaign_id=spring,
                    influencer_id=person.id,
                    channel_id=f"C0{name[:4].upper()}",
                    invited_by=MANAGER,
                    created_at=world.clock.now(),
                )
            )
    await world.run(MANAGER, "/review history iva")
    said = world.said_to(MANAGER)
    assert said.startswith(":mag: Several influencers match “iva”. Which one?")
    assert "• Ivan Petrov" in said and "• Ivana Petrova" in said and "Ivy" not in said
    await world.run(MANAGER, '/review history "ivan petrov"')
    assert "Scorecard · Ivan Petrov" in world.said_to(MANAGER)
    await world.run(MANAGER, "/review history Zed <b>")
    assert world.said_to(MANAGER) == (
        ":mag: No influencer named “Zed &lt;b&gt;” on any campaign you work on. Try `/review history @user`."
    )
    await world.run(MANAGER, f"/review history <@{OTTO}>")
    assert world.said_to(MANAGER) == f":mag: <@{OTTO}> is not an influencer on any campaign you work on."


async def test_scorecard_is_refused_to_influencers_and_outsiders(world: World):
    await _setup(world)
    await _seed_history(world)
    refusal = (
        ":no_entry: Only a campaign *manager*, *member* or *legal*, or a workspace *admin*, "
        "can see influencer scorecards."
    )
    for user, target in ((IVY, f"<@{IVY}>"), (IVY, "ivy"), (OTTO, "ivy")):
        await world.run(user, f"/review history {target}")
        said = world.said_to(user)
        assert said == refusal
        assert "Strikes" not in " ".join(world.all_said_to(user))


async def test_review_confirmation_refreshes_the_reviewers_home(world: World):
    await _setup(world)
    async with world.db.transaction() as s:
        await s.exec(
            update(Engagement).values(
                status="active", created_at=datetime(2027, 2, 1, tzinfo=UTC), acknowledged_version=1
            )
        )
    await world.slack.open_home(MANAGER)
    assert "Reviews due* (1)" in text_of({"blocks": world.emulator.home(MANAGER).blocks})
    view = await _open_review(world)
    reply = await world.slack.submit_view(MANAGER, view.id, _values(str(await _engagement_id(world))))
    assert reply.ok and not reply.body
    assert "Reviews due* (0)" in text_of({"blocks": world.emulator.home(MANAGER).blocks})


async def test_a_shared_copy_slack_refuses_is_said_to_the_reviewer_and_stops_nothing(world: World):
    """The review is saved first; Slack refusing its shared copy (the bot was removed from the
    channel) is told to the reviewer in their confirmation, and their home is still refreshed."""
    channel = await _setup(world)
    view = await _open_review(world)
    world.emulator.inject_failure("chat.postMessage", error="not_in_channel")
    published = len(world.emulator.calls_to("views.publish"))
    values = _values(str(await _engagement_id(world)), **{Field.REVIEW_OPTIONS: ["shared"]})
    reply = await world.slack.submit_view(MANAGER, view.id, values)
    assert reply.ok and not reply.body
    await world.stack.settle()
    async with world.db.transaction() as s:
        assert (await s.exec(select(Review))).scalars().one().shared_with_influencer
    assert not any("shared a review" in text_of(m) for m in world.emulator.history(channel))
    confirmation = text_of(world.emulator.dm(MANAGER)[-1])
    assert "Review of" in confirmation and f"could not post it in <#{channel}>" in confirmation
    assert "`not_in_channel`" in confirmation and "the influencer has not seen it" in confirmation
    assert len(world.emulator.calls_to("views.publish")) > published


async def test_a_confirmation_slack_refuses_still_refreshes_the_homes(world: World):
    """The reviewer's confirmation DM refused by Slack costs only itself: the review is saved and
    the homes that list reviews due are refreshed all the same."""
    await _setup(world)
    view = await _open_review(world)
    published = len(world.emulator.calls_to("views.publish"))
    world.emulator.inject_failure("chat.postMessage", error="internal_error")  # the confirmation
    reply = await world.slack.submit_view(MANAGER, view.id, _values(str(await _engagement_id(world))))
    assert reply.ok and not reply.body
    await world.stack.settle()
    async with world.db.transaction() as s:
        assert (await s.exec(select(Review))).scalars().one() is not None
    assert not any("Review of" in text_of(m) for m in world.emulator.dm(MANAGER))
    assert len(world.emulator.calls_to("views.publish")) > published
