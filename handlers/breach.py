"""`/breach`, the `report_breach` shortcut, the incident card's buttons and the lifecycle forms."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.domain import parsing
from bot.domain.incidents import Move
from bot.flows import incidents as flows
from bot.ids import Action, Callback, Command, Field, Shortcut
from bot.services import Services
from bot.views.forms import FormValues
from bot.views.incidents import MOVE_OF_ACTION
from handlers._runtime import direct_message, ephemeral, submit_form, team_of, words

FORM_CALLBACKS = {
    Callback.INCIDENT_RESPOND: (Move.RESPOND, Field.STATEMENT),
    Callback.INCIDENT_PROPOSE: (Move.PROPOSE, Field.OUTCOME),
    Callback.INCIDENT_RESOLVE: (Move.RESOLVE, Field.OUTCOME),
    Callback.INCIDENT_DISMISS: (Move.DISMISS, Field.REASON),
}
LIST_USAGE = "/breach list [open | all] [<slug>]"


def _list_args(args: list[str]) -> tuple[bool, str | None] | None:
    scope, rest = (
        (args[0].lower(), args[1:]) if args and args[0].lower() in ("open", "all") else ("open", args)
    )
    if len(rest) > 1:
        return None
    return scope == "open", (rest[0].lower() if rest else None)


def _prefill(value: str) -> dict[str, Any]:
    """The value of a "Report breach" button: engagement, clause and evidence to prefill."""
    try:
        data = json.loads(value or "{}")
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    engagement = data.get("engagement_id")
    evidence = [e for e in data.get("evidence") or [] if isinstance(e, str)][:10]
    return {
        "engagement_id": engagement if isinstance(engagement, int) else None,
        "guideline_code": data.get("guideline_code") if isinstance(data.get("guideline_code"), str) else None,
        "evidence": evidence,
    }


def register(app: AsyncApp, svc: Services) -> None:
    run = svc.background.run

    @app.command(Command.BREACH)
    async def breach_command(ack, command: dict[str, Any], respond, context) -> None:
        sub, args = words(command)
        team, user = team_of(context), command["user_id"]
        reply = ephemeral(respond)

        async def answer(blocks_coro) -> None:
            await respond(
                blocks=await blocks_coro, text="Campaign Guard incidents", response_type="ephemeral"
            )

        async def say(text_coro) -> None:
            await reply(await text_coro)

        if sub == "":
            await ack()
            run(flows.open_report(svc, team, user, command["trigger_id"]), reply)
        elif sub == "help":
            await ack(text=messages.BREACH_USAGE)
        elif sub == "list":
            parsed = _list_args(args)
            if parsed is None:
                await ack(text=f":warning: Usage: `{LIST_USAGE}`")
                return
            await ack()
            run(answer(flows.list_incidents(svc, team, user, *parsed)), reply)
        elif sub == "show":
            number = parsing.incident_number(args[0]) if len(args) == 1 else None
            if number is None:
                await ack(text=":warning: Usage: `/breach show BR-<n>`, for example `/breach show BR-3`.")
                return
            await ack()
            run(answer(flows.show_incident(svc, team, user, number)), reply)
        elif sub == "export":
            if len(args) > 1:
                await ack(text=":warning: Usage: `/breach export [<slug>]`")
                return
            await ack()
            run(say(flows.export(svc, team, user, args[0].lower() if args else None)), reply)
        else:
            await ack(text=messages.unknown_subcommand(Command.BREACH, sub, messages.BREACH_USAGE))

    @app.shortcut(Shortcut.REPORT_BREACH)
    async def report_breach_shortcut(ack, shortcut: dict[str, Any], respond, context) -> None:
        await ack()
        run(
            flows.open_report_from_message(
                svc,
                team_of(context),
                shortcut["user"]["id"],
                shortcut["trigger_id"],
                shortcut["channel"]["id"],
                shortcut["message"],
            ),
            ephemeral(respond),
        )

    @app.action(Action.REPORT_BREACH_PREFILLED)
    async def report_prefilled(ack, body: dict[str, Any], action: dict[str, Any], context) -> None:
        await ack()
        user = body["user"]["id"]
        run(
            flows.open_report(
                svc, team_of(context), user, body["trigger_id"], **_prefill(action.get("value", ""))
            ),
            direct_message(svc.client, user),
        )

    @app.action(Action.REPORT_ENGAGEMENT_CHOSEN)
    async def report_engagement_chosen(ack, body: dict[str, Any], context) -> None:
        await ack()
        run(flows.report_engagement_chosen(svc, team_of(context), body["user"]["id"], body["view"]))

    @app.view(Callback.BREACH_REPORT)
    async def report_submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, incident_id = await submit_form(
            ack, Field.DESCRIPTION, lambda: flows.submit_report(svc, team, user, FormValues(view))
        )
        if ok:
            run(flows.publish_report(svc, team, incident_id), direct_message(svc.client, user))

    for action_id, move in MOVE_OF_ACTION.items():
        _register_button(app, svc, action_id, move)

    for callback_id, (move, first_field) in FORM_CALLBACKS.items():
        _register_form(app, svc, callback_id, move, first_field)


def _register_button(app: AsyncApp, svc: Services, action_id: str, move: Move) -> None:
    async def pressed(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        value = action.get("value") or ""
        team, user = team_of(context), body["user"]["id"]
        if not value.isdigit():
            return
        if move in flows.FORM_MOVES:
            work = flows.open_move_form(svc, team, user, int(value), move, body["trigger_id"])
        else:
            work = flows.move_and_announce(svc, team, int(value), move, user)
        svc.background.run(work, ephemeral(respond))

    pressed.__name__ = f"incident_{move.name.lower()}_pressed"
    app.action(action_id)(pressed)


def _register_form(app: AsyncApp, svc: Services, callback_id: str, move: Move, first_field: str) -> None:
    async def submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, applied = await submit_form(
            ack, first_field, lambda: flows.submit_move_form(svc, team, user, move, FormValues(view))
        )
        if ok:
            svc.background.run(flows.announce(svc, applied), direct_message(svc.client, user))

    submitted.__name__ = f"incident_{move.name.lower()}_submitted"
    app.view(callback_id)(submitted)
