"""Reporting a breach: the form (from /breach, the shortcut, a prefilled button) and its submission."""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import messages
from bot.domain import incidents as rules
from bot.domain.campaigns import CLOSED_STATUSES
from bot.domain.enums import IncidentEventKind, Severity
from bot.domain.enums import IncidentStatus as S
from bot.domain.parsing import db_id
from bot.domain.permissions import Act
from bot.errors import Conflict, FormErrors, FormReplaced, NotDelivered, NotFound, NotPermitted
from bot.flows import evidence
from bot.flows.access import admin_rights, authorize, is_brand_admin, known_email, roles_on, standing
from bot.flows.incidents import shared
from bot.ids import Action, Field
from bot.services import Services
from bot.slack import (
    CARD_TAKEN,
    NO_UNFURL,
    NOT_ANSWERED,
    delete_quietly,
    dm_quietly,
    post_or_keep_card,
    slack_error,
)
from bot.views import incidents as views
from bot.views import owners
from bot.views.common import influencer_mention, with_post_card
from bot.views.forms import FormValues
from bot.views.text import slack_text, truncate
from scheduler import plans
from storage.db import custom_plans, generic_plans
from storage.models import Incident, Influencer
from storage.queries import campaigns as campaign_q
from storage.queries import incidents as q
from storage.queries import new_row

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------------
# Opening the report form


async def _choices(svc: Services, s, team_id: str, user_id: str, *, is_admin: bool) -> list:
    """The engagements the user may report on (`q.reportable_engagements`), the user known also by
    the e-mail Slack shows for them (`known_email`: an influencer invited by e-mail reports none)."""
    email = known_email(svc.directory, user_id)
    return await q.reportable_engagements(s, team_id, user_id, is_admin=is_admin, email=email)


async def open_report(
    svc: Services,
    team_id: str,
    user_id: str,
    trigger_id: str,
    *,
    engagement_id: int | None = None,
    guideline_code: str | None = None,
    evidence: list[str] | None = None,
    description: str | None = None,
    occurred_at: datetime | None = None,
    channel_id: str | None = None,
    quoted_from: str | None = None,
) -> None:
    """Open the report form. `channel_id`: where it was asked from — in an engagement's shared
    channel, that engagement is preselected. `quoted_from`: the shared channel whose message
    `description` quotes (see `submit_report`)."""
    is_admin = await admin_rights(svc, team_id, user_id)
    async with svc.db.transaction() as s:
        choices = await _choices(svc, s, team_id, user_id, is_admin=is_admin)
        if not choices:
            email = known_email(svc.directory, user_id)
            if is_admin or await q.on_a_brand_team(s, team_id, user_id, email):  # no one to report on
                raise Conflict(
                    ":information_source: None of your campaigns has an influencer to report on yet: "
                    "`/campaign invite <slug> @influencer` adds one."
                )
            if await campaign_q.is_influencer_anywhere(s, team_id, user_id, email):
                raise NotPermitted("report a breach", shared.REPORTERS, messages.REPORTING_IS_THE_BRANDS)
            raise NotPermitted(
                "report a breach",
                shared.REPORTERS,
                ":no_entry: You have no campaign with influencers to "
                "report on: a campaign's brand team (manager, member, legal) can report breaches.",
            )
        if engagement_id is not None and all(e.id != engagement_id for e, _, _ in choices):
            engagement_id = None  # not one the user may report on: let them pick
        if engagement_id is None and channel_id:
            engagement_id = next((e.id for e, _, _ in choices if e.channel_id == channel_id), None)
        clauses = await q.guidelines_of(s, sorted({c.id for _, _, c in choices}))
    chosen_campaign = next((c.id for e, _, c in choices if e.id == engagement_id), None)
    guideline_id = next(
        (g.id for g in clauses if g.campaign_id == chosen_campaign and g.code == guideline_code), None
    )
    quote = _quote_metadata(quoted_from, _quote_prints(description)) if quoted_from and description else None
    view = views.report_modal(
        choices,
        clauses,
        engagement_id=engagement_id,
        guideline_id=guideline_id,
        evidence=evidence or [],
        occurred_at=min(occurred_at or svc.clock.now(), svc.clock.now()),
        description=description,
        metadata=quote,
    )
    await svc.client.views_open(trigger_id=trigger_id, view=owners.for_user(view, user_id))


