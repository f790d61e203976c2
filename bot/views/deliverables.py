"""Views of deliverables: the card in the shared channel, its forms, and the compliance checklist."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
)
from slack_sdk.models.views import View

from bot.domain import deliverables as rules
from bot.domain.disclosure import Verdict
from bot.domain.enums import ComplianceItem, ComplianceStatus, DeliverableStatus
from bot.ids import Action, Callback, Field
from bot.views.common import context, influencer_mention, modal, option, plain, section, text_input
from bot.views.text import esc, truncate, user, when
from storage.models import Campaign, ComplianceCheck, Deliverable, Engagement, Influencer

S = DeliverableStatus
CAPTION_SHOWN = 600
BUTTON_VALUE_MAX = 2000


@dataclass(frozen=True, slots=True)
class DeliverableFacts:
    deliverable: Deliverable
    engagement: Engagement
    influencer: Influencer
    campaign: Campaign

    @property
    def who(self) -> str:
        return influencer_mention(self.influencer)


# ---------------------------------------------------------------------------------------------
# the card


def _late(d: Deliverable) -> str:
    delivered = d.submitted_at or d.published_at
    if delivered is None or not rules.delivered_late(d.due_at, d.submitted_at, d.published_at):
        return ""
    return f" · :hourglass: *late* ({rules.lateness(d.due_at, delivered)} after the due time)"


def status_line(d: Deliverable) -> str:
    match d.status:
        case S.PLANNED:
            return "Status: *planned*"
        case S.LATE:
            return ":hourglass: *late* — the due time passed and nothing was submitted yet"
        case S.SUBMITTED:
            return f":inbox_tray: *submitted* {when(d.submitted_at)}: {esc(d.submitted_url)}{_late(d)}"
        case S.APPROVED:
            return f":white_check_mark: *approved* — ready to publish: {esc(d.submitted_url)}{_late(d)}"
        case S.PUBLISHED:
            return f":rocket: *published* {when(d.published_at)}: {esc(d.published_url)}{_late(d)}"
        case S.CANCELLED:
            return ":no_entry_sign: *cancelled*"
    return f"Status: *{esc(d.status)}*"


def _button(action_id: str, text: str, value: str, style: str | None = None, **kw) -> ButtonElement:
    return ButtonElement(action_id=action_id, text=plain(text), value=value, style=style, **kw)


def card_block_id(deliverable_id: int) -> str:
    """The block id of the card's first section: the card names its deliverable, so one whose post
    Slack did not answer is found and kept rather than posted twice (`bot.slack.find_own_card`)."""
    return f"deliverable_card_{deliverable_id}"


def card(f: DeliverableFacts) -> tuple[str, list[Block]]:
    """The deliverable in the shared channel, with the buttons valid for its status."""
    d = f.deliverable
    value = str(d.id)
    blocks: list[Block] = [
        section(
            f":spiral_calendar_pad: Deliverable for {f.who}: *{esc(d.title)}* ({d.platform}), "
            f"due {when(d.due_at)}",
            block_id=card_block_id(d.id),
        ),
        context(status_line(d)),
    ]
    influencer: list[ButtonElement] = []  # the two sides' buttons, each in a labelled row
    buttons: list[ButtonElement] = []
    if rules.can(rules.Move.SUBMIT, d.status):
        influencer.append(_button(Action.DELIVERABLE_SUBMIT, "Mark submitted", value, "primary"))
    if rules.can(rules.Move.PUBLISH, d.status):
        style = "primary" if d.status == S.APPROVED else None
        influencer.append(_button(Action.DELIVERABLE_PUBLISH, "Mark published", value, style))
    if rules.can(rules.Move.APPROVE, d.status):
        buttons.append(_button(Action.DELIVERABLE_APPROVE, "Approve", value, "primary"))
    if rules.can(rules.Move.REQUEST_CHANGES, d.status):
        buttons.append(_button(Action.DELIVERABLE_REQUEST_CHANGES, "Request changes", value))
    if d.status == S.PUBLISHED:
        buttons.append(_button(Action.CHECKLIST_OPEN, "Compliance checklist", value, "primary"))
    if d.status in rules.RESCHEDULE_FROM:
        buttons.append(_button(Action.DELIVERABLE_RESCHEDULE, "Change due time", value))
    if rules.can(rules.Move.CANCEL, d.status):
        buttons.append(
            _button(
                Action.DELIVERABLE_CANCEL,
                "Cancel deliverable",
                value,
                "danger",
                confirm=ConfirmObject(
                    title=plain("Cancel this deliverable?", 100),
                    text=plain(f"“{d.title}” will no longer be expected.", 300),
                    confirm=plain("Cancel it", 30),
                    deny=plain("Keep it", 30),
                ),
            )
        )
    if influencer:
        blocks += [
            context(f"*For {f.who}*"),
            ActionsBlock(block_id=f"deliverable:{d.id}:influencer", elements=influencer),
        ]
    if buttons:
        blocks += [
            context("*For the brand team*"),
            ActionsBlock(block_id=f"deliverable:{d.id}", elements=buttons),
        ]
    fallback = f"Deliverable “{esc(d.title)}” ({d.status}), due {d.due_at:%Y-%m-%d %H:%M} UTC"
    return fallback, blocks


# ---------------------------------------------------------------------------------------------
# forms


def _about(f: DeliverableFacts) -> Block:
    return section(
        f"*{esc(f.deliverable.title)}* ({f.deliverable.platform}) for `{f.campaign.slug}`, "
        f"due {when(f.deliverable.due_at)}"
    )


def submit_modal(f: DeliverableFacts) -> View:
    return modal(
        Callback.DELIVERABLE_SUBMIT,
        "Mark submitted",
        "Submit",
        [
            _about(f),
            text_input(
                Field.URL,
                "Link to the content for review",
                max_length=rules.URL_MAX,
                placeholder="https://…",
                hint="A draft, a file share or an unlisted post: anything the brand team can open.",
            ),
        ],
        metadata=json.dumps({"deliverable_id": f.deliverable.id}),
    )


def changes_modal(f: DeliverableFacts) -> View:
    return modal(
        Callback.DELIVERABLE_CHANGES,
        "Request changes",
        "Send",
        [
            _about(f),
            section(f"Submitted: {esc(f.deliverable.submitted_url)}"),
            text_input(
                Field.NOTE,
                "What should change?",
                max_length=rules.NOTE_MAX,
                multiline=True,
                hint=f"{f.influencer.display_name} reads this in the shared channel and submits again.",
            ),
        ],
        metadata=json.dumps({"deliverable_id": f.deliverable.id}),
    )


def changes_note(f: DeliverableFacts, by: str, note: str) -> str:
    return (
        f":memo: {user(by)} asked for changes on *{esc(f.deliverable.title)}*:\n"
        + "\n".join(f"> {esc(line)}" for line in note.splitlines())
        + f"\n{f.who}, please submit it again (*Mark submitted* on the card) once it is updated."
    )


def caption_modal(f: DeliverableFacts, image_kinds: Sequence[str]) -> View:
    """The caption as posted now; where the market labels images, the images as declared when
    publishing, ticked, so the caption is checked against them again (and they can be corrected)."""
    blocks: list[Block] = [
        _about(f),
        text_input(
            Field.CAPTION,
            "Caption, as posted now",
            max_length=rules.CAPTION_MAX,
            multiline=True,
            initial=f.deliverable.caption,
            hint="Edit the post first, then paste its caption here: the disclosure is checked again.",
        ),
    ]
    if image_kinds:
        blocks.append(_images(image_kinds, f.deliverable.images or ()))
    return modal(
        Callback.DELIVERABLE_CAPTION,
        "Edit caption",
        "Check again",
        blocks,
        metadata=json.dumps({"deliverable_id": f.deliverable.id}),
    )


def _images(image_kinds: Sequence[str], declared: Sequence[str]) -> InputBlock:
    """Which images of the post were retouched or generated (markets that require a label)."""
    options = [option(IMAGE_OPTIONS.get(k, k), k) for k in image_kinds]
    ticked = [o for o in options if o.value in set(declared)]
    return InputBlock(
        block_id=Field.IMAGES,
        label=plain("Images"),
        optional=True,
        element=CheckboxesElement(action_id=Field.IMAGES, options=options, initial_options=ticked or None),
    )


def verdict_message(f: DeliverableFacts, verdict: Verdict, advice: str | None) -> tuple[str, list[Block]]:
    """What the influencer sees first when they publish: the disclosure verdict, and what to change."""
    title = esc(f.deliverable.title)
    if verdict.passed:
        text = (
            f":white_check_mark: The disclosure of *{title}* passes the {esc(verdict.market)} rules: "
            f"{esc(verdict.reason)}"
        )
        if not verdict.images_label_missing:
            return f"Disclosure check of {title}: pass", [section(text)]
        # the ad label is right, the images' is not (declared retouched or generated, or hinted)
        lines = [text, ":warning: " + esc(" ".join(verdict.image_problems))]
        return f"Disclosure check of {title}: pass, images label missing", _fix(f, lines)
    head = {
        "missing": ":x: No ad disclosure found",
        "weak": ":warning: The ad disclosure is too weak",
        "buried": ":warning: The ad disclosure is hard to see",
    }.get(str(verdict.finding), ":warning: The ad disclosure needs a look")
    lines = [f"{head} in the caption of *{title}* ({esc(verdict.market)} rules).", esc(verdict.reason)]
    if advice:
        lines.append(f"*What to change:* {esc(advice)}")
    return f"Disclosure check of {title}: {verdict.finding}", _fix(f, lines)


def _fix(f: DeliverableFacts, lines: list[str]) -> list[Block]:
    """The verdict's lines, how to check again, and the "Edit caption" button."""
    lines = [
        *lines,
        "Edit the post, then *Edit caption* here to check again. The brand team sees this check too.",
    ]
    return [
        section("\n".join(lines)),
        ActionsBlock(
            block_id=f"verdict:{f.deliverable.id}",
            elements=[
                _button(Action.DELIVERABLE_EDIT_CAPTION, "Edit caption", str(f.deliverable.id), "primary")
            ],
        ),
    ]


