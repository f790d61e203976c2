"""Views of reviews: the review modal, the confirmations, and the scorecard."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import messages
from bot.domain.reviews import DIMENSIONS, LEVEL_NAMES, NOTES_MAX, NOTES_REQUIRED_AT
from bot.domain.scorecard import TREND_MIN_REVIEWS, Scorecard
from bot.ids import Action, Callback, Field
from bot.views.common import (
    MESSAGE_BLOCKS_MAX,
    capped,
    context,
    find_option,
    influencer_mention,
    modal,
    option,
    plain,
    section,
)
from bot.views.text import day, esc, plural, user
from storage.models import Influencer, Review
from storage.queries.reviews import EngagementRow

FLAGGED, SHARED = "flagged", "shared"
YES, NO = "yes", "no"


def engagement_label(row: EngagementRow) -> str:
    return f"{row.campaign.name} · {row.influencer.display_name}"


def _rating_input(dim) -> InputBlock:
    options = [
        Option(
            value=str(level),
            text=plain(f"{level} · {LEVEL_NAMES[level - 1]}"),
            description=plain(dim.levels[level - 1]),
        )
        for level in range(5, 0, -1)
    ]
    return InputBlock(
        block_id=dim.key,
        label=plain(dim.label),
        element=RadioButtonsElement(action_id=dim.key, options=options),
    )


def review_modal(
    rows: Sequence[EngagementRow], total: int, selected: int | None, start: date, end: date
) -> View:
    options = [option(engagement_label(r), str(r.engagement.id)) for r in rows]
    blocks: list[Block] = []
    if total > len(rows):
        blocks.append(
            context(
                f"Showing {len(rows)} of {total} engagements (newest campaigns first). "
                "Use the *Log review* button of a review reminder or of your App Home for the others."
            )
        )
    blocks += [
        InputBlock(
            block_id=Field.ENGAGEMENT,
            label=plain("Influencer and campaign"),
            element=StaticSelectElement(
                action_id=Field.ENGAGEMENT,
                options=options,
                initial_option=find_option(options, str(selected) if selected else None),
                placeholder=plain("Pick the engagement to review"),
            ),
        ),
        InputBlock(
            block_id=Field.PERIOD_START,
            label=plain("Period from"),
            element=DatePickerElement(action_id=Field.PERIOD_START, initial_date=start.isoformat()),
        ),
        InputBlock(
            block_id=Field.PERIOD_END,
            label=plain("Period to"),
            element=DatePickerElement(action_id=Field.PERIOD_END, initial_date=end.isoformat()),
        ),
        *(_rating_input(dim) for dim in DIMENSIONS),
        InputBlock(
            block_id=Field.WOULD_WORK_AGAIN,
            label=plain("Would you work with them again?"),
            element=RadioButtonsElement(
                action_id=Field.WOULD_WORK_AGAIN, options=[option("Yes", YES), option("No", NO)]
            ),
        ),
        InputBlock(
            block_id=Field.NOTES,
            label=plain("Notes"),
            optional=True,
            hint=plain(
                f"Required when any rating is {NOTES_REQUIRED_AT} or lower: say what went wrong.", 150
            ),
            element=PlainTextInputElement(action_id=Field.NOTES, multiline=True, max_length=NOTES_MAX),
        ),
        InputBlock(
            block_id=Field.REVIEW_OPTIONS,
            label=plain("Follow-up and visibility"),
            optional=True,
            element=CheckboxesElement(
                action_id=Field.REVIEW_OPTIONS,
                options=[
                    Option(
                        value=FLAGGED,
                        text=plain("Flag for follow-up"),
                        description=plain("Your confirmation offers to report a breach."),
                    ),
                    Option(
                        value=SHARED,
                        text=plain("Share with the influencer"),
                        description=plain(
                            "Posted in your shared channel with them. Otherwise they never see it."
                        ),
                    ),
                ],
            ),
        ),
    ]
    return modal(Callback.REVIEW_LOG, "Log a review", "Save review", blocks)


def _ratings_text(review: Review) -> str:
    parts = [f"{dim.label} *{getattr(review, dim.key)}*/5" for dim in DIMENSIONS]
    again = "yes" if review.would_work_again else "no"
    return " · ".join(parts) + f"\nWould work again: *{again}*"


def _period(review: Review) -> str:
    return f"{day(review.period_start)} – {day(review.period_end)}"


def review_confirmation(
    review: Review, row: EngagementRow, not_posted: str | None = None
) -> tuple[str, list[Block]]:
    """The reviewer's DM: what was stored, who sees it, and for a flagged review "Report breach".
    `not_posted`: Slack's error when the shared copy could not be posted in the shared channel."""
    shared = (
        f"Shared with {influencer_mention(row.influencer)} in <#{row.engagement.channel_id}>."
        if review.shared_with_influencer
        else "Not shared: the influencer does not see this review."
    )
    if review.shared_with_influencer and not_posted:
        shared = messages.shared_review_not_posted(row.engagement.channel_id, not_posted)
    blocks: list[Block] = [
        section(
            f":memo: Review of {influencer_mention(row.influencer)} on `{row.campaign.slug}` "
            f"for {_period(review)} saved.\n" + _ratings_text(review)
        ),
    ]
    if review.notes:
        blocks.append(section(f"*Notes*\n{esc(review.notes)}"))
    blocks.append(context(shared))
    if review.flagged:
        value = {"engagement_id": row.engagement.id, "guideline_code": None, "evidence": []}
        blocks.append(
            section(
                ":triangular_flag_on_post: Flagged for follow-up. If a guideline was breached, report it."
            )
        )
        blocks.append(
            ActionsBlock(
                block_id="review_follow_up",
                elements=[
                    ButtonElement(
                        action_id=Action.REPORT_BREACH_PREFILLED,
                        text=plain("Report breach"),
                        style="danger",
                        value=json.dumps(value),
                    )
                ],
            )
        )
    fallback = f"Review of {esc(row.influencer.display_name)} on {row.campaign.slug} saved."
    return fallback, blocks


