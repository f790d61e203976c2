"""The trust boundaries in action: gathering the facts the rules of `bot.domain.trust` decide on
(from Slack and the store), the campaign creator right, and the channel checks.

Every check here only reads: callers run them all before their first Slack side effect, so a
refusal changes nothing (no invite, no post, no row).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import SlackUser
from bot.domain import trust as rules
from bot.errors import Conflict, NotFound, NotPermitted, SlackRefused
from bot.flows.home import refresh_home
from bot.services import Services
from bot.slack import slack_error
from bot.views.text import user, when
from storage.models import CampaignCreator
from storage.queries import campaigns as q

#: Who may manage the creator list; named by NotPermitted's refusal.
CREATOR_ADMINS = ("admin",)
CREATOR_ROLES = ("admin", "campaign creator")
LIST_MAX = 50
log = logging.getLogger(__name__)


async def someone(svc: Services, team_id: str, user_id: str, found: SlackUser | None = None) -> rules.Someone:
    """What the trust rules need to know about `user_id`: Slack first, then one short transaction."""
    found = found or await svc.directory.user(user_id)
    is_admin = await svc.directory.is_admin(user_id)
    async with svc.db.transaction() as s:
        held = await q.standing(s, team_id, user_id, found.email)
    return as_someone(team_id, found, is_admin, held)


def as_someone(team_id: str, found: SlackUser, is_admin: bool, held: q.Standing) -> rules.Someone:
    """`someone` from what Slack says of the user and what the store holds (`campaigns.standing`),
    for a flow that reads the latter in a transaction of its own (App Home)."""
    return rules.Someone(
        is_admin=is_admin,
        is_guest=found.is_guest,
        # a user of another organisation (Slack Connect) carries their own team id
        other_org=found.team_id != team_id,
        is_influencer=held.is_influencer,
        is_creator=held.is_creator,
        has_brand_role=held.has_brand_role,
        is_bot=found.is_bot or found.deleted,
    )


# ---------------------------------------------------------------------------------------------
# who may create campaigns


async def require_creator(svc: Services, team_id: str, user_id: str, *, plain: bool = False) -> None:
    """Refuse unless `user_id` may create a campaign (checked when the form opens and again when it
    is submitted: a submission can be forged without ever opening the form)."""
    refusal = rules.creator_refusal(await someone(svc, team_id, user_id), plain=plain)
    if refusal:
        raise NotPermitted("create campaigns", CREATOR_ROLES, refusal)


async def _require_creator_admin(svc: Services, team_id: str, user_id: str) -> None:
    if not rules.may_manage_creators(await someone(svc, team_id, user_id)):
        raise NotPermitted(
            "manage campaign creators",
            CREATOR_ADMINS,
            ":no_entry: Only a workspace *admin* can manage campaign creators.",
        )


async def add_creator(svc: Services, team_id: str, user_id: str, target: str) -> str:
    await _require_creator_admin(svc, team_id, user_id)
    found = await svc.directory.user(target)
    refusal = rules.creator_grant_refusal(await someone(svc, team_id, target, found), user(target))
    if refusal:
        raise Conflict(refusal)
    async with svc.db.transaction() as s:
        if await q.is_creator(s, team_id, target):
            raise Conflict(f"{user(target)} is already a campaign creator.")
        s.add(
            CampaignCreator(team_id=team_id, user_id=target, granted_by=user_id, created_at=svc.clock.now())
        )
    await refresh_home(svc, team_id, [target])  # its "New campaign" button
    return (
        f":white_check_mark: {user(target)} may now create campaigns (`/campaign new`). "
        f"`/campaign creators remove {user(target)}` takes the right back."
    )


async def remove_creator(svc: Services, team_id: str, user_id: str, target: str) -> str:
    await _require_creator_admin(svc, team_id, user_id)
    async with svc.db.transaction() as s:
        if not await q.remove_creator(s, team_id, target):
            raise NotFound(f"{user(target)} is not a campaign creator.")
    await refresh_home(svc, team_id, [target])  # without its "New campaign" button
    return (
        f":white_check_mark: {user(target)} may no longer create campaigns. The campaigns they "
        "created keep them as their manager."
    )


async def list_creators(svc: Services, team_id: str, user_id: str) -> str:
    await _require_creator_admin(svc, team_id, user_id)
    async with svc.db.transaction() as s:
        rows, total = await q.creators(s, team_id, LIST_MAX)
    lines = ["*Campaign creators* — admins may always create campaigns and are not listed."]
    if not rows:
        lines.append("Nobody else yet. `/campaign creators add @someone` gives the right.")
    for row in rows:
        lines.append(f"• {user(row.user_id)} — granted by {user(row.granted_by)} {when(row.created_at)}")
    if total > len(rows):
        lines.append(f"… and {total - len(rows)} more.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# one person, one side


async def require_not_brand_side(svc: Services, team_id: str, invitee_id: str, mention: str) -> None:
    """An influencer must not hold a brand role anywhere, be an admin or a campaign creator, nor be
    a member of an escalation channel of a campaign still running or to come."""
    refusal = rules.influencer_refusal(await someone(svc, team_id, invitee_id), mention)
    if refusal:
        raise Conflict(refusal)
    async with svc.db.transaction() as s:
        channels = await q.escalation_channels(s, team_id)
    for channel_id, slug in channels:
        if await is_member(svc, channel_id, invitee_id):
            raise Conflict(rules.in_escalation_channel_refusal(mention, f"<#{channel_id}>", slug))


async def is_member(svc: Services, channel_id: str, user_id: str, *, unknown: bool = False) -> bool:
    """Is `user_id` in the channel? When Slack won't say, `unknown`: by default no (a channel the
    bot can no longer read gets nothing posted until it can, `hold_reason`)."""
    try:
        async for page in await svc.client.conversations_members(channel=channel_id, limit=1000):
            if user_id in (page.get("members") or ()):
                return True
    except SlackApiError as exc:
        log.info("members of %s unknown (%s)", channel_id, slack_error(exc))
        return unknown
    return False


# ---------------------------------------------------------------------------------------------
# channels


async def channel_facts(
    svc: Services,
    team_id: str,
    channel_id: str,
    person_id: str | None = None,
    *,
    invitee_id: str | None = None,
    history: bool = False,
) -> rules.ChannelFacts:
    """What Slack says about the channel (and whether `person_id` is in it), and what the store
    knows (an engagement's channel? an escalation channel?). Only reads. With `history` (a channel
    to link, for `invitee_id`), also whether it already holds a conversation that the person to be
    added would read (`conversations.history`, asked only when they are not in it yet)."""
    try:
        info = (await svc.client.conversations_info(channel=channel_id))["channel"]
    except SlackApiError as exc:
        if slack_error(exc) in ("channel_not_found", "not_in_channel"):
            return rules.ChannelFacts(visible=False)
        raise
    other_teams = frozenset(t for t in info.get("shared_team_ids") or () if t != team_id)
    shared = any(
        info.get(flag) for flag in ("is_shared", "is_ext_shared", "is_org_shared", "is_pending_ext_shared")
    )
    private = bool(info.get("is_private") or info.get("is_group"))
    # everyone in a private channel (who else reads what the bot posts there); in a public one,
    # which anyone may join, only whether `person_id` is
    members: set[str] = set()
    member = False
    if person_id or private:
        async for page in await svc.client.conversations_members(channel=channel_id, limit=1000):
            found = page.get("members") or ()
            member = member or person_id in found
            if private:
                members.update(found)
            elif member:
                break
    members.discard(svc.bot_user_id)
    invitee_is_member = invitee_id is not None and invitee_id in members
    conversation = (  # a public channel, or one the bot is not in, is refused before it matters
        history
        and private
        and bool(info.get("is_member"))
        and not invitee_is_member
        and await _holds_conversation(svc, channel_id)
    )
    async with svc.db.transaction() as s:
        engagement = await q.is_engagement_channel(s, team_id, channel_id)
        escalation = await q.is_escalation_channel(s, team_id, channel_id)
        influencers = await q.influencers_among(s, team_id, members) if members else frozenset()
    return rules.ChannelFacts(
        visible=True,
        is_private=private,
        is_archived=bool(info.get("is_archived")),
        is_general=bool(info.get("is_general")),
        is_direct=bool(info.get("is_im") or info.get("is_mpim")),
        bot_is_member=bool(info.get("is_member")),
        other_teams=other_teams,
        shared_elsewhere=bool(shared),
        person_is_member=member,
        is_engagement_channel=engagement,
        is_escalation_channel=escalation,
        influencer_members=influencers,
        invitee_is_member=invitee_is_member,
        holds_conversation=conversation,
    )


#: How much of a channel's history `_holds_conversation` reads before it takes the channel as
#: holding a conversation (its messages are all Slack's notes of joins and changes so far).
HISTORY_READ = 1000


async def _holds_conversation(svc: Services, channel_id: str) -> bool:
    """Whether anything was said in the channel: its history, newest first, until a message
    someone said (`rules.is_conversation`). Past `HISTORY_READ` messages of joins and topic changes
    it answers yes: not knowing is not safe; nor is a history Slack does not give (refused)."""
    read = 0
    try:
        async for page in await svc.client.conversations_history(channel=channel_id, limit=200):
            messages = page.get("messages") or ()
            if any(rules.is_conversation(m) for m in messages):
                return True
            read += len(messages)
            if read >= HISTORY_READ:
                return True
    except SlackApiError as exc:
        error = slack_error(exc)
        raise SlackRefused(
            f"Slack did not let me read <#{channel_id}>'s history (`{error}`), so I can't tell whether "
            "the influencer would read something said there before. Try again, or leave out the "
            "#channel and I create one.",
            error,
        ) from exc
    return False


async def check_link(
    svc: Services, team_id: str, inviter_id: str, channel_id: str, invitee_id: str | None
) -> None:
    """May `inviter_id` link this existing channel to the engagement of `invitee_id` (None: an
    influencer invited by email)? Raises the refusal."""
    mention = f"<#{channel_id}>"
    facts = await channel_facts(svc, team_id, channel_id, inviter_id, invitee_id=invitee_id, history=True)
    if not facts.visible:
        raise SlackRefused(
            f"I can't see {mention}. Add me to {mention} first (`/invite @Campaign Guard` in the "
            "channel), then run the command again.",
            "channel_not_found",
        )
    if facts.is_private and not facts.bot_is_member:  # visible but not joined: not a case Slack has
        raise SlackRefused(
            f"I am not in {mention}. Add me to {mention} first (`/invite @Campaign Guard` in the "
            "channel), then run the command again.",
            "not_in_channel",
        )
    refusal = rules.link_refusal(facts, mention, external_influencer=invitee_id is None, invitee=invitee_id)
    if refusal:
        raise Conflict(refusal)


async def check_escalation_channel(
    svc: Services, team_id: str, chooser_id: str, channel_id: str
) -> str | None:
    """The field error for choosing `channel_id` as an escalation channel, or None."""
    return rules.escalation_refusal(await channel_facts(svc, team_id, channel_id, chooser_id))


async def escalation_hold_reason(svc: Services, team_id: str, channel_id: str) -> str | None:
    """Checked before each post to an escalation channel: why not to post there now, or None."""
    try:
        facts = await channel_facts(svc, team_id, channel_id)
    except SlackApiError as exc:  # not knowing is not safe
        return f"Slack did not tell me what the channel is now ({slack_error(exc)})"
    return rules.hold_reason(facts)
