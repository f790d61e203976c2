"""Breach incidents: reporting, the card and mediation thread, every lifecycle move, reading.

Rules live in `bot.domain.incidents`; these modules apply them with one conditional UPDATE per
move (so double clicks and races give exactly one transition) and then tell Slack.
"""

from bot.flows.incidents.lifecycle import (
    FORM_MOVES,
    Applied,
    announce,
    apply_move,
    auto_escalate,
    move_and_announce,
    open_move_form,
    press,
    record_thread_reply,
    submit_move_form,
)
from bot.flows.incidents.reading import export, list_incidents, list_more, show_incident
from bot.flows.incidents.report import (
    open_report,
    open_report_from_message,
    post_card_again,
    publish_report,
    report_engagement_chosen,
    submit_report,
)

__all__ = [
    "FORM_MOVES",
    "Applied",
    "announce",
    "apply_move",
    "auto_escalate",
    "export",
    "list_incidents",
    "list_more",
    "move_and_announce",
    "open_move_form",
    "open_report",
    "open_report_from_message",
    "post_card_again",
    "press",
    "publish_report",
    "record_thread_reply",
    "report_engagement_chosen",
    "show_incident",
    "submit_move_form",
    "submit_report",
]
