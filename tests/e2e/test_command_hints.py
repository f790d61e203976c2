"""The slash commands as Slack presents them (manifest.yml's usage hints, what Slack shows while
typing) and as the in-app help presents them, against the commands the bot accepts and the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import messages
from bot.ids import Command
from tests.e2e.harness import ADMIN, MANAGER, set_up_team

ROOT = Path(__file__).resolve().parents[2]


def _subcommands(usage_text: str, command: str) -> set[str]:
    """The subcommands a `*_USAGE` help text lists (`/campaign report …` → `report`), but `help`."""
    return set(re.findall(rf"`{re.escape(command)} ([a-z]+)", usage_text)) - {"help"}


def _usage_hints() -> dict[str, str]:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return {c["command"]: c["usage_hint"] for c in manifest["features"]["slash_commands"]}


@pytest.mark.parametrize(
    ("command", "usage_text"),
    [
        (Command.CAMPAIGN, messages.CAMPAIGN_USAGE),
        (Command.BREACH, messages.BREACH_USAGE),
        (Command.REVIEW, messages.REVIEW_USAGE),
    ],
)
def test_the_manifest_usage_hint_names_every_subcommand(command, usage_text):
    """Slack shows the usage hint under the command as it is typed: every subcommand the bot
    accepts (`/campaign report`, `digest`, `reminders` are in docs/insights.md, docs/reminders.md)
    should be in it, or it tells a user the command does not exist."""
    hint_words = set(re.findall(r"[a-z]+", _usage_hints()[command]))
    missing = sorted(_subcommands(usage_text, command) - hint_words)
    assert not missing, f"{command}'s usage_hint in manifest.yml leaves out {missing}"


async def test_campaign_help_says_admins_may_run_the_conduct_monitor(world):
    """docs/conduct.md and docs/roles.md: `/campaign conduct` is for a campaign's managers and the
    admins (an admin does switch it); `/campaign help` says it is for managers only."""
    await set_up_team(world)
    await world.run(ADMIN, "/campaign conduct spring on")
    assert "is *on*" in world.said_to(ADMIN)

    await world.run(MANAGER, "/campaign help")
    conduct_line = next(line for line in world.said_to(MANAGER).splitlines() if "/campaign conduct" in line)
    assert "admin" in conduct_line, conduct_line
