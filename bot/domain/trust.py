"""The trust boundaries between the brand and the influencers, as plain rules (docs/trust-boundaries.md).

Campaign Guard mediates between two parties with opposed interests, so a few rules hold around the
per-campaign roles of `permissions.py`:

- **Who may create campaigns**: admins and the people an admin granted the workspace's *campaign
  creator* right; never a Slack guest, a user of another organisation, or an influencer.
- **One person, one side**: an influencer on any engagement of the workspace holds no brand role,
  and nobody on the brand side (a brand role, an admin, a campaign creator) is invited as an
  influencer. The influencer side wins: an influencer who is also an admin (Slack made them one
  later, say) still may not create campaigns, grant the creator right or read scorecards.
- **Channels**: a linked engagement channel and an escalation channel each have their own rules,
  checked from what Slack says about the channel (`ChannelFacts`) and what the store knows.

Each rule returns the sentence of the refusal, or None when allowed. Sentences meant for a modal
field error are plain text (no mrkdwn, no channel mentions: a field error shows them raw).
"""

from __future__ import annotations

from dataclasses import dataclass

WHO_CREATES = (
    "Campaigns are created by workspace admins and by campaign creators: members of this workspace "
    "(not guests, not another organisation, not influencers) to whom an admin gave the right."
)
HOW_TO_GET_IT = "Ask a workspace admin to run `/campaign creators add @you`."
ONE_SIDE = "one person is on one side only: the brand's or the influencer's"


@dataclass(frozen=True, slots=True)
class Someone:
    """What the trust rules need to know about a Slack user (from `users.info` and the store)."""

    is_admin: bool = False  # ADMIN_USER_IDS, or a Slack owner/admin of this workspace
    is_guest: bool = False  # `is_restricted` or `is_ultra_restricted`
    other_org: bool = False  # their team differs from the workspace's (Slack Connect)
    is_influencer: bool = False  # an influencer on an engagement of this workspace (any status)
    is_creator: bool = False  # granted the campaign creator right
    has_brand_role: bool = False  # manager, member or legal on a campaign of this workspace
    is_bot: bool = False


def _never_brand_side(p: Someone, who: str) -> str | None:
    """Those who never act for the brand, whatever else they are."""
    if p.is_bot:
        return f"{who} a bot or a deactivated account."
    if p.is_guest:
        return f"{who} a guest of this workspace, and guests never act for the brand."
    if p.other_org:
        return f"{who} from another organisation (Slack Connect), and only this workspace acts for the brand."
    if p.is_influencer:
        return f"{who} an influencer on a campaign of this workspace, and {ONE_SIDE}."
    return None


def creator_refusal(p: Someone, *, plain: bool = False) -> str | None:
    """May this person create a campaign (open the form, or submit it)? `plain`: for a modal field
    error (no emoji, no backticks)."""
    never = _never_brand_side(p, "you are")
    if never:
        text = f"You can't create campaigns: {never} {WHO_CREATES}"
    elif p.is_admin or p.is_creator:
        return None
    else:
        text = f"You can't create campaigns yet. {WHO_CREATES} {HOW_TO_GET_IT}"
    return text.replace("`", "") if plain else f":no_entry: {text}"


def may_become_creator(p: Someone) -> bool:
    """Could an admin give this person the campaign creator right (so is it worth telling them to
    ask)? Never a guest, another organisation's user or an influencer (`creator_grant_refusal`)."""
    return _never_brand_side(p, "") is None


def admin_rights_count(*, is_admin: bool, is_influencer: bool) -> bool:
    """Do someone's admin rights (ADMIN_USER_IDS, or Slack's owner or admin flag) count here? Not
    for an influencer on any engagement of the workspace: someone Slack made an admin after they
    were invited as an influencer stays on the influencer side for every workspace-wide right and
    all brand-side reading (incident lists, other campaigns, conduct flags about the brand team)."""
    return is_admin and not is_influencer


def may_manage_creators(p: Someone) -> bool:
    """`/campaign creators add|remove|list` is for admins (who are not on the influencer side)."""
    return p.is_admin and may_become_creator(p)


def creator_grant_refusal(p: Someone, mention: str) -> str | None:
    """May `mention` be given the campaign creator right?"""
    never = _never_brand_side(p, f"{mention} is")
    return f":no_entry: {never} They can't be a campaign creator." if never else None


