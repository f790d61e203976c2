"""Charts as PNG bytes: pure functions from `bot.domain.insights.Figures` to images.

Drawn with matplotlib's object API on the non-interactive Agg canvas (no pyplot, no global state,
so charts can be drawn in worker threads side by side) with the DejaVu Sans font matplotlib ships,
so a chart looks the same on every machine.

Made to be read in Slack's preview, about 360 px wide: each figure is 4 x 2.8 inches at 180 dpi
(720 px wide, shown at half size), so the smallest text (8 pt) is about 10 px on screen. Colours
come from the Okabe-Ito palette, chosen to stay distinct for the common kinds of colour blindness;
series that share a chart also differ by line style or by their order in the stack. Every chart
has a title, a subtitle with the scope, the dates and the time zone, and axes with their units.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # before anything draws; the figures below use the Agg canvas explicitly

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.domain import insights as ins
from bot.domain.incidents import PROBATION_AT, SUSPENSION_AT

#: Okabe & Ito (2008), "Color Universal Design": distinct for deuteranopia, protanopia, tritanopia.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE, BLACK = OKABE_ITO
GREY = "#999999"
SEVERITY_COLOURS = {"minor": SKY, "moderate": GREEN, "major": ORANGE, "critical": VERMILLION}
STATUS_COLOURS = {"active": BLUE, "probation": ORANGE, "suspended": VERMILLION, "removed": BLACK}
FINDING_COLOURS = {"pass": GREEN, "weak": YELLOW, "buried": ORANGE, "missing": VERMILLION}

WIDTH_IN = 4.0
HEIGHT_IN = 2.8
DPI = 180
TITLE_PT, SUBTITLE_PT, LABEL_PT, TICK_PT, LEGEND_PT = 10, 7.5, 8.5, 8, 7.5
MAX_PEOPLE = 10
NAME_MAX = 18

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": TICK_PT,
    "axes.titlesize": LABEL_PT,
    "axes.labelsize": LABEL_PT,
    "xtick.labelsize": TICK_PT,
    "ytick.labelsize": TICK_PT,
    "legend.fontsize": LEGEND_PT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "svg.fonttype": "none",
}


@dataclass(frozen=True, slots=True)
class Chart:
    """One PNG and what Slack shows with it."""

    name: str  # file name stem, e.g. "incidents-by-clause"
    title: str
    alt: str  # alt text: what the chart says, for screen readers
    png: bytes

    @property
    def filename(self) -> str:
        return f"{self.name}.png"


def plain(text: str, limit: int = 60) -> str:
    """User text as matplotlib draws it literally: `$` would start mathematics."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\\", "\\\\").replace("$", r"\$")


