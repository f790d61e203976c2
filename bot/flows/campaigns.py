"""Campaign setup: create, list, show, invite, roles, guidelines, deliverables, acknowledgement."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot import messages
from bot.directory import SlackUser
from bot.domain import campaigns as rules
from bot.domain.enums import (
    CampaignStatus,
    EngagementStatus,
    GuidelineCategory,
    Market,
    Platform,
    ReviewCadence,
    Role,
    Severity,
)
from bot.domain.guidelines import MAX_CLAUSES, TEMPLATES, Clause, ClauseChange, clause_problems, next_code
from bot.domain.parsing import Person, db_id
from bot.domain.permissions import Act, may
from bot.domain.trust import Someone, brand_role_refusal, creator_refusal, may_become_creator
from bot.errors import Conflict, FormErrors, InvalidInput, NotFound, NotPermitted, SlackRefused
from bot.flows import trust
from bot.flows.access import (
    admin_rights,
    authorize,
    campaign_for,
    is_the_influencer,
    is_them,
    known_email,
    require_standing,
)
from bot.flows.home import refresh_home
from bot.ids import Field
from bot.services import Services
from bot.slack import NO_UNFURL, dm_quietly, slack_error
from bot.views import campaign as views
from bot.views import owners
from bot.views.common import influencer_mention
from bot.views.forms import FormValues
from bot.views.text import esc, user, when
from scheduler import plans
from storage.models import Campaign, CampaignRole, Deliverable, Engagement, Guideline, Influencer
from storage.queries import campaigns as q
from storage.queries import incidents as delivery_q
from storage.queries import insights as insight_q

log = logging.getLogger(__name__)

CHANNEL_NAME_ATTEMPTS = 20
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")


# ---------------------------------------------------------------------------------------------
# /campaign new


async def open_new_campaign(
    svc: Services, team_id: str, user_id: str, trigger_id: str, slug: str | None
) -> None:
    """The creation form, for those who may create campaigns (bot/domain/trust.py)."""
    await trust.require_creator(svc, team_id, user_id)
    view = views.new_campaign_modal(svc.clock.now().date(), slug)
    await svc.client.views_open(trigger_id=trigger_id, view=view)


async def create_campaign(svc: Services, team_id: str, user_id: str, form: FormValues) -> Campaign:
    """Validate the form and store the campaign, its owner and its guidelines (before the ack).

    Who may create is checked again here: a submission can be forged without opening the form.
    """
    await trust.require_creator(svc, team_id, user_id, plain=True)
    errors: dict[str, str] = {}
    name, brand = form.text(Field.NAME), form.text(Field.BRAND)
    # the form caps both (rules.NAME_MAX), but only Slack's client enforces it: a forged submission
    # could store a name too long for the section blocks that show it (3,000 characters each)
    if not name:
        errors[Field.NAME] = "Give the campaign a name."
    elif len(name) > rules.NAME_MAX:
        errors[Field.NAME] = f"Keep the name to {rules.NAME_MAX} characters."
    if not brand:
        errors[Field.BRAND] = "Name the brand."
    elif len(brand) > rules.NAME_MAX:
        errors[Field.BRAND] = f"Keep the brand to {rules.NAME_MAX} characters."
    slug = form.text(Field.SLUG)
    try:
        slug = rules.check_slug(slug, Field.SLUG)
    except InvalidInput as exc:
        errors[Field.SLUG] = exc.message
    start, end = form.date(Field.START), form.date(Field.END)
    if start is None:
        errors[Field.START] = "Pick the start date."
    if end is None:
        errors[Field.END] = "Pick the end date."
    elif start is not None:
        try:
            # "today" where the day started last: nowhere on Earth is it still before `today`
            earliest_today = (svc.clock.now() - timedelta(hours=12)).date()
            rules.check_dates(start, end, Field.END, today=earliest_today)
        except InvalidInput as exc:
            errors[Field.END] = exc.message
    market = form.selected(Field.MARKET) or Market.US
    cadence = form.selected(Field.REVIEW_CADENCE) or ReviewCadence.WEEKLY
    template = form.selected(Field.TEMPLATE) or "default"
    for field, value, allowed in (
        (Field.MARKET, market, Market),
        (Field.REVIEW_CADENCE, cadence, ReviewCadence),
        (Field.TEMPLATE, template, TEMPLATES),
    ):
        if value not in {str(v) for v in allowed}:
            errors[field] = "Pick one of the options."
    escalation = form.conversation(Field.ESCALATION_CHANNEL)
    if escalation is not None and (not isinstance(escalation, str) or not CHANNEL_ID.match(escalation)):
        # a forged value would be echoed as `<#…>` (a fake link or mention) and posted to as a channel
        errors[Field.ESCALATION_CHANNEL] = "Pick a channel."
    elif escalation is not None:
        # private, not shared, not an engagement's channel, and chosen by one of its members
        problem = await trust.check_escalation_channel(svc, team_id, user_id, escalation)
        if problem:
            errors[Field.ESCALATION_CHANNEL] = problem
    if errors:
        raise FormErrors(errors)

    now = svc.clock.now()
    try:
        async with svc.db.transaction() as s:
            if await q.by_slug(s, team_id, slug):
                raise FormErrors({Field.SLUG: f"“{slug}” is taken in this workspace; pick another slug."})
            campaign = Campaign(
                team_id=team_id,
                slug=slug,
                name=name,
                brand=brand,
                market=market,
                start_date=start,
                end_date=end,
                status=CampaignStatus.ACTIVE,
                owner_id=user_id,
                escalation_channel_id=escalation,
                review_cadence=cadence,
                created_at=now,
            )
            s.add(campaign)
            await s.flush()
            s.add(
                CampaignRole(
                    team_id=team_id,
                    campaign_id=campaign.id,
                    user_id=user_id,
                    role=Role.MANAGER,
                    granted_by=user_id,
                    created_at=now,
                )
            )
            for position, clause in enumerate(TEMPLATES[template]):
                s.add(
                    Guideline(
                        team_id=team_id,
                        campaign_id=campaign.id,
                        code=clause.code,
                        title=clause.title,
                        text=clause.text,
                        category=clause.category,
                        default_severity=clause.default_severity,
                        position=position,
                        updated_at=now,
                    )
                )
    except IntegrityError as exc:  # a concurrent submission took the slug between check and insert
        raise FormErrors({Field.SLUG: f"“{slug}” is taken in this workspace; pick another slug."}) from exc
    return campaign


async def announce_campaign(svc: Services, campaign: Campaign) -> None:
    """After the ack: confirm to the creator, and check the bot can post in the escalation channel."""
    lines = [
        f":white_check_mark: Campaign *{esc(campaign.name)}* (`{campaign.slug}`) is set up, "
        f"with you as its manager.",
        f"Next: `/campaign invite {campaign.slug} @influencer` · "
        f"`/campaign role {campaign.slug} @someone member` · `/campaign guidelines {campaign.slug}`",
    ]
    if campaign.escalation_channel_id:
        try:
            info = await svc.client.conversations_info(channel=campaign.escalation_channel_id)
            in_channel = info["channel"].get("is_member", False)
        except SlackApiError:
            in_channel = False
        if not in_channel:
            lines.append(
                f":warning: I am not in <#{campaign.escalation_channel_id}> yet, so escalations "
                "can't be posted there. Add me with `/invite @Campaign Guard` in that channel."
            )
    await svc.client.chat_postMessage(channel=campaign.owner_id, text="\n".join(lines))


# ---------------------------------------------------------------------------------------------
# /campaign list · show


async def list_campaigns(svc: Services, team_id: str, user_id: str) -> list[Block]:
    await svc.directory.prefetch(user_id)
    is_admin = await admin_rights(svc, team_id, user_id)
    email = known_email(svc.directory, user_id)
    async with svc.db.transaction() as s:
        rows, total = await q.visible_to(s, team_id, user_id, is_admin=is_admin, email=email)
    if rows:
        return views.campaign_list(rows, total)
    someone = await trust.someone(svc, team_id, user_id)
    return views.campaign_list(
        rows,
        total,
        may_create=creator_refusal(someone) is None,
        may_ask=may_become_creator(someone),
    )


async def show_campaign(svc: Services, team_id: str, user_id: str, slug: str) -> list[Block]:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign, roles = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.VIEW_CAMPAIGN)
        engagements = await q.engagements(s, campaign.id)
        if not may(Act.LIST_TEAM, roles):  # an influencer sees only their own engagement
            email = known_email(svc.directory, user_id)
            engagements = [(e, i) for e, i in engagements if is_them(i, user_id, email)]
        show_team = may(Act.LIST_TEAM, roles)
        detail = views.CampaignDetail(
            campaign=campaign,
            team=await q.team(s, campaign.id),
            clauses=await q.guidelines(s, campaign.id),
            engagements=engagements,
            show_team=show_team,
            # brand-side like the team: who holds a role that gives no rights, to clear it
            without_rights=await q.roles_without_rights(s, campaign.id) if show_team else (),
        )
    return views.campaign_detail(detail)


# ---------------------------------------------------------------------------------------------
# /campaign invite


@dataclass(frozen=True, slots=True)
class Invitee:
    name: str
    user_id: str | None  # a workspace member
    email: str | None  # known email; the only handle of an external influencer

    @property
    def mention(self) -> str:
        return user(self.user_id) if self.user_id else f"{esc(self.name)} ({esc(self.email)})"


def name_from_email(email: str) -> str:
    """An external creator's name until Slack tells us theirs: the address's local part, as a
    name ("eve@…" → "Eve", "eve.smith+acme@…" → "Eve Smith")."""
    local = email.partition("@")[0].partition("+")[0]
    words = [w for w in re.split(r"[._-]+", local) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or local or email


async def _invitee(svc: Services, person: Person) -> Invitee:
    found: SlackUser | None
    if person.user_id:
        found = await svc.directory.user(person.user_id)
    else:
        found = await svc.directory.by_email(person.email or "")
    if found is None:  # not in the workspace: an external creator, invited through Slack Connect
        return Invitee(name=name_from_email(person.email or ""), user_id=None, email=person.email)
    if found.is_bot or found.deleted:
        raise InvalidInput(f"{user(found.id)} is a bot or a deactivated account; invite a person.")
    return Invitee(name=found.name, user_id=found.id, email=found.email or person.email)


async def _create_channel(svc: Services, campaign: Campaign, invitee: Invitee) -> str:
    for attempt in range(1, CHANNEL_NAME_ATTEMPTS + 1):
        name = rules.channel_name(campaign.slug, invitee.name, attempt)
        try:
            response = await svc.client.conversations_create(name=name, is_private=True)
            return response["channel"]["id"]
        except SlackApiError as exc:
            if slack_error(exc) != "name_taken":
                raise SlackRefused(
                    f"Slack refused to create the channel `#{name}` (`{slack_error(exc)}`); "
                    "nothing was saved.",
                    slack_error(exc) or "error",
                ) from exc
    raise SlackRefused(
        "Every channel name I tried is taken; link an existing channel with "
        f"`/campaign invite {campaign.slug} &lt;@user | email&gt; #channel`.",
        "name_taken",
    )


async def _link_channel(svc: Services, channel_id: str) -> str:
    """Make sure the bot is still in the existing channel the checks accepted (a private one it
    was added to), else say what to do."""
    how = (
        f"Add me to <#{channel_id}> first (`/invite @Campaign Guard` in the channel), "
        "then run the command again."
    )
    try:
        info = (await svc.client.conversations_info(channel=channel_id))["channel"]
    except SlackApiError as exc:
        if slack_error(exc) == "channel_not_found":
            raise SlackRefused(f"I can't see <#{channel_id}>. {how}", "channel_not_found") from exc
        raise
    if info.get("is_archived"):
        raise SlackRefused(f"<#{channel_id}> is archived; pick another channel.", "is_archived")
    if not info.get("is_member"):
        raise SlackRefused(f"I am not in <#{channel_id}>. {how}", "not_in_channel")
    return channel_id


async def _invite_people(svc: Services, channel_id: str, user_ids: list[str], *, linked: bool) -> list[str]:
    """Invite workspace members to the channel; returns those Slack refused (with the reason)."""
    if linked:
        members = await svc.client.conversations_members(channel=channel_id, limit=1000)
        user_ids = [u for u in user_ids if u not in set(members["members"])]
    user_ids = [u for u in dict.fromkeys(user_ids) if u != svc.bot_user_id]
    if not user_ids:
        return []
    try:
        await svc.client.conversations_invite(channel=channel_id, users=",".join(user_ids))
        return []
    except SlackApiError as exc:
        if len(user_ids) == 1:
            return [f"{user(user_ids[0])} (`{slack_error(exc)}`)"]
    # one refusal fails the whole call: retry one by one to invite everyone who can be
    refused = []
    for uid in user_ids:
        try:
            await svc.client.conversations_invite(channel=channel_id, users=uid)
        except SlackApiError as exc:
            if slack_error(exc) != "already_in_channel":
                refused.append(f"{user(uid)} (`{slack_error(exc)}`)")
    return refused


async def invite(
    svc: Services, team_id: str, user_id: str, slug: str, person: Person, link: str | None
) -> str:
    """Everything that may refuse is checked first, and only reads; the first side effect (joining
    or creating the channel) comes after, so a refusal invites nobody, posts nothing, stores nothing."""
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.INVITE)
        if refusal := rules.closed_refusal(campaign.status, campaign.slug, "invite influencers to it"):
            raise Conflict(refusal)
        brand_team = [r.user_id for r in await q.team(s, campaign.id)]
    invitee = await _invitee(svc, person)
    if invitee.user_id in brand_team:
        raise Conflict(
            f"{invitee.mention} is already on the brand team of `{campaign.slug}`; "
            "an influencer can't also hold a brand role."
        )
    async with svc.db.transaction() as s:
        influencer = await _known_influencer(s, team_id, invitee)
        if influencer and await q.engagement_of(s, campaign.id, influencer.id):
            raise Conflict(f"{invitee.mention} is already on the campaign `{campaign.slug}`.")
    if invitee.user_id:  # one person, one side: nobody of the brand side becomes an influencer
        await trust.require_not_brand_side(svc, team_id, invitee.user_id, invitee.mention)
    if link:  # the inviter's private channel, not legal's, no other influencer in it, not shared
        await trust.check_link(svc, team_id, user_id, link, invitee.user_id)

    channel_id = await _link_channel(svc, link) if link else await _create_channel(svc, campaign, invitee)
    people = [*brand_team, user_id] + ([invitee.user_id] if invitee.user_id else [])
    refused = await _invite_people(svc, channel_id, people, linked=bool(link))
    if invitee.user_id is None:
        try:
            await svc.client.conversations_inviteShared(channel=channel_id, emails=[invitee.email])
        except SlackApiError as exc:
            raise SlackRefused(
                f"Slack refused to invite {esc(invitee.email)} to <#{channel_id}> through Slack Connect "
                f"(`{slack_error(exc)}`), so nothing was saved. Once that is sorted out, link the channel: "
                f"`/campaign invite {campaign.slug} {esc(invitee.email)} <#{channel_id}>`.",
                slack_error(exc) or "error",
            ) from exc

    engagement = await _store_engagement(svc, campaign, invitee, channel_id, user_id, linked=bool(link))
    try:
        await post_guidelines(svc, campaign, engagement, invitee.mention)
    except Exception as exc:
        async with svc.db.transaction() as s:  # undo: an engagement nobody was told about
            await s.exec(delete(Engagement).where(Engagement.id == engagement.id))
        if isinstance(exc, SlackApiError):
            raise SlackRefused(
                f"Slack refused to post the guidelines in <#{channel_id}> (`{slack_error(exc)}`), so the "
                f"invitation was not saved. Fix the channel, then link it: "
                f"`/campaign invite {campaign.slug} &lt;@user | email&gt; <#{channel_id}>`.",
                slack_error(exc) or "error",
            ) from exc
        raise
    await refresh_home(svc, campaign.team_id, [invitee.user_id])
    text = (
        f":handshake: {invitee.mention} was invited to `{campaign.slug}` in <#{channel_id}>; "
        "guidelines posted."
    )
    if invitee.user_id is None:
        text += " They were invited through Slack Connect and can acknowledge once they accept."
    if refused:
        text += f"\n:warning: Slack refused to add {', '.join(refused)} to the channel."
    return text


async def _known_influencer(s, team_id: str, invitee: Invitee) -> Influencer | None:
    if invitee.user_id and (found := await q.influencer_by_user(s, team_id, invitee.user_id)):
        return found
    if invitee.email:
        return await q.influencer_by_email(s, team_id, invitee.email)
    return None


async def _store_engagement(
    svc: Services, campaign: Campaign, invitee: Invitee, channel_id: str, user_id: str, *, linked: bool
) -> Engagement:
    now = svc.clock.now()
    try:
        async with svc.db.transaction() as s:
            if linked and (
                await q.is_engagement_channel(s, campaign.team_id, channel_id)
                or await q.is_escalation_channel(s, campaign.team_id, channel_id)
            ):  # taken since the checks (a race): never two uses of one channel
                raise Conflict(f"<#{channel_id}> was just taken by another campaign; nothing was saved.")
            influencer = await _known_influencer(s, campaign.team_id, invitee)
            if influencer is None:
                influencer = Influencer(
                    team_id=campaign.team_id,
                    display_name=invitee.name,
                    slack_user_id=invitee.user_id,
                    email=invitee.email,
                    created_at=now,
                )
                s.add(influencer)
                await s.flush()
            engagement = Engagement(
                team_id=campaign.team_id,
                campaign_id=campaign.id,
                influencer_id=influencer.id,
                channel_id=channel_id,
                status=EngagementStatus.INVITED,
                invited_by=user_id,
                created_at=now,
            )
            s.add(engagement)
            # an influencer now: no brand chart on their App Home, whatever they held before
            await insight_q.forget_charts(s, campaign.team_id, [invitee.user_id])
    except IntegrityError as exc:
        raise Conflict(f"{invitee.mention} was just added to `{campaign.slug}` by someone else.") from exc
    return engagement


async def post_guidelines(svc: Services, campaign: Campaign, engagement: Engagement, mention: str) -> None:
    async with svc.db.transaction() as s:
        clauses = await q.guidelines(s, campaign.id)
    text, blocks = views.guidelines_message(campaign, clauses, mention, engagement.id)
    posted = await svc.client.chat_postMessage(
        channel=engagement.channel_id, text=text, blocks=blocks, **NO_UNFURL
    )
    async with svc.db.transaction() as s:
        await s.exec(
            update(Engagement)
            .where(Engagement.id == engagement.id)
            .values(guidelines_message_ts=posted["ts"])
        )
        # planned once the influencer has been asked: "please acknowledge" at +24 h and +72 h
        await plans.engagement(s, engagement, svc.clock.now())


# ---------------------------------------------------------------------------------------------
# /campaign role


def _as_role(role: str, *, bold: bool = True) -> str:
    """The role after "is now": "a *manager*", "a *member*", but "*legal*" (a team, not a person)."""
    word = f"*{role}*" if bold else role
    return word if role == Role.LEGAL else f"a {word}"


async def _keep_a_manager(s, campaign: Campaign, target: str) -> None:
    """Refuse to take the manager role from `target` when they are the campaign's last manager who
    counts (`rules.leaves_no_manager`): only where the owner, an influencer, does not count, since
    an owner who does stays a manager. The refusal names the rest of the team, who could be made
    its manager first. Read in the transaction that changes the role, with the campaign held
    (`q.lock_team`): two managers removing each other at once would each see the other still there."""
    await q.lock_team(s, campaign.id)
    team = await q.team(s, campaign.id)  # its roles that give rights, oldest first
    if rules.leaves_no_manager(target, [r.user_id for r in team if r.role == Role.MANAGER]):
        others = [(user(r.user_id), r.role) for r in team if r.user_id != target]
        raise Conflict(messages.last_manager(user(target), campaign.slug, user(campaign.owner_id), others))


#: `/campaign role <slug> @user none`: the role is taken away.
NO_ROLE = "none"


async def set_role(svc: Services, team_id: str, user_id: str, slug: str, target: str, role: str) -> str:
    if role == NO_ROLE:
        return await remove_role(svc, team_id, user_id, slug, target)
    if role not in (Role.MANAGER, Role.MEMBER, Role.LEGAL):
        raise InvalidInput(
            f"`{esc(role[:20])}` is not a role; use `manager`, `member` or `legal` (`none` takes it away)."
        )
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:  # first: may this user grant roles at all?
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.GRANT_ROLE)
    person = await svc.directory.user(target)
    if person.is_bot or person.deleted:
        raise InvalidInput(f"{user(target)} is a bot or a deactivated account.")
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        await authorize(s, svc.directory, campaign, user_id, Act.GRANT_ROLE)  # still, in this transaction
        if target == campaign.owner_id and role != Role.MANAGER:
            raise Conflict(f"{user(target)} owns `{campaign.slug}` and stays a manager.")
        if await q.is_influencer_on(s, campaign.id, target):
            raise Conflict(
                f"{user(target)} is an influencer on `{campaign.slug}` and can't hold a brand role."
            )
        target_is = Someone(
            is_guest=person.is_guest,
            other_org=person.team_id != team_id,  # a Slack Connect user carries their own team id
            is_influencer=await q.is_influencer_anywhere(s, team_id, target, person.email),
        )
        if refusal := brand_role_refusal(target_is, user(target)):  # one person, one side
            raise Conflict(refusal)
        current = await q.granted_role(s, campaign.id, target, person.email)
        if current == role:
            raise Conflict(f"{user(target)} is already {_as_role(role)} on `{campaign.slug}`.")
        if current == Role.MANAGER:
            await _keep_a_manager(s, campaign, target)
        if current:
            await s.exec(
                update(CampaignRole)
                .where(CampaignRole.campaign_id == campaign.id, CampaignRole.user_id == target)
                .values(role=role, granted_by=user_id, created_at=now)
            )
        else:
            s.add(
                CampaignRole(
                    team_id=team_id,
                    campaign_id=campaign.id,
                    user_id=target,
                    role=role,
                    granted_by=user_id,
                    created_at=now,
                )
            )
        await insight_q.forget_charts(s, team_id, [target])  # App Home's chart: their new scope
        channels = [e.channel_id for e, _ in await q.live_engagements(s, campaign.id)]
    refused = []
    for channel_id in channels:  # the brand team belongs in every shared channel of the campaign
        refused += await _invite_people(svc, channel_id, [target], linked=True)
    await refresh_home(svc, team_id, [target])  # the lists and sections their new role shows
    if target != user_id:
        given = messages.role_given(user(user_id), campaign.name, campaign.slug, role)
        await dm_quietly(svc.client, target, given, what=f"role notice (campaign {campaign.id})")
    was = f" (was {_as_role(current, bold=False)})" if current else ""
    text = f":bust_in_silhouette: {user(target)} is now {_as_role(role)} on `{campaign.slug}`{was}."
    if refused:
        text += f"\n:warning: Slack refused to add them to a shared channel: {', '.join(refused)}."
    return text


async def remove_role(svc: Services, team_id: str, user_id: str, slug: str, target: str) -> str:
    """`/campaign role <slug> @user none`: delete the user's role row on the campaign. Also a row
    that gives no rights (held by someone who is an influencer anywhere in the workspace, stored
    before *one person, one side*), which nothing else can clear; the owner's row stays, unless
    the owner is such an influencer. `target` is looked up ahead (`Directory.prefetch`) for the
    e-mail Slack shows for them: an influencer invited by e-mail whose Slack id is not bound yet
    is one too. Slack's answer is not needed: a deactivated or unknown account's role goes too."""
    await svc.directory.prefetch(user_id)
    await svc.directory.prefetch(target)
    async with svc.db.transaction() as s:
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.GRANT_ROLE)
        row = await q.stored_role(s, campaign.id, target)
        if row is None:
            raise Conflict(f"{user(target)} holds no role on `{campaign.slug}`.")
        # the person named: Slack not saying who they are must not keep a deactivated account's
        # role from being cleared
        target_email = known_email(svc.directory, target, unknown_ok=True)
        without_rights = await q.is_influencer_anywhere(s, team_id, target, target_email)
        if target == campaign.owner_id and not without_rights:
            raise Conflict(f"{user(target)} owns `{campaign.slug}` and stays a manager.")
        if row.role == Role.MANAGER and not without_rights:
            await _keep_a_manager(s, campaign, target)
        await s.exec(delete(CampaignRole).where(CampaignRole.id == row.id))
        await insight_q.forget_charts(s, team_id, [target])  # App Home's chart: their scope without it
        channels = [e.channel_id for e, _ in await q.live_engagements(s, campaign.id)]
    await refresh_home(svc, team_id, [target])  # the lists and sections the role showed them
    if target != user_id and not without_rights:  # an influencer is told nothing of brand roles
        taken = messages.role_taken(user(user_id), campaign.name, campaign.slug)
        await dm_quietly(svc.client, target, taken, what=f"role notice (campaign {campaign.id})")
    text = (
        f":bust_in_silhouette: {user(target)} no longer holds a role on `{campaign.slug}` "
        f"(was {_as_role(row.role, bold=False)})."
    )
    if without_rights:  # an influencer: their own shared channel is theirs, whatever the role was
        return text + " As an influencer, they had no rights from it."
    if channels:
        shown = ", ".join(f"<#{c}>" for c in channels[:5]) + (" …" if len(channels) > 5 else "")
        text += (
            f"\n:information_source: The campaign's shared channels ({shown}) are left as they are: "
            "remove them there in Slack if they should no longer read them."
        )
    return text


# ---------------------------------------------------------------------------------------------
# /campaign guidelines


async def open_guidelines_editor(
    svc: Services, team_id: str, user_id: str, slug: str, trigger_id: str
) -> None:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.EDIT_GUIDELINES)
        if refusal := _guidelines_closed(campaign):
            raise Conflict(refusal)
        clauses = await q.guidelines(s, campaign.id)
    new_code = next_code([c.code for c in clauses]) if len(clauses) < MAX_CLAUSES else None
    await svc.client.views_open(
        trigger_id=trigger_id, view=views.guidelines_modal(campaign, clauses, new_code)
    )


def _guidelines_closed(campaign: Campaign) -> str | None:
    """A closed campaign's guidelines stay as they were (a new version would ask every influencer
    to acknowledge again): why not, or None. Reading them (`/campaign show`) stays open."""
    refusal = rules.closed_refusal(campaign.status, campaign.slug, "edit its guidelines")
    if refusal is None:
        return None
    return f"{refusal} `/campaign show {campaign.slug}` shows them as they are."


def _clause_from_form(form: FormValues, code: str, errors: dict[str, str]) -> tuple[str, str, str, str]:
    title, text = form.text(Field.clause(code, "title")), form.text(Field.clause(code, "text"))
    category = form.selected(Field.clause(code, "category")) or GuidelineCategory.OTHER
    severity = form.selected(Field.clause(code, "severity")) or Severity.MODERATE
    for part, problem in clause_problems(title, text).items():
        errors[Field.clause(code, part)] = problem
    if category not in set(GuidelineCategory):
        errors[Field.clause(code, "category")] = "Pick one of the categories."
    if severity not in set(Severity):
        errors[Field.clause(code, "severity")] = "Pick one of the severities."
    return title, text, category, severity


@dataclass(frozen=True, slots=True)
class GuidelinesSaved:
    campaign: Campaign
    changes: tuple[ClauseChange, ...]  # what the new version changed, in clause order


def _clause_of(g: Guideline) -> Clause:
    return Clause(g.code, g.title, g.text, GuidelineCategory(g.category), Severity(g.default_severity))


async def save_guidelines(
    svc: Services, team_id: str, user_id: str, form: FormValues
) -> GuidelinesSaved | None:
    """Apply the edit and bump the version (before the ack). None when nothing changed."""
    campaign_id, version = form.int_metadata("campaign_id"), form.int_metadata("version")
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await q.by_id(s, team_id, campaign_id) if campaign_id else None
        if campaign is None:
            raise NotFound(messages.CAMPAIGN_GONE)
        await authorize(s, svc.directory, campaign, user_id, Act.EDIT_GUIDELINES, gone=messages.CAMPAIGN_GONE)
        clauses = list(await q.guidelines(s, campaign.id))
        first = Field.clause(clauses[0].code, "title") if clauses else Field.clause("G1", "title")
        if refusal := _guidelines_closed(campaign):
            raise FormErrors({first: refusal})  # closed while the form was open
        if version != campaign.guidelines_version:
            raise FormErrors(
                {
                    first: f"Someone saved version {campaign.guidelines_version} while you were "
                    "editing. Close this form and open it again."
                }
            )
        errors: dict[str, str] = {}
        changes: list[ClauseChange] = []
        now = svc.clock.now()
        for clause in clauses:
            values = _clause_from_form(form, clause.code, errors)
            if values != (clause.title, clause.text, clause.category, clause.default_severity):
                before = _clause_of(clause)
                if values[2] != clause.category:  # reports keep past days counted by category
                    from storage.queries.insights import forget_days

                    await forget_days(s, campaign.team_id)
                clause.title, clause.text, clause.category, clause.default_severity = values
                clause.updated_at = now
                s.add(clause)
                if not errors:
                    changes.append(ClauseChange(clause.code, before, _clause_of(clause)))
        new_code = next_code([c.code for c in clauses])
        if len(clauses) < MAX_CLAUSES and (
            form.text(Field.clause(new_code, "title")) or form.text(Field.clause(new_code, "text"))
        ):
            title, text, category, severity = _clause_from_form(form, new_code, errors)
            added = Guideline(
                team_id=team_id,
                campaign_id=campaign.id,
                code=new_code,
                title=title,
                text=text,
                category=category,
                default_severity=severity,
                position=len(clauses),
                updated_at=now,
            )
            s.add(added)
            if not errors:
                changes.append(ClauseChange(new_code, None, _clause_of(added)))
        if errors:
            raise FormErrors(errors)
        if not changes:
            return None
        if not await q.bump_guidelines_version(s, campaign.id, version):
            raise FormErrors(
                {first: "Someone saved the guidelines meanwhile. Close this form and open it again."}
            )
        campaign.guidelines_version = version + 1
        await plans.campaign(s, campaign, now)  # ask every influencer again: new reminders
    return GuidelinesSaved(campaign, tuple(changes))


async def announce_guidelines(svc: Services, saved: GuidelinesSaved, editor_id: str) -> None:
    """After the ack: in every shared channel, what changed (before and after), then the new
    version, asking to acknowledge again."""
    campaign = saved.campaign
    async with svc.db.transaction() as s:
        live = await q.live_engagements(s, campaign.id)
    changed = views.guidelines_changes(campaign, saved.changes)
    refused: list[tuple[str, str]] = []  # (channel, Slack's error)
    for engagement, influencer in live:
        try:
            await svc.client.chat_postMessage(channel=engagement.channel_id, text=changed, **NO_UNFURL)
            await post_guidelines(svc, campaign, engagement, influencer_mention(influencer))
        except SlackApiError as exc:  # one channel Slack refuses (archived, the bot removed) stops no other
            refused.append((engagement.channel_id, slack_error(exc) or "error"))
            log.warning("guidelines v%s not posted in %s: %s", campaign.guidelines_version, *refused[-1])
    await refresh_home(svc, campaign.team_id, [influencer.slack_user_id for _, influencer in live])
    text = messages.guidelines_announced(
        esc(campaign.name), campaign.guidelines_version, len(live) - len(refused), refused
    )
    await dm_quietly(svc.client, editor_id, text, what=f"guidelines notice (campaign {campaign.id})")


# ---------------------------------------------------------------------------------------------
# /campaign deliverable


async def open_deliverable_form(
    svc: Services, team_id: str, user_id: str, slug: str, trigger_id: str
) -> None:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.ADD_DELIVERABLE)
        if refusal := rules.closed_refusal(campaign.status, campaign.slug, "add deliverables to it"):
            raise Conflict(refusal)
        live = await q.live_engagements(s, campaign.id)
    if not live:
        raise InvalidInput(
            f"`{campaign.slug}` has no influencer yet: `/campaign invite {campaign.slug} @someone`."
        )
    await svc.client.views_open(
        trigger_id=trigger_id, view=views.deliverable_modal(campaign, live, svc.clock.now())
    )


async def add_deliverable(svc: Services, team_id: str, user_id: str, form: FormValues) -> Deliverable | None:
    """Store the deliverable and its reminders (before the ack); None when this very submission
    (same user, same view: a double click, a retried or replayed request) was stored already."""
    errors: dict[str, str] = {}
    title = form.text(Field.TITLE)
    if not title:
        errors[Field.TITLE] = "Give the deliverable a title."
    elif len(title) > 150:
        errors[Field.TITLE] = "Keep the title to 150 characters."
    platform = form.selected(Field.PLATFORM)
    if platform not in set(Platform):
        errors[Field.PLATFORM] = "Pick a platform."
    due = form.datetime(Field.DUE)
    now = svc.clock.now()
    if due is None:
        errors[Field.DUE] = "Pick the due date and time."
    elif due <= now:
        errors[Field.DUE] = "The due time is in the past."
    engagement_id = form.selected_id(Field.ENGAGEMENT)
    campaign_id = form.int_metadata("campaign_id")
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        campaign = await q.by_id(s, team_id, campaign_id) if campaign_id else None
        if campaign is None:
            raise NotFound(messages.CAMPAIGN_GONE)
        await authorize(s, svc.directory, campaign, user_id, Act.ADD_DELIVERABLE, gone=messages.CAMPAIGN_GONE)
        if refusal := rules.closed_refusal(campaign.status, campaign.slug, "add deliverables to it"):
            raise FormErrors({Field.ENGAGEMENT: refusal})  # closed while the form was open
        row = await q.engagement(s, team_id, engagement_id) if engagement_id else None
        if row is None or row[0].campaign_id != campaign.id or row[0].status == EngagementStatus.TERMINATED:
            errors[Field.ENGAGEMENT] = "Pick an influencer of this campaign."
        if errors:
            raise FormErrors(errors)
        # once per form, recorded after the checks and in this transaction: a refusal or a failure
        # rolls it back with the deliverable, so the form, corrected, still counts
        once = owners.submission_key(user_id, form.view_id) if form.view_id else None
        if once is not None and not await delivery_q.first_delivery(s, team_id, once, now):
            return None
        deliverable = Deliverable(
            team_id=team_id,
            engagement_id=row[0].id,
            title=title,
            platform=platform,
            due_at=due,
            created_by=user_id,
            created_at=now,
        )
        s.add(deliverable)
        await plans.deliverable(s, deliverable, now)
    return deliverable


async def announce_deliverable(svc: Services, deliverable: Deliverable | None) -> None:
    """Post the deliverable's card (with its buttons) in the shared channel."""
    if deliverable is None:  # a repeated submission: the first one posted the card
        return
    from bot.flows.deliverables import post_card

    await post_card(svc, deliverable)


