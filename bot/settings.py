"""Configuration: the variables of docs/deploy.md, from the environment or `.env`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from cryptography.fernet import Fernet
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
    # OAuth v2 (many workspaces): the three together turn on /slack/install (bot/oauth.py)
    slack_client_id: str | None = Field(default=None, description="the app's client id")
    slack_client_secret: str | None = Field(default=None, description="the app's client secret")
    slack_state_secret: str | None = Field(default=None, description="signs the OAuth state")
    #: Fernet keys, comma-separated: the first encrypts stored tokens, all decrypt.
    token_encryption_keys: Annotated[tuple[str, ...], NoDecode] = Field(default=())
    log_format: Literal["text", "json"] = Field(
        default="text", description="text or json (one object a line)"
    )
    #: `GET /metrics` asks for `Authorization: Bearer <this>`; without it, `serve` (whose port
    #: faces Slack, hence the internet) does not serve metrics at all (bot/operations.py).
    metrics_token: str | None = Field(default=None, description="bearer token for GET /metrics")

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

    @field_validator("slack_signing_secret", "slack_client_id", "slack_client_secret", "slack_state_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: str | None) -> str | None:
        if value and len(value) < 16:
            raise ValueError("must be at least 16 characters (a random string)")
        return value or None

    @field_validator("slack_state_secret")
    @classmethod
    def _state_secret(cls, value: str | None) -> str | None:
        if value and len(value) < 16:
            raise ValueError("must be at least 16 characters (a random string)")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("token_encryption_keys", mode="before")
    @classmethod
    def _fernet_keys(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        keys = tuple(str(v) for v in (value or ()) if str(v))
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key)
            except (ValueError, TypeError):
                raise ValueError(
                    f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                    "make one with `campaign-guard new-encryption-key`)"
                ) from None
        return keys

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
        oauth = (self.slack_client_id, self.slack_client_secret, self.slack_state_secret)
        if any(oauth) and not all(oauth):
            raise ValueError(
                "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET go together (OAuth)"
            )
        if self.oauth and self.slack_bot_token:
            raise ValueError("set either SLACK_BOT_TOKEN (one workspace) or the OAuth variables, not both")
        if self.oauth and not self.token_encryption_keys:
            raise ValueError("OAuth stores tokens: TOKEN_ENCRYPTION_KEYS must hold at least one Fernet key")
        if self.oauth and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError("OAuth needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)")
        if self.slack_app_token and not (self.slack_bot_token or self.oauth):
            raise ValueError("SLACK_APP_TOKEN needs SLACK_BOT_TOKEN")
        return self

    @property
    def oauth(self) -> bool:
        """Many workspaces: installs through OAuth v2 (bot/oauth.py)."""
        return bool(self.slack_client_id and self.slack_client_secret and self.slack_state_secret)

    @property
    def playground(self) -> bool:
        """No Slack credentials: run the local emulated workspace."""
        return not self.slack_bot_token and not self.oauth


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