def reschedule_modal(f: DeliverableFacts) -> View:
    return modal(
        Callback.DELIVERABLE_RESCHEDULE,
        "Change due time",
        "Save",
        [
            _about(f),
            InputBlock(
                block_id=Field.DUE,
                label=plain("New due time (your time zone)"),
                element=DateTimePickerElement(
                    action_id=Field.DUE, initial_date_time=int(f.deliverable.due_at.timestamp())
                ),
            ),
        ],
        metadata=json.dumps({"deliverable_id": f.deliverable.id}),
    )


def rescheduled_note(f: DeliverableFacts, by: str, was: datetime) -> str:
    return (
        f":spiral_calendar_pad: {user(by)} moved the due time of *{esc(f.deliverable.title)}* to "
        f"{when(f.deliverable.due_at)} (was {when(was)}). {f.who}, reminders follow the new time."
    )


IMAGE_OPTIONS = {
    "retouched": "The images of people are retouched (filters, reshaping)",
    "virtual": "The images are AI-generated (virtual)",
}


def publish_modal(f: DeliverableFacts, rules_name: str, image_kinds: Sequence[str]) -> View:
    blocks: list[Block] = [
        _about(f),
        text_input(Field.URL, "Post URL", max_length=rules.URL_MAX, placeholder="https://…"),
        text_input(
            Field.CAPTION,
            "Caption, as posted",
            max_length=rules.CAPTION_MAX,
            multiline=True,
            hint=f"Paste the whole caption: the ad disclosure is checked against the {rules_name} "
            "before the brand team looks.",
        ),
    ]
    if image_kinds:
        blocks.append(_images(image_kinds, ()))
    return modal(
        Callback.DELIVERABLE_PUBLISH,
        "Mark published",
        "Publish",
        blocks,
        metadata=json.dumps({"deliverable_id": f.deliverable.id}),
    )


