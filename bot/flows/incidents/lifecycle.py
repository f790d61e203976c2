"""The lifecycle moves: one conditional UPDATE each, then the card, thread and legal are told."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot import messages
from bot.domain import incidents as rules
from bot.domain.enums import EngagementStatus, IncidentEventKind, InfluencerStatus, Outcome, Role
from bot.domain.incidents import Move
from bot.domain.parsing import whole_number
from bot.errors import Conflict, FormErrors, FormReplaced, NotFound, NotPermitted, StaleProposal
from bot.flows.access import is_the_influencer, roles_on
from bot.flows.incidents import shared
from bot.ids import Field
from bot.services import Services
from bot.slack import NO_UNFURL, as_posted, message_files, slack_error
from bot.views import incidents as views
from bot.views import owners
from bot.views.forms import FormValues
from bot.views.text import esc, plural, quote, truncate, user, when
from storage.models import Engagement, Incident, Influencer
from storage.queries import incidents as q
from storage.queries.conduct import lock
from storage.queries.incidents import IncidentContext

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------------
# Moves


@dataclass(frozen=True, slots=True)
class Applied:
    """A move that happened, and what it set off."""

    ctx: IncidentContext
    move: Move
    actor_id: str | None
    automatic: bool = False
    strikes: rules.StrikeVerdict | None = None
    text: str | None = None
    #: The proposal pending when the move was made, which it ended (`rules.proposal_lapses`):
    #: (its outcome, who proposed it).
    lapsed: tuple[str | None, str | None] | None = None


async def _authorize_move(svc: Services, s, ctx: IncidentContext, user_id: str, move: Move) -> None:
    is_influencer = await is_the_influencer(svc.directory, ctx.influencer, user_id)
    roles = await roles_on(
        s, svc.directory, ctx.campaign, user_id, needed=rules.WHO[move], is_influencer=is_influencer
    )
    if rules.WHO[move].isdisjoint(roles):
        if not roles:  # no standing on it (`access.standing`): as if it did not exist
            raise NotFound(messages.INCIDENT_GONE)
        if rules.WHO[move] == {Role.INFLUENCER}:  # the brand team, who know the incident
            raise NotPermitted(
                move.value,
                rules.WHO[move],
                f":no_entry: Only {views.influencer_mention(ctx.influencer)}, the influencer "
                f"{views.number(ctx.incident.number)} is about, can {move.value}.",
            )
        # its influencer, or a brand role the move is not for: who may
        raise NotPermitted(move.value, [r.value for r in rules.WHO[move]])


async def _conflict(s, ctx: IncidentContext, move: Move) -> Conflict:
    """Why `move` cannot happen now — "already acknowledged by …" when it (or its end) already did."""
    current = ctx.incident.status
    label = views.number(ctx.incident.number)
    if current == rules.TARGET[move] or current in rules.TERMINAL:
        event = await q.last_change_to(s, ctx.incident.id, current)
        if event and event.actor_id:
            who = f" by {user(event.actor_id)}"
        else:  # the scheduler's move at the end of the cure period: say so, not a bare "escalated"
            who = " automatically" if event and event.data.get("automatic") else ""
        at = f" {when(event.created_at)}" if event else ""
        verb = rules.DONE[move] if current == rules.TARGET[move] else current.replace("_", " ")
        return Conflict(f"{label} was already {verb}{who}{at}.")
    return Conflict(f"{label} is {current.replace('_', ' ')}, so you can't {move.value} now.")


def _check_proposal(ctx: IncidentContext, move: Move, proposal: str | None, on: str = "this card") -> None:
    """Accept and Dispute answer the proposal the card (or the Dispute form) showed: `proposal` is
    its version. Another proposal now, or a card drawn before buttons carried a version: refused."""
    if move in rules.ANSWERS_PROPOSAL and proposal != views.proposal_version(ctx.incident):
        label = views.number(ctx.incident.number)
        raise StaleProposal(messages.proposal_changed(label, on), label)


def _same_proposal(i: Incident) -> list:
    """The conditional update's guard that the proposal is still the one read (and checked)."""
    return [
        Incident.proposed_outcome.is_not_distinct_from(i.proposed_outcome),
        Incident.proposed_terms.is_not_distinct_from(i.proposed_terms),
        Incident.proposal_due_at.is_not_distinct_from(i.proposal_due_at),
        Incident.proposed_by.is_not_distinct_from(i.proposed_by),
    ]


