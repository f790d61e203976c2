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

from slack_sdk.errors import SlackApiError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import messages
from bot.domain import campaigns as campaign_rules
from bot.domain import deliverables as rules
from bot.domain.deliverables import Move
from bot.domain.disclosure import Verdict, lint, rules_for
from bot.domain.enums import ComplianceItem, ComplianceStatus, DeliverableStatus, EngagementStatus, Role
from bot.domain.parsing import db_id
from bot.domain.permissions import Act, may
from bot.errors import Conflict, FormErrors, InvalidInput, NotDelivered, NotFound, NotPermitted, UnknownCaller
from bot.flows.access import authorize, is_the_influencer, require_standing, roles_on
from bot.flows.home import refresh_home
from bot.ids import Action, Field
from bot.installations import in_workspace
from bot.services import Services
from bot.slack import (
    CARD_TAKEN,
    NO_UNFURL,
    delete_quietly,
    dm_quietly,
    post_or_keep_card,
    slack_error,
)
from bot.views import deliverables as views
from bot.views import owners
from bot.views.common import with_post_card
from bot.views.deliverables import DeliverableFacts
from bot.views.forms import FormValues
from bot.views.text import esc, user, when
from scheduler import plans
from storage.models import ComplianceCheck, Deliverable
from storage.queries import campaigns as campaign_q
from storage.queries import deliverables as q

log = logging.getLogger(__name__)

S = DeliverableStatus
NOT_MINE = "That button is not one of mine."
CHECK = "compliance check"
#: The answer for a deliverable (a check) that does not exist, or that the user has no part in.
GONE = "That deliverable no longer exists."
CHECK_GONE = f"That {CHECK} no longer exists."

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
        raise NotFound(GONE)
    return DeliverableFacts(*row)


async def _authorize(
    svc: Services, s: AsyncSession, f: DeliverableFacts, user_id: str, act: Act, gone: str = GONE
) -> None:
    """`act` on the deliverable; someone with no part in it is told it does not exist (`gone`)."""
    await authorize(s, svc.directory, f.campaign, user_id, act, gone=gone, influencer=f.influencer)


