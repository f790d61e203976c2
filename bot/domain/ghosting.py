"""Ghosting: a brand message that waits for the influencer's answer, and business hours.

Two pure rules:

- `asks(text, influencer_id)`: a message that mentions the influencer (`<@U…>`) and asks a
  question (a question mark, or a sentence opening like a question: "can you", "when will",
  "peux-tu", "est-ce que") or makes a request ("please", "let me know", "send us", "merci de",
  "stp", "envoie"…), in English or French. Quoted text (`>` lines), code and links are not read:
  a question mark inside a URL asks nothing.
- `add_business_hours(start, hours, tz)`: the moment `hours` hours after `start` counting only the
  hours of weekdays in time zone `tz` (Saturday and Sunday do not count; a weekday counts all its
  24 hours). An ask on Friday at 16:00 waits 24 business hours until Monday at 16:00; one sent on
  Saturday starts counting on Monday at 00:00. Day boundaries are the zone's midnights, so a day
  with a daylight-saving change counts 23 or 25 hours, as it lasted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Defaults of a campaign's thresholds (`/campaign conduct <slug> ghosting <reminder> <flag>`).
REMINDER_HOURS = 24
FLAG_HOURS = 48
#: The range a threshold may take, in business hours (a working month at most).
MIN_HOURS, MAX_HOURS = 1, 480

_QUOTE_LINE = re.compile(r"^\s*(?:>|&gt;).*$", re.MULTILINE)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_LINK = re.compile(r"<(?:https?|mailto):[^>]*>|https?://\S+", re.IGNORECASE)
#: Openings of a question or an order, read at the start of a sentence or clause.
_OPENERS = (
    # English questions
    r"(?:can|could|would|will|do|does|did|are|have|has|should|shall|may)\s+(?:you|u|we|i)\b",
    r"(?:when|where|what|which|how|why|who)\b",
    r"any\s+(?:update|news|eta|chance|thoughts)\b",
    # English orders
    r"(?:send|share|confirm|update|tell|show|give|reply|answer|review|sign|post|upload|check|fix|"
    r"remove|delete|add|change|make)\s+(?:me|us|it|the|your|this|that|a|an|those|these)\b",
    # French questions
    r"est[- ]ce\s+qu",
    r"(?:peux|pourrais|veux|voudrais|as|es|vas|sais|auras|serais)[- ]tu\b",
    r"(?:pouvez|pourriez|voulez|avez|êtes|allez|savez|auriez|seriez)[- ]vous\b",
    r"(?:quand|où|quel|quelle|quels|quelles|comment|pourquoi|combien)\b",
    # French orders
    r"(?:envoie|envoyez|partage|partagez|confirme|confirmez|dis|dites|réponds|répondez|tiens|tenez|"
    r"corrige|corrigez|ajoute|ajoutez|retire|retirez|supprime|supprimez)[- ]?(?:moi|nous|le|la|les|l')?",
)
#: Requests wherever they stand.
_REQUESTS = (
    r"please",
    r"pl[sz]",
    r"kindly",
    r"let\s+(?:me|us)\s+know",
    r"(?:need|want|expect)\s+(?:you|u)\s+to",
    r"get\s+back\s+to\s+(?:me|us)",
    r"(?:waiting|wait)\s+(?:for|on)\s+(?:your|you)",
    r"merci\s+de",
    r"s'il\s+(?:te|vous)\s+pla[iî]t",
    r"stp|svp",
    r"j'attends|on\s+attend|nous\s+attendons",
    r"il\s+(?:me|nous)\s+faut|j'ai\s+besoin|nous\s+avons\s+besoin",
)
_ASKING = re.compile(
    r"\?"
    r"|(?:^|[.!?,;:\n])\s*(?:hey|hi|hello|salut|bonjour|coucou|so|ok|okay|alors|du\s+coup)?[\s,]*"
    r"(?:" + "|".join(_OPENERS) + r")"
    r"|\b(?:" + "|".join(_REQUESTS) + r")\b",
    re.IGNORECASE,
)


def mentions(text: str, user_id: str) -> bool:
    """Whether Slack's markup in `text` mentions `user_id` (`<@U123>` or `<@U123|name>`)."""
    return re.search(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>", text or "") is not None


def _readable(text: str) -> str:
    text = _QUOTE_LINE.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _LINK.sub(" ", text)
    return re.sub(r"<@[^>]*>|<#[^>]*>|<![^>]*>", " ", text).replace("’", "'")


def asks(text: str, influencer_id: str | None) -> bool:
    """A message that mentions the influencer and asks them something or asks them to do something."""
    if not influencer_id or not text or not mentions(text, influencer_id):
        return False
    return _ASKING.search(_readable(text)) is not None


def zone(name: str | None) -> ZoneInfo:
    """The time zone `name` (Slack's IANA name), UTC when unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def add_business_hours(start: datetime, hours: float, tz: ZoneInfo | str | None) -> datetime:
    """`hours` weekday hours after `start`, in the zone `tz` (see the module docstring), in UTC."""
    tz = tz if isinstance(tz, ZoneInfo) else zone(tz)
    start = start.astimezone(UTC)
    remaining = timedelta(hours=hours)
    day = start.astimezone(tz).date()
    for _ in range(10_000):  # a bound, never reached: 480 h is four weeks
        begin, end = _midnight(day, tz), _midnight(day + timedelta(days=1), tz)
        if day.weekday() < 5:
            counted_from = max(start, begin)
            available = end - counted_from
            if remaining <= available:
                return counted_from + remaining
            remaining -= max(available, timedelta(0))
        day += timedelta(days=1)
    raise ValueError(f"{hours} business hours is out of range")


def business_hours_between(start: datetime, end: datetime, tz: ZoneInfo | str | None) -> float:
    """How many weekday hours in zone `tz` lie between `start` and `end` (0 when end ≤ start)."""
    tz = tz if isinstance(tz, ZoneInfo) else zone(tz)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    day = start.astimezone(tz).date()
    while _midnight(day, tz) < end:
        begin, stop = _midnight(day, tz), _midnight(day + timedelta(days=1), tz)
        if day.weekday() < 5:
            lo, hi = max(start, begin), min(end, stop)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def thresholds_problem(reminder: int, flag: int) -> str | None:
    """Why a pair of thresholds is refused, or None."""
    if not (MIN_HOURS <= reminder <= MAX_HOURS and MIN_HOURS <= flag <= MAX_HOURS):
        return f"Thresholds go from {MIN_HOURS} to {MAX_HOURS} business hours."
    if flag <= reminder:
        return "The flag to the managers comes after the reminder: its threshold must be the larger."
    return None
