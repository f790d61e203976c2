"""Sentences the bot says, in one place."""

from __future__ import annotations

from bot.ids import Command

CAMPAIGN_USAGE = f"""*Campaign Guard — campaign setup*
`{Command.CAMPAIGN} new [slug]` — create a campaign (opens a form)
`{Command.CAMPAIGN} list` — the campaigns you are part of
`{Command.CAMPAIGN} show <slug>` — details, team, guidelines and influencers
`{Command.CAMPAIGN} invite <slug> <@user | email> [#channel]` — add an influencer and their shared channel
`{Command.CAMPAIGN} role <slug> <@user> <manager | member | legal>` — give someone a role
`{Command.CAMPAIGN} guidelines <slug>` — add or edit clauses (asks influencers to acknowledge again)
`{Command.CAMPAIGN} deliverable <slug>` — add a deliverable with its due time
`{Command.CAMPAIGN} reminders [<slug>]` — reminders that failed or are late (admins and managers)
`{Command.CAMPAIGN} help` — this message"""

BREACH_USAGE = f"""*Campaign Guard — breach reports*
`{Command.BREACH}` — report a breach of a campaign's guidelines
`{Command.BREACH} list [open | all] [<slug>]` · `{Command.BREACH} show BR-<n>` · \
`{Command.BREACH} export [<slug>]` · `{Command.BREACH} help`"""

REVIEW_USAGE = f"""*Campaign Guard — performance reviews*
`{Command.REVIEW}` — log a review of an influencer's conduct and work (opens a form)
`{Command.REVIEW} history <@user | influencer name>` — scorecard across all campaigns \
(incidents, strikes, ratings and trend, on-time delivery)
`{Command.REVIEW} help` — this message"""

GUIDELINES_UNCHANGED = "No change to the guidelines, so the version stays the same."


def unknown_subcommand(command: str, word: str, usage: str) -> str:
    return f":warning: `{command} {word[:40]}` is not a command I know.\n\n{usage}"


def missing_argument(usage_line: str) -> str:
    return f":warning: Missing argument. Usage: `{usage_line}`"


def unknown_slug(slug: str) -> str:
    return f":mag: No campaign `{slug[:40]}` in this workspace. `/campaign list` shows yours."


def unexpected_error(error_id: str) -> str:
    return (
        f":boom: Something went wrong on our side. If it happens again, give this id to your admin: "
        f"`{error_id}`."
    )
