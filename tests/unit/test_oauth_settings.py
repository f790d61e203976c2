"""OAuth settings: the three variables go together, tokens need encryption keys, Fernet keys are
checked, the scopes asked for are the manifest's; the token cipher's key rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from bot.installations import TokenCipher
from bot.oauth import BOT_SCOPES, authorize_url
from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
KEY = Fernet.generate_key().decode()
OAUTH = {
    "slack_client_id": "1111.2222",
    "slack_client_secret": "secret",
    "slack_state_secret": "s" * 32,
    "slack_signing_secret": "x" * 32,
    "token_encryption_keys": KEY,
}


def settings(**values):
    return load_settings(_env_file=None, **values)


def test_oauth_mode_needs_all_three_and_encryption_keys():
    configured = settings(**OAUTH)
    assert configured.oauth and not configured.playground
    assert configured.token_encryption_keys == (KEY,)
    with pytest.raises(SettingsError, match="go together"):
        settings(**{**OAUTH, "slack_state_secret": None})
    with pytest.raises(SettingsError, match="TOKEN_ENCRYPTION_KEYS must hold"):
        settings(**{**OAUTH, "token_encryption_keys": ""})
    with pytest.raises(SettingsError, match="not both"):
        settings(**OAUTH, slack_bot_token="xoxb-1")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        settings(**{**OAUTH, "slack_signing_secret": None})


def test_encryption_keys_are_fernet_keys_listed_by_commas():
    assert settings(**{**OAUTH, "token_encryption_keys": f" {KEY} , {KEY}"}).token_encryption_keys == (
        KEY,
        KEY,
    )
    with pytest.raises(SettingsError) as bad:
        settings(**{**OAUTH, "token_encryption_keys": f"{KEY},not-a-key"})
    assert "TOKEN_ENCRYPTION_KEYS: key 2 is not a Fernet key" in str(bad.value)
    with pytest.raises(SettingsError, match="at least 16 characters"):
        settings(**{**OAUTH, "slack_state_secret": "short"})


def test_log_format_is_text_or_json():
    assert settings().log_format == "text"
    assert settings(log_format="JSON").log_format == "json"
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        settings(log_format="xml")


def test_the_scopes_asked_for_are_the_manifests():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])


def test_authorize_page_sits_next_to_the_web_api():
    assert authorize_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
    assert authorize_url("http://127.0.0.1:8123/api/") == "http://127.0.0.1:8123/oauth/v2/authorize"


def test_the_first_key_encrypts_and_every_key_decrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = TokenCipher([old]).encrypt("xoxb-1-secret")
    assert stored.startswith("fernet:") and "xoxb" not in stored
    rotated = TokenCipher([new, old])
    assert rotated.decrypt(stored) == "xoxb-1-secret"
    rewritten = rotated.reencrypt(stored)
    assert TokenCipher([new]).decrypt(rewritten) == "xoxb-1-secret"
    assert rotated.encrypt(rewritten) == rewritten  # never encrypted twice
    assert rotated.reencrypt("xoxb-plain") != "xoxb-plain"  # a token stored before encryption
