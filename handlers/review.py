"""`/review` (the review modal, `history` scorecards, help), its modal and the "Log review" button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.flows import reviews as flows
from bot.ids import Action, Callback, Command, Field
from bot.services import Services
from bot.views.forms import FormValues
from handlers._runtime import direct_message, ephemeral, submit_form, team_of, words

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
            await ack(text=messages.REVIEW_USAGE)
        elif sub == "history" and not args:
            await ack(text=messages.missing_argument(HISTORY_USAGE))
        elif sub == "history":
            await ack()

            async def answer() -> None:
                blocks = await flows.scorecard(svc, team, user, " ".join(args))
                await respond(blocks=blocks, text="Scorecard", response_type="ephemeral")

            run(answer(), reply)
        else:
            await ack(text=messages.unknown_subcommand(Command.REVIEW, sub, messages.REVIEW_USAGE))

    @app.view(Callback.REVIEW_LOG)
    async def review_submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, stored = await submit_form(
            ack, Field.ENGAGEMENT, lambda: flows.save_review(svc, team, user, FormValues(view))
        )
        if ok:
            run(flows.announce_review(svc, stored), direct_message(svc.client, user))

    @app.action(Action.LOG_REVIEW)
    async def log_review_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        """From a review-due reminder (value: engagement id) or App Home (empty value: no prefill)."""
        await ack()
        user = body["user"]["id"]
        value = action.get("value") or ""
        # a message has a response_url for an ephemeral answer; the home tab has none
        reply = ephemeral(respond) if body.get("response_url") else direct_message(svc.client, user)
        if value and not (value.isdigit() and len(value) < 12):
            run(reply("That button is not one of mine."))
            return
        engagement_id = int(value) if value else None
        run(flows.open_review_form(svc, team_of(context), user, body["trigger_id"], engagement_id), reply)