async def open_report_from_message(
    svc: Services, team_id: str, user_id: str, trigger_id: str, channel_id: str, message: dict[str, Any]
) -> None:
    """The `report_breach` shortcut: the message's permalink as evidence. On a message of a shared
    channel of the reporter's campaigns, that channel's engagement is preselected (whoever wrote
    it: an influencer's, the brand's) and the message is quoted in the description; elsewhere, its
    author's engagement when they are an influencer on those campaigns, and no quote. A report is
    read by its influencer, and a message of another channel (legal's, another influencer's, a DM)
    is not theirs to read (its link is kept, and never read: bot/flows/evidence.py); nor is a
    shared channel's quote, on a report filed on another engagement (refused, see `submit_report`)."""
    permalink = (await svc.client.chat_getPermalink(channel=channel_id, message_ts=message["ts"]))[
        "permalink"
    ]
    is_admin = await admin_rights(svc, team_id, user_id)
    async with svc.db.transaction() as s:
        choices = await _choices(svc, s, team_id, user_id, is_admin=is_admin)
    author = message.get("user")
    in_channel = [(e.id, i.slack_user_id) for e, i, _ in choices if e.channel_id == channel_id]
    if in_channel:  # a shared channel: its engagement (the author's, when it has several)
        engagement_id = next((e for e, who in in_channel if author and who == author), in_channel[0][0])
    else:
        engagement_id = next((e.id for e, i, _ in choices if author and i.slack_user_id == author), None)
    quote = _quoted(message.get("text")) if in_channel else None
    await open_report(
        svc,
        team_id,
        user_id,
        trigger_id,
        engagement_id=engagement_id,
        evidence=[permalink],
        description=quote,
        occurred_at=_message_time(message.get("ts")),
        channel_id=channel_id,
        quoted_from=channel_id if quote else None,
    )


def _message_time(ts: object) -> datetime | None:
    """A message `ts` ("1712345678.000200") as the moment it was posted."""
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _quoted(text: object) -> str | None:
    """The reported message, quoted as the start of the description (readable plain text: Slack's
    markup becomes names and addresses, its entities characters again; its first
    `QUOTE_LINES_MAX` lines)."""
    if not isinstance(text, str) or not text.strip():
        return None
    lines = html.unescape(slack_text(text)).splitlines()
    if len(lines) > QUOTE_LINES_MAX:
        lines = [*lines[:QUOTE_LINES_MAX], "…"]
    quoted = "\n".join(f"> {line}" for line in lines)
    return truncate(f"The message:\n{quoted}\n\n", views.DESCRIPTION_MAX - 200)


# A quoted message stays in its channel. The form remembers, in its `private_metadata` (set by the
# bot, returned by Slack as it was), the shared channel the quote came from and a fingerprint of
# each quoted line; a report filed on an engagement of another channel whose description still
# holds one of those lines is refused (`submit_report`). Fingerprints keep the metadata small, and
# the quote's text out of it.

#: Lines of the reported message a quote keeps: each has a fingerprint in the form's metadata.
QUOTE_LINES_MAX = 200
_PRINT = 8  # hex characters of a line's fingerprint
_PRINTS = re.compile(rf"(?:[0-9a-f]{{{_PRINT}}})*")


def _line_print(line: str) -> str | None:
    """The fingerprint of a line, quoted or typed, as compared: without quote marks, a trailing
    ellipsis, spacing or case (None for a line with no letter or digit: it quotes nothing)."""
    words = line.strip().lstrip("> ").rstrip("…").split()
    key = " ".join(words).casefold()
    if not any(c.isalnum() for c in key):
        return None
    return hashlib.sha256(key.encode()).hexdigest()[:_PRINT]


def _quote_prints(quote: str) -> str:
    """The fingerprints of a quote's lines (its first line, "The message:", is ours)."""
    return "".join(dict.fromkeys(p for line in quote.splitlines()[1:] if (p := _line_print(line))))


def _quote_metadata(channel_id: str, prints: str) -> str:
    """The form's `private_metadata`: the shared channel its quote came from, and its fingerprints."""
    return json.dumps({"quoted": {"channel": channel_id, "lines": prints}}, separators=(",", ":"))


def _quote_of(form: FormValues) -> tuple[str, str] | None:
    """The shared channel a form's quote came from, and its lines' fingerprints (None: no quote)."""
    quoted = form.metadata.get("quoted")
    if not isinstance(quoted, dict):
        return None
    channel, prints = quoted.get("channel"), quoted.get("lines")
    if not isinstance(channel, str) or not channel or not isinstance(prints, str):
        return None
    return (channel, prints) if _PRINTS.fullmatch(prints) else None


