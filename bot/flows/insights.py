"""Insights in Slack: `/campaign report`, `/campaign digest`, the Monday digest, App Home's chart.

Who sees what (docs/insights.md):

- `/campaign report <slug> [30d|90d|all]`: the campaign's brand roles (manager, member, legal) and
  admins; `/campaign report` with no campaign: every campaign of the workspace for an admin, the
  campaigns where they hold a brand role for anyone else (refused to those who hold none).
  Influencers are refused whatever else they hold: reports compare influencers with each other.
- The summary is ephemeral; the charts go to the requester's DM with the bot (`files_upload_v2`),
  so nobody else in a channel sees them.
- The digest goes to each manager of an active campaign with the digest on, by DM.

The figures come from SQL aggregates (`storage/queries/insights.py`, one short transaction); the
charts are drawn in a worker thread (matplotlib's Agg canvas, no shared state) so the event loop
keeps answering while they render.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import messages
from bot.domain import insights as ins
from bot.domain.enums import Role
from bot.domain.permissions import BRAND
from bot.errors import InvalidInput, NotPermitted
from bot.flows import trust
from bot.flows.access import campaign_for, known_email
from bot.installations import in_workspace
from bot.services import Services
from bot.views import charts
from bot.views import insights as views
from bot.views.text import esc
from scheduler.planner import CampaignFacts
from storage.models import Campaign
from storage.queries import campaigns as campaign_q
from storage.queries import incidents as incident_q
from storage.queries import insights as q
from storage.queries import reminders as reminder_queries

log = logging.getLogger(__name__)

#: Influencers listed in a per-influencer chart (the lowest rates, most strikes…).
PEOPLE = charts.MAX_PEOPLE
#: App Home's chart: the last weeks, redrawn at most this often per user.
HOME_WEEKS = 8
HOME_FRESH = timedelta(hours=1)
HOME_CHART = "home"
#: The digest's chart covers this many weeks.
DIGEST_WEEKS = 8
#: How often a dispatcher plans the digests (new managers, new campaigns, time zones).
PLAN_EVERY = timedelta(hours=1)

REPORT_USAGE = "/campaign report [<slug>] [30d | 90d | all]"
DIGEST_USAGE = "/campaign digest <slug> [on | off]"
NOT_FOR_INFLUENCERS = (
    ":no_entry: Reports and digests are for the brand team: they compare influencers with each other, "
    "and you are an influencer on a campaign of this workspace."
)


def parse_report(args: list[str]) -> tuple[str | None, str]:
    """`[slug] [30d|90d|all]` → (slug or None, range)."""
    words = [a.lower() for a in args]
    range_word = ins.DEFAULT_RANGE
    if words and words[-1] in ins.RANGES:
        range_word = words.pop()
    if len(words) > 1:
        raise InvalidInput(f":warning: Usage: `{esc(REPORT_USAGE)}`")
    return (words[0] if words else None), range_word


def parse_digest(args: list[str]) -> tuple[str, bool | None]:
    """`<slug> [on|off]` → (slug, on; None: the slug alone, which asks for the current setting)."""
    if len(args) == 1:
        return args[0].lower(), None
    if len(args) != 2 or args[1].lower() not in ("on", "off"):
        raise InvalidInput(f":warning: Usage: `{esc(DIGEST_USAGE)}`")
    return args[0].lower(), args[1].lower() == "on"


# ---------------------------------------------------------------------------------------------
# the figures


async def figures(
    db,
    scope: q.Scope,
    header: ins.Header,
    now: datetime,
    *,
    by_category: bool,
    people: bool = True,
) -> ins.Figures:
    """Every figure of a report over [header.start, now], from the store's aggregates.

    The aggregates over incidents each read the scope's rows once; they run side by side, each
    in its own short read-only transaction, so a report over a million incidents takes about as
    long as its longest aggregate (PostgreSQL runs one statement on one core)."""
    ps = ins.periods(header.start, now, header.tz, header.unit)
    bounds = ins.bounds(ps)
    n = len(ps)

    async def read(work):
        async with db.transaction() as s:
            await q.prepare(s)
            return await work(s)

    settled = None
    if scope.engagement_ids is None:  # a workspace: its past days are kept per day (q.settle)
        settled = await read(lambda s: q.settle(s, scope.team_id, now))

    async def reported(s):
        rows = await q.reported(s, scope, bounds, by_category=by_category, settled=settled)
        if by_category:
            return rows, {k: k.replace("_", " ") for _, k, _, _ in rows}
        names = await q.guideline_labels(s, scope.team_id, sorted({k for _, k, _, _ in rows}))
        return rows, {gid: f"{code} {title}" for gid, (code, title) in names.items()}

    async def now_open(s):
        return await q.open_now(s, scope), await q.open_ages(s, scope, now)

    async def per_influencer(s):
        if not people:
            return {}
        start = header.start
        middle = start + (now - start) / 2
        compliance = await q.compliance(s, scope, bounds)
        return dict(
            on_time=tuple(
                ins.Person(r.name, ins.rate(r.on_time, r.due), r.due, r.on_time)
                for r in await q.on_time(s, scope, start, now, PEOPLE)
            ),
            passed=tuple(compliance.passed),
            failed=tuple(compliance.failed),
            waived=tuple(compliance.waived),
            findings=compliance.findings,
            reviews=tuple(
                ins.Person(r.name, r.average, r.count, r.trend)
                for r in await q.reviews(s, scope, start, middle, now, PEOPLE)
            ),
        )

    async def strikes(s):
        if not people:
            return ()
        return tuple(
            ins.Person(r.name, r.strikes, r.incidents, status=r.status)
            for r in await q.strikes(s, scope, header.start, PEOPLE)
        )

    (rows, label), ack, closed, (open_now, ages), extra, struck = await asyncio.gather(
        read(reported),
        read(lambda s: q.acknowledged(s, scope, bounds, settled)),
        read(lambda s: q.closed(s, scope, bounds, settled)),
        read(now_open),
        read(per_influencer),
        read(strikes),
    )
    order = sorted({label[k] for _, k, _, _ in rows})
    by_clause = ins.per_period([(p, label[k], c) for p, k, _, c in rows], order, n)
    by_severity = ins.per_period([(p, sev, c) for p, _, sev, c in rows], ins.SEVERITIES, n)
    opened = [0] * n
    for p, _, _, c in rows:
        opened[p] += c
    if people:
        extra["strikes"] = struck
    return ins.Figures(
        header=header,
        periods=tuple(ps),
        by_clause=by_clause,
        by_severity=by_severity,
        ack=tuple(ins.spreads(ack, n)),
        resolve=tuple(ins.spreads(closed.resolve, n)),
        opened=tuple(opened),
        closed=tuple(closed.per_period),
        open_now=open_now,
        ages=ins.ages_by_label(ages),
        ack_bins=ack,
        resolve_bins=closed.resolve,
        **extra,
    )


def _scope_name(campaign: Campaign | None) -> str:
    return f"{campaign.name} ({campaign.slug})" if campaign else "All campaigns"


async def _start(s: AsyncSession, scope: q.Scope, campaign: Campaign | None, range_word: str, now: datetime):
    days = ins.RANGES[range_word]
    if days is not None:
        return now - timedelta(days=days)
    first = await q.first_incident_at(s, scope)
    candidates = [t for t in (first,) if t is not None]
    if campaign is not None:
        candidates.append(campaign.created_at)
    return min(candidates) if candidates else now - timedelta(days=7)


# ---------------------------------------------------------------------------------------------
# /campaign report


async def _refuse_influencers(svc: Services, team_id: str, user_id: str) -> None:
    if (await trust.someone(svc, team_id, user_id)).is_influencer:
        raise NotPermitted("see reports", ["admin", "manager", "member", "legal"], NOT_FOR_INFLUENCERS)


async def report(svc: Services, team_id: str, user_id: str, slug: str | None, range_word: str) -> list[Block]:
    """Authorise, compute, draw, send the charts to the requester's DM; returns the summary."""
    await _refuse_influencers(svc, team_id, user_id)
    now = svc.clock.now()
    reader = await svc.directory.user(user_id)
    tz = ins.zone(reader.tz)
    async with svc.db.transaction() as s:
        campaign, yours = None, None
        if slug:
            campaign, roles = await campaign_for(s, svc.directory, team_id, slug, user_id, needed=BRAND)
            if BRAND.isdisjoint(roles):
                raise NotPermitted("see this campaign's report", [r.value for r in BRAND])
            scope = await q.campaign_scope(s, campaign)
        elif await svc.directory.is_admin(user_id):
            scope = q.Scope(team_id)
        else:  # the campaigns where they hold a brand role, each of which they may see alone
            scope, campaign_ids = await q.brand_scope(s, team_id, user_id)
            if not campaign_ids:
                raise NotPermitted("see reports", [r.value for r in BRAND], messages.NO_CAMPAIGN_TO_REPORT)
            yours = await campaign_q.by_ids(s, team_id, campaign_ids)
            if len(yours) == 1:
                campaign = yours[0]
        start = await _start(s, scope, campaign, range_word, now)
    several = [c.slug for c in yours or ()] if campaign is None else []
    name = messages.your_campaigns(len(several)) if several else _scope_name(campaign)
    header = ins.Header(name, start, now, tz, ins.unit_for(start, now))
    f = await figures(svc.db, scope, header, now, by_category=campaign is None)
    drawn = await asyncio.to_thread(charts.report, f)
    await send_charts(svc.client, user_id, drawn, f"{header.scope}: {header.dates()}")
    return views.report_summary(
        f, [c.title for c in drawn], range_word, campaign.slug if campaign else None, several
    )