async def apply_move(
    svc: Services,
    team_id: str,
    incident_id: int,
    move: Move,
    actor_id: str | None,
    *,
    text: str | None = None,
    outcome: str | None = None,
    strikes: int | None = None,
    deadline: datetime | None = None,
    automatic: bool = False,
    proposal: str | None = None,
    submission: str | None = None,
    confirm_standing: bool | None = None,
) -> Applied | None:
    """One lifecycle move as one conditional UPDATE, with its timeline event and its effects.

    `proposal`: for Accept and Dispute, the version of the proposal the person answers (from the
    card's button or the Dispute form); the move is conditional on the incident still having it.
    `submission`: a form's once-only key, recorded in this transaction (a refusal rolls it back);
    when it was already recorded, nothing happens and None is returned.
    `confirm_standing`: a Resolve form's change-of-standing tick. The threshold is checked here,
    with the influencer's row locked, so two resolutions at once cannot both skip the tick."""
    now = svc.clock.now()
    if actor_id is not None:
        await svc.directory.prefetch(actor_id)  # who they are, before the transaction
    async with svc.db.transaction() as s:
        if submission is not None and not await q.first_delivery(s, team_id, submission, now):
            return None  # this very form, submitted again (a double click, a retried request)
        ctx = await q.context_by_id(s, team_id, incident_id)
        if ctx is None:
            raise NotFound(messages.INCIDENT_GONE)
        if actor_id is not None:
            await _authorize_move(svc, s, ctx, actor_id, move)
        if ctx.incident.status not in rules.FROM[move]:
            raise await _conflict(s, ctx, move)
        _check_proposal(ctx, move, proposal)
        before = ctx.incident.status
        after = rules.next_status(move, before)
        # read before the update, which clears a proposal that lapses (`_values`)
        pending = _pending_proposal(ctx.incident) if rules.proposal_lapses(move, before) else None
        values, data = _values(ctx, move, actor_id, now, text, outcome, strikes, deadline)
        if move in (Move.RESOLVE, Move.ACCEPT):  # strike totals: one resolution of theirs at a time
            await lock(s, Influencer, ctx.influencer.id)
            if confirm_standing is not None:
                total = await q.strike_total(s, ctx.influencer.id)
                _check_standing(ctx, total, values.get("strikes") or 0, confirmed=confirm_standing)
        extra = [Incident.responded_at.is_(None)] if automatic else []
        if move in rules.ANSWERS_PROPOSAL:
            extra += _same_proposal(ctx.incident)
        if not await q.transition(
            s, team_id, incident_id, [before], {"status": after, "updated_at": now, **values}, *extra
        ):
            await s.rollback()
            async with svc.db.transaction() as fresh:
                ctx = await q.context_by_id(fresh, team_id, incident_id)
                if ctx.incident.status in rules.FROM[move]:
                    _check_proposal(ctx, move, proposal)  # another proposal came in meanwhile
                raise await _conflict(fresh, ctx, move)
        kind = {
            Move.RESPOND: IncidentEventKind.RESPONSE,
            Move.ESCALATE: IncidentEventKind.ESCALATED,
            Move.PROPOSE: IncidentEventKind.RESOLUTION_PROPOSED,
        }.get(move, IncidentEventKind.STATUS_CHANGED)
        q.add_event(
            s,
            ctx.incident,
            kind,
            now,
            actor_id,
            text,
            **{"from": before, "to": after, "move": move.name, "automatic": automatic, **data},
        )
        lapsed = None
        if pending is not None:  # both sides saw the proposal: both read it ended
            proposed_outcome, proposed_by, version = pending
            lapsed = (proposed_outcome, proposed_by)
            said = messages.proposal_lapsed(views.outcome_name(proposed_outcome))
            q.add_event(
                s,
                ctx.incident,
                IncidentEventKind.NOTE,
                now,
                None,
                said,
                lapsed="proposal",
                outcome=proposed_outcome,
                proposed_by=proposed_by,
                proposal=version,
                automatic=automatic,
            )
        verdict = await _effects(s, ctx, move, values, now)
        refreshed = await q.context_by_id(s, team_id, incident_id)
        await shared.plan(s, refreshed.incident, now)
    return Applied(
        ctx=refreshed,
        move=move,
        actor_id=actor_id,
        automatic=automatic,
        strikes=verdict,
        text=text,
        lapsed=lapsed,
    )


