"""The **Report a breach** shortcut quotes a shared channel's message in the report: the quote goes
on the card and in the mediation thread of the engagement the report is filed on, read by that
engagement's influencer. A message of Ivy's channel is Ivy's conversation with the brand, so a
report that still quotes it is filed on Ivy's engagement, or not at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.ids import Action, Field, Shortcut
from playground.emulator import View
from storage.models import Incident
from tests.e2e.harness import (
    IVY,
    MANAGER,
    MEMBER,
    OTTO,
    World,
    card_of,
    option_value,
    set_up_team,
    text_of,
)

SECRET = "SECRET-IVY-DEAL: we pay Ivy double this month\nand don't tell the others"
IVYS, OTTOS = "Spring Launch · Ivy", "Spring Launch · Otto"
REFUSAL = (
    f"This quotes a message from the shared channel of {IVYS}, which @Otto can't read: "
    "file the report on that engagement, or remove the quote."
)
REFUSED = {"response_action": "errors", "errors": {Field.DESCRIPTION: REFUSAL}}


async def two_influencers(world: World) -> tuple[str, str]:
    """`spring` with Ivy and Otto, each with their shared channel (Ivy's, Otto's)."""
    ivy = await set_up_team(world)
    assert (await world.invite(OTTO)).startswith(":handshake:")
    otto = world.emulator.channel_by_name("cg-spring-otto").id
    return ivy, otto


async def shortcut_on(world: World, author: str, channel: str, text: str = SECRET) -> View:
    """`author` posts `text` in `channel`; Maya uses **Report a breach** on it: her form."""
    said = await world.slack.post_message(author, channel, text)
    await world.slack.message_shortcut(MANAGER, channel, said.ts, Shortcut.REPORT_BREACH)
    return world.top_view(MANAGER)


def field(view: View, block_id: str) -> dict[str, Any]:
    return next(b for b in view.blocks if b.get("block_id") == block_id)["element"]


async def choose(world: World, view: View, label: str) -> View:
    """Maya picks the engagement `label` in her form (its clauses are shown again)."""
    value = option_value(view, Field.ENGAGEMENT, label)
    await world.slack.click_in_view(MANAGER, view.id, "report_engagement", value=value)
    return world.top_view(MANAGER)


async def submit(world: World, view: View, description: str | None = None):
    values = {Field.GUIDELINE: {Field.GUIDELINE: option_value(view, Field.GUIDELINE, "G4 ")}}
    if description is not None:  # else the description as the form holds it (the quote)
        values[Field.DESCRIPTION] = {Field.DESCRIPTION: description}
    return await world.slack.submit_view(MANAGER, view.id, values)


def everything_in(world: World, channel: str) -> str:
    """What the channel's members read: its messages and every thread under them."""
    seen = [text_of(m) for m in world.emulator.history(channel)]
    for message in world.emulator.history(channel):
        seen += [text_of(r) for r in world.emulator.replies(channel, message.ts)]
    return "\n".join(seen)


async def incidents(world: World) -> list[Incident]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(Incident).order_by(Incident.id))).scalars())


async def test_a_quote_of_ivys_channel_is_not_filed_on_ottos_engagement(world: World):
    ivy, otto = await two_influencers(world)
    view = await shortcut_on(world, MEMBER, ivy)
    assert field(view, Field.DESCRIPTION)["initial_value"].startswith("The message:\n> SECRET-IVY-DEAL")
    view = await choose(world, view, OTTOS)
    assert "SECRET-IVY-DEAL" in field(view, Field.DESCRIPTION)["initial_value"]  # kept while choosing
    before, otto_saw = await world.row_counts(), everything_in(world, otto)

    reply = await submit(world, view)
    assert reply.body == REFUSED
    # a line of the quote, re-spaced and without its quote marks, is still Ivy's conversation
    reply = await submit(world, view, "Mo posted this in the wrong place:\n  and don't  tell the others")
    assert reply.body == REFUSED

    await world.stack.settle()
    assert await world.row_counts() == before and await incidents(world) == []
    assert everything_in(world, otto) == otto_saw and "SECRET-IVY-DEAL" not in otto_saw
    assert world.top_view(MANAGER).id == view.id  # the form stays open, as she filled it


