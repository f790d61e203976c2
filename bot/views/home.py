"""The App Home tab: what waits for the user, by role, within Block Kit's 100 blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.domain.incidents import waiting_on
from bot.ids import Action
from bot.views.common import SEVERITY_ICON, VIEW_BLOCKS_MAX, capped, context, plain, section
from bot.views.text import esc, plural, when
from storage.queries.home import DeliverableLine, EngagementLine, IncidentLine, Page
from storage.queries.incidents import Count

#: Rows shown per list; the rest is "and N more".
LIST_ROWS = 8
#: Reviews due get one block per row (each has its button), so fewer rows.
REVIEW_ROWS = 5
#: The "View all" button of the incident sections: the user's open incidents, by DM.
VIEW_OPEN = "open"


@dataclass(frozen=True, slots=True)
class BrandHome:
    waiting: Page[IncidentLine]
    by_severity: dict[str, Count]
    open: Page[IncidentLine]
    due_soon: Page[DeliverableLine]
    overdue: Page[DeliverableLine]
    checks: Page[DeliverableLine]
    reviews_due: Page[EngagementLine]


@dataclass(frozen=True, slots=True)
class InfluencerHome:
    campaigns: Page[EngagementLine]
    to_acknowledge: Page[EngagementLine]
    deliverables: Page[DeliverableLine]
    incidents: Page[IncidentLine]


def incident_line(i: IncidentLine, *, influencer_view: bool = False) -> str:
    icon = SEVERITY_ICON.get(i.severity, "")
    turn = waiting_on(i.status, i.responded)
    if influencer_view:
        where = f"<#{i.channel_id}>" if i.channel_id else f"`{i.campaign_slug}`"
        you = (
            " · :point_right: *your response is due* " + when(i.response_due_at)
            if turn == "influencer"
            else ""
        )
        status = i.status.replace("_", " ")
        return f"{icon} `BR-{i.number}` {esc(i.title)} · {i.severity} · {status} · {where}{you}"
    return (
        f"{icon} `BR-{i.number}` {esc(i.title)} · {i.severity} · {i.status.replace('_', ' ')} · "
        f"`{i.campaign_slug}` · {esc(i.influencer)}"
    )


def deliverable_line(d: DeliverableLine, now: datetime, *, with_influencer: bool = True) -> str:
    late = " :warning: *overdue*" if d.due_at < now and d.status in ("planned", "late") else ""
    who = f" · {esc(d.influencer)}" if with_influencer else ""
    checks = f" · {plural(d.pending_checks, 'check')} pending" if d.pending_checks else ""
    return (
        f"*{esc(d.title)}* ({d.platform}) · `{d.campaign_slug}`{who} · due {when(d.due_at)} · "
        f"{d.status}{checks}{late}"
    )


def _more(page: Page, shown: int) -> str | None:
    """ "…and N more." under a list (None when it is all there); counts stop at a cap: "…and more"."""
    if page.capped:
        return f"…and {page.total - shown:,}+ more."
    more = page.total - shown
    return f"…and {more:,} more." if more > 0 else None


def _list(
    title: str,
    page: Page,
    line: Callable,
    empty: str,
    more_hint: str = "",
    note: str | None = None,
    view_all: str | None = None,
) -> list[Block]:
    """A heading, up to LIST_ROWS lines in one section, "…and N more", and a "View all" button
    (value `view_all`) when the list has more than it shows."""
    blocks: list[Block] = [section(f"*{title}* ({page.total_text})")]
    if note:
        blocks.append(context(note))
    if not page.rows:
        blocks.append(context(empty))
        return blocks
    blocks.append(section("\n".join(line(row) for row in page.rows[:LIST_ROWS])))
    more = _more(page, min(len(page.rows), LIST_ROWS))
    if more:
        blocks.append(context(f"{more}{more_hint}"))
        if view_all:
            blocks.append(
                ActionsBlock(
                    block_id=f"home_view_all_{view_all}",
                    elements=[
                        ButtonElement(action_id=Action.HOME_VIEW_ALL, text=plain("View all"), value=view_all)
                    ],
                )
            )
    return blocks


def _brand(home: BrandHome, now: datetime) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=plain("Brand team", 150)),
        ActionsBlock(
            block_id="home_brand_actions",
            elements=[
                ButtonElement(action_id=Action.HOME_NEW_CAMPAIGN, text=plain("New campaign"), value="new"),
                ButtonElement(action_id=Action.LOG_REVIEW, text=plain("Log review")),  # no value: no prefill
                # the breach report modal of `/breach`, with nothing prefilled
                ButtonElement(
                    action_id=Action.REPORT_BREACH_PREFILLED, text=plain("Report breach"), value="{}"
                ),
            ],
        ),
    ]
    blocks += _list(
        ":hourglass_flowing_sand: Incidents waiting on you",
        home.waiting,
        incident_line,
        "Nothing waits on the brand team. :tada:",
        " `/breach list open` lists them all.",
        view_all=VIEW_OPEN,
    )
    counts = " · ".join(
        f"{SEVERITY_ICON[s]} {s} {home.by_severity.get(s, 0)}" for s in reversed(SEVERITY_ICON)
    )
    blocks.append(DividerBlock())
    blocks += _list(
        ":rotating_light: Open incidents",
        home.open,
        incident_line,
        "No open incidents.",
        " `/breach list open` lists them all.",
        note=f"By severity: {counts}",
        view_all=VIEW_OPEN,
    )
    blocks.append(DividerBlock())
    blocks += _list(
        ":alarm_clock: Deliverables overdue",
        home.overdue,
        lambda d: deliverable_line(d, now),
        "Nothing overdue.",
    )
    blocks += _list(
        ":spiral_calendar_pad: Deliverables due in the next 7 days",
        home.due_soon,
        lambda d: deliverable_line(d, now),
        "Nothing due this week.",
    )
    blocks.append(DividerBlock())
    blocks += _list(
        ":clipboard: Compliance checks pending",
        home.checks,
        lambda d: deliverable_line(d, now),
        "No checklist waiting.",
    )
    blocks.append(DividerBlock())
    blocks.append(section(f"*:memo: Reviews due* ({home.reviews_due.total_text})"))
    if not home.reviews_due.rows:
        blocks.append(context("Every engagement is reviewed on schedule."))
    for e in home.reviews_due.rows[:REVIEW_ROWS]:
        since = (
            f"last review {when(e.last_review_at, '{date_short_pretty}')}"
            if e.last_review_at
            else "no review yet"
        )
        blocks.append(
            section(
                f"{esc(e.influencer)} on `{e.campaign_slug}` · {since}",
                accessory=ButtonElement(
                    action_id=Action.LOG_REVIEW, text=plain("Log review"), value=str(e.engagement_id)
                ),
            )
        )
    more = _more(home.reviews_due, min(len(home.reviews_due.rows), REVIEW_ROWS))
    if more:
        blocks.append(context(more))
    return blocks


def _influencer(home: InfluencerHome, now: datetime) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=plain("Your campaigns as a creator", 150))]

    def campaign_line(e: EngagementLine) -> str:
        return (
            f"`{e.campaign_slug}` *{esc(e.campaign_name)}* for {esc(e.brand)} · {e.status} · "
            f"<#{e.channel_id}>"
        )

    def acknowledge_line(e: EngagementLine) -> str:
        return (
            f"`{e.campaign_slug}` *{esc(e.campaign_name)}* — version {e.guidelines_version} is waiting for "
            f"your acknowledgement in <#{e.channel_id}>"
        )

    blocks += _list(
        ":pushpin: Guidelines to acknowledge", home.to_acknowledge, acknowledge_line, "All acknowledged."
    )
    blocks += _list(":briefcase: My campaigns", home.campaigns, campaign_line, "No campaign yet.")
    blocks += _list(
        ":spiral_calendar_pad: My deliverables",
        home.deliverables,
        lambda d: deliverable_line(d, now, with_influencer=False),
        "Nothing to deliver right now.",
    )
    blocks += _list(
        ":speech_balloon: My open incidents",
        home.incidents,
        lambda i: incident_line(i, influencer_view=True),
        "No open incident. :tada:",
    )
    return blocks


def home_view(brand: BrandHome | None, influencer: InfluencerHome | None, now: datetime) -> View:
    blocks: list[Block] = [
        section(f"*Campaign Guard* · updated {when(now)}"),
    ]
    if brand is None and influencer is None:
        blocks += [
            section(
                "You are not on any campaign yet. Create one, or ask a campaign manager to add you "
                "with `/campaign role <slug> @you member`."
            ),
            ActionsBlock(
                block_id="home_start",
                elements=[
                    ButtonElement(action_id=Action.HOME_NEW_CAMPAIGN, text=plain("New campaign"), value="new")
                ],
            ),
        ]
    if influencer is not None:
        blocks += _influencer(influencer, now)
    if brand is not None:
        if influencer is not None:
            blocks.append(DividerBlock())
        blocks += _brand(brand, now)
    blocks.append(context("`/campaign help` · `/breach help` · `/review help`"))
    # the lists are bounded already; this is the last guard of Block Kit's 100-block limit
    return View(type="home", blocks=capped(blocks, VIEW_BLOCKS_MAX, "…and {n} more."))
