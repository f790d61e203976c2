"""The deliverable card's buttons, the submitted / published forms and the compliance checklist."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.domain.deliverables import Move
from bot.domain.enums import ComplianceStatus
from bot.flows import deliverables as flows
from bot.ids import Action, Callback, Field
from bot.services import Services
from bot.views import owners
from handlers._runtime import Click, on_click, on_submit


def register(app: AsyncApp, svc: Services) -> None:
    for action_id, move in (
        (Action.DELIVERABLE_SUBMIT, Move.SUBMIT),
        (Action.DELIVERABLE_PUBLISH, Move.PUBLISH),
    ):
        on_click(
            app,
            svc,
            action_id,
            lambda c, move=move: flows.open_form(svc, c.team_id, c.user_id, c.value, move, c.trigger_id),
        )
    on_click(
        app, svc, Action.DELIVERABLE_APPROVE, lambda c: flows.approve(svc, c.team_id, c.user_id, c.value)
    )
    on_click(app, svc, Action.DELIVERABLE_CANCEL, lambda c: flows.cancel(svc, c.team_id, c.user_id, c.value))
    on_click(  # in the DM of whoever added it, when Slack refused the card
        app,
        svc,
        Action.DELIVERABLE_POST_CARD,
        lambda c: flows.post_card_again(svc, c.team_id, c.user_id, c.value),
    )
    on_click(
        app,
        svc,
        Action.DELIVERABLE_REQUEST_CHANGES,
        lambda c: flows.open_changes_form(svc, c.team_id, c.user_id, c.value, c.trigger_id),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_CHANGES,
        Field.NOTE,
        lambda team, user, form: flows.request_changes(svc, team, user, form),
        lambda team, user, asked: flows.announce_changes(svc, team, asked),
    )
    on_click(
        app,
        svc,
        Action.DELIVERABLE_EDIT_CAPTION,
        lambda c: flows.open_caption_form(svc, c.team_id, c.user_id, c.value, c.trigger_id),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_CAPTION,
        Field.CAPTION,
        lambda team, user, form: flows.save_caption(svc, team, user, form),
        lambda team, user, checked: flows.after_caption(svc, team, checked),
    )
    on_click(
        app,
        svc,
        Action.CHECKLIST_OPEN,
        lambda c: flows.open_checklist(svc, c.team_id, c.user_id, c.value, c.trigger_id),
    )
    on_click(
        app,
        svc,
        Action.DELIVERABLE_RESCHEDULE,
        lambda c: flows.open_reschedule_form(svc, c.team_id, c.user_id, c.value, c.trigger_id),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_RESCHEDULE,
        Field.DUE,
        lambda team, user, form: flows.reschedule(svc, team, user, form),
        lambda team, user, done: flows.announce_reschedule(svc, team, done),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_SUBMIT,
        Field.URL,
        lambda team, user, form: flows.submit(svc, team, user, form),
        lambda team, user, deliverable_id: flows.after_submit(svc, team, deliverable_id),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_PUBLISH,
        Field.URL,
        lambda team, user, form: flows.publish(svc, team, user, form),
        lambda team, user, checked: flows.after_publish(svc, team, checked),
    )

    on_click(
        app,
        svc,
        Action.CHECK_PASS,
        lambda c: flows.pass_check(svc, c.team_id, c.user_id, c.value, _modal_id(c)),
    )
    for action_id, decision in (
        (Action.CHECK_FAIL, ComplianceStatus.FAILED),
        (Action.CHECK_WAIVE, ComplianceStatus.WAIVED),
    ):
        on_click(
            app,
            svc,
            action_id,
            lambda c, decision=decision: flows.open_note_form(
                svc, c.team_id, c.user_id, c.value, decision, c.trigger_id, _modal_id(c)
            ),
        )
    on_submit(
        app,
        svc,
        Callback.CHECK_NOTE,
        Field.NOTE,
        lambda team, user, form: flows.decide_with_note(svc, team, user, form),
        lambda team, user, done: flows.refresh_checklist(svc, team, done.deliverable_id, done.parent_view),
    )


def _modal_id(click: Click) -> str | None:
    """The user's checklist modal a button was pressed in, by its external id (bot/views/owners.py);
    None in a message, or in a view that is not the user's."""
    return owners.owned_modal(click.body.get("view"), click.user_id, Callback.CHECKLIST)