# ---------------------------------------------------------------------------------------------
# "I acknowledge these guidelines"


async def acknowledge(svc: Services, team_id: str, user_id: str, value: str) -> None:
    """The influencer's "I acknowledge". Only the button's value is read from the payload: the
    message updated is the engagement's own guidelines message, rebuilt from the store."""
    engagement_text, _, version_text = (value or "").partition(":")
    engagement_id, version = db_id(engagement_text), db_id(version_text)  # odd ids: not found
    async with svc.db.transaction() as s:
        row = await q.engagement(s, team_id, engagement_id) if engagement_id and version else None
        if row is None:
            raise NotFound(messages.ENGAGEMENT_GONE)
        engagement, influencer = row
        campaign = await q.by_id(s, team_id, engagement.campaign_id)
        clauses = await q.guidelines(s, campaign.id)
    await _check_is_the_influencer(svc, campaign, influencer, user_id)
    # Never trust the payload's channel, ts or blocks: a forged click could make the bot rewrite
    # any of its messages (an incident card, an escalation post) with the forger's blocks.
    channel_id, ts = engagement.channel_id, engagement.guidelines_message_ts
    _, posted = views.guidelines_message(campaign, clauses, user(user_id), engagement.id)
    blocks = [block.to_dict() for block in posted]
    if engagement.status == EngagementStatus.TERMINATED:
        raise Conflict(messages.NOTHING_TO_ACKNOWLEDGE)
    if version != campaign.guidelines_version:
        raise Conflict(
            f"These are version {version} of the guidelines; version {campaign.guidelines_version} "
            "replaced them. Acknowledge the newest guidelines message in this channel."
        )
    if influencer.slack_user_id is None:  # named below by the name Slack shows
        await svc.directory.prefetch(user_id)
    now = svc.clock.now()
    async with svc.db.transaction() as s:
        # The status is decided by the row as it is now, not as it was read above: the engagement
        # may have been terminated while Slack was asked who this is, and nothing brings it back.
        result = await s.exec(
            update(Engagement)
            .where(
                Engagement.id == engagement.id,
                Engagement.status != EngagementStatus.TERMINATED,
                or_(Engagement.acknowledged_version.is_(None), Engagement.acknowledged_version < version),
            )
            .values(
                acknowledged_version=version,
                acknowledged_at=now,
                status=case(
                    (Engagement.status == EngagementStatus.INVITED, EngagementStatus.ACTIVE),
                    else_=Engagement.status,
                ),
            )
        )
        if result.rowcount == 0:  # what stopped it, as stored now
            stored = select(Engagement.status, Engagement.acknowledged_at).where(
                Engagement.id == engagement.id
            )
            status, acknowledged_at = (await s.exec(stored)).one()
            if status == EngagementStatus.TERMINATED:
                raise Conflict(messages.NOTHING_TO_ACKNOWLEDGE)
            raise Conflict(f"You already acknowledged version {version} {when(acknowledged_at or now)}.")
        if influencer.slack_user_id is None:  # an external influencer, now known by their user id
            name = (await svc.directory.user(user_id)).name[:150]  # and by the name Slack shows
            bound = await s.exec(
                update(Influencer)
                .where(Influencer.id == influencer.id, Influencer.slack_user_id.is_(None))
                .values(slack_user_id=user_id, display_name=name)
            )
            # Another account with the same e-mail got there first (this one's acknowledgement of
            # another engagement of theirs, at the same instant): the e-mail names one person, and
            # the first to bind is them. Refused, so the acknowledgement above is rolled back.
            if bound.rowcount == 0:
                stored = select(Influencer.slack_user_id).where(Influencer.id == influencer.id)
                if (await s.exec(stored)).scalar_one() != user_id:
                    raise _not_the_influencer()
        await plans.engagement(s, engagement, now)  # cancels the reminders; starts the review cadence
    if ts:
        await svc.client.chat_update(
            channel=channel_id,
            ts=ts,
            text=f"Guidelines v{version} acknowledged by {user(user_id)}.",
            blocks=views.acknowledged_message(blocks, user_id, version, now),
        )
    await refresh_home(svc, team_id, [user_id])


async def _check_is_the_influencer(
    svc: Services, campaign: Campaign, influencer: Influencer, user_id: str
) -> None:
    """The engagement's influencer; anyone else with a part in it is told so, and anyone with none
    is told it does not exist (`require_standing`)."""
    if await is_the_influencer(svc.directory, influencer, user_id):
        return
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        await require_standing(
            s, svc.directory, campaign, user_id, messages.ENGAGEMENT_GONE, influencer=influencer
        )
    raise _not_the_influencer()


def _not_the_influencer() -> NotPermitted:
    return NotPermitted(  # nobody named: a forged engagement id must not tell who works where
        Act.ACKNOWLEDGE_GUIDELINES.value,
        [Role.INFLUENCER],
        ":no_entry: Only the influencer these guidelines are addressed to can acknowledge them.",
    )
