"""The Web API client: `SLACK_API_URL`, and slack_sdk's async retry handlers."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def create_client(token: str | None, base_url: str, *, timeout: int = 10) -> AsyncWebClient:
    """A client that honours `Retry-After` on 429 and retries 5xx and connection errors."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def slack_error(exc: Exception) -> str | None:
    """The Slack error code of a `SlackApiError` (`channel_not_found` …), else None."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    try:
        return response.get("error")
    except AttributeError:
        return None
