"""Insights through the emulator: `/campaign report` per role (and its refusals), the charts in the
requester's DM and the figures they were drawn from (their alt text) against numbers worked out by
hand, the Monday digest under the moved clock, and App Home's chart."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot import messages
from bot.ids import Action, Field
from playground import people
from storage.models import Reminder
from tests.e2e.harness import (
    ADMIN,
    IVY,
    LEGAL,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    report,
    set_up_team,
    text_of,
)
from tests.e2e.test_incidents import fill, press

HOUR = timedelta(hours=1)
REPORT_CHARTS = 7


def _dm_files(world: World, user: str) -> list:
    """The files of every message in the user's DM with the bot, oldest first."""
    return [world.emulator.files[f] for m in world.emulator.dm(user) for f in m.file_ids]


def _png(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def _not_blank(image: Image.Image) -> bool:
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    return len(colours) > 20  # a chart has text, axes and bars in several colours


async def _story(world: World) -> str:
    """Three incidents on `spring`, in Maya's New York week of Monday 1 March (the world starts
    then, 09:00 in New York):

    - BR-1 (G1, reported 14:00 UTC): Ivy acknowledges 2 h later; Maya resolves it 48 h after the
      report with a warning and 1 strike;
    - BR-2 (G2, reported 16:30 UTC): Ivy acknowledges 30 min later; Lee dismisses it the next day;
    - BR-3 (G3, reported 19:00 UTC): still open.
    """
    channel = await set_up_team(world)
    await report(world, clause="G1", severity="minor")  # 14:00
    world.clock.advance(2 * HOUR)  # 16:00
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    world.clock.advance(HOUR / 2)  # 16:30
    await report(world, clause="G2", severity="major", description="Posted two days late.")
    world.clock.advance(HOUR / 2)  # 17:00
    await press(world, IVY, channel, Action.INCIDENT_ACKNOWLEDGE)
    world.clock.advance(2 * HOUR)  # 19:00
    await report(world, clause="G3", severity="critical", description="Promoted a rival brand.")
    world.clock.advance(21 * HOUR)  # Tuesday 16:00: BR-2 dismissed (a day and a half after its report)
    await _on_card(world, channel, 2, LEGAL, Action.INCIDENT_DISMISS, {Field.REASON: "Agreed delay."})
    world.clock.advance(22 * HOUR)  # Wednesday 14:00: BR-1 resolved, 48 h after its report
    await _on_card(
        world,
        channel,
        1,
        MANAGER,
        Action.INCIDENT_RESOLVE,
        {Field.OUTCOME: "warning", Field.STRIKES: "1", Field.NOTE: "Add #ad."},
    )
    return channel


async def _on_card(world: World, channel: str, number: int, user: str, action: str, values: dict) -> None:
    card = next(
        m
        for m in reversed(world.emulator.history(channel))
        if text_of(m).lstrip(":").find(f"BR-{number}") != -1
        and any(b.get("type") == "actions" for b in m.blocks)
    )
    await world.slack.click(user, channel, card.ts, action)
    reply = await fill(world, user, values)
    assert reply.ok and not reply.body, reply.body


async def test_manager_gets_the_summary_and_seven_charts_in_their_dm(world: World):
    await _story(world)
    before = len(world.emulator.files)
    await world.run(MANAGER, "/campaign report spring 30d")
    said = world.said_to(MANAGER)
    assert "Report: Spring Launch (spring)" in said
    assert "*3* incidents reported, *2* closed, *1* open now" in said
    # by hand: acknowledged after 2 h and after 30 min → median 1 h 15, 90th percentile 1 h 51
    assert "Time to acknowledge: median *1 h 15 min*, 90th percentile *1 h 51 min*" in said
    assert "Time to resolve: median *2.0 d*" in said  # only BR-1 was resolved (BR-2 dismissed)
    assert "7 charts sent to you by DM" in said
    files = _dm_files(world, MANAGER)
    assert len(files) == REPORT_CHARTS and len(world.emulator.files) == before + REPORT_CHARTS
    for f in files:
        assert f.filename.endswith(".png") and f.completed
        image = _png(f.content)
        assert image.format == "PNG" and image.width == 720 and image.height >= 500
        assert _not_blank(image)
    by_name = {f.filename: f for f in files}
    alt = by_name["incidents-by-clause.png"].alt_txt
    # the figures behind the charts, against the story: one on each of G1, G2, G3; one of each
    # severity but moderate; 30 days back from Wednesday 3 March
    assert "Spring Launch (spring) · 1 Feb – 3 Mar 2027, New York time: 3 incidents." in alt
    assert alt.endswith(
        "By clause: G1 Disclose the partnership clearly 1, G2 Deliver on time 1, "
        "G3 No competitor promotion 1. "
        "By severity: minor 1, major 1, critical 1"
    )
    assert by_name["strikes.png"].alt_txt.endswith("most first: Ivy 1 (active)")
    assert by_name["open-incidents-by-age.png"].alt_txt.endswith(
        "< 1 d 0, 1–3 d 1, 3–7 d 0, 1–2 wk 0, 2–4 wk 0, > 4 wk 0"
    )
    assert (
        "acknowledged in 1 h 15 min (median), resolved in 2.0 d (median)"
        in by_name["response-times.png"].alt_txt
    )


@pytest.mark.parametrize("who", ["member", "legal", "admin"])
async def test_every_brand_role_and_admins_get_the_campaign_report(world: World, who: str):
    user = {"member": MEMBER, "legal": LEGAL, "admin": ADMIN}[who]
    await set_up_team(world)
    await report(world)
    await world.run(user, "/campaign report spring")
    assert "Report: Spring Launch (spring)" in world.said_to(user)
    assert len(_dm_files(world, user)) == REPORT_CHARTS
    assert _dm_files(world, MANAGER) == []  # nobody else got anything


async def test_the_whole_program_is_for_admins_only(world: World):
    await set_up_team(world)
    await report(world)
    await world.run(ADMIN, "/campaign report all")
    said = world.said_to(ADMIN)
    assert "Report: All campaigns" in said and "*1* incident reported" in said
    alt = {f.filename: f.alt_txt for f in _dm_files(world, ADMIN)}["incidents-by-clause.png"]
    assert "By clause: disclosure 1" in alt  # a program groups clauses by category
    await world.run(MANAGER, "/campaign report")
    assert "All campaigns" not in world.said_to(MANAGER)


async def test_without_a_slug_a_manager_gets_the_report_of_her_campaigns(world: World):
    """Maya manages spring and summer, not the admin's autumn: `/campaign report` reports over her
    two (autumn's incident is not counted), naming them. Mo, a member of spring alone, gets spring's
    report; Otto, with no role, is told why there is none and gets no chart."""
    await set_up_team(world)
    await report(world)  # BR-1 on spring
    await world.new_campaign("summer", **{Field.NAME: "Summer Drop"})
    await world.new_campaign("autumn", user=ADMIN, **{Field.NAME: "Autumn Drop"})
    await world.invite(IVY, "autumn", user=ADMIN)
    await report(world, ADMIN, engagement_label="Autumn Drop · Ivy")  # BR-2, not Maya's

    await world.run(MANAGER, "/campaign report")
    said = world.said_to(MANAGER)
    assert "Report: Your 2 campaigns" in said and "*1* incident reported" in said, said
    assert "The campaigns where you hold a role: `spring`, `summer`." in said
    files = _dm_files(world, MANAGER)
    assert len(files) == REPORT_CHARTS
    alt = {f.filename: f.alt_txt for f in files}["incidents-by-clause.png"]
    assert "Your 2 campaigns" in alt and "By clause: disclosure 1" in alt, alt

    await world.run(MEMBER, "/campaign report 30d")
    assert "Report: Spring Launch (spring)" in world.said_to(MEMBER)
    assert "`/campaign report spring 30d` runs it again" in world.said_to(MEMBER)

    before = len(world.emulator.files)
    await world.run(OTTO, "/campaign report")
    assert world.said_to(OTTO) == messages.NO_CAMPAIGN_TO_REPORT
    assert len(world.emulator.files) == before


async def test_influencers_and_outsiders_are_refused_and_get_nothing(world: World):
    await set_up_team(world)
    await report(world)
    files = len(world.emulator.files)
    await world.run(IVY, "/campaign report spring")
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")
    await world.run(IVY, "/campaign report")
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")
    await world.run(OTTO, "/campaign report spring")  # in no part of it: as if it did not exist
    assert world.said_to(OTTO) == messages.unknown_slug("spring")
    await world.run(OTTO, "/campaign report spring 12y")
    assert world.said_to(OTTO).startswith(
        ":warning: Usage: `/campaign report [&lt;slug&gt;] [30d | 90d | all]`"
    )
    await world.run(MANAGER, "/campaign report nope")
    assert "No campaign `nope`" in world.said_to(MANAGER)
    assert len(world.emulator.files) == files
    assert _dm_files(world, IVY) == [] and _dm_files(world, OTTO) == []


async def test_an_admin_who_is_an_influencer_is_refused(world: World):
    await set_up_team(world)
    world.emulator.user(IVY).is_admin = True  # Slack made Ivy an admin later
    world.stack.bot.services.directory.forget(IVY)
    await world.run(IVY, "/campaign report")
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")
    assert _dm_files(world, IVY) == []


# ------------------------------------------------------------------------------------------------
# the Monday digest


async def _digests(world: World) -> list[Reminder]:
    async with world.db.transaction() as s:
        rows = await s.exec(
            select(Reminder).where(Reminder.kind == "weekly_digest").order_by(Reminder.due_at)
        )
        return list(rows.scalars())


def _digest_messages(world: World, user: str) -> list:
    return [m for m in world.emulator.dm(user) if "Weekly digest" in (m.text or "")]


async def test_digest_is_sent_once_on_monday_morning_in_the_managers_zone(world: World):
    await set_up_team(world)
    await report(world)  # Monday 1 March, 14:00 UTC (09:00 in New York)
    dispatcher = world.stack.bot.dispatcher
    await dispatcher.tick()
    rows = await _digests(world)
    assert [(r.target_user, r.due_at, r.status) for r in rows] == [
        (MANAGER, datetime(2027, 3, 8, 14, 0, tzinfo=UTC), "pending")  # Monday 09:00 EST
    ]
    assert rows[0].dedupe_key.endswith(f":{MANAGER}:2027-W10")
    world.clock.set(datetime(2027, 3, 8, 13, 59, tzinfo=UTC))
    await dispatcher.tick()
    assert _digest_messages(world, MANAGER) == []
    world.clock.set(datetime(2027, 3, 8, 14, 0, tzinfo=UTC))
    await dispatcher.tick()
    await dispatcher.tick()  # again, and a second replica, and a restarted one: still one digest
    from scheduler.dispatcher import Dispatcher

    await Dispatcher(world.stack.bot.services, tick_seconds=None, name="replica-2").tick()
    sent = _digest_messages(world, MANAGER)
    assert len(sent) == 1
    text = sent[0].text
    assert "*Weekly digest — Spring Launch* (`spring`)" in text
    assert "Week of 1 Mar, against the week of 22 Feb:" in text
    assert "• New incidents: *1 (↑ +1)*" in text
    assert "• Open at the end of the week: *1 (↑ +1)*" in text
    chart = world.emulator.files[sent[0].file_ids[0]]
    assert chart.filename == "open-incidents.png" and _not_blank(_png(chart.content))
    assert "1 Mar: 1 open" in chart.alt_txt
    for user in (MEMBER, LEGAL, IVY, ADMIN):
        assert _digest_messages(world, user) == []
    # the next one: Monday 15 March 09:00 in New York is 13:00 UTC (daylight saving time began)
    rows = await _digests(world)
    assert [(r.due_at, r.status) for r in rows] == [
        (datetime(2027, 3, 8, 14, 0, tzinfo=UTC), "sent"),
        (datetime(2027, 3, 15, 13, 0, tzinfo=UTC), "pending"),
    ]
    world.clock.set(datetime(2027, 3, 15, 13, 0, tzinfo=UTC))
    await dispatcher.tick()
    assert len(_digest_messages(world, MANAGER)) == 2


async def test_digest_switched_off_and_on_by_a_manager_only(world: World):
    await set_up_team(world)
    dispatcher = world.stack.bot.dispatcher
    await dispatcher.tick()
    await world.run(MEMBER, "/campaign digest spring off")
    assert (
        world.said_to(MEMBER)
        == ":no_entry: Only a campaign *manager* or a workspace *admin* can switch the weekly digest."
    )
    await world.run(IVY, "/campaign digest spring off")
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")
    await world.run(MANAGER, "/campaign digest spring sometimes")
    assert world.said_to(MANAGER) == ":warning: Usage: `/campaign digest &lt;slug&gt; [on | off]`"
    await world.run(MANAGER, "/campaign digest spring off")
    assert world.said_to(MANAGER).startswith(":white_check_mark: The weekly digest of *Spring Launch*")
    assert [r.status for r in await _digests(world)] == ["cancelled"]
    world.clock.set(datetime(2027, 3, 8, 15, 0, tzinfo=UTC))
    await dispatcher.tick()
    assert _digest_messages(world, MANAGER) == []
    assert [r.status for r in await _digests(world)] == ["cancelled"]  # the hourly planning keeps it off
    await world.run(MANAGER, "/campaign digest spring on")
    assert "is on" in world.said_to(MANAGER)
    rows = await _digests(world)
    assert [(r.due_at, r.status) for r in rows] == [
        (datetime(2027, 3, 8, 14, 0, tzinfo=UTC), "cancelled"),
        (datetime(2027, 3, 15, 13, 0, tzinfo=UTC), "pending"),
    ]


async def test_digest_with_the_slug_alone_says_whether_it_is_on_and_how_to_switch_it(world: World):
    """`/campaign digest spring`, as `/campaign conduct spring` does, answers with the current
    setting and the command that changes it, not the usage; it changes nothing, and is refused to
    whoever may not switch the digest."""
    await set_up_team(world)
    await world.stack.bot.dispatcher.tick()
    rows = [(r.due_at, r.status) for r in await _digests(world)]
    await world.run(MANAGER, "/campaign digest spring")
    await world.stack.settle()
    assert world.said_to(MANAGER) == (
        ":calendar: The weekly digest of *Spring Launch* (`spring`) is *on*: every Monday at 09:00 in "
        "their own time zone, each manager gets last week's figures and a chart by DM. "
        "`/campaign digest spring off` turns it off."
    )
    assert [(r.due_at, r.status) for r in await _digests(world)] == rows
    await world.run(MANAGER, "/campaign digest spring off")
    await world.run(ADMIN, "/campaign digest SPRING")
    await world.stack.settle()
    assert world.said_to(ADMIN) == (
        ":calendar: The weekly digest of *Spring Launch* (`spring`) is *off*. "
        "`/campaign digest spring on` turns it on."
    )
    await world.run(MANAGER, "/campaign complete spring")
    await world.run(MANAGER, "/campaign digest spring")
    await world.stack.settle()
    assert world.said_to(MANAGER).endswith(
        "\n:information_source: The campaign is completed: no digest is sent until it is reopened."
    )
    await world.run(MEMBER, "/campaign digest spring")
    await world.stack.settle()
    assert world.said_to(MEMBER) == (
        ":no_entry: Only a campaign *manager* or a workspace *admin* can switch the weekly digest."
    )
    await world.run(IVY, "/campaign digest spring")
    await world.stack.settle()
    assert world.said_to(IVY).startswith(":no_entry: Reports and digests are for the brand team")


async def test_digest_follows_each_managers_time_zone(world: World):
    await set_up_team(world)
    await world.run(MANAGER, f"/campaign role spring <@{LEGAL}> manager")  # Lee, in Paris
    await world.stack.bot.dispatcher.tick()
    rows = {r.target_user: r.due_at for r in await _digests(world)}
    assert rows == {
        MANAGER: datetime(2027, 3, 8, 14, 0, tzinfo=UTC),  # 09:00 in New York
        LEGAL: datetime(2027, 3, 8, 8, 0, tzinfo=UTC),  # 09:00 in Paris
    }
    assert people.LEGAL.tz == "Europe/Paris"


# ------------------------------------------------------------------------------------------------
# App Home


async def _home_chart(world: World, user: str) -> dict | None:
    reply = await world.slack.open_home(user)
    assert reply.ok
    view = world.emulator.home(user)
    assert view is not None
    return next((b for b in view.blocks if b.get("type") == "image"), None)


async def test_app_home_shows_the_open_incidents_trend_redrawn_at_most_hourly(world: World):
    await set_up_team(world)
    await report(world)
    block = await _home_chart(world, MANAGER)  # drawn when the report refreshed her home, or now
    uploads = len(world.emulator.calls_to("files.getUploadURLExternal"))
    assert block is not None and block["title"]["text"] == "Open incidents on your campaigns, last 8 weeks"
    file_id = block["slack_file"]["id"]
    uploaded = world.emulator.files[file_id]
    assert uploaded.completed and uploaded.channels == []  # a file of the app, shared nowhere
    image = _png(uploaded.content)
    assert (image.width, image.height) == (720, 396) and _not_blank(image)
    # the data: eight weeks, nothing open until this week's BR-1
    assert block["alt_text"].endswith("22 Feb: 0 open, 1 Mar: 1 open")
    world.clock.advance(59 * timedelta(minutes=1))
    assert (await _home_chart(world, MANAGER))["slack_file"]["id"] == file_id  # within the hour: reused
    assert len(world.emulator.calls_to("files.getUploadURLExternal")) == uploads
    world.clock.advance(2 * timedelta(minutes=1))
    assert (await _home_chart(world, MANAGER))["slack_file"]["id"] != file_id  # an hour on: redrawn
    assert len(world.emulator.calls_to("files.getUploadURLExternal")) == uploads + 1


async def test_app_home_chart_is_for_brand_roles_only(world: World):
    await set_up_team(world)
    await report(world)
    for user in (MEMBER, LEGAL):
        assert await _home_chart(world, user) is not None
    for user in (IVY, OTTO):
        assert await _home_chart(world, user) is None


async def test_app_home_chart_goes_with_the_brand_role(world: World):
    """Mo's home shows the chart of spring's open incidents; Maya takes his role away
    (`/campaign role spring @Mo none`: its rights end at once). His home, republished by the
    change and opened again within the hour the chart is kept, shows no chart: who may see it is
    decided before a kept one is used, and the change drops it."""
    await set_up_team(world)
    await report(world)
    assert await _home_chart(world, MEMBER) is not None
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> none")
    await world.stack.settle()
    assert await _home_chart(world, MEMBER) is None


async def test_app_home_chart_is_not_shown_to_a_former_member_now_an_influencer(world: World):
    """Mo's home shows the chart of spring's open incidents; his role is taken away and he is
    invited as an influencer on autumn. His influencer home never shows the brand side
    (docs/trust-boundaries.md, *What an influencer never sees*), kept chart or not."""
    await set_up_team(world)
    await report(world)
    assert await _home_chart(world, MEMBER) is not None
    await world.run(MANAGER, f"/campaign role spring <@{MEMBER}> none")
    await world.new_campaign("autumn")
    said = await world.invite(MEMBER, "autumn")
    assert said.startswith(":handshake:"), said
    await world.stack.settle()
    assert await _home_chart(world, MEMBER) is None


async def test_app_home_is_published_without_its_chart_when_slack_refuses_the_image(world: World):
    await set_up_team(world)
    world.emulator.inject_failure("views.publish", error="invalid_arguments")  # the image, say
    assert await _home_chart(world, MANAGER) is None
    assert "Brand team" in text_of({"blocks": world.emulator.home(MANAGER).blocks})
    assert await _home_chart(world, MANAGER) is not None  # the next time, the chart is there
