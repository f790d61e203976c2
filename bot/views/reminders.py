"""Reminder messages (rendered at send time from the subject's current facts) and the admin list."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.domain.enums import IncidentStatus, ReminderKind, ReminderStatus
from bot.ids import Action
from bot.views.common import SECTION_TEXT_MAX, capped, context, plain, section
from bot.views.text import channel, esc, how_long, plural, truncate, user, when
from scheduler.planner import AwaitedFacts, DeliverableFacts, EngagementFacts, Facts, IncidentFacts

# ---------------------------------------------------------------------------------------------
# shapes: every reminder's Block Kit, built with slack_sdk models
#
# A reminder is a *shape* (which blocks, which buttons) plus the strings that vary (`slots`).
# The dispatcher sends thousands a second, and building + validating + serialising slack_sdk
# models per message was a fifth of its CPU; so each shape is built with the models once, with
# placeholder slots, validated and serialised by `to_dict()`, and every send fills a copy of
# that dict (`render`). `render_models` builds the same message with the models directly;
# tests/scheduler/test_render.py proves both agree and validate for every kind and stage.

Slots = tuple[str, ...]
_LINKABLE = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)


def _owner_blocks(text: str, value: str, note: str) -> list[Block]:
    return [
        section(text),
        ActionsBlock(
            block_id="reminder_overdue",
            elements=[
                ButtonElement(
                    action_id=Action.REPORT_BREACH_PREFILLED,
                    text=plain("Report missed deadline"),
                    style="danger",
                    value=value,
                )
            ],
        ),
        context(note),
    ]


def _review_blocks(text: str, value: str) -> list[Block]:
    return [
        section(text),
        ActionsBlock(
            block_id="reminder_review",
            elements=[
                ButtonElement(
                    action_id=Action.LOG_REVIEW, text=plain("Log review"), style="primary", value=value
                )
            ],
        ),
    ]


#: shape name → builder taking the slots (section texts are truncated by `section`/`context`)
SHAPES: dict[str, Callable[..., list[Block]]] = {
    "text": lambda text: [section(text)],
    "text+note": lambda text, note: [section(text), context(note)],
    "overdue_owner": _owner_blocks,
    "review": _review_blocks,
}


@dataclass(frozen=True, slots=True)
class Message:
    """A reminder before it becomes Block Kit: fallback text, shape, and the shape's slots."""

    text: str
    shape: str
    slots: Slots


def _slot(i: int) -> str:
    return f"\x00slot{i}\x00"


@cache
def _skeleton(shape: str) -> list[dict[str, Any]]:
    """The shape's blocks as dicts, built and validated by slack_sdk once, with placeholders."""
    builder = SHAPES[shape]
    n = builder.__code__.co_argcount
    return [block.to_dict() for block in builder(*(_slot(i) for i in range(n)))]


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):
        return values.get(node, node)
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    return node


def blocks(message: Message) -> list[dict[str, Any]]:
    """The message's blocks as Web API dicts: the cached skeleton with the slots filled in."""
    # the same truncation `section`/`context` apply (no slot is long enough to need more)
    values = {_slot(i): truncate(v, SECTION_TEXT_MAX) for i, v in enumerate(message.slots)}
    return _fill(_skeleton(message.shape), values)


def model_blocks(message: Message) -> list[Block]:
    """The same blocks built with slack_sdk models (the reference for `blocks`)."""
    return SHAPES[message.shape](*message.slots)


# ---------------------------------------------------------------------------------------------
# each reminder kind


def _who(facts: Facts) -> str:
    i = facts.influencer
    return user(i.slack_user_id) if i.slack_user_id else esc(i.display_name)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _campaign(facts: Facts) -> str:
    return f"*{esc(facts.campaign.name)}* (`{facts.campaign.slug}`)"