def _pending_proposal(i: Incident) -> tuple[str | None, str | None, str]:
    """The incident's proposal as the timeline keeps it when it lapses: outcome, who proposed it,
    its version."""
    return (i.proposed_outcome, i.proposed_by, views.proposal_version(i))


#: A proposal ended (disputed, or lapsed with an escalation): nothing of it stays on the incident,
#: so no form pre-fills it and no card shows it (the timeline keeps it).
_NO_PROPOSAL: dict[str, None] = {
    "proposed_outcome": None,
    "proposed_terms": None,
    "proposal_due_at": None,
    "proposed_by": None,
}


def _values(ctx, move, actor_id, now, text, outcome, strikes, deadline) -> tuple[dict, dict]:
    i = ctx.incident
    match move:
        case Move.ACKNOWLEDGE:
            return ({"acknowledged_at": now}, {})
        case Move.RESPOND:
            return ({"responded_at": i.responded_at or now}, {})
        case Move.PROPOSE:
            return (
                {
                    "proposed_outcome": outcome,
                    "proposed_terms": text,
                    "proposal_due_at": deadline,
                    "proposed_by": actor_id,
                },
                {"outcome": outcome, "deadline": deadline and deadline.isoformat(), "terms": text},
            )
        case Move.ACCEPT:
            strikes = rules.accepted_strikes(i.severity, i.proposed_outcome)
            return (
                {
                    "outcome": i.proposed_outcome,
                    "strikes": strikes,
                    "resolved_by": actor_id,
                    "resolved_at": now,
                    "resolution_note": i.proposed_terms,
                },
                {"outcome": i.proposed_outcome, "strikes": strikes},
            )
        case Move.DISPUTE:  # its reason is the influencer's statement: it meets the cure period
            return ({"responded_at": i.responded_at or now, **_NO_PROPOSAL}, {"outcome": i.proposed_outcome})
        case Move.ESCALATE:  # a pending proposal lapses with it (`rules.proposal_lapses`)
            lapses = rules.proposal_lapses(move, i.status)
            return ({"escalated_at": now, **(_NO_PROPOSAL if lapses else {})}, {})
        case Move.RESOLVE:
            return (
                {
                    "outcome": outcome,
                    "strikes": strikes,
                    "resolved_by": actor_id,
                    "resolved_at": now,
                    "resolution_note": text,
                },
                {"outcome": outcome, "strikes": strikes, "note": text},
            )
        case Move.DISMISS:
            return ({"resolved_by": actor_id, "resolved_at": now, "resolution_note": text}, {})
    return ({}, {})


