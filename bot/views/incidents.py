"""Views of breach incidents: the report form, the card, the lifecycle forms, lists and timelines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    OptionGroup,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import messages
from bot.domain import incidents as rules
from bot.domain.campaigns import CLOSED_STATUSES
from bot.domain.enums import IncidentEventKind, IncidentStatus, Outcome, Severity
from bot.domain.incidents import Move
from bot.ids import Action, Callback, Field
from bot.views.common import (
    MESSAGE_BLOCKS_MAX,
    SEVERITY_ICON,
    capped,
    context,
    find_option,
    influencer_mention,
    md,
    modal,
    option,
    plain,
    section,
)
from bot.views.evidence import unread_note
from bot.views.text import day, esc, esc_quoting, plural, slack_text, truncate, user, when
from storage.models import Campaign, Engagement, Guideline, Incident, IncidentEvent, Influencer
from storage.queries.incidents import IncidentContext

DESCRIPTION_MAX = 3000
STATEMENT_MAX = 3000
EVIDENCE_MAX = 10

STATUS_ICON = {
    IncidentStatus.REPORTED: ":new:",
    IncidentStatus.ACKNOWLEDGED: ":eyes:",
    IncidentStatus.IN_MEDIATION: ":speech_balloon:",
    IncidentStatus.RESOLUTION_PROPOSED: ":handshake:",
    IncidentStatus.ESCALATED: ":rotating_light:",
    IncidentStatus.RESOLVED: ":white_check_mark:",
    IncidentStatus.DISMISSED: ":heavy_minus_sign:",
}
OUTCOME_LABELS = {
    Outcome.NO_ACTION: "No action",
    Outcome.WARNING: "Warning",
    Outcome.CORRECTIVE_ACTION: "Corrective action (add disclosure, edit post…)",
    Outcome.CONTENT_REMOVAL: "Content removal",
    Outcome.FEE_REDUCTION: "Fee reduction",
    Outcome.PAYMENT_WITHHELD: "Payment withheld",
    Outcome.CONTRACT_TERMINATED: "Contract terminated",
}
BUTTONS: dict[Move, tuple[str, str, str | None]] = {  # move → (action id, label, style)
    Move.ACKNOWLEDGE: (Action.INCIDENT_ACKNOWLEDGE, "Acknowledge", "primary"),
    Move.RESPOND: (Action.INCIDENT_RESPOND, "Respond", None),
    Move.PROPOSE: (Action.INCIDENT_PROPOSE, "Propose resolution", None),
    Move.ACCEPT: (Action.INCIDENT_ACCEPT, "Accept", "primary"),
    Move.DISPUTE: (Action.INCIDENT_DISPUTE, "Dispute", None),
    Move.ESCALATE: (Action.INCIDENT_ESCALATE, "Escalate", "danger"),
    Move.RESOLVE: (Action.INCIDENT_RESOLVE, "Resolve", None),
    Move.DISMISS: (Action.INCIDENT_DISMISS, "Dismiss", None),
}
MOVE_OF_ACTION = {action_id: move for move, (action_id, _, _) in BUTTONS.items()}


def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS[Outcome(outcome)] if outcome else "no outcome"


def outcome_name(outcome: str | None) -> str:
    """The outcome's label without its examples ("Corrective action"), to go inside a sentence."""
    return outcome_label(outcome).split(" (")[0]


def number(n: int) -> str:
    return f"BR-{n}"


def status_label(status: str) -> str:
    return f"{STATUS_ICON[IncidentStatus(status)]} {status.replace('_', ' ')}"


def severity_label(severity: str) -> str:
    return f"{SEVERITY_ICON[severity]} {severity}"


def evidence_links(evidence: Sequence[str]) -> str:
    # URLs were validated (http(s), no spaces, no < > |), so they are safe inside <…>
    return "\n".join(f"• <{esc(url)}>" for url in evidence) or "_none given_"


# ------------------------------------------------------------------------------------------------
# The report form