DECISION_WORDS = {
    ComplianceStatus.PASSED: ("Pass", "passed", ":white_check_mark:"),
    ComplianceStatus.FAILED: ("Fail", "failed", ":x:"),
    ComplianceStatus.WAIVED: ("Waive", "waived", ":heavy_minus_sign:"),
    ComplianceStatus.PENDING: ("Pending", "pending", ":white_circle:"),
}


def note_modal(
    check: ComplianceCheck,
    decision: ComplianceStatus,
    title: str,
    prefill: str | None,
    *,
    parent: str | None = None,
) -> View:
    verb = DECISION_WORDS[decision][0]
    item = rules.ITEM_LABELS[ComplianceItem(check.item)]
    blocks: list[Block] = [section(f"*{item}* of *{esc(title)}*")]
    if check.suggestion:
        blocks.append(context(f"_Suggestion:_ {esc(check.suggestion)}"))
    blocks.append(
        text_input(
            Field.NOTE,
            "Why it fails" if decision == ComplianceStatus.FAILED else "Why it is waived",
            max_length=rules.NOTE_MAX,
            multiline=True,
            initial=prefill,
        )
    )
    return modal(
        Callback.CHECK_NOTE,
        f"{verb} check",
        verb,
        blocks,
        metadata=json.dumps(
            {"check_id": check.id, "decision": str(decision)} | ({"parent": parent} if parent else {})
        ),
    )


# ---------------------------------------------------------------------------------------------
# the checklist


def breach_value(engagement_id: int, guideline_code: str | None, url: str | None) -> str:
    """The "Report breach" button's value (see `Action.REPORT_BREACH_PREFILLED`)."""
    value = json.dumps(
        {"engagement_id": engagement_id, "guideline_code": guideline_code, "evidence": [url] if url else []}
    )
    if len(value) > BUTTON_VALUE_MAX:  # a very long URL: the reporter pastes it
        value = json.dumps({"engagement_id": engagement_id, "guideline_code": guideline_code, "evidence": []})
    return value