async def dm_channel(client, user_id: str) -> str:
    return (await client.conversations_open(users=user_id))["channel"]["id"]


async def send_charts(client, user_id: str, drawn: list[charts.Chart], comment: str) -> None:
    """All the charts in one message of the requester's DM (`files.uploadV2`: shown inline)."""
    await client.files_upload_v2(
        file_uploads=[
            {"content": c.png, "filename": c.filename, "title": c.title, "alt_txt": c.alt[:1000]}
            for c in drawn
        ],
        channel=await dm_channel(client, user_id),
        initial_comment=f":bar_chart: {esc(comment)}",
    )


# ---------------------------------------------------------------------------------------------
# /campaign digest <slug> [on|off]

_DIGEST_MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})


async def _digest_campaign(svc: Services, s: AsyncSession, team_id: str, user_id: str, slug: str) -> Campaign:
    """The campaign whose digest `user_id` asks about or switches: its managers' and the admins'."""
    campaign, roles = await campaign_for(s, svc.directory, team_id, slug, user_id, needed=_DIGEST_MANAGERS)
    if _DIGEST_MANAGERS.isdisjoint(roles):
        raise NotPermitted("switch the weekly digest", ["admin", "manager"])
    return campaign


async def digest_setting(svc: Services, team_id: str, user_id: str, slug: str) -> str:
    """`/campaign digest <slug>`: whether the digest is on, and the command that switches it."""
    await _refuse_influencers(svc, team_id, user_id)
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await _digest_campaign(svc, s, team_id, user_id, slug)
    return views.digest_setting(campaign)