def engagement_label(influencer: Influencer, campaign: Campaign) -> str:
    """An engagement as the report form lists it: "Spring Launch · Ivy"."""
    return f"{campaign.name} · {influencer.display_name}"


def _clause_option(g: Guideline):
    return option(f"{g.code} · {g.title} ({g.default_severity})", str(g.id))


def report_modal(
    choices: Sequence[tuple[Engagement, Influencer, Campaign]],
    clauses: Sequence[Guideline],
    *,
    engagement_id: int | None,
    guideline_id: int | None,
    evidence: Sequence[str],
    occurred_at: datetime,
    description: str | None = None,
    severity: str | None = None,
    confirm: Sequence[str] = (),
    metadata: str | None = None,
) -> View:
    """The breach report. Clauses are those of the chosen engagement's campaign (grouped by
    campaign until one is chosen); severity defaults to the clause's own. With `confirm` (why
    this report may be a mistake, see `duplicate_reason` and `ended_reason`), the form says so and
    needs "report anyway" ticked. `metadata`: the form's `private_metadata` (where a quoted
    message came from, see bot/flows/incidents/report.py), kept by every form that replaces it."""
    engagement_options = [option(engagement_label(i, c), str(e.id)) for e, i, c in choices][:100]
    names = {c.id: c.name for _, _, c in choices}
    chosen_campaign = next((c.id for e, _, c in choices if e.id == engagement_id), None)
    shown = [g for g in clauses if chosen_campaign is None or g.campaign_id == chosen_campaign]
    if chosen_campaign is None and len(names) > 1:
        groups = [
            OptionGroup(
                label=plain(names[cid], 75),
                options=[_clause_option(g) for g in shown if g.campaign_id == cid][:100],
            )
            for cid in names
            if any(g.campaign_id == cid for g in shown)
        ][:100]
        clause_select = StaticSelectElement(
            action_id=Field.GUIDELINE,
            option_groups=groups or None,
            options=None if groups else [option("No clauses yet", "none")],
        )
    else:
        options = [_clause_option(g) for g in shown][:100] or [option("No clauses yet", "none")]
        clause_select = StaticSelectElement(
            action_id=Field.GUIDELINE, options=options, initial_option=find_option(options, str(guideline_id))
        )
    severity_options = [option("The clause's default", "default")] + [
        option(severity_label(s.value), s.value) for s in Severity
    ]
    return modal(
        Callback.BREACH_REPORT,
        "Report a breach",
        "Report",
        [
            InputBlock(
                block_id=Field.ENGAGEMENT,
                label=plain("Campaign and influencer"),
                dispatch_action=True,
                element=StaticSelectElement(
                    action_id=Action.REPORT_ENGAGEMENT_CHOSEN,
                    options=engagement_options,
                    initial_option=find_option(engagement_options, str(engagement_id)),
                    placeholder=plain("Pick the engagement"),
                ),
            ),
            InputBlock(block_id=Field.GUIDELINE, label=plain("Clause breached"), element=clause_select),
            InputBlock(
                block_id=Field.SEVERITY,
                label=plain("Severity"),
                element=StaticSelectElement(
                    action_id=Field.SEVERITY,
                    options=severity_options,
                    initial_option=find_option(severity_options, severity) or severity_options[0],
                ),
            ),
            InputBlock(
                block_id=Field.OCCURRED_AT,
                label=plain("When did it happen?"),
                element=DateTimePickerElement(
                    action_id=Field.OCCURRED_AT, initial_date_time=int(occurred_at.timestamp())
                ),
            ),
            InputBlock(
                block_id=Field.DESCRIPTION,
                label=plain("What happened?"),
                element=PlainTextInputElement(
                    action_id=Field.DESCRIPTION,
                    multiline=True,
                    max_length=DESCRIPTION_MAX,
                    initial_value=description or None,
                ),
            ),
            InputBlock(
                block_id=Field.EVIDENCE,
                label=plain("Evidence links (one per line)"),
                optional=True,
                hint=plain("Post URLs, screenshots, message links. http(s) only.", 150),
                element=PlainTextInputElement(
                    action_id=Field.EVIDENCE,
                    multiline=True,
                    max_length=3000,
                    initial_value="\n".join(evidence) or None,
                ),
            ),
            *_confirm_blocks(confirm),
        ],
        metadata=metadata,
    )