async def _require_influencer(
    svc: Services, f: DeliverableFacts, user_id: str, move: Move, s: AsyncSession | None = None
) -> None:
    """Only the influencer of this deliverable's engagement (not an admin, not another influencer);
    to someone with no part in it, the deliverable does not exist (`require_standing`). `s`: the
    flow's transaction, its user looked up before it; without one, a short one of its own."""
    if await is_the_influencer(svc.directory, f.influencer, user_id):
        return
    if s is None:
        await svc.directory.prefetch(user_id)
        async with svc.db.transaction() as own:
            await require_standing(own, svc.directory, f.campaign, user_id, GONE, influencer=f.influencer)
    else:
        await require_standing(s, svc.directory, f.campaign, user_id, GONE, influencer=f.influencer)
    raise NotPermitted(  # nobody named: a forged deliverable id must not tell who works where
        rules.ACT[move].value,
        [Role.INFLUENCER],
        f":no_entry: Only the *influencer* of this deliverable can {_INFLUENCER_ACTS[move]}.",
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
        raise Conflict(messages.DELIVERABLES_CLOSED)


def _closed(f: DeliverableFacts) -> str | None:
    """Why changes can't be asked for on a closed campaign (nothing new is owed there), or None."""
    return campaign_rules.closed_refusal(f.campaign.status, f.campaign.slug, messages.ASK_FOR_CHANGES)


async def _refresh_homes(svc: Services, f: DeliverableFacts) -> None:
    await refresh_home(svc, f.campaign.team_id, [f.influencer.slack_user_id, f.campaign.owner_id])


# ---------------------------------------------------------------------------------------------
# the card


async def post_card(svc: Services, deliverable: Deliverable) -> None:
    """Post the deliverable's card in the shared channel (after it is created) and remember it,
    and tell the manager who added it by DM (the form has closed): where the card is, or, when
    Slack refused it, that the deliverable is kept without one and why (`_tell_no_card`)."""
    async with svc.db.transaction() as s:
        f = await _facts(s, deliverable.team_id, deliverable.id)
    refused = await _post_card(svc, f)
    if refused is None:
        await _tell_creator(
            svc, f, messages.deliverable_added(f.deliverable.title, f.who, f.engagement.channel_id)
        )
    elif refused != CARD_TAKEN:
        await _tell_no_card(svc, f, refused)


async def _post_card(svc: Services, f: DeliverableFacts, *, look_first: bool = False) -> str | None:
    """Post the card and remember it, unless one is remembered already (then this one is deleted
    again: `CARD_TAKEN`). Returns Slack's error code when it refused the card, or `NO_ANSWER` when
    Slack did not answer and no card is there. A card Slack posted without answering is found by
    its block id and kept (`bot.slack.post_or_keep_card`), as it is first looked for with `look_first`
    (*Post the card again*)."""
    d, channel = f.deliverable, f.engagement.channel_id
    card = await post_or_keep_card(
        svc.client,
        channel,
        lambda: views.card(f),
        block_id=views.card_block_id(d.id),
        since=d.created_at,
        bot_user_id=svc.bot_user_id,
        what=f"card of deliverable {d.id}",
        look_first=look_first,
    )
    if card.ts is None:
        return card.error
    found, adopted = card.ts, card.adopted
    async with svc.db.transaction() as s:
        stored = await q.set_card(s, d.id, found)
        kept = None if stored else (await _facts(s, f.campaign.team_id, d.id)).deliverable.card_ts
    if not stored:
        if kept != found:  # not when another press kept this very card first
            await delete_quietly(svc.client, channel, found)
        return CARD_TAKEN
    d.card_ts = found
    if adopted:  # drawn when it was posted: the deliverable may have moved on since
        try:
            await refresh_card(svc, f.campaign.team_id, d.id)
        except SlackApiError as exc:
            log.warning("card of deliverable %s not redrawn: %s", d.id, slack_error(exc))
    return None


async def _tell_no_card(svc: Services, f: DeliverableFacts, error: str | None) -> None:
    d, channel = f.deliverable, f.engagement.channel_id
    text, blocks = with_post_card(
        messages.deliverable_card_not_posted(d.title, channel, error), Action.DELIVERABLE_POST_CARD, d.id
    )
    await _tell_creator(svc, f, text, blocks)


async def _tell_creator(svc: Services, f: DeliverableFacts, text: str, blocks: list | None = None) -> None:
    """A DM to the manager who added the deliverable; Slack refusing it is logged (`dm_quietly`)."""
    d = f.deliverable
    await dm_quietly(svc.client, d.created_by, text, what=f"notice of deliverable {d.id}", blocks=blocks)


async def post_card_again(svc: Services, team_id: str, user_id: str, value: str) -> None:
    """*Post the card again* (the brand team), once the channel Slack refused the card in is
    fixed. Told by DM, as the button is in one."""
    deliverable_id = _id(value)
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _authorize(svc, s, f, user_id, Act.POST_CARD_AGAIN)
    what, channel = f"“{esc(f.deliverable.title)}”", f.engagement.channel_id
    if f.deliverable.card_ts:
        raise Conflict(messages.card_already_posted(what, channel))
    # an earlier post Slack did not answer may have made the card: kept, not posted twice
    refused = await _post_card(svc, f, look_first=True)
    if refused == CARD_TAKEN:
        raise Conflict(messages.card_already_posted(what, channel))
    notice = f"post-card-again notice of deliverable {deliverable_id}"
    if refused is not None:
        said = messages.card_refused_again(what, channel, refused)
        text, blocks = with_post_card(said, Action.DELIVERABLE_POST_CARD, deliverable_id)
        if not await dm_quietly(svc.client, user_id, text, what=notice, blocks=blocks):
            raise NotDelivered(said)  # said where they pressed: their button there still works
        return
    said = messages.card_posted_again(what, channel)
    told = await dm_quietly(svc.client, user_id, said, what=notice)
    await _refresh_homes(svc, f)
    if not told:
        raise NotDelivered(said)


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
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _require_influencer(svc, f, user_id, Move.SUBMIT, s)
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
    async with svc.db.transaction() as s:  # the owner; never an influencer (a legacy owner)
        recipients = await campaign_q.brand_recipients(s, f.campaign.id)
    text = (
        f":inbox_tray: {f.who} submitted *{esc(d.title)}* for `{f.campaign.slug}`{late}: "
        f"{esc(d.submitted_url)}\nApprove it on the card in <#{f.engagement.channel_id}>."
    )
    for recipient in recipients:  # one DM that fails must not cost the others, nor the homes below
        await dm_quietly(svc.client, recipient, text, what=f"submission notice of deliverable {d.id}")
    await _refresh_homes(svc, f)


@dataclass(frozen=True, slots=True)
class Checked:
    """A caption that was checked: the deliverable, its verdict, and who published it."""

    deliverable_id: int
    verdict: Verdict
    by: str


async def publish(svc: Services, team_id: str, user_id: str, form: FormValues) -> Checked:
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
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _require_influencer(svc, f, user_id, Move.PUBLISH, s)
        await _live(f)
        images = _declared_images(form, f)
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
            images=sorted(images),
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
    return Checked(deliverable_id, verdict, user_id)


async def tell_verdict(svc: Services, f: DeliverableFacts, checked: Checked) -> None:
    """The influencer sees the disclosure verdict first, privately in the shared channel, with what
    to change and an "Edit caption" button that checks again."""
    advice = None if checked.verdict.passed else rules_for(f.campaign.market).expects
    text, blocks = views.verdict_message(f, checked.verdict, advice)
    await svc.client.chat_postEphemeral(
        channel=f.engagement.channel_id, user=checked.by, text=text, blocks=blocks
    )


async def after_publish(svc: Services, team_id: str, checked: Checked) -> None:
    """Tell the influencer the verdict, update the card, send the checklist to the campaign owner
    (every brand role can open it from the card or App Home) and remember where it is and whose DM
    it is in. An owner who is an influencer does not get it: the campaign's oldest manager who is
    not one does (`brand_recipients`)."""
    deliverable_id = checked.deliverable_id
    f = await refresh_card(svc, team_id, deliverable_id)
    await tell_verdict(svc, f, checked)
    await _send_checklist(svc, f)
    await _refresh_homes(svc, f)


async def _send_checklist(svc: Services, f: DeliverableFacts) -> None:
    """One message, kept up to date: to the first brand recipient (the owner, unless an influencer);
    when Slack refuses it, to the next (the campaign's managers); the card and App Home open it
    anyway. Remembered with its holder (`checklist_user_id`), unless another send got there first
    (then this one is deleted again)."""
    deliverable_id = f.deliverable.id
    async with svc.db.transaction() as s:
        checks = await q.checks(s, deliverable_id)
        codes = await q.clause_codes(s, f.campaign.id)
        recipients = await campaign_q.brand_recipients(s, f.campaign.id)
    text, blocks = views.checklist(f, checks, codes)
    for recipient in recipients:
        try:
            posted = await svc.client.chat_postMessage(channel=recipient, text=text, blocks=blocks)
        except SlackApiError as exc:
            error = slack_error(exc)
            log.warning("checklist of deliverable %s not sent to %s: %s", deliverable_id, recipient, error)
            continue
        async with svc.db.transaction() as s:
            kept = await q.set_checklist(s, deliverable_id, recipient, posted["channel"], posted["ts"])
        if not kept:
            await delete_quietly(svc.client, posted["channel"], posted["ts"])
        return


# ---------------------------------------------------------------------------------------------
# approved / cancelled (the brand team, one click)


async def _brand_move(svc: Services, team_id: str, user_id: str, value: str, move: Move) -> None:
    deliverable_id = _id(value)
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _authorize(svc, s, f, user_id, rules.ACT[move])
        if move not in rules.OPEN_AFTER_TERMINATION:
            await _live(f)
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
            **NO_UNFURL,  # the title is the brand's text: a link in it is not previewed
        )
    await _refresh_homes(svc, f)


