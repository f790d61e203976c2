"""What the conduct monitor says: the notices in the shared channels, the private flags, and the
answers to `/campaign conduct`."""

from __future__ import annotations

import json
import re

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.domain.ghosting import FLAG_HOURS, REMINDER_HOURS
from bot.ids import Action
from bot.views.common import campaign_named as _campaign
from bot.views.common import context, influencer_mention, plain, section
from bot.views.text import channel, esc, plural, slack_text, truncate, user, when
from storage.models import Campaign, ConductFlag, FlaggedMessage, Influencer

#: A button's value may hold this many characters (Slack's limit).
BUTTON_VALUE_MAX = 2000
_LINKABLE = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)


def _ghosting(c: Campaign, influencer: Influencer) -> str:
    return (
        f"When the brand team asks {influencer_mention(influencer)} something here and no answer comes, I "
        f"nudge in that thread after {c.ghost_reminder_hours} business hours and tell the managers after "
        f"{c.ghost_flag_hours}."
    )


def notice_on(c: Campaign, influencer: Influencer) -> str:
    """Posted in each shared channel when the monitor is switched on."""
    return (
        f":shield: *Messages here are now checked for abusive language* ({_campaign(c)}, guideline on "
        "professional and respectful conduct). Possible issues go privately to the brand team; nothing is "
        "said in this channel, and only the messages flagged are kept. This applies to everyone here, "
        f"the brand team included. {_ghosting(c, influencer)}"
    )


def notice_off(c: Campaign) -> str:
    return (
        f":shield: *Messages here are no longer checked* for abusive language ({_campaign(c)}): the "
        "brand team switched the conduct monitor off."
    )


def status(c: Campaign, channels: int) -> str:
    state = "*on*" if c.conduct_monitor else "*off*"
    where = f" in {plural(channels, 'shared channel')}" if c.conduct_monitor else ""
    return (
        f":shield: The conduct monitor is {state} for {_campaign(c)}{where}. Ghosting thresholds: a reminder "
        f"after {c.ghost_reminder_hours} business hours, the managers told after {c.ghost_flag_hours} "
        f"(defaults {REMINDER_HOURS} and {FLAG_HOURS}).\n"
        f"`/campaign conduct {c.slug} on` · `/campaign conduct {c.slug} off` · "
        f"`/campaign conduct {c.slug} ghosting &lt;reminder hours&gt; &lt;flag hours&gt;`"
    )


def switched(c: Campaign, on: bool, told: int, failed: list[str]) -> str:
    if on:
        text = (
            f":white_check_mark: The conduct monitor is *on* for {_campaign(c)}. I told "
            f"{plural(told, 'shared channel')} that messages there are checked and that possible issues "
            "go privately to the brand team. Flags come to the campaign's managers and legal (about brand "
            "staff: to the workspace admins)."
        )
    else:
        text = (
            f":white_check_mark: The conduct monitor is *off* for {_campaign(c)}: messages are no longer "
            f"checked and waiting ghosting reminders are cancelled. I told {plural(told, 'shared channel')}."
        )
    if failed:
        text += f"\n:warning: I could not post in {', '.join(channel(f) for f in failed)}."
    return text


def unchanged(c: Campaign) -> str:
    state = "on" if c.conduct_monitor else "off"
    return f":information_source: The conduct monitor is already *{state}* for {_campaign(c)}."


def thresholds_set(c: Campaign) -> str:
    return (
        f":white_check_mark: Ghosting on {_campaign(c)}: a reminder in the thread after "
        f"{c.ghost_reminder_hours} business hours without an answer, the managers told after "
        f"{c.ghost_flag_hours} (business hours: weekdays in the influencer's time zone)."
        + ("" if c.conduct_monitor else f" The monitor is off: `/campaign conduct {c.slug} on` starts it.")
    )


# ---------------------------------------------------------------------------------------------
# the private flag


def report_value(engagement_id: int, guideline_code: str | None, links: list[str]) -> str:
    """The "Report breach of G4" button's value: the shape of `Action.REPORT_BREACH_PREFILLED`
    (bot/views/deliverables.py `breach_value`), with the flagged messages' links as evidence;
    the report snapshots each of them (bot/flows/evidence.py)."""
    evidence = [link for link in links if link]
    while True:
        value = json.dumps(
            {"engagement_id": engagement_id, "guideline_code": guideline_code, "evidence": evidence}
        )
        if len(value) <= BUTTON_VALUE_MAX or not evidence:
            return value
        evidence = evidence[:-1]


def _link(message: FlaggedMessage, label: str) -> str:
    if message.permalink and _LINKABLE.match(message.permalink):
        return f"<{esc(message.permalink)}|{label}>"
    return label


def _quote(text: str) -> str:
    shown = truncate(slack_text(text), 1200)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in shown.split("\n")) or ">"


def flag(
    c: Campaign,
    influencer: Influencer,
    f: ConductFlag,
    first: FlaggedMessage,
    latest: FlaggedMessage,
    guideline_code: str | None,
    engagement_id: int,
    *,
    held_from: str | None = None,
) -> tuple[str, list[Block]]:
    """A flag as the brand team receives it (DM or the escalation channel), never the shared channel."""
    who = (
        f"{user(f.author_id)}, a member of the brand side,"
        if f.about_brand
        else f"{influencer_mention(influencer)}, the influencer,"
    )
    clause = f"{guideline_code} (conduct)" if guideline_code else "the conduct guideline"
    head = (
        f":triangular_flag_on_post: *Possible breach of {clause}* in {channel(f.channel_id)} · "
        f"{_campaign(c)}\n"
        f"{who} wrote {when(first.created_at)} ({_link(first, 'open the message')}):"
    )
    blocks: list[Block] = [
        section(head),
        section(_quote(first.text)),
        context(f"*{esc(first.category)}* · {esc(truncate(first.reason, 400))}"),
    ]
    if f.messages > 1:
        blocks.append(
            section(
                f":repeat: This flag covers *{plural(f.messages, 'message')}* from {user(f.author_id)} in "
                f"{channel(f.channel_id)} since {when(f.created_at)}; the latest, "
                f"{_link(latest, 'this one')} ({esc(latest.category)}), {when(latest.created_at)}."
            )
        )
    if not f.about_brand:
        links = [first.permalink] + ([latest.permalink] if latest.id != first.id else [])
        blocks.append(
            ActionsBlock(
                block_id="conduct_flag",
                elements=[
                    ButtonElement(
                        action_id=Action.REPORT_BREACH_PREFILLED,
                        text=plain(
                            f"Report breach of {guideline_code}" if guideline_code else "Report breach"
                        ),
                        style="danger",
                        value=report_value(engagement_id, guideline_code, [x for x in links if x]),
                    )
                ],
            )
        )
    audience = (
        "the workspace admins, since it is about someone on the brand side"
        if f.about_brand
        else "the campaign's managers and legal"
    )
    note = (
        f"Only {audience} get this; nothing was said in the channel. The check is automatic and can be "
        "wrong: read the message before acting. At most one flag per person and channel per hour."
    )
    if held_from:
        note += f" Not posted in {channel(held_from)}, which is no longer safe for legal's notices."
    blocks.append(context(note))
    fallback = f"Possible breach of {clause} in the shared channel ({plural(f.messages, 'message')})"
    return fallback, blocks
