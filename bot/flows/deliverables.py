"""Deliverables after creation: the card in the shared channel, submitted / approved / published /
cancelled, the overdue sweep, and the compliance checklist sent to the campaign owner.

One user action per function; state changes are conditional UPDATEs, so a double click or a race
gives one transition and an "already …" answer. Forms validate and store before the ack; Slack
messages (cards, checklist, DMs) follow after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import deliverables as rules
from bot.domain.deliverables import Move
from bot.domain.disclosure import lint, rules_for
from bot.domain.enums import ComplianceItem, ComplianceStatus, DeliverableStatus, EngagementStatus, Role
from bot.domain.parsing import db_id
from bot.domain.permissions import Act
from bot.errors import Conflict, FormErrors, InvalidInput, NotFound, NotPermitted
from bot.flows.access import authorize, is_the_influencer
from bot.flows.home import refresh_home
from bot.ids import Field
from bot.services import Services
from bot.views import deliverables as views
from bot.views.deliverables import DeliverableFacts
from bot.views.forms import FormValues
from bot.views.text import esc, user, when
from scheduler import plans
from storage.models import ComplianceCheck, Deliverable
from storage.queries import deliverables as q

log = logging.getLogger(__name__)

S = DeliverableStatus
NOT_MINE = "That button is not one of mine."
CHECK = "compliance check"

#: How the refusal completes "Only <influencer>, the influencer of this deliverable, can …".
_INFLUENCER_ACTS = {Move.SUBMIT: "mark it submitted", Move.PUBLISH: "mark it published"}


def _url_problem(url: str, what: str = "link") -> str | None:
    """`rules.url_problem`, and no `<`, `>` or `|`: the URL is rendered inside `<…|…>` links
    (the compliance reminder), where those would let the influencer forge a link or a mention."""
    if problem := rules.url_problem(url, what):
        return problem
    if any(ch in url for ch in "<>|"):
        return f"A {what} can't contain <, > or |; paste the link as the browser shows it."
    return None


def _id(value: str | int | None, what: str = "deliverable") -> int:
    """The id in a button value or form metadata; an odd one (see `db_id`) is not found."""
    if (found := db_id(value)) is None:
        raise NotFound(f"That {what} no longer exists.")
    return found


async def _facts(s: AsyncSession, team_id: str, deliverable_id: int) -> DeliverableFacts:
    row = await q.with_context(s, team_id, deliverable_id)
    if row is None:
        raise NotFound("That deliverable no longer exists.")
    return DeliverableFacts(*row)


async def _require_influencer(svc: Services, f: DeliverableFacts, user_id: str, move: Move) -> None:
    """Only the influencer of this deliverable's engagement (not an admin, not another influencer)."""
    if await is_the_influencer(svc.directory, f.influencer, user_id):
        return
    raise NotPermitted(
        rules.ACT[move].value,
        [Role.INFLUENCER],
        f":no_entry: Only {f.who}, the *influencer* of this deliverable, can {_INFLUENCER_ACTS[move]}.",
    )


def _refusal(d: Deliverable, move: Move) -> Conflict:
    """Why `move` does not apply to `d` now (someone else, or a double click, got there first)."""
    title = f"“{esc(d.title)}”"
    if d.status == rules.TO[move] or (move is Move.SUBMIT and d.status == S.APPROVED):
        at = {S.SUBMITTED: d.submitted_at, S.PUBLISHED: d.published_at}.get(S(d.status))
        return Conflict(f"{title} is already {d.status}{f' ({when(at)})' if at else ''}.")
    if d.status == S.CANCELLED:
        return Conflict(f"{title} was cancelled; there is nothing to {move.value}.")
    if d.status == S.PUBLISHED:
        return Conflict(f"{title} is already published.")
    return Conflict(f"{title} hasn't been submitted yet; there is nothing to {move.value}.")


async def _live(f: DeliverableFacts) -> None:
    if f.engagement.status == EngagementStatus.TERMINATED:
        raise Conflict("This engagement was terminated; its deliverables are closed.")


async def _refresh_homes(svc: Services, f: DeliverableFacts) -> None:
    await refresh_home(svc, f.campaign.team_id, [f.influencer.slack_user_id, f.campaign.owner_id])


# ---------------------------------------------------------------------------------------------
# the card


