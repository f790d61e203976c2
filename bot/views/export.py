"""The incident export: CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import unicodedata
from typing import Any, TextIO

from storage.queries.incidents import ExportRow

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
    "timeline_hash",
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


def csv_writer(out: TextIO) -> Any:
    """A CSV writer on `out`, the header row written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    return writer


def incident_cells(r: ExportRow) -> list[str]:
    """One incident's row, in the order of COLUMNS."""
    return [
        cell(v)
        for v in (
            f"BR-{r.number}",
            r.campaign,
            r.influencer,
            r.influencer_email,
            r.clause,
            r.clause_title,
            r.severity,
            r.status,
            r.description,
            " ".join(r.evidence or ()),
            r.occurred_at,
            r.reported_at,
            r.reporter_id,
            r.response_due_at,
            r.responded_at,
            r.escalated_at,
            r.outcome,
            r.strikes,
            r.resolution_note,
            r.resolved_by,
            r.resolved_at,
            r.timeline_hash,
            r.events,
            r.thread_replies,
            r.responses,
        )
    ]
