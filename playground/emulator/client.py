"""`SlackUserClient`: a Slack user's actions, delivered to the bot as signed HTTP requests.

Each method builds the payload Slack would send (payloads.py), signs it like Slack, POSTs it
to the bot's events URL, applies the bot's synchronous answer the way Slack would (command
acks shown ephemerally, view_submission response actions), then awaits `after_request`.
"""

from __future__ import annotations

import copy
import functools
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from . import payloads
from .blocks import view_errors, with_generated_ids
from .elements import (
    EmulatorUsageError,
    action_entry,
    find_element,
    is_stateful,
    missing_required,
    state_values,
)
from .emulator import SlackEmulator
from .responses import apply_response
from .state import Channel, Message, ResponseUrl, SlackError, User, View, Workspace

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class InvalidBotResponse(AssertionError):
    """The bot answered something Slack would refuse (bad blocks, unknown response_action...)."""


@dataclass
class BotReply:
    """What came back from the bot, plus the ids a test needs next."""

    status: int | None  # None when nothing was delivered (e.g. the bot is not in the channel)
    body: Any = None  # parsed JSON, else text
    headers: Mapping[str, str] = field(default_factory=dict)
    payload: Any = None  # what was sent (dict, or form fields for slash commands)
    trigger_id: str | None = None
    response_url: str | None = None
    channel: str | None = None
    ts: str | None = None
    view_id: str | None = None
    envelope: dict[str, Any] | None = None  # Events API envelope, for redeliver()

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def delivered(self) -> bool:
        return self.status is not None