def styled(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """Draw (and save) inside the chart style: rc settings apply when artists are created."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Chart:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def _figure(height: float = HEIGHT_IN, rows: int = 1, ratios: Sequence[float] | None = None):
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(rows, 1, height_ratios=ratios)
    axes = [fig.add_subplot(grid[i, 0]) for i in range(rows)]
    return fig, axes


def _header(fig: Figure, axes, title: str, header: ins.Header) -> None:
    fig.suptitle(plain(title), fontsize=TITLE_PT, fontweight="bold", x=0.02, ha="left")
    axes[0].set_title(
        f"{plain(header.scope, 70)}\n{header.dates()}, {header.zone_name()} time",
        fontsize=SUBTITLE_PT,
        loc="left",
        color="#444444",
        pad=4,
        linespacing=1.25,
    )


def _legend_below(ax, ncol: int = 2, title: str | None = None) -> None:
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0.0, -0.3 if ax.get_xlabel() else -0.14),
        ncol=ncol,
        frameon=False,
        title=title,
        title_fontsize=LEGEND_PT,
        alignment="left",
        columnspacing=1.0,
        handlelength=1.4,
    )


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _labels(header: ins.Header, ps: Sequence[ins.Period]) -> list[str]:
    if header.unit is ins.Unit.MONTH:
        return [
            f"{p.first_day:%b}\n{p.first_day:%y}" if p.first_day.month == 1 or i == 0 else f"{p.first_day:%b}"
            for i, p in enumerate(ps)
        ]
    return [f"{p.first_day.day} {p.first_day:%b}" for p in ps]


def _period_axis(ax, header: ins.Header, ps: Sequence[ins.Period]) -> None:
    labels = _labels(header, ps)
    step = max(1, round(len(labels) / 7))
    ax.set_xticks(range(len(labels))[::step], labels[::step])
    ax.set_xlabel("week starting (Monday)" if header.unit is ins.Unit.WEEK else "month")


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def _per(header: ins.Header) -> str:
    return "per week" if header.unit is ins.Unit.WEEK else "per month"


# ---------------------------------------------------------------------------------------------
# the report's charts


def _stack(ax, series: dict[str, list[int]], colours: dict[str, str] | None, n: int) -> None:
    bottom = [0] * n
    palette = iter(OKABE_ITO * 3)
    for label, values in series.items():
        if not any(values):
            continue
        colour = (colours or {}).get(label) or next(palette)
        ax.bar(
            range(n),
            values,
            bottom=bottom,
            color=colour,
            label=plain(label, 28),
            width=0.8,
            edgecolor="white",
            linewidth=0.5,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))


@styled
def incidents_by_clause(f: ins.Figures) -> Chart:
    fig, (top, bottom) = _figure(height=5.2, rows=2)
    title = "Incidents reported, by clause and by severity"
    _header(fig, [top, bottom], title, f.header)
    n = len(f.periods)
    if f.reported == 0:
        _empty(top, "No incident reported in these dates")
        _empty(bottom, "")
    else:
        _stack(top, f.by_clause, None, n)
        _stack(bottom, {s: f.by_severity.get(s, [0] * n) for s in ins.SEVERITIES}, SEVERITY_COLOURS, n)
        for ax, ncol in ((top, 2), (bottom, 4)):
            ax.set_ylabel(f"incidents {_per(f.header)}")
            _period_axis(ax, f.header, f.periods)
            ax.set_xlabel("")
            _legend_below(ax, ncol)
    alt = (
        f"{title}, {f.header.subtitle()}: {f.reported} incidents. By clause: "
        + ", ".join(f"{k} {sum(v)}" for k, v in f.by_clause.items() if sum(v))
        + ". By severity: "
        + ", ".join(
            f"{k} {sum(f.by_severity.get(k, []))}" for k in ins.SEVERITIES if sum(f.by_severity.get(k, []))
        )
    )
    return Chart("incidents-by-clause", title, alt, _png(fig))


@styled
def response_times(f: ins.Figures) -> Chart:
    fig, axes = _figure(height=3.0)
    ax = axes[0]
    title = "Time to acknowledge and to resolve"
    _header(fig, axes, title, f.header)
    n = len(f.periods)
    drawn = False
    for spreads, name, colour, marker in (
        (f.ack, "acknowledge", BLUE, "o"),
        (f.resolve, "resolve", ORANGE, "s"),
    ):
        for attr, style, label in (("median", "-", "median"), ("p90", "--", "90th pct")):
            xs = [k for k in range(n) if getattr(spreads[k], attr) is not None]
            if not xs:
                continue
            drawn = True
            ys = [getattr(spreads[k], attr) / 3600 for k in xs]
            ax.plot(
                xs,
                ys,
                style,
                color=colour,
                marker=marker,
                markersize=3.5,
                linewidth=1.4,
                label=f"{name}, {label}",
            )
    if not drawn:
        _empty(ax, "Nothing acknowledged or resolved in these dates")
    else:
        ax.set_yscale("log")
        ax.set_ylabel("hours (log scale)")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}")
        ax.set_xlim(-0.5, n - 0.5)
        _period_axis(ax, f.header, f.periods)
        _legend_below(ax, 2)
    last = next((k for k in range(n - 1, -1, -1) if f.ack[k].count or f.resolve[k].count), None)
    alt = f"{title}, {f.header.subtitle()}."
    if last is not None:
        alt += (
            f" Latest {f.header.unit.value}: acknowledged in {ins.human_duration(f.ack[last].median)} "
            f"(median), resolved in {ins.human_duration(f.resolve[last].median)} (median)."
        )
    return Chart("response-times", title, alt, _png(fig))


@styled
def open_ages(f: ins.Figures) -> Chart:
    fig, axes = _figure(height=3.1)
    ax = axes[0]
    title = f"Open incidents by age ({f.open_now} open)"
    _header(fig, axes, title, f.header)
    labels = list(ins.AGE_LABELS)
    if f.open_now == 0:
        _empty(ax, "No incident is open")
    else:
        left = [0] * len(labels)
        for sev in ins.SEVERITIES:
            values = [f.ages.get(label, {}).get(sev, 0) for label in labels]
            if any(values):
                ax.barh(
                    range(len(labels)),
                    values,
                    left=left,
                    color=SEVERITY_COLOURS[sev],
                    label=sev,
                    edgecolor="white",
                    linewidth=0.5,
                )
                left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("open incidents")
        ax.set_ylabel("age (since reported)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        _legend_below(ax, 4)
    alt = f"{title}, {f.header.subtitle()}: " + ", ".join(
        f"{label} {sum(f.ages.get(label, {}).values())}" for label in labels
    )
    return Chart("open-incidents-by-age", title, alt, _png(fig))


def _people_axis(ax, people: Sequence[ins.Person]) -> None:
    ax.set_yticks(range(len(people)), [plain(p.name, NAME_MAX) for p in people])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)


def _people_height(people: Sequence[ins.Person]) -> float:
    return max(HEIGHT_IN, 1.5 + 0.26 * len(people))


@styled
def on_time(f: ins.Figures) -> Chart:
    people = f.on_time[:MAX_PEOPLE]
    fig, axes = _figure(height=_people_height(people))
    ax = axes[0]
    title = "On-time delivery per influencer"
    _header(fig, axes, title, f.header)
    if not people:
        _empty(ax, "No deliverable was due in these dates")
    else:
        rates = [(p.value or 0) * 100 for p in people]
        colours = [GREEN if r >= 90 else ORANGE if r >= 60 else VERMILLION for r in rates]
        ax.barh(range(len(people)), rates, color=colours)
        for i, p in enumerate(people):
            ax.text(
                min(rates[i], 100) + 1.5, i, f"{int(p.extra or 0)}/{p.count}", va="center", fontsize=LEGEND_PT
            )
        _people_axis(ax, people)
        ax.set_xlim(0, 118)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.xaxis.set_major_formatter(PercentFormatter())
        ax.set_xlabel("deliverables delivered by their due time (%)")
    alt = f"{title}, {f.header.subtitle()}, lowest first: " + ", ".join(
        f"{p.name} {int(p.extra or 0)} of {p.count}" for p in people
    )
    return Chart("on-time-delivery", title, alt, _png(fig))


@styled
def compliance(f: ins.Figures) -> Chart:
    fig, (top, bottom) = _figure(height=3.9, rows=2, ratios=(3, 1))
    rate = f.pass_rate
    title = "Compliance checks" + (f": {rate:.0%} passed" if rate is not None else "")
    _header(fig, [top, bottom], title, f.header)
    n = len(f.periods)
    decided = [p + q for p, q in zip(f.passed, f.failed, strict=True)]
    if not any(decided):
        _empty(top, "No check passed or failed in these dates")
    else:
        xs = [k for k in range(n) if decided[k]]
        top.bar(xs, [f.passed[k] / decided[k] * 100 for k in xs], color=GREEN, width=0.7)
        for k in xs:
            top.text(k, 102, f"{f.passed[k]}/{decided[k]}", ha="center", va="bottom", fontsize=6.5)
        top.set_ylim(0, 118)
        top.set_yticks([0, 50, 100])
        top.yaxis.set_major_formatter(PercentFormatter())
        top.set_ylabel("checks passed")
        top.set_xlim(-0.5, n - 0.5)
        _period_axis(top, f.header, f.periods)
    total = sum(f.findings.values())
    if not total:
        _empty(bottom, "No published caption in these dates")
    else:
        left = 0.0
        for finding in ("pass", "weak", "buried", "missing"):
            share = f.findings.get(finding, 0) / total * 100
            if share:
                bottom.barh(
                    [0],
                    [share],
                    left=[left],
                    color=FINDING_COLOURS[finding],
                    height=0.6,
                    label=f"{finding} ({f.findings[finding]})",
                    edgecolor="white",
                )
                left += share
        bottom.set_xlim(0, 100)
        bottom.xaxis.set_major_formatter(PercentFormatter())
        bottom.set_yticks([0], ["captions"])
        bottom.set_xlabel(f"disclosure lint verdicts, share of {total} published captions")
        bottom.grid(axis="y", visible=False)
        _legend_below(bottom, 4)
    alt = (
        f"{title}, {f.header.subtitle()}: {sum(f.passed)} passed, {sum(f.failed)} failed, {sum(f.waived)} "
        "waived. Lint verdicts: " + ", ".join(f"{k} {v}" for k, v in f.findings.items())
    )
    return Chart("compliance", title, alt, _png(fig))


@styled
def reviews(f: ins.Figures) -> Chart:
    people = f.reviews[:MAX_PEOPLE]
    fig, axes = _figure(height=_people_height(people))
    ax = axes[0]
    title = "Review averages per influencer"
    _header(fig, axes, title, f.header)
    if not people:
        _empty(ax, "No review logged in these dates")
    else:
        values = [p.value or 0 for p in people]
        ax.barh(range(len(people)), values, color=[BLUE if v >= 3 else VERMILLION for v in values])
        for i, p in enumerate(people):
            trend = p.extra
            mark = ins.arrow(trend)
            note = (
                f"{values[i]:.1f} {mark}" + (f" {trend:+.1f}" if trend is not None else "") + f"  ({p.count})"
            )
            ax.text(values[i] + 0.05, i, note, va="center", fontsize=LEGEND_PT)
        _people_axis(ax, people)
        ax.set_xlim(0, 6.6)
        ax.set_xticks([1, 2, 3, 4, 5])
        ax.set_xlabel("average rating (1–5); arrow: second half vs first half")
    alt = f"{title}, {f.header.subtitle()}, lowest first: " + ", ".join(
        f"{p.name} {p.value:.1f}" + (f" ({p.extra:+.1f})" if p.extra is not None else "") for p in people
    )
    return Chart("reviews", title, alt, _png(fig))


@styled
def strikes(f: ins.Figures) -> Chart:
    people = f.strikes[:MAX_PEOPLE]
    fig, axes = _figure(height=_people_height(people))
    ax = axes[0]
    title = "Strikes and standing per influencer"
    _header(fig, axes, title, f.header)
    if not people:
        _empty(ax, "No incident resolved in these dates")
    else:
        values = [p.value or 0 for p in people]
        colours = [STATUS_COLOURS.get(p.status or "active", GREY) for p in people]
        ax.barh(range(len(people)), values, color=colours)
        top = max(max(values), SUSPENSION_AT) + 1
        for at, label in ((PROBATION_AT, "probation"), (SUSPENSION_AT, "suspension")):
            ax.axvline(at, color=GREY, linestyle=":", linewidth=1)
            ax.text(at, len(people) - 0.4, f" {label}", fontsize=6.5, color="#555555", va="top")
        for i, p in enumerate(people):
            ax.text(values[i] + 0.1, i, p.status or "", va="center", fontsize=LEGEND_PT)
        _people_axis(ax, people)
        ax.set_xlim(0, top + 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("strikes from incidents resolved in these dates")
    alt = f"{title}, {f.header.subtitle()}, most first: " + ", ".join(
        f"{p.name} {int(p.value or 0)} ({p.status})" for p in people
    )
    return Chart("strikes", title, alt, _png(fig))


@styled
def open_trend(f: ins.Figures, *, small: bool = False) -> Chart:
    """Open incidents at the end of each period, with new and closed ones as bars (App Home shows
    the small version; the digest the full one)."""
    fig, axes = _figure(height=2.2 if small else HEIGHT_IN)
    ax = axes[0]
    title = "Open incidents"
    _header(fig, axes, title, f.header)
    n = len(f.periods)
    series = f.open_series
    width = 0.38
    ax.bar([k - width / 2 for k in range(n)], f.opened, width=width, color=ORANGE, label="new")
    ax.bar([k + width / 2 for k in range(n)], f.closed, width=width, color=SKY, label="closed")
    ax.plot(range(n), series, color=BLACK, marker="o", markersize=3.5, linewidth=1.6, label="open at the end")
    ax.set_ylim(0, max([*series, *f.opened, *f.closed, 1]) * 1.25)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.set_ylabel(f"incidents ({_per(f.header)})" if not small else "incidents")
    _period_axis(ax, f.header, f.periods)
    if small:
        ax.set_xlabel("")
    ax.legend(loc="upper left", ncol=3, frameon=False)
    alt = f"{title}, {f.header.subtitle()}: " + ", ".join(
        f"{label.replace(chr(10), ' ')}: {o} open"
        for label, o in zip(_labels(f.header, f.periods), series, strict=True)
    )
    return Chart("open-incidents" + ("-small" if small else ""), title, alt, _png(fig))


REPORT = (incidents_by_clause, response_times, open_ages, on_time, compliance, reviews, strikes)


def report(f: ins.Figures) -> list[Chart]:
    return [draw(f) for draw in REPORT]