def _kept_metadata(form: FormValues) -> str | None:
    """The metadata of a form that replaces this one (the quote is still in its description)."""
    quote = _quote_of(form)
    return _quote_metadata(*quote) if quote else None


def _still_quotes(description: str, prints: str) -> bool:
    """Whether `description` still holds a line of the quote (whole, re-spaced or unquoted)."""
    known = {prints[i : i + _PRINT] for i in range(0, len(prints), _PRINT)}
    return any(_line_print(line) in known for line in description.splitlines())


async def _quote_refusal(
    s: AsyncSession, svc: Services, team_id: str, user_id: str, channel_id: str, influencer: Influencer
) -> str:
    """Why a report on `influencer`'s engagement can't quote a message of `channel_id`."""
    is_admin = await is_brand_admin(s, svc.directory, team_id, user_id)
    choices = await _choices(svc, s, team_id, user_id, is_admin=is_admin)
    source = next(((i, c) for e, i, c in choices if e.channel_id == channel_id), None)
    same = source is not None and source[0].id == influencer.id  # theirs, on another campaign
    return messages.quote_not_theirs(
        views.engagement_label(*source) if source else None, None if same else influencer_mention(influencer)
    )


async def report_engagement_chosen(svc: Services, team_id: str, user_id: str, view: dict[str, Any]) -> None:
    """The engagement changed in the open report form: show that campaign's clauses (in the
    user's own form only, see bot/views/owners.py)."""
    external_id = owners.owned(view, user_id)
    if external_id is None:
        log.warning("report form: %s changed an engagement in a view that is not theirs", user_id)
        return
    form = FormValues(view)
    engagement_id = form.selected_id(Field.ENGAGEMENT, Action.REPORT_ENGAGEMENT_CHOSEN)
    is_admin = await admin_rights(svc, team_id, user_id)
    async with svc.db.transaction() as s:
        choices = await _choices(svc, s, team_id, user_id, is_admin=is_admin)
        clauses = await q.guidelines_of(s, sorted({c.id for _, _, c in choices}))
    if not choices:
        return  # no longer on any brand team: a form without choices is invalid; submitting refuses
    evidence = form.text(Field.EVIDENCE).splitlines()
    occurred = form.datetime(Field.OCCURRED_AT) or svc.clock.now()
    updated = views.report_modal(
        choices,
        clauses,
        engagement_id=engagement_id,
        guideline_id=None,
        evidence=[e for e in evidence if e.strip()],
        occurred_at=occurred,
        description=form.text(Field.DESCRIPTION) or None,
        metadata=_kept_metadata(form),
    )
    await svc.client.views_update(
        external_id=external_id, hash=view.get("hash"), view=owners.for_user(updated, user_id, external_id)
    )


# ------------------------------------------------------------------------------------------------
# Submitting a report


def _evidence(raw: str, errors: dict[str, str]) -> list[str]:
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    for link in links:
        if len(link) > 2000:
            errors[Field.EVIDENCE] = f"Keep each link under 2000 characters; not: {link[:60]}…"
        elif not WEB_ADDRESS.match(link):
            errors[Field.EVIDENCE] = f"Use http(s) links only, one per line; not: {link[:60]}"
        elif not shared.URL.match(link):  # Slack would read these characters as markup
            errors[Field.EVIDENCE] = f"Links can't contain <, > or |; not: {link[:60]}"
        else:
            continue
        return links
    if len(links) > views.EVIDENCE_MAX:
        errors[Field.EVIDENCE] = f"At most {views.EVIDENCE_MAX} links."
    return links


#: What a person means by a web link (what `shared.URL` accepts also leaves out `<`, `>` and `|`).
WEB_ADDRESS = re.compile(r"^https?://\S+$", re.IGNORECASE)


#: A second report on the same engagement and clause within this window asks "report anyway?".
DUPLICATE_WINDOW = timedelta(hours=24)


