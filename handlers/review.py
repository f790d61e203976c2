"""`/review` (the review modal, `history` scorecards, help), its modal and the "Log review" button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.domain import parsing
from bot.errors import NotFound
from bot.flows import reviews as flows
from bot.ids import Action, Callback, Command, Field
from bot.services import Services
from handlers._runtime import (
    Click,
    answer_help,
    answer_unknown,
    ephemeral,
    on_click,
    on_submit,
    team_of,
    words,
)

HISTORY_USAGE = "/review history <@user | influencer name>"


def register(app: AsyncApp, svc: Services) -> None:
    run = svc.background.run

    @app.command(Command.REVIEW)
    async def review_command(ack, command: dict[str, Any], respond, context) -> None:
        sub, args = words(command)
        team, user, trigger = team_of(context), command["user_id"], command["trigger_id"]
        reply = ephemeral(respond)
        if sub == "":
            await ack()
            run(flows.open_review_form(svc, team, user, trigger), reply)
        elif sub == "help":
            await answer_help(ack, svc, reply, team, user, Command.REVIEW)
        elif sub == "history" and not args:  # the usage, or the refusal first
            await ack()

            async def usage() -> None:
                await reply(await flows.history_usage(svc, team, user, HISTORY_USAGE))

            run(usage(), reply)
        elif sub == "history":
            await ack()

            async def answer() -> None:
                blocks = await flows.scorecard(svc, team, user, " ".join(args))
                await respond(blocks=blocks, text="Scorecard", response_type="ephemeral")

            run(answer(), reply)
        else:
            await answer_unknown(ack, svc, reply, team, user, Command.REVIEW, sub, args)

    on_submit(
        app,
        svc,
        Callback.REVIEW_LOG,
        Field.ENGAGEMENT,
        lambda team, user, form: flows.save_review(svc, team, user, form),
        lambda team, user, stored: flows.announce_review(svc, stored),
    )
    on_click(app, svc, Action.LOG_REVIEW, lambda c: _log_review(svc, c))


async def _log_review(svc: Services, click: Click) -> None:
    """From a review-due reminder (value: engagement id) or App Home (empty value: no prefill)."""
    engagement_id = parsing.db_id(click.value) if click.value else None
    if click.value and engagement_id is None:  # a forged value reads as an engagement that does not exist
        raise NotFound(messages.ENGAGEMENT_GONE)
    await flows.open_review_form(svc, click.team_id, click.user_id, click.trigger_id, engagement_id)