async def _effects(
    s, ctx: IncidentContext, move: Move, values: dict, now: datetime
) -> rules.StrikeVerdict | None:
    """What a resolution does: terminate, hold payment, add strikes (and cross the thresholds)."""
    if move not in (Move.RESOLVE, Move.ACCEPT):
        return None
    outcome = values.get("outcome")
    if outcome in rules.TERMINATES:
        await s.exec(
            update(Engagement)
            .where(Engagement.id == ctx.engagement.id)
            .values(status=EngagementStatus.TERMINATED)
        )
    if outcome in rules.HOLDS_PAYMENT:
        await s.exec(update(Engagement).where(Engagement.id == ctx.engagement.id).values(payment_hold=True))
    added = values.get("strikes") or 0
    total_now = await q.strike_total(s, ctx.influencer.id)  # includes this resolution (same transaction)
    verdict = rules.strikes_after(total_now - added, added)
    if verdict.probation and ctx.influencer.status == InfluencerStatus.ACTIVE:
        await s.exec(
            update(Influencer)
            .where(Influencer.id == ctx.influencer.id)
            .values(status=InfluencerStatus.PROBATION)
        )
    return verdict


async def announce(svc: Services, applied: Applied) -> None:
    """After a move: tell legal when it matters, keep the card current, say it in the thread.

    Legal comes first, so a refused card update can never swallow an escalation; a refused card
    update is logged and costs nothing else (the thread is still told, the homes refreshed), and the
    next press on the card redraws it (`press`).
    """
    ctx = applied.ctx
    # told if legal could not be: a person of the brand, never the scheduler nor the influencer
    brand_move = not applied.automatic and applied.move not in rules.INFLUENCER_MOVES
    actor = applied.actor_id if brand_move else None
    for line in await _legal_lines(svc, applied):
        await shared.to_legal(svc, ctx, line, actor=actor)
    if ctx.incident.card_ts:
        await _redraw_card_quietly(svc, ctx)
        # An automatic escalation is told in the thread by the cure-period reminder that set it
        # off (scheduler/dispatcher.py): one message, not two saying the same. A proposal it
        # ended is not in that reminder, so it is told here.
        if applied.move is Move.ESCALATE and applied.automatic:
            note = _lapsed_note(applied)
        else:
            note = "\n".join(n for n in (_thread_note(applied), _lapsed_note(applied)) if n)
        if note:
            await svc.client.chat_postMessage(  # it may quote a response: no previews of its links
                channel=ctx.incident.channel_id, thread_ts=ctx.incident.card_ts, text=note, **NO_UNFURL
            )
    await shared.refresh_homes(svc, ctx)


def _lapsed_note(applied: Applied) -> str:
    """The thread's word that the move ended a pending proposal (`Applied.lapsed`), or ""."""
    if applied.lapsed is None:
        return ""
    outcome, proposer = applied.lapsed
    number = views.number(applied.ctx.incident.number)
    by = user(proposer) if proposer else "the brand team"
    return messages.proposal_lapsed_note(views.outcome_name(outcome), by, number)


async def _redraw_card(svc: Services, ctx: IncidentContext) -> None:
    """The card as the incident is now: every move redraws it, so its Accept and Dispute buttons
    always carry the version of the proposal it shows."""
    text, blocks = views.card(ctx)
    await svc.client.chat_update(
        channel=ctx.incident.channel_id, ts=ctx.incident.card_ts, text=text, blocks=blocks
    )


async def _redraw_card_quietly(svc: Services, ctx: IncidentContext) -> None:
    """`_redraw_card`, with Slack's refusal logged rather than raised."""
    try:
        await _redraw_card(svc, ctx)
    except SlackApiError as exc:
        log.warning("card of incident %s not redrawn: %s", ctx.incident.id, slack_error(exc))


async def _heal_card(svc: Services, team_id: str, incident_id: int) -> None:
    """Redraw the card of an incident a press or form was refused on (it moved on, or another
    proposal came in): the card then shows what is true now, even one a failed update left stale."""
    async with svc.db.transaction() as s:
        ctx = await q.context_by_id(s, team_id, incident_id)
    if ctx is not None and ctx.incident.card_ts:
        await _redraw_card_quietly(svc, ctx)  # the refusal is what the user needs to hear