async def submit_report(svc: Services, team_id: str, user_id: str, form: FormValues) -> int | None:
    """Validate and store the report (before the ack); returns the incident id (None when this
    very form was already submitted: a double click reports once)."""
    errors: dict[str, str] = {}
    now = svc.clock.now()
    engagement_id = form.selected_id(Field.ENGAGEMENT, Action.REPORT_ENGAGEMENT_CHOSEN)
    guideline_id = form.selected_id(Field.GUIDELINE)
    severity = form.selected(Field.SEVERITY) or "default"
    description = form.text(Field.DESCRIPTION)
    occurred_at = form.datetime(Field.OCCURRED_AT)
    evidence = _evidence(form.text(Field.EVIDENCE), errors)
    if engagement_id is None:
        errors[Field.ENGAGEMENT] = "Pick the campaign and influencer."
    if guideline_id is None:
        errors[Field.GUIDELINE] = "Pick the clause that was breached."
    if severity != "default" and severity not in set(Severity):
        errors[Field.SEVERITY] = "Pick a severity."
    if not description:
        errors[Field.DESCRIPTION] = "Describe what happened."
    elif len(description) > views.DESCRIPTION_MAX:
        errors[Field.DESCRIPTION] = (
            f"Keep it to {views.DESCRIPTION_MAX} characters (it has {len(description)})."
        )
    if occurred_at is None:
        errors[Field.OCCURRED_AT] = "Say when it happened."
    elif occurred_at > now:
        errors[Field.OCCURRED_AT] = "That is in the future."
    if errors:
        raise FormErrors(errors)

    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        await generic_plans(s)  # its own statements; see custom_plans below (storage/db.py)
        # engagement, influencer, campaign, clause, role and a possible duplicate: one statement
        # (on PostgreSQL the same statement records this form's submission: the guard below)
        event_id = owners.submission_key(user_id, form.view_id) if form.view_id else None
        ctx = await q.report_context(
            s,
            team_id,
            engagement_id,
            guideline_id,
            user_id,
            now - DUPLICATE_WINDOW,
            event_id=event_id,
            at=now,
            email=known_email(svc.directory, user_id),
        )
        if ctx is None:
            raise FormErrors({Field.ENGAGEMENT: messages.ENGAGEMENT_GONE})
        engagement, campaign, guideline = ctx.engagement, ctx.campaign, ctx.guideline
        roles = await roles_on(
            s,
            svc.directory,
            campaign,
            user_id,
            needed=shared.REPORTERS,
            is_influencer=False,
            granted=ctx.granted,
        )
        if shared.REPORTERS.isdisjoint(roles):
            await custom_plans(s)
            if not await standing(s, svc.directory, campaign, user_id, influencer=ctx.influencer):
                raise FormErrors({Field.ENGAGEMENT: messages.ENGAGEMENT_GONE})  # as if it did not exist
            raise FormErrors(
                {Field.ENGAGEMENT: "You are not on this campaign's brand team, so you can't report on it."}
            )
        if guideline is None:
            raise FormErrors({Field.GUIDELINE: "Pick a clause of this campaign."})
        # a message quoted from a shared channel goes on no other engagement's card: its influencer
        # would read a conversation that is not theirs
        quote = _quote_of(form)
        if quote and quote[0] != engagement.channel_id and _still_quotes(description, quote[1]):
            await custom_plans(s)
            refusal = await _quote_refusal(s, svc, team_id, user_id, quote[0], ctx.influencer)
            raise FormErrors({Field.DESCRIPTION: refusal})
        # the same form submitted twice (a double click): one incident, the second is a no-op.
        # Checked before "possible duplicate?", which would otherwise answer the second click;
        # a form that asks again rolls this row back with the rest, so the next submission counts.
        if event_id is not None:
            first = ctx.first_delivery
            if first is None:  # SQLite: a statement of its own
                first = await q.first_delivery(s, team_id, event_id, now)
            if not first:
                return None
        ended = campaign.status in CLOSED_STATUSES or (
            campaign.end_date < (now - timedelta(hours=12)).date()  # over everywhere on Earth
        )
        confirmed = "confirmed" in form.checked(Field.CONFIRM_DUPLICATE)
        confirm: list[str] = []
        if not confirmed:  # the recent report is read only to be named in the question
            recent = await s.get(Incident, ctx.recent_id) if ctx.recent_id is not None else None
            confirm = [views.duplicate_reason(recent)] if recent is not None else []
            if ended:
                confirm.append(views.ended_reason(campaign))
        if confirm:
            await custom_plans(s)  # the user's campaigns, in the form asked again
            is_admin = await is_brand_admin(s, svc.directory, team_id, user_id)
            choices = await _choices(svc, s, team_id, user_id, is_admin=is_admin)
            replacement = views.report_modal(
                choices,
                await q.guidelines_of(s, sorted({c.id for _, _, c in choices})),
                engagement_id=engagement.id,
                guideline_id=guideline.id,
                evidence=evidence,
                occurred_at=occurred_at,
                description=description,
                severity=form.selected(Field.SEVERITY),
                confirm=confirm,
                metadata=_kept_metadata(form),
            )
            raise FormReplaced(owners.for_user(replacement, user_id, form.external_id))
        severity = guideline.default_severity if severity == "default" else severity
        incident = new_row(  # written with Core, never through the session (q.write_new)
            Incident,
            team_id=team_id,
            number=q.PENDING_NUMBER,  # the real one is taken last, see q.assign_number
            engagement_id=engagement.id,
            guideline_id=guideline.id,
            guidelines_version=campaign.guidelines_version,
            severity=severity,
            title=guideline.title,
            description=description,
            evidence=evidence,
            occurred_at=occurred_at,
            reporter_id=user_id,
            status=S.REPORTED,
            channel_id=engagement.channel_id,
            response_due_at=rules.response_due(severity, now),
            created_at=now,
            updated_at=now,
        )
        incident.id = ctx.new_id  # PostgreSQL: taken with the context; None: the INSERT gives it
        # the incident, its first event and its reminders, written once and not changed in this
        # transaction: the event hashed as the first of its chain, the reminders planned from the
        # rows in hand (it has none yet, so none are read back); one statement on PostgreSQL
        # (storage.queries.incidents.write_new)
        created = q.first_event(
            incident,
            IncidentEventKind.CREATED,
            now,
            user_id,
            description,
            to=S.REPORTED,
            severity=severity,
            clause=guideline.code,
            evidence=evidence,
        )
        influencer, contact = ctx.influencer, ctx.brand_contact
        await q.write_new(
            s,
            incident,
            created,
            lambda: plans.new_incident(incident, engagement, influencer, campaign, contact, now),
        )
        await q.assign_number(s, incident)  # last: the counter's lock is held only by the commit
    return incident.id


