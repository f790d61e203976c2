"""The charts draw for any figures, even empty ones and names that look like mathematics, at the size
made for Slack's preview, in the colour-blind-safe palette."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.domain import insights as ins
from bot.views import charts

NOW = datetime(2027, 3, 17, 12, tzinfo=UTC)


def _figures(**overrides) -> ins.Figures:
    tz = ins.zone("Europe/Paris")
    start = NOW - timedelta(days=30)
    ps = ins.periods(start, NOW, tz)
    n = len(ps)
    fields = dict(
        header=ins.Header("Price $5 $10 (spring)", start, NOW, tz, ins.unit_for(start, NOW)),
        periods=tuple(ps),
        by_clause={},
        by_severity={},
        ack=(ins.Spread(0, None, None),) * n,
        resolve=(ins.Spread(0, None, None),) * n,
        opened=(0,) * n,
        closed=(0,) * n,
        open_now=0,
        ages=ins.ages_by_label({}),
        passed=(0,) * n,
        failed=(0,) * n,
        waived=(0,) * n,
    )
    fields.update(overrides)
    return ins.Figures(**fields)


def _image(chart: charts.Chart) -> Image.Image:
    return Image.open(io.BytesIO(chart.png))


def test_every_chart_draws_empty_figures_at_the_preview_size():
    drawn = [
        *charts.report(_figures()),
        charts.open_trend(_figures()),
        charts.open_trend(_figures(), small=True),
    ]
    assert [c.filename for c in drawn][:7] == [
        "incidents-by-clause.png",
        "response-times.png",
        "open-incidents-by-age.png",
        "on-time-delivery.png",
        "compliance.png",
        "reviews.png",
        "strikes.png",
    ]
    for chart in drawn:
        image = _image(chart)
        assert image.format == "PNG" and image.width == charts.WIDTH_IN * charts.DPI == 720
        assert chart.alt.startswith(chart.title)
        assert "Price $5 $10 (spring)" in chart.alt  # the alt text says it as typed


def test_names_are_drawn_literally_and_people_in_the_palette():
    assert charts.plain("Eve $ave$ \\o/") == "Eve \\$ave\\$ \\\\o/"
    people = tuple(ins.Person(f"Creator ${i}$", i / 10, 10, i) for i in range(12))
    f = _figures(
        on_time=people,
        reviews=people,
        strikes=tuple(ins.Person(p.name, 3, 3, status="probation") for p in people),
    )
    for chart in (charts.on_time(f), charts.reviews(f), charts.strikes(f)):
        image = _image(chart).convert("RGB")
        assert image.height > charts.HEIGHT_IN * charts.DPI  # ten rows need more room
        assert chart.alt.count("Creator") == charts.MAX_PEOPLE
    colours = {c.lower() for c in charts.OKABE_ITO}
    assert {charts.SEVERITY_COLOURS[s].lower() for s in ins.SEVERITIES} <= colours
    assert {c.lower() for c in charts.STATUS_COLOURS.values()} <= colours
