"""The conduct monitor (guideline G4) and ghosting, in the shared channels of a campaign whose
managers switched it on (`/campaign conduct <slug> on|off`).

Every `message` event reaches `on_message` after the ack (handlers/events.py hands it to
`svc.background`); nothing here runs on the ack path. For each human message, top-level or in a
thread, from either side:

1. The channel is looked up by id (one indexed query). A channel that is no campaign's, or whose
   campaign has the monitor off, stops here: nothing is read, assessed or kept.
2. The influencer writing answers whatever the brand team was waiting for (the awaited reply is
   deleted, its reminders cancelled), once Slack confirms it has the message. A brand message
   that mentions the influencer and asks something (bot/domain/ghosting.py `asks`) starts the
   ghosting clock: an `awaited_reply` row (where and when, no text) whose reminders the outbox
   sends (scheduler/planner.py `plan_awaited`).
3. The classifier (bot/domain/conduct) reads the text. A message it does not flag is forgotten.
   A flagged one is kept (`flagged_message`: the snapshot) under a `conduct_flag`, which goes
   privately to the brand team: the campaign's managers and legal by DM, or the escalation
   channel when it is safe (the same check as legal's notices); a flag about someone on the brand
   side goes to the workspace admins. One flag per person and channel per hour: the messages that
   follow within the hour are added to it (the flag is updated with their count), not sent again.
   Each update asks again who may read it (`_where`): a copy in an escalation channel no longer
   safe, or in the DM of someone no longer in the audience, is left as it was; whoever gets the
   flag now and has no copy is sent one.
4. The kept message is the claim that recognises Slack's retries of the event, and it is a lease
   (`LEASE`) until the flag is sent: a retry while it runs is dropped, one after it ran out (the
   writer died) or after it was given back (a post failed) sends the flag, and a message whose
   flag was sent is never sent again.

Skipped: bots and other apps (`bot_id`, `app_id`, `bot_profile`, `bot_message`), this bot, joins
and other system subtypes, and edits made by a bot. An edit by a person is assessed again (an
abusive word added later is still abusive); the edit of a message already flagged is not flagged
twice. Retention is documented in docs/conduct.md.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import zip_longest
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.directory import Directory
from bot.domain import trust as trust_rules
from bot.domain.conduct import ConductVerdict, assess, warm
from bot.domain.enums import Role
from bot.domain.ghosting import asks, thresholds_problem
from bot.errors import InvalidInput, NotFound, NotPermitted
from bot.flows import evidence, trust
from bot.flows.access import campaign_for, is_the_influencer, known_email
from bot.services import Services
from bot.slack import NO_UNFURL, as_posted, message_files, slack_error
from bot.views import conduct as views
from storage.models import AwaitedReply, Campaign, ConductFlag, Engagement, FlaggedMessage
from storage.queries import campaigns as campaign_q
from storage.queries import conduct as q
from storage.queries import insert
from storage.queries import reminders as reminder_q

log = logging.getLogger(__name__)

#: At most one flag per person and channel within this window.
FLAG_WINDOW = timedelta(hours=1)
#: Flags and their snapshots are deleted this long after they were raised (docs/conduct.md).
RETENTION = timedelta(days=90)
#: Message subtypes that are a person writing (a plain message has none).
WRITTEN = frozenset({None, "thread_broadcast", "file_share"})
SWITCHERS = frozenset({Role.ADMIN, Role.MANAGER})
#: How many pages of `users.list` are read to find the workspace admins.
ADMIN_PAGES = 20
#: How long the workspace admins Slack named are reused (`_SlackAdmins`).
ADMINS_TTL = timedelta(seconds=60)
#: How long a writer holds a flagged message while it sends the flag (the copies it claims run out
#: with it): a retry of the event within it is dropped; after it (the writer stopped: the process
#: died), the retry takes the message over (docs/conduct.md). Slack retries an event about a minute
#: and five minutes after the first delivery.
LEASE = timedelta(minutes=2)

_warmed = False


def is_a_person_writing(message: dict[str, Any], bot_user_id: str | None) -> bool:
    """A message a person wrote: not this bot, not another app or bot, not a system message."""
    return bool(
        message.get("user")
        and message.get("user") != bot_user_id
        and message.get("subtype") in WRITTEN
        and not message.get("bot_id")
        and not message.get("app_id")
        and not message.get("bot_profile")
    )


async def _assess(text: str) -> ConductVerdict:
    """The classifier's verdict. Its rules and model load once per process (a second or more)
    in a worker thread, so the first message never holds the event loop that long."""
    global _warmed
    if not _warmed:
        await asyncio.to_thread(warm)
        _warmed = True
    return assess(text)


# ---------------------------------------------------------------------------------------------
# /campaign conduct


async def _campaign_to_manage(svc: Services, s, team_id: str, user_id: str, slug: str) -> Campaign:
    campaign, roles = await campaign_for(s, svc.directory, team_id, slug, user_id, needed=SWITCHERS)
    if SWITCHERS.isdisjoint(roles):
        raise NotPermitted("switch the conduct monitor", [r.value for r in (Role.ADMIN, Role.MANAGER)])
    return campaign


async def status(svc: Services, team_id: str, user_id: str, slug: str) -> str:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await _campaign_to_manage(svc, s, team_id, user_id, slug)
        channels = await q.shared_channels(s, campaign.id)
    return views.status(campaign, len(channels))


async def switch(svc: Services, team_id: str, user_id: str, slug: str, on: bool) -> str:
    """Switch the monitor; each shared channel is told (on: what is checked and where flags go)."""
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await _campaign_to_manage(svc, s, team_id, user_id, slug)
        if campaign.conduct_monitor == on:
            return views.unchanged(campaign)
        campaign.conduct_monitor = on
        s.add(campaign)
        if not on:  # ghosting stops with the monitor
            await q.drop_awaited(s, team_id, await q.awaited_of_campaign(s, team_id, campaign.id), now)
        rows = [
            (engagement, influencer)
            for engagement, influencer in await campaign_q.live_engagements(s, campaign.id)
            if engagement.channel_id
        ]
    told, failed = 0, []
    for channel_id in dict.fromkeys(e.channel_id for e, _ in rows):
        influencer = next(i for e, i in rows if e.channel_id == channel_id)
        text = views.notice_on(campaign, influencer) if on else views.notice_off(campaign)
        try:
            await svc.client.chat_postMessage(channel=channel_id, text=text, **NO_UNFURL)
            told += 1
        except SlackApiError as exc:
            log.warning("conduct notice not posted in %s: %s", channel_id, slack_error(exc))
            failed.append(channel_id)
    return views.switched(campaign, on, told, failed)


async def set_thresholds(
    svc: Services, team_id: str, user_id: str, slug: str, reminder: int, flag: int
) -> str:
    """The ghosting thresholds of a campaign, in business hours; waiting reminders move with them."""
    problem = thresholds_problem(reminder, flag)
    if problem:
        raise InvalidInput(f":warning: {problem}")
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await _campaign_to_manage(svc, s, team_id, user_id, slug)
        campaign.ghost_reminder_hours, campaign.ghost_flag_hours = reminder, flag
        s.add(campaign)
        await s.flush()
        waiting = await q.awaited_of_campaign(s, team_id, campaign.id)
        for facts in (await q.awaited_facts(s, waiting)).values():
            await reminder_q.sync(s, facts, now)
    return views.thresholds_set(campaign)


# ---------------------------------------------------------------------------------------------
# message events


async def on_message(svc: Services, team_id: str, event_id: str, event: dict[str, Any]) -> None:
    """One `message` event of a channel the bot is in (after the ack)."""
    subtype = event.get("subtype")
    channel_id = event.get("channel")
    if not channel_id:
        return
    if subtype in ("message_changed", "message_deleted"):
        await evidence.on_change(svc, team_id, event_id, event)
        if subtype == "message_changed":
            edited, before = event.get("message") or {}, event.get("previous_message") or {}
            by_bot = (edited.get("edited") or {}).get("user") == svc.bot_user_id
            if (
                is_a_person_writing(edited, svc.bot_user_id)
                and not by_bot
                and edited.get("text") != before.get("text")
                and edited.get("ts")
            ):
                await _read(svc, team_id, channel_id, edited, edit=True)
        return
    if is_a_person_writing(event, svc.bot_user_id) and event.get("ts"):
        await _read(svc, team_id, channel_id, event, edit=False)


async def _read(svc: Services, team_id: str, channel_id: str, message: dict[str, Any], *, edit: bool) -> None:
    async with svc.db.transaction() as s:
        found = await q.monitored(s, team_id, channel_id)
    if found is None:
        return
    author, text = message["user"], message.get("text") or ""
    is_influencer = await is_the_influencer(svc.directory, found.influencer, author)
    if not edit and is_influencer:
        await _answered(svc, found, channel_id, message)
    asking = not edit and not is_influencer and asks(text, found.influencer.slack_user_id)
    verdict = await _assess(text)
    # a message already kept whose flag is unsent (its writer stopped): the retry of its event, or
    # an edit of it, sends the flag whatever the text now is (see `_unsent`)
    unsent = (verdict.flagged or edit) and await _unsent(svc, team_id, channel_id, message["ts"])
    if not asking and not verdict.flagged and not unsent:
        return
    confirmed = False
    if asking or (verdict.flagged and not unsent):
        # a clock or a new flag follows: only for a message Slack has, by that author, with that text
        posted = await as_posted(svc.client, channel_id, message)
        confirmed = posted is not None and (posted.get("text") or "") == text
        if not confirmed:
            log.warning("a message in %s that Slack does not confirm: no clock, no new flag", channel_id)
            if not unsent:
                return
    if asking and confirmed:
        await _await_reply(svc, found, channel_id, message)
    if unsent or verdict.flagged:
        await _flag(
            svc,
            found,
            channel_id,
            message,
            verdict,
            about_brand=not is_influencer,
            new=verdict.flagged and confirmed,
        )


async def _unsent(svc: Services, team_id: str, channel_id: str, ts: str) -> bool:
    """Whether the message is kept (flagged) and its flag unsent, nobody holding it: its writer
    stopped (the lease ran out) or gave it back. Slack's text was checked when it was kept (the
    snapshot, which stays what was flagged), so its retry or an edit takes it over even when the
    text changed since, and an edit no longer abusive too: what was written was a breach."""
    async with svc.db.transaction() as s:
        kept = await q.flagged(s, team_id, channel_id, ts)
    return kept is not None and kept.lease_until is not None and kept.lease_until <= svc.clock.now()


# ---------------------------------------------------------------------------------------------
# ghosting


async def _answered(svc: Services, found: q.Channel, channel_id: str, message: dict[str, Any]) -> None:
    """The influencer wrote in the channel: nothing is awaited from them any more. Only a message
    Slack has, by them, answers (read back, as a question that starts the clock is): a signed event
    saying they wrote is not an answer. Slack is asked only while something is awaited."""
    async with svc.db.transaction() as s:
        if await q.awaited(s, found.engagement.id) is None:
            return
    if await as_posted(svc.client, channel_id, message) is None:
        log.warning("an answer in %s that Slack does not confirm: the ghosting clock runs on", channel_id)
        return
    async with svc.db.transaction() as s:
        waiting = await q.awaited(s, found.engagement.id)
        if waiting is not None:
            await q.drop_awaited(s, found.campaign.team_id, [waiting.id], svc.clock.now())


async def _await_reply(svc: Services, found: q.Channel, channel_id: str, message: dict[str, Any]) -> None:
    """A brand message asked the influencer something: the ghosting clock starts (unless it
    already runs for an earlier question: the first unanswered one counts)."""
    async with svc.db.transaction() as s:
        if await q.awaited(s, found.engagement.id) is not None:
            return
    influencer_id = found.influencer.slack_user_id
    try:
        tz = (await svc.directory.user(influencer_id)).tz or "UTC"
    except Exception:  # an unknown zone is UTC, never a lost reminder
        log.warning("no time zone for %s; ghosting counts in UTC", influencer_id)
        tz = "UTC"
    link = await _permalink(svc, channel_id, message["ts"])
    now = svc.clock.now()
    row = {
        "team_id": found.campaign.team_id,
        "campaign_id": found.campaign.id,
        "engagement_id": found.engagement.id,
        "channel_id": channel_id,
        "message_ts": message["ts"],
        "thread_ts": message.get("thread_ts") or message["ts"],
        "asker_id": message["user"],
        "influencer_user_id": influencer_id,
        "tz": tz[:64],
        "permalink": link if link and len(link) <= 500 else None,
        "asked_at": now,
    }
    async with svc.db.transaction() as s:
        statement = (
            insert(s, AwaitedReply).values(**row).on_conflict_do_nothing(index_elements=["engagement_id"])
        )
        if (await s.exec(statement)).rowcount != 1:
            return  # an earlier question is already waiting
        waiting = await q.awaited(s, found.engagement.id)
        for facts in (await q.awaited_facts(s, [waiting.id])).values():
            await reminder_q.sync(s, facts, now)


# ---------------------------------------------------------------------------------------------
# flags


async def _permalink(svc: Services, channel_id: str, ts: str) -> str | None:
    try:
        return (await svc.client.chat_getPermalink(channel=channel_id, message_ts=ts))["permalink"]
    except SlackApiError as exc:
        log.warning("no permalink for %s/%s: %s", channel_id, ts, slack_error(exc))
        return None


async def _flag(
    svc: Services,
    found: q.Channel,
    channel_id: str,
    message: dict[str, Any],
    verdict: ConductVerdict,
    *,
    about_brand: bool,
    new: bool = True,
) -> None:
    """Send the message's flag: kept and counted first (`_count`), unless kept already (a retry, an
    edit), then taken over only when nobody holds it. `new`: the message may be kept (Slack
    confirmed it and the classifier flags it); else only one already kept is sent."""
    now = svc.clock.now()
    team_id, ts = found.campaign.team_id, message["ts"]
    link = await _permalink(svc, channel_id, ts)
    async with svc.db.transaction() as s:
        # one writer per channel at a time: two messages a second apart make one flag, not two
        await q.lock(s, Engagement, found.engagement.id)
        kept = await q.flagged(s, team_id, channel_id, ts)
        if kept is not None and (kept.lease_until is None or kept.lease_until > now):
            # Slack delivered it again, or an edit of a message already flagged: its flag was
            # sent, or another writer is sending it
            return
        if kept is not None:  # its writer stopped before the flag was sent: counted once, sent now
            current = await s.get(ConductFlag, kept.flag_id, populate_existing=True)
            kept.lease_until = now + LEASE
            s.add(kept)
        elif not new:
            return
        else:
            current, kept = await _count(s, found, channel_id, message, verdict, link, now, about_brand)
        await s.flush()
        code = await q.conduct_clause(s, found.campaign.id)
        flag_id, kept_id, lease = current.id, kept.id, kept.lease_until
    try:
        # who may read it now: roles and the escalation channel change within the hour a flag lasts
        where = await _where(svc, found, current)
        sent = await _deliver(svc, found, code, flag_id, where, lease)
    except Exception:
        await _end_lease(svc, kept_id, lease, sent=False)  # Slack's retry of the event takes it over
        raise
    await _end_lease(svc, kept_id, lease, sent=sent)


async def _end_lease(svc: Services, kept_id: int, lease: datetime, *, sent: bool) -> None:
    """The message's flag was sent to everyone it was to go to, and no copy of it is still being
    posted by another writer (`sent`): done, never again. Else the lease is given back: a retry of
    the event (or an edit of the message) sends what is missing."""
    async with svc.db.transaction() as s:
        await q.end_lease(s, kept_id, lease, None if sent else svc.clock.now())


async def _count(
    s,
    found: q.Channel,
    channel_id: str,
    message: dict[str, Any],
    verdict: ConductVerdict,
    link: str | None,
    now: datetime,
    about_brand: bool,
) -> tuple[ConductFlag, FlaggedMessage]:
    """Keep a newly flagged message, leased to this writer, under the person's flag of the hour (a
    new one if none): the claim that recognises Slack's retries of the event."""
    team_id, author, ts = found.campaign.team_id, message["user"], message["ts"]
    current = await q.current_flag(s, team_id, channel_id, author, now - FLAG_WINDOW)
    if current is None:
        await q.purge(s, team_id, now - RETENTION)
        current = ConductFlag(
            team_id=team_id,
            campaign_id=found.campaign.id,
            engagement_id=found.engagement.id,
            channel_id=channel_id,
            author_id=author,
            about_brand=about_brand,
            category=verdict.category.value if verdict.category else "conduct",
            reason=verdict.reason[:500],
            messages=1,
            deliveries=[],
            created_at=now,
            updated_at=now,
        )
        s.add(current)
        await s.flush()
    else:
        current.messages += 1
        current.updated_at = now
        s.add(current)
    kept = FlaggedMessage(
        team_id=team_id,
        flag_id=current.id,
        channel_id=channel_id,
        ts=ts,
        thread_ts=message.get("thread_ts"),
        author_id=author,
        text=(message.get("text") or "")[:40000],
        files=message_files(message),
        edited=bool(message.get("edited")),
        category=verdict.category.value if verdict.category else "conduct",
        score=float(verdict.score),
        lang=verdict.lang[:8],
        reason=verdict.reason[:500],
        permalink=link if link and len(link) <= 500 else None,
        created_at=now,
        lease_until=now + LEASE,
    )
    s.add(kept)
    return current, kept


