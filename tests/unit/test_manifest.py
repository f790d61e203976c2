"""manifest.yml is a valid Slack manifest and declares exactly what the code registers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from slack_bolt.async_app import AsyncApp

import handlers
from bot.background import Background
from playground.emulator.spec import SPECS_DIR

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = SPECS_DIR / "manifest"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.{}.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(REMOTE.format(version), Resource.from_contents(schema))
    return jsonschema.Draft7Validator(
        json.loads((SCHEMAS / "manifest.schema.json").read_text()), registry=registry
    )


class Recorder:
    """Stands in for the AsyncApp during registration and notes every id it is given."""

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {
            "command": set(),
            "shortcut": set(),
            "event": set(),
            "view": set(),
            "action": set(),
        }
        self._app = AsyncApp(signing_secret="x", authorize=lambda **_: None)

    def __getattr__(self, kind: str):
        register = getattr(self._app, kind)

        def record(constraint, *args, **kwargs):
            self.seen[kind].add(constraint if isinstance(constraint, str) else str(constraint))
            return register(constraint, *args, **kwargs)

        return record


class _Svc:
    background = Background()


@pytest.fixture(scope="module")
def registered() -> dict[str, set[str]]:
    recorder = Recorder()
    handlers.register(recorder, _Svc())
    return recorder.seen


def test_manifest_is_valid_against_slacks_schema(manifest, validator):
    errors = [e.message for e in validator.iter_errors(manifest)]
    assert errors == []


def test_the_schema_check_can_fail(manifest, validator):
    broken = copy.deepcopy(manifest)
    del broken["display_information"]["name"]
    broken["features"]["slash_commands"][0]["description"] = "x" * 3000
    assert list(validator.iter_errors(broken))


def test_commands_match(manifest, registered):
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == registered["command"]


def test_shortcuts_match(manifest, registered):
    declared = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    assert declared == registered["shortcut"]
    assert all(s["type"] == "message" for s in manifest["features"]["shortcuts"])


def test_events_match(manifest, registered):
    declared = {e.split(".")[0] for e in manifest["settings"]["event_subscriptions"]["bot_events"]}
    assert declared == registered["event"]
    assert {"message.channels", "message.groups"} <= set(
        manifest["settings"]["event_subscriptions"]["bot_events"]
    )


def test_interactivity_and_escaping(manifest):
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert all(c["should_escape"] for c in manifest["features"]["slash_commands"]), (
        "commands must escape mentions so <@U…> and <#C…> arrive as ids"
    )
