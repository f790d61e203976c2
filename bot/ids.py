"""Every Slack identifier the app registers or builds: commands, shortcuts, callbacks, actions, blocks.

Handlers register listeners with these constants and views build blocks with them, so a rename
happens in one place; the manifest test compares the registered ones with `manifest.yml`.
"""

from __future__ import annotations


class Command:
    CAMPAIGN = "/campaign"
    BREACH = "/breach"
    REVIEW = "/review"


class Shortcut:
    REPORT_BREACH = "report_breach"


class Callback:
    """Modal `callback_id`s."""

    CAMPAIGN_NEW = "campaign_new"
    GUIDELINES_EDIT = "guidelines_edit"
    DELIVERABLE_NEW = "deliverable_new"
    DELIVERABLE_SUBMIT = "deliverable_submit_form"
    DELIVERABLE_PUBLISH = "deliverable_publish_form"
    DELIVERABLE_RESCHEDULE = "deliverable_reschedule_form"
    #: Fail / waive a compliance check with a note.
    CHECK_NOTE = "compliance_check_note_form"
    #: The compliance checklist opened as a modal (from the card or App Home); read-only frame.
    CHECKLIST = "compliance_checklist_view"
    DELIVERABLE_CHANGES = "deliverable_changes_form"
    DELIVERABLE_CAPTION = "deliverable_caption_form"
    REVIEW_LOG = "review_log_form"
    BREACH_REPORT = "breach_report"
    INCIDENT_RESPOND = "incident_respond_form"
    INCIDENT_PROPOSE = "incident_propose_form"
    INCIDENT_RESOLVE = "incident_resolve_form"
    INCIDENT_DISMISS = "incident_dismiss_form"
    INCIDENT_DISPUTE = "incident_dispute_form"
    INCIDENT_ESCALATE = "incident_escalate_form"


class Action:
    """Interactive element `action_id`s."""

    ACKNOWLEDGE_GUIDELINES = "guidelines_acknowledge"
    #: Opens the breach report modal prefilled; value is JSON
    #: {"engagement_id": int, "guideline_code": str | None, "evidence": [url, …]}.
    REPORT_BREACH_PREFILLED = "breach_report_prefilled"
    #: Deliverable card buttons; value is the deliverable id.
    DELIVERABLE_SUBMIT = "deliverable_submit"
    DELIVERABLE_PUBLISH = "deliverable_publish"
    DELIVERABLE_APPROVE = "deliverable_approve"
    DELIVERABLE_CANCEL = "deliverable_cancel"
    DELIVERABLE_RESCHEDULE = "deliverable_reschedule"
    DELIVERABLE_REQUEST_CHANGES = "deliverable_request_changes"
    #: The influencer's "Edit caption" under their disclosure verdict; value is the deliverable id.
    DELIVERABLE_EDIT_CAPTION = "deliverable_edit_caption"
    #: Opens the compliance checklist as a modal; value is the deliverable id.
    CHECKLIST_OPEN = "compliance_checklist_open"
    #: Compliance checklist buttons; value is the compliance check id.
    CHECK_PASS = "compliance_check_pass"
    CHECK_FAIL = "compliance_check_fail"
    CHECK_WAIVE = "compliance_check_waive"
    #: Incident card buttons; value is the incident id. One per lifecycle move.
    INCIDENT_ACKNOWLEDGE = "incident_acknowledge"
    INCIDENT_RESPOND = "incident_respond"
    INCIDENT_PROPOSE = "incident_propose"
    INCIDENT_ACCEPT = "incident_accept"
    INCIDENT_DISPUTE = "incident_dispute"
    INCIDENT_ESCALATE = "incident_escalate"
    INCIDENT_RESOLVE = "incident_resolve"
    INCIDENT_DISMISS = "incident_dismiss"
    #: The engagement select of the report form (updates the clause list).
    REPORT_ENGAGEMENT_CHOSEN = "report_engagement"
    #: Opens the review modal prefilled; value is the engagement id ("" opens it empty).
    LOG_REVIEW = "review_log"
    #: App Home: opens the same modal as `/campaign new`.
    HOME_NEW_CAMPAIGN = "home_campaign_new"
    #: `/breach list`'s next page; value is JSON {"open": bool, "slug": str | None, "before": int}.
    INCIDENT_LIST_MORE = "incident_list_more"
    #: App Home: the whole list behind a section, sent by DM; value is the list ("open", "waiting").
    HOME_VIEW_ALL = "home_view_all"
    #: In the DM that says a card could not be posted in its shared channel: post it now. Value:
    #: the incident's or the deliverable's id.
    INCIDENT_POST_CARD = "incident_post_card"
    DELIVERABLE_POST_CARD = "deliverable_post_card"
    #: App Home: an incident's card (what `/breach show` shows, with a link to the card) as a
    #: modal; value is the incident number.
    HOME_OPEN_INCIDENT = "home_incident_open"