async def _deliver(
    svc: Services, found: q.Channel, code: str | None, flag_id: int, where: Where, lease: datetime
) -> bool:
    """Update the flag's copies and post it to whoever in `where` has none; when the escalation
    channel refuses it, by DM instead, saying it was held from the channel (as when not safe).
    True when every copy this writer set out to post was posted and no other writer still holds a
    copy unposted. The copies claimed are leased until `lease`, the writer's lease on the message."""
    ok, sent = await _send(svc, found, code, flag_id, where, lease, update=True)
    if not ok:
        _, sent = await _send(svc, found, code, flag_id, replace(where, safe=False), lease, update=False)
    return sent


async def _send(
    svc: Services,
    found: q.Channel,
    code: str | None,
    flag_id: int,
    where: Where,
    lease: datetime,
    *,
    update: bool,
) -> tuple[bool, bool]:
    """One round of `_deliver`: (False when the escalation channel refused its copy, whether every
    copy claimed was posted and no other writer's claim is still pending).

    Each message of a flag runs this, concurrently with the channel's other messages. Under the
    engagement lock a writer claims the copies it is to post (pending entries in `deliveries`, see
    `_claims`), so nobody gets two; it posts after the commit (Slack is never waited on with the
    engagement locked), then stores them, dropping a claim whose post failed so that a later
    message tries again. A copy another writer is still posting is left to it: that writer updates
    it if messages were added meanwhile, and this one does not call its message done (if that
    writer stopped, the message's retry posts the copy). A claim is leased with the writer's lease
    on its message (`lease`), so both run out together: one left pending by a writer that stopped
    (the process died) is dropped once its lease ran out, and the copy claimed again by whoever
    takes a message of the flag over."""
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        await q.lock(s, Engagement, found.engagement.id)
        f = await s.get(ConductFlag, flag_id, populate_existing=True)
        live = [d for d in f.deliveries if not _abandoned(d, now)]
        claims = _claims(where, live, lease)
        if claims or len(live) != len(f.deliveries):
            f.deliveries = [*live, *claims]
            s.add(f)
        first, latest = await q.first_and_latest(s, flag_id)
    render = _renderer(found, code, f, first, latest)
    posted: list[list | None] = []
    try:
        if update:
            await _update(svc, where, f.deliveries, render)
        for claim in claims:
            posted.append(await _post_claim(svc, where, claim, render))
    finally:  # even when cut short: a claim left pending would keep its recipient from the flag
        if claims:
            outcome = {tuple(claim): copy for claim, copy in zip_longest(claims, posted)}  # unposted: None
            async with svc.db.transaction() as s:
                await q.lock(s, Engagement, found.engagement.id)
                fresh = await s.get(ConductFlag, flag_id, populate_existing=True)
                fresh.deliveries = _settle(fresh.deliveries, outcome)
                s.add(fresh)
                waiting = _pending(fresh.deliveries, svc.clock.now())
                behind = fresh.messages != f.messages  # messages added while these copies were posted
                if behind:
                    first, latest = await q.first_and_latest(s, flag_id)
    if not claims:
        return True, not _pending(live, now)
    added = [p for p in posted if p]
    if behind and added:  # after the commit, as above
        await _update(svc, where, added, _renderer(found, code, fresh, first, latest))
    return bool(added) or _reader(claims[0]) is not None, len(added) == len(claims) and not waiting


