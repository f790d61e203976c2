"""The Web API client: `SLACK_API_URL`, slack_sdk's async retry handlers, the token of the
workspace the current work belongs to (bot/tenancy.py), and a count of calls by outcome."""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot import tenancy
from storage.db import in_transaction

log = logging.getLogger(__name__)


class NoWorkspace(RuntimeError):
    """A Web API call with no workspace in scope, and no token of its own (OAuth mode)."""


#: Methods that, called with an org-wide (Enterprise Grid) token, must say which workspace they
#: act in (`team_id`); the others find it from their channel, user or view.
NAMES_ITS_WORKSPACE = frozenset({"conversations.create", "conversations.list", "users.list"})

#: `chat.postMessage` arguments for a post that carries links someone typed (evidence, a submitted
#: draft, a note): Slack fetches and previews nothing of them. By default Slack unfurls the media
#: links of an app's message, and a preview in a shared channel shows what the link only named.
#: (`chat.update` takes no unfurl arguments.)
NO_UNFURL: dict[str, bool] = {"unfurl_links": False, "unfurl_media": False}


#: Web API calls made inside a database transaction, the latest hundred, each as the method and the
#: lines of the bot's code that led to it. None should be: a transaction holds one of the pool's ten
#: connections (storage/db.py) and the rows it locked, for as long as Slack takes to answer (a 429
#: waits out its Retry-After). Each is logged as a warning, and the test suite fails the test that
#: made one (tests/conftest.py).
CALLED_IN_TRANSACTION: deque[str] = deque(maxlen=100)


def note_if_in_transaction(method: str) -> None:
    """Note a Web API call about to be made, if the current task is inside a transaction."""
    if not in_transaction():
        return
    ours = [
        f"{frame.filename[len(_ROOT) :]}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_stack(limit=24)
        if frame.filename.startswith(_ROOT)
        and frame.filename not in _NOT_CALLERS
        and frame.filename[len(_ROOT) :].split("/", 1)[0] in _PACKAGES
    ]
    where = f"{method} at " + (" < ".join(reversed(ours[-3:])) or "?")
    log.warning("Slack called inside a database transaction: %s", where)
    CALLED_IN_TRANSACTION.append(where)


_ROOT = str(Path(__file__).parents[1]) + "/"
_PACKAGES = frozenset({"bot", "handlers", "scheduler", "storage", "playground", "bench", "tests"})
#: The client's own modules: the lines named are those of whoever called them.
_NOT_CALLERS = frozenset({__file__, str(Path(__file__).with_name("directory.py"))})


def _with_team(team_id: str, params: Any, json: Any, data: Any) -> tuple[Any, Any, Any]:
    """The call's arguments with `team_id` added (where they are), unless it names one already
    (slack_sdk's methods pass `team_id=None` when the caller gave none)."""

    def named(args: dict) -> dict:
        return {**args, "team_id": args.get("team_id") or team_id}

    if isinstance(json, dict):
        return params, named(json), data
    if isinstance(data, dict):
        return params, json, named(data)
    return named(params or {}), json, data


class SlackClient(AsyncWebClient):
    """An `AsyncWebClient` whose calls carry the token of the workspace in scope
    (`bot.tenancy.current()`), falling back on its own token (single-token mode); a token passed
    explicitly (`token=`), and client credentials (oauth.v2.access), are left alone.

    `metrics` (bot/metrics.py) counts every call by method and outcome: ok, ratelimited, error.
    """

    def __init__(self, *args: Any, metrics: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict | None = None,
        data: Any = None,
        params: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
        auth: dict | None = None,
    ) -> Any:
        note_if_in_transaction(api_method)
        explicit = auth is not None or any(
            isinstance(part, dict) and part.get("token") for part in (params, json, data)
        )
        if not explicit:
            scope = tenancy.current()
            token = scope.bot_token if scope is not None and scope.bot_token else self.token
            if token is None:
                raise NoWorkspace(f"{api_method}: no workspace in scope and no token")
            if token != self.token:
                headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
            if scope is not None and scope.org_wide and scope.team_id and api_method in NAMES_ITS_WORKSPACE:
                params, json, data = _with_team(scope.team_id, params, json, data)
        outcome = "error"
        try:
            response = await super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
            outcome = "ok"
            return response
        except SlackApiError as exc:
            status = getattr(exc.response, "status_code", None)
            outcome = "ratelimited" if status == 429 or slack_error(exc) == "ratelimited" else "error"
            raise
        finally:
            if self.metrics is not None:
                self.metrics.web_api_call(api_method, outcome)