async def post_card(svc: Services, deliverable: Deliverable) -> None:
    """Post the deliverable's card in the shared channel (after it is created) and remember it."""
    async with svc.db.transaction() as s:
        f = await _facts(s, deliverable.team_id, deliverable.id)
    text, blocks = views.card(f)
    posted = await svc.client.chat_postMessage(channel=f.engagement.channel_id, text=text, blocks=blocks)
    async with svc.db.transaction() as s:
        await q.set_values(s, deliverable.id, card_ts=posted["ts"])


async def refresh_card(svc: Services, team_id: str, deliverable_id: int) -> DeliverableFacts:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
    if f.deliverable.card_ts:
        text, blocks = views.card(f)
        await svc.client.chat_update(
            channel=f.engagement.channel_id, ts=f.deliverable.card_ts, text=text, blocks=blocks
        )
    return f


# ---------------------------------------------------------------------------------------------
# submitted / published (the influencer, through a form)


async def open_form(
    svc: Services, team_id: str, user_id: str, value: str, move: Move, trigger_id: str
) -> None:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
    await _require_influencer(svc, f, user_id, move)
    await _live(f)
    if not rules.can(move, f.deliverable.status):
        raise _refusal(f.deliverable, move)
    if move is Move.SUBMIT:
        view = views.submit_modal(f)
    else:
        market = rules_for(f.campaign.market)
        view = views.publish_modal(f, market.name, [image.kind for image in market.images])
    await svc.client.views_open(trigger_id=trigger_id, view=view)


async def submit(svc: Services, team_id: str, user_id: str, form: FormValues) -> int:
    """Validate and store a submission (before the ack); returns the deliverable id."""
    deliverable_id = _id(form.int_metadata("deliverable_id"))
    url = form.text(Field.URL)
    if problem := _url_problem(url):
        raise FormErrors({Field.URL: problem})
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _require_influencer(svc, f, user_id, Move.SUBMIT)
        await _live(f)
        moved = await q.transition(
            s, deliverable_id, rules.FROM[Move.SUBMIT], S.SUBMITTED, submitted_url=url, submitted_at=now
        )
        if not moved:
            await s.refresh(f.deliverable)  # what the winner stored
            raise _refusal(f.deliverable, Move.SUBMIT)
        await plans.deliverable(s, f.deliverable, now)
    return deliverable_id


async def after_submit(svc: Services, team_id: str, deliverable_id: int) -> None:
    f = await refresh_card(svc, team_id, deliverable_id)
    d = f.deliverable
    late = ""
    if rules.delivered_late(d.due_at, d.submitted_at, d.published_at):
        late = f" — {rules.lateness(d.due_at, d.submitted_at)} after the due time"
    await svc.client.chat_postMessage(
        channel=f.campaign.owner_id,
        text=f":inbox_tray: {f.who} submitted *{esc(d.title)}* for `{f.campaign.slug}`{late}: "
        f"{esc(d.submitted_url)}\nApprove it on the card in <#{f.engagement.channel_id}>.",
    )
    await _refresh_homes(svc, f)


async def publish(svc: Services, team_id: str, user_id: str, form: FormValues) -> int:
    """Validate and store the publication, lint the caption and open the checklist (before the ack)."""
    deliverable_id = _id(form.int_metadata("deliverable_id"))
    url, caption = form.text(Field.URL), form.text(Field.CAPTION)
    errors = {}
    if problem := _url_problem(url, "post URL"):
        errors[Field.URL] = problem
    if problem := rules.caption_problem(caption):
        errors[Field.CAPTION] = problem
    if errors:
        raise FormErrors(errors)
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _require_influencer(svc, f, user_id, Move.PUBLISH)
        await _live(f)
        market = rules_for(f.campaign.market)
        images = form.checked(Field.IMAGES) & {image.kind for image in market.images}
        verdict = lint(caption, f.campaign.market, images=images)
        was_submitted = f.deliverable.submitted_at is not None
        moved = await q.transition(
            s,
            deliverable_id,
            rules.FROM[Move.PUBLISH],
            S.PUBLISHED,
            published_url=url,
            published_at=now,
            caption=caption,
        )
        if not moved:
            await s.refresh(f.deliverable)  # what the winner stored
            raise _refusal(f.deliverable, Move.PUBLISH)
        suggested = rules.suggestions(verdict, was_submitted=was_submitted)
        for item in rules.ITEMS:
            status, suggestion = suggested.get(item, (None, None))
            s.add(
                ComplianceCheck(
                    team_id=team_id,
                    deliverable_id=deliverable_id,
                    item=item,
                    suggestion=suggestion,
                    suggested_status=status,
                )
            )
        await plans.deliverable(s, f.deliverable, now)
    return deliverable_id