def _renderer(found: q.Channel, code: str | None, f: ConductFlag, first, latest):
    def render(held_from: str | None):
        return views.flag(
            found.campaign, found.influencer, f, first, latest, code, found.engagement.id, held_from=held_from
        )

    return render


@dataclass(frozen=True, slots=True)
class Where:
    """Where a flag may be read now: asked again for each message a flag covers, not only when
    it is raised (someone loses a role, an influencer is added to the escalation channel…)."""

    #: The campaign's escalation channel, for a flag about the influencer.
    escalation: str | None
    #: Whether it is safe now (`trust.escalation_hold_reason`): the flag goes there, not by DM.
    safe: bool
    #: Who gets it by DM otherwise: about the influencer, the campaign's managers and legal; about
    #: the brand side, the workspace admins. Never the author, never an influencer.
    people: list[str]

    @property
    def held_from(self) -> str | None:
        return None if self.safe else self.escalation


async def _where(svc: Services, found: q.Channel, f: ConductFlag) -> Where:
    campaign = found.campaign
    if f.about_brand:
        people = await brand_admins(svc, campaign.team_id, exclude=f.author_id)
        if not people:  # no admin but the author: the campaign's managers, never the author
            async with svc.db.transaction() as s:
                people = [m for m in await q.people(s, campaign.id, [Role.MANAGER]) if m != f.author_id]
        return Where(None, False, people)
    channel = campaign.escalation_channel_id
    # legal's channel when it is still safe (private, ours alone, the bot in it, no influencer)
    safe = bool(channel) and await trust.escalation_hold_reason(svc, campaign.team_id, channel) is None
    async with svc.db.transaction() as s:
        people = await q.people(s, campaign.id, [Role.MANAGER, Role.LEGAL])
        if not people:  # no manager or legal: the owner, unless an influencer (then no one)
            contact = (await campaign_q.brand_contacts(s, [campaign]))[campaign.id]
            people = [contact] if contact else []
    return Where(channel, safe, [p for p in people if p != f.author_id])