async def publish_report(svc: Services, team_id: str, incident_id: int | None) -> None:
    """After the ack: the card and mediation thread, the escalation post, the reporter's receipt,
    the App Homes. The report is stored already: a step Slack refuses costs that step only (logged),
    and a card that could not be posted is told to the reporter, with why, instead of the receipt."""
    if incident_id is None:  # a repeated submission: the first one publishes
        return
    await evidence.snapshot_incident(svc, team_id, incident_id)  # Slack links kept; the card names the unread
    async with svc.db.transaction() as s:
        ctx = await q.context_by_id(s, team_id, incident_id)
    refused = await _post_card(svc, ctx)
    if ctx.incident.card_ts:
        await _guarded(
            "thread opener of incident %s",
            incident_id,
            svc.client.chat_postMessage(
                channel=ctx.engagement.channel_id,
                thread_ts=ctx.incident.card_ts,
                text=views.thread_opener(ctx),
                **NO_UNFURL,
            ),
        )
    link = await shared.permalink(svc, ctx)  # None without a card: the posts below then link nothing
    if ctx.incident.severity in rules.ESCALATION_CHANNEL_SEVERITIES:
        critical = ctx.incident.severity == Severity.CRITICAL
        await _guarded(
            "legal's notice of incident %s",
            incident_id,
            shared.to_legal(
                svc,
                ctx,
                views.escalation_post(ctx, "was reported", suggest_hold=critical, link=link),
                actor=ctx.incident.reporter_id,
            ),
        )
    if ctx.incident.card_ts:
        receipt, blocks = views.reporter_confirmation(ctx, link), None
    else:
        receipt, blocks = _no_card(ctx, refused)
    await _guarded(
        "receipt of incident %s",
        incident_id,
        svc.client.chat_postMessage(channel=ctx.incident.reporter_id, text=receipt, blocks=blocks),
    )
    await shared.refresh_homes(svc, ctx)


def _no_card(ctx: q.IncidentContext, refused: str | None) -> tuple[str, list[Any]]:
    """The reporter's message when the card was refused, with *Post the card again*."""
    number = views.number(ctx.incident.number)
    text = messages.incident_card_not_posted(number, ctx.engagement.channel_id, refused)
    return with_post_card(text, Action.INCIDENT_POST_CARD, ctx.incident.id)


