"""The playground's browser UI: the page at `/`, its static files, and a small JSON API.

The page polls `GET /playground/api/state?team=…&user=…` (a long poll on a change counter) for
what the selected person of the selected workspace can see, already rendered to safe HTML by
`playground.render`. Every action it takes — a slash command, a click, a modal submission, a
message, a shortcut, opening the Home tab — is a `POST /playground/api/<action>` that calls the
same `SlackUserClient` the tests use, acting in that workspace, so the bot receives exactly the
signed requests Slack would send. Everything a state shows comes from its workspace only.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import mimetypes
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml
from aiohttp import web
from aiohttp.helpers import content_disposition_header

from playground import people
from playground.emulator import EmulatorUsageError, InvalidBotResponse, Message, User, View
from playground.emulator.elements import iter_elements, missing_required, state_values
from playground.render import Renderer, avatar_color, initials

if TYPE_CHECKING:
    from playground.app import Playground

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
LONG_POLL_SECONDS = 20.0
WEB_KEY: web.AppKey[PlaygroundWeb] = web.AppKey("playground_web")


@lru_cache(maxsize=1)
def manifest_surface() -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    """Slash commands, message shortcuts and the bot's display name from manifest.yml."""
    try:
        features = (yaml.safe_load(MANIFEST.read_text()) or {}).get("features", {})
    except (OSError, yaml.YAMLError):
        return [], [], ""
    commands = [
        {
            "command": c.get("command", ""),
            "description": c.get("description", ""),
            "usage_hint": c.get("usage_hint", ""),
        }
        for c in features.get("slash_commands", [])
    ]
    shortcuts = [
        {"callback_id": s.get("callback_id", ""), "name": s.get("name", "")}
        for s in features.get("shortcuts", [])
        if s.get("type") == "message"
    ]
    return commands, shortcuts, (features.get("bot_user") or {}).get("display_name", "")


class Changes:
    """The change counter, shared by every workspace's view: any change wakes every long poll."""

    def __init__(self) -> None:
        self.version = 0
        self.event = asyncio.Event()
        self.closing = False
        #: called after every change (e.g. to save a snapshot of the workspaces)
        self.on_change: list[Callable[[], Any]] = []


