"""The incident export: CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence

from bot.domain.enums import IncidentEventKind
from storage.queries.incidents import IncidentContext

COLUMNS = (
    "number",
    "campaign",
    "influencer",
    "influencer_email",
    "clause",
    "clause_title",
    "severity",
    "status",
    "description",
    "evidence",
    "occurred_at",
    "reported_at",
    "reporter",
    "response_due_at",
    "responded_at",
    "escalated_at",
    "outcome",
    "strikes",
    "resolution_note",
    "resolved_by",
    "resolved_at",
    "timeline_events",
    "thread_replies",
    "responses",
)
#: A spreadsheet runs a cell starting with one of these as a formula (full-width forms too, which
#: some spreadsheets normalise), even after leading whitespace.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _skippable(ch: str) -> bool:
    """Characters a spreadsheet may skip before reading a formula: any Unicode whitespace
    (`str.isspace`: no-break, ideographic, en/em spaces, line breaks…) and invisible format
    characters (category Cf: zero-width space, zero-width no-break space / BOM, joiners, marks)."""
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def _leading_trigger(text: str) -> bool:
    for ch in text:
        if ch in FORMULA_TRIGGERS:  # before the whitespace test: tab and CR are both
            return True
        if not _skippable(ch):
            return False
    return False


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: formula injection neutralised with a leading `'`."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if _leading_trigger(text) else text


def incidents_csv(rows: Sequence[IncidentContext], counts: Mapping[int, Mapping[str, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for ctx in rows:
        i = ctx.incident
        kinds = counts.get(i.id, {})
        writer.writerow(
            [
                cell(v)
                for v in (
                    f"BR-{i.number}",
                    ctx.campaign.slug,
                    ctx.influencer.display_name,
                    ctx.influencer.email,
                    ctx.guideline.code,
                    ctx.guideline.title,
                    i.severity,
                    i.status,
                    i.description,
                    " ".join(i.evidence),
                    i.occurred_at,
                    i.created_at,
                    i.reporter_id,
                    i.response_due_at,
                    i.responded_at,
                    i.escalated_at,
                    i.outcome,
                    i.strikes,
                    i.resolution_note,
                    i.resolved_by,
                    i.resolved_at,
                    sum(kinds.values()),
                    kinds.get(IncidentEventKind.THREAD_REPLY, 0),
                    kinds.get(IncidentEventKind.RESPONSE, 0),
                )
            ]
        )
    return out.getvalue()