async def _legal_lines(svc: Services, applied: Applied) -> list[str]:
    """What the escalation channel hears about this move: escalations and strike thresholds."""
    ctx, lines = applied.ctx, []
    if applied.move is Move.ESCALATE:
        why = (
            "was escalated automatically: no response within the cure period"
            if applied.automatic
            else f"was escalated by {user(applied.actor_id)}"
            + (f": _{esc(truncate(' '.join(applied.text.split()), 300))}_" if applied.text else "")
        )
        link = await shared.permalink(svc, ctx)
        lines.append(views.escalation_post(ctx, why, suggest_hold=False, link=link))
    if applied.move is Move.RESPOND and rules.response_reaches_legal(ctx.incident.status):
        lines.append(await _response_line(svc, ctx, in_thread=False))
    verdict = applied.strikes
    if verdict and (verdict.probation or verdict.suspension):
        line = (
            f":warning: {views.influencer_mention(ctx.influencer)} now has {plural(verdict.total, 'strike')} "
            f"across campaigns (after {views.number(ctx.incident.number)})."
        )
        if verdict.probation:
            line += " They are now *on probation*; legal, please review."
        if verdict.suspension:
            line += f" {rules.SUSPENSION_AT} strikes reached: *suspension is recommended*."
        lines.append(line)
    return lines


async def _response_line(svc: Services, ctx: IncidentContext, *, in_thread: bool) -> str:
    """Legal's line that the influencer answered an escalated incident: a link, not their words."""
    influencer = views.influencer_mention(ctx.influencer)
    number = views.number(ctx.incident.number)
    link = await shared.permalink(svc, ctx)
    return messages.response_after_escalation(influencer, number, link, in_thread=in_thread)


def _thread_note(applied: Applied) -> str:
    ctx, i = applied.ctx, applied.ctx.incident
    actor = user(applied.actor_id)
    inf = views.influencer_mention(ctx.influencer)
    match applied.move:
        case Move.ACKNOWLEDGE:
            return f":eyes: {actor} acknowledged the report."
        case Move.RESPOND:
            return f":speech_balloon: Response from {actor}:\n{quote(applied.text)}"
        case Move.PROPOSE:
            deadline = f", by {when(i.proposal_due_at)}" if i.proposal_due_at else ""
            return (
                f":handshake: {actor} proposed a resolution: *{views.outcome_label(i.proposed_outcome)}*"
                f"{deadline}.\n{esc(i.proposed_terms)}\n{inf}, please *Accept* or *Dispute* it on the card."
            )
        case Move.ACCEPT:
            return (
                f":white_check_mark: {actor} accepted the proposed resolution; {views.number(i.number)} is "
                f"resolved with {plural(i.strikes or 0, 'strike')}."
            )
        case Move.DISPUTE:
            return (
                f":warning: {actor} disputed the proposed resolution; mediation continues.\n"
                f"{quote(applied.text)}"
            )
        # the shared channel: the brand's own text (the reason to escalate, a resolution's or a
        # dismissal's note) stays brand-side (rules.BRAND_TEXT_MOVES); legal's channel has the reason
        case Move.ESCALATE:
            if applied.automatic:
                return ":rotating_light: No response within the cure period, so this was escalated to legal."
            return f":rotating_light: {actor} escalated {views.number(i.number)} to legal."
        case Move.RESOLVE:
            shared = rules.shared_resolution_note(i.status, i.resolution_note, i.proposed_terms)
            note = f"\n{quote(shared)}" if shared else ""
            return (
                f":white_check_mark: Resolved by {actor}: *{views.outcome_label(i.outcome)}*, "
                f"{plural(i.strikes or 0, 'strike')}.{note}"
            )
        case Move.DISMISS:
            return f":heavy_minus_sign: Dismissed by {actor}."
    return ""


async def move_and_announce(
    svc: Services, team_id: str, incident_id: int, move: Move, actor_id: str | None, **kwargs
) -> Applied | None:
    applied = await apply_move(svc, team_id, incident_id, move, actor_id, **kwargs)
    if applied is not None:  # None: a form's `submission` made again, which the first announced
        await announce(svc, applied)
    return applied