async def approve(svc: Services, team_id: str, user_id: str, value: str) -> None:
    await _brand_move(svc, team_id, user_id, value, Move.APPROVE)


async def cancel(svc: Services, team_id: str, user_id: str, value: str) -> None:
    await _brand_move(svc, team_id, user_id, value, Move.CANCEL)


async def open_reschedule_form(
    svc: Services, team_id: str, user_id: str, value: str, trigger_id: str
) -> None:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
        await _authorize(svc, s, f, user_id, Act.RESCHEDULE_DELIVERABLE)
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
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _authorize(svc, s, f, user_id, Act.RESCHEDULE_DELIVERABLE)
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
        **NO_UNFURL,
    )
    await _refresh_homes(svc, f)


async def mark_overdue(svc: Services, *, cards: bool = True) -> list[int]:
    """Planned deliverables past their due time become `late` (run by the scheduler's tick or
    on demand); their cards are updated (unless `cards` is False). Returns the ids marked.

    One set-based UPDATE marks up to 500 of them, and that is all it writes: a late deliverable
    wants the very reminders it wanted while planned (`scheduler.planner.OUTSTANDING`), planned
    when it was created or last changed, so re-planning them here would read its rows only to
    find nothing to change (tests/scheduler/test_planner.py holds the planner to that)."""
    async with svc.db.transaction() as s:
        marked = await q.mark_late(s, svc.clock.now(), rules.OVERDUE_FROM)
    for team_id, deliverable_id in marked if cards else ():
        try:
            async with in_workspace(svc, team_id):  # the card is posted with that workspace's token
                await refresh_card(svc, team_id, deliverable_id)
        except Exception:  # the status is stored; the card catches up on the next change
            log.exception("card of deliverable %s not updated", deliverable_id)
    return [deliverable_id for _, deliverable_id in marked]