class Event:
    APP_HOME_OPENED = "app_home_opened"
    MESSAGE = "message"
    TOKENS_REVOKED = "tokens_revoked"
    APP_UNINSTALLED = "app_uninstalled"
    MEMBER_JOINED_CHANNEL = "member_joined_channel"


class Field:
    """`block_id`s of modal inputs (the input's `action_id` is the same string)."""

    NAME = "name"
    SLUG = "slug"
    BRAND = "brand"
    MARKET = "market"
    START = "start_date"
    END = "end_date"
    ESCALATION_CHANNEL = "escalation_channel"
    REVIEW_CADENCE = "review_cadence"
    TEMPLATE = "template"

    ENGAGEMENT = "engagement"
    TITLE = "title"
    PLATFORM = "platform"
    DUE = "due"

    NEW_CLAUSE = "new"

    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    WOULD_WORK_AGAIN = "would_work_again"
    NOTES = "notes"
    REVIEW_OPTIONS = "review_options"  # checkboxes: flagged, shared
    #: The four rating inputs (same names as the review table's columns).
    CONDUCT = "conduct"
    COMMUNICATION = "communication"
    TIMELINESS = "timeliness"
    CONTENT_QUALITY = "content_quality"

    GUIDELINE = "guideline"
    SEVERITY = "severity"
    OCCURRED_AT = "occurred_at"
    DESCRIPTION = "description"
    EVIDENCE = "evidence"
    STATEMENT = "statement"
    OUTCOME = "outcome"
    TERMS = "terms"
    DEADLINE = "deadline"
    STRIKES = "strikes"
    NOTE = "note"
    REASON = "reason"
    #: Checkbox: "I confirm the change of standing" when a resolution crosses a strike threshold.
    CONFIRM_STANDING = "confirm_standing"
    #: Checkbox: "report anyway" when a report looks like a duplicate of a recent one, or its
    #: campaign is completed or cancelled.
    CONFIRM_DUPLICATE = "confirm_duplicate"

    URL = "url"
    CAPTION = "caption"
    IMAGES = "images"  # checkboxes: retouched, virtual (markets whose rules ask)

    @staticmethod
    def clause(code: str, part: str) -> str:
        """Block id of one part (title, text, category, severity) of clause `code` in the guidelines form."""
        return f"clause:{code}:{part}"

    @staticmethod
    def parse_clause(block_id: str) -> tuple[str, str] | None:
        prefix, _, rest = block_id.partition(":")
        code, _, part = rest.partition(":")
        return (code, part) if prefix == "clause" and code and part else None


#: Everything registered with Slack that the manifest must declare.
COMMANDS = (Command.CAMPAIGN, Command.BREACH, Command.REVIEW)
MESSAGE_SHORTCUTS = (Shortcut.REPORT_BREACH,)
BOT_EVENTS = (Event.APP_HOME_OPENED, Event.TOKENS_REVOKED, Event.APP_UNINSTALLED)
