"""In-memory Slack workspace: users, channels, messages, views, triggers, invites and files.

This module holds plain data and the mutations Slack itself performs on it. It knows nothing
about HTTP (see webapi.py) nor about Slack's JSON shapes (see shapes.py). Failures a Slack
method would report are raised as `SlackError(<error code>)`.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TRIGGER_TTL_SECONDS = 3.0
MAX_MODAL_STACK = 3
EXTERNAL_TEAM_ID = "T0EXTERNAL"

_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "UTC": "Coordinated Universal Time",
}


class SlackError(Exception):
    """A failure answered as `{"ok": false, "error": <error>, **extra}` with HTTP `status`."""

    def __init__(self, error: str, *, status: int = 200, **extra: object) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


class IdFactory:
    """Deterministic Slack-looking ids: C00000001, U00000002, Ev00000001, ..."""

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))

    def new(self, prefix: str) -> str:
        return f"{prefix}{next(self._counters[prefix]):08X}"


class TsClock:
    """Message timestamps ("1700000000.000100") from the wall clock, strictly increasing."""

    def __init__(self, wall_clock: Callable[[], float] = time.time) -> None:
        self._wall_clock = wall_clock
        self._last_micros = 0

    def next(self) -> str:
        micros = max(int(self._wall_clock() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


@dataclass
class User:
    id: str
    name: str
    real_name: str
    display_name: str
    team_id: str
    email: str | None = None
    tz: str = "America/New_York"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    bot_id: str | None = None
    deleted: bool = False
    is_restricted: bool = False  # a multi-channel guest
    is_ultra_restricted: bool = False  # a single-channel guest

    def _now_local(self) -> datetime:
        return datetime.now(UTC).astimezone(ZoneInfo(self.tz))

    @property
    def tz_offset(self) -> int:
        offset = self._now_local().utcoffset()
        return int(offset.total_seconds()) if offset else 0

    @property
    def tz_label(self) -> str:
        abbreviation = self._now_local().tzname() or "UTC"
        return _TZ_LABELS.get(abbreviation, abbreviation)


@dataclass
class Channel:
    id: str
    name: str
    creator: str
    created: int
    is_private: bool = False
    is_im: bool = False
    im_user: str | None = None  # the other party of a DM
    members: set[str] = field(default_factory=set)
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""
    shared_team_ids: set[str] = field(default_factory=set)
    is_general: bool = False  # the workspace's #general: every member is in it

    @property
    def channel_type(self) -> str:
        """The `channel_type` of message events: channel, group (private) or im."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    @property
    def is_ext_shared(self) -> bool:
        return bool(self.shared_team_ids)


@dataclass
class Message:
    channel: str
    ts: str
    text: str = ""
    blocks: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    thread_ts: str | None = None
    reply_ts: list[str] = field(default_factory=list)
    metadata: dict | None = None
    file_ids: list[str] = field(default_factory=list)
    edited: dict | None = None
    ephemeral_for: str | None = None  # user id when this is an ephemeral message
    #: Slack's note about the channel itself ("channel_join", "channel_topic", …); None: said by someone
    subtype: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class View:
    id: str
    type: str  # "modal" or "home"
    user_id: str
    definition: dict  # the view as the app sent it (title, blocks, callback_id, ...)
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state: dict = field(default_factory=lambda: {"values": {}})
    errors: dict[str, str] | None = None  # last `response_action: errors`

    @property
    def callback_id(self) -> str:
        return self.definition.get("callback_id", "")

    @property
    def external_id(self) -> str:
        return self.definition.get("external_id", "")

    @property
    def blocks(self) -> list[dict]:
        return self.definition.get("blocks", [])


@dataclass
class Trigger:
    id: str
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    id: str
    channel_id: str
    user_id: str
    message_ts: str | None = None  # the message a block action came from
    is_ephemeral: bool = False


@dataclass
class SharedInvite:
    id: str
    channel_id: str
    emails: list[str]
    user_ids: list[str]
    accepted_by: list[str] = field(default_factory=list)


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    user: str
    created: int
    title: str = ""
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    """An Enterprise Grid organisation: workspaces under one enterprise id, one bot user for the
    app across them. `installed_org_wide`: the app is installed for the whole organisation."""

    id: str
    name: str
    team_ids: list[str] = field(default_factory=list)
    installed_org_wide: bool = False