def guidelines_unacknowledged(f: EngagementFacts, payload: Mapping[str, Any]) -> Message:
    version = payload.get("version", f.campaign.guidelines_version)
    text = (
        f":memo: {_who(f)}, a reminder: please read and acknowledge version {version} of the guidelines "
        f"of {_campaign(f)}. Press *I acknowledge these guidelines* on the guidelines message in this "
        "channel."
    )
    fallback = f"Reminder: please acknowledge the guidelines of {esc(f.campaign.name)}."
    asked = payload.get("asked_at")
    if asked:
        return Message(fallback, "text+note", (text, f"Asked {when(_at(asked))}."))
    return Message(fallback, "text", (text,))


_DUE_LINES = {
    "t-72h": ":spiral_calendar_pad: {who}, *{title}* ({platform}) is due {due} — in 3 days.",
    "t-24h": ":spiral_calendar_pad: {who}, *{title}* ({platform}) is due {due} — in 24 hours.",
    "t-0h": ":alarm_clock: {who}, *{title}* ({platform}) is due now ({due}).",
    # `late`: how late it really is when sent (a dispatcher catching up sends a stage late)
    "overdue+24h": ":warning: {who}, *{title}* ({platform}) was due {due} and is {late} overdue.",
    "overdue+48h": ":warning: {who}, *{title}* ({platform}) was due {due} and is {late} overdue; "
    "the brand team has been told.",
}


def deliverable(f: DeliverableFacts, payload: Mapping[str, Any], now: datetime) -> Message:
    d = f.deliverable
    stage = payload.get("stage", "t-0h")
    if stage == "owner":
        return deliverable_overdue_owner(f, now)
    line = _DUE_LINES.get(stage, _DUE_LINES["t-0h"]).format(
        who=_who(f),
        title=esc(d.title),
        platform=d.platform,
        due=when(d.due_at),
        late=how_long(now - d.due_at),
    )
    note = (
        f"{_campaign(f)} · press *Mark submitted* on its card in this channel when it's done, "
        "or tell the brand team here if you need more time."
    )
    fallback = (
        f"Reminder: {esc(truncate(d.title, 80))} is due"
        if stage.startswith("t-")
        else f"Overdue: {esc(truncate(d.title, 80))}"
    )
    return Message(fallback, "text+note", (line, note))


def report_missed_deadline_value(f: DeliverableFacts) -> str:
    return json.dumps(
        {"engagement_id": f.engagement.id, "guideline_code": f.deadline_code, "evidence": []},
        separators=(",", ":"),
    )


def deliverable_overdue_owner(f: DeliverableFacts, now: datetime) -> Message:
    d = f.deliverable
    late = how_long(now - d.due_at)
    text = (
        f":warning: *{esc(d.title)}* ({d.platform}) by {esc(f.influencer.display_name)} on {_campaign(f)} "
        f"was due {when(d.due_at)} and is {late} overdue. Report missed deadline?"
    )
    clause = f" under {f.deadline_code}" if f.deadline_code else ""
    note = f"Opens the breach report{clause}, prefilled; nothing is reported until you submit it."
    return Message(
        f"{esc(d.title)} is {late} overdue. Report missed deadline?",
        "overdue_owner",
        (text, report_missed_deadline_value(f), note),
    )


def compliance_pending(f: DeliverableFacts, payload: Mapping[str, Any]) -> Message:
    d = f.deliverable
    left = (
        "its checklist has not been started"
        if f.checks_pending is None
        else (f"{plural(f.checks_pending, 'compliance check')} still pending")
    )
    # only a plain http(s) URL goes inside <…|…>: `<`, `>` or `|` in it would forge a link or mention
    safe = d.published_url and _LINKABLE.match(d.published_url)
    where = f" <{esc(d.published_url)}|(post)>" if safe else ""
    # the reminder goes to `brand_contact`; the checklist message is in its holder's DM, who may be
    # someone else (a manager since removed, a row from before the holder was recorded)
    holds_it = bool(d.checklist_ts and d.checklist_user_id) and d.checklist_user_id == f.brand_contact
    checklist = (
        "the *compliance checklist* I sent you in this conversation"
        if holds_it
        else "its compliance checklist with the *Compliance checklist* button on its card in "
        + channel(f.engagement.channel_id)
    )
    text = (
        f":clipboard: *{esc(d.title)}* by {esc(f.influencer.display_name)} on {_campaign(f)} was published "
        f"{when(d.published_at)}{where}, and {left}. Please go through {checklist} and mark each item "
        "passed, failed or waived."
    )
    return Message(f"Compliance checks pending for {esc(d.title)}", "text", (text,))