def _reader(delivery: list) -> str | None:
    """Who a copy was sent to by DM (`[DM channel, ts, recipient]`); None for a copy in the
    escalation channel (`[channel, ts]`), and for a DM stored before recipients were."""
    return delivery[2] if len(delivery) > 2 else None


async def _update(svc: Services, where: Where, deliveries: list[list], render) -> None:
    """Update the copies still read by the flag's audience; a copy in a channel that is no longer
    safe, or in the DM of someone who left the audience, is left as it was, and a copy still being
    posted (pending) is left to its poster."""
    for delivery in deliveries:
        channel_id, ts, reader = delivery[0], delivery[1], _reader(delivery)
        if ts is None:
            continue
        if reader is None and where.safe and channel_id == where.escalation:
            rendered = render(None)
        elif reader is not None and reader in where.people:
            rendered = render(where.held_from)
        else:
            continue
        text, blocks = rendered
        try:
            await svc.client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            log.warning("flag in %s not updated: %s", channel_id, slack_error(exc))


def _abandoned(delivery: list, now: datetime) -> bool:
    """A pending entry (no ts) whose writer's lease ran out, or one from before claims were leased
    (no lease): its writer stopped before it stored the copy, if it posted one."""
    if delivery[1] is not None:
        return False
    until = delivery[3] if len(delivery) > 3 else None
    return not isinstance(until, str) or datetime.fromisoformat(until) <= now