class SlackUserClient:
    """Acts as any workspace user: `client.command(user_id, "/report", "text")`, or bind one user
    with `client.as_user(user_id).command("/report", "text")`."""

    def __init__(
        self,
        emulator: SlackEmulator,
        bot_events_url: str | None,
        signing_secret: str,
        after_request: Callable[[], Awaitable[Any]] | None = None,
        *,
        timeout: float = 10.0,
        socket_mode: bool = False,
    ) -> None:
        """`socket_mode`: deliver every request as an envelope over the app's Socket Mode
        connection (emulator.socket_mode) instead of a signed POST to `bot_events_url`."""
        self.emulator = emulator
        self.bot_events_url = bot_events_url
        self.after_request = after_request
        self.timeout = timeout
        self.socket_mode = socket_mode
        self._verifier = SignatureVerifier(signing_secret)
        self._timestamp: int | None = None
        self._signed = True

    @property
    def ws(self) -> Workspace:
        return self.emulator.workspace

    def as_user(self, user_id: str) -> ActingUser:
        return ActingUser(self, user_id)

    def with_signature(self, *, timestamp: int | None = None, signed: bool = True) -> SlackUserClient:
        """A copy whose requests carry this timestamp, or no signature headers at all."""
        clone = copy.copy(self)
        clone._timestamp, clone._signed = timestamp, signed
        return clone

    # ----------------------------------------------------------- slash commands

    async def command(self, user: str, command: str, text: str = "", channel: str | None = None) -> BotReply:
        """A slash command (default channel: the user's DM with the bot); a non-empty ack is
        shown to the user as an ephemeral message, or posted when `response_type: in_channel`."""
        actor = self._user(user)
        where = self.emulator.channel(channel) if channel else self.ws.open_dm(actor.id)
        target = self.ws.issue_response_url(where.id, actor.id)
        trigger_id = self.ws.issue_trigger(actor.id)
        fields = payloads.slash_command(
            self.ws,
            actor,
            where,
            command,
            text,
            response_url=self.emulator.response_url(target),
            trigger_id=trigger_id,
        )
        reply = await self._exchange(urlencode(fields), FORM, apply=lambda r: self._apply_ack(r, target))
        return _annotate(
            reply,
            payload=fields,
            trigger_id=trigger_id,
            response_url=fields["response_url"],
            channel=where.id,
        )

    def _apply_ack(self, reply: BotReply, target: ResponseUrl) -> None:
        if reply.status != 200 or not reply.body:
            return
        body = reply.body if isinstance(reply.body, dict) else {"text": str(reply.body)}
        if body.get("text") or body.get("blocks"):
            try:
                apply_response(self.ws, target, body)
            except SlackError as error:
                raise InvalidBotResponse(f"command ack refused: {error.error} {error.extra}") from None

    # ------------------------------------------------------------ interactivity

    async def click(
        self,
        user: str,
        channel: str,
        ts: str,
        action_id: str,
        *,
        block_id: str | None = None,
        value: Any = None,
        selected_option: Any = None,
    ) -> BotReply:
        """Use an element of a message (or of the user's ephemeral message). For buttons `value`
        picks among buttons sharing an action_id; for other elements it is the value chosen."""
        actor = self._user(user)
        where = self.emulator.channel(channel)
        message = self._visible_message(actor, where, ts)
        block, element = find_element(message.blocks, action_id, block_id=block_id, value=value)
        chosen = _chosen(element, value, selected_option)
        typed = {block["block_id"]: {element["action_id"]: chosen}} if chosen is not None else {}
        state = state_values(message.blocks, {}, typed if is_stateful(element) else {})
        action = action_entry(block, element, chosen, self.ws.ts_clock.next())
        target = self.ws.issue_response_url(
            where.id, actor.id, message_ts=message.ts, is_ephemeral=message.ephemeral_for is not None
        )
        trigger_id = self.ws.issue_trigger(actor.id)
        payload = payloads.message_block_actions(
            self.ws,
            actor,
            where,
            message,
            action,
            state=state,
            trigger_id=trigger_id,
            response_url=self.emulator.response_url(target),
        )
        payloads.deliver_as(payload, self._home_install(actor, where))
        reply = await self._exchange(_form_payload(payload), FORM)
        return _annotate(
            reply,
            payload=payload,
            trigger_id=trigger_id,
            response_url=payload["response_url"],
            channel=where.id,
            ts=message.ts,
        )

    async def click_in_view(
        self,
        user: str,
        view_id: str,
        action_id: str,
        *,
        block_id: str | None = None,
        value: Any = None,
        selected_option: Any = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> BotReply:
        """Use an element of an open modal or of the user's home tab; `values` are inputs typed
        beforehand (same form as submit_view)."""
        actor = self._user(user)
        view = self._visible_view(actor, view_id)
        block, element = find_element(view.blocks, action_id, block_id=block_id, value=value)
        chosen = _chosen(element, value, selected_option)
        typed = copy.deepcopy(values or {})
        if chosen is not None and is_stateful(element):
            typed.setdefault(block["block_id"], {})[element["action_id"]] = chosen
        view.state = {"values": state_values(view.blocks, view.state.get("values", {}), typed)}
        action = action_entry(block, element, chosen, self.ws.ts_clock.next())
        trigger_id = self.ws.issue_trigger(actor.id)
        payload = payloads.view_block_actions(self.ws, actor, view, action, trigger_id=trigger_id)
        reply = await self._exchange(_form_payload(payload), FORM)
        return _annotate(reply, payload=payload, trigger_id=trigger_id, view_id=view.id)

    async def submit_view(
        self,
        user: str,
        view_id: str,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        check_required: bool = True,
    ) -> BotReply:
        """Submit the user's topmost modal with `{block_id: {action_id: value}}`; untouched inputs
        keep their initial values. Empty required inputs are refused, as Slack's client does."""
        actor = self._user(user)
        view = self._top_modal(actor, view_id)
        view.state = {"values": state_values(view.blocks, view.state.get("values", {}), values or {})}
        missing = missing_required(view.blocks, view.state["values"])
        if check_required and missing:
            raise EmulatorUsageError(f"required inputs are empty: {missing}")
        trigger_id = self.ws.issue_trigger(actor.id)
        payload = payloads.view_submission(self.ws, actor, view, trigger_id=trigger_id)
        reply = await self._exchange(
            _form_payload(payload), FORM, apply=lambda r: self._apply_submission(actor, view, r)
        )
        return _annotate(reply, payload=payload, trigger_id=trigger_id, view_id=view.id)

    def _apply_submission(self, actor: User, view: View, reply: BotReply) -> None:
        if reply.status != 200:
            return  # Slack keeps the modal open and shows a connection error
        body = reply.body if isinstance(reply.body, dict) else {}
        action = body.get("response_action")
        if action is None:
            self.ws.close_views(actor.id, from_view_id=view.id)
        elif action == "errors":
            view.errors = _checked_errors(view, body.get("errors"))
        elif action == "update":
            self.ws.update_view(view, _checked_view(body.get("view")))
        elif action == "push":
            self.ws.open_modal(actor.id, _checked_view(body.get("view")), push=True)
        elif action == "clear":
            self.ws.close_views(actor.id)
        else:
            raise InvalidBotResponse(f"unknown response_action {action!r}")

    async def close_view(self, user: str, view_id: str) -> BotReply:
        """Close a modal (and any pushed above it); sends view_closed if notify_on_close."""
        actor = self._user(user)
        view = self._visible_view(actor, view_id)
        self.ws.close_views(actor.id, from_view_id=view.id)
        if not view.definition.get("notify_on_close"):
            return BotReply(status=None, view_id=view.id)
        payload = payloads.view_closed(self.ws, actor, view, is_cleared=False)
        reply = await self._exchange(_form_payload(payload), FORM)
        return _annotate(reply, payload=payload, view_id=view.id)

    async def message_shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> BotReply:
        actor = self._user(user)
        where = self.emulator.channel(channel)
        message = self._visible_message(actor, where, ts)
        target = self.ws.issue_response_url(where.id, actor.id)
        trigger_id = self.ws.issue_trigger(actor.id)
        payload = payloads.message_shortcut(
            self.ws,
            actor,
            where,
            message,
            callback_id,
            trigger_id=trigger_id,
            response_url=self.emulator.response_url(target),
            action_ts=self.ws.ts_clock.next(),
        )
        reply = await self._exchange(_form_payload(payload), FORM)
        return _annotate(
            reply,
            payload=payload,
            trigger_id=trigger_id,
            response_url=payload["response_url"],
            channel=where.id,
            ts=message.ts,
        )

    # ------------------------------------------------------------------- events

    async def post_message(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> BotReply:
        """Post as the user; the bot gets a `message` event only if it is in the channel."""
        actor = self._user(user)
        where = self.emulator.channel(channel)
        if actor.id not in where.members:
            raise EmulatorUsageError(f"{actor.name} is not a member of {where.name}")
        message = self.ws.post(
            where,
            thread_ts=thread_ts,
            user=actor.id,
            team=actor.team_id,
            text=text,
            blocks=payloads.rich_text_blocks(text),
        )
        event = payloads.user_message_event(self.ws, actor, where, message)
        envelope = self._envelope(event, where)
        payloads.deliver_as(envelope, self._home_install(actor, where))
        if self.ws.bot_user.id not in where.members:
            return BotReply(status=None, envelope=envelope, channel=where.id, ts=message.ts)
        reply = await self._exchange(json.dumps(envelope), JSON)
        return _annotate(reply, payload=envelope, envelope=envelope, channel=where.id, ts=message.ts)

    async def add_to_channel(self, user: str, channel: str, *, by: str | None = None) -> BotReply:
        """`by` adds `user` to the channel from Slack's own UI (or `user` joins it): the bot, if a
        member, gets `member_joined_channel`. (The bot's own `conversations.invite` sends none here.)"""
        actor, where = self._user(user), self.emulator.channel(channel)
        inviter = self._user(by) if by is not None else None
        if inviter is not None and inviter.id not in where.members:
            raise EmulatorUsageError(f"{inviter.name} is not a member of {where.name}")
        where.members.add(actor.id)
        event = payloads.member_joined_channel_event(self.ws, actor, where, inviter, self.ws.ts_clock.next())
        envelope = self._envelope(event, where)
        if self.ws.bot_user.id not in where.members:
            return BotReply(status=None, envelope=envelope, channel=where.id)
        reply = await self._exchange(json.dumps(envelope), JSON)
        return _annotate(reply, payload=envelope, envelope=envelope, channel=where.id)

    async def open_home(self, user: str) -> BotReply:
        """The user opens the app's Home tab (`app_home_opened`, with the published view if any)."""
        actor = self._user(user)
        home = self.ws.home(actor.id)
        event = payloads.app_home_opened_event(
            self.ws, actor, self.ws.open_dm(actor.id), home, self.ws.ts_clock.next()
        )
        envelope = self._envelope(event, None)
        reply = await self._exchange(json.dumps(envelope), JSON)
        return _annotate(reply, payload=envelope, envelope=envelope, view_id=home.id if home else None)

    async def redeliver(
        self, envelope: dict[str, Any], retry_num: int = 1, reason: str = "http_timeout"
    ) -> BotReply:
        """Send an event again, as Slack retries: same body plus X-Slack-Retry-* headers."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
        reply = await self._exchange(json.dumps(envelope), JSON, extra_headers=headers)
        return _annotate(reply, payload=envelope, envelope=envelope)

    async def app_uninstalled(self) -> BotReply:
        """Slack's `app_uninstalled` event for this workspace (after emulator.uninstall())."""
        return await self._lifecycle_event({"type": "app_uninstalled"})

    async def tokens_revoked(self, bot_user_ids: list[str] | None = None) -> BotReply:
        event = {"type": "tokens_revoked", "tokens": {"bot": bot_user_ids or [self.ws.bot_user.id]}}
        return await self._lifecycle_event(event)

    async def _lifecycle_event(self, event: dict[str, Any]) -> BotReply:
        envelope = self._envelope(event, None)
        reply = await self._exchange(json.dumps(envelope), JSON)
        return _annotate(reply, payload=envelope, envelope=envelope)

    def _home_install(self, actor: User, channel: Channel) -> Workspace | None:
        """Slack Connect with the app installed on both sides: an external member's action in a
        shared channel reaches the app through *their* workspace's installation."""
        if actor.team_id == self.ws.team_id or actor.team_id not in channel.shared_team_ids:
            return None
        if actor.team_id not in self.emulator.app.installed:
            return None
        return self.emulator.workspaces.get(actor.team_id)

    def _envelope(self, event: dict[str, Any], channel: Channel | None) -> dict[str, Any]:
        return payloads.event_envelope(
            self.ws,
            event,
            event_id=self.ws.ids.new("Ev"),
            event_time=int(self.ws.wall_clock()),
            channel=channel,
        )

    # ---------------------------------------------------------------- transport

    async def send_raw(
        self, body: str | bytes, content_type: str = JSON, headers: Mapping[str, str] | None = None
    ) -> BotReply:
        """POST any body, signed (unless disabled with with_signature)."""
        text = body.decode() if isinstance(body, bytes) else body
        return await self._exchange(text, content_type, extra_headers=dict(headers or {}))

    async def _exchange(
        self,
        body: str,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        apply: Callable[[BotReply], None] | None = None,
    ) -> BotReply:
        reply = await self._post(body, content_type, extra_headers or {})
        try:
            if apply is not None:
                apply(reply)
        finally:
            if self.after_request is not None:
                await self.after_request()
        return reply

    async def _post(self, body: str, content_type: str, extra_headers: dict[str, str]) -> BotReply:
        if self.socket_mode:
            return await self._over_socket(body, content_type)
        if self.bot_events_url is None:
            raise EmulatorUsageError("no bot_events_url: this client delivers over Socket Mode only")
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **self._signature_headers(body),
            **extra_headers,
        }
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.bot_events_url, data=body.encode(), headers=headers) as response,
        ):
            raw = await response.text()
            return BotReply(response.status, _parse_body(raw, response.content_type), dict(response.headers))

    async def _over_socket(self, body: str, content_type: str) -> BotReply:
        """The request as a Socket Mode envelope; the ack's payload plays the HTTP body."""
        if content_type == JSON:
            kind, payload = "events_api", json.loads(body)
        else:
            fields = dict(parse_qsl(body, keep_blank_values=True))
            if "payload" in fields:
                kind, payload = "interactive", json.loads(fields["payload"])
            else:
                kind, payload = "slash_commands", fields
        ack = await self.emulator.socket_mode.deliver(kind, payload, timeout=self.timeout)
        return BotReply(200, ack.get("payload") or "", {})

    def _signature_headers(self, body: str) -> dict[str, str]:
        if not self._signed:
            return {}
        timestamp = str(self._timestamp if self._timestamp is not None else int(time.time()))
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body)
        return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature or ""}

    # ------------------------------------------------------------------ lookups

    def _user(self, user_id: str) -> User:
        user = self.ws.users.get(user_id)
        if user is None:
            raise EmulatorUsageError(f"no user {user_id!r}")
        self.emulator.acting["team"] = self.ws.team_id  # where an org-wide token's calls act next
        return user

    def _visible_message(self, actor: User, channel: Channel, ts: str) -> Message:
        message = self.ws.find_ephemeral(channel.id, ts, actor.id) or self.ws.find_message(channel.id, ts)
        if message is None:
            raise EmulatorUsageError(f"{actor.name} sees no message {ts} in {channel.name}")
        if channel.is_private and actor.id not in channel.members:
            raise EmulatorUsageError(f"{actor.name} cannot see private channel {channel.name}")
        return message

    def _visible_view(self, actor: User, view_id: str) -> View:
        open_ids = [v.id for v in self.ws.open_views(actor.id)]
        home = self.ws.home(actor.id)
        if view_id not in open_ids and (home is None or home.id != view_id):
            raise EmulatorUsageError(f"view {view_id} is not open for {actor.name} (open: {open_ids})")
        return self.ws.views[view_id]

    def _top_modal(self, actor: User, view_id: str) -> View:
        stack = self.ws.open_views(actor.id)
        if not stack or stack[-1].id != view_id:
            raise EmulatorUsageError(f"view {view_id} is not {actor.name}'s topmost modal")
        return stack[-1]