def duplicate_reason(duplicate: Incident) -> str:
    return (
        f":warning: Possible duplicate of *{number(duplicate.number)}*, reported by "
        f"{user(duplicate.reporter_id)} {when(duplicate.created_at)} on the same influencer and "
        f"clause ({duplicate.status.replace('_', ' ')})."
    )


def ended_reason(campaign: Campaign) -> str:
    if campaign.status in CLOSED_STATUSES:
        return f":warning: *{esc(campaign.name)}* is {campaign.status}: its work is over."
    return f":warning: *{esc(campaign.name)}* ended on {day(campaign.end_date)}."


def _confirm_blocks(reasons: Sequence[str]) -> list[Block]:
    if not reasons:
        return []
    return [
        section("\n".join(reasons)),
        InputBlock(
            block_id=Field.CONFIRM_DUPLICATE,
            label=plain("Report anyway?"),
            element=CheckboxesElement(
                action_id=Field.CONFIRM_DUPLICATE,
                options=[option("Yes, report it anyway", "confirmed")],
            ),
        ),
    ]


# ------------------------------------------------------------------------------------------------
# The card and the mediation thread


def card_block_id(incident_id: int) -> str:
    """The block id of the card's header: the card in the shared channel names its incident, so one
    whose post Slack did not answer is found and kept rather than posted twice (`bot.slack.find_own_card`)."""
    return f"incident_card_{incident_id}"


def card(ctx: IncidentContext, *, buttons: bool = True) -> tuple[str, list[Block]]:
    """The incident's card; without `buttons` (a read-only copy), no action rows nor their labels."""
    i, g = ctx.incident, ctx.guideline
    head = f"{number(i.number)} · {g.code} {g.title}"
    fields = [
        md(f"*Influencer*\n{influencer_mention(ctx.influencer)}"),
        md(f"*Campaign*\n{esc(ctx.campaign.name)}"),
        md(f"*Severity*\n{severity_label(i.severity)}"),
        md(f"*Status*\n{status_label(i.status)}"),
        md(f"*Reported by*\n{user(i.reporter_id)} · {when(i.created_at)}"),
        md(f"*Occurred*\n{when(i.occurred_at)}"),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=plain(head, 150), block_id=card_block_id(i.id) if buttons else None),
        section(f"*Clause {g.code}:* {esc(g.title)}", fields=fields),
        section(f"*What happened*\n{esc_quoting(truncate(i.description, 2800))}"),
        section(f"*Evidence*\n{evidence_links(i.evidence)}{unread_note(i.evidence_unread)}"),
    ]
    if i.status in rules.OPEN:
        hours = rules.CURE_PERIOD_HOURS[i.severity]
        if i.responded_at:
            blocks.append(context(f":speech_balloon: Influencer responded {when(i.responded_at)}"))
        elif i.status != IncidentStatus.ESCALATED:  # once escalated, the cure period is over
            blocks.append(
                context(
                    f":hourglass_flowing_sand: Response due {when(i.response_due_at)} · cure period {hours} h"
                )
            )
    if i.status == IncidentStatus.RESOLUTION_PROPOSED and i.proposed_outcome:
        deadline = f" by {when(i.proposal_due_at)}" if i.proposal_due_at else ""
        strikes = rules.accepted_strikes(i.severity, i.proposed_outcome)
        blocks.append(
            section(
                f"*Proposed resolution* by {user(i.proposed_by)}: *{outcome_label(i.proposed_outcome)}*"
                f"{deadline}\n{esc(i.proposed_terms or '')}\n_Accepting resolves {number(i.number)} with "
                f"{plural(strikes, 'strike')}._"
            )
        )
    if i.status in rules.TERMINAL:
        blocks.append(section(_closing_line(ctx)))
    if buttons:
        blocks += action_rows(ctx)
    text = (
        f"{number(i.number)} ({i.severity}, {i.status.replace('_', ' ')}): breach of {g.code} {esc(g.title)}"
    )
    return text, blocks