# ---------------------------------------------------------------------------------------------
# request changes (the brand team, with a note)


async def open_changes_form(svc: Services, team_id: str, user_id: str, value: str, trigger_id: str) -> None:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
        await _authorize(svc, s, f, user_id, Act.REQUEST_CHANGES)
    await _live(f)
    if refusal := _closed(f):
        raise Conflict(refusal)
    if not rules.can(Move.REQUEST_CHANGES, f.deliverable.status):
        raise _refusal(f.deliverable, Move.REQUEST_CHANGES)
    await svc.client.views_open(trigger_id=trigger_id, view=views.changes_modal(f))


@dataclass(frozen=True, slots=True)
class ChangesAsked:
    deliverable_id: int
    by: str
    note: str


async def request_changes(svc: Services, team_id: str, user_id: str, form: FormValues) -> ChangesAsked:
    """Back to planned (before the ack): the submission is set aside and a new one is due."""
    deliverable_id = _id(form.int_metadata("deliverable_id"))
    note = form.text(Field.NOTE)
    if not note:
        raise FormErrors({Field.NOTE: "Say what should change: the influencer reads this note."})
    if len(note) > rules.NOTE_MAX:
        raise FormErrors({Field.NOTE: f"Keep the note to {rules.NOTE_MAX} characters."})
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _authorize(svc, s, f, user_id, Act.REQUEST_CHANGES)
        await _live(f)
        if refusal := _closed(f):  # closed while the form was open
            raise FormErrors({Field.NOTE: refusal})
        moved = await q.transition(
            s,
            deliverable_id,
            rules.FROM[Move.REQUEST_CHANGES],
            rules.TO[Move.REQUEST_CHANGES],
            submitted_url=None,
            submitted_at=None,
        )
        if not moved:
            await s.refresh(f.deliverable)
            raise FormErrors({Field.NOTE: f"It is {f.deliverable.status} now; changes can't be asked for."})
        await s.refresh(f.deliverable)
        await plans.deliverable(s, f.deliverable, now)
    return ChangesAsked(deliverable_id, user_id, note)