def brand_role_refusal(p: Someone, mention: str) -> str | None:
    """May `mention` be made a manager, member or legal (`/campaign role`)? A brand role reads the
    brand's side (legal notices, unshared reviews, scorecards): never a guest, another
    organisation's user or an influencer."""
    never = _never_brand_side(p, f"{mention} is")
    return f":no_entry: {never} They can't hold a brand role." if never else None


def influencer_refusal(p: Someone, mention: str) -> str | None:
    """May `mention` be invited as an influencer (`/campaign invite`)?"""
    if p.has_brand_role or p.is_admin or p.is_creator:
        side = (
            "holds a brand role on a campaign"
            if p.has_brand_role
            else "is an admin"
            if p.is_admin
            else "is a campaign creator"
        )
        return f":no_entry: {mention} {side} of this workspace and can't also be an influencer: {ONE_SIDE}."
    return None


# ---------------------------------------------------------------------------------------------
# channels


@dataclass(frozen=True, slots=True)
class ChannelFacts:
    """One channel as Slack (`conversations.info` / `conversations.members`) and the store see it."""

    visible: bool = True  # conversations.info answered (a private channel the bot is in, or public)
    is_private: bool = False
    is_archived: bool = False
    is_general: bool = False
    #: a direct message or a group DM (`is_im`, `is_mpim`): a conversation between people, not a channel
    is_direct: bool = False
    bot_is_member: bool = False
    #: organisations (team ids) other than this workspace the channel is shared with; a channel
    #: shared inside an Enterprise Grid org (`is_org_shared`) or with a pending invite counts as
    #: shared too (`shared_elsewhere`).
    other_teams: frozenset[str] = frozenset()
    shared_elsewhere: bool = False
    person_is_member: bool = False  # the inviter (linking) or the chooser (escalation channel)
    #: members who are influencers on an engagement of the workspace (any status); read for a
    #: private channel only: a public one is refused wherever who is in it matters
    influencer_members: frozenset[str] = frozenset()
    is_engagement_channel: bool = False  # of any engagement of the workspace
    is_escalation_channel: bool = False  # of any campaign of the workspace
    #: the person to be added (an influencer linked to it) is in it already; read for a private
    #: channel only
    invitee_is_member: bool = False
    #: it already holds a conversation (`is_conversation`): read only to link it, and only when the
    #: person to be added is not in it yet; Slack shows a private channel's history to a new member
    holds_conversation: bool = False

    @property
    def is_shared(self) -> bool:
        return bool(self.other_teams) or self.shared_elsewhere


#: Messages Slack writes into a channel about who is in it (someone joined or left, an app was
#: added or removed, it was archived or unarchived): no one said anything. A change of topic,
#: purpose or name is not one of them: its note quotes what someone typed, which stays readable.
CHANNEL_EVENTS = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "channel_archive",
        "channel_unarchive",
        "group_archive",
        "group_unarchive",
        "bot_add",
        "bot_remove",
    }
)


def is_conversation(message: dict) -> bool:
    """Whether a message of `conversations.history` holds something someone (a person, an app, the
    bot) said: anything but Slack's notes of who is in the channel (`CHANNEL_EVENTS`), and those
    too when someone replied in their thread (the history lists a thread by its first message)."""
    replied = message.get("reply_count") or message.get("latest_reply") or message.get("reply_users")
    return message.get("subtype") not in CHANNEL_EVENTS or bool(replied)