async def set_digest(svc: Services, team_id: str, user_id: str, slug: str, on: bool) -> str:
    await _refuse_influencers(svc, team_id, user_id)
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await _digest_campaign(svc, s, team_id, user_id, slug)
        await s.exec(update(Campaign).where(Campaign.id == campaign.id).values(digest_enabled=on))
        campaign.digest_enabled = on
    if on:
        await store_zones(svc, team_id, [m for m in await _managers(svc, campaign.id)])
    async with svc.db.transaction() as s:
        await plan_campaigns(s, [campaign.id], now)
    name = f"*{esc(campaign.name)}* (`{esc(campaign.slug)}`)"
    if on:
        return (
            f":white_check_mark: The weekly digest of {name} is on: every Monday at 09:00 in their own "
            "time zone, each manager gets last week's figures and a chart by DM."
        )
    return (
        f":white_check_mark: The weekly digest of {name} is off. "
        f"`/campaign digest {esc(campaign.slug)} on` turns it back on."
    )


async def _managers(svc: Services, campaign_id: int) -> list[str]:
    async with svc.db.transaction() as s:
        return [u for u, _ in (await q.managers_with_zones(s, [campaign_id])).get(campaign_id, [])]


async def store_zones(svc: Services, team_id: str, user_ids: list[str]) -> None:
    """Ask Slack for each user's time zone (cached by the directory) and store it."""
    zones: dict[str, str] = {}
    for user_id in sorted(set(user_ids)):
        try:
            found = await svc.directory.user(user_id)
        except Exception:  # a deactivated or unknown user: keep what is stored
            log.info("no time zone for %s", user_id, exc_info=True)
            continue
        if found.tz:
            zones[user_id] = ins.zone(found.tz).key
    if zones:
        async with svc.db.transaction() as s:
            await q.save_zones(s, team_id, zones, svc.clock.now())