#: The card's two rows of buttons: what the influencer may press, and what the brand team may.
INFLUENCER_ROW, BRAND_ROW = "incident_influencer", "incident_brand"


def action_rows(ctx: IncidentContext) -> list[Block]:
    """The open moves, each side's in its own labelled row ("For @Ivy", "For the brand team"), so
    nobody meets a button only to be told it is not theirs. A channel message shows every button to
    everyone, so the brand row's label also names who may press the buttons only part of the team
    may (`rules.narrower_moves`, from `rules.WHO`). The server still checks every press."""
    i, rows = ctx.incident, []
    moves = rules.moves_for(i.status)
    narrower = [([BUTTONS[m][1] for m in grouped], who) for grouped, who in rules.narrower_moves(moves)]
    sides = (
        (INFLUENCER_ROW, f"*For {influencer_mention(ctx.influencer)}*", rules.INFLUENCER_MOVES),
        (BRAND_ROW, messages.brand_row_label(narrower), frozenset(Move) - rules.INFLUENCER_MOVES),
    )
    for block_id, label, side in sides:
        buttons = [_button(move, i) for move in moves if move in side]
        if buttons:
            rows += [context(label), ActionsBlock(block_id=block_id, elements=buttons)]
    return rows


def _button(move: Move, i: Incident) -> ButtonElement:
    """Accept and Dispute also carry the version of the proposal on the card: a click answers
    that proposal, or nothing (`rules.ANSWERS_PROPOSAL`)."""
    action_id, label, style = BUTTONS[move]
    proposal = proposal_version(i) if move in rules.ANSWERS_PROPOSAL else None
    value = rules.button_value(i.id, proposal)
    return ButtonElement(action_id=action_id, text=plain(label), value=value, style=style)


def proposal_version(i: Incident) -> str:
    """The version of the incident's current proposed resolution (`rules.proposal_version`)."""
    return rules.proposal_version(i.proposed_outcome, i.proposed_terms, i.proposal_due_at, i.proposed_by)


def _closing_line(ctx: IncidentContext) -> str:
    """How it ended, on the card in the shared channel: no note the brand wrote on its own (the
    brand's `/breach show` has it on the timeline)."""
    i = ctx.incident
    if i.status == IncidentStatus.DISMISSED:
        return f":heavy_minus_sign: Dismissed by {user(i.resolved_by)} · {when(i.resolved_at)}"
    shared = rules.shared_resolution_note(i.status, i.resolution_note, i.proposed_terms)
    note = f"\n{esc(shared)}" if shared else ""
    return (
        f":white_check_mark: {_resolved_how(ctx)} · {when(i.resolved_at)} · "
        f"*{outcome_label(i.outcome)}* · {plural(i.strikes or 0, 'strike')}{note}"
    )


def _resolved_how(ctx: IncidentContext) -> str:
    """Who closed it: the influencer closes an incident only by accepting the brand's proposal, so
    "Resolved by @Ivy" would read as if she had settled her own case; it says whose proposal it was."""
    i, influencer = ctx.incident, ctx.influencer
    accepted = (
        bool(i.proposed_by) and bool(influencer.slack_user_id) and i.resolved_by == influencer.slack_user_id
    )
    if accepted:
        return f"Resolved: {user(i.resolved_by)} accepted the resolution {user(i.proposed_by)} proposed"
    return f"Resolved by {user(i.resolved_by)}"