async def press(
    svc: Services,
    team_id: str,
    user_id: str,
    incident_id: int,
    move: Move,
    trigger_id: str,
    proposal: str | None = None,
) -> None:
    """A card button: moves with a form open it; the others happen at once. `proposal`: the
    version of the proposal the card showed (Accept, Dispute). When the incident has another one
    now (or the card is older than versions), nothing happens: the card is redrawn with the
    current proposal and the user is told to read it again. A press refused because the incident
    moved on (already resolved, …) redraws the card too: one a failed update left stale heals."""
    try:
        if move in FORM_MOVES:
            await open_move_form(svc, team_id, user_id, incident_id, move, trigger_id, proposal)
        else:
            await move_and_announce(svc, team_id, incident_id, move, user_id, proposal=proposal)
    except Conflict:  # StaleProposal included
        await _heal_card(svc, team_id, incident_id)
        raise


async def auto_escalate(svc: Services, team_id: str, incident_id: int) -> bool:
    """The end of the cure period with no response: the same move as the Escalate button.
    True when this call made the transition (a conditional update: two dispatchers escalate once)."""
    try:
        await move_and_announce(svc, team_id, incident_id, Move.ESCALATE, None, automatic=True)
    except (Conflict, NotFound):
        return False
    return True


# ------------------------------------------------------------------------------------------------
# Buttons that open forms, and the forms


FORM_MOVES = {Move.RESPOND, Move.PROPOSE, Move.RESOLVE, Move.DISMISS, Move.DISPUTE, Move.ESCALATE}


async def open_move_form(
    svc: Services,
    team_id: str,
    user_id: str,
    incident_id: int,
    move: Move,
    trigger_id: str,
    proposal: str | None = None,
) -> None:
    """Check the user may make the move now, then open its form. Dispute answers the proposal the
    card showed (`proposal`), and its form carries that version to the submission."""
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        ctx = await q.context_by_id(s, team_id, incident_id)
        if ctx is None:
            raise NotFound(messages.INCIDENT_GONE)
        await _authorize_move(svc, s, ctx, user_id, move)
        if ctx.incident.status not in rules.FROM[move]:
            raise await _conflict(s, ctx, move)
        _check_proposal(ctx, move, proposal)
        current_strikes = await q.strike_total(s, ctx.influencer.id) if move is Move.RESOLVE else 0
    match move:
        case Move.PROPOSE:
            view = views.propose_modal(ctx, svc.clock.now())
        case Move.RESOLVE:
            view = views.resolve_modal(ctx, current_strikes)
        case Move.DISPUTE | Move.ESCALATE:
            view = views.reason_modal(move, ctx)
        case Move.RESPOND:
            view = views.respond_modal(ctx)
        case _:
            view = views.dismiss_modal(ctx)
    await svc.client.views_open(trigger_id=trigger_id, view=view)


def _required(form: FormValues, field: str, what: str, errors: dict[str, str], limit: int = 3000) -> str:
    value = form.text(field)
    if not value:
        errors[field] = what
    elif len(value) > limit:
        errors[field] = f"Keep it to {limit} characters (it has {len(value)})."
    return value