async def after_publish(svc: Services, team_id: str, deliverable_id: int) -> None:
    """Update the card, send the checklist to the campaign owner and remember where it is."""
    f = await refresh_card(svc, team_id, deliverable_id)
    async with svc.db.transaction() as s:
        checks = await q.checks(s, deliverable_id)
        codes = await q.clause_codes(s, f.campaign.id)
    text, blocks = views.checklist(f, checks, codes)
    posted = await svc.client.chat_postMessage(channel=f.campaign.owner_id, text=text, blocks=blocks)
    async with svc.db.transaction() as s:
        await q.set_values(
            s, deliverable_id, checklist_channel_id=posted["channel"], checklist_ts=posted["ts"]
        )
    await _refresh_homes(svc, f)


# ---------------------------------------------------------------------------------------------
# approved / cancelled (the brand team, one click)


async def _brand_move(svc: Services, team_id: str, user_id: str, value: str, move: Move) -> None:
    deliverable_id = _id(value)
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await authorize(s, svc.directory, f.campaign, user_id, rules.ACT[move])
        if not await q.transition(s, deliverable_id, rules.FROM[move], rules.TO[move]):
            await s.refresh(f.deliverable)  # what the winner stored
            raise _refusal(f.deliverable, move)
        await plans.deliverable(s, f.deliverable, now)
    f = await refresh_card(svc, team_id, deliverable_id)
    if move is Move.APPROVE:
        await svc.client.chat_postMessage(
            channel=f.engagement.channel_id,
            thread_ts=f.deliverable.card_ts,
            text=f":white_check_mark: {user(user_id)} approved *{esc(f.deliverable.title)}*. "
            f"{f.who}, mark it published once it is live.",
        )
    await _refresh_homes(svc, f)


async def approve(svc: Services, team_id: str, user_id: str, value: str) -> None:
    await _brand_move(svc, team_id, user_id, value, Move.APPROVE)


async def cancel(svc: Services, team_id: str, user_id: str, value: str) -> None:
    await _brand_move(svc, team_id, user_id, value, Move.CANCEL)


async def open_reschedule_form(
    svc: Services, team_id: str, user_id: str, value: str, trigger_id: str
) -> None:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
        await authorize(s, svc.directory, f.campaign, user_id, Act.RESCHEDULE_DELIVERABLE)
    await _live(f)
    if f.deliverable.status not in rules.RESCHEDULE_FROM:
        raise Conflict(
            f"“{esc(f.deliverable.title)}” is {f.deliverable.status}; its due time can't move now."
        )
    await svc.client.views_open(trigger_id=trigger_id, view=views.reschedule_modal(f))


@dataclass(frozen=True, slots=True)
class Rescheduled:
    deliverable_id: int
    was: datetime
    by: str


async def reschedule(svc: Services, team_id: str, user_id: str, form: FormValues) -> Rescheduled:
    """A new due time (before the ack): a late deliverable is planned again; reminders move."""
    deliverable_id = _id(form.int_metadata("deliverable_id"))
    due = form.datetime(Field.DUE)
    now = svc.clock.now()
    if due is None:
        raise FormErrors({Field.DUE: "Pick the new due date and time."})
    if due <= now:
        raise FormErrors({Field.DUE: "The new due time is in the past."})
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await authorize(s, svc.directory, f.campaign, user_id, Act.RESCHEDULE_DELIVERABLE)
        await _live(f)
        was = f.deliverable.due_at
        if not await q.transition(s, deliverable_id, rules.RESCHEDULE_FROM, S.PLANNED, due_at=due):
            await s.refresh(f.deliverable)
            raise FormErrors({Field.DUE: f"It is {f.deliverable.status} now; its due time can't move."})
        await s.refresh(f.deliverable)
        await plans.deliverable(s, f.deliverable, now)
    return Rescheduled(deliverable_id, was, user_id)


async def announce_reschedule(svc: Services, team_id: str, done: Rescheduled) -> None:
    f = await refresh_card(svc, team_id, done.deliverable_id)
    await svc.client.chat_postMessage(
        channel=f.engagement.channel_id,
        thread_ts=f.deliverable.card_ts,
        text=views.rescheduled_note(f, done.by, done.was),
    )
    await _refresh_homes(svc, f)