def thread_opener(ctx: IncidentContext) -> str:
    i, g = ctx.incident, ctx.guideline
    hours = rules.CURE_PERIOD_HOURS[i.severity]
    return (
        f"{influencer_mention(ctx.influencer)}, this thread is the mediation of {number(i.number)}: "
        f"a reported breach of *{g.code} · {esc(g.title)}* — _{esc(g.text)}_\n"
        f"The cure period for a {i.severity} breach is {hours} h: please respond by "
        f"{when(i.response_due_at)} "
        "with the *Respond* button on the card. Replies in this thread are kept on the incident's timeline."
    )


def escalation_post(ctx: IncidentContext, why: str, *, suggest_hold: bool, link: str | None) -> str:
    i = ctx.incident
    see = f" · <{link}|open the card>" if link else ""
    hold = (
        (
            "\n:money_with_wings: Critical breach: consider putting the payment to "
            f"{influencer_mention(ctx.influencer)} on hold."
        )
        if suggest_hold
        else ""
    )
    return (
        f":rotating_light: *{number(i.number)}* {why} — {severity_label(i.severity)} breach of "
        f"{ctx.guideline.code} {esc(ctx.guideline.title)} by {influencer_mention(ctx.influencer)} "
        f"on *{esc(ctx.campaign.name)}*{see}{hold}"
    )


def reporter_confirmation(ctx: IncidentContext, link: str | None) -> str:
    i = ctx.incident
    where = f"<{link}|the card> in <#{i.channel_id}>" if link else f"<#{i.channel_id}>"
    return (
        f":white_check_mark: Reported *{number(i.number)}* ({i.severity}, {ctx.guideline.code}) about "
        f"{influencer_mention(ctx.influencer)}. Follow it in {where}; the influencer has until "
        f"{when(i.response_due_at)} to respond."
    )


# ------------------------------------------------------------------------------------------------
# Lifecycle forms


def _meta(incident_id: int, proposal: str | None = None) -> str:
    return json.dumps({"incident_id": incident_id, **({"proposal": proposal} if proposal else {})})


def _form(
    callback: str,
    title: str,
    submit: str,
    ctx: IncidentContext,
    blocks: list[Block],
    proposal: str | None = None,
) -> View:
    """A lifecycle form; `proposal`: the version of the proposal it answers (Dispute)."""
    intro = context(
        f"*{number(ctx.incident.number)}* · {ctx.guideline.code} {esc(ctx.guideline.title)} · "
        f"{influencer_mention(ctx.influencer)} · {severity_label(ctx.incident.severity)}"
    )
    return modal(callback, title, submit, [intro, *blocks], metadata=_meta(ctx.incident.id, proposal))


def _text(
    block_id: str,
    label: str,
    *,
    max_length: int,
    optional: bool = False,
    multiline: bool = True,
    initial: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        hint=plain(hint, 150) if hint else None,
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id, multiline=multiline, max_length=max_length, initial_value=initial
        ),
    )


def _outcomes(initial: str | None = None) -> InputBlock:
    options = [option(label, value) for value, label in OUTCOME_LABELS.items()]
    return InputBlock(
        block_id=Field.OUTCOME,
        label=plain("Outcome"),
        element=StaticSelectElement(
            action_id=Field.OUTCOME, options=options, initial_option=find_option(options, initial)
        ),
    )


def respond_modal(ctx: IncidentContext) -> View:
    return _form(
        Callback.INCIDENT_RESPOND,
        "Respond",
        "Send",
        ctx,
        [
            section(f"*What was reported*\n{esc_quoting(truncate(ctx.incident.description, 2800))}"),
            _text(Field.STATEMENT, "Your statement", max_length=STATEMENT_MAX),
        ],
    )


def propose_modal(ctx: IncidentContext, now: datetime) -> View:
    return _form(
        Callback.INCIDENT_PROPOSE,
        "Propose resolution",
        "Propose",
        ctx,
        [
            _outcomes(Outcome.CORRECTIVE_ACTION),
            _text(Field.TERMS, "Terms", max_length=3000),
            InputBlock(
                block_id=Field.DEADLINE,
                label=plain("To be done by"),
                optional=True,
                element=DateTimePickerElement(action_id=Field.DEADLINE),
            ),
        ],
    )