def _pending(deliveries: list[list], now: datetime) -> bool:
    """Whether a copy is still claimed and unposted by a writer whose lease runs (after `_settle`,
    never this writer's own: its claims are settled)."""
    return any(d[1] is None and not _abandoned(d, now) for d in deliveries)


def _claims(where: Where, deliveries: list[list], until: datetime) -> list[list]:
    """The copies to post now, as pending entries (no ts yet; leased `until`): `[escalation
    channel, None, None, until]` for a flag not yet anywhere when the channel is safe, else `[None,
    None, recipient, until]` for each person of the audience without a copy (posted or pending).
    None while the escalation channel has it (or is being sent it) and is safe: then nothing goes
    by DM."""
    lease = until.isoformat()
    if where.safe and any(_reader(d) is None and d[0] == where.escalation for d in deliveries):
        return []
    if where.safe and not deliveries:
        return [[where.escalation, None, None, lease]]
    if any(_reader(d) is None and d[0] != where.escalation for d in deliveries):
        # a DM stored without its recipient (or a copy in a former escalation channel): who
        # already has the flag is unknown, and a second copy is worse than none
        return []
    sent = {_reader(d) for d in deliveries}
    return [[None, None, person, lease] for person in where.people if person not in sent]


async def _post_claim(svc: Services, where: Where, claim: list, render) -> list | None:
    """Post one claimed copy: `[channel, ts]` in the escalation channel, `[DM channel, ts,
    recipient]` by DM; None when Slack refused it."""
    reader = _reader(claim)
    if reader is None:
        posted = await _post(svc, claim[0], render(None))
        return list(posted) if posted else None
    posted = await _post(svc, reader, render(where.held_from))
    return [*posted, reader] if posted else None


