"""The trust rules of bot/domain/trust.py, without Slack: who may create, link, choose and see."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.trust import (
    ChannelFacts,
    Someone,
    admin_rights_count,
    brand_role_refusal,
    creator_grant_refusal,
    creator_refusal,
    escalation_refusal,
    hold_reason,
    influencer_refusal,
    is_conversation,
    link_refusal,
    may_manage_creators,
    may_see_scorecards,
)

MEMBER = Someone()
ADMIN = Someone(is_admin=True)
CREATOR = Someone(is_creator=True)
GUEST = Someone(is_guest=True, is_creator=True)
PARTNER = Someone(other_org=True, is_admin=True)  # an admin of their own organisation
INFLUENCER = Someone(is_influencer=True)
INFLUENCER_ADMIN = Someone(is_influencer=True, is_admin=True, is_creator=True)


def test_who_may_create_campaigns():
    assert creator_refusal(ADMIN) is None and creator_refusal(CREATOR) is None
    assert "Ask a workspace admin to run `/campaign creators add @you`" in creator_refusal(MEMBER)
    for never, why in (
        (GUEST, "guest"),
        (PARTNER, "another organisation"),
        (INFLUENCER, "influencer"),
        (INFLUENCER_ADMIN, "influencer"),  # the influencer side wins, even over admin
    ):
        refusal = creator_refusal(never)
        assert refusal.startswith(":no_entry: You can't create campaigns:") and why in refusal
        assert "Campaigns are created by workspace admins and by campaign creators" in refusal


def test_the_creator_refusal_for_a_modal_is_plain_text():
    plain = creator_refusal(MEMBER, plain=True)
    assert "`" not in plain and not plain.startswith(":")


def test_only_admins_of_the_brand_side_manage_creators_and_only_members_get_the_right():
    assert may_manage_creators(ADMIN)
    for nobody in (MEMBER, CREATOR, PARTNER, INFLUENCER_ADMIN):
        assert not may_manage_creators(nobody)
    assert creator_grant_refusal(MEMBER, "<@U1>") is None
    for never in (GUEST, PARTNER, INFLUENCER, Someone(is_bot=True)):
        assert creator_grant_refusal(never, "<@U1>").endswith("They can't be a campaign creator.")


def test_one_person_one_side():
    assert brand_role_refusal(MEMBER, "<@U1>") is None
    for never in (INFLUENCER, GUEST, PARTNER):
        assert brand_role_refusal(never, "<@U1>").endswith("They can't hold a brand role.")
    assert influencer_refusal(MEMBER, "<@U1>") is None
    assert influencer_refusal(Someone(is_guest=True), "<@U1>") is None  # guests may be influencers
    for brand, side in (
        (Someone(has_brand_role=True), "holds a brand role"),
        (ADMIN, "is an admin"),
        (CREATOR, "is a campaign creator"),
    ):
        assert side in influencer_refusal(brand, "<@U1>")


def test_scorecards_are_for_the_brand_side():
    assert may_see_scorecards(ADMIN) and may_see_scorecards(Someone(has_brand_role=True))
    for nobody in (
        MEMBER,
        CREATOR,
        INFLUENCER,
        INFLUENCER_ADMIN,
        PARTNER,
        Someone(is_guest=True, has_brand_role=True),
    ):
        assert not may_see_scorecards(nobody)


SAFE = ChannelFacts(is_private=True, bot_is_member=True, person_is_member=True)
OTTO = frozenset({"U0OTTO"})  # an influencer on another engagement


@pytest.mark.parametrize(
    ("facts", "external", "expected"),
    [
        (SAFE, False, None),
        # who may read what is posted there: a public channel anyone may join, another influencer
        (ChannelFacts(bot_is_member=True, person_is_member=True), False, "is public"),
        (replace(SAFE, influencer_members=OTTO), False, "<@U0OTTO> is in <#C1> and is an influencer on"),
        (replace(SAFE, influencer_members=OTTO | {"U0AVA"}), False, "<@U0AVA>, <@U0OTTO> are in <#C1> and"),
        (replace(SAFE, influencer_members=frozenset({"U0IVY"})), False, None),  # the invitee herself
        (replace(SAFE, influencer_members=frozenset({"U0IVY"})), True, "<@U0IVY> is in"),  # not by e-mail
        (ChannelFacts(is_general=True, person_is_member=True), False, "general channel"),
        (ChannelFacts(is_private=True, is_direct=True, person_is_member=True), False, "direct message"),
        (ChannelFacts(is_private=True, bot_is_member=True), False, "You are not a member"),
        (ChannelFacts(is_private=True, person_is_member=True, is_archived=True), False, "archived"),
        (ChannelFacts(person_is_member=True, is_escalation_channel=True), False, "escalation channel"),
        (ChannelFacts(person_is_member=True, is_engagement_channel=True), False, "another engagement"),
        (replace(SAFE, other_teams=frozenset({"T2"})), False, "shared with another"),
        (replace(SAFE, shared_elsewhere=True), False, "shared with another"),
        (replace(SAFE, shared_elsewhere=True), True, "shared with nobody yet"),
        (replace(SAFE, holds_conversation=True), False, "already holds a conversation"),
        (replace(SAFE, holds_conversation=True), True, "already holds a conversation"),
        (replace(SAFE, holds_conversation=True, invitee_is_member=True), False, None),  # hers already
    ],
)
def test_linking_an_existing_channel(facts, external, expected):
    refusal = link_refusal(
        facts, "<#C1>", external_influencer=external, invitee=None if external else "U0IVY"
    )
    assert refusal is None if expected is None else expected in refusal


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (SAFE, None),
        (ChannelFacts(visible=False), "Add me to it first"),
        (ChannelFacts(is_private=True, person_is_member=True), "Add me to it first"),
        (ChannelFacts(bot_is_member=True, person_is_member=True), "Pick a private channel"),
        (replace(SAFE, is_direct=True), "Pick a private channel"),
        (ChannelFacts(is_private=True, bot_is_member=True), "not a member"),
        (
            ChannelFacts(is_private=True, bot_is_member=True, person_is_member=True, shared_elsewhere=True),
            "shared",
        ),
        (
            ChannelFacts(
                is_private=True, bot_is_member=True, person_is_member=True, is_engagement_channel=True
            ),
            "influencer's shared channel",
        ),
        (
            replace(SAFE, influencer_members=frozenset({"U0IVY"})),
            "An influencer of this workspace is a member",
        ),
    ],
)
def test_choosing_the_escalation_channel(facts, expected):
    refusal = escalation_refusal(facts)
    if expected is None:
        assert refusal is None
    else:
        assert expected in refusal and "`" not in refusal and "<" not in refusal  # a plain-text field error


def test_before_each_escalation_post():
    assert hold_reason(SAFE) is None
    assert hold_reason(ChannelFacts(visible=False)) == "I am no longer in the channel"
    assert hold_reason(ChannelFacts(is_private=False, bot_is_member=True)) == "the channel is now public"
    shared = ChannelFacts(is_private=True, bot_is_member=True, other_teams=frozenset({"T2"}))
    assert hold_reason(shared) == "the channel is now shared with another organisation"
    direct = ChannelFacts(is_private=True, bot_is_member=True, is_direct=True)
    assert hold_reason(direct) == "it is a direct message, not a channel of the brand team"
    joined = replace(SAFE, influencer_members=frozenset({"U0IVY"}))
    assert hold_reason(joined) == "an influencer is now a member of the channel (<@U0IVY>)"
    crowd = replace(SAFE, influencer_members=frozenset({"U1", "U2", "U3", "U4"}))
    assert hold_reason(crowd) == "an influencer is now a member of the channel (<@U1>, <@U2>, <@U3> …)"


def test_admin_rights_count_only_on_the_brand_side():
    assert admin_rights_count(is_admin=True, is_influencer=False)
    assert not admin_rights_count(is_admin=True, is_influencer=True)  # one person, one side
    assert not admin_rights_count(is_admin=False, is_influencer=False)


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ({"type": "message", "user": "U1", "text": "our offer"}, True),
        ({"type": "message", "bot_id": "B1", "text": "a card"}, True),
        ({"type": "message", "subtype": "bot_message", "text": "an app's post"}, True),
        ({"type": "message", "subtype": "file_share", "user": "U1"}, True),
        ({"type": "message", "subtype": "channel_join", "user": "U1"}, False),
        ({"type": "message", "subtype": "group_leave", "user": "U1"}, False),
        ({"type": "message", "subtype": "bot_add", "user": "U1"}, False),
        # a note with a thread under it: someone said something there
        ({"type": "message", "subtype": "channel_join", "user": "U1", "reply_count": 1}, True),
        ({"type": "message", "subtype": "channel_join", "user": "U1", "latest_reply": "1.2"}, True),
        # a topic, purpose or name quotes what someone typed
        ({"type": "message", "subtype": "channel_topic", "user": "U1", "topic": "Q3 fee"}, True),
        ({"type": "message", "subtype": "group_purpose", "user": "U1"}, True),
        ({"type": "message", "subtype": "channel_name", "user": "U1"}, True),
    ],
)
def test_what_counts_as_said_in_a_channel(message, said):
    assert is_conversation(message) is said