def strikes_guide() -> str:
    """Which strikes go with which outcome (the rule the Resolve form checks)."""

    def span(allowed: range) -> str:
        return str(allowed.start) if len(allowed) == 1 else f"{allowed.start}–{allowed.stop - 1}"

    return " · ".join(
        f"{OUTCOME_LABELS[Outcome(o)].split(' (')[0]}: {span(r)}" for o, r in rules.OUTCOME_STRIKES.items()
    )


def resolve_modal(ctx: IncidentContext, current_strikes: int) -> View:
    i = ctx.incident
    # pre-filled from the pending proposal only: one that lapsed (an escalation, before its fields were
    # cleared with it) or was disputed is no longer the brand's offer
    pending = i.status == IncidentStatus.RESOLUTION_PROPOSED
    outcome, terms = (i.proposed_outcome, i.proposed_terms) if pending else (None, None)
    default = rules.accepted_strikes(i.severity, outcome)
    strike_options = [option(plural(n, "strike"), str(n)) for n in range(rules.MAX_STRIKES + 1)]
    who = influencer_mention(ctx.influencer)
    return _form(
        Callback.INCIDENT_RESOLVE,
        "Resolve",
        "Resolve",
        ctx,
        [
            section(
                f"{who} has *{plural(current_strikes, 'strike')}* across campaigns "
                f"({rules.standing(current_strikes)}). {rules.PROBATION_AT} strikes put them on probation; "
                f"{rules.SUSPENSION_AT} recommend suspension."
            ),
            _outcomes(outcome),
            InputBlock(
                block_id=Field.STRIKES,
                label=plain("Strikes to add"),
                hint=plain(f"Default for a {i.severity} breach: {rules.DEFAULT_STRIKES[i.severity]}.", 150),
                element=StaticSelectElement(
                    action_id=Field.STRIKES, options=strike_options, initial_option=strike_options[default]
                ),
            ),
            context(f"Strikes each outcome allows: {strikes_guide()}"),
            _text(
                Field.NOTE,
                "Note",
                max_length=3000,
                optional=True,
                initial=terms,
                hint=BRAND_NOTE_HINT,
            ),
            InputBlock(
                block_id=Field.CONFIRM_STANDING,
                label=plain("Change of standing"),
                optional=True,
                element=CheckboxesElement(
                    action_id=Field.CONFIRM_STANDING,
                    options=[
                        option(
                            "I confirm, if these strikes reach a threshold (probation or suspension).",
                            "confirmed",
                        )
                    ],
                ),
            ),
        ],
    )


def standing_change(name: str, verdict: rules.StrikeVerdict) -> str | None:
    """The confirmation a threshold-crossing resolution needs (plain text), or None."""
    if not (verdict.probation or verdict.suspension):
        return None
    return (
        f"This brings {name} to {plural(verdict.total, 'strike')}: {rules.standing(verdict.total)}. "
        "Tick the box to confirm."
    )


def reason_modal(move: Move, ctx: IncidentContext) -> View:
    """Dispute and Escalate ask why: the reason goes on the timeline and in the thread."""
    callback, title, submit, label, intro = {
        Move.DISPUTE: (
            Callback.INCIDENT_DISPUTE,
            "Dispute",
            "Dispute",
            "Why do you dispute the proposal?",
            f"*Proposed:* {outcome_label(ctx.incident.proposed_outcome)}\n{esc(ctx.incident.proposed_terms)}",
        ),
        Move.ESCALATE: (
            Callback.INCIDENT_ESCALATE,
            "Escalate to legal",
            "Escalate",
            "Why does this need legal?",
            f"{number(ctx.incident.number)} goes to the campaign's escalation channel for legal. "
            "The reason is for legal and the brand team: the influencer reads only that it was escalated.",
        ),
    }[move]
    blocks = [section(intro), _text(Field.REASON, label, max_length=3000)]
    # a dispute answers the proposal the form shows, and no other (docs/incidents.md)
    proposal = proposal_version(ctx.incident) if move in rules.ANSWERS_PROPOSAL else None
    return _form(callback, title, submit, ctx, blocks, proposal)


