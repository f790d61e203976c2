"""`/campaign …`, its modals and the guidelines acknowledgement button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.domain import campaigns as campaign_rules
from bot.domain import parsing
from bot.domain.campaigns import CampaignMove
from bot.errors import InvalidInput
from bot.flows import campaign_status as status_flows
from bot.flows import campaigns as flows
from bot.flows import insights as insight_flows
from bot.flows import reminders as reminder_flows
from bot.flows import trust as trust_flows
from bot.ids import Action, Callback, Command, Field
from bot.services import Services
from bot.views.text import esc
from handlers import conduct as conduct_handlers
from handlers._runtime import (
    answer_help,
    answer_unknown,
    direct_message,
    ephemeral,
    on_click,
    on_submit,
    team_of,
    words,
)

USAGE = {
    "show": "/campaign show <slug>",
    "invite": "/campaign invite <slug> <@user | email> [#channel]",
    "role": "/campaign role <slug> <@user> <manager | member | legal | none>",
    "guidelines": "/campaign guidelines <slug>",
    "deliverable": "/campaign deliverable <slug>",
    "complete": "/campaign complete <slug>",
    "cancel": "/campaign cancel <slug>",
    "reopen": "/campaign reopen <slug>",
}
CREATORS_USAGE = esc("`/campaign creators <add | remove> <@user>` · `/campaign creators list`")


def _parse_invite(args: list[str]) -> tuple[str, parsing.Person, str | None]:
    if len(args) not in (2, 3):
        raise InvalidInput(messages.missing_argument(USAGE["invite"]))
    person = parsing.person(args[1])
    if person is None:
        raise InvalidInput(
            f":warning: `{esc(args[1][:60])}` is neither a @mention nor a valid email address."
            f"{messages.mention_tip(args[1])} Usage: `{esc(USAGE['invite'])}`"
        )
    link = None
    if len(args) == 3 and (link := parsing.channel_id(args[2])) is None:
        raise InvalidInput(
            f":warning: `{esc(args[2][:60])}` is not a #channel. Usage: `{esc(USAGE['invite'])}`"
        )
    return args[0], person, link


def _parse_role(args: list[str]) -> tuple[str, str, str]:
    if len(args) != 3:
        raise InvalidInput(messages.missing_argument(USAGE["role"]))
    target = parsing.user_id(args[1])
    if target is None:
        raise InvalidInput(
            f":warning: `{esc(args[1][:60])}` is not a @mention.{messages.mention_tip(args[1])} "
            f"Usage: `{esc(USAGE['role'])}`"
        )
    return args[0], target, args[2].lower()


def _parse_creators(args: list[str]) -> tuple[str, str | None]:
    """`list`, or `add|remove @user`."""
    action = args[0].lower() if args else ""
    if action == "list" and len(args) == 1:
        return action, None
    if action in ("add", "remove") and len(args) == 2:
        target = parsing.user_id(args[1])
        if target is None:
            raise InvalidInput(
                f":warning: `{esc(args[1][:60])}` is not a @mention.{messages.mention_tip(args[1])} "
                f"Usage: {CREATORS_USAGE}"
            )
        return action, target
    raise InvalidInput(f":warning: Usage: {CREATORS_USAGE}")


async def _creators(svc: Services, team: str, user: str, action: str, target: str | None) -> str:
    if action == "list":
        return await trust_flows.list_creators(svc, team, user)
    if action == "add":
        return await trust_flows.add_creator(svc, team, user, target)
    return await trust_flows.remove_creator(svc, team, user, target)


def register(app: AsyncApp, svc: Services) -> None:
    run = svc.background.run

    @app.command(Command.CAMPAIGN)
    async def campaign_command(ack, command: dict[str, Any], respond, context) -> None:
        sub, args = words(command)
        team, user, trigger = team_of(context), command["user_id"], command["trigger_id"]
        reply = ephemeral(respond)

        async def answer_blocks(blocks_coro) -> None:
            blocks = await blocks_coro
            await respond(blocks=blocks, text="Campaign Guard", response_type="ephemeral")

        if sub in ("", "help"):
            await answer_help(ack, svc, reply, team, user, Command.CAMPAIGN)
        elif sub == "new":
            await ack()
            run(flows.open_new_campaign(svc, team, user, trigger, campaign_rules.slug_hint(args)), reply)
        elif sub == "creators":
            try:
                action, target = _parse_creators(args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(_say(reply, _creators(svc, team, user, action, target)), reply)
        elif sub == "list":
            await ack()
            run(answer_blocks(flows.list_campaigns(svc, team, user)), reply)
        elif sub in USAGE and not args:
            await ack(text=messages.missing_argument(USAGE[sub]))
        elif sub == "show":
            await ack()
            run(answer_blocks(flows.show_campaign(svc, team, user, args[0])), reply)
        elif sub == "invite":
            try:
                slug, person, link = _parse_invite(args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(_say(reply, flows.invite(svc, team, user, slug, person, link)), reply)
        elif sub == "role":
            try:
                slug, target, role = _parse_role(args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(_say(reply, flows.set_role(svc, team, user, slug, target, role)), reply)
        elif sub == "guidelines":
            await ack()
            run(flows.open_guidelines_editor(svc, team, user, args[0], trigger), reply)
        elif sub == "deliverable":
            await ack()
            run(flows.open_deliverable_form(svc, team, user, args[0], trigger), reply)
        elif sub in set(CampaignMove):
            if len(args) != 1:
                await ack(text=messages.missing_argument(USAGE[sub]))
                return
            await ack()
            run(_say(reply, status_flows.change(svc, team, user, args[0], CampaignMove(sub))), reply)
        elif sub == "reminders":
            await ack()
            run(answer_blocks(reminder_flows.troubled(svc, team, user, args[0] if args else None)), reply)
        elif sub == "report":
            try:
                slug, span = insight_flows.parse_report(args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(answer_blocks(insight_flows.report(svc, team, user, slug, span)), reply)
        elif sub == "digest":
            try:
                slug, on = insight_flows.parse_digest(args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            if on is None:  # the slug alone: the current setting
                run(_say(reply, insight_flows.digest_setting(svc, team, user, slug)), reply)
            else:
                run(_say(reply, insight_flows.set_digest(svc, team, user, slug, on)), reply)
        elif sub == "conduct":
            try:
                work = conduct_handlers.conduct_command(svc, team, user, args)
            except InvalidInput as exc:
                await ack(text=exc.message)
                return
            await ack()
            run(_say(reply, work), reply)
        else:
            await answer_unknown(ack, svc, reply, team, user, Command.CAMPAIGN, sub, args)

    on_submit(
        app,
        svc,
        Callback.CAMPAIGN_NEW,
        Field.NAME,
        lambda team, user, form: flows.create_campaign(svc, team, user, form),
        lambda team, user, campaign: flows.announce_campaign(svc, campaign),
    )
    on_submit(
        app,
        svc,
        Callback.GUIDELINES_EDIT,
        Field.clause("G1", "title"),  # G1 is never removed
        lambda team, user, form: flows.save_guidelines(svc, team, user, form),
        lambda team, user, saved: (
            flows.announce_guidelines(svc, saved, user)
            if saved
            else direct_message(svc.client, user)(messages.GUIDELINES_UNCHANGED)
        ),
    )
    on_submit(
        app,
        svc,
        Callback.DELIVERABLE_NEW,
        Field.TITLE,
        lambda team, user, form: flows.add_deliverable(svc, team, user, form),
        lambda team, user, deliverable: flows.announce_deliverable(svc, deliverable),
    )
    on_click(
        app,
        svc,
        Action.ACKNOWLEDGE_GUIDELINES,
        lambda c: flows.acknowledge(svc, c.team_id, c.user_id, c.value),
    )


async def _say(reply, text_coro) -> None:
    await reply(await text_coro)