async def plan_campaigns(s: AsyncSession, campaign_ids: list[int], now: datetime) -> None:
    facts = await q.campaign_facts(s, campaign_ids)
    await reminder_queries.sync_many(s, facts.values(), now)


async def plan_digests(svc: Services) -> int:
    """Make every active campaign's digest rows match its managers and their time zones (and cancel
    those of campaigns switched off or ended): the dispatcher runs this every PLAN_EVERY."""
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        managed = await q.managed_active(s)
    by_team: dict[str, set[str]] = {}
    for team_id, _, user_id in managed:
        by_team.setdefault(team_id, set()).add(user_id)
    multi = getattr(getattr(svc, "tenancy", None), "multi", False)
    for team_id, users in by_team.items():
        if multi:  # no request here: Slack is asked with that workspace's own token
            async with in_workspace(svc, team_id) as installed:
                if installed is not None:  # a workspace that uninstalled the app is asked nothing
                    await store_zones(svc, team_id, sorted(users))
        elif svc.directory.team_id in (None, team_id):
            await store_zones(svc, team_id, sorted(users))
    campaign_ids = sorted({c for _, c, _ in managed})
    async with svc.db.transaction() as s:
        # also those with rows still pending whose campaign ended or was switched off
        pending = set(await q.campaigns_with_pending_digests(s))
        # an uninstalled workspace's rows are cancelled by the dispatcher when due, with the reason
        await plan_campaigns(
            s, sorted(set(campaign_ids) | (pending - await q.campaigns_of_inactive(s, pending))), now
        )
    return len(campaign_ids)


# ---------------------------------------------------------------------------------------------
# the Monday digest (sent by the dispatcher)


@dataclass(frozen=True, slots=True)
class Digest:
    text: str
    chart: charts.Chart


def _headline(n: views.DigestNumbers) -> str:
    """The one chart that matters most this week."""
    if n.failures.now > n.failures.before and n.failures.now >= max(n.new.now, n.late.now):
        return "compliance"
    if n.late.now > n.late.before and n.late.now > n.new.now:
        return "on_time"
    return "incidents"


async def digest(db, facts: CampaignFacts, tz_name: str | None, now: datetime) -> Digest:
    """Last week (Monday to Monday in the manager's zone) against the week before, and a chart."""
    campaign = facts.campaign
    tz = ins.zone(tz_name)
    monday = ins.week_start(now, tz)
    b0, b1, b2 = (ins.local_midnight(monday - timedelta(days=d), tz) for d in (14, 7, 0))
    bounds = [b0, b1, b2, max(now, b2) + timedelta(microseconds=1)]
    async with db.transaction() as s:
        scope = await q.campaign_scope(s, campaign)
        rows = await q.reported(s, scope, bounds, by_category=False)
        opened = [0, 0, 0]
        for p, _, _, c in rows:
            opened[p] += c
        closed = (await q.closed(s, scope, bounds)).per_period
        open_at = ins.open_series(await q.open_now(s, scope), opened, closed)
        late = await q.late(s, scope, bounds, now)
        failed = (await q.compliance(s, scope, bounds)).failed
        due = await q.reviews_due(s, campaign.team_id, campaign.id, bounds)
        numbers = views.DigestNumbers(
            new=ins.Change(opened[1], opened[0]),
            closed=ins.Change(closed[1], closed[0]),
            open=ins.Change(open_at[1], open_at[0]),
            late=ins.Change(late[1], late[0]),
            failures=ins.Change(failed[1], failed[0]),
            reviews_due=ins.Change(due[1], due[0]),
        )
    start = ins.local_midnight(monday - timedelta(weeks=DIGEST_WEEKS), tz)
    header = ins.Header(_scope_name(campaign), start, b2 - timedelta(microseconds=1), tz, ins.Unit.WEEK)
    headline = _headline(numbers)
    f = await figures(
        db, scope, header, b2 - timedelta(microseconds=1), by_category=False, people=headline != "incidents"
    )
    draw = {"compliance": charts.compliance, "on_time": charts.on_time}.get(headline, charts.open_trend)
    chart = await asyncio.to_thread(draw, f)
    last, before = monday - timedelta(days=7), monday - timedelta(days=14)
    text = views.digest_text(
        campaign.name, campaign.slug, f"{last.day} {last:%b}", f"{before.day} {before:%b}", numbers
    )
    return Digest(text, chart)


