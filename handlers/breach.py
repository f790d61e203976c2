"""`/breach`, the `report_breach` shortcut, the incident card's buttons and the lifecycle forms."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.domain import parsing
from bot.domain.incidents import Move, parse_button_value
from bot.errors import InvalidInput, NotFound
from bot.flows import incidents as flows
from bot.ids import Action, Callback, Command, Field, Shortcut
from bot.services import Services
from bot.views.incidents import MOVE_OF_ACTION
from handlers import conduct as conduct_handlers
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

FORM_CALLBACKS = {
    Callback.INCIDENT_RESPOND: (Move.RESPOND, Field.STATEMENT),
    Callback.INCIDENT_PROPOSE: (Move.PROPOSE, Field.OUTCOME),
    Callback.INCIDENT_RESOLVE: (Move.RESOLVE, Field.OUTCOME),
    Callback.INCIDENT_DISMISS: (Move.DISMISS, Field.REASON),
    Callback.INCIDENT_DISPUTE: (Move.DISPUTE, Field.REASON),
    Callback.INCIDENT_ESCALATE: (Move.ESCALATE, Field.REASON),
}
LIST_USAGE = "/breach list [open | all] [<slug>]"
SHOW_USAGE = "/breach show BR-<n>"
EXPORT_USAGE = "/breach export [<slug>]"
#: Words people try for the incidents that are over; `all` is the list that holds them.
CLOSED_SCOPES = ("closed", "resolved", "dismissed")


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
    evidence = [e for e in data.get("evidence") or [] if isinstance(e, str)][:10]
    return {
        "engagement_id": parsing.db_id(data.get("engagement_id")),
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
            run(
                flows.open_report(
                    svc, team, user, command["trigger_id"], channel_id=command.get("channel_id")
                ),
                reply,
            )
        elif sub == "help":
            await answer_help(ack, svc, reply, team, user, Command.BREACH)
        elif sub == "list":
            if args and args[0].lower() in CLOSED_SCOPES:
                await ack(text=messages.list_scopes(args[0].lower()))
                return
            parsed = _list_args(args)
            if parsed is None:
                await ack(text=messages.usage(LIST_USAGE))
                return
            await ack()
            run(answer(flows.list_incidents(svc, team, user, *parsed)), reply)
        elif sub == "show":
            number = parsing.incident_number(args[0]) if len(args) == 1 else None
            if number is None:
                await ack(text=f"{messages.usage(SHOW_USAGE)}, for example `/breach show BR-3`.")
                return
            await ack()
            run(answer(flows.show_incident(svc, team, user, number)), reply)
        elif sub == "export":
            if len(args) > 1:
                await ack(text=messages.usage(EXPORT_USAGE))
                return
            await ack()
            run(say(flows.export(svc, team, user, args[0].lower() if args else None)), reply)
        elif sub == "verify":
            try:
                work = conduct_handlers.verify_command(svc, team, user, args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(say(work), reply)
        else:
            await answer_unknown(ack, svc, reply, team, user, Command.BREACH, sub, args)

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

    @app.action(Action.INCIDENT_LIST_MORE)
    async def list_more(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        """`/breach list`'s "Show more": the next page, as a new message below the last one."""
        await ack()
        page = flows.list_more(svc, team_of(context), body["user"]["id"], action.get("value") or "")

        async def answer() -> None:
            blocks, text = await page, "Campaign Guard incidents"
            await respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=False)

        run(answer(), ephemeral(respond))

    on_click(
        app,
        svc,
        Action.REPORT_BREACH_PREFILLED,
        lambda c: flows.open_report(svc, c.team_id, c.user_id, c.trigger_id, **_prefill(c.value)),
    )
    on_click(  # in the reporter's DM when Slack refused the card
        app,
        svc,
        Action.INCIDENT_POST_CARD,
        lambda c: flows.post_card_again(svc, c.team_id, c.user_id, c.value),
    )
    on_click(
        app,
        svc,
        Action.REPORT_ENGAGEMENT_CHOSEN,
        lambda c: flows.report_engagement_chosen(svc, c.team_id, c.user_id, c.body["view"]),
    )
    on_submit(
        app,
        svc,
        Callback.BREACH_REPORT,
        Field.DESCRIPTION,
        lambda team, user, form: flows.submit_report(svc, team, user, form),
        lambda team, user, incident_id: flows.publish_report(svc, team, incident_id),
    )

    for action_id, move in MOVE_OF_ACTION.items():
        on_click(app, svc, action_id, lambda c, move=move: _pressed(svc, c, move))
    for callback_id, (move, first_field) in FORM_CALLBACKS.items():
        on_submit(
            app,
            svc,
            callback_id,
            first_field,
            lambda team, user, form, move=move: flows.submit_move_form(svc, team, user, move, form),
            lambda team, user, applied: flows.announce(svc, applied) if applied is not None else None,
        )


async def _pressed(svc: Services, click: Click, move: Move) -> None:
    """A card button: the incident id, and for Accept and Dispute the proposal the card showed."""
    incident_id, proposal = parse_button_value(click.value)
    if incident_id is None:  # a forged value reads as an incident that does not exist
        raise NotFound(messages.INCIDENT_GONE)
    await flows.press(svc, click.team_id, click.user_id, incident_id, move, click.trigger_id, proposal)