def _settle(deliveries: list[list], outcome: dict[tuple, list | None]) -> list[list]:
    """`deliveries` with each of this writer's claims replaced by its copy, or dropped when its
    post failed (a later message of the flag tries again). A copy whose claim is gone (this writer
    outlived its lease, and another dropped the claim) is stored all the same: it was posted."""
    settled, found = [], set()
    for delivery in deliveries:
        key = tuple(delivery)
        if key in outcome:
            found.add(key)
        copy = outcome.get(key, delivery)
        if copy is not None:
            settled.append(copy)
    return settled + [copy for claim, copy in outcome.items() if claim not in found and copy is not None]


async def _post(svc: Services, channel: str, rendered) -> tuple[str, str] | None:
    text, blocks = rendered
    try:
        response = await svc.client.chat_postMessage(channel=channel, text=text, blocks=blocks, **NO_UNFURL)
        return response["channel"], response["ts"]
    except SlackApiError as exc:
        log.warning("conduct flag not delivered to %s: %s", channel, slack_error(exc))
        return None


async def _admin_here(svc: Services, user_id: str) -> bool:
    try:
        return await svc.directory.is_admin(user_id)
    except (NotFound, SlackApiError) as exc:  # not in this workspace, or Slack did not say
        log.info("listed admin %s not asked: %s", user_id, exc)
        return False