async def mark_overdue(svc: Services) -> list[int]:
    """Planned deliverables past their due time become `late` (run by the scheduler's tick or
    on demand); their cards are updated. Returns the ids marked."""
    now = svc.clock.now()
    marked: list[tuple[str, int]] = []
    async with svc.db.transaction() as s:
        for d in await q.overdue(s, now):
            if await q.transition(s, d.id, rules.OVERDUE_FROM, S.LATE):
                marked.append((d.team_id, d.id))
                await plans.deliverable(s, d, now)
    for team_id, deliverable_id in marked:
        try:
            await refresh_card(svc, team_id, deliverable_id)
        except Exception:  # the status is stored; the card catches up on the next change
            log.exception("card of deliverable %s not updated", deliverable_id)
    return [deliverable_id for _, deliverable_id in marked]


# ---------------------------------------------------------------------------------------------
# the compliance checklist (brand roles)


async def _check_and_facts(
    s: AsyncSession, svc: Services, team_id: str, user_id: str, check_id: int
) -> tuple[ComplianceCheck, DeliverableFacts]:
    check = await q.check(s, team_id, check_id)
    if check is None:
        raise NotFound("That compliance check no longer exists.")
    f = await _facts(s, team_id, check.deliverable_id)
    await authorize(s, svc.directory, f.campaign, user_id, Act.RUN_COMPLIANCE_CHECK)
    return check, f


def _already(check: ComplianceCheck) -> Conflict:
    item = rules.ITEM_LABELS[ComplianceItem(check.item)]
    at = f" {when(check.checked_at)}" if check.checked_at else ""
    return Conflict(f"*{item}* was already {check.status} by {user(check.checked_by)}{at}.")


async def decide(
    svc: Services, team_id: str, user_id: str, check_id: int, status: ComplianceStatus, note: str | None
) -> int:
    """Record a decision on a pending check; returns the deliverable id."""
    if status not in rules.DECISIONS:
        raise InvalidInput(NOT_MINE)
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        check, f = await _check_and_facts(s, svc, team_id, user_id, check_id)
        if not await q.decide(s, check.id, status, user_id, now, note):
            await s.refresh(check)
            raise _already(check)
        await plans.checklist(s, f.deliverable, now)
    return check.deliverable_id


async def refresh_checklist(svc: Services, team_id: str, deliverable_id: int) -> None:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        checks = await q.checks(s, deliverable_id)
        codes = await q.clause_codes(s, f.campaign.id)
    d = f.deliverable
    if d.checklist_channel_id and d.checklist_ts:
        text, blocks = views.checklist(f, checks, codes)
        await svc.client.chat_update(
            channel=d.checklist_channel_id, ts=d.checklist_ts, text=text, blocks=blocks
        )
    await _refresh_homes(svc, f)


async def pass_check(svc: Services, team_id: str, user_id: str, value: str) -> None:
    deliverable_id = await decide(svc, team_id, user_id, _id(value, CHECK), ComplianceStatus.PASSED, None)
    await refresh_checklist(svc, team_id, deliverable_id)


async def open_note_form(
    svc: Services, team_id: str, user_id: str, value: str, decision: ComplianceStatus, trigger_id: str
) -> None:
    """Fail and waive ask for a note; a fail the lint suggested starts from the lint's reason."""
    async with svc.db.transaction() as s:
        check, f = await _check_and_facts(s, svc, team_id, user_id, _id(value, CHECK))
    if check.status != ComplianceStatus.PENDING:
        raise _already(check)
    prefill = check.suggestion if check.suggested_status == decision else None
    await svc.client.views_open(
        trigger_id=trigger_id, view=views.note_modal(check, decision, f.deliverable.title, prefill)
    )


async def decide_with_note(svc: Services, team_id: str, user_id: str, form: FormValues) -> int:
    check_id = _id(form.int_metadata("check_id"), CHECK)
    decision = form.metadata.get("decision")
    if decision not in (ComplianceStatus.FAILED, ComplianceStatus.WAIVED):
        raise InvalidInput(NOT_MINE, Field.NOTE)
    note = form.text(Field.NOTE)
    if not note:
        verb = "fails" if decision == ComplianceStatus.FAILED else "is waived"
        raise FormErrors({Field.NOTE: f"Say why it {verb}: the note is kept with the check."})
    if len(note) > rules.NOTE_MAX:
        raise FormErrors({Field.NOTE: f"Keep the note to {rules.NOTE_MAX} characters."})
    return await decide(svc, team_id, user_id, check_id, ComplianceStatus(decision), note)
