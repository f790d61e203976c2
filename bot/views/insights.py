"""What reports and digests say in words: the ephemeral summary of `/campaign report`, the digest
text sent with its chart, and App Home's chart block (an image block pointing at a Slack file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, HeaderBlock, ImageBlock

from bot import messages
from bot.domain import insights as ins
from bot.domain.campaigns import CLOSED_STATUSES
from bot.views.common import context, plain, section
from bot.views.text import esc, plural
from storage.models import Campaign

REPORT_RANGES = "30d | 90d | all"


def _per_unit(header: ins.Header) -> str:
    return "week" if header.unit is ins.Unit.WEEK else "month"


def report_summary(
    f: ins.Figures, charts: Sequence[str], range_word: str, slug: str | None, slugs: Sequence[str] = ()
) -> list[Block]:
    """The ephemeral answer to `/campaign report`: the headline figures; the charts are in the DM.
    `slugs`: the campaigns of a report over the reader's own (more than one)."""
    h = f.header
    ack = ins.spread(_merged(f.ack_bins)) if f.ack_bins else None
    res = ins.spread(_merged(f.resolve_bins)) if f.resolve_bins else None
    on_time_due = sum(p.count for p in f.on_time)
    on_time_ok = sum(int(p.extra or 0) for p in f.on_time)
    lines = [
        f"• {_bold_count(f.reported, 'incident')} reported, *{sum(f.closed)}* closed, "
        f"*{f.open_now}* open now",
        f"• Time to acknowledge: median *{ins.human_duration(ack.median if ack else None)}*, "
        f"90th percentile *{ins.human_duration(ack.p90 if ack else None)}*",
        f"• Time to resolve: median *{ins.human_duration(res.median if res else None)}*, "
        f"90th percentile *{ins.human_duration(res.p90 if res else None)}*",
        f"• Compliance checks passed: *{_percent(f.pass_rate)}* "
        f"({sum(f.passed)} of {sum(f.passed) + sum(f.failed)} decided)",
    ]
    if on_time_due:
        lines.append(
            f"• Deliverables on time: *{_percent(ins.rate(on_time_ok, on_time_due))}* "
            f"({on_time_ok} of {on_time_due}"
            + (", the influencers with the lowest rates" if len(f.on_time) >= 10 else "")
            + ")"
        )
    again = f"/campaign report {slug} {range_word}" if slug else f"/campaign report {range_word}"
    covered = [context(messages.report_covers(slugs))] if slugs else []
    return [
        HeaderBlock(text=plain(f"Report: {h.scope}", 150)),
        context(esc(f"{h.dates()} · {h.zone_name()} time · by {_per_unit(h)}")),
        *covered,
        section("\n".join(lines)),
        context(
            f":bar_chart: {plural(len(charts), 'chart')} sent to you by DM: {esc(', '.join(charts))}. "
            f"`{esc(again)}` runs it again; ranges: `{REPORT_RANGES}`."
        ),
    ]


def _merged(bins: dict[tuple[int, int], ins.Bin]) -> list[ins.Bin]:
    """Every period's histogram as one (the range's median and 90th percentile)."""
    by_bin: dict[int, ins.Bin] = {}
    for (_, b), x in sorted(bins.items(), key=lambda kv: kv[0][1]):
        if b in by_bin:
            y = by_bin[b]
            by_bin[b] = ins.Bin(y.count + x.count, min(y.low, x.low), max(y.high, x.high))
        else:
            by_bin[b] = x
    return [by_bin[b] for b in sorted(by_bin)]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@dataclass(frozen=True, slots=True)
class DigestNumbers:
    """Last week against the week before."""

    new: ins.Change
    closed: ins.Change
    open: ins.Change
    late: ins.Change
    failures: ins.Change
    reviews_due: ins.Change


def digest_text(campaign_name: str, slug: str, last_week: str, week_before: str, n: DigestNumbers) -> str:
    """The digest, in mrkdwn (sent as the comment of the chart's upload: one message, one call)."""
    rows = (
        ("New incidents", n.new),
        ("Closed incidents", n.closed),
        ("Open at the end of the week", n.open),
        ("Late deliverables", n.late),
        ("Compliance checks failed", n.failures),
        ("Reviews due", n.reviews_due),
    )
    lines = [
        f":calendar: *Weekly digest — {esc(campaign_name)}* (`{esc(slug)}`)",
        f"Week of {last_week}, against the week of {week_before}:",
        *(f"• {label}: *{change.text()}*" for label, change in rows),
        f"`/campaign report {esc(slug)}` for every chart · `/campaign digest {esc(slug)} off` to stop "
        "these for this campaign.",
    ]
    return "\n".join(lines)


def digest_setting(c: Campaign) -> str:
    """`/campaign digest <slug>`: whether the campaign's weekly digest is on, and how to switch it."""
    name = f"*{esc(c.name)}* (`{esc(c.slug)}`)"
    if c.digest_enabled:
        text = (
            f":calendar: The weekly digest of {name} is *on*: every Monday at 09:00 in their own time "
            "zone, each manager gets last week's figures and a chart by DM. "
            f"`/campaign digest {esc(c.slug)} off` turns it off."
        )
    else:
        text = (
            f":calendar: The weekly digest of {name} is *off*. "
            f"`/campaign digest {esc(c.slug)} on` turns it on."
        )
    if c.status in CLOSED_STATUSES:
        text += f"\n:information_source: The campaign is {c.status}: no digest is sent until it is reopened."
    return text


def home_chart(file_id: str, alt: str, title: str) -> list[Block]:
    """App Home's chart: an image block showing a file uploaded to Slack (`slack_file`)."""
    return [
        ImageBlock(
            block_id="insights_home_chart",
            slack_file={"id": file_id},
            alt_text=alt[:2000],
            title=plain(title, 2000),
        ),
        context("Updated at most once an hour · `/campaign report &lt;slug&gt;` for the full report"),
    ]


def _bold_count(n: int, word: str) -> str:
    return f"*{n}* {word if n == 1 else word + 's'}"
