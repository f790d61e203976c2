"""The demo seed: a story already under way when the playground opens.

Every step drives the real bot through the `SlackUserClient` (slash commands, modals, buttons),
exactly as a person would in the browser — nothing is inserted into the database directly — so
the seed stays correct as the product grows. The story starts `STORY_DAYS_AGO` days in the past:
the seed moves the injected clock back, plays the steps, then returns the clock to the present,
so a deliverable that was due two days into the campaign is honestly overdue today.

The second workspace (Globex, another customer of the same deployment) gets a story of its own,
`GLOBEX_STEPS`, played through the same bot by Globex's people (`Playground.in_team`).

EXTENSION POINT: append steps to `SEED_STEPS` (or `GLOBEX_STEPS`) as features land.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from bot.ids import Action, Callback, Field
from playground import people
from playground.emulator import Message, View
from storage.models import Campaign

if TYPE_CHECKING:
    from playground.app import Playground

SLUG = "spring-launch"
STORY_DAYS_AGO = 4
MANAGER, MEMBER, LEGAL = people.MANAGER.user_id, people.MEMBER.user_id, people.LEGAL.user_id
ADMIN = people.ADMIN.user_id
IVY = people.INFLUENCER.user_id


class SeedError(RuntimeError):
    """A seed step did not get the answer it expected from the bot."""


@dataclass(frozen=True)
class SeedStep:
    title: str  # printed as progress: "seeding: <title>"
    run: Callable[[Playground], Awaitable[None]]


# ------------------------------------------------------------------ helpers


async def command(pg: Playground, user: str, line: str, channel: str | None = None) -> None:
    name, _, text = line.partition(" ")
    reply = await pg.slack.command(user, name, text, channel=channel)
    if not reply.ok:
        raise SeedError(f"{line!r} answered HTTP {reply.status}: {reply.body}")


def top_modal(pg: Playground, user: str, callback_id: str) -> View:
    views = pg.emulator.open_views(user)
    if not views or views[-1].callback_id != callback_id:
        said = [m.text for m in pg.emulator.ephemerals(user)][-1:]
        raise SeedError(f"expected the {callback_id} modal for {user}; the bot said {said}")
    return views[-1]


async def submit(pg: Playground, user: str, view: View, values: dict[str, Any]) -> None:
    reply = await pg.slack.submit_view(user, view.id, {key: {key: value} for key, value in values.items()})
    body = reply.body if isinstance(reply.body, dict) else {}
    if not reply.ok or body.get("response_action") == "errors":
        raise SeedError(f"{view.callback_id} refused: {reply.status} {reply.body}")


def option_value(view: View, block_id: str, label_contains: str) -> str:
    for block in view.blocks:
        if block.get("block_id") == block_id:
            for option in block.get("element", {}).get("options", []):
                if label_contains.lower() in option["text"]["text"].lower():
                    return option["value"]
    raise SeedError(f"no option containing {label_contains!r} in {block_id}")


def button_message(pg: Playground, channel_id: str, action_id: str) -> Message:
    for message in reversed(pg.emulator.history(channel_id)):
        if any(
            e.get("action_id") == action_id
            for b in message.blocks
            if b.get("type") == "actions"
            for e in b.get("elements", [])
        ):
            return message
    raise SeedError(f"no message with a {action_id} button in {channel_id}")


def shared_channel(pg: Playground, influencer: str) -> str:
    channel = pg.emulator.channel_by_name(f"cg-{SLUG}-{influencer}")
    if channel is None:
        raise SeedError(f"no shared channel for {influencer}")
    return channel.id


async def add_deliverable(
    pg: Playground, influencer: str, title: str, platform: str, due_in: timedelta
) -> None:
    await command(pg, MANAGER, f"/campaign deliverable {SLUG}")
    view = top_modal(pg, MANAGER, Callback.DELIVERABLE_NEW)
    due = int((pg.clock.now() + due_in).timestamp())
    await submit(
        pg,
        MANAGER,
        view,
        {
            Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, influencer),
            Field.TITLE: title,
            Field.PLATFORM: platform,
            Field.DUE: due,
        },
    )


# -------------------------------------------------------------------- steps


async def rewind(pg: Playground) -> None:
    pg.clock.advance(-timedelta(days=STORY_DAYS_AGO))


async def grant_creator(pg: Playground) -> None:
    """Only admins and campaign creators may create campaigns: Ada (admin) makes Maya a creator."""
    await command(pg, ADMIN, f"/campaign creators add <@{MANAGER}|maya>")
    said = [m.text for m in pg.emulator.ephemerals(ADMIN)][-1:]
    if not said or "may now create campaigns" not in said[0]:
        raise SeedError(f"Maya was not made a campaign creator; the bot said {said}")


async def create_campaign(pg: Playground) -> None:
    legal = pg.emulator.channel("legal")
    legal.members.add(pg.emulator.bot_user.id)  # someone typed `/invite @Campaign Guard` in #legal
    await command(pg, MANAGER, f"/campaign new {SLUG}")
    view = top_modal(pg, MANAGER, Callback.CAMPAIGN_NEW)
    today = pg.clock.now().date()
    await submit(
        pg,
        MANAGER,
        view,
        {
            Field.NAME: "Spring Launch 2027",
            Field.SLUG: SLUG,
            Field.BRAND: "Acme Outdoor",
            Field.MARKET: "US",
            Field.START: today.isoformat(),
            Field.END: (today + timedelta(days=90)).isoformat(),
            Field.ESCALATION_CHANNEL: legal.id,
            Field.TEMPLATE: "default",
        },
    )


async def add_team(pg: Playground) -> None:
    await command(pg, MANAGER, f"/campaign role {SLUG} <@{MEMBER}|mo> member")
    await command(pg, MANAGER, f"/campaign role {SLUG} <@{LEGAL}|lee> legal")


async def invite_ivy(pg: Playground) -> None:
    await command(pg, MANAGER, f"/campaign invite {SLUG} <@{IVY}|ivy>")
    channel = shared_channel(pg, "ivy")
    message = button_message(pg, channel, Action.ACKNOWLEDGE_GUIDELINES)
    pg.clock.advance(timedelta(hours=3))
    await pg.slack.click(IVY, channel, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    await pg.slack.post_message(
        IVY, channel, "Thanks Maya! Excited for this one — guidelines read and acknowledged."
    )


async def invite_eve(pg: Playground) -> None:
    await command(pg, MANAGER, f"/campaign invite {SLUG} {people.EXTERNAL.email}")
    people.join_external(pg.emulator)  # Eve accepts the Slack Connect invite (has not acknowledged yet)


async def add_deliverables(pg: Playground) -> None:
    pg.clock.advance(timedelta(hours=1))
    # due two days into the story, i.e. two days ago once the clock is back: overdue
    await add_deliverable(pg, "Ivy", "Launch reel", "tiktok", timedelta(days=2))
    await add_deliverable(pg, "Ivy", "Unboxing story", "instagram", timedelta(days=STORY_DAYS_AGO + 3))
    await add_deliverable(pg, "Eve", "Trail lookbook post", "instagram", timedelta(days=STORY_DAYS_AGO + 6))


def option_values(view: View, block_id: str) -> list[tuple[str, str]]:
    """(label, value) of every option of a select (flat or grouped) in a block of the view."""
    for block in view.blocks:
        if block.get("block_id") == block_id:
            element = block.get("element", {})
            groups = element.get("option_groups") or [{"options": element.get("options", [])}]
            return [(o["text"]["text"], o["value"]) for g in groups for o in g.get("options", [])]
    raise SeedError(f"no block {block_id} in {view.callback_id}")


def card_message(pg: Playground, channel_id: str) -> Message:
    """The newest incident card (it carries the incident's buttons) in a channel."""
    return button_message(pg, channel_id, Action.INCIDENT_RESPOND)


async def report_breach(pg: Playground) -> None:
    """Mo reports Ivy's launch teaser (G1 disclosure) through `/breach`; Ivy acknowledges and responds,
    and the two talk it over in the card's thread. The incident stays open, in mediation."""
    pg.clock.advance(timedelta(days=1, hours=2))
    await command(pg, MEMBER, "/breach")
    view = top_modal(pg, MEMBER, Callback.BREACH_REPORT)
    engagement = option_value(view, Field.ENGAGEMENT, "Ivy")
    # choosing the engagement updates the clause list (dispatch_action), as in the browser
    await pg.slack.click_in_view(MEMBER, view.id, Action.REPORT_ENGAGEMENT_CHOSEN, value=engagement)
    view = top_modal(pg, MEMBER, Callback.BREACH_REPORT)
    clause = next((v for label, v in option_values(view, Field.GUIDELINE) if label.startswith("G1 ")), None)
    if clause is None:
        raise SeedError("no G1 clause in the breach report modal")
    await submit(
        pg,
        MEMBER,
        view,
        {  # the engagement chosen above is kept in the view's state
            Field.GUIDELINE: clause,
            Field.DESCRIPTION: "The launch teaser went up on Ivy's story with the disclosure only in the bio "
            "and #collab at the end of the caption — no #ad in the post itself.",
            Field.EVIDENCE: "https://instagram.example/stories/ivy/launch-teaser",
        },
    )
    channel = shared_channel(pg, "ivy")
    card = card_message(pg, channel)
    pg.clock.advance(timedelta(hours=2))
    await pg.slack.click(IVY, channel, card.ts, Action.INCIDENT_ACKNOWLEDGE)
    pg.clock.advance(timedelta(minutes=40))
    card = card_message(pg, channel)
    await pg.slack.click(IVY, channel, card.ts, Action.INCIDENT_RESPOND)
    view = top_modal(pg, IVY, Callback.INCIDENT_RESPOND)
    await submit(
        pg,
        IVY,
        view,
        {
            Field.STATEMENT: "My mistake — the story template dropped the #ad line. I have re-posted it with "
            "#ad at the start; the old one expired. Happy to pin a comment on the reel too."
        },
    )
    pg.clock.advance(timedelta(minutes=25))
    await pg.slack.post_message(
        MEMBER,
        channel,
        'Thanks Ivy. Could you also add "Paid partnership with Acme Outdoor" to the reel before Friday?',
        card.ts,
    )
    pg.clock.advance(timedelta(minutes=10))
    await pg.slack.post_message(IVY, channel, "Yes, will do today 👍", card.ts)


#: (reviewer, influencer, ratings: conduct/communication/timeliness/content, work again, notes, shared)
REVIEWS = (
    (
        MANAGER,
        "Ivy",
        ("5", "4", "3", "5"),
        "yes",
        "Great content and quick replies; the launch reel is running late.",
        True,
    ),
    (MEMBER, "Ivy", ("4", "4", "4", "5"), "yes", "", False),
    (MANAGER, "Eve", ("4", "3", "4", "4"), "yes", "Slow to acknowledge the guidelines.", False),
)


async def log_reviews(pg: Playground) -> None:
    """Maya and Mo log weekly reviews through `/review`; Maya shares hers with Ivy."""
    pg.clock.advance(timedelta(hours=20))
    for reviewer, influencer, ratings, again, notes, shared in REVIEWS:
        await command(pg, reviewer, "/review")
        view = top_modal(pg, reviewer, Callback.REVIEW_LOG)
        values: dict[str, Any] = {
            Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, influencer),
            Field.CONDUCT: ratings[0],
            Field.COMMUNICATION: ratings[1],
            Field.TIMELINESS: ratings[2],
            Field.CONTENT_QUALITY: ratings[3],
            Field.WOULD_WORK_AGAIN: again,
        }
        if notes:
            values[Field.NOTES] = notes
        if shared:
            values[Field.REVIEW_OPTIONS] = ["shared"]
        await submit(pg, reviewer, view, values)
        pg.clock.advance(timedelta(minutes=15))