def link_refusal(
    c: ChannelFacts, channel: str, *, external_influencer: bool, invitee: str | None = None
) -> str | None:
    """May this existing channel become the shared channel of `invitee`'s engagement?

    `channel` is how to name it (a `<#C…>` mention). It must be private, and no influencer but the
    invitee may be in it: it will carry their incidents, strikes and reviews. For a workspace member
    the channel must not be shared with any other organisation; for an influencer invited by email
    (whose organisation is not known before they accept), it must not be shared with anyone.
    """
    if not c.visible:
        return None  # said by the caller: "add me first"
    if c.is_general:
        return (
            f":no_entry: {channel} is the workspace's general channel; an engagement needs its own channel."
        )
    if c.is_direct:
        return f":no_entry: {channel} is a direct message; an engagement needs its own channel."
    if c.is_archived:
        return f":no_entry: {channel} is archived; pick another channel."
    if not c.person_is_member:
        return (
            f":no_entry: You are not a member of {channel}, so you can't link it: I only link channels "
            "the person inviting is already in."
        )
    if c.is_escalation_channel:
        return (
            f":no_entry: {channel} is a campaign's escalation channel; legal's notices stay there, away "
            "from influencers. Pick another channel."
        )
    if c.is_engagement_channel:
        return (
            f":no_entry: {channel} is already the shared channel of another engagement. Pick another channel."
        )
    if not c.is_private:
        return (
            f":no_entry: {channel} is public: anyone in the workspace, other influencers included, could "
            "read this engagement's incidents and reviews there. Link a private channel (add me to it "
            "first), or leave out the #channel and I create one."
        )
    if others := sorted(c.influencer_members - {invitee}):
        who = ", ".join(f"<@{u}>" for u in others)
        one = len(others) == 1
        return (
            f":no_entry: {who} {'is' if one else 'are'} in {channel} and "
            f"{'is an influencer on another engagement' if one else 'are influencers on other engagements'}: "
            "they would read everything about this one there. Pick another channel, or leave it out and "
            "I create one."
        )
    if c.holds_conversation and not c.invitee_is_member:
        return (
            f":no_entry: {channel} already holds a conversation, and whoever joins a private channel "
            "reads it from its first message: everything said there so far would become readable by "
            "the influencer. Link a channel with nothing said in it yet, or leave out the #channel and "
            "I create one."
        )
    if c.is_shared:
        if external_influencer:
            return (
                f":no_entry: {channel} is shared with another organisation. An influencer invited by "
                "email can only be linked to a channel shared with nobody yet (or leave out the "
                "#channel and I create one)."
            )
        return (
            f":no_entry: {channel} is shared with another organisation; an engagement channel is shared "
            "with nobody but its influencer. Pick another channel, or leave it out and I create one."
        )
    return None


def in_escalation_channel_refusal(mention: str, channel: str, slug: str) -> str:
    """`/campaign invite` of someone who is a member of an escalation channel (`channel`, of
    campaign `slug`): legal's notices would reach them there."""
    return (
        f":no_entry: {mention} is a member of {channel}, the escalation channel of `{slug}`: legal's "
        "notices about influencers are posted there, so an influencer can't be in it. Remove them "
        "from that channel first, then invite them again."
    )


def escalation_refusal(c: ChannelFacts) -> str | None:
    """May this channel be chosen as a campaign's escalation channel? Plain text (a field error)."""
    if not c.visible or not c.bot_is_member:
        return (
            "I can't see that channel. Add me to it first (type /invite @Campaign Guard in the "
            "channel), then pick it again."
        )
    if not c.is_private or c.is_general or c.is_direct:
        return "Pick a private channel: escalations carry legal's notes, which only the brand team may read."
    if c.is_archived:
        return "That channel is archived; pick another one."
    if c.is_shared:
        return "That channel is shared with another organisation; pick a channel only your team is in."
    if c.is_engagement_channel:
        return "That is an influencer's shared channel; pick a private channel of the brand team."
    if c.influencer_members:
        return (
            "An influencer of this workspace is a member of that channel; pick a channel only the "
            "brand team is in."
        )
    if not c.person_is_member:
        return "You are not a member of that channel; pick one you are in."
    return None


def hold_reason(c: ChannelFacts) -> str | None:
    """Before each post to an escalation channel: why it must be held back, or None to post."""
    if not c.visible or not c.bot_is_member:
        return "I am no longer in the channel"
    if c.is_archived:
        return "the channel is archived"
    if not c.is_private:
        return "the channel is now public"
    if c.is_direct:
        return "it is a direct message, not a channel of the brand team"
    if c.is_shared:
        return "the channel is now shared with another organisation"
    if c.is_engagement_channel:
        return "the channel is now an influencer's shared channel"
    if c.influencer_members:
        named = sorted(c.influencer_members)
        who = ", ".join(f"<@{u}>" for u in named[:3]) + (" …" if len(named) > 3 else "")
        return f"an influencer is now a member of the channel ({who})"
    return None


# ---------------------------------------------------------------------------------------------
# scorecards


def may_see_scorecards(viewer: Someone) -> bool:
    """May `viewer` see influencer scorecards (every review, shared or not) at all?

    Admins and brand-role holders may; an influencer never does, even one who is also an admin or
    still holds a role from before this rule, and neither does a guest or a user of another
    organisation. Which influencers a brand-role holder sees is narrower: only those engaged on a
    campaign where they hold a brand role (`storage.queries.reviews.works_with`); admins see all.
    """
    if viewer.is_influencer or viewer.is_guest or viewer.other_org:
        return False
    return viewer.is_admin or viewer.has_brand_role