def create_client(token: str | None, base_url: str, *, timeout: int = 10, metrics: Any = None) -> SlackClient:
    """A client that honours `Retry-After` on 429 and retries 5xx and connection errors."""
    return SlackClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        metrics=metrics,
        retry_handlers=[
            metrics.rate_limit_counter()
            if metrics is not None
            else AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
            CardSafeConnectionRetry(max_retry_count=2),
        ],
    )


#: Set while `post_or_keep_card` posts a card: its post is never sent again blind.
_POSTING_CARD: ContextVar[bool] = ContextVar("posting_card", default=False)


class CardSafeConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack_sdk's retry of a call whose connection failed, except a card's post that may have
    reached Slack: a connection that closed or reset after the request was sent may have posted
    it, and a second post would make a second card. That post fails instead (`NOT_ANSWERED`), and
    `post_or_keep_card` looks for the card Slack may have made. A connection that was never made
    (`ClientConnectorError`: nothing was sent) is retried as any other call's."""

    async def _can_retry_async(
        self, *, state: Any, request: Any, response: Any = None, error: Exception | None = None
    ) -> bool:
        if _POSTING_CARD.get() and not isinstance(error, aiohttp.ClientConnectorError):
            return False
        return await super()._can_retry_async(state=state, request=request, response=response, error=error)


#: Slack errors that mean the token will not work (no retry helps).
TOKEN_REFUSED = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
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


#: What posting a card answers when another press of *Post the card again* remembered one first
#: (the card just posted is deleted again: `delete_quietly`).
CARD_TAKEN = "card_already_posted"


#: What a card post answers when Slack did not answer in time (or the connection broke): Slack may
#: have posted it all the same, so the card is looked for (`find_own_card`) before it is posted again.
NO_ANSWER = "no_answer"

#: The errors of a call Slack may have carried out without the client hearing so: a timeout, a
#: broken connection. (A `SlackApiError` is Slack's answer: what it refused did not happen.)
NOT_ANSWERED: tuple[type[Exception], ...] = (TimeoutError, aiohttp.ClientError)

#: How far before its subject's creation a card is looked for: the bot's and Slack's clocks differ.
CARD_CLOCK_SKEW = timedelta(minutes=5)
#: At most this many messages of a channel are read looking for a card (`find_own_card`).
CARD_SEARCH_MAX = 1000
_CARD_SEARCH_PAGE = 200


async def find_own_card(
    client: AsyncWebClient, channel: str, block_id: str, since: datetime, bot_user_id: str | None
) -> list[str]:
    """The ts of the bot's own messages in `channel` (top level, posted since `since`, give or take
    `CARD_CLOCK_SKEW`) that carry a block `block_id` (a card's: `bot.views.*.card_block_id`), oldest
    first. A card whose post went unanswered (`NOT_ANSWERED`) may be there all the same: it is adopted
    rather than posted twice. Slack refusing the history, or not answering, finds nothing (logged).

    Reads at most `CARD_SEARCH_MAX` messages, newest first: a channel busier than that since the
    subject was created is not searched to its end."""
    oldest = f"{(since - CARD_CLOCK_SKEW).timestamp():.6f}"
    found: list[str] = []
    cursor: str | None = None
    read = 0
    try:
        while read < CARD_SEARCH_MAX:
            response = await client.conversations_history(
                channel=channel, oldest=oldest, limit=_CARD_SEARCH_PAGE, cursor=cursor
            )
            messages = response.get("messages") or []
            read += len(messages)
            found += [m["ts"] for m in messages if _is_own_card(m, block_id, bot_user_id)]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not (response.get("has_more") and cursor):
                break
    except SlackApiError as exc:
        log.warning("cards in %s not looked for: %s", channel, slack_error(exc))
    except NOT_ANSWERED as exc:
        log.warning("cards in %s not looked for: %s", channel, type(exc).__name__)
    return sorted(found, key=float)


@dataclass(frozen=True, slots=True)
class CardPost:
    """How posting a card went (`post_or_keep_card`): its `ts` (None when there is none), Slack's `error`
    when it refused it or did not answer (`NO_ANSWER`) and no card is there, and whether the card
    was `adopted`: found in the channel rather than answered (drawn when it was posted, so the
    caller redraws it)."""

    ts: str | None
    error: str | None = None
    adopted: bool = False


