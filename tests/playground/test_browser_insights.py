"""Charts in the browser playground: `/campaign report` sends PNGs to the app's DM, shown inline;
App Home shows its chart from a Slack file. Each image must have loaded, have its size, and not be
blank (its pixels are read back from a canvas)."""

from __future__ import annotations

from tests.playground.test_browser import (  # noqa: F401  (fixtures)
    expect,
    open_app_home,
    page,
    playground,
    run_command,
    screenshot,
)

SLUG = "spring-launch"

#: How many distinct colours the image has, drawn on a canvas (a blank image has one or two).
COLOURS = """img => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
}"""


async def loaded(image) -> dict:
    await expect(image).to_be_visible()
    await image.evaluate("img => img.complete ? null : new Promise(r => img.addEventListener('load', r))")
    return await image.evaluate(
        "img => ({complete: img.complete, width: img.naturalWidth, height: img.naturalHeight})"
    )


async def test_report_charts_and_the_home_chart_show_as_images(page):  # noqa: F811
    await page.click('#app-list [data-channel="app"]')
    await page.click('#tabs [data-pane="messages"]')
    await run_command(page, f"/campaign report {SLUG}")
    await page.click('#app-list [data-channel="app"]')
    await page.click('#tabs [data-pane="messages"]')
    # the report's 7 charts, the newest images of the DM: on a Monday the managers' digest, with
    # its own chart, may have come before them
    report = page.locator("#messages .msg:has(.file-image img)").last
    figures = report.locator(".file-image img")
    await expect(figures).to_have_count(7)
    first = figures.first
    size = await loaded(first)
    assert size == {"complete": True, "width": 720, "height": size["height"]} and size["height"] >= 500
    assert await first.evaluate(COLOURS) > 20  # text, axes and bars: not a blank picture
    assert "Incidents reported" in (await first.get_attribute("alt") or "")
    await screenshot(page, "20-report-charts-in-the-dm")

    await open_app_home(page)
    chart = page.locator("#home img.b-image-file")
    size = await loaded(chart)
    assert size["complete"] and size["width"] == 720 and 300 <= size["height"] <= 500
    assert await chart.evaluate(COLOURS) > 20
    await screenshot(page, "21-app-home-chart")