def mediation_response(f: IncidentFacts, payload: Mapping[str, Any], escalated: bool = False) -> Message:
    i = f.incident
    number = f"BR-{i.number}"
    if payload.get("stage") == "half" and i.status == IncidentStatus.RESOLUTION_PROPOSED:
        # the card offers no Respond now: what answers is Accept, or Dispute (its reason responds)
        text = (
            f":hourglass_flowing_sand: {_who(f)}, *{number}* is waiting for your answer: half of the "
            f"cure period has passed. Please *Accept* or *Dispute* the proposed resolution on the "
            f"incident card by {when(i.response_due_at)}."
        )
    elif payload.get("stage") == "half":
        text = (
            f":hourglass_flowing_sand: {_who(f)}, *{number}* is waiting for your response: half of the "
            f"cure period has passed. Please respond by {when(i.response_due_at)} with *Respond* on the "
            "incident card."
        )
    elif escalated:
        text = (
            f":rotating_light: {_who(f)}, the cure period of *{number}* ended {when(i.response_due_at)} "
            "with no response, so it was escalated to the legal team. You can still respond on the card."
        )
    else:
        text = (
            f":alarm_clock: {_who(f)}, the cure period of *{number}* ended {when(i.response_due_at)} with "
            "no response. Please respond on the incident card."
        )
    return Message(f"Reminder about {number}", "text", (text,))


def incident_unresolved(f: IncidentFacts, payload: Mapping[str, Any]) -> Message:
    i = f.incident
    days = payload.get("days", 7)
    where = i.channel_id or f.engagement.channel_id
    text = (
        f":hourglass: *BR-{i.number}* · {esc(i.title)} ({i.severity}) about "
        f"{esc(f.influencer.display_name)} on {_campaign(f)} has been open for {days} days "
        f"(reported {when(i.created_at)}); it is {i.status.replace('_', ' ')}. "
        f"Resolve or dismiss it on the incident card in {channel(where)}; "
        f"`/breach show BR-{i.number}` has the timeline."
    )
    return Message(f"BR-{i.number} is still unresolved after {days} days", "text", (text,))


def review_due(f: EngagementFacts, payload: Mapping[str, Any]) -> Message:
    since = payload.get("period_start")
    period = f" since {when(_at(since), '{date_short_pretty}')}" if since else ""
    text = (
        f":star: Time for a {payload.get('cadence', f.campaign.review_cadence)} review of "
        f"{esc(f.influencer.display_name)} on {_campaign(f)}: conduct, communication, timeliness and "
        f"content{period}."
    )
    return Message(
        f"Review due: {esc(f.influencer.display_name)} on {esc(f.campaign.name)}",
        "review",
        (text, str(f.engagement.id)),
    )


def ghosting_reminder(f: AwaitedFacts, payload: Mapping[str, Any]) -> Message:
    """In the thread of the unanswered message: gentle, and to the influencer only."""
    asked = payload.get("asked_at")
    since = f" {when(_at(asked))}" if asked else ""
    text = (
        f":wave: {_who(f)}, a gentle nudge: {user(payload.get('asker'))} asked you something here{since} "
        "and is waiting for your answer. A quick reply, even to say when you'll get to it, helps."
    )
    return Message("A gentle nudge: a question is waiting for your answer", "text", (text,))