async def post_or_keep_card(
    client: AsyncWebClient,
    channel: str,
    draw: Callable[[], tuple[str, list]],
    *,
    block_id: str,
    since: datetime,
    bot_user_id: str | None,
    what: str,
    look_first: bool = False,
) -> CardPost:
    """Post a card (`draw()`: its text and blocks, link previews off) in `channel`. A post Slack did
    not answer (`NOT_ANSWERED`) may have made the card all the same: the bot's own card carrying
    `block_id` is then looked for (`find_own_card`, since `since`) and adopted, and only when none
    is there does it answer `NO_ANSWER`. With `look_first` (*Post the card again*) it is looked for
    before anything is posted. Of several cards found, the first is kept and the others deleted.
    `what` names the card in the logs."""

    async def find() -> str | None:
        cards = await find_own_card(client, channel, block_id, since, bot_user_id)
        for extra in cards[1:]:
            await delete_quietly(client, channel, extra)
        if cards:
            log.info("%s found in %s: kept", what, channel)
        return cards[0] if cards else None

    if look_first and (found := await find()) is not None:
        return CardPost(found, adopted=True)
    text, blocks = draw()
    posting = _POSTING_CARD.set(True)  # never posted twice by a retry (`CardSafeConnectionRetry`)
    try:
        posted = await client.chat_postMessage(channel=channel, text=text, blocks=blocks, **NO_UNFURL)
    except SlackApiError as exc:
        error = slack_error(exc)
        log.warning("%s not posted in %s: %s", what, channel, error)
        return CardPost(None, error or "unknown_error")
    except NOT_ANSWERED as exc:
        log.warning("%s: Slack did not answer (%s)", what, type(exc).__name__)
        posted = None
    finally:
        _POSTING_CARD.reset(posting)
    if posted is None:
        found = await find()
        return CardPost(found, adopted=True) if found is not None else CardPost(None, NO_ANSWER)
    return CardPost(posted["ts"])


def _is_own_card(message: dict[str, Any], block_id: str, bot_user_id: str | None) -> bool:
    """A top-level message this bot posted (its bot user; never another app's), with `block_id`."""
    if not isinstance(message.get("ts"), str) or not message.get("bot_id"):
        return False
    if bot_user_id is None or message.get("user") != bot_user_id:
        return False
    if message.get("thread_ts") not in (None, message["ts"]):
        return False
    return any(isinstance(b, dict) and b.get("block_id") == block_id for b in message.get("blocks") or ())


async def delete_quietly(client: AsyncWebClient, channel: str, ts: str) -> None:
    """Delete the bot's own message `ts` (a second card); Slack refusing it is logged, not raised."""
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as exc:
        log.warning("message %s in %s not deleted: %s", ts, channel, slack_error(exc))


async def dm_quietly(
    client: AsyncWebClient, user_id: str, text: str, *, what: str = "DM", blocks: list | None = None
) -> bool:
    """DM `user_id` (`text`, with `blocks`); False when Slack refused it. The refusal is logged, not
    raised: what the DM tells of has happened already, and one DM that fails must cost nobody else
    theirs. The log names `what` it was (with the ids it is about), whom it was for and Slack's error
    code, never the text, which may quote what someone typed."""
    try:
        await client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("%s not delivered to %s: %s", what, user_id, slack_error(exc))
        return False
    return True


async def read_message(
    client: AsyncWebClient, channel: str, ts: str, thread_ts: str | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """The message `ts` of `channel` (a reply in `thread_ts`) as Slack has it now, or (None, why
    not: a Slack error code, `message_not_found` when it is not there)."""
    try:
        if thread_ts and thread_ts != ts:
            response = await client.conversations_replies(
                channel=channel, ts=thread_ts, oldest=ts, latest=ts, inclusive=True, limit=2
            )
        else:
            response = await client.conversations_history(
                channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1
            )
    except SlackApiError as exc:
        return None, slack_error(exc)
    message = next((m for m in response.get("messages") or () if m.get("ts") == ts), None)
    return (message, None) if message else (None, "message_not_found")


async def as_posted(client: AsyncWebClient, channel: str, message: dict[str, Any]) -> dict[str, Any] | None:
    """The message a `message` event describes (its `ts`, `thread_ts` and `user`), as Slack has it
    now, when Slack has it by that author; else None.

    A signed event is Slack's word for who sent it; what it says was posted where is read back
    before it counts: before a reply goes on an incident's timeline, an edit or a deletion on the
    evidence record, or a message starts the conduct monitor's clock or a flag. The text kept is
    Slack's, never the event's. One Web API call, made only for the few events that change
    something."""
    ts, author = message.get("ts"), message.get("user")
    if not isinstance(ts, str) or not author:
        return None
    thread_ts = message.get("thread_ts")
    found, _ = await read_message(client, channel, ts, thread_ts if isinstance(thread_ts, str) else None)
    return found if found is not None and found.get("user") == author else None


def message_files(message: dict[str, Any]) -> list[dict[str, str]]:
    """A Slack message's files as the store keeps them (evidence, timeline, conduct flags): id and
    name, at most twenty."""
    return [
        {"id": str(f.get("id") or ""), "name": str(f.get("name") or f.get("title") or "")[:200]}
        for f in message.get("files") or ()
        if isinstance(f, dict)
    ][:20]