async def post_card_again(svc: Services, team_id: str, user_id: str, value: str) -> None:
    """*Post the card again* (the brand team): the card and its thread, once the channel Slack
    refused it in is fixed. Told by DM, as the button is in one."""
    if (incident_id := db_id(value)) is None:
        raise NotFound(messages.INCIDENT_GONE)
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        ctx = await q.context_by_id(s, team_id, incident_id)
        if ctx is None:
            raise NotFound(messages.INCIDENT_GONE)
        await authorize(
            s,
            svc.directory,
            ctx.campaign,
            user_id,
            Act.POST_CARD_AGAIN,
            gone=messages.INCIDENT_GONE,  # to someone with no part in it, it does not exist
            influencer=ctx.influencer,
        )
    number, channel = f"*{views.number(ctx.incident.number)}*", ctx.engagement.channel_id
    if ctx.incident.card_ts:
        raise Conflict(messages.card_already_posted(number, channel))
    # an earlier post Slack did not answer may have made the card: kept, not posted twice
    refused = await _post_card(svc, ctx, look_first=True)
    if refused == CARD_TAKEN:  # another press posted it meanwhile
        raise Conflict(messages.card_already_posted(number, channel))
    what = f"post-card-again notice of incident {incident_id}"
    if refused:
        said = messages.card_refused_again(number, channel, refused)
        text, blocks = with_post_card(said, Action.INCIDENT_POST_CARD, incident_id)
        if not await dm_quietly(svc.client, user_id, text, what=what, blocks=blocks):
            raise NotDelivered(said)  # said where they pressed: their button there still works
        return
    if ctx.incident.status not in rules.TERMINAL:  # a closed incident's card has nothing to mediate
        await _guarded(
            "thread opener of incident %s",
            incident_id,
            svc.client.chat_postMessage(
                channel=channel, thread_ts=ctx.incident.card_ts, text=views.thread_opener(ctx), **NO_UNFURL
            ),
        )
    said = messages.card_posted_again(number, channel)
    told = await dm_quietly(svc.client, user_id, said, what=what)
    await shared.refresh_homes(svc, ctx)
    if not told:
        raise NotDelivered(said)


async def _post_card(svc: Services, ctx: q.IncidentContext, *, look_first: bool = False) -> str | None:
    """Post the card and remember it (`ctx.incident.card_ts`); the mediation reminders then know
    their thread. Returns Slack's error code when it refused the card (the incident has none),
    `NO_ANSWER` when Slack did not answer and no card is there, or `CARD_TAKEN` when another press
    remembered one first (this one is deleted again). A card Slack posted without answering is
    found by its block id and kept (`bot.slack.post_or_keep_card`), as it is first looked for with
    `look_first` (*Post the card again*)."""
    channel = ctx.engagement.channel_id
    # the card carries the evidence links the reporter typed: nothing of them is previewed (NO_UNFURL)
    card = await post_or_keep_card(
        svc.client,
        channel,
        lambda: views.card(ctx),
        block_id=views.card_block_id(ctx.incident.id),
        since=ctx.incident.created_at,
        bot_user_id=svc.bot_user_id,
        what=f"card of incident {ctx.incident.id}",
        look_first=look_first,
    )
    if card.ts is None:
        return card.error
    found, adopted = card.ts, card.adopted
    async with svc.db.transaction() as s:
        stored = await s.exec(
            update(Incident)
            .where(Incident.id == ctx.incident.id, Incident.card_ts.is_(None))
            .values(card_ts=found)
        )
        if stored.rowcount == 1:
            ctx.incident.card_ts = found
            await shared.plan(s, ctx.incident, svc.clock.now())  # the mediation reminders know their thread
        else:
            kept = await s.exec(select(Incident.card_ts).where(Incident.id == ctx.incident.id))
            if kept.scalar_one_or_none() == found:  # another press kept this very card first
                return CARD_TAKEN
    if ctx.incident.card_ts != found:
        await delete_quietly(svc.client, channel, found)
        return CARD_TAKEN
    if adopted:  # drawn when it was posted: the incident may have moved on since
        text, blocks = views.card(ctx)
        await _guarded(
            "redrawn card of incident %s",
            ctx.incident.id,
            svc.client.chat_update(channel=channel, ts=found, text=text, blocks=blocks),
        )
    return None


async def _guarded(what: str, incident_id: int, call: Awaitable[Any]) -> None:
    """One step of publishing a report: Slack refusing it (or not answering) is logged, and the next
    steps still run."""
    try:
        await call
    except SlackApiError as exc:
        log.warning("%s not sent: %s", what % incident_id, slack_error(exc))
    except NOT_ANSWERED as exc:  # Slack did not answer: it may or may not have done it
        log.warning("%s not answered: %s", what % incident_id, type(exc).__name__)