async def send_digest(
    db, client, facts: CampaignFacts, user_id: str, tz_name: str | None, now: datetime
) -> None:
    """One message in the manager's DM: the text and the chart (one `files.completeUploadExternal`,
    the only call that posts, so a retry after a failure never shows the digest twice)."""
    d = await digest(db, facts, tz_name, now)
    await client.files_upload_v2(
        content=d.chart.png,
        filename=d.chart.filename,
        title=d.chart.title,
        alt_txt=d.chart.alt[:1000],
        channel=await dm_channel(client, user_id),
        initial_comment=d.text,
    )


# ---------------------------------------------------------------------------------------------
# App Home


async def trend(db, scope: q.Scope, header: ins.Header, now: datetime) -> ins.Figures:
    """Only what the open incidents trend draws: reported and closed per week, open now."""
    ps = ins.periods(header.start, now, header.tz, header.unit)
    bounds = ins.bounds(ps)
    async with db.transaction() as s:
        opened, closed, open_now = await q.trend(s, scope, bounds)
    n = len(ps)
    empty = (ins.Spread(0, None, None),) * n
    return ins.Figures(
        header=header,
        periods=tuple(ps),
        by_clause={},
        by_severity={},
        ack=empty,
        resolve=empty,
        opened=tuple(opened),
        closed=tuple(closed),
        open_now=open_now,
        ages={},
    )


async def home_blocks(svc: Services, team_id: str, user_id: str) -> list[Block]:
    """The open incidents trend of the campaigns where `user_id` holds a brand role, as an image
    block; the PNG is uploaded to Slack (no channel: a file of the app) at most once per
    HOME_FRESH and its file id reused meanwhile. Nothing for anyone else, nor for influencers
    (also one known only by the e-mail Slack shows for them).

    Who may see a chart is decided before any kept one is shown (one statement, `on_a_brand_team`):
    a chart drawn while the user held a brand role is brand-side reading, and outlives neither the
    role nor their becoming an influencer. A change of their roles also drops the kept chart
    (`storage.queries.insights.forget_charts`), so that it is drawn again for what they may see
    now. A kept chart costs two statements; redrawing, six more (App Home stays a handful of
    queries)."""
    now = svc.clock.now()
    alt_title = "Open incidents on your campaigns, last 8 weeks"
    email = known_email(svc.directory, user_id)  # App Home looked the user up (`build_home`)
    async with svc.db.transaction() as s:
        if not await incident_q.on_a_brand_team(s, team_id, user_id, email):
            return []
        cached = await q.chart_file(s, team_id, user_id, HOME_CHART)
        if cached is not None and now - cached.created_at < HOME_FRESH:
            return views.home_chart(cached.file_id, cached.alt or alt_title, alt_title)
        scope, campaign_ids = await q.brand_scope(s, team_id, user_id, email)
    if not campaign_ids:
        return []
    tz = ins.zone((await svc.directory.user(user_id)).tz)
    start = ins.local_midnight(ins.week_start(now, tz) - timedelta(weeks=HOME_WEEKS - 1), tz)
    header = ins.Header(
        f"Your {len(campaign_ids)} campaign{'s' if len(campaign_ids) != 1 else ''}",
        start,
        now,
        tz,
        ins.Unit.WEEK,
    )
    f = await trend(svc.db, scope, header, now)
    chart = await asyncio.to_thread(charts.open_trend, f, small=True)
    try:
        uploaded = await svc.client.files_upload_v2(
            content=chart.png, filename=chart.filename, title=chart.title, alt_txt=chart.alt[:1000]
        )
    except SlackApiError:
        log.warning("App Home chart not uploaded for %s", user_id, exc_info=True)
        return []
    file_id = uploaded["file"]["id"]
    async with svc.db.transaction() as s:
        await q.save_chart_file(s, team_id, user_id, HOME_CHART, file_id, now, chart.alt)
    return views.home_chart(file_id, chart.alt, alt_title)
