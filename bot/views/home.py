"""The App Home tab: what waits for the user, by role, within Block Kit's 100 blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    HeaderBlock,
)
from slack_sdk.models.views import View

from bot.domain.enums import IncidentStatus
from bot.domain.incidents import waiting_on
from bot.ids import Action
from bot.views.common import SEVERITY_ICON, VIEW_BLOCKS_MAX, capped, context, plain, section
from bot.views.text import esc, plural, when
from storage.queries.home import DeliverableLine, EngagementLine, EscalationLine, IncidentLine, Page
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
    #: escalated incidents on the campaigns where the user is legal (None: legal nowhere)
    escalations: Page[EscalationLine] | None = None
    #: may create campaigns (bot/domain/trust.py `creator_refusal`): the "New campaign" button
    may_create: bool = False


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
        if turn != "influencer":
            you = ""
        elif i.status == IncidentStatus.RESOLUTION_PROPOSED:  # what is owed is an answer to it
            you = " · :point_right: *accept or dispute the proposed resolution* on the card"
        else:
            you = " · :point_right: *your response is due* " + when(i.response_due_at)
        status = i.status.replace("_", " ")
        return f"{icon} `BR-{i.number}` {esc(i.title)} · {i.severity} · {status} · {where}{you}"
    return (
        f"{icon} `BR-{i.number}` {esc(i.title)} · {i.severity} · {i.status.replace('_', ' ')} · "
        f"`{i.campaign_slug}` · {esc(i.influencer)}"
    )


def deliverable_line(d: DeliverableLine, now: datetime, *, with_influencer: bool = True) -> str:
    # overdue says it all: not "planned :warning: overdue" nor "late :warning: overdue"
    overdue = d.due_at < now and d.status in ("planned", "late")
    status = ":warning: *overdue*" if overdue else d.status
    who = f" · {esc(d.influencer)}" if with_influencer else ""
    checks = f" · {plural(d.pending_checks, 'check')} pending" if d.pending_checks else ""
    return (
        f"*{esc(d.title)}* ({d.platform}) · `{d.campaign_slug}`{who} · due {when(d.due_at)} · "
        f"{status}{checks}"
    )


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit: "3 days ago", "5 hours ago", "just now"."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            return f"{plural(seconds // size, unit)} ago"
    return "just now"


def since(moment: datetime, now: datetime) -> str:
    """A live "3 days ago" (Slack's `{ago}`), reading right when the tab is opened days later;
    the text computed at `now` is the fallback."""
    return f"<!date^{int(moment.timestamp())}^{{ago}}|{age(moment, now)}>"


def open_incident_button(number: int) -> ButtonElement:
    """An incident's card, as a modal over the home (bot/flows/home.py `open_incident`)."""
    return ButtonElement(action_id=Action.HOME_OPEN_INCIDENT, text=plain("Open"), value=str(number))


def checklist_button(deliverable_id: int) -> ButtonElement:
    """The card's own "Open checklist" (bot/flows/deliverables.py `open_checklist`)."""
    return ButtonElement(
        action_id=Action.CHECKLIST_OPEN, text=plain("Open checklist"), value=str(deliverable_id)
    )


def acknowledge_button(e: EngagementLine) -> ButtonElement:
    """The guidelines message's own button (same action and value: bot/views/campaign.py
    `guidelines_message`), so the flow, its checks and the message it updates are the same."""
    return ButtonElement(
        action_id=Action.ACKNOWLEDGE_GUIDELINES,
        text=plain("I acknowledge"),
        style="primary",
        value=f"{e.engagement_id}:{e.guidelines_version}",
        confirm=ConfirmObject(  # plain text: the campaign's name is shown as typed, never as markup
            title=plain("Acknowledge guidelines", 100),
            text=plain(
                f"You have read version {e.guidelines_version} of the guidelines of "
                f"{e.campaign_name[:150]}, posted in your campaign channel, and you will follow them.",
                300,
            ),
            confirm=plain("I acknowledge", 30),
            deny=plain("Not yet", 30),
        ),
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
    button: Callable[..., ButtonElement] | None = None,
) -> list[Block]:
    """A heading, up to LIST_ROWS lines, "…and N more", and a "View all" button (value
    `view_all`) when the list has more than it shows. With `button`, each line is its own section
    with `button(row)` beside it (what to do about that item); without, the lines share one."""
    blocks: list[Block] = [section(f"*{title}* ({page.total_text})")]
    if note:
        blocks.append(context(note))
    if not page.rows:
        blocks.append(context(empty))
        return blocks
    if button is None:
        blocks.append(section("\n".join(line(row) for row in page.rows[:LIST_ROWS])))
    else:
        blocks += [section(line(row), accessory=button(row)) for row in page.rows[:LIST_ROWS]]
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


def escalation_line(e: EscalationLine, now: datetime) -> str:
    icon = SEVERITY_ICON.get(e.severity, "")
    return (
        f"{icon} `BR-{e.number}` {esc(e.title)} · {e.severity} · `{e.campaign_slug}` · {esc(e.influencer)} · "
        f"escalated {since(e.escalated_at, now)}"
    )


def _brand(home: BrandHome, now: datetime) -> list[Block]:
    actions = [
        # only for those who may create campaigns (the form refuses everyone else anyway)
        *(
            [ButtonElement(action_id=Action.HOME_NEW_CAMPAIGN, text=plain("New campaign"), value="new")]
            if home.may_create
            else []
        ),
        ButtonElement(action_id=Action.LOG_REVIEW, text=plain("Log review")),  # no value: no prefill
        # the breach report modal of `/breach`, with nothing prefilled
        ButtonElement(action_id=Action.REPORT_BREACH_PREFILLED, text=plain("Report breach"), value="{}"),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=plain("Brand team", 150)),
        ActionsBlock(block_id="home_brand_actions", elements=actions),
    ]
    if home.escalations is not None:
        blocks += _list(
            ":scales: Escalations waiting for legal",
            home.escalations,
            lambda e: escalation_line(e, now),
            "No escalation waits for you.",
            " `/breach list open` lists them all.",
            button=lambda e: open_incident_button(e.number),
        )
        blocks.append(DividerBlock())
    blocks += _list(
        ":hourglass_flowing_sand: Incidents waiting on you",
        home.waiting,
        incident_line,
        "Nothing waits on the brand team. :tada:",
        " `/breach list open` lists them all.",
        view_all=VIEW_OPEN,
        button=lambda i: open_incident_button(i.number),
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
        button=lambda i: open_incident_button(i.number),
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
        button=lambda d: checklist_button(d.id),
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
    blocks: list[Block] = [HeaderBlock(text=plain("Your campaigns as an influencer", 150))]

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
        ":pushpin: Guidelines to acknowledge",
        home.to_acknowledge,
        acknowledge_line,
        "All acknowledged.",
        button=acknowledge_button,
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
        button=lambda i: open_incident_button(i.number),
    )
    return blocks


