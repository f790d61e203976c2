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


class Action:
    """Interactive element `action_id`s."""

    ACKNOWLEDGE_GUIDELINES = "guidelines_acknowledge"
    #: Opens the breach report modal prefilled; value is JSON
    #: {"engagement_id": int, "guideline_code": str | None, "evidence": [url, …]}.
    REPORT_BREACH_PREFILLED = "breach_report_prefilled"
    #: Opens the review modal prefilled; value is the engagement id.
    LOG_REVIEW = "review_log"


class Event:
    APP_HOME_OPENED = "app_home_opened"
    MESSAGE = "message"
    TOKENS_REVOKED = "tokens_revoked"
    APP_UNINSTALLED = "app_uninstalled"


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
