"""Evidence that survives: Slack messages kept with the incident, edits and deletions recorded,
and the check of an incident's hash chain (`/breach verify BR-n`).

- **Snapshots.** When a report is published (bot/flows/incidents/report.py `publish_report`),
  every Slack message link among its evidence — the shortcut's message, a pasted link, the
  links of a conduct flag's "Report breach" button — is read with the bot token
  (`conversations.history`, or `conversations.replies` for a thread reply) and kept: author,
  channel, ts, text, file names and ids, and whether it had already been edited. A message the
  conduct monitor flagged is kept as it was when flagged. Each snapshot also goes on the
  timeline, so the hash chain covers it.
- **Only the shared channel.** The timeline is read by both sides, and the bot reads channels the
  reporter may not (legal's private channel, another influencer's channel, a DM): a message is
  kept only when it is in the engagement's shared channel, which both sides read. A link to any
  other message, or one the bot cannot read (a message gone, another workspace), is named on the
  card, and nothing of it is read.
- **Edits and deletions.** While the incident is open, a `message_changed` or `message_deleted`
  event on a snapshotted message, or on a message of the incident's mediation thread, goes on
  the timeline with both texts: "edited after the report; the original is kept".
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import chain
from bot.domain.enums import IncidentEventKind
from bot.errors import NotFound, NotPermitted
from bot.flows.access import is_the_influencer, roles_on
from bot.flows.incidents import shared
from bot.services import Services
from bot.slack import message_files, read_message
from bot.views.text import esc, plural, slack_text, truncate, when
from storage.models import EvidenceSnapshot, Incident
from storage.queries import conduct as conduct_q
from storage.queries import evidence as q
from storage.queries import incidents as incident_q

log = logging.getLogger(__name__)

#: A Slack message link: https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>,
#: with `?thread_ts=…` for a reply in a thread.
PERMALINK = re.compile(
    r"^https://[a-z0-9][a-z0-9.-]*\.slack\.com/archives/(?P<channel>[CGD][A-Z0-9]{2,30})/"
    r"p(?P<seconds>\d{10})(?P<micros>\d{6})(?:\?(?P<query>[^#\s]*))?(?:#.*)?$",
    re.IGNORECASE,
)
_THREAD = re.compile(r"(?:^|&)thread_ts=(\d{10}\.\d{6})(?:&|$)")
#: Events of one incident read per query when its chain is checked.
VERIFY_BATCH = 1000


def parse_permalink(link: str) -> tuple[str, str, str | None] | None:
    """(channel, ts, thread_ts) of a Slack message link, or None when it is not one."""
    m = PERMALINK.match(link.strip())
    if m is None:
        return None
    ts = f"{m['seconds']}.{m['micros']}"
    thread = _THREAD.search(m["query"] or "")
    thread_ts = thread.group(1) if thread else None
    return m["channel"].upper(), ts, thread_ts if thread_ts != ts else None


#: What a reader is told about a link the bot could not read.
UNREADABLE = {
    "not_in_channel": "I am not in that channel",
    "channel_not_found": "I can't see that channel",
    "message_not_found": "the message is gone",
    "thread_not_found": "the message is gone",
}


async def snapshot_incident(svc: Services, team_id: str, incident_id: int) -> None:
    """Keep every Slack message given as evidence for a new incident (before its card is posted,
    so the card can say which links could not be read)."""
    async with svc.db.transaction() as s:
        ctx = await incident_q.context_by_id(s, team_id, incident_id)
    if ctx is None:
        return
    now = svc.clock.now()
    kept: list[dict[str, Any]] = []
    unread: list[str] = []
    shared_channels = {ctx.engagement.channel_id, ctx.incident.channel_id} - {None}
    for link in ctx.incident.evidence or ():
        parsed = parse_permalink(link)
        if parsed is None:
            continue  # a web page: nothing Slack can give
        channel, ts, thread_ts = parsed
        if channel not in shared_channels:  # the bot would read for the reporter what both sides see
            log.info("evidence %s not read: not the engagement's shared channel", link)
            unread.append(link)
            continue
        async with svc.db.transaction() as s:
            flagged = await conduct_q.flagged(s, team_id, channel, ts)
        if flagged is not None:
            kept.append(
                {
                    "link": link,
                    "channel_id": channel,
                    "ts": ts,
                    "thread_ts": flagged.thread_ts,
                    "author_id": flagged.author_id,
                    "text": flagged.text,
                    "files": flagged.files,
                    "edited": flagged.edited,
                    "source": "flag",
                    "taken_at": flagged.created_at,
                }
            )
            continue
        message, problem = await read_message(svc.client, channel, ts, thread_ts)
        if message is None:
            log.info("evidence %s not readable: %s", link, problem)
            unread.append(link)
            continue
        kept.append(
            {
                "link": link,
                "channel_id": channel,
                "ts": ts,
                "thread_ts": message.get("thread_ts") if message.get("thread_ts") != ts else None,
                "author_id": message.get("user") or message.get("bot_id"),
                "text": (message.get("text") or "")[:40000],
                "files": message_files(message),
                "edited": bool(message.get("edited")),
                "source": "slack",
                "taken_at": now,
            }
        )
    if not kept and not unread:
        return
    async with svc.db.transaction() as s:
        for row in kept:
            if not await q.add_snapshot(s, {"team_id": team_id, "incident_id": incident_id, **row}):
                continue
            incident_q.add_event(
                s,
                ctx.incident,
                IncidentEventKind.EVIDENCE_ADDED,
                now,
                None,
                _snapshot_line(row),
                snapshot={
                    "link": row["link"],
                    "channel": row["channel_id"],
                    "ts": row["ts"],
                    "thread_ts": row["thread_ts"],
                    "author": row["author_id"],
                    "text": row["text"],
                    "files": row["files"],
                    "edited": row["edited"],
                    "source": row["source"],
                    "taken_at": chain.utc_iso(row["taken_at"]),
                },
            )
        if unread:
            await q.set_unread(s, incident_id, unread)


def _plain(text: str) -> str:
    """Slack's text of a message as a reader would read it (for the timeline, which escapes it)."""
    return html.unescape(slack_text(text))


