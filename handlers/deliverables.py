"""The deliverable card's buttons, the submitted / published forms and the compliance checklist."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.domain.deliverables import Move
from bot.domain.enums import ComplianceStatus
from bot.flows import deliverables as flows
from bot.ids import Action, Callback, Field
from bot.services import Services
from bot.views.forms import FormValues
from handlers._runtime import direct_message, ephemeral, submit_form, team_of


def register(app: AsyncApp, svc: Services) -> None:
    run = svc.background.run

    def clicked(body: dict[str, Any], action: dict[str, Any], context) -> tuple[str, str, str]:
        return team_of(context), body["user"]["id"], action.get("value") or ""

    @app.action(Action.DELIVERABLE_SUBMIT)
    async def submit_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        team, user, value = clicked(body, action, context)
        run(flows.open_form(svc, team, user, value, Move.SUBMIT, body["trigger_id"]), ephemeral(respond))

    @app.action(Action.DELIVERABLE_PUBLISH)
    async def publish_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        team, user, value = clicked(body, action, context)
        run(flows.open_form(svc, team, user, value, Move.PUBLISH, body["trigger_id"]), ephemeral(respond))

    @app.action(Action.DELIVERABLE_APPROVE)
    async def approve_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        run(flows.approve(svc, *clicked(body, action, context)), ephemeral(respond))

    @app.action(Action.DELIVERABLE_CANCEL)
    async def cancel_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        run(flows.cancel(svc, *clicked(body, action, context)), ephemeral(respond))

    @app.view(Callback.DELIVERABLE_SUBMIT)
    async def submit_submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, deliverable_id = await submit_form(
            ack, Field.URL, lambda: flows.submit(svc, team, user, FormValues(view))
        )
        if ok:
            run(flows.after_submit(svc, team, deliverable_id), direct_message(svc.client, user))

    @app.view(Callback.DELIVERABLE_PUBLISH)
    async def publish_submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, deliverable_id = await submit_form(
            ack, Field.URL, lambda: flows.publish(svc, team, user, FormValues(view))
        )
        if ok:
            run(flows.after_publish(svc, team, deliverable_id), direct_message(svc.client, user))

    @app.action(Action.CHECK_PASS)
    async def pass_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        run(flows.pass_check(svc, *clicked(body, action, context)), ephemeral(respond))

    def note_button(decision: ComplianceStatus):
        async def note_clicked(ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
            await ack()
            team, user, value = clicked(body, action, context)
            run(
                flows.open_note_form(svc, team, user, value, decision, body["trigger_id"]),
                ephemeral(respond),
            )

        note_clicked.__name__ = f"check_{decision}_clicked"
        return note_clicked

    app.action(Action.CHECK_FAIL)(note_button(ComplianceStatus.FAILED))
    app.action(Action.CHECK_WAIVE)(note_button(ComplianceStatus.WAIVED))

    @app.view(Callback.CHECK_NOTE)
    async def note_submitted(ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        team, user = team_of(context), body["user"]["id"]
        ok, deliverable_id = await submit_form(
            ack, Field.NOTE, lambda: flows.decide_with_note(svc, team, user, FormValues(view))
        )
        if ok:
            run(flows.refresh_checklist(svc, team, deliverable_id), direct_message(svc.client, user))
