"""Typed access to Web API arguments, whether they came form-encoded, as JSON or in the query."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any

from aiohttp import web

from .blocks import parse_json_arg

_TRUE = {"1", "true", "yes", "on"}


class Args(Mapping[str, Any]):
    """Read-only view of one call's arguments with Slack's coercions."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        return str(value)

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in _TRUE

    def int(self, name: str, default: int) -> int:
        value = self._values.get(name)
        try:
            return int(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            return default

    def csv(self, name: str) -> list[str]:
        value = self._values.get(name)
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [part.strip() for part in str(value or "").split(",") if part.strip()]

    def json(self, name: str, *, error: str = "invalid_arguments") -> Any:
        value = self._values.get(name)
        return None if value in (None, "") else parse_json_arg(value, error=error)


async def read_request_args(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Merge query string and body (form or JSON) into one dict; return it with the token."""
    values: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        else:
            values.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    token = values.pop("token", None)
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip()
    elif authorization.startswith("Basic "):  # oauth.v2.access: client id and secret
        try:
            login, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            login = password = ""
        values.setdefault("client_id", login)
        values.setdefault("client_secret", password)
    return values, token