async def back_to_now(pg: Playground) -> None:
    offset = getattr(pg.clock, "offset", None)
    if offset is not None:
        pg.clock.advance(-offset)


#: The demo story, in order. EXTENSION POINT: append steps before `back_to_now`.
SEED_STEPS: list[SeedStep] = [
    SeedStep(f"rewinding the clock {STORY_DAYS_AGO} days (the story starts in the past)", rewind),
    SeedStep("Maya made a campaign creator by Ada (admin)", grant_creator),
    SeedStep("campaign Spring Launch 2027 for Acme Outdoor, default guidelines", create_campaign),
    SeedStep("team roles (member, legal)", add_team),
    SeedStep("influencer Ivy: shared channel, guidelines acknowledged", invite_ivy),
    SeedStep("external influencer Eve via Slack Connect (guidelines pending)", invite_eve),
    SeedStep("deliverables (one overdue)", add_deliverables),
    SeedStep("an open breach incident in mediation (BR-1, G1 disclosure)", report_breach),
    SeedStep("reviews (one shared with Ivy)", log_reviews),
    SeedStep("back to the present", back_to_now),
]


# ------------------------------------------------------------ the second workspace: Globex

GLOBEX_SLUG = "velo-week"
GLOBEX_STORY_DAYS_AGO = 2
GRACE, GIL, HANA = people.GLOBEX_MANAGER.user_id, people.GLOBEX_LEGAL.user_id, people.GLOBEX_ADMIN.user_id
NOOR = people.GLOBEX_INFLUENCER.user_id