class PlaygroundWeb:
    """Change counter, state snapshots per viewer, and the action endpoints, for one workspace
    (`in_team` gives another workspace's)."""

    def __init__(self, playground: Playground, team_id: str | None = None, changes: Changes | None = None):
        self.pg = playground
        self.team_id = team_id or playground.emulator.team_id
        self.changes = changes or Changes()

    def in_team(self, team_id: str | None) -> PlaygroundWeb:
        """The same page acting in workspace `team_id` (None: this one)."""
        if not team_id or team_id == self.team_id:
            return self
        if team_id not in self.pg.emulator.workspaces:
            raise EmulatorUsageError(f"no workspace {team_id!r}")
        return PlaygroundWeb(self.pg, team_id, self.changes)

    @property
    def ws(self):
        return self.pg.emulator.workspaces[self.team_id]

    @property
    def slack(self):
        """The client acting as this workspace's people."""
        return self.pg.slack_for(self.team_id)

    @property
    def version(self) -> int:
        return self.changes.version

    @property
    def closing(self) -> bool:
        return self.changes.closing

    @property
    def on_change(self) -> list[Callable[[], Any]]:
        return self.changes.on_change

    # ---------------------------------------------------------------- changes

    def bump(self) -> None:
        changes = self.changes
        changes.version += 1
        changes.event.set()
        changes.event = asyncio.Event()
        for hook in changes.on_change:
            try:
                hook()
            except Exception:
                log.exception("playground change hook failed")

    async def shutdown(self, _app: web.Application | None = None) -> None:
        """Answer every waiting long poll at once, so the server stops without waiting for them."""
        self.changes.closing = True
        self.changes.event.set()

    async def wait_change(self, since: int, timeout: float) -> None:
        if self.version != since or self.closing:
            return
        event = self.changes.event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    # ------------------------------------------------------------------ state

    @property
    def cast_order(self) -> tuple[people.Person, ...]:
        """The workspace's people in the switcher's order (people.CASTS)."""
        return people.CASTS.get(self.team_id, ())

    def person(self, user: User) -> dict[str, Any]:
        known = (*self.cast_order, *people.OTHERS)  # the guest and the partner are people too
        cast = next((p for p in known if p.email == user.email), None)
        return {
            "id": user.id,
            "name": user.real_name or user.name,
            "handle": user.name,
            "title": cast.title if cast else ("External" if user.team_id != self.ws.team_id else "Member"),
            "tz": user.tz,
            "initials": initials(user.real_name or user.name),
            "color": avatar_color(user.id),
            "external": user.team_id != self.ws.team_id,
            "is_admin": user.is_admin,
        }

    def cast(self) -> list[User]:
        """The people one can act as: the cast in order, then anyone else human (e.g. externals)."""
        order = {p.email: i for i, p in enumerate(self.cast_order)}
        humans = [u for u in self.ws.users.values() if not u.is_bot and not u.deleted]
        return sorted(humans, key=lambda u: (order.get(u.email or "", 99), u.real_name or u.name))

    def now(self) -> datetime:
        return self.pg.clock.now()

    @property
    def bot_name(self) -> str:
        return manifest_surface()[2] or self.ws.bot_user.real_name

    def state(
        self, user_id: str | None, channel_id: str | None, thread_ts: str | None, *, start: bool = False
    ) -> dict[str, Any]:
        cast = self.cast()
        viewer = self.ws.users.get(user_id or "") or cast[0]  # the workspace's brand manager first
        now = self.now()
        renderer = Renderer(self.ws, viewer, now=now, bot_name=self.bot_name)
        dm = self.ws.open_dm(viewer.id)
        channels = sorted(
            (
                c
                for c in self.ws.channels.values()
                if not c.is_im and not c.is_archived and viewer.id in c.members
            ),
            key=lambda c: c.name,
        )
        visible = {c.id for c in channels} | {dm.id}
        channel = self.ws.channels.get(channel_id or "")
        if channel is None or channel.id not in visible:
            channel = None
        commands, shortcuts, _ = manifest_surface()
        local_now = now.astimezone(ZoneInfo(viewer.tz))
        result: dict[str, Any] = {
            "version": self.version,
            "now": now.isoformat(),
            "now_label": f"{local_now:%a %b} {local_now.day}, {renderer.clock_time(now)}",
            "offset_seconds": int(self._offset().total_seconds()),
            "team": self.team(self.team_id),
            "workspaces": [self.team(team_id) for team_id in self.pg.emulator.workspaces],
            "me": self.person(viewer),
            "people": [self.person(u) for u in cast],
            "channels": [
                {
                    "id": c.id,
                    "name": c.name,
                    "private": c.is_private,
                    "shared": c.is_ext_shared,
                    "members": len([m for m in c.members if m in self.ws.users]),
                    "topic": c.topic or c.purpose,
                    "last_ts": self._last_ts(c.id),
                }
                for c in channels
            ],
            "app": {
                "dm": dm.id,
                "name": self.bot_name,
                "initials": "CG",
                "last_ts": self._last_ts(dm.id),
            },
            "commands": commands,
            "shortcuts": shortcuts,
            "channel": None,
            "thread": None,
            "modal": None,
            "home": None,
            "start": self._start(channels) if start else None,
        }
        if channel is not None:
            result["channel"] = {
                "id": channel.id,
                "name": renderer.channel_name(channel.id) if not channel.is_im else result["app"]["name"],
                "is_app": channel.is_im,
                "private": channel.is_private,
                "shared": channel.is_ext_shared,
                "topic": channel.topic or channel.purpose,
                "member_names": sorted(renderer.user_name(m) for m in channel.members if m in self.ws.users),
                "messages": self._messages(renderer, viewer, channel.id),
            }
            if thread_ts and self.ws.find_message(channel.id, thread_ts):
                thread = self.ws.replies(channel.id, thread_ts)
                ephemeral = [m for m in self.ws.ephemerals(viewer.id, channel.id) if m.thread_ts == thread_ts]
                merged = sorted([*thread, *ephemeral], key=lambda m: float(m.ts))
                result["thread"] = {
                    "channel": channel.id,
                    "ts": thread_ts,
                    "messages": [self.message(renderer, m) for m in merged],
                }
        stack = self.ws.open_views(viewer.id)
        if stack:
            result["modal"] = self.view(viewer, stack[-1], now, depth=len(stack))
        home = self.ws.home(viewer.id)
        if home is not None:
            result["home"] = self.view(viewer, home, now)
        return result

    def team(self, team_id: str) -> dict[str, Any]:
        ws = self.pg.emulator.workspaces[team_id]
        return {
            "id": ws.team_id,
            "name": ws.team_name,
            "domain": ws.team_domain,
            "color": avatar_color(ws.team_id),
            "installed": ws.team_id in self.pg.emulator.app.installed,
        }

    def _start(self, channels: list[Any]) -> dict[str, str] | None:
        """Where a first visit opens: the thread with the newest reply in the viewer's channels
        (in the demo, the open incident's mediation thread); None opens the app's Home tab."""
        best: tuple[float, str, str] | None = None
        for channel in channels:
            for message in self.ws.history(channel.id):
                if message.reply_ts and not message.is_reply:
                    last = float(message.reply_ts[-1])
                    if best is None or last > best[0]:
                        best = (last, channel.id, message.ts)
        return {"channel": best[1], "thread": best[2]} if best else None

    def _offset(self) -> timedelta:
        return getattr(self.pg.clock, "offset", timedelta(0))

    def _last_ts(self, channel_id: str) -> str:
        messages = self.ws.messages.get(channel_id) or []
        return messages[-1].ts if messages else ""

    def _messages(self, renderer: Renderer, viewer: User, channel_id: str) -> list[dict[str, Any]]:
        top = self.ws.history(channel_id)
        ephemeral = [m for m in self.ws.ephemerals(viewer.id, channel_id) if not m.thread_ts]
        merged = sorted([*top, *ephemeral], key=lambda m: float(m.ts))
        return [self.message(renderer, m) for m in merged]

    def message(self, renderer: Renderer, message: Message) -> dict[str, Any]:
        when = datetime.fromtimestamp(float(message.ts), UTC)
        author = self.ws.users.get(message.user or "") if message.user else None
        if author is None and message.bot_id:
            author = self.ws.bot_user
        is_bot = bool(author and author.is_bot) or bool(message.bot_id)
        name = self.bot_name if is_bot else (author.real_name or author.name) if author else "Unknown"
        typed = message.user and all(b.get("type") == "rich_text" for b in message.blocks)
        # what a person typed: its `text` is the canonical form (escaped, mentions as <@U…>)
        body = (
            renderer.mrkdwn(message.text) if typed or not message.blocks else renderer.blocks(message.blocks)
        )
        for attachment in message.attachments:
            inner = renderer.blocks(attachment.get("blocks")) or renderer.mrkdwn(
                attachment.get("text") or attachment.get("fallback") or ""
            )
            color = attachment.get("color") or "#ddd"
            color = color if re.fullmatch(r"#?[0-9a-fA-F]{3,8}|[a-z]+", color) else "#ddd"
            color = color if color.startswith("#") or color.isalpha() else f"#{color}"
            body += f'<div class="attachment" style="border-left-color:{color}">{inner}</div>'
        body += renderer.files(self.ws.files[f] for f in message.file_ids if f in self.ws.files)
        replies = [
            self.ws.find_message(message.channel, ts) for ts in message.reply_ts if not message.is_reply
        ]
        replies = [r for r in replies if r is not None]
        return {
            "ts": message.ts,
            "channel": message.channel,
            "author": name,
            "author_id": author.id if author else "",
            "initials": "CG" if is_bot else initials(name),
            "color": "#1f3a5f" if is_bot else avatar_color(author.id if author else name),
            "is_bot": is_bot,
            "external": bool(author and author.team_id != self.ws.team_id),
            "time": renderer.clock_time(when),
            "day": renderer.day_label(when),
            "iso": when.isoformat(),
            "html": body,
            "ephemeral": message.ephemeral_for is not None,
            "edited": bool(message.edited),
            "thread_ts": message.thread_ts,
            "is_reply": message.is_reply,
            "reply_count": len(replies),
            "reply_authors": sorted({r.user or self.ws.bot_user.id for r in replies}),
            "last_reply": self._last_reply(renderer, replies[-1]) if replies else "",
        }

    @staticmethod
    def _last_reply(renderer: Renderer, reply: Message) -> str:
        """As Slack words it: "today at 9:41 AM", "yesterday at …", "Nov 23 at …"."""
        when = datetime.fromtimestamp(float(reply.ts), UTC)
        day = renderer.day_label(when)
        if day not in ("Today", "Yesterday"):
            local = renderer.local(when)
            day = f"{local:%b} {local.day}"
        return f"{day.lower() if day in ('Today', 'Yesterday') else day} at {renderer.clock_time(when)}"

    def view(self, viewer: User, view: View, now: datetime, depth: int = 0) -> dict[str, Any]:
        renderer = Renderer(
            self.ws,
            viewer,
            now=now,
            state=(view.state or {}).get("values") or {},
            errors=view.errors or {},
            surface=view.type,
            bot_name=self.bot_name,
        )
        definition = view.definition
        return {
            "id": view.id,
            "sig": f"{view.id}:{view.hash}:{sorted((view.errors or {}).items())}",
            "type": view.type,
            "depth": depth,
            "title": renderer.plain(definition.get("title")),
            "submit": renderer.plain(definition.get("submit")) if definition.get("submit") else "",
            "close": renderer.plain(definition.get("close")) if definition.get("close") else "Cancel",
            "has_inputs": any(b.get("type") == "input" for b in view.blocks),
            "html": renderer.blocks(view.blocks),
        }

    # ---------------------------------------------------------- value mapping

    def ui_values(self, viewer: User, view: View | Message, raw: Any) -> dict[str, dict[str, Any]]:
        """The browser's `{block_id: {action_id: value}}` → the client's convenient values."""
        if not isinstance(raw, dict):
            return {}
        types = {
            (b.get("block_id"), e.get("action_id")): e.get("type", "") for b, e in iter_elements(view.blocks)
        }
        values: dict[str, dict[str, Any]] = {}
        for block_id, actions in raw.items():
            if not isinstance(actions, dict):
                continue
            for action_id, value in actions.items():
                kind = types.get((block_id, action_id))
                if kind is None:
                    continue
                converted = self.ui_value(viewer, kind, value)
                if converted is not None:
                    values.setdefault(block_id, {})[action_id] = converted
        return values

    def ui_value(self, viewer: User, kind: str, value: Any) -> Any:
        if kind in (
            "plain_text_input",
            "email_text_input",
            "url_text_input",
            "number_input",
            "rich_text_input",
        ):
            return "" if value is None else str(value)
        if kind == "checkboxes" or kind.startswith("multi_"):
            return [str(v) for v in value] if isinstance(value, list) else []
        if value in (None, ""):
            return None
        if kind == "datetimepicker":
            if isinstance(value, int | float):
                return int(value)
            local = datetime.fromisoformat(str(value)).replace(tzinfo=ZoneInfo(viewer.tz))
            return int(local.timestamp())
        return str(value)

    # ---------------------------------------------------------------- actions

    def viewer(self, body: dict[str, Any]) -> User:
        user = self.ws.users.get(str(body.get("user", "")))
        if user is None:
            raise EmulatorUsageError(f"no user {body.get('user')!r}")
        return user

    def encode_text(self, text: str, *, command: bool) -> str:
        """What Slack's client sends for typed text: `&<>` escaped, @name and #channel linked."""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        def user(match: re.Match[str]) -> str:
            wanted = match[1].lower()
            for u in self.ws.users.values():
                names = {
                    u.name.lower(),
                    (u.display_name or "").lower(),
                    (u.real_name or "").split(" ")[0].lower(),
                }
                if wanted in names and not u.deleted:
                    return f"<@{u.id}|{u.name}>" if command else f"<@{u.id}>"
            return match[0]

        def channel(match: re.Match[str]) -> str:
            found = self.ws.channel_by_name(match[1])
            if found is None:
                return match[0]
            return f"<#{found.id}|{found.name}>" if command else f"<#{found.id}>"

        escaped = re.sub(r"(?<![\w<])@([A-Za-z][\w.\-]*)", user, escaped)
        return re.sub(r"(?<![\w<&])#([a-z0-9][\w\-]*)", channel, escaped)

    async def command(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        line = str(body.get("text", "")).strip()
        command, _, text = line.partition(" ")
        known = {c["command"] for c in manifest_surface()[0]}  # as Slack: only the app's commands
        if known and command not in known:
            raise EmulatorUsageError(
                f"{command} is not a valid command. Commands: {', '.join(sorted(known))}"
            )
        channel = body.get("channel") or None
        return await self.slack.command(
            viewer.id, command, self.encode_text(text.strip(), command=True), channel
        )

    async def message_post(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        text = str(body.get("text", "")).strip()
        if not text:
            raise EmulatorUsageError("type a message first")
        return await self.slack.post_message(
            viewer.id,
            str(body["channel"]),
            self.encode_text(text, command=False),
            body.get("thread_ts") or None,
        )

    async def click(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        channel, ts = str(body["channel"]), str(body["ts"])
        message = self.ws.find_ephemeral(channel, ts, viewer.id) or self.ws.find_message(channel, ts)
        if message is None:
            raise EmulatorUsageError("that message is gone")
        value = body.get("value")
        if body.get("type") != "button":
            value = self.ui_value(viewer, str(body.get("type", "")), value)
        return await self.slack.click(
            viewer.id, channel, ts, str(body["action_id"]), block_id=body.get("block_id") or None, value=value
        )

    async def view_action(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        view = self.ws.views.get(str(body.get("view_id")))
        if view is None:
            raise EmulatorUsageError("that view is gone")
        values = self.ui_values(viewer, view, body.get("values"))
        value = body.get("value")
        if body.get("type") != "button":
            value = self.ui_value(viewer, str(body.get("type", "")), value)
            values.get(str(body.get("block_id")), {}).pop(str(body.get("action_id")), None)
        return await self.slack.click_in_view(
            viewer.id,
            view.id,
            str(body["action_id"]),
            block_id=body.get("block_id") or None,
            value=value,
            values={k: v for k, v in values.items() if v},
        )

    async def submit(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        view = self.ws.views.get(str(body.get("view_id")))
        if view is None:
            raise EmulatorUsageError("that view is gone")
        values = self.ui_values(viewer, view, body.get("values"))
        merged = state_values(view.blocks, view.state.get("values", {}), values)
        missing = missing_required(view.blocks, merged)
        if missing:  # Slack's client refuses to submit, and says so under each field
            view.state = {"values": merged}
            view.errors = dict.fromkeys(missing, "Please complete this required field.")
            return None
        return await self.slack.submit_view(viewer.id, view.id, values)

    async def close(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        return await self.slack.close_view(viewer.id, str(body.get("view_id")))

    async def shortcut(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        return await self.slack.message_shortcut(
            viewer.id, str(body["channel"]), str(body["ts"]), str(body["callback_id"])
        )

    async def home(self, body: dict[str, Any]) -> Any:
        return await self.slack.open_home(self.viewer(body).id)

    async def dismiss(self, body: dict[str, Any]) -> Any:
        viewer = self.viewer(body)
        message = self.ws.find_ephemeral(str(body.get("channel")), str(body.get("ts")), viewer.id)
        if message is not None:
            self.ws.delete_message(message)

    async def advance(self, body: dict[str, Any]) -> Any:
        seconds = int(body.get("seconds", 3600))
        if not 0 < seconds <= 31 * 86400:
            raise EmulatorUsageError("advance between 1 second and 31 days")
        await advance_time(self.pg, timedelta(seconds=seconds))


async def advance_time(playground: Playground, delta: timedelta) -> None:
    """Move the injected clock, then give the reminder engine its tick (when the bot has one)."""
    playground.clock.advance(delta)
    await tick_scheduler(playground)


#: Method names a scheduler may offer for "run what is due now"; the first one found is called.
TICK_METHODS = ("tick", "run_due", "run_once", "dispatch_due")


async def tick_scheduler(playground: Playground) -> bool:
    """HOOK for the reminder engine (`scheduler/`): call its tick if the bot exposes one."""
    bot = playground.bot
    for owner in (bot, getattr(bot, "services", None)):
        for name in ("scheduler", "reminders", "dispatcher"):
            scheduler = getattr(owner, name, None)
            for method in TICK_METHODS:
                tick = getattr(scheduler, method, None) if scheduler is not None else None
                if callable(tick):
                    result = tick()
                    if inspect.isawaitable(result):
                        await result
                    await bot.services.background.drain(timeout=30)
                    return True
    return False


def _reply_json(reply: Any) -> dict[str, Any]:
    status = getattr(reply, "status", 200)
    if reply is not None and status not in (None, 200):
        return {"ok": False, "error": f"The app did not answer correctly (HTTP {status})."}
    return {"ok": True}


def _endpoint(name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        pg_web = request.app[WEB_KEY]
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
        except ValueError as error:
            return web.json_response({"ok": False, "error": f"bad request: {error}"}, status=400)
        try:
            reply = await getattr(pg_web.in_team(body.get("team")), name)(body)
        except KeyError as error:  # a field the action needs is not in the body
            return web.json_response(
                {"ok": False, "error": f"bad request: {name} needs {error.args[0]!r}"}, status=400
            )
        except (EmulatorUsageError, ValueError) as error:
            return web.json_response({"ok": False, "error": str(error).strip("'\"")}, status=400)
        except InvalidBotResponse as error:
            return web.json_response({"ok": False, "error": f"Slack would refuse the app's answer: {error}"})
        finally:
            pg_web.bump()
        return web.json_response(_reply_json(reply))

    return handler


async def _state(request: web.Request) -> web.Response:
    pg_web = request.app[WEB_KEY]
    query = request.query
    since = query.get("since")
    if since is not None and since.lstrip("-").isdigit():
        await pg_web.wait_change(int(since), LONG_POLL_SECONDS)
    team = query.get("team")  # an unknown one (a page from an older playground): the first workspace
    if team in pg_web.pg.emulator.workspaces:
        pg_web = pg_web.in_team(team)
    state = pg_web.state(
        query.get("user"), query.get("channel"), query.get("thread"), start=query.get("start") == "1"
    )
    return web.json_response(state, headers={"Cache-Control": "no-store"})


def may_download(pg_web: PlaygroundWeb, user_id: str, file_id: str):
    """The uploaded file, if `user_id` is in a conversation it was shared in (as in Slack), else None."""
    uploaded = pg_web.ws.files.get(file_id)
    if uploaded is None or not uploaded.completed or uploaded.content is None:
        return None
    for channel_id in uploaded.channels:
        channel = pg_web.ws.channels.get(channel_id)
        if channel is not None and (user_id in channel.members or channel.im_user == user_id):
            return uploaded
    home = pg_web.ws.home(user_id) if user_id else None  # an image block of their App Home (slack_file)
    if home is not None and any((b.get("slack_file") or {}).get("id") == file_id for b in home.blocks):
        return uploaded
    return None


async def _file(request: web.Request) -> web.Response:
    """A file the bot shared (the `/breach export` CSV), downloaded from the browser. File ids are
    unique across workspaces (as in Slack): the file's own workspace decides who may read it."""
    pg_web = request.app[WEB_KEY]
    file_id = request.match_info["file_id"]
    team = next((t for t, ws in pg_web.pg.emulator.workspaces.items() if file_id in ws.files), None)
    pg_web = pg_web.in_team(team)
    uploaded = may_download(pg_web, request.query.get("user", ""), file_id)
    if uploaded is None:
        raise web.HTTPNotFound(text="No such file in your conversations.")
    kind = mimetypes.guess_type(uploaded.filename)[0] or "application/octet-stream"
    # images show inline (`?inline=1`, as Slack previews them); everything else downloads
    inline = request.query.get("inline") == "1" and kind in ("image/png", "image/jpeg", "image/gif")
    return web.Response(
        body=uploaded.content,
        content_type=kind,
        headers={
            "Content-Disposition": content_disposition_header(
                "inline" if inline else "attachment", filename=uploaded.filename or uploaded.id
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


async def _index(request: web.Request) -> web.Response:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


def _change_middleware(pg_web: PlaygroundWeb):
    """Every Web API call and response_url post may change what someone sees."""

    @web.middleware
    async def middleware(request: web.Request, handler):
        try:
            return await handler(request)
        finally:
            if request.path.startswith(("/api/", "/response_url/", "/upload/")):
                pg_web.bump()

    return middleware


ACTIONS = (
    "command",
    "message_post",
    "click",
    "view_action",
    "submit",
    "close",
    "shortcut",
    "home",
    "dismiss",
    "advance",
)


def add_routes(app: web.Application, playground: Playground) -> PlaygroundWeb:
    pg_web = PlaygroundWeb(playground)
    app[WEB_KEY] = pg_web
    app.middlewares.append(_change_middleware(pg_web))
    app.on_shutdown.append(pg_web.shutdown)
    app.router.add_get("/", _index)
    app.router.add_get("/playground/api/state", _state)
    app.router.add_get("/playground/files/{file_id}", _file)
    for name in ACTIONS:
        path = "message" if name == "message_post" else name
        app.router.add_post(f"/playground/api/{path}", _endpoint(name))
    app.router.add_static("/playground/static/", STATIC, append_version=False)
    return pg_web
