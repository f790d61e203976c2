"""Argument checking against Slack's Web API OpenAPI spec (Swagger 2.0, frozen in 2020).

The spec is loaded once per path. For every method it lists, arguments it does not list are
refused as `invalid_arguments`, and so are missing required ones. Slack has grown since 2020, so
the two tables below add what real Slack accepts today; keep them short and commented.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# The methods and their parameters, extracted from Slack's spec and shipped with the emulator
# (specs/README.md says where it comes from); SLACK_OPENAPI_SPEC may name the full upstream file.
SPECS_DIR = Path(__file__).resolve().parent / "specs"  # also Slack's schemas and samples the tests read
BUNDLED_SPEC_PATH = SPECS_DIR / "slack_web_openapi_v2.params.json"
DEFAULT_SPEC_PATH = Path(os.environ.get("SLACK_OPENAPI_SPEC", str(BUNDLED_SPEC_PATH)))

# Always accepted: the token may travel in a header, the query string or the body; slack_sdk adds
# `team_id` to every call of a client built for a team (Bolt does this), and Slack accepts it.
_ALWAYS_ALLOWED = frozenset({"token", "team_id"})


@dataclass(frozen=True)
class MethodSignature:
    required: frozenset[str]
    optional: frozenset[str]

    @property
    def allowed(self) -> frozenset[str]:
        return self.required | self.optional | _ALWAYS_ALLOWED


def _signature(required: str = "", optional: str = "") -> MethodSignature:
    return MethodSignature(frozenset(required.split()), frozenset(optional.split()))


# ---------------------------------------------------------------------------------------------
# Methods real Slack has that the 2020 spec lacks entirely (arguments from docs.slack.dev).
ADDED_METHODS: dict[str, MethodSignature] = {
    "conversations.inviteShared": _signature("channel", "emails user_ids external_limited"),
    "files.getUploadURLExternal": _signature("filename length", "alt_txt snippet_type"),
    "files.completeUploadExternal": _signature(
        "files", "channel_id channels initial_comment thread_ts blocks"
    ),
}

# Newer arguments real Slack accepts on methods the 2020 spec does know.
ADDED_ARGUMENTS: dict[str, frozenset[str]] = {
    # message metadata (2022), markdown_text (2025), container_id (assistant threads)
    "chat.postMessage": frozenset({"metadata", "markdown_text", "container_id"}),
    "chat.postEphemeral": frozenset({"markdown_text"}),
    "chat.update": frozenset({"metadata", "markdown_text", "file_ids", "reply_broadcast"}),
    "conversations.create": frozenset({"team_id"}),  # org-wide apps
    "conversations.invite": frozenset({"force"}),  # invite the valid users, report the rest
    "conversations.history": frozenset({"include_all_metadata"}),
    "conversations.replies": frozenset({"include_all_metadata"}),
    "conversations.open": frozenset({"prevent_creation"}),
    "views.open": frozenset({"interactivity_pointer"}),  # either it or trigger_id
    "views.push": frozenset({"interactivity_pointer"}),
    "team.info": frozenset({"domain"}),
    "bots.info": frozenset({"team_id"}),
    # With an org-wide (Enterprise Grid) token, Slack asks which workspace these act in.
    "conversations.list": frozenset({"team_id"}),
    "users.list": frozenset({"team_id"}),
}
# Arguments the 2020 spec marks required that newer Slack lets an alternative replace.
RELAXED_REQUIRED: dict[str, frozenset[str]] = {
    "views.open": frozenset({"trigger_id"}),  # or interactivity_pointer
    "views.push": frozenset({"trigger_id"}),
}
# ---------------------------------------------------------------------------------------------


class ApiSpec:
    """The set of known methods and their arguments."""

    def __init__(self, signatures: dict[str, MethodSignature]) -> None:
        self._signatures = signatures

    @classmethod
    def load(cls, path: Path | str = DEFAULT_SPEC_PATH) -> ApiSpec:
        return _load_cached(str(path))

    def knows(self, method: str) -> bool:
        return method in self._signatures

    def signature(self, method: str) -> MethodSignature | None:
        return self._signatures.get(method)

    def check(self, method: str, args: dict[str, Any]) -> list[str]:
        """Slack-style `[ERROR] ...` messages for unknown and missing arguments."""
        signature = self._signatures.get(method)
        if signature is None:
            return []
        unknown = [f"[ERROR] unknown argument '{name}'" for name in args if name not in signature.allowed]
        missing = [
            f"[ERROR] missing required field: '{name}'"
            for name in sorted(signature.required)
            if args.get(name) in (None, "")
        ]
        return unknown + missing


@cache
def _load_cached(path: str) -> ApiSpec:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    signatures = {
        route.lstrip("/"): _signature_from_operations(route.lstrip("/"), operations)
        for route, operations in document["paths"].items()
    }
    return ApiSpec({**signatures, **ADDED_METHODS})


def _signature_from_operations(method: str, operations: dict[str, Any]) -> MethodSignature:
    required: set[str] = set()
    optional: set[str] = set(ADDED_ARGUMENTS.get(method, ()))
    for operation in operations.values():
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if name in _ALWAYS_ALLOWED:
                continue
            if parameter.get("required") and name not in RELAXED_REQUIRED.get(method, ()):
                required.add(name)
            else:
                optional.add(name)
    return MethodSignature(frozenset(required), frozenset(optional - required))