class Workspace:
    """One Slack team with its bot, members, conversations and app surfaces."""

    def __init__(
        self,
        *,
        team_id: str,
        team_domain: str,
        team_name: str,
        bot_user_id: str,
        bot_id: str,
        bot_name: str,
        app_id: str,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        ids: IdFactory | None = None,
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_id = bot_id
        self.app_id = app_id
        self.clock = clock
        self.wall_clock = wall_clock
        self.ids = ids or IdFactory()  # shared by an emulator's workspaces: ids are unique across them
        self.ts_clock = TsClock(wall_clock)
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = defaultdict(list)
        self.ephemeral_messages: list[Message] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = defaultdict(list)
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.shared_invites: dict[str, SharedInvite] = {}
        self.files: dict[str, UploadedFile] = {}
        self.organisation: Organisation | None = None  # its Enterprise Grid organisation, if any
        self.bot_user = self.add_user(
            bot_name, user_id=bot_user_id, real_name=bot_name, is_bot=True, bot_id=bot_id
        )

    # ----------------------------------------------------------------- users

    def add_user(
        self,
        name: str,
        *,
        user_id: str | None = None,
        real_name: str | None = None,
        display_name: str | None = None,
        email: str | None = None,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        bot_id: str | None = None,
        team_id: str | None = None,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
    ) -> User:
        user = User(
            id=user_id or self.ids.new("U"),
            name=name,
            real_name=real_name or name,
            display_name=display_name if display_name is not None else name,
            team_id=team_id or self.team_id,
            email=email,
            tz=tz,
            is_admin=is_admin,
            is_owner=is_owner,
            is_bot=is_bot,
            bot_id=bot_id,
            is_restricted=is_restricted or is_ultra_restricted,
            is_ultra_restricted=is_ultra_restricted,
        )
        ZoneInfo(user.tz)  # fail early on a misspelled time zone
        self.users[user.id] = user
        return user

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if (u.email or "").lower() == wanted), None)

    # -------------------------------------------------------------- channels

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        creator: str | None = None,
        members: Iterable[str] = (),
        is_general: bool = False,
    ) -> Channel:
        if self.channel_by_name(name):
            raise SlackError("name_taken")
        creator = creator or self.bot_user.id
        channel = Channel(
            id=self.ids.new("C"),
            name=name,
            creator=creator,
            created=int(self.wall_clock()),
            is_private=is_private,
            members={creator, *members},
            is_general=is_general,
        )
        self.channels[channel.id] = channel
        return channel

    def channel_by_name(self, name: str) -> Channel | None:
        name = name.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def open_dm(self, user_id: str) -> Channel:
        """The DM between the bot and `user_id`, created on first use."""
        for channel in self.channels.values():
            if channel.is_im and channel.im_user == user_id:
                return channel
        channel = Channel(
            id=self.ids.new("D"),
            name=user_id,
            creator=user_id,
            created=int(self.wall_clock()),
            is_private=True,
            is_im=True,
            im_user=user_id,
            members={self.bot_user.id, user_id},
        )
        self.channels[channel.id] = channel
        return channel

    # -------------------------------------------------------------- messages

    def post(self, channel: Channel, *, thread_ts: str | None = None, **fields: object) -> Message:
        """Append a message; `thread_ts` naming no message posts it top-level (as Slack does)."""
        message = Message(channel=channel.id, ts=self.ts_clock.next(), **fields)  # type: ignore[arg-type]
        parent = self._thread_root(channel.id, thread_ts)
        if parent is not None:
            parent.thread_ts = parent.ts
            parent.reply_ts.append(message.ts)
            message.thread_ts = parent.ts
        self.messages[channel.id].append(message)
        return message

    def post_ephemeral(self, channel: Channel, user_id: str, **fields: object) -> Message:
        message = Message(channel=channel.id, ts=self.ts_clock.next(), ephemeral_for=user_id, **fields)  # type: ignore[arg-type]
        self.ephemeral_messages.append(message)
        return message

    def _thread_root(self, channel_id: str, thread_ts: str | None) -> Message | None:
        if not thread_ts:
            return None
        message = self.find_message(channel_id, thread_ts)
        if message is not None and message.is_reply:
            return self.find_message(channel_id, message.thread_ts)  # type: ignore[arg-type]
        return message

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self.messages.get(channel_id, []) if m.ts == ts), None)

    def find_ephemeral(self, channel_id: str, ts: str, user_id: str | None = None) -> Message | None:
        return next(
            (
                m
                for m in self.ephemeral_messages
                if m.channel == channel_id and m.ts == ts and user_id in (None, m.ephemeral_for)
            ),
            None,
        )

    def delete_message(self, message: Message) -> None:
        if message.ephemeral_for:
            self.ephemeral_messages.remove(message)
            return
        self.messages[message.channel].remove(message)
        if message.is_reply:
            parent = self.find_message(message.channel, message.thread_ts)  # type: ignore[arg-type]
            if parent is not None:
                parent.reply_ts.remove(message.ts)

    def history(self, channel_id: str) -> list[Message]:
        """Top-level messages, oldest first."""
        return [m for m in self.messages.get(channel_id, []) if not m.is_reply]

    def replies(self, channel_id: str, ts: str) -> list[Message]:
        """The parent followed by its replies, oldest first."""
        parent = self.find_message(channel_id, ts)
        if parent is None:
            return []
        return [parent, *(m for m in self.messages[channel_id] if m.is_reply and m.thread_ts == parent.ts)]

    def ephemerals(self, user_id: str, channel_id: str | None = None) -> list[Message]:
        return [
            m
            for m in self.ephemeral_messages
            if m.ephemeral_for == user_id and channel_id in (None, m.channel)
        ]

    # ------------------------------------------------------------ permalinks

    def permalink(self, message: Message) -> str:
        link = (
            f"https://{self.team_domain}.slack.com/archives/{message.channel}/p{message.ts.replace('.', '')}"
        )
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={message.channel}"
        return link

    def find_permalink(self, url: str) -> Message | None:
        match = re.search(r"/archives/(?P<channel>[A-Z0-9]+)/p(?P<seconds>\d{10})(?P<micros>\d{6})", url)
        if match is None:
            return None
        return self.find_message(match["channel"], f"{match['seconds']}.{match['micros']}")

    # ----------------------------------------------------------------- views

    def new_view(self, user_id: str, definition: dict, *, previous: View | None = None) -> View:
        view_id = self.ids.new("V")
        view = View(
            id=view_id,
            type=definition.get("type", "modal"),
            user_id=user_id,
            definition=definition,
            hash=self._view_hash(),
            root_view_id=previous.root_view_id if previous else view_id,
            previous_view_id=previous.id if previous else None,
        )
        self.views[view.id] = view
        return view

    def open_modal(self, user_id: str, definition: dict, *, push: bool = False) -> View:
        stack = self.modal_stacks[user_id]
        if push and len(stack) >= MAX_MODAL_STACK:
            raise SlackError("push_limit_reached")
        if not push:
            stack.clear()
        previous = self.views[stack[-1]] if stack else None
        view = self.new_view(user_id, definition, previous=previous)
        stack.append(view.id)
        return view

    def update_view(self, view: View, definition: dict) -> View:
        view.definition = definition
        view.type = definition.get("type", view.type)
        view.hash = self._view_hash()
        view.errors = None
        return view

    def publish_home(self, user_id: str, definition: dict) -> View:
        current = self.home_views.get(user_id)
        if current is not None:
            return self.update_view(self.views[current], definition)
        view = self.new_view(user_id, definition)
        self.home_views[user_id] = view.id
        return view

    def view_by_external_id(self, external_id: str) -> View | None:
        return next((v for v in self.views.values() if v.external_id == external_id), None)

    def open_views(self, user_id: str) -> list[View]:
        """The user's modal stack, bottom first."""
        return [self.views[view_id] for view_id in self.modal_stacks.get(user_id, [])]

    def close_views(self, user_id: str, *, from_view_id: str | None = None) -> list[View]:
        """Close `from_view_id` and everything pushed above it (all views when None)."""
        stack = self.modal_stacks[user_id]
        start = stack.index(from_view_id) if from_view_id in stack else 0
        closed = [self.views[view_id] for view_id in stack[start:]]
        del stack[start:]
        return closed

    def home(self, user_id: str) -> View | None:
        view_id = self.home_views.get(user_id)
        return self.views[view_id] if view_id else None

    def _view_hash(self) -> str:
        return f"{int(self.wall_clock())}.{secrets.token_hex(4)}"

    # -------------------------------------------------------------- triggers

    def issue_trigger(self, user_id: str) -> str:
        trigger_id = f"{len(self.triggers) + 1}.{int(self.wall_clock())}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(trigger_id, user_id, self.clock())
        return trigger_id

    def consume_trigger(self, trigger_id: str) -> Trigger:
        """Use a trigger once within TRIGGER_TTL_SECONDS of its issue, like Slack."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used or self.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise SlackError("trigger_expired")
        trigger.used = True
        return trigger

    # --------------------------------------------------------- response urls

    def issue_response_url(
        self, channel_id: str, user_id: str, *, message_ts: str | None = None, is_ephemeral: bool = False
    ) -> ResponseUrl:
        target = ResponseUrl(secrets.token_hex(12), channel_id, user_id, message_ts, is_ephemeral)
        self.response_urls[target.id] = target
        return target

    # ---------------------------------------------------------- slack connect

    def invite_shared(self, channel: Channel, emails: list[str], user_ids: list[str]) -> SharedInvite:
        invite = SharedInvite(self.ids.new("I"), channel.id, emails, user_ids)
        self.shared_invites[invite.id] = invite
        return invite

    def accept_shared_invite(self, email: str, *, team_id: str = EXTERNAL_TEAM_ID) -> User:
        """An external user accepts every pending invite addressed to `email` (or to their id)."""
        user = self.user_by_email(email) or self.add_user(email.split("@")[0], email=email, team_id=team_id)
        pending = [
            invite
            for invite in self.shared_invites.values()
            if (email.lower() in (e.lower() for e in invite.emails) or user.id in invite.user_ids)
            and user.id not in invite.accepted_by
        ]
        if not pending:
            raise LookupError(f"no pending Slack Connect invite for {email}")
        for invite in pending:
            channel = self.channels[invite.channel_id]
            channel.members.add(user.id)
            if user.team_id != self.team_id:
                channel.shared_team_ids.update({self.team_id, user.team_id})
            invite.accepted_by.append(user.id)
        return user

    # ----------------------------------------------------------------- files

    def new_file(self, filename: str, length: int, **fields: object) -> UploadedFile:
        uploaded = UploadedFile(
            id=self.ids.new("F"),
            filename=filename,
            length=length,
            user=self.bot_user.id,
            created=int(self.wall_clock()),
            **fields,  # type: ignore[arg-type]
        )
        self.files[uploaded.id] = uploaded
        return uploaded