async def globex_rewind(pg: Playground) -> None:
    pg.clock.advance(-timedelta(days=GLOBEX_STORY_DAYS_AGO))


async def globex_grant_creator(pg: Playground) -> None:
    """Globex's admin, Hana, makes Grace a campaign creator."""
    await command(pg, HANA, f"/campaign creators add <@{GRACE}|grace>")
    said = [m.text for m in pg.emulator.ephemerals(HANA)][-1:]
    if not said or "may now create campaigns" not in said[0]:
        raise SeedError(f"Grace was not made a campaign creator; the bot said {said}")


async def globex_campaign(pg: Playground) -> None:
    """Velo Week 2027 for Globex Cycles, legal in Globex's own #legal; Gil on the legal role."""
    legal = pg.emulator.channel("legal")
    legal.members.add(pg.emulator.bot_user.id)  # Globex invited the app to its #legal too
    await command(pg, GRACE, f"/campaign new {GLOBEX_SLUG}")
    view = top_modal(pg, GRACE, Callback.CAMPAIGN_NEW)
    today = pg.clock.now().date()
    await submit(
        pg,
        GRACE,
        view,
        {
            Field.NAME: "Velo Week 2027",
            Field.SLUG: GLOBEX_SLUG,
            Field.BRAND: "Globex Cycles",
            Field.MARKET: "UK",
            Field.START: today.isoformat(),
            Field.END: (today + timedelta(days=30)).isoformat(),
            Field.ESCALATION_CHANNEL: legal.id,
            Field.TEMPLATE: "default",
        },
    )
    await command(pg, GRACE, f"/campaign role {GLOBEX_SLUG} <@{GIL}|gil> legal")


