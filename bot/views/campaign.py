"""Views of campaign setup: the forms, the guidelines message, list and detail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.campaigns import NAME_MAX
from bot.domain.enums import CampaignStatus, GuidelineCategory, Market, Platform, ReviewCadence, Severity
from bot.domain.guidelines import TEXT_MAX, TITLE_MAX, ClauseChange
from bot.ids import Action, Callback, Field
from bot.views.common import (
    MESSAGE_BLOCKS_MAX,
    campaign_named,
    capped,
    context,
    enum_options,
    find_option,
    modal,
    option,
    plain,
    section,
    text_input,
)
from bot.views.text import channel, day, esc, plural, truncate, user, when
from storage.models import Campaign, CampaignRole, Engagement, Guideline, Influencer

MARKET_LABELS = {
    "US": "United States (FTC)",
    "UK": "United Kingdom (ASA/CMA)",
    "IE": "Ireland (ASAI)",
    "FR": "France (Loi 2023-451)",
    "other": "Other",
}
TEMPLATE_OPTIONS = [option("Default guidelines (G1–G8)", "default"), option("Start with no clauses", "empty")]


def category_label(category: str) -> str:
    """A clause category as people say it ("content approval", not `content_approval`)."""
    return str(category).replace("_", " ")


def _select(block_id: str, label: str, options, initial: str | None, *, optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        element=StaticSelectElement(
            action_id=block_id, options=options, initial_option=find_option(options, initial)
        ),
    )


def new_campaign_modal(today: date, slug: str | None = None) -> View:
    return modal(
        Callback.CAMPAIGN_NEW,
        "New campaign",
        "Create",
        [
            text_input(Field.NAME, "Campaign name", max_length=NAME_MAX, placeholder="Spring launch 2027"),
            text_input(
                Field.SLUG,
                "Short name (slug)",
                max_length=40,
                initial=slug,
                placeholder="spring-launch",
                hint="2–40 lowercase letters, digits or hyphens; used in commands and channel names.",
            ),
            text_input(Field.BRAND, "Brand", max_length=NAME_MAX),
            _select(
                Field.MARKET,
                "Market (selects the disclosure rules)",
                enum_options(Market, MARKET_LABELS),
                Market.US,
            ),
            InputBlock(
                block_id=Field.START,
                label=plain("Start date"),
                element=DatePickerElement(action_id=Field.START, initial_date=today.isoformat()),
            ),
            InputBlock(
                block_id=Field.END, label=plain("End date"), element=DatePickerElement(action_id=Field.END)
            ),
            InputBlock(
                block_id=Field.ESCALATION_CHANNEL,
                label=plain("Escalation channel (private legal channel)"),
                optional=True,
                hint=plain(
                    "Major and critical incidents and legal's notices are posted here: a private "
                    "channel of the brand team that you are in. Add the app to it first.",
                    2000,
                ),
                element=ConversationSelectElement(
                    action_id=Field.ESCALATION_CHANNEL,
                    # what the server accepts (bot/domain/trust.py); a forged value is checked anyway
                    filter=ConversationFilter(
                        include=["private"], exclude_external_shared_channels=True, exclude_bot_users=True
                    ),
                ),
            ),
            _select(
                Field.REVIEW_CADENCE, "Review cadence", enum_options(ReviewCadence), ReviewCadence.WEEKLY
            ),
            _select(Field.TEMPLATE, "Guidelines", TEMPLATE_OPTIONS, "default"),
        ],
    )


@dataclass(frozen=True, slots=True)
class ClauseDraft:
    code: str
    title: str = ""
    text: str = ""
    category: str = GuidelineCategory.OTHER
    default_severity: str = Severity.MODERATE


def _clause_inputs(draft: ClauseDraft, *, optional: bool) -> list[Block]:
    code = draft.code
    return [
        text_input(
            Field.clause(code, "title"),
            f"{code} · title",
            max_length=TITLE_MAX,
            initial=draft.title,
            optional=optional,
        ),
        text_input(
            Field.clause(code, "text"),
            f"{code} · clause",
            max_length=TEXT_MAX,
            initial=draft.text,
            multiline=True,
            optional=optional,
        ),
        _select(
            Field.clause(code, "category"),
            f"{code} · category",
            enum_options(GuidelineCategory),
            draft.category,
        ),
        _select(
            Field.clause(code, "severity"),
            f"{code} · default severity",
            enum_options(Severity),
            draft.default_severity,
        ),
    ]


def guidelines_modal(campaign: Campaign, clauses: Sequence[Guideline], new_code: str | None) -> View:
    """One group of inputs per clause, plus an optional empty group for a new one."""
    blocks: list[Block] = [
        section(
            f"*{esc(campaign.name)}* — guidelines version {campaign.guidelines_version}. "
            "Saving a change bumps the version and asks every influencer to acknowledge again."
        ),
    ]
    for clause in clauses:
        blocks.extend(
            _clause_inputs(
                ClauseDraft(clause.code, clause.title, clause.text, clause.category, clause.default_severity),
                optional=False,
            )
        )
    if new_code:
        blocks.append(DividerBlock())
        blocks.append(section(f"*Add a clause ({new_code})* — leave empty to add none."))
        blocks.extend(_clause_inputs(ClauseDraft(new_code), optional=True))
    return modal(
        Callback.GUIDELINES_EDIT,
        "Edit guidelines",
        "Save",
        blocks,
        metadata=json.dumps({"campaign_id": campaign.id, "version": campaign.guidelines_version}),
    )


def deliverable_modal(
    campaign: Campaign, engagements: Sequence[tuple[Engagement, Influencer]], now: datetime
) -> View:
    options = [option(f"{inf.display_name}", str(eng.id)) for eng, inf in engagements][:100]
    return modal(
        Callback.DELIVERABLE_NEW,
        "New deliverable",
        "Add",
        [
            section(f"Campaign *{esc(campaign.name)}* (`{campaign.slug}`)"),
            InputBlock(
                block_id=Field.ENGAGEMENT,
                label=plain("Influencer"),
                element=StaticSelectElement(action_id=Field.ENGAGEMENT, options=options),
            ),
            text_input(Field.TITLE, "Title", max_length=150, placeholder="Launch reel"),
            _select(
                Field.PLATFORM,
                "Platform",
                enum_options(Platform, {"x": "X (Twitter)", "tiktok": "TikTok", "youtube": "YouTube"}),
                Platform.INSTAGRAM,
            ),
            InputBlock(
                block_id=Field.DUE,
                label=plain("Due (your time zone)"),
                element=DateTimePickerElement(
                    action_id=Field.DUE, initial_date_time=int(now.timestamp()) + 7 * 86400
                ),
            ),
        ],
        metadata=json.dumps({"campaign_id": campaign.id}),
    )


def guidelines_message(
    campaign: Campaign, clauses: Sequence[Guideline], influencer_mention: str, engagement_id: int
) -> tuple[str, list[Block]]:
    """The contract posted in the shared channel, with the button only the influencer may press."""
    version = campaign.guidelines_version
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"Guidelines · {campaign.name}", 150)),
        section(
            f"Hi {influencer_mention}! These are the guidelines (version {version}) of "
            f"*{esc(campaign.name)}* for *{esc(campaign.brand)}*, "
            f"{day(campaign.start_date)} – {day(campaign.end_date)}. Every breach report names "
            "the clause it concerns; please read them and acknowledge."
        ),
        DividerBlock(),
    ]
    for clause in clauses:
        blocks.append(
            section(
                f"*{clause.code} · {esc(clause.title)}* _({clause.default_severity})_\n{esc(clause.text)}"
            )
        )
    blocks = capped(blocks, MESSAGE_BLOCKS_MAX - 2, "…and {n} more clauses: `/campaign show` lists them all.")
    blocks.append(
        ActionsBlock(
            block_id="guidelines",
            elements=[
                ButtonElement(
                    action_id=Action.ACKNOWLEDGE_GUIDELINES,
                    text=plain("I acknowledge these guidelines"),
                    style="primary",
                    value=f"{engagement_id}:{version}",
                ),
            ],
        )
    )
    fallback = f"Guidelines v{version} of {esc(campaign.name)}: please read and acknowledge."
    return fallback, blocks


def guidelines_changes(campaign: Campaign, changes: Sequence[ClauseChange]) -> str:
    """What a new guidelines version changed: each clause added or edited, before and after."""
    lines = [
        f":memo: *The guidelines of {esc(campaign.name)} changed* (version {campaign.guidelines_version}):"
    ]
    for change in changes:
        after = change.after
        if change.before is None:
            lines.append(f"• *{after.code} added* · {esc(after.title)} _({after.default_severity})_")
            lines.append(f"> {esc(truncate(after.text, 600))}")
            continue
        before, parts = change.before, []
        if before.title != after.title:
            parts.append(f"title: ~{esc(before.title)}~ → {esc(after.title)}")
        if before.default_severity != after.default_severity:
            parts.append(f"severity: ~{before.default_severity}~ → {after.default_severity}")
        if before.category != after.category:
            parts.append(f"category: ~{category_label(before.category)}~ → {category_label(after.category)}")
        lines.append(
            f"• *{after.code} edited* · {esc(after.title)}" + (f" ({'; '.join(parts)})" if parts else "")
        )
        if before.text != after.text:
            lines.append(f"> _Before:_ {esc(truncate(before.text, 600))}")
            lines.append(f"> _After:_ {esc(truncate(after.text, 600))}")
    lines.append("Please read the new version below and acknowledge it again.")
    return "\n".join(lines)


def acknowledged_message(
    blocks: Sequence[dict], influencer_user_id: str, version: int, at: datetime
) -> list[dict]:
    """The guidelines message after acknowledgement: the button gives way to a receipt."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    receipt = context(
        f":white_check_mark: Acknowledged by {user(influencer_user_id)} {when(at)} (version {version})."
    )
    return [*kept, receipt.to_dict()]