#: Under the brand's own text of a resolution or a dismissal (rules.BRAND_TEXT_MOVES).
BRAND_NOTE_HINT = (
    "For the brand team: the influencer reads the outcome, not this note (unless it is the terms they saw)."
)


def stale_form(title: str, what_happened: str) -> View:
    """Replaces a form whose incident moved on meanwhile: what happened, by whom and when (mrkdwn,
    so names and dates render for the reader), and nothing left to submit."""
    return View(
        type="modal",
        title=plain(title, 24),
        close=plain("Close", 24),
        blocks=[section(f":information_source: {what_happened}"), context("Nothing was changed.")],
    )


def dismiss_modal(ctx: IncidentContext) -> View:
    return _form(
        Callback.INCIDENT_DISMISS,
        "Dismiss",
        "Dismiss",
        ctx,
        [
            _text(
                Field.REASON,
                "Reason",
                max_length=3000,
                hint="For the brand team: the influencer reads that it was dismissed, not why.",
            ),
        ],
    )


# ------------------------------------------------------------------------------------------------
# Reading


def incident_line(ctx: IncidentContext) -> str:
    i = ctx.incident
    where = f" · <#{i.channel_id}>" if i.channel_id else ""
    return (
        f"*{number(i.number)}* {SEVERITY_ICON[i.severity]} {i.status.replace('_', ' ')} · "
        f"{ctx.guideline.code} · {influencer_mention(ctx.influencer)} · `{ctx.campaign.slug}` · "
        f"{when(i.created_at, '{date_short}')}{where}"
    )


def list_more_value(open_only: bool, slug: str | None, before: int) -> str:
    """The "Show more" button's value: the same list, numbered below `before`."""
    return json.dumps({"open": open_only, "slug": slug, "before": before}, separators=(",", ":"))


def incident_list(
    rows: Sequence[IncidentContext],
    total: object,
    scope: str,
    *,
    more: str | None = None,
    continued: bool = False,
) -> list[Block]:
    """One page of `/breach list`, newest first. `total` is the (capped) count shown on the first
    page; `more` the value of a "Show more" button for the next page (None: this is the last)."""
    if not rows:  # "No open incidents you can see.", "No more incidents you can see."
        words = " ".join(w for w in ("more" if continued else "", "" if scope == "all" else scope) if w)
        return [section(f"No {words + ' ' if words else ''}incidents you can see.")]
    if continued:
        head = f"*{scope.capitalize()} incidents*, continued from {number(rows[0].incident.number)}"
    else:
        head = f"*{scope.capitalize()} incidents* ({total})"
    blocks: list[Block] = [section(head)]
    blocks += [section(incident_line(ctx)) for ctx in rows]
    if more is not None:
        blocks.append(
            ActionsBlock(
                block_id="incident_list_more",
                elements=[
                    ButtonElement(action_id=Action.INCIDENT_LIST_MORE, text=plain("Show more"), value=more)
                ],
            )
        )
        blocks.append(context("Narrow it with a campaign: `/breach list all &lt;slug&gt;`."))
    return capped(blocks, MESSAGE_BLOCKS_MAX, "…and {n} more.")


