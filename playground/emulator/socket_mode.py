"""Socket Mode as Slack speaks it: `apps.connections.open` hands out a websocket URL; Slack sends
each request as an envelope over the socket and waits for the app's ack with the same
`envelope_id`.

- On connect the server says `hello`.
- Envelopes: `slash_commands` (the command's form fields), `interactive` (the interactivity
  payload) and `events_api` (the Events API envelope). The ack is
  `{"envelope_id": …, "payload": {…}}`; the payload is what an HTTP response body would be.
- `disconnect()` sends `{"type": "disconnect", "reason": "refresh_requested"}`; the app opens a
  new connection and closes the old one. An ack may come back on any connection of the app.
- An envelope whose connection closes before its ack is delivered again, on a live
  connection, with `retry_attempt` + 1 — so a reconnect loses no request, and an ack that
  does arrive settles its envelope once (later duplicates are counted, not applied).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .emulator import SlackEmulator

log = logging.getLogger(__name__)

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")


class SocketModeUnavailable(RuntimeError):
    """No app connection answered (none open, or the ack did not come in time)."""


@dataclass
class Connection:
    id: str
    ws: web.WebSocketResponse
    sent: set[str] = field(default_factory=set)  # envelope ids sent on it and not yet acked


@dataclass
class Pending:
    envelope: dict[str, Any]
    done: asyncio.Future[dict[str, Any]]
    connection: str | None = None


class SocketModeHub:
    def __init__(self, emulator: SlackEmulator, *, redeliver_after: float = 0.2) -> None:
        self._emulator = emulator
        self._tickets: set[str] = set()
        self.connections: dict[str, Connection] = {}
        self.pending: dict[str, Pending] = {}
        self.acks: list[dict[str, Any]] = []  # every ack accepted, oldest first
        self.duplicate_acks = 0
        self.deliveries: list[dict[str, Any]] = []  # every envelope sent (retries included)
        self.opened = 0  # connections ever opened
        self.redeliver_after = redeliver_after
        self._drop_after_sends = 0
        self._lose_sends = 0
        self._connected = asyncio.Event()
        self._new_connection = asyncio.Event()

    # ------------------------------------------------------------------ connecting

    def new_url(self) -> str:
        ticket = secrets.token_hex(12)
        self._tickets.add(ticket)
        base = self._emulator.base_url or ""
        return f"{base.replace('http', 'ws', 1)}/socket-mode/link?ticket={ticket}"

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid ticket")
        self._tickets.discard(ticket)  # a URL works once, as Slack's do
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = Connection(uuid.uuid4().hex[:8], ws)
        self.connections[connection.id] = connection
        self.opened += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections),
                "debug_info": {"host": "emulator", "approximate_connection_time": 3600},
                "connection_info": {"app_id": self._emulator.workspace.app_id},
            }
        )
        self._connected.set()
        self._new_connection.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(connection, message.data)
        finally:
            self.connections.pop(connection.id, None)
            if not self.connections:
                self._connected.clear()
            if connection.sent:
                asyncio.get_running_loop().create_task(self._redeliver(set(connection.sent)))
        return ws

    def _receive(self, connection: Connection, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            log.warning("socket mode: not JSON: %r", data[:200])
            return
        envelope_id = message.get("envelope_id")
        pending = self.pending.get(envelope_id)
        if pending is None or pending.done.done():
            self.duplicate_acks += envelope_id is not None
            return
        for each in self.connections.values():
            each.sent.discard(envelope_id)
        connection.sent.discard(envelope_id)
        self.acks.append(message)
        pending.done.set_result(message)

    async def wait_connected(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    # ------------------------------------------------------------------ delivering

    async def deliver(self, kind: str, payload: dict[str, Any], *, timeout: float = 10.0) -> dict[str, Any]:
        """Send one envelope and wait for its ack (on any connection); returns the ack."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {kind!r}")
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        pending = Pending(envelope, asyncio.get_running_loop().create_future())
        self.pending[envelope_id] = pending
        try:
            await self._send(pending)
            async with asyncio.timeout(timeout):
                return await asyncio.shield(pending.done)
        except TimeoutError:
            raise SocketModeUnavailable(f"no ack for envelope {envelope_id} within {timeout} s") from None
        finally:
            self.pending.pop(envelope_id, None)

    async def _send(self, pending: Pending) -> None:
        await self.wait_connected()
        connection = list(self.connections.values())[-1]  # the newest, as after a refresh
        envelope_id = pending.envelope["envelope_id"]
        connection.sent.add(envelope_id)
        pending.connection = connection.id
        self.deliveries.append(pending.envelope)
        if self._lose_sends:  # lost on the wire, and the connection with it
            self._lose_sends -= 1
            await connection.ws.close()
            return
        try:
            await connection.ws.send_json(pending.envelope)
        except (ConnectionError, RuntimeError):  # closing: the close handler redelivers it
            log.info("socket mode: connection %s closed while sending %s", connection.id, envelope_id)
        if self._drop_after_sends:
            self._drop_after_sends -= 1
            await connection.ws.close()

    async def _redeliver(self, envelope_ids: set[str]) -> None:
        """Envelopes a closed connection never acked: give the app a moment (an ack may still
        arrive on its new connection), then send them again with `retry_attempt` + 1."""
        await asyncio.sleep(self.redeliver_after)
        for envelope_id in envelope_ids:
            pending = self.pending.get(envelope_id)
            if pending is None or pending.done.done():
                continue
            pending.envelope = {
                **pending.envelope,
                "retry_attempt": pending.envelope["retry_attempt"] + 1,
                "retry_reason": "connection_closed",
            }
            await self._send(pending)

    # ------------------------------------------------------------------ disruptions

    async def disconnect(self, reason: str = "refresh_requested", *, wait: bool = True) -> None:
        """Ask the app to reconnect, as Slack does before retiring a connection; with `wait`,
        return once a new connection is open."""
        self._new_connection.clear()
        for connection in list(self.connections.values()):
            await connection.ws.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "emulator"}}
            )
        if wait:
            async with asyncio.timeout(10):
                await self._new_connection.wait()

    def drop_after_next_send(self, times: int = 1) -> None:
        """The connection fails right after the next `times` envelopes went out on it."""
        self._drop_after_sends = times

    def lose_next_envelope(self, times: int = 1) -> None:
        """The next `times` envelopes never reach the app: their connection fails as they go out."""
        self._lose_sends = times

    async def drop(self) -> None:
        """Close every connection from the server side, without warning (a network failure)."""
        for connection in list(self.connections.values()):
            await connection.ws.close()

    async def close(self) -> None:
        for connection in list(self.connections.values()):
            await connection.ws.close()