def _item_blocks(f: DeliverableFacts, check: ComplianceCheck, codes: dict[str, str]) -> list[Block]:
    item = ComplianceItem(check.item)
    _, done, icon = DECISION_WORDS[ComplianceStatus(check.status)]
    lines = [f"{icon} *{rules.ITEM_LABELS[item]}* — {done}"]
    if check.status != ComplianceStatus.PENDING:
        lines[0] += f" by {user(check.checked_by)}"
        if check.checked_at:
            lines[0] += f" {when(check.checked_at)}"
        if check.note:
            lines.append(f"> {esc(truncate(check.note, 1500))}")
    if check.suggestion:
        suggested = ""
        if check.suggested_status:
            suggested = f"suggests *{DECISION_WORDS[ComplianceStatus(check.suggested_status)][0].lower()}*: "
        lines.append(f"_:robot_face: {suggested}{esc(check.suggestion)}_")
    blocks: list[Block] = [section("\n".join(lines))]
    value = str(check.id)
    if check.status == ComplianceStatus.PENDING:
        buttons = []
        for status, action_id, style in (
            (ComplianceStatus.PASSED, Action.CHECK_PASS, "primary"),
            (ComplianceStatus.FAILED, Action.CHECK_FAIL, "danger"),
            (ComplianceStatus.WAIVED, Action.CHECK_WAIVE, None),
        ):
            label = DECISION_WORDS[status][0]
            if check.suggested_status == status:
                buttons.append(_button(action_id, f"{label} (suggested)", value, style))
            else:
                buttons.append(_button(action_id, label, value))
        blocks.append(ActionsBlock(block_id=f"check:{check.id}", elements=buttons))
    elif check.status == ComplianceStatus.FAILED:
        code = codes.get(rules.ITEM_CATEGORY[item])
        label = f"Report breach of {code}" if code else "Report breach"
        blocks.append(
            ActionsBlock(
                block_id=f"check:{check.id}",
                elements=[
                    _button(
                        Action.REPORT_BREACH_PREFILLED,
                        label,
                        breach_value(f.engagement.id, code, f.deliverable.published_url),
                        "danger",
                    )
                ],
            )
        )
    return blocks


def _quote(text: str) -> str:
    shown = truncate(text, CAPTION_SHOWN)
    return "\n".join(f"> {esc(line)}" if line.strip() else ">" for line in shown.split("\n"))


def checklist_modal(f: DeliverableFacts, checks: Sequence[ComplianceCheck], codes: dict[str, str]) -> View:
    """The checklist as a modal, for any brand role of the campaign (from the card or App Home)."""
    _, blocks = checklist(f, checks, codes)
    return View(
        type="modal",
        callback_id=Callback.CHECKLIST,
        private_metadata=json.dumps({"deliverable_id": f.deliverable.id}),
        title=plain("Compliance checklist", 24),
        close=plain("Close", 24),
        blocks=blocks,
    )


def checklist_moved(slug: str, *, holder_known: bool) -> tuple[str, list[Block]]:
    """What replaces a checklist message once it moved to someone else: none of its content (no
    item, decision, note or caption), only that it moved. `holder_known`: it moved because its
    reader may no longer read the campaign's compliance checks; otherwise its reader was never
    recorded (a message from before they were)."""
    if holder_known:
        text = (
            f":lock: This compliance checklist moved: you no longer hold a role on `{slug}` that lets "
            "you read its compliance checks, so it is no longer kept up to date here."
        )
    else:
        text = (
            f":arrows_counterclockwise: This compliance checklist moved to a new message, sent to the "
            f"current brand contact of `{slug}`; it is no longer kept up to date here."
        )
    return text, [section(text)]


def checklist(
    f: DeliverableFacts, checks: Sequence[ComplianceCheck], codes: dict[str, str]
) -> tuple[str, list[Block]]:
    d = f.deliverable
    decided = [c for c in checks if c.status != ComplianceStatus.PENDING]
    failed = [c for c in checks if c.status == ComplianceStatus.FAILED]
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"Compliance checklist · {d.title}", 150)),
        section(
            f"{f.who} published *{esc(d.title)}* ({d.platform}) for `{f.campaign.slug}` "
            f"{when(d.published_at or d.due_at)}: {esc(d.published_url)}"
            + (_late(d) if d.published_at else "")
        ),
    ]
    if d.caption:
        blocks.append(section("*Caption*\n" + _quote(d.caption)))
    blocks.append(DividerBlock())
    for check in checks:
        blocks.extend(_item_blocks(f, check, codes))
    summary = f"{len(decided)} of {len(checks)} checked"
    if failed:
        summary += f" · {len(failed)} failed"
    blocks.append(context(f"{summary} · the suggestions are the bot's reading of the caption; you decide."))
    fallback = f"Compliance checklist for “{esc(d.title)}”: {summary}"
    return fallback, blocks