def campaign_list(
    rows: Sequence[tuple[Campaign, str]], total: int, *, may_create: bool = False, may_ask: bool = False
) -> list[Block]:
    """`may_ask`: an admin could make the user a campaign creator (never a guest, another
    organisation's user or an influencer: they are not sent to ask)."""
    if not rows and may_create:
        return [section("You are not part of any campaign yet. `/campaign new` creates one.")]
    if not rows:
        who = "A campaign's manager adds brand colleagues (`/campaign role`) and invites influencers"
        ask = (
            "; to create campaigns yourself, ask a workspace admin for the campaign creator right"
            if may_ask
            else ""
        )
        return [section(f"You are not part of any campaign yet. {who}{ask}.")]
    blocks: list[Block] = [section(f"*Your campaigns* ({total})")]
    for campaign, role in rows:
        blocks.append(
            section(
                f"`{campaign.slug}` *{esc(campaign.name)}* · {esc(campaign.brand)} · {campaign.market}\n"
                f"{campaign.status} · {day(campaign.start_date)} – {day(campaign.end_date)} · you: _{role}_"
            )
        )
    return capped(blocks, MESSAGE_BLOCKS_MAX, "…and {n} more.")


@dataclass(frozen=True, slots=True)
class CampaignDetail:
    campaign: Campaign
    team: Sequence[CampaignRole]
    clauses: Sequence[Guideline]
    engagements: Sequence[tuple[Engagement, Influencer]]
    show_team: bool
    #: Roles held by someone who is an influencer in the workspace (stored before *one person, one
    #: side*): no rights, left out of `team`, listed apart so that a manager can clear them.
    without_rights: Sequence[CampaignRole] = ()


