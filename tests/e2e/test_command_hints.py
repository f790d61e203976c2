"""The slash commands as Slack presents them (manifest.yml's usage hints, what Slack shows while
typing) and as the in-app help presents them, against the commands the bot accepts and the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import messages
from bot.ids import Command
from tests.e2e.harness import ADMIN, IVY, LEGAL, MANAGER, MEMBER, OTTO, report, set_up_team

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


# ------------------------------------------------------------------------------------------------
# a mistyped subcommand


async def test_a_mistyped_subcommand_is_answered_with_the_closest_one_and_nothing_runs(world):
    """`/campaign invte summer @Ivy` answers with `invite`, the line rewritten with it to send again
    and `invite`'s usage; nobody is invited, no channel is made. The same for `/breach` and
    `/review`, and a word people try for the form (`/breach report`) points to the command alone."""
    await world.new_campaign("summer")
    before = await world.row_counts()
    channels = len(world.emulator.workspace.channels)

    reply = await world.run(MANAGER, f"/campaign invte summer <@{IVY}|ivy>")
    assert reply.ok
    said = world.said_to(MANAGER)
    assert said.startswith(
        ":warning: `/campaign invte` is not a command I know. "
        f"Did you mean `/campaign invite summer <@{IVY}>`?"
    ), said
    assert "\n`/campaign invite &lt;slug&gt; &lt;@user | email&gt; [#channel]` — add an influencer" in said
    assert said.endswith("`/campaign help` lists the commands you can use.")

    await world.run(MANAGER, "/breach lsit all")
    said = world.said_to(MANAGER)
    assert "Did you mean `/breach list all`?\n`/breach list [open | all] [&lt;slug&gt;]`" in said
    await world.run(MANAGER, "/review histroy Ivy")
    assert "Did you mean `/review history Ivy`?" in world.said_to(MANAGER)
    await world.run(MANAGER, "/breach report summer")
    assert "Did you mean `/breach`?\n`/breach` — report a breach" in world.said_to(MANAGER)
    await world.run(MANAGER, '/campaign shwo "<b>summer</b> x"')
    assert 'Did you mean `/campaign show "&lt;b&gt;summer&lt;/b&gt; x"`?' in world.said_to(MANAGER)

    assert await world.row_counts() == before
    assert len(world.emulator.workspace.channels) == channels
    assert world.emulator.open_views(MANAGER) == []


async def test_a_mistyped_log_points_to_the_review_form(world):
    """`/review lgo` (log, two letters swapped) is answered with `/review`, the form `log` is a
    word for, and its line; not with the whole help. The same for a swapped `help`."""
    await set_up_team(world)
    await world.run(MANAGER, "/review lgo")
    said = world.said_to(MANAGER)
    assert said.startswith(":warning: `/review lgo` is not a command I know. Did you mean `/review`?\n"), said
    assert "\n`/review` — log a review" in said and "/review history" not in said, said
    assert world.emulator.open_views(MANAGER) == []  # nothing runs on a guess
    await world.run(MANAGER, "/breach hlep")
    assert "Did you mean `/breach help`?" in world.said_to(MANAGER)


async def test_a_word_close_to_no_subcommand_gets_the_help_of_its_reader(world):
    await set_up_team(world)
    await world.run(IVY, "/campaign frobnicate now")
    said = world.said_to(IVY)
    assert said.startswith(":warning: `/campaign frobnicate` is not a command I know.\n\n"), said
    assert "`/campaign list`" in said and "/campaign invite" not in said


# ------------------------------------------------------------------------------------------------
# help: each person is shown what they may run


def _lines(said: str, command: str) -> set[str]:
    """The subcommands a help names on lines of their own ("" for the command alone)."""
    return {m or "" for m in re.findall(rf"^`{re.escape(command)}(?: ([a-z]+))?[` ]", said, re.MULTILINE)}


async def test_an_influencers_help_shows_what_she_can_run_and_what_the_brand_team_does(world):
    channel = await set_up_team(world)
    await report(world)  # a breach reported to Ivy, so that her lines lead somewhere
    asked = {}
    for command in (Command.CAMPAIGN, Command.BREACH, Command.REVIEW):
        await world.run(IVY, f"{command} help")
        asked[command] = world.said_to(IVY)
    assert _lines(asked[Command.CAMPAIGN], "/campaign") == {"list", "show", "help"}, asked[Command.CAMPAIGN]
    assert "your engagement" in asked[Command.CAMPAIGN] and "team, guidelines" not in asked[Command.CAMPAIGN]
    assert _lines(asked[Command.BREACH], "/breach") == {"list", "show", "help"}, asked[Command.BREACH]
    assert _lines(asked[Command.REVIEW], "/review") == {"help"}, asked[Command.REVIEW]
    for command, said in asked.items():
        assert "_The brand team " in said, (command, said)
    await world.run(IVY, "/campaign")  # the bare command shows the same help
    assert world.said_to(IVY) == asked[Command.CAMPAIGN]

    # every line shown is one she may run
    for line in ("/campaign list", "/campaign show spring", "/breach list", "/breach show BR-1"):
        await world.run(IVY, line, channel=channel)
        assert not world.said_to(IVY).startswith(":no_entry:"), (line, world.said_to(IVY))


async def test_a_member_is_not_shown_what_managers_and_admins_run(world):
    await set_up_team(world)
    await world.run(MEMBER, "/campaign help")
    said = world.said_to(MEMBER)
    assert _lines(said, "/campaign") == {"list", "show", "report", "help"}, said
    assert "_Setting a campaign up (influencers, roles, guidelines, deliverables) is for its managers" in said
    await world.run(MEMBER, "/breach help")
    assert _lines(world.said_to(MEMBER), "/breach") == {"", "list", "show", "verify", "help"}
    await world.run(MEMBER, "/review help")
    assert _lines(world.said_to(MEMBER), "/review") == {"", "history", "help"}
    await world.run(LEGAL, "/breach help")
    assert "export" in _lines(world.said_to(LEGAL), "/breach")


async def test_a_manager_sees_the_setup_lines_and_an_admin_everything(world):
    await set_up_team(world)
    await world.run(MANAGER, "/campaign help")
    said = world.said_to(MANAGER)
    assert _lines(said, "/campaign") == _subcommands(messages.CAMPAIGN_USAGE, "/campaign") - {"creators"} | {
        "help"
    }, said
    assert "_Setting a campaign up" not in said and "no role" not in said
    for command, full in (
        (Command.CAMPAIGN, messages.CAMPAIGN_USAGE),
        (Command.BREACH, messages.BREACH_USAGE),
        (Command.REVIEW, messages.REVIEW_USAGE),
    ):
        await world.run(ADMIN, f"{command} help")
        assert world.said_to(ADMIN) == full


async def test_someone_with_no_role_yet_is_told_how_to_get_one(world):
    """Otto, a member of the workspace, could be given a role; a guest could not, nor be told so."""
    await set_up_team(world)
    await world.run(OTTO, "/campaign help")
    said = world.said_to(OTTO)
    assert _lines(said, "/campaign") == {"list", "show", "help"}, said
    assert "You hold no role on a campaign yet" in said
    guest = world.emulator.add_user("gus", user_id="U0GUEST", is_restricted=True).id
    await world.run(guest, "/breach help")
    said = world.said_to(guest)
    assert _lines(said, "/breach") == {"list", "show", "help"}, said
    assert "no role yet" not in said and "a guest or someone from another organisation holds no role" in said
