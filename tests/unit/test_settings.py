"""Settings: the documented variables, `.env` support, readable errors."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings

VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "ADMIN_USER_IDS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_mean_playground():
    settings = load_settings()
    assert settings.playground
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.admin_user_ids == frozenset()


def test_environment_and_admin_list(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("ADMIN_USER_IDS", "U01ABC, W02DEF,")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    settings = load_settings()
    assert not settings.playground
    assert settings.admin_user_ids == {"U01ABC", "W02DEF"}
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


def test_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("PORT=4100\nDATABASE_URL=postgresql+asyncpg://u@h/db\n")
    settings = load_settings()
    assert settings.port == 4100
    assert settings.database_url == "postgresql+asyncpg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PORT", "99999", "PORT:"),
        ("PORT", "http", "PORT:"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must start with sqlite+aiosqlite://"),
        ("ADMIN_USER_IDS", "U01,bob", "ADMIN_USER_IDS: not Slack user ids"),
        ("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN: must be a bot token"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL: must be an http(s) URL"),
    ],
)
def test_invalid_values_say_which_variable(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert says in str(err.value)


def test_bot_token_needs_a_signing_secret(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings()