#: How many roles without rights `/campaign show` lists one per line.
WITHOUT_RIGHTS_SHOWN = 10


def _without_rights_line(c: Campaign, row: CampaignRole) -> str:
    return (
        f":warning: {user(row.user_id)} holds the *{row.role}* role but is an influencer in this "
        f"workspace: the role gives no rights. `/campaign role {c.slug} {user(row.user_id)} none` "
        "clears it."
    )


def _engagement_line(eng: Engagement, inf: Influencer, version: int) -> str:
    who = user(inf.slack_user_id) if inf.slack_user_id else f"{esc(inf.display_name)} ({esc(inf.email)})"
    if eng.acknowledged_version == version:
        ack = f":white_check_mark: acknowledged v{version}"
    elif eng.acknowledged_version:
        ack = f":hourglass: acknowledged v{eng.acknowledged_version}, v{version} pending"
    else:
        ack = ":hourglass: guidelines not acknowledged"
    hold = " · :money_with_wings: payment on hold" if eng.payment_hold else ""
    return f"• {who} in <#{eng.channel_id}> · {eng.status} · {ack}{hold}"


def campaign_detail(detail: CampaignDetail) -> list[Block]:
    c = detail.campaign
    # where legal deliberates is the brand's business: the team sees it, an influencer does not
    escalation = f"*Escalation channel:* {channel(c.escalation_channel_id)} · " if detail.show_team else ""
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"{c.name} ({c.slug})", 150)),
        section(
            f"*Brand:* {esc(c.brand)} · *Market:* {c.market} · *Status:* {c.status}\n"
            f"*Dates:* {day(c.start_date)} – {day(c.end_date)} · *Owner:* {user(c.owner_id)}\n"
            f"{escalation}*Reviews:* {c.review_cadence} · *Guidelines:* version {c.guidelines_version}"
        ),
    ]
    if detail.show_team:
        by_role: dict[str, list[str]] = {}
        for row in detail.team:
            by_role.setdefault(row.role, []).append(user(row.user_id))
        team = " · ".join(f"*{role}:* {', '.join(people)}" for role, people in sorted(by_role.items()))
        blocks.append(section(f"*Team* — {team or '_nobody yet_'}"))
        if detail.without_rights:
            lines = [_without_rights_line(c, row) for row in detail.without_rights[:WITHOUT_RIGHTS_SHOWN]]
            if len(detail.without_rights) > WITHOUT_RIGHTS_SHOWN:
                lines.append(f"…and {len(detail.without_rights) - WITHOUT_RIGHTS_SHOWN} more.")
            blocks.append(section("\n".join(lines)))
    clause_lines = [
        f"`{g.code}` {esc(g.title)} _({g.category.replace('_', ' ')}, {g.default_severity})_"
        for g in detail.clauses
    ]
    blocks.append(section("*Guidelines*\n" + ("\n".join(clause_lines) or "_no clauses yet_")))
    lines = [_engagement_line(e, i, c.guidelines_version) for e, i in detail.engagements]
    heading = f"*Influencers* ({plural(len(lines), 'engagement')})"
    blocks.append(DividerBlock())
    blocks.append(section(heading + "\n" + ("\n".join(lines[:25]) or "_none yet — `/campaign invite`_")))
    if len(lines) > 25:
        blocks.append(context(f"…and {len(lines) - 25} more."))
    return blocks