def ghosting_flag(f: AwaitedFacts, payload: Mapping[str, Any]) -> Message:
    """To each manager, privately: the influencer has not answered for `hours` business hours."""
    asked = payload.get("asked_at")
    link = payload.get("permalink")
    where = channel(f.awaited.channel_id)
    message = f"<{esc(link)}|the message>" if link and _LINKABLE.match(link) else "the message"
    hours = payload.get("hours", f.campaign.ghost_flag_hours)
    text = (
        f":mute: {_who(f)} has not answered {user(payload.get('asker'))} in {where} "
        f"({_campaign(f)}): {message}{' of ' + when(_at(asked)) if asked else ''} asked them something, "
        f"{hours} business hours ago in their time zone, and a reminder went in its thread."
    )
    note = (
        "Only the campaign's managers get this. It stops as soon as they write in the channel; "
        f"`/campaign conduct {f.campaign.slug} ghosting` sets the thresholds."
    )
    return Message(
        f"{esc(f.influencer.display_name)} has not answered for {hours} business hours",
        "text+note",
        (text, note),
    )


def message(
    kind: str, facts: Facts, payload: Mapping[str, Any], *, now: datetime, escalated: bool = False
) -> Message:
    """The reminder as sent at `now` (the clock at send time: some say how late something is)."""
    match ReminderKind(kind):
        case ReminderKind.GUIDELINES_UNACKNOWLEDGED:
            return guidelines_unacknowledged(facts, payload)  # type: ignore[arg-type]
        case ReminderKind.DELIVERABLE_DUE | ReminderKind.DELIVERABLE_OVERDUE:
            return deliverable(facts, payload, now)  # type: ignore[arg-type]
        case ReminderKind.COMPLIANCE_PENDING:
            return compliance_pending(facts, payload)  # type: ignore[arg-type]
        case ReminderKind.MEDIATION_RESPONSE:
            return mediation_response(facts, payload, escalated)  # type: ignore[arg-type]
        case ReminderKind.INCIDENT_UNRESOLVED:
            return incident_unresolved(facts, payload)  # type: ignore[arg-type]
        case ReminderKind.REVIEW_DUE:
            return review_due(facts, payload)  # type: ignore[arg-type]
        case ReminderKind.GHOSTING_REMINDER:
            return ghosting_reminder(facts, payload)  # type: ignore[arg-type]
        case ReminderKind.GHOSTING_FLAG:
            return ghosting_flag(facts, payload)  # type: ignore[arg-type]


def render(
    kind: str, facts: Facts, payload: Mapping[str, Any], *, now: datetime, escalated: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and Block Kit (as Web API dicts) of a reminder sent at `now`."""
    m = message(kind, facts, payload, now=now, escalated=escalated)
    return m.text, blocks(m)


# ---------------------------------------------------------------------------------------------
# /campaign reminders


def _target(row: Any) -> str:
    if row.target_user:
        return f"DM {user(row.target_user)}"
    where = f"<#{row.target_channel}>" if row.target_channel else "_nowhere_"
    return f"{where} (thread)" if row.thread_ts else where


def reminder_list(rows: Sequence[Any], total: int, scope: str, now: datetime) -> list[Block]:
    if not rows:
        return [section(f":white_check_mark: No failed or late reminders {scope}.")]
    blocks: list[Block] = [section(f"*Reminders that need attention {scope}* ({total})")]
    for row in rows:
        kind = row.kind.replace("_", " ")
        if row.status == ReminderStatus.FAILED:
            state = f":x: failed after {plural(row.attempts, 'attempt')}: `{esc(row.last_error or 'error')}`"
        else:
            error = f", last error `{esc(row.last_error)}`" if row.last_error else ""
            state = f":hourglass: late, still pending ({plural(row.attempts, 'attempt')}{error})"
        blocks.append(
            section(f"*{kind}* · `{esc(row.dedupe_key)}` → {_target(row)}\ndue {when(row.due_at)} · {state}")
        )
    return capped(blocks, 50, "…and {n} more.")
