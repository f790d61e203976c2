"""`/campaign help`, `/breach help`, `/review help` (and the bare `/campaign`): each person is shown
the subcommands they may run (`bot.domain.commands`); and a mistyped subcommand, answered with the
closest one."""

from __future__ import annotations

from bot import messages
from bot.domain import commands as rules
from bot.flows import trust
from bot.flows.access import known_email
from bot.services import Services
from storage.queries import campaigns as q


async def help_for(
    svc: Services, team_id: str, user_id: str, command: str, unknown: str | None = None
) -> str:
    """`command`'s help for `user_id`: the lines they may run, and a note on what is not theirs.
    `unknown`: the subcommand they typed that does not exist (said first)."""
    someone = await trust.someone(svc, team_id, user_id)  # looks the user up: their e-mail, below
    held: set[str] = set()
    if not someone.is_influencer:
        async with svc.db.transaction() as s:
            held = await q.brand_roles_held(s, team_id, user_id, known_email(svc.directory, user_id))
    keys, note = rules.help_lines(command, rules.caller(someone, held))
    text = messages.help_text(command, keys, note)
    return text if unknown is None else messages.unknown_subcommand(command, unknown, text)


def did_you_mean(command: str, word: str, args: list[str]) -> str | None:
    """The answer to `command word args…` when `word` is no subcommand but close to one: that one,
    and the command line rewritten with it (nothing runs on a guess). None: nothing close."""
    meant = rules.closest(command, word)
    if meant is None:
        return None
    return messages.did_you_mean(command, word, meant, args, rules.line_of(command, meant))
