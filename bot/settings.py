"""Configuration: exactly the variables of the spec's "Running it", from the environment or `.env`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/campaign_guard.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class SettingsError(ValueError):
    """Invalid configuration, with one readable line per offending variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, description="xoxb- token of a real workspace")
    slack_signing_secret: str | None = Field(default=None, description="verifies requests from Slack")
    slack_app_token: str | None = Field(default=None, description="xapp- token: Socket Mode instead of HTTP")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, description="Web API base URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    port: int = Field(default=3000, ge=1, le=65535)
    admin_user_ids: Annotated[frozenset[str], NoDecode] = Field(default=frozenset())

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value or None

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(_DRIVERS):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> frozenset[str]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        ids = frozenset(str(v) for v in (value or ()) if str(v))
        bad = sorted(i for i in ids if not _USER_ID.match(i))
        if bad:
            raise ValueError(f"not Slack user ids (like U012AB3CD): {', '.join(bad)}")
        return ids

    @model_validator(mode="after")
    def _credentials_come_in_pairs(self) -> Settings:
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_BOT_TOKEN needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)"
            )
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_APP_TOKEN needs SLACK_BOT_TOKEN")
        return self

    @property
    def playground(self) -> bool:
        """No Slack credentials: run the local emulated workspace."""
        return not self.slack_bot_token


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, `.env` and overrides; a readable `SettingsError` if invalid."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper() or "configuration"
            lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from None