async def announce_changes(svc: Services, team_id: str, asked: ChangesAsked) -> None:
    """The influencer is told in the shared channel (the card's thread), with the note."""
    f = await refresh_card(svc, team_id, asked.deliverable_id)
    await svc.client.chat_postMessage(
        channel=f.engagement.channel_id,
        thread_ts=f.deliverable.card_ts,
        reply_broadcast=True,
        text=views.changes_note(f, asked.by, asked.note),
        **NO_UNFURL,
    )
    await _refresh_homes(svc, f)


# ---------------------------------------------------------------------------------------------
# "Edit caption": the influencer fixes the disclosure and checks again


async def open_caption_form(svc: Services, team_id: str, user_id: str, value: str, trigger_id: str) -> None:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
    await _require_influencer(svc, f, user_id, Move.PUBLISH)
    await _live(f)
    if f.deliverable.status != S.PUBLISHED:
        raise Conflict(f"“{esc(f.deliverable.title)}” isn't published; its caption is checked when it is.")
    kinds = [image.kind for image in rules_for(f.campaign.market).images]
    await svc.client.views_open(trigger_id=trigger_id, view=views.caption_modal(f, kinds))


async def save_caption(svc: Services, team_id: str, user_id: str, form: FormValues) -> Checked:
    """Store the edited caption and check it again (before the ack): the disclosure items still
    pending get the new suggestion; decisions already made stay as they were."""
    deliverable_id = _id(form.int_metadata("deliverable_id"))
    caption = form.text(Field.CAPTION)
    if problem := rules.caption_problem(caption):
        raise FormErrors({Field.CAPTION: problem})
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        await _require_influencer(svc, f, user_id, Move.PUBLISH, s)
        if f.engagement.status == EngagementStatus.TERMINATED:  # since the form was opened
            raise FormErrors({Field.CAPTION: messages.DELIVERABLES_CLOSED})
        if f.deliverable.status != S.PUBLISHED:
            raise FormErrors({Field.CAPTION: "This deliverable isn't published any more."})
        images = _declared_images(form, f)
        verdict = lint(caption, f.campaign.market, images=images)
        await q.set_values(s, deliverable_id, caption=caption, images=sorted(images))
        suggested = rules.suggestions(verdict, was_submitted=f.deliverable.submitted_at is not None)
        for check in await q.checks(s, deliverable_id):
            if check.status == ComplianceStatus.PENDING and check.item in rules.DISCLOSURE_ITEMS:
                check.suggested_status, check.suggestion = suggested[ComplianceItem(check.item)]
                s.add(check)
    return Checked(deliverable_id, verdict, user_id)


def _declared_images(form: FormValues, f: DeliverableFacts) -> set[str]:
    """The kinds of image ticked in the form, among those the campaign's market labels."""
    return form.checked(Field.IMAGES) & {image.kind for image in rules_for(f.campaign.market).images}


async def after_caption(svc: Services, team_id: str, checked: Checked) -> None:
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, checked.deliverable_id)
    await tell_verdict(svc, f, checked)
    await refresh_checklist(svc, team_id, checked.deliverable_id)


# ---------------------------------------------------------------------------------------------
# the compliance checklist (brand roles)