async def submit_move_form(
    svc: Services, team_id: str, user_id: str, move: Move, form: FormValues
) -> Applied | None:
    """Validate a lifecycle form and make the move (before the ack). None: this very form was
    already submitted (a double click, a retried request), so nothing more happens."""
    incident_id = form.int_metadata("incident_id")
    if incident_id is None:  # forged metadata reads as an incident that does not exist
        raise NotFound(messages.INCIDENT_GONE)
    # once per user and view, as a report
    submission = owners.submission_key(user_id, form.view_id) if form.view_id else None
    proposal = form.metadata.get("proposal") if rules.is_version(form.metadata.get("proposal")) else None
    await svc.directory.prefetch(user_id)
    stale: str | None = None  # why the form can no longer succeed
    async with svc.db.transaction() as s:  # moved on while the form was open? say so before anything
        if submission is not None and await q.delivered(s, team_id, submission):
            return None  # already made; its own answer (the move, or a refusal) was given then
        ctx = await q.context_by_id(s, team_id, incident_id)
        if ctx is None:  # before the fields: the answer of one the user may not see (`_authorize_move`)
            raise NotFound(messages.INCIDENT_GONE)
        # to whom it may concern: who closed it and when is the incident's own
        await _authorize_move(svc, s, ctx, user_id, move)
        if ctx.incident.status not in rules.FROM[move]:
            stale = (await _conflict(s, ctx, move)).message
        else:
            try:
                _check_proposal(ctx, move, proposal, on="this form")
            except StaleProposal as exc:
                stale = exc.message
    if stale is not None:
        _heal_card_later(svc, team_id, incident_id)
        raise FormReplaced(views.stale_form(_FORM_TITLES[move], stale))
    errors: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    if move is Move.RESPOND:
        kwargs["text"] = _required(form, Field.STATEMENT, "Write your statement.", errors)
    elif move is Move.PROPOSE:
        kwargs["outcome"] = _outcome(form, errors)
        kwargs["text"] = _required(form, Field.TERMS, "Say what is proposed.", errors)
        deadline = form.datetime(Field.DEADLINE)
        if deadline is not None and deadline <= svc.clock.now():
            errors[Field.DEADLINE] = "The deadline is in the past."
        kwargs["deadline"] = deadline
    elif move is Move.RESOLVE:
        kwargs["outcome"] = _outcome(form, errors)
        strikes = whole_number(form.selected(Field.STRIKES), 0, rules.MAX_STRIKES)
        if strikes is None:
            errors[Field.STRIKES] = f"Strikes go from 0 to {rules.MAX_STRIKES}."
        else:
            kwargs["strikes"] = strikes
        note = form.text(Field.NOTE)
        if len(note) > 3000:
            errors[Field.NOTE] = "Keep the note to 3000 characters."
        kwargs["text"] = note or None
    elif move is Move.DISMISS:
        kwargs["text"] = _required(form, Field.REASON, "Say why it is dismissed.", errors)
    elif move is Move.DISPUTE:
        kwargs["text"] = _required(form, Field.REASON, "Say why you dispute the proposal.", errors)
    elif move is Move.ESCALATE:
        kwargs["text"] = _required(form, Field.REASON, "Say why this needs legal.", errors)
    if move is Move.RESOLVE and not errors:
        _check_strikes(kwargs["outcome"], kwargs["strikes"], errors)
    if errors:
        raise FormErrors(errors)
    if move is Move.RESOLVE:
        kwargs["confirm_standing"] = "confirmed" in form.checked(Field.CONFIRM_STANDING)
    if move in rules.ANSWERS_PROPOSAL:
        kwargs["proposal"] = proposal
    try:
        return await apply_move(svc, team_id, incident_id, move, user_id, submission=submission, **kwargs)
    except StaleProposal as exc:  # another proposal came in while the form was open
        _heal_card_later(svc, team_id, incident_id)
        message = messages.proposal_changed(exc.incident, "this form")
        raise FormReplaced(views.stale_form(_FORM_TITLES[move], message)) from exc
    except Conflict as exc:  # the incident moved on while the form was open: say so, read-only
        _heal_card_later(svc, team_id, incident_id)
        raise FormReplaced(views.stale_form(_FORM_TITLES[move], exc.message)) from exc


def _heal_card_later(svc: Services, team_id: str, incident_id: int) -> None:
    """`_heal_card` after the ack: a form's submission is answered (the replaced form) before it."""
    svc.background.run(_heal_card(svc, team_id, incident_id))


_FORM_TITLES = {
    Move.RESPOND: "Respond",
    Move.PROPOSE: "Propose resolution",
    Move.RESOLVE: "Resolve",
    Move.DISMISS: "Dismiss",
    Move.DISPUTE: "Dispute",
    Move.ESCALATE: "Escalate to legal",
}


def _check_strikes(outcome: str | None, strikes: int | None, errors: dict[str, str]) -> None:
    if outcome is not None and strikes is not None and (problem := rules.strikes_problem(outcome, strikes)):
        errors[Field.STRIKES] = problem