# ---------------------------------------------------------------------------------------------
# complete, cancel, reopen


def status_notice(c: Campaign) -> str:
    """Posted in each shared channel of the campaign when its status changes."""
    rest = (
        "Nothing more is due: deliverables still owed are cancelled and reminders stop. An incident "
        "still open stays open until it is resolved."
    )
    if c.status == CampaignStatus.COMPLETED:
        return f":checkered_flag: *{esc(c.name)}* is completed. Thank you for your work on it! {rest}"
    if c.status == CampaignStatus.CANCELLED:
        return f":no_entry_sign: *{esc(c.name)}* was cancelled by the brand team. {rest}"
    return f":arrows_counterclockwise: *{esc(c.name)}* is active again: its reminders resume."


def status_changed(
    c: Campaign,
    was: str,
    told: int,
    failed: Sequence[str],
    *,
    reminders_cancelled: int,
    reminders_planned: int,
    deliverables_cancelled: int,
    open_incidents: int,
    deliverables_kept_cancelled: int = 0,
) -> str:
    """The answer to whoever completed, cancelled or reopened the campaign
    (`deliverables_kept_cancelled`: on reopening, the cancelled deliverables that stay so)."""
    text = f":white_check_mark: {campaign_named(c)} is now *{c.status}* (was {was}). "
    text += f"I told {plural(told, 'shared channel')}."
    if deliverables_cancelled:
        text += f" {plural(deliverables_cancelled, 'deliverable')} still owed cancelled with it."
    if reminders_cancelled:
        text += f" {plural(reminders_cancelled, 'pending reminder')} cancelled."
    if reminders_planned:
        text += f" {plural(reminders_planned, 'reminder')} planned again."
    if failed:
        text += f"\n:warning: I could not post in {', '.join(channel(f) for f in failed)}."
    if open_incidents and c.status != CampaignStatus.ACTIVE:
        text += (
            f"\n:information_source: {plural(open_incidents, 'incident')} still open: they stay open "
            f"until resolved (`/breach list open {c.slug}`)."
        )
    if deliverables_kept_cancelled:
        kept = plural(deliverables_kept_cancelled, "deliverable")
        text += (
            f"\n:information_source: {kept} {'stays' if deliverables_kept_cancelled == 1 else 'stay'} "
            f"cancelled: reopening brings none back. `/campaign deliverable {c.slug}` adds again any still "
            "wanted, with a new due time."
        )
    return text