class ActingUser:
    """`client.as_user(user_id)`: every user-taking method of the client with `user` filled in."""

    _USER_METHODS = frozenset(
        {
            "command",
            "click",
            "click_in_view",
            "submit_view",
            "close_view",
            "message_shortcut",
            "post_message",
            "open_home",
        }
    )

    def __init__(self, client: SlackUserClient, user_id: str) -> None:
        self.client = client
        self.user_id = user_id

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name in self._USER_METHODS:
            return functools.partial(attribute, self.user_id)
        return attribute


def _chosen(element: dict, value: Any, selected_option: Any) -> Any:
    if selected_option is not None:
        return selected_option
    return None if element.get("type") == "button" else value


def _checked_view(view: Any) -> dict[str, Any]:
    errors = view_errors(view)
    if errors:
        raise InvalidBotResponse(f"invalid view in response_action: {errors}")
    return {**view, "blocks": with_generated_ids(view.get("blocks", []))}


def _checked_errors(view: View, errors: Any) -> dict[str, str]:
    inputs = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
    if not isinstance(errors, dict) or not errors or not set(errors) <= inputs:
        raise InvalidBotResponse(f"response_action errors must name input blocks {sorted(inputs)}: {errors}")
    return errors


def _form_payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _parse_body(raw: str, content_type: str) -> Any:
    if raw and "json" in content_type:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _annotate(reply: BotReply, **ids: Any) -> BotReply:
    for name, value in ids.items():
        setattr(reply, name, value)
    return reply
