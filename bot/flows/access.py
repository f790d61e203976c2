"""Finding what a user names and checking they may act on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import messages
from bot.directory import Directory
from bot.domain import trust as trust_rules
from bot.domain.enums import Role
from bot.domain.permissions import PERMISSIONS, Act, campaign_roles, require
from bot.errors import NotFound, UnknownCaller
from storage.models import Campaign, Influencer
from storage.queries import campaigns as q

if TYPE_CHECKING:
    from bot.services import Services


#: Any part in a campaign: enough to learn that it exists.
ANY_ROLE = frozenset(Role)


def known_email(directory: Directory, user_id: str, *, unknown_ok: bool = False) -> str | None:
    """The e-mail Slack showed for the user, if looked up lately (`Directory.prefetch`; no Slack
    call here): an influencer invited by e-mail is known by it until Slack gives their id, and a
    brand role stored for her counts for nothing. When the lookup failed, her brand role would
    count again: `UnknownCaller` is raised instead, so what depends on it fails closed (with
    `unknown_ok`, None: the caller decides, as for someone a command names)."""
    known = directory.cached(user_id)
    if known is not None:
        return known.email
    if directory.lookup_failed(user_id) and not unknown_ok:
        raise UnknownCaller(messages.CALLER_UNKNOWN)
    return None


async def campaign_for(
    s: AsyncSession,
    directory: Directory,
    team_id: str,
    slug: str,
    user_id: str,
    act: Act | None = None,
    *,
    needed: frozenset[Role] = ANY_ROLE,
) -> tuple[Campaign, frozenset[Role]]:
    """The campaign a command names by its slug, and the user's roles on it (`act` required, when
    given). A campaign in which the user has no part at all answers as one that does not exist:
    a slug is often a brand's or a product's name, and "not permitted" would tell anyone in the
    workspace that it exists."""
    campaign = await q.by_slug(s, team_id, slug.strip().lower())
    roles: frozenset[Role] = frozenset()
    if campaign is not None:
        roles = await roles_on(s, directory, campaign, user_id, act, needed=None if act else needed)
    if campaign is None or not roles:
        raise NotFound(messages.unknown_slug(slug))
    if act is not None:
        require(act, roles)
    return campaign, roles


async def roles_on(
    s: AsyncSession,
    directory: Directory,
    campaign: Campaign,
    user_id: str,
    act: Act | None = None,
    *,
    needed: frozenset[Role] | None = None,
    is_influencer: bool | None = None,
    granted: str | object | None = ...,
) -> frozenset[Role]:
    """The user's roles on `campaign`, enough to decide `act` (or any of the `needed` roles).

    The store answers most checks; `users.info` (is the user a Slack admin?) is asked only when
    the stored roles do not already permit the act, and its answer is cached. `is_influencer`
    narrows the influencer role to one engagement (an incident's influencer, say); `granted`, the
    stored role when the caller has already read it (None: none), saves reading it again.
    """
    email = known_email(directory, user_id)
    if granted is ...:
        granted = await q.granted_role(s, campaign.id, user_id, email)
    if is_influencer is None:
        is_influencer = await q.is_influencer_on(s, campaign.id, user_id, email)
    roles = campaign_roles(is_admin=False, granted=granted, is_influencer=is_influencer)
    allowed = needed if needed is not None else PERMISSIONS[act]
    if not allowed.isdisjoint(roles):
        return roles
    if await is_brand_admin(s, directory, campaign.team_id, user_id):
        return roles | {Role.ADMIN}
    return roles


async def is_brand_admin(s: AsyncSession, directory: Directory, team_id: str, user_id: str) -> bool:
    """A workspace admin whose admin rights count (`trust_rules.admin_rights_count`: not an
    influencer anywhere in the workspace; docs/trust-boundaries.md). Asks Slack nothing it was not
    asked before the transaction (`Directory.prefetch`)."""
    if not await directory.is_admin(user_id):
        return False
    is_influencer = await q.is_influencer_anywhere(s, team_id, user_id, known_email(directory, user_id))
    return trust_rules.admin_rights_count(is_admin=True, is_influencer=is_influencer)


async def admin_rights(svc: Services, team_id: str, user_id: str) -> bool:
    """`is_brand_admin` before any other transaction of the flow (one short one of its own)."""
    if not await svc.directory.is_admin(user_id):
        return False
    async with svc.db.transaction() as s:
        return await is_brand_admin(s, svc.directory, team_id, user_id)


async def authorize(
    s: AsyncSession,
    directory: Directory,
    campaign: Campaign,
    user_id: str,
    act: Act,
    *,
    gone: str | None = None,
    influencer: Influencer | None = None,
) -> frozenset[Role]:
    """The user's roles on `campaign`, `act` required. With `gone` (what the user is told when the
    subject a payload named does not exist), someone with no standing on the subject (`standing`)
    is told exactly that instead of who may; `influencer`: the subject's influencer, the only one
    whose influencer role counts (an engagement's, an incident's, a deliverable's)."""
    roles = await roles_on(
        s, directory, campaign, user_id, act, is_influencer=_the_influencer(directory, influencer, user_id)
    )
    if gone is not None and not roles:  # refused (every act needs a role), and no standing at all
        raise NotFound(gone)
    require(act, roles)
    return roles


async def standing(
    s: AsyncSession, directory: Directory, campaign: Campaign, user_id: str, *, influencer: Influencer | None
) -> frozenset[Role]:
    """The user's part in a subject of `campaign` (an incident, a deliverable, a compliance check,
    an engagement, the campaign itself): a brand role on the campaign, being the subject's
    influencer (`influencer`; None: any influencer of the campaign), or brand admin rights. Empty:
    no standing, and every action on the subject answers as if it did not exist
    (docs/trust-boundaries.md, *What a payload can't name*)."""
    is_influencer = _the_influencer(directory, influencer, user_id)
    return await roles_on(s, directory, campaign, user_id, needed=ANY_ROLE, is_influencer=is_influencer)


def _the_influencer(directory: Directory, influencer: Influencer | None, user_id: str) -> bool | None:
    """Is the user the subject's `influencer` (None: no subject influencer; `roles_on` asks the
    store whether they are one of the campaign's)?"""
    return None if influencer is None else is_them(influencer, user_id, known_email(directory, user_id))


async def require_standing(
    s: AsyncSession,
    directory: Directory,
    campaign: Campaign,
    user_id: str,
    gone: str,
    *,
    influencer: Influencer | None,
) -> None:
    """`NotFound(gone)`, the answer for a subject that does not exist, unless the user has
    `standing` on it. Called where a refusal is due, before it is said: someone who knows of the
    subject is told who may act; anyone else learns nothing, not even that it exists."""
    if not await standing(s, directory, campaign, user_id, influencer=influencer):
        raise NotFound(gone)


async def is_the_influencer(directory: Directory, influencer: Influencer, user_id: str) -> bool:
    """Is `user_id` this influencer? `is_them`, asking Slack for the user's e-mail when needed."""
    if influencer.slack_user_id or not influencer.email:
        return is_them(influencer, user_id, None)
    return is_them(influencer, user_id, (await directory.user(user_id)).email)


def is_them(influencer: Influencer, user_id: str, email: str | None) -> bool:
    """Is `user_id` (whose Slack e-mail is `email`) this influencer? By Slack id; for an external
    creator invited by e-mail who has not been seen yet, by that e-mail (as SQL:
    `storage.queries.campaigns.is_me`)."""
    if influencer.slack_user_id:
        return influencer.slack_user_id == user_id
    return bool(email and influencer.email) and email.lower() == influencer.email.lower()