async def open_checklist(svc: Services, team_id: str, user_id: str, value: str, trigger_id: str) -> None:
    """The checklist as a modal, for every brand role of the campaign (card button, App Home)."""
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, _id(value))
        await _authorize(svc, s, f, user_id, Act.RUN_COMPLIANCE_CHECK)
        checks = await q.checks(s, f.deliverable.id)
        codes = await q.clause_codes(s, f.campaign.id)
    if not checks:
        raise Conflict(f"“{esc(f.deliverable.title)}” has no checklist yet: it is made when it is published.")
    view = owners.for_user(views.checklist_modal(f, checks, codes), user_id)
    await svc.client.views_open(trigger_id=trigger_id, view=view)


async def _check_and_facts(
    s: AsyncSession, svc: Services, team_id: str, user_id: str, check_id: int
) -> tuple[ComplianceCheck, DeliverableFacts]:
    check = await q.check(s, team_id, check_id)
    if check is None:
        raise NotFound(CHECK_GONE)
    f = await _facts(s, team_id, check.deliverable_id)
    await _authorize(svc, s, f, user_id, Act.RUN_COMPLIANCE_CHECK, CHECK_GONE)
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
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        check, f = await _check_and_facts(s, svc, team_id, user_id, check_id)
        if not await q.decide(s, check.id, status, user_id, now, note):
            await s.refresh(check)
            raise _already(check)
        await plans.checklist(s, f.deliverable, now)
    return check.deliverable_id


async def refresh_checklist(
    svc: Services, team_id: str, deliverable_id: int, modal: str | None = None
) -> None:
    """Bring the checklist message up to date, and the checklist modal the decision was made in
    when there is one (`modal`: its external id, checked to be the user's: bot/views/owners.py).

    The message is in its holder's DM (`checklist_user_id`) and is written to only while they may
    still run the campaign's compliance checks (`_may_read_checks`: a brand role on the campaign,
    or a workspace admin who is not an influencer). Once they may not (their role taken away, an
    influencer now), it is moved (`_move_checklist`). A message from before its holder was recorded
    (a channel and no `checklist_user_id`) is the DM of one of the campaign's brand recipients as a
    rule (`_legacy_holder` finds whose, and records it); a DM of nobody among them has an unknown
    reader and fails closed: it is moved the same way, never written to. When Slack can't say who
    the holder is just now (their lookup failed), the message is left as it is, neither written to
    nor moved; the next refresh asks again."""
    async with svc.db.transaction() as s:
        f = await _facts(s, team_id, deliverable_id)
        checks = await q.checks(s, deliverable_id)
        codes = await q.clause_codes(s, f.campaign.id)
    d = f.deliverable
    if modal:
        view = views.checklist_modal(f, checks, codes)
        view.external_id = modal  # still the user's, for their next decision in it
        await svc.client.views_update(external_id=modal, view=view)
    if d.checklist_channel_id and d.checklist_ts:
        holder = d.checklist_user_id or await _legacy_holder(svc, f)
        may_read = await _may_read_checks(svc, f, holder) if holder else False
        if may_read:
            text, blocks = views.checklist(f, checks, codes)
            await svc.client.chat_update(
                channel=d.checklist_channel_id, ts=d.checklist_ts, text=text, blocks=blocks
            )
        elif may_read is False:
            await _move_checklist(svc, f, holder_known=holder is not None)
    await _refresh_homes(svc, f)


async def _legacy_holder(svc: Services, f: DeliverableFacts) -> str | None:
    """The holder of a checklist sent before holders were recorded, when it is one of the campaign's
    current brand recipients (the owner, as a rule): the recipient whose DM with the bot is the
    message's channel (`conversations.open`, which Slack answers with the existing DM). Recorded, so
    it is asked once. None when it is nobody's of them: the message is then moved."""
    d = f.deliverable
    async with svc.db.transaction() as s:
        recipients = await campaign_q.brand_recipients(s, f.campaign.id)
    for recipient in recipients:
        try:
            dm = (await svc.client.conversations_open(users=recipient))["channel"]["id"]
        except SlackApiError as exc:
            log.warning("DM of %s not opened: %s", recipient, slack_error(exc))
            continue
        if dm == d.checklist_channel_id:
            async with svc.db.transaction() as s:
                await q.set_checklist_holder(s, d.id, d.checklist_channel_id, d.checklist_ts, recipient)
            d.checklist_user_id = recipient
            return recipient
    return None