async def globex_invite_noor(pg: Playground) -> None:
    """Noor is invited, acknowledges the guidelines and says hello; one deliverable, due in five days."""
    await command(pg, GRACE, f"/campaign invite {GLOBEX_SLUG} <@{NOOR}|noor>")
    channel = pg.emulator.channel_by_name(f"cg-{GLOBEX_SLUG}-noor")
    if channel is None:
        raise SeedError("no shared channel for Noor")
    message = button_message(pg, channel.id, Action.ACKNOWLEDGE_GUIDELINES)
    pg.clock.advance(timedelta(hours=5))
    await pg.slack.click(NOOR, channel.id, message.ts, Action.ACKNOWLEDGE_GUIDELINES)
    await pg.slack.post_message(NOOR, channel.id, "Hi Grace! Guidelines read — the ride films start Monday.")
    pg.clock.advance(timedelta(hours=1))
    await command(pg, GRACE, f"/campaign deliverable {GLOBEX_SLUG}")
    view = top_modal(pg, GRACE, Callback.DELIVERABLE_NEW)
    due = int((pg.clock.now() + timedelta(days=GLOBEX_STORY_DAYS_AGO + 5)).timestamp())
    await submit(
        pg,
        GRACE,
        view,
        {
            Field.ENGAGEMENT: option_value(view, Field.ENGAGEMENT, "Noor"),
            Field.TITLE: "Ride film",
            Field.PLATFORM: "youtube",
            Field.DUE: due,
        },
    )


#: Globex's story, in order (played by Globex's people in Globex). EXTENSION POINT: append steps
#: before `back_to_now`.
GLOBEX_STEPS: list[SeedStep] = [
    SeedStep(f"Globex: rewinding the clock {GLOBEX_STORY_DAYS_AGO} days", globex_rewind),
    SeedStep("Globex: Grace made a campaign creator by Hana (admin)", globex_grant_creator),
    SeedStep("Globex: campaign Velo Week 2027 for Globex Cycles, Gil as legal", globex_campaign),
    SeedStep("Globex: influencer Noor acknowledged, a deliverable due in five days", globex_invite_noor),
    SeedStep("Globex: back to the present", back_to_now),
]

#: Each workspace's story, by team id.
STORIES: dict[str, list[SeedStep]] = {people.TEAM_ID: SEED_STEPS, people.GLOBEX_TEAM_ID: GLOBEX_STEPS}


async def has_campaign(pg: Playground, team_id: str | None = None) -> bool:
    """Whether the database has a campaign (of the workspace `team_id`, when given)."""
    query = select(func.count()).select_from(Campaign)
    if team_id is not None:
        query = query.where(Campaign.team_id == team_id)
    async with pg.bot.services.db.transaction() as session:
        return bool((await session.exec(query)).one()[0])


async def seed(pg: Playground, steps: Iterable[SeedStep] = SEED_STEPS, progress=print) -> None:
    """Play a story through the bot (default: the demo's, in the first workspace; pass
    `pg.in_team(…)` and its steps for another). The clock returns to the present even on failure."""
    steps = list(steps)
    try:
        for number, step in enumerate(steps, 1):
            progress(f"  seeding [{number}/{len(steps)}] {step.title}")
            await step.run(pg)
    finally:
        await back_to_now(pg)