def _snapshot_line(row: dict[str, Any]) -> str:
    # a conduct flag is brand-side, and the influencer reads the timeline: "as posted" says what
    # matters (the text before any edit) without saying a monitor flagged it
    kept = "as posted" if row["source"] == "flag" else "as reported"
    edited = " (it had already been edited)" if row["edited"] else ""
    files = row["files"]
    attached = (
        f" + {plural(len(files), 'file')}: {', '.join(f['name'] or f['id'] for f in files)}" if files else ""
    )
    return f"kept the message {kept}{edited}: “{truncate(_plain(row['text']), 1500)}”{attached}"


# ---------------------------------------------------------------------------------------------
# edits and deletions


#: What Slack answers for a message that is no longer there (a thread's parent leaves a tombstone).
GONE = {"message_not_found", "thread_not_found"}


async def on_change(svc: Services, team_id: str, event_id: str, event: dict[str, Any]) -> bool:
    """A `message_changed` / `message_deleted` event: recorded on the timeline of each open
    incident that snapshotted the message or whose mediation thread it is in. True if recorded.

    The event says which message changed; what it became is read back from Slack, and what it was
    comes from the bot's own record (the snapshot, or the reply or edit the timeline last kept),
    never from the event: a forged event can't put words on the evidence record, and a deletion
    counts only when Slack no longer has the message."""
    channel = event.get("channel")
    before = event.get("previous_message") or {}
    deleted = event.get("subtype") == "message_deleted"
    after = {} if deleted else (event.get("message") or {})
    ts = event.get("deleted_ts") or after.get("ts") or before.get("ts")
    thread_ts = after.get("thread_ts") or before.get("thread_ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return False
    if not isinstance(thread_ts, str) or thread_ts == ts:
        thread_ts = None
    author = after.get("user") or before.get("user")
    if author == svc.bot_user_id or after.get("bot_id") or before.get("bot_id"):
        return False  # the bot's own cards and notes, and other apps
    if not deleted and after.get("text") == before.get("text") and after.get("files") == before.get("files"):
        return False  # an unfurl or a reaction count: nothing the person changed
    async with svc.db.transaction() as s:
        thread_ts = await _kept_thread(s, team_id, channel, ts, thread_ts)
        if not await _changed_in(s, team_id, channel, ts, thread_ts):
            return False
    now_in_slack, problem = await read_message(svc.client, channel, ts, thread_ts)
    if now_in_slack is not None and now_in_slack.get("subtype") == "tombstone":
        now_in_slack, problem = None, "message_not_found"
    if deleted and problem not in GONE:
        log.warning(
            "message_deleted for %s %s, which Slack still has (%s): not recorded", channel, ts, problem
        )
        return False
    if not deleted and (now_in_slack is None or now_in_slack.get("user") != author):
        log.warning(
            "message_changed for %s %s that Slack does not confirm (%s): not recorded", channel, ts, problem
        )
        return False
    text_now = None if now_in_slack is None else now_in_slack.get("text") or ""
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        targets = await _changed_in(s, team_id, channel, ts, thread_ts)
        delivery = f"change:{event_id or channel + ':' + str(event.get('event_ts') or ts)}"[:64]
        if not targets or not await incident_q.first_delivery(s, team_id, delivery, now):
            return False
        files_now = [] if now_in_slack is None else message_files(now_in_slack)
        recorded = False
        for incident, snap in targets:
            last = await q.last_recorded(s, incident.id, ts)
            original, by, files_then = last if last is not None else (None, None, None)
            if last is None and snap is not None:
                original, by, files_then = snap.text, snap.author_id, snap.files
            if deleted and last is None and snap is None:
                continue  # a message the record never had in this thread: nothing it keeps is gone
            # files the record does not know (kept before replies recorded them): the text decides
            if not deleted and original == text_now and files_then in (None, files_now):
                continue  # what the timeline has already: nothing changed
            kind = IncidentEventKind.MESSAGE_DELETED if deleted else IncidentEventKind.MESSAGE_EDITED
            incident_q.add_event(
                s,
                incident,
                kind,
                now,
                author if not deleted else by or author,
                _change_line(deleted, original, text_now, snap is not None)
                + ("" if deleted else _files_line(files_then, files_now)),
                channel=channel,
                ts=ts,
                thread_ts=thread_ts,
                before=original,
                after=text_now,
                snapshot=snap is not None,
                **({} if deleted else {"files": files_now}),
            )
            recorded = True
    return recorded


async def _kept_thread(
    s: AsyncSession, team_id: str, channel: str, ts: str, thread_ts: str | None
) -> str | None:
    """The thread message `ts` is in, by the bot's own record when it keeps the message (the
    snapshot says where Slack had it), else the event's. The event's word is not taken for a kept
    message: reading it in a thread it is not in (one that does not exist), Slack answers "not
    found", which would pass for a deletion."""
    kept = await q.snapshotted_in_open(s, team_id, channel, ts)
    if not kept:
        return thread_ts
    where = kept[0][1].thread_ts
    return where if where and where != ts else None


async def _changed_in(
    s: AsyncSession, team_id: str, channel: str, ts: str, thread_ts: str | None
) -> list[tuple[Incident, EvidenceSnapshot | None]]:
    """The open incidents a change of message `ts` concerns: those that snapshotted it, and the one
    whose mediation thread it is in."""
    targets: dict[int, tuple[Incident, EvidenceSnapshot | None]] = {
        incident.id: (incident, snap)
        for incident, snap in await q.snapshotted_in_open(s, team_id, channel, ts)
    }
    if thread_ts:
        incident = await q.open_by_thread(s, team_id, channel, thread_ts)
        if incident is not None and incident.id not in targets:
            targets[incident.id] = (incident, None)
    return list(targets.values())


def _files_line(before: list[dict[str, str]] | None, after: list[dict[str, str]]) -> str:
    """What became of the message's files, when the record knows them and they changed."""
    if before is None or before == after:
        return ""

    def names(files: list[dict[str, str]]) -> str:
        return ", ".join(f["name"] or f["id"] for f in files) if files else "none"

    was, now = truncate(_plain(names(before)), 300), truncate(_plain(names(after)), 300)
    return f" Files before: {was}; after: {now}."


def _change_line(deleted: bool, before: str | None, after: str | None, snapshotted: bool) -> str:
    kept = "the original is kept" if snapshotted else "the original is kept on this timeline"
    was = f" Before: “{truncate(_plain(before or ''), 600)}”" if before is not None else ""
    if deleted:
        return f"deleted after the report; {kept}.{was}"
    return f"edited after the report; {kept}.{was} After: “{truncate(_plain(after or ''), 600)}”"


# ---------------------------------------------------------------------------------------------
# /breach verify BR-n


async def verify(svc: Services, team_id: str, user_id: str, number: int) -> str:
    """Recompute the incident's hash chain from its stored events."""
    label = f"BR-{number}"
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        ctx = await incident_q.context_by_number(s, team_id, number)
        roles = (
            set()
            if ctx is None
            else await roles_on(
                s, svc.directory, ctx.campaign, user_id, needed=shared.REPORTERS, is_influencer=False
            )
        )
    if shared.REPORTERS.isdisjoint(roles):
        # one answer for an incident that does not exist and one of a campaign the user is not on
        # (as `/breach show`): numbers run across the workspace, and would tell its incidents apart
        if ctx is None or not await is_the_influencer(svc.directory, ctx.influencer, user_id):
            raise NotFound(f":mag: No incident {label} that you can see.")
        raise NotPermitted("verify an incident's timeline", sorted(r.value for r in shared.REPORTERS))
    checker, after = chain.Checker(), 0
    while True:
        async with svc.db.transaction() as s:
            batch = await q.events_after(s, ctx.incident.id, after, VERIFY_BATCH)
        if not batch or not checker.feed(batch):
            break
        after = batch[-1].id
    verdict = checker.verdict()
    if verdict.intact:
        head = f" The newest hash is `{verdict.head}` (the export's `timeline_hash`)." if verdict.head else ""
        return (
            f":white_check_mark: {label}'s timeline is *intact, {plural(verdict.events, 'event')}*: every "
            f"stored hash matches the chain recomputed from the events.{head}"
        )
    event = verdict.broken
    what = str(event.kind).replace("_", " ")
    return (
        f":rotating_light: {label}'s timeline does *not* match from event {verdict.position}: the "
        f"{esc(what)} recorded {when(_utc(event.created_at))} (event id {event.id}). That row, or the one "
        "before it, was changed, removed or added after it was written; the events before it are intact."
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