def _check_standing(ctx: IncidentContext, total: int, strikes: int, *, confirmed: bool) -> None:
    """Crossing the probation or suspension threshold needs the explicit tick. `total`: the
    influencer's strikes now, read in the move's transaction with their row locked."""
    name = ctx.influencer.display_name or "the influencer"
    problem = views.standing_change(name, rules.strikes_after(total, strikes))
    if problem and not confirmed:
        raise FormErrors({Field.CONFIRM_STANDING: problem})


def _outcome(form: FormValues, errors: dict[str, str]) -> str | None:
    outcome = form.selected(Field.OUTCOME)
    if outcome not in set(Outcome):
        errors[Field.OUTCOME] = "Pick an outcome."
        return None
    return outcome


# ------------------------------------------------------------------------------------------------
# The mediation thread


def is_a_person_replying(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A plain message a person wrote in a thread: not an edit or a join (any subtype, including
    `bot_message`), not this bot, and not another app or bot (`bot_id`, `app_id` or `bot_profile`,
    which an app also sets when it posts with a person's token, under their `user` id)."""
    return bool(
        event.get("thread_ts")
        and event.get("user")
        and event.get("user") != bot_user_id
        and not event.get("subtype")
        and not event.get("bot_id")
        and not event.get("app_id")
        and not event.get("bot_profile")
    )


async def record_thread_reply(svc: Services, team_id: str, event_id: str, event: dict[str, Any]) -> bool:
    """A reply in an incident's thread goes on its timeline, once per Events API event id.
    The influencer's reply counts as their response for the cure period: the card then says so
    (no "Response due" left on it) and the homes show whose turn it is now.

    Messages of bots and other apps are ignored, not recorded: they are neither side's statement,
    so they stay out of the audit trail and can never count as the influencer's response (an app
    posting "on behalf of" the influencer is not the influencer answering)."""
    thread_ts, channel_id, author = event.get("thread_ts"), event.get("channel"), event.get("user")
    if not is_a_person_replying(event, svc.bot_user_id) or not channel_id or thread_ts == event.get("ts"):
        return False
    async with svc.db.transaction() as s:
        if await q.by_card(s, team_id, channel_id, thread_ts) is None:
            return False  # a thread of any other message: nothing to record
    posted = await as_posted(svc.client, channel_id, event)  # Slack's word for it, and its text
    if posted is None:
        log.warning("a reply in %s's thread %s that Slack does not have: not recorded", channel_id, thread_ts)
        return False
    now = svc.clock.now()
    responded: IncidentContext | None = None
    async with svc.db.transaction() as s:
        incident = await q.by_card(s, team_id, channel_id, thread_ts)
        if incident is None or not await q.first_delivery(s, team_id, event_id, now):
            return False
        q.add_event(
            s,
            incident,
            IncidentEventKind.THREAD_REPLY,
            now,
            author,
            (posted.get("text") or "")[:40000],
            ts=event.get("ts"),
            files=message_files(posted),
        )
        ctx = await q.context_by_id(s, team_id, incident.id)
        if (
            ctx.influencer.slack_user_id == author
            and incident.responded_at is None
            and incident.status in rules.OPEN
        ):
            await s.exec(
                update(Incident).where(Incident.id == incident.id).values(responded_at=now, updated_at=now)
            )
            incident.responded_at = now
            await shared.plan(s, incident, now)
            responded = await q.context_by_id(s, team_id, incident.id)
    if responded is not None:
        # legal heard of the escalation: it hears of the reply that answered it (once: the reply
        # that set `responded_at`), where it heard of the escalation, and never the reply's text
        if rules.response_reaches_legal(responded.incident.status):
            line = await _response_line(svc, responded, in_thread=True)
            await shared.to_legal(svc, responded, line, actor=None)
        await _redraw_card_quietly(svc, responded)
        await shared.refresh_homes(svc, responded)
    return True
