"""The playground: the real bot and emulated Slack workspaces on one port, no Slack app needed.

`campaign-guard serve` runs this when no Slack credentials are set. The bot is exactly the
production bot: it receives signed requests on `/slack/events` and calls the Web API at
`/api/…`, which the emulator answers. The browser UI is at `/` (playground/web.py).

The bot runs as a deployment serving many workspaces (OAuth mode, with the emulated app's client
id and secret): each workspace — Acme, the demo's, and Globex, a second customer — is installed
through the OAuth v2 flow (`/slack/install` → Slack's authorize page → `/slack/oauth_redirect`),
and every request and reminder acts with its own workspace's token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

from bot.clock import OffsetClock
from bot.runtime import Bot, build_bot
from bot.settings import Settings
from playground import people, snapshot
from playground.emulator import SlackEmulator, SlackError, SlackUserClient
from playground.emulator.oauth import SlackApp
from playground.emulator.webapi import add_routes
from playground.stack import install_through_oauth
from playground.web import PlaygroundWeb
from playground.web import add_routes as add_web_routes

log = logging.getLogger(__name__)


@dataclass
class Playground:
    emulator: SlackEmulator  # acting in the first workspace (Acme); `in_team` for another
    bot: Bot
    slack: SlackUserClient  # acts as the first workspace's people
    clock: OffsetClock
    url: str
    signing_secret: str = ""
    web: PlaygroundWeb | None = None
    snapshot_path: Path | None = None
    _save_pending: asyncio.TimerHandle | None = field(default=None, repr=False)
    _clients: dict[str, SlackUserClient] = field(default_factory=dict, repr=False)

    @property
    def team_ids(self) -> list[str]:
        """Every emulated workspace, the first (the demo's) first."""
        return list(self.emulator.workspaces)

    def slack_for(self, team_id: str) -> SlackUserClient:
        """The client acting as the people of workspace `team_id` (KeyError for an unknown one)."""
        if team_id == self.emulator.team_id:
            return self.slack
        if team_id not in self._clients:
            self._clients[team_id] = SlackUserClient(
                self.emulator.in_team(team_id),
                self.slack.bot_events_url,
                self.signing_secret,
                after_request=self.slack.after_request,
            )
        return self._clients[team_id]

    def in_team(self, team_id: str) -> Playground:
        """The same playground acting in another workspace (the seed plays Globex's story with it)."""
        if team_id == self.emulator.team_id:
            return self
        slack = self.slack_for(team_id)
        return replace(self, emulator=slack.emulator, slack=slack)

    async def settle(self) -> None:
        await self.bot.services.background.drain(timeout=30)

    def save_soon(self) -> None:
        """Save the workspaces shortly after a burst of changes (and once more at shutdown)."""
        if self.snapshot_path is None or self._save_pending is not None:
            return
        self._save_pending = asyncio.get_running_loop().call_later(0.5, self.save)

    def snapshot_paths(self) -> dict[str, Path]:
        """Where each workspace is saved: the first beside the database as before
        (`var/campaign_guard.workspace.pickle`), the others as
        `var/campaign_guard.<team id>.workspace.pickle`."""
        if self.snapshot_path is None:
            return {}
        first, *others = self.team_ids
        return {first: self.snapshot_path} | {
            team: sidecar(self.snapshot_path, f".{team}.workspace.pickle") for team in others
        }

    def save(self) -> None:
        """Save now; a save still pending is then done, and must not run later (after a shutdown,
        it would write this run's state over whatever the next run started from)."""
        if self._save_pending is not None:
            self._save_pending.cancel()
            self._save_pending = None
        if self.snapshot_path is None:
            return
        for team_id, path in self.snapshot_paths().items():
            snapshot.save(self.emulator.workspaces[team_id], path)
        save_slack_app(self.emulator.app, sidecar(self.snapshot_path, ".slack-app.pickle"))


# ------------------------------------------------------------------ what persists beside the database


def sidecar(snapshot_path: Path, suffix: str) -> Path:
    """A file beside the workspace snapshot:
    `var/campaign_guard.workspace.pickle` → `var/campaign_guard<suffix>`."""
    return snapshot_path.with_name(snapshot_path.name.removesuffix(".workspace.pickle") + suffix)


def save_slack_app(app: SlackApp, path: Path) -> None:
    """The tokens the emulated Slack issued and where the app is installed: Slack remembers them
    across a restart, so the installations stored in the bot's database keep working."""
    data = {
        "format": 1,
        "grants": app.grants,
        "refresh_tokens": app.refresh_tokens,
        "installed": app.installed,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(data, handle)
    os.replace(temporary, path)


def load_slack_app(app: SlackApp, path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return False
    except Exception:
        log.warning(
            "could not read the emulated Slack app's tokens at %s; the workspaces are reinstalled", path
        )
        return False
    if not isinstance(data, dict) or data.get("format") != 1:
        return False
    app.grants.update(data["grants"])
    app.refresh_tokens.update(data["refresh_tokens"])
    app.installed.update(data["installed"])
    return True


def encryption_keys(settings: Settings, key_path: Path | None) -> tuple[str, ...]:
    """TOKEN_ENCRYPTION_KEYS when set; else the playground's own Fernet key, kept beside the
    database (mode 0600) so the installations stored encrypted stay readable after a restart
    (a fresh key each time without persistence). The tokens it protects are the emulator's."""
    if settings.token_encryption_keys:
        return settings.token_encryption_keys
    if key_path is None:
        return (Fernet.generate_key().decode(),)
    try:
        key = key_path.read_text().strip()
        Fernet(key.encode())
        return (key,)
    except (OSError, ValueError):
        pass
    key = Fernet.generate_key().decode()
    key_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return (key,)


# ----------------------------------------------------------------------------------- building


def build_playground(settings: Settings, host: str, port: int, *, persist: bool = False) -> Playground:
    url = f"http://{host}:{port}"
    clock = OffsetClock()
    # message timestamps follow the playground's clock, so "advance 1 day" reads as a day later
    emulator = SlackEmulator(team_name=people.TEAM_NAME, wall_clock=lambda: clock.now().timestamp())
    emulator.base_url = url
    people.populate(emulator)
    people.add_globex(emulator)
    # Slack sends the installer back here after "Allow" (the app's configured Redirect URL)
    emulator.app.redirect_url = f"{url}/slack/oauth_redirect"
    path = snapshot.snapshot_path(settings.database_url) if persist else None
    secret = secrets.token_hex(16)
    # Many workspaces, each installed through OAuth v2 with the emulated app's credentials (single-
    # token mode holds one workspace only, and the two modes do not mix: bot/settings.py).
    bot_settings = settings.model_copy(
        update={
            "slack_bot_token": None,
            "slack_client_id": emulator.app.client_id,
            "slack_client_secret": emulator.app.client_secret,
            "slack_state_secret": secrets.token_hex(16),
            "token_encryption_keys": encryption_keys(settings, sidecar(path, ".token-key") if path else None),
            "slack_signing_secret": secret,
            "slack_api_url": f"{url}/api/",
        }
    )
    bot = build_bot(bot_settings, clock=clock)
    add_routes(bot.web, emulator)
    slack = SlackUserClient(
        emulator,
        f"{url}/slack/events",
        secret,
        after_request=lambda: bot.services.background.drain(timeout=30),
    )
    playground = Playground(
        emulator=emulator, bot=bot, slack=slack, clock=clock, url=url, signing_secret=secret
    )
    playground.web = add_web_routes(bot.web, playground)
    if persist:
        playground.snapshot_path = path
        playground.web.on_change.append(playground.save_soon)
    return playground


async def install_workspaces(playground: Playground, progress: Callable[[str], None]) -> None:
    """Install the app into every emulated workspace that has no working installation, through the
    OAuth v2 flow a real customer's admin goes through. After a restart the stored installations
    (and the emulated Slack's record of their tokens) are reused; a database from before, or one
    whose tokens no longer decrypt or work, is installed again."""
    tenancy = playground.bot.services.tenancy
    store = tenancy.installations.store if tenancy is not None and tenancy.installations else None
    for team_id in playground.team_ids:
        ws = playground.emulator.workspaces[team_id]
        if store is not None:
            try:
                found = await store.find_bot_by_team(team_id)
            except InvalidToken:
                found = None
            if found is not None and found.bot_token:
                try:
                    if playground.emulator.app.workspace_of(found.bot_token) == team_id:
                        continue
                except SlackError:
                    pass
        progress(f"Installing Campaign Guard in the {ws.team_name} workspace through OAuth …")
        await install_through_oauth(playground.url, team_id)


def say(line: str) -> None:
    print(line, flush=True)


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


async def start_playground(
    settings: Settings,
    host: str,
    port: int,
    *,
    persist: bool = True,
    seed_if_empty: bool = True,
    progress: Callable[[str], None] = say,
) -> tuple[Playground, web.AppRunner]:
    """Serve the playground on `host:port` (0: any free port), install the app in each emulated
    workspace through OAuth, and seed each workspace that has no campaign yet."""
    port = port or free_port(host)
    progress("Starting the bot and the emulated Slack workspaces …")
    playground = build_playground(settings, host, port, persist=persist)
    runner = web.AppRunner(playground.bot.web, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    seeded = await restore(playground, progress)
    # installed before the reminders start, so none goes out with a token Slack no longer knows
    await install_workspaces(playground, progress)
    await playground.bot.start()
    if seed_if_empty and not all(seeded.values()):
        await seed_workspaces(playground, [team for team, done in seeded.items() if not done], progress)
    return playground, runner


async def stop_playground(playground: Playground, runner: web.AppRunner) -> None:
    """Stop in the order that loses nothing: the bot's work still running (an App Home chart being
    uploaded, say) finishes while the emulated Slack it talks to still listens, then the workspaces
    are saved, then the server stops and the bot closes. (aiohttp's shutdown closes the listening
    socket before its shutdown hooks run, so draining there would find the Web API gone.)"""
    await playground.bot.services.background.finish(30)
    playground.save()
    await runner.cleanup()
    await playground.bot.close()


async def restore(playground: Playground, progress: Callable[[str], None]) -> dict[str, bool]:
    """Which workspaces the database has campaigns for; those get their saved Slack side back."""
    from playground.seed import has_campaign

    seeded = {team: await has_campaign(playground, team) for team in playground.team_ids}
    if playground.snapshot_path is None:
        return seeded
    load_slack_app(playground.emulator.app, sidecar(playground.snapshot_path, ".slack-app.pickle"))
    for team_id, path in playground.snapshot_paths().items():
        if not seeded[team_id]:
            continue
        ws = playground.emulator.workspaces[team_id]
        which = "workspace" if team_id == playground.team_ids[0] else f"{ws.team_name} workspace"
        if snapshot.load(ws, path):
            progress(f"Restored the {which} from {path}")
        else:
            progress(
                f"The database has campaigns but the emulated {which} was not saved; channels start empty. "
                "Delete the database for a fresh demo."
            )
    return seeded


async def seed_workspaces(
    playground: Playground, team_ids: list[str], progress: Callable[[str], None]
) -> None:
    """Play each workspace's story through the bot (the first workspace's first), then save."""
    from playground.seed import STORIES, seed

    for team_id in team_ids:
        ws = playground.emulator.workspaces[team_id]
        progress(f"Fresh database: seeding the {ws.team_name} workspace's story through the bot …")
        await seed(playground.in_team(team_id), STORIES[team_id], progress=progress)
    playground.save()
    progress("Demo seeded.")


async def run_playground(settings: Settings, host: str) -> None:
    playground, runner = await start_playground(settings, host, settings.port)
    print(f"  bot endpoint {playground.url}/slack/events · Web API {playground.url}/api/", flush=True)
    print(f"\nCampaign Guard playground is ready: open {playground.url}/\n", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await stop_playground(playground, runner)


async def demo_seed(settings: Settings, host: str = "127.0.0.1") -> int:
    """`campaign-guard demo-seed`: seed the playground database (each workspace without a campaign)."""
    playground, runner = await start_playground(settings, host, 0, seed_if_empty=False)
    try:
        from playground.seed import has_campaign

        empty = [team for team in playground.team_ids if not await has_campaign(playground, team)]
        if not empty:
            print("The database already has campaigns; nothing to seed.", flush=True)
            return 0
        await seed_workspaces(playground, empty, lambda line: print(line, flush=True))
        print(f"Demo seeded; the workspaces are saved beside {playground.snapshot_path}.", flush=True)
        return 0
    finally:
        await stop_playground(playground, runner)