def shared_review(review: Review, row: EngagementRow) -> tuple[str, list[Block]]:
    """What the influencer sees, in the shared channel, when the reviewer ticked "share"."""
    blocks: list[Block] = [
        section(
            f"Hi {influencer_mention(row.influencer)}, {user(review.reviewer_id)} shared a review of your "
            "work on "
            f"*{esc(row.campaign.name)}* for {_period(review)}:\n{_ratings_text(review)}"
        )
    ]
    if review.notes:
        blocks.append(section(f"*Notes*\n{esc(review.notes)}"))
    return f"A review of your work on {esc(row.campaign.name)} was shared with you.", blocks


# ---------------------------------------------------------------------------------------------
# /review history


def candidates(name: str, found: Sequence[Influencer], limit: int) -> str:
    lines = [
        f"• {esc(i.display_name)}" + (f" ({user(i.slack_user_id)})" if i.slack_user_id else "")
        for i in found[:limit]
    ]
    more = "\n…and more: be more specific." if len(found) > limit else ""
    return (
        f":mag: Several influencers match “{esc(name)}”. Which one?\n" + "\n".join(lines) + more + "\n"
        "Use `/review history @user`, or the full name in quotes."
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def scorecard_blocks(
    influencer: Influencer, campaigns: Sequence[tuple[str, str, str]], card: Scorecard
) -> list[Block]:
    name = influencer.display_name
    blocks: list[Block] = [HeaderBlock(text=plain(f"Scorecard · {name}", 150))]
    status = f"*Status:* {influencer.status}"
    strikes = f"*Strikes:* {card.strikes}"
    if card.strike_level == "suspension":
        strikes += " :rotating_light: suspension threshold reached"
    elif card.strike_level == "probation":
        strikes += " :warning: probation threshold reached"
    listed = ", ".join(f"`{slug}` ({status_})" for slug, _, status_ in campaigns[:10])
    if len(campaigns) > 10:
        listed += f" and {len(campaigns) - 10} more"
    blocks.append(
        section(
            f"{influencer_mention(influencer)} · {status} · {strikes}\n"
            f"*Campaigns:* {plural(len(campaigns), 'campaign')}" + (f" — {listed}" if listed else "")
        )
    )
    severity = " · ".join(f"{sev} {n}" for sev, n in card.by_severity.items())
    outcomes = " · ".join(f"{o.replace('_', ' ')} {n}" for o, n in card.by_outcome.items()) or "none yet"
    blocks.append(
        section(
            f"*Incidents:* {card.incidents_total} ({card.open_incidents} open)\n"
            f"*By severity:* {severity}\n*Outcomes:* {outcomes}"
        )
    )
    if card.reviews:
        averages = " · ".join(f"{dim.label} {card.averages[dim.key]:.1f}" for dim in DIMENSIONS)
        if card.trend:
            t = card.trend  # "↓ last 3 reviews 2.5 vs the 3 before 3.7 (-1.2)"
            recent = "last review" if t.recent_count == 1 else f"last {t.recent_count} reviews"
            before = "the one before" if t.previous_count == 1 else f"the {t.previous_count} before"
            trend = f"{t.arrow} {recent} {t.recent:.1f} vs {before} {t.previous:.1f} ({t.delta:+.1f})"
        else:
            trend = f"needs {TREND_MIN_REVIEWS} reviews ({card.reviews} so far)"
        blocks.append(
            section(
                f"*Reviews:* {card.reviews} · *average* {card.overall:.1f}/5 — {averages}\n"
                f"*Trend:* {trend} · `{card.sparkline}`\n"
                f"*Would work again:* {_pct(card.would_work_again)}"
            )
        )
    else:
        blocks.append(section("*Reviews:* none yet — `/review` logs one."))
    if card.deliverables_due:
        on_time = (
            f"{_pct(card.on_time_rate)} ({card.delivered_on_time} of "
            f"{plural(card.deliverables_due, 'deliverable')} due)"
        )
    else:
        on_time = "none due yet"
    blocks.append(section(f"*On-time delivery:* {on_time}"))
    blocks.append(DividerBlock())
    blocks.append(context("Across every campaign of this workspace. Only brand roles can see scorecards."))
    return capped(blocks, MESSAGE_BLOCKS_MAX, "…and {n} more.")