def incident_modal(number: int, detail: list[Block], link: str | None, ctx) -> View:
    """An incident's card over the home tab: what `/breach show` shows (without the card's
    buttons, which act on the message), under a link to the card in its channel."""
    where = f" in <#{ctx.incident.channel_id}>" if ctx is not None and ctx.incident.channel_id else ""
    head = (
        f":link: <{link}|Open the card>{where} to act on it."
        if link
        else f"The card is not available; `/breach show BR-{number}` shows the same{where}."
    )
    return View(
        type="modal",
        title=plain(f"BR-{number}"[:24]),
        close=plain("Close"),
        blocks=capped([section(head), *detail], VIEW_BLOCKS_MAX, "…and {n} more."),
    )


def home_view(
    brand: BrandHome | None,
    influencer: InfluencerHome | None,
    now: datetime,
    *,
    may_create: bool = False,
    brand_side: bool = True,
) -> View:
    """`may_create`: the user may create campaigns (the "New campaign" button); `brand_side`: they
    may hold a brand role at all (not a guest, another organisation's user or an influencer)."""
    blocks: list[Block] = [
        section(f"*Campaign Guard* · updated {when(now)}"),
    ]
    if brand is None and influencer is None:
        if may_create:
            blocks += [
                section(
                    "You are not on any campaign yet. Create one, or ask a campaign manager to add you "
                    "to its brand team with `/campaign role &lt;slug&gt; @you member` (or `legal`)."
                ),
                ActionsBlock(
                    block_id="home_start",
                    elements=[
                        ButtonElement(
                            action_id=Action.HOME_NEW_CAMPAIGN, text=plain("New campaign"), value="new"
                        )
                    ],
                ),
            ]
        elif brand_side:
            blocks.append(
                section(
                    "You are not on any campaign yet. Ask a campaign manager to add you: to its brand "
                    "team with `/campaign role &lt;slug&gt; @you member` (or `legal`), or as an "
                    "influencer with `/campaign invite &lt;slug&gt; @you`."
                )
            )
        else:
            blocks.append(section("You are not on any campaign of this workspace."))
    if influencer is not None:
        blocks += _influencer(influencer, now)
    if brand is not None:
        if influencer is not None:
            blocks.append(DividerBlock())
        blocks += _brand(brand, now)
    # reviews are the brand team's: an influencer is pointed only to what they can use
    helps = "`/campaign help` · `/breach help`" + (" · `/review help`" if brand_side or brand else "")
    blocks.append(context(helps))
    # the lists are bounded already; this is the last guard of Block Kit's 100-block limit
    return View(type="home", blocks=capped(blocks, VIEW_BLOCKS_MAX, "…and {n} more."))