EVENT_WORDS = {
    IncidentEventKind.CREATED: "reported it",
    IncidentEventKind.RESPONSE: "responded",
    IncidentEventKind.THREAD_REPLY: "replied in the thread",
    IncidentEventKind.EVIDENCE_ADDED: "added evidence",
    IncidentEventKind.REMINDER_SENT: "reminder sent",
    IncidentEventKind.ESCALATED: "escalated",
    IncidentEventKind.RESOLUTION_PROPOSED: "proposed a resolution",
    IncidentEventKind.NOTE: "noted",
    IncidentEventKind.MESSAGE_EDITED: "edited a message",
    IncidentEventKind.MESSAGE_DELETED: "deleted a message",
}


#: Moves whose timeline entry names the move rather than the status it led to.
_MOVE_WORDS = {
    Move.ACKNOWLEDGE.name: "acknowledged it",
    Move.ACCEPT.name: "accepted the proposed resolution",
    Move.DISPUTE.name: "disputed the proposed resolution",
    Move.RESOLVE.name: "resolved it",
    Move.DISMISS.name: "dismissed it",
}


def _event_line(event: IncidentEvent, with_text: bool = True) -> str:
    data = event.data or {}
    who = user(event.actor_id) if event.actor_id else "Campaign Guard"
    kind = IncidentEventKind(event.kind)
    if kind == IncidentEventKind.STATUS_CHANGED:
        what = _MOVE_WORDS.get(
            str(data.get("move")), f"moved it to *{str(data.get('to', '')).replace('_', ' ')}*"
        )
    elif kind == IncidentEventKind.ESCALATED and data.get("automatic"):
        what = "escalated it automatically (no response within the cure period)"
    else:
        what = EVENT_WORDS.get(kind, event.kind)
    if data.get("outcome") and data.get("move") in (Move.RESOLVE.name, Move.ACCEPT.name, Move.PROPOSE.name):
        what += f" · *{outcome_label(str(data['outcome']))}*"
        if data.get("strikes") is not None:
            what += f", {plural(int(data['strikes']), 'strike')}"
    if not event.text or not with_text:
        text = ""
    elif kind == IncidentEventKind.REMINDER_SENT:
        text = f": {esc(truncate(_without_lead(event.text, 'reminder sent'), 300))}"
    elif kind == IncidentEventKind.THREAD_REPLY:  # Slack's own text: already escaped by Slack
        text = f": {truncate(slack_text(event.text), 300)}"
    else:  # a reported message's quote (the description) stays a quote
        text = f": {esc_quoting(truncate(event.text, 300))}"
    return f"{when(event.created_at, '{date_short} {time}')} · {who} {what}{text}"


def _without_lead(text: str, words: str) -> str:
    """`text` without a leading "<words>:" that would repeat the entry's own words."""
    head, sep, rest = text.partition(":")
    return rest.strip() if sep and head.strip().lower() == words else text


def incident_detail(
    ctx: IncidentContext, events: Sequence[IncidentEvent], *, for_influencer: bool = False
) -> list[Block]:
    """The card and the timeline (`/breach show`, App Home's "Open"). For the influencer, the
    timeline leaves out what is the brand's own (`rules.influencer_reads_event`): the reminders
    sent to the brand, and the text of an escalation, a resolution or a dismissal."""
    # a read-only copy: the moves are made on the card in the shared channel, so neither its
    # buttons nor the "For @Ivy" / "For the brand team" labels that head them
    _, blocks = card(ctx, buttons=False)
    if for_influencer:
        read = [(e, rules.influencer_reads_event(e.kind, e.data)) for e in events]
        lines = [_event_line(e, with_text) for e, (shown, with_text) in read if shown]
    else:
        lines = [_event_line(e) for e in events]
    chunks, current = [], ""
    for line in lines:  # sections of at most 3,000 characters
        if len(current) + len(line) + 1 > 2900:
            chunks.append(current)
            current = ""
        current += line + "\n"
    if current:
        chunks.append(current)
    blocks.append(DividerBlock())
    blocks.append(section(f"*Timeline* ({plural(len(lines), 'event')})"))
    blocks += [section(chunk) for chunk in chunks]
    return capped(blocks, MESSAGE_BLOCKS_MAX, "…and {n} more timeline sections.")
