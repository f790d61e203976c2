"""The incident export: CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
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
#: some spreadsheets normalise), even after leading spaces or line breaks.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: formula injection neutralised with a leading `'`."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.lstrip(" \n").startswith(FORMULA_TRIGGERS) else text


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