async def test_the_same_quote_is_filed_on_ivys_engagement(world: World):
    ivy, otto = await two_influencers(world)
    view = await shortcut_on(world, MEMBER, ivy)
    assert field(view, Field.ENGAGEMENT)["initial_option"]["text"]["text"] == IVYS
    reply = await submit(world, view)
    assert reply.ok and not reply.body
    await world.stack.settle()
    [reported] = await incidents(world)
    assert reported.channel_id == ivy and reported.description.startswith("The message:\n> SECRET-IVY")
    assert "SECRET-IVY-DEAL: we pay Ivy double" in text_of(card_of(world, ivy))
    thread = [text_of(r) for r in world.emulator.replies(ivy, card_of(world, ivy).ts)]
    assert any("SECRET-IVY-DEAL" in t for t in thread)
    assert "SECRET-IVY-DEAL" not in everything_in(world, otto)


async def test_refused_then_filed_on_ivys_engagement_loses_nothing(world: World):
    """After the refusal Maya picks Ivy's engagement again: the form still knows where its quote came
    from, and the report goes through as she wrote it."""
    ivy, otto = await two_influencers(world)
    view = await choose(world, await shortcut_on(world, MEMBER, ivy), OTTOS)
    assert (await submit(world, view)).body == REFUSED
    view = await choose(world, world.top_view(MANAGER), IVYS)
    assert (await submit(world, view)).ok
    await world.stack.settle()
    [reported] = await incidents(world)
    assert reported.channel_id == ivy and "SECRET-IVY-DEAL" in reported.description
    assert "SECRET-IVY-DEAL" not in everything_in(world, otto)


async def test_without_the_quote_it_is_filed_on_ottos_engagement(world: World):
    ivy, otto = await two_influencers(world)
    view = await choose(world, await shortcut_on(world, MEMBER, ivy), OTTOS)
    reply = await submit(world, view, "Otto repeated the brand's private terms in public.")
    assert reply.ok and not reply.body
    await world.stack.settle()
    [reported] = await incidents(world)
    assert reported.channel_id == otto
    assert "Otto repeated the brand's private terms" in text_of(card_of(world, otto))
    assert "SECRET-IVY-DEAL" not in everything_in(world, otto)
    assert reported.evidence and "SECRET" not in " ".join(reported.evidence)  # the link stays as it was


async def test_a_brand_persons_message_preselects_the_channels_engagement(world: World):
    ivy, _ = await two_influencers(world)
    view = await shortcut_on(world, MEMBER, ivy, "We pay on the 5th.")
    assert field(view, Field.ENGAGEMENT)["initial_option"]["text"]["text"] == IVYS


async def test_another_influencers_message_preselects_the_channels_engagement(world: World):
    """Otto, added to Ivy's channel, writes there: the report preselects Ivy's engagement, whose
    channel it is, not Otto's own (whose card would carry Ivy's conversation to Otto's channel)."""
    ivy, otto = await two_influencers(world)
    world.emulator.channel(ivy).members.add(OTTO)
    view = await shortcut_on(world, OTTO, ivy, "Ivy, they pay you double, ask them")
    assert field(view, Field.ENGAGEMENT)["initial_option"]["text"]["text"] == IVYS
    assert field(view, Field.DESCRIPTION)["initial_value"].startswith("The message:\n> Ivy, they pay you")
    assert (await submit(world, view)).ok
    await world.stack.settle()
    [reported] = await incidents(world)
    assert reported.channel_id == ivy and "they pay you double" not in everything_in(world, otto)


async def test_a_message_outside_shared_channels_picks_its_author_and_quotes_nothing(world: World):
    """Unchanged: Ivy's message in another channel names her engagement, with its link only."""
    await two_influencers(world)
    general = world.emulator.channel_by_name("general")
    general.members.update({IVY, MANAGER})
    view = await shortcut_on(world, IVY, general.id, "PRIVATE-GENERAL: the brand is a joke")
    assert field(view, Field.ENGAGEMENT)["initial_option"]["text"]["text"] == IVYS
    assert not field(view, Field.DESCRIPTION).get("initial_value")
    assert field(view, Field.EVIDENCE)["initial_value"].startswith("https://")


