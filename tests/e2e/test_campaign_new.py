"""`/campaign new` through its modal, and every way the form refuses bad input."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.campaigns import NAME_MAX
from bot.ids import Field
from storage.models import Campaign, CampaignRole, Guideline
from tests.e2e.harness import MANAGER, MEMBER, World


async def test_create_campaign_through_the_modal(world: World):
    legal = world.emulator.channel_by_name("legal")
    legal.members.add(world.emulator.bot_user.id)  # an escalation channel needs the bot in it
    reply = await world.submit_new_campaign(**{Field.ESCALATION_CHANNEL: legal.id, Field.MARKET: "UK"})
    assert reply.ok and reply.body in (None, "", {})
    assert world.emulator.open_views(MANAGER) == []  # the modal closed

    async with world.db.transaction() as s:
        campaign = (await s.exec(select(Campaign))).scalars().one()
        roles = (await s.exec(select(CampaignRole))).scalars().all()
        clauses = (await s.exec(select(Guideline).order_by(Guideline.position))).scalars().all()
    assert (campaign.slug, campaign.name, campaign.brand, campaign.market) == (
        "spring",
        "Spring Launch",
        "Acme",
        "UK",
    )
    assert campaign.team_id == world.emulator.team_id
    assert campaign.owner_id == MANAGER and campaign.guidelines_version == 1
    assert [(r.user_id, r.role) for r in roles] == [(MANAGER, "manager")]
    assert [c.code for c in clauses] == [f"G{i}" for i in range(1, 9)]
    dm = world.dm_to(MANAGER)
    assert "Campaign *Spring Launch* (`spring`) is set up" in dm
    assert "I am not in" not in dm  # the form refuses an escalation channel without the bot


async def test_slug_from_the_command_prefills_the_form(world: World):
    view = await world.open_new_campaign(slug="summer-drop")
    slug_block = next(b for b in view.blocks if b.get("block_id") == Field.SLUG)
    assert slug_block["element"]["initial_value"] == "summer-drop"


async def test_empty_template(world: World):
    await world.new_campaign(**{Field.TEMPLATE: "empty"})
    assert await world.count(Guideline) == 0


async def _refused(world: World, **overrides) -> dict:
    before = await world.row_counts()
    reply = await world.submit_new_campaign(**overrides)
    assert reply.ok and reply.body["response_action"] == "errors", reply.body
    assert await world.row_counts() == before, "a refused form wrote something"
    assert world.top_view(MANAGER).errors == reply.body["errors"]  # the modal stays open, errors shown
    return reply.body["errors"]


async def test_bad_slug_is_a_field_error(world: World):
    for slug in ("Spring Launch", "x", "a" * 41, "spring_launch"):
        errors = await _refused(world, **{Field.SLUG: slug})
        assert list(errors) == [Field.SLUG]
        assert "lowercase letters, digits or hyphens" in errors[Field.SLUG]


async def test_end_before_start_is_a_field_error(world: World):
    errors = await _refused(world, **{Field.START: "2027-05-01", Field.END: "2027-04-30"})
    assert errors == {Field.END: "The end date is before the start date."}


async def test_duplicate_slug_is_a_field_error(world: World):
    await world.new_campaign("spring")
    errors = await _refused(world, **{Field.SLUG: "spring"})
    assert errors == {Field.SLUG: "“spring” is taken in this workspace; pick another slug."}


async def test_forged_values_are_refused(world: World):
    """A payload can carry values the form never offered; the server checks them anyway."""
    view = await world.open_new_campaign()
    reply = await world.forge_submission(
        MANAGER,
        view,
        {
            Field.NAME: {"type": "plain_text_input", "value": "x"},
            Field.SLUG: {"type": "plain_text_input", "value": "forged"},
            Field.BRAND: {"type": "plain_text_input", "value": "b"},
            Field.START: {"type": "datepicker", "selected_date": "2027-03-01"},
            Field.END: {"type": "datepicker", "selected_date": "not-a-date"},
            Field.MARKET: {"type": "static_select", "selected_option": {"value": "DE"}},
        },
    )
    assert reply.body["response_action"] == "errors"
    assert set(reply.body["errors"]) == {Field.END, Field.MARKET}
    assert await world.count(Campaign) == 0


async def test_a_campaign_creator_starts_a_campaign_and_owns_it(world: World):
    await world.grant_creator(MEMBER)  # only admins and campaign creators may (tests/e2e/test_trust.py)
    await world.new_campaign("member-camp", user=MEMBER)
    async with world.db.transaction() as s:
        owner = (await s.exec(select(Campaign.owner_id).where(Campaign.slug == "member-camp"))).scalar_one()
    assert owner == MEMBER


async def _forged_campaign(world: World, name: str, brand: str) -> dict:
    """A signed `campaign_new` submission with these name and brand, past the form's own caps
    (which only Slack's client enforces); refused as field errors, nothing stored."""
    view = await world.open_new_campaign()
    reply = await world.forge_submission(
        MANAGER,
        view,
        {
            Field.NAME: {"type": "plain_text_input", "value": name},
            Field.SLUG: {"type": "plain_text_input", "value": "huge"},
            Field.BRAND: {"type": "plain_text_input", "value": brand},
            Field.START: {"type": "datepicker", "selected_date": "2027-03-01"},
            Field.END: {"type": "datepicker", "selected_date": "2027-05-31"},
            Field.MARKET: {"type": "static_select", "selected_option": {"value": "US"}},
        },
    )
    assert reply.ok and (reply.body or {}).get("response_action") == "errors", reply.body
    assert await world.count(Campaign) == 0
    return reply.body["errors"]


async def test_a_forged_campaign_name_longer_than_the_form_allows_is_refused(world: World):
    """Maya signs a submission whose name is 3,500 characters (the form caps it at NAME_MAX).
    Stored, it would go unshortened into section blocks (the guidelines message of every shared
    channel, App Home lines, `/campaign list`), over Slack's 3,000 characters per section, and
    Slack would refuse them: the server refuses it as a field error."""
    view = await world.open_new_campaign()
    name_block = next(b for b in view.blocks if b.get("block_id") == Field.NAME)
    assert name_block["element"]["max_length"] == NAME_MAX  # the form and the server share the cap
    errors = await _forged_campaign(world, "Spring " * 500, "Acme")
    assert errors == {Field.NAME: f"Keep the name to {NAME_MAX} characters."}
    assert await _forged_campaign(world, "x" * (NAME_MAX + 1), "Acme") == errors


async def test_a_forged_brand_name_longer_than_the_form_allows_is_refused(world: World):
    """The same with the brand, shown in every influencer's App Home line of the campaign."""
    view = await world.open_new_campaign()
    brand_block = next(b for b in view.blocks if b.get("block_id") == Field.BRAND)
    assert brand_block["element"]["max_length"] == NAME_MAX
    errors = await _forged_campaign(world, "Spring", "Acme " * 700)
    assert errors == {Field.BRAND: f"Keep the brand to {NAME_MAX} characters."}
    # at the cap exactly, both are taken
    await world.new_campaign(**{Field.NAME: "n" * NAME_MAX, Field.BRAND: "b" * NAME_MAX})
    assert await world.count(Campaign) == 1