async def brand_admins(svc: Services, team_id: str, *, exclude: str) -> list[str]:
    """The workspace's admins (`_SlackAdmins`), minus `exclude` and minus those whose admin rights
    do not count (`trust_rules.admin_rights_count`: a flag about the brand team is brand-side
    reading), which is asked each time: someone may have become an influencer."""
    found = await _slack_admins.setdefault(svc.directory, _SlackAdmins()).get(svc, team_id)
    async with svc.db.transaction() as s:
        return [
            a
            for a, email in found.items()
            if a != exclude
            and trust_rules.admin_rights_count(
                is_admin=True, is_influencer=await campaign_q.is_influencer_anywhere(s, team_id, a, email)
            )
        ]


class _SlackAdmins:
    """Who Slack says the admins of a workspace are, reused for ADMINS_TTL (by `svc.clock`), one
    lookup at a time per workspace: each message of a flag about the brand side asks who reads it,
    and a burst of them must not call `users.list` (Slack Tier 2, about 20 a minute) nor
    `users.info` for each listed admin every time."""

    def __init__(self) -> None:
        #: team id -> (until, {admin: their e-mail})
        self._found: dict[str, tuple[datetime, dict[str, str | None]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, svc: Services, team_id: str) -> dict[str, str | None]:
        hit = self._found.get(team_id)
        if hit is not None and hit[0] > svc.clock.now():
            return hit[1]
        async with self._locks.setdefault(team_id, asyncio.Lock()):
            hit = self._found.get(team_id)
            if hit is not None and hit[0] > svc.clock.now():
                return hit[1]
            found, complete = await _ask_admins(svc)
            if complete:  # a listing Slack cut short is asked again at the next message
                self._found[team_id] = (svc.clock.now() + ADMINS_TTL, found)
            return found


#: One per `Directory`, that is per `Services` (a process; each test's stack has its own).
_slack_admins: weakref.WeakKeyDictionary[Directory, _SlackAdmins] = weakref.WeakKeyDictionary()


async def _ask_admins(svc: Services) -> tuple[dict[str, str | None], bool]:
    """The workspace's admins with their e-mails (an influencer invited by e-mail is known by it
    until seen): `ADMIN_USER_IDS` and Slack's owners and admins (`users.list`, the first
    ADMIN_PAGES pages); and whether `users.list` answered. A listed id counts only for a member of
    this workspace (`Directory.is_admin`): never a DM to another organisation's person, nor to
    another customer's admin of the same deployment."""
    found = {
        a: known_email(svc.directory, a) for a in svc.settings.admin_user_ids if await _admin_here(svc, a)
    }
    try:
        pages = 0
        async for page in await svc.client.users_list(limit=1000):
            for member in page.get("members") or ():
                if (
                    (member.get("is_admin") or member.get("is_owner") or member.get("is_primary_owner"))
                    and not member.get("deleted")
                    and not member.get("is_bot")
                    and member.get("team_id") in (None, svc.directory.team_id)
                ):
                    found.setdefault(member["id"], (member.get("profile") or {}).get("email"))
            pages += 1
            if pages >= ADMIN_PAGES:
                break
    except SlackApiError as exc:
        log.warning("could not list the workspace admins: %s", slack_error(exc))
        return found, False
    return found, True
