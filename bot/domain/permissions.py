"""Who may do what: the role table of docs/roles.md as data, checked on the server for every action."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.domain.enums import Role
from bot.errors import NotPermitted


class Act(StrEnum):
    """An authorised action; the value completes the sentence "Only a … can <value>"."""

    VIEW_CAMPAIGN = "view this campaign"
    INVITE = "invite influencers"
    GRANT_ROLE = "change roles on this campaign"
    EDIT_GUIDELINES = "edit the guidelines"
    ADD_DELIVERABLE = "add deliverables"
    ACKNOWLEDGE_GUIDELINES = "acknowledge these guidelines"
    LIST_TEAM = "see the campaign team"
    SEE_REMINDERS = "see failed and late reminders"
    CHANGE_CAMPAIGN_STATUS = "complete, cancel or reopen this campaign"
    SUBMIT_DELIVERABLE = "mark a deliverable submitted"
    PUBLISH_DELIVERABLE = "mark a deliverable published"
    APPROVE_DELIVERABLE = "approve deliverables"
    CANCEL_DELIVERABLE = "cancel deliverables"
    RESCHEDULE_DELIVERABLE = "change a deliverable's due time"
    REQUEST_CHANGES = "ask for changes on a deliverable"
    RUN_COMPLIANCE_CHECK = "run compliance checks"
    POST_CARD_AGAIN = "post a card again"
    LOG_REVIEW = "log reviews"
    VIEW_SCORECARD = "see influencer scorecards"


BRAND = frozenset({Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.LEGAL})
SETUP = frozenset({Role.ADMIN, Role.MANAGER})

PERMISSIONS: dict[Act, frozenset[Role]] = {
    Act.VIEW_CAMPAIGN: BRAND | {Role.INFLUENCER},
    Act.LIST_TEAM: BRAND,
    Act.INVITE: SETUP,
    Act.GRANT_ROLE: SETUP,
    Act.EDIT_GUIDELINES: SETUP,
    Act.ADD_DELIVERABLE: SETUP,
    Act.SEE_REMINDERS: SETUP,
    Act.CHANGE_CAMPAIGN_STATUS: SETUP,
    # Only the influencer of the engagement (checked against the deliverable's engagement).
    Act.SUBMIT_DELIVERABLE: frozenset({Role.INFLUENCER}),
    Act.PUBLISH_DELIVERABLE: frozenset({Role.INFLUENCER}),
    Act.APPROVE_DELIVERABLE: BRAND,
    Act.CANCEL_DELIVERABLE: SETUP,
    Act.RESCHEDULE_DELIVERABLE: SETUP,
    Act.REQUEST_CHANGES: SETUP | {Role.MEMBER},
    Act.RUN_COMPLIANCE_CHECK: BRAND,
    # a card Slack refused (the channel archived, the bot removed), once the channel is fixed
    Act.POST_CARD_AGAIN: BRAND,
    Act.LOG_REVIEW: BRAND,
    # brand roles only: an influencer never sees another influencer's reviews or scores
    Act.VIEW_SCORECARD: BRAND,
    # Only the influencer of the engagement: an admin cannot acknowledge a contract for them.
    Act.ACKNOWLEDGE_GUIDELINES: frozenset({Role.INFLUENCER}),
}


def may(act: Act, roles: Iterable[Role]) -> bool:
    return not PERMISSIONS[act].isdisjoint(roles)


def require(act: Act, roles: Iterable[Role]) -> None:
    """Raise `NotPermitted` naming the roles that may, unless one of `roles` may."""
    if not may(act, roles):
        raise NotPermitted(act.value, (role.value for role in PERMISSIONS[act]))


def campaign_roles(*, is_admin: bool, granted: str | None, is_influencer: bool) -> frozenset[Role]:
    """A user's roles on one campaign from what the store knows about them."""
    roles: set[Role] = set()
    if is_admin:
        roles.add(Role.ADMIN)
    if granted:
        roles.add(Role(granted))
    if is_influencer:
        roles.add(Role.INFLUENCER)
    return frozenset(roles)