async def _may_read_checks(svc: Services, f: DeliverableFacts, user_id: str) -> bool | None:
    """May `user_id` still read the brand's compliance work on the deliverable's campaign (run its
    compliance checks: `Act.RUN_COMPLIANCE_CHECK`, decided as for their own click)? None: Slack did
    not say who they are just now, so their e-mail (an influencer invited by it) is unknown."""
    await svc.directory.prefetch(user_id)
    try:
        async with svc.db.transaction() as s:
            roles = await roles_on(s, svc.directory, f.campaign, user_id, Act.RUN_COMPLIANCE_CHECK)
    except UnknownCaller:
        log.warning("checklist of deliverable %s not updated: %s unknown", f.deliverable.id, user_id)
        return None
    return may(Act.RUN_COMPLIANCE_CHECK, roles)


async def _move_checklist(svc: Services, f: DeliverableFacts, *, holder_known: bool) -> None:
    """The checklist message leaves a DM it may no longer be written to: replaced once by a note
    without its content (`views.checklist_moved`), and sent afresh to the campaign's current brand
    recipients (`_send_checklist`). Two refreshes at once move it once (`release_checklist`)."""
    d = f.deliverable
    channel, ts = d.checklist_channel_id, d.checklist_ts
    async with svc.db.transaction() as s:
        if not await q.release_checklist(s, d.id, channel, ts):
            return  # another refresh moved it; the next one updates the new message
    text, blocks = views.checklist_moved(f.campaign.slug, holder_known=holder_known)
    try:
        await svc.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("old checklist of deliverable %s not replaced: %s", d.id, slack_error(exc))
    log.info("checklist of deliverable %s moved from %s", d.id, d.checklist_user_id or "an unknown holder")
    await _send_checklist(svc, f)


async def pass_check(svc: Services, team_id: str, user_id: str, value: str, modal: str | None = None) -> None:
    deliverable_id = await decide(svc, team_id, user_id, _id(value, CHECK), ComplianceStatus.PASSED, None)
    await refresh_checklist(svc, team_id, deliverable_id, modal)


async def open_note_form(
    svc: Services,
    team_id: str,
    user_id: str,
    value: str,
    decision: ComplianceStatus,
    trigger_id: str,
    modal: str | None = None,
) -> None:
    """Fail and waive ask for a note; a fail the lint suggested starts from the lint's reason.
    From the checklist modal (`modal`, its external id) the note form is pushed on top of it."""
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        check, f = await _check_and_facts(s, svc, team_id, user_id, _id(value, CHECK))
    if check.status != ComplianceStatus.PENDING:
        raise _already(check)
    prefill = check.suggestion if check.suggested_status == decision else None
    view = views.note_modal(check, decision, f.deliverable.title, prefill, parent=modal)
    if modal:
        await svc.client.views_push(trigger_id=trigger_id, view=view)
    else:
        await svc.client.views_open(trigger_id=trigger_id, view=view)


@dataclass(frozen=True, slots=True)
class Decided:
    deliverable_id: int
    parent_view: str | None  # the user's checklist modal the note form was pushed from (external id)


async def decide_with_note(svc: Services, team_id: str, user_id: str, form: FormValues) -> Decided:
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
    parent = form.metadata.get("parent")
    deliverable_id = await decide(svc, team_id, user_id, check_id, ComplianceStatus(decision), note)
    return Decided(deliverable_id, parent if owners.is_owner(parent, user_id) else None)