async def test_the_form_asking_report_anyway_still_knows_the_quote(world: World):
    """A second report within a day comes back with "report anyway?": that form, too, refuses the
    quote on Otto's engagement."""
    ivy, otto = await two_influencers(world)
    assert (await submit(world, await shortcut_on(world, MEMBER, ivy))).ok
    await world.stack.settle()
    view = await shortcut_on(world, MEMBER, ivy, SECRET + " (again)")
    assert (await submit(world, view)).body["response_action"] == "update"  # possible duplicate
    view = await choose(world, world.top_view(MANAGER), OTTOS)
    assert (await submit(world, view)).body == REFUSED
    await world.stack.settle()
    assert len(await incidents(world)) == 1 and "SECRET-IVY-DEAL" not in everything_in(world, otto)


async def test_ivys_quote_stays_in_the_channel_of_its_campaign(world: World):
    """Ivy works on `autumn` too, in another channel with its own brand team: her `spring`
    conversation is not filed there either."""
    ivy = await set_up_team(world)
    await world.new_campaign("autumn", **{Field.NAME: "Autumn Drop"})
    assert (await world.invite(IVY, "autumn")).startswith(":handshake:")
    autumn = world.emulator.channel_by_name("cg-autumn-ivy").id
    view = await choose(world, await shortcut_on(world, MEMBER, ivy), "Autumn Drop · Ivy")
    reply = await submit(world, view)
    assert reply.body == {
        "response_action": "errors",
        "errors": {
            Field.DESCRIPTION: f"This quotes a message from the shared channel of {IVYS}, and this "
            "report's card goes to another channel: file the report on that engagement, or remove the quote."
        },
    }
    await world.stack.settle()
    assert await incidents(world) == [] and "SECRET-IVY-DEAL" not in everything_in(world, autumn)


# what Slack sends for a message typed with a broadcast, a link, a mention and `>>>` in it: Slack's
# own markup for the broadcast, the rest escaped as typed
TYPED = (
    "Pay me double <!channel>\n"
    "see &lt;https://evil.example|your invoice&gt; &amp; &lt;@U0EVIL&gt;\n"
    "&gt;&gt;&gt; and keep it quiet"
)
SHOWN = (
    "The message:\n"
    "> Pay me double @channel\n"
    "> see &lt;https://evil.example|your invoice&gt; &amp; &lt;@U0EVIL&gt;\n"
    "> &gt;&gt;&gt; and keep it quiet"
)


def _reads_as_a_quote(text: str) -> None:
    assert SHOWN in text, text
    assert "&gt; Pay me" not in text and "&gt; see" not in text, text
    for live in ("<!channel>", "<@U0EVIL>", "<https://evil", ">>>"):
        assert live not in text, (live, text)


async def test_the_quoted_message_reads_as_a_slack_quote_wherever_it_shows(world: World):
    """The card, `/breach show` (the brand's and Ivy's, with its timeline) and Ivy's Respond form
    show the reported message as a block quote: each line behind a real `>`, not "&gt;", and the
    quoted text still escaped (no broadcast, mention or link comes from it)."""
    ivy, _ = await two_influencers(world)
    view = await shortcut_on(world, IVY, ivy, TYPED)
    assert (await submit(world, view)).ok
    await world.stack.settle()
    card = card_of(world, ivy)
    what = next(b for b in card.blocks if b.get("text", {}).get("text", "").startswith("*What happened*"))
    _reads_as_a_quote(what["text"]["text"])
    for who in (MANAGER, IVY):
        await world.run(who, "/breach show BR-1")
        shown = world.said_to(who)
        _reads_as_a_quote(shown)
        timeline = shown[shown.index("reported it") :]
        assert timeline.startswith("reported it: The message:\n> Pay me double @channel"), timeline
    await world.slack.click(IVY, ivy, card.ts, Action.INCIDENT_RESPOND)
    _reads_as_a_quote(text_of({"blocks": world.top_view(IVY).blocks}))
