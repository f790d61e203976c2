"""Administrators' commands of `campaign-guard` (bot/cli.py):

- `purge-workspace T…`: delete every row of one workspace (after `app_uninstalled` its data stays,
  inactive, until someone decides to delete it). Prints what it would delete and asks for the team
  id to be typed again; anything else deletes nothing.
- `reencrypt-tokens`: rewrite every stored Slack token with the first of `TOKEN_ENCRYPTION_KEYS`
  (rotating keys: put the new key first, run this, then drop the old key).
- `new-encryption-key`: print a fresh Fernet key for `TOKEN_ENCRYPTION_KEYS`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from bot.settings import Settings

COMMANDS = ("purge-workspace", "reencrypt-tokens")
NO_SETTINGS = ("new-encryption-key",)
_TEAM = re.compile(r"^[TE][A-Z0-9]{2,}$")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    purge = sub.add_parser("purge-workspace", help="delete every row of one workspace (asks to confirm)")
    purge.add_argument("team_id", help="the workspace's team id, T…")
    sub.add_parser("reencrypt-tokens", help="rewrite stored Slack tokens with the first encryption key")
    sub.add_parser("new-encryption-key", help="print a new key for TOKEN_ENCRYPTION_KEYS")


def run_without_settings(args: argparse.Namespace) -> int:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "purge-workspace":
        return asyncio.run(_purge(settings, args.team_id))
    return asyncio.run(_reencrypt(settings))


async def _purge(settings: Settings, team_id: str) -> int:
    from storage.db import Database
    from storage.queries import workspaces

    if not _TEAM.match(team_id):
        print(f"campaign-guard: {team_id!r} is not a Slack team id (like T012AB3CD)", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        async with db.transaction() as s:
            found = await workspaces.counts(s, team_id)
        if not found:
            print(f"Nothing is stored for workspace {team_id}.")
            return 0
        print(f"Workspace {team_id} has:")
        for table, count in sorted(found.items()):
            print(f"  {count:>8}  {table}")
        print(f"Type the team id ({team_id}) to delete all of it for good: ", end="", flush=True)
        typed = sys.stdin.readline().strip()
        if typed != team_id:
            print("campaign-guard: that is not the team id; nothing was deleted.", file=sys.stderr)
            return 1
        async with db.transaction() as s:
            deleted = await workspaces.purge(s, team_id)
        print(f"Deleted {sum(deleted.values())} rows of workspace {team_id}:")
        for table, count in sorted(deleted.items()):
            print(f"  {count:>8}  {table}")
        return 0
    finally:
        await db.dispose()


async def _reencrypt(settings: Settings) -> int:
    from bot.installations import EncryptedInstallationStore, TokenCipher
    from storage.db import Database

    if not settings.token_encryption_keys:
        print("campaign-guard: TOKEN_ENCRYPTION_KEYS is not set", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        cipher = TokenCipher(settings.token_encryption_keys)
        store = EncryptedInstallationStore(settings.slack_client_id or "", db.engine, cipher)
        rewritten = await store.reencrypt_all()
        print(f"Re-encrypted the tokens of {rewritten} rows with the first key.")
        return 0
    finally:
        await db.dispose()
