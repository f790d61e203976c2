"""The playground in real headless Chromium: the whole breach story, clicked in a browser.

The playground runs in-process (bot + emulated Slack + UI on one free port, temporary SQLite,
the demo seed played through the bot as on a fresh `make run`); Playwright drives Debian's
Chromium (never a downloaded browser). Screenshots of every step go to `test-artifacts/`; with
`UPDATE_README_SCREENSHOT=1` the first screen also replaces the README's `docs/playground.png`
(a test run never changes a tracked file otherwise).

The story: the first screen (the seeded incident's mediation thread); a new campaign through its
modal (with a field error); Ivy invited, acknowledging, replying in a thread; a deliverable with a
due time; as the brand manager a breach reported through `/breach` and its modal (the engagement
select updates the clause list); the card and its thread; as Ivy, Acknowledge and Respond; back as
the manager, the Escalate confirm dialog (cancelled), Resolve, a shared review; the clock moved a
day at a time until the deliverable's reminders arrive; App Home with its emoji, its "Log review"
button opening the form; `/breach export`'s CSV shared in the app's DM and downloaded.

Helpers for extending it: `run_command`, `fill_modal`, `submit_modal`, `click_button`,
`card_button`, `switch_user`, `open_channel`, `open_thread`, `open_app_home`, `reply_in_thread`,
`advance_clock`, `expect_text`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from playground import people
from playground.app import Playground, start_playground, stop_playground

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="the playwright package is not installed (pip install -e '.[dev]')"
)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is not installed (apt-get install chromium); .ci/run installs it",
)
expect = playwright_api.expect


@pytest.fixture
async def playground(sqlite_template, tmp_path) -> AsyncIterator[Playground]:
    settings = Settings(database_url=sqlite_template.fresh(tmp_path), _env_file=None)
    pg, runner = await start_playground(  # seeded, as `make run` on a fresh database
        settings, "127.0.0.1", 0, persist=False, progress=lambda _line: None
    )
    try:
        yield pg
    finally:
        await stop_playground(pg, runner)


@pytest.fixture
async def page(playground: Playground):
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"{playground.url}/")
        await expect(page.locator("#me .me-name")).to_contain_text(people.MANAGER.real_name)
        try:
            yield page
        finally:
            await browser.close()
        assert not errors, f"JavaScript errors in the page: {errors}"


# ------------------------------------------------------------------------------- helpers


async def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path


async def switch_user(page, name: str) -> None:
    await page.click(f'#rail [data-name="{name}"]')
    await expect(page.locator("#me .me-name")).to_contain_text(name)


async def open_channel(page, name: str) -> None:
    await page.click(f'#channel-list [data-channel="{name}"]')
    await expect(page.locator("#chan-header")).to_contain_text(name)


async def open_app_home(page) -> None:
    await page.click('#app-list [data-channel="app"]')
    await page.click('#tabs [data-pane="home"]')
    await expect(page.locator("#home .view-body")).to_be_visible()


async def run_command(page, text: str) -> None:
    """Type a slash command (or a message) in the main composer and press Enter."""
    composer = page.locator("#composer-input")
    await composer.fill(text)
    await composer.press("Enter")


async def expect_text(page, text: str, where: str = "#messages") -> None:
    await expect(page.locator(where)).to_contain_text(text)


def modal(page):
    return page.locator("#modal-root .modal")


async def fill_modal(page, values: dict[str, str]) -> None:
    """Fill modal inputs by label: text inputs and pickers take the text (dates `YYYY-MM-DD`,
    date-times `YYYY-MM-DDTHH:MM` in the viewer's zone); selects take (part of) an option's label."""
    await expect(modal(page)).to_be_visible()
    for label, value in values.items():
        block = modal(page).locator(".b-input", has=page.locator(".b-label", has_text=label)).first
        control = block.locator("[data-action-id]").first
        tag = await control.evaluate("node => node.tagName")
        if tag == "SELECT":
            options = await control.locator("option").evaluate_all(
                "nodes => nodes.map(n => [n.value, n.textContent])"
            )
            chosen = next(v for v, text in options if value.lower() in text.lower() or value == v)
            await control.select_option(chosen)
        elif tag == "DIV":  # checkboxes / radio buttons
            await control.locator("label", has_text=value).locator("input").check()
        else:
            await control.fill(value)


async def submit_modal(page, *, expect_closed: bool = True) -> None:
    await modal(page).locator(".modal-submit").click()
    if expect_closed:
        await expect(modal(page)).to_have_count(0)


async def click_button(page, text: str, where: str = "#messages") -> None:
    await page.locator(where).locator("button.el-btn", has_text=text).last.click()


async def reply_in_thread(page, message_text: str, reply: str) -> None:
    message = page.locator("#messages .msg", has_text=message_text).last
    await message.hover()
    await message.locator('.msg-hover [aria-label="Reply in thread"]').click()
    await expect(page.locator("#thread")).to_be_visible()
    box = page.locator("#thread-input")
    await box.fill(reply)
    await box.press("Enter")
    await expect_text(page, reply, "#thread-messages")


async def advance_clock(page, label: str = "+1 day") -> None:
    before = await page.locator("#clock-label").text_content()
    await page.locator("#clock .clock-btn", has_text=label).click()
    await expect(page.locator("#clock-label")).not_to_have_text(before or "")


async def card_button(page, card: str, text: str) -> None:
    """Press a button of the message whose text contains `card` (e.g. an incident card's "BR-2 ·")."""
    message = page.locator("#messages .msg", has_text=card).last
    await message.locator("button.el-btn", has_text=text).first.click()


async def open_thread(page, message_text: str) -> None:
    message = page.locator("#messages .msg", has_text=message_text).last
    await message.locator(".thread-summary").click()
    await expect(page.locator("#thread")).to_be_visible()


def local_input(playground: Playground, person, delta: timedelta) -> str:
    """A date-time input's value (`YYYY-MM-DDTHH:MM`, the person's zone) `delta` from the playground's now."""
    when = (playground.clock.now() + delta).astimezone(ZoneInfo(person.tz))
    return when.strftime("%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------------- story


async def test_the_story_in_the_browser(playground: Playground, page):
    card = page.locator("#messages .msg", has_text="BR-2 ·").last
    thread = "#thread-messages"

    # The first screen: the demo's open incident (BR-1) in the shared channel, its mediation thread open.
    await expect(page.locator("#chan-header")).to_contain_text("cg-spring-launch-ivy")
    await expect_text(page, "BR-1 · G1")
    await expect_text(page, "Yes, will do today", thread)
    await expect(page.locator("#messages .msg", has_text="BR-1 ·").last).to_be_in_viewport()
    shot = await screenshot(page, "00-first-screen")
    if os.environ.get("UPDATE_README_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / "docs" / "playground.png")  # the README's picture

    # The brand manager creates a campaign with /campaign new (a bad slug first: a field error).
    await run_command(page, "/campaign new")
    await fill_modal(
        page,
        {
            "Campaign name": "Summer Drop",
            "Short name": "Summer Drop!",
            "Brand": "Acme <Outdoor>",
            "End date": "2099-08-31",
            "Escalation channel": "legal",
        },
    )
    await submit_modal(page, expect_closed=False)  # the bot answers with a field error
    await expect(modal(page).locator(".b-error")).to_contain_text("lowercase letters, digits or hyphens")
    await expect(modal(page).locator('[data-action-id="name"]')).to_have_value("Summer Drop")  # kept
    await screenshot(page, "01-modal-field-error")
    await fill_modal(page, {"Short name": "summer"})
    await submit_modal(page)

    # Invite Ivy: the shared channel appears with the guidelines.
    await run_command(page, "/campaign invite summer @ivy")
    await open_channel(page, "cg-summer-ivy")
    await expect_text(page, "I acknowledge these guidelines")
    await expect_text(page, "Acme <Outdoor>")  # escaped by the bot, shown as characters by the UI

    # Ivy sees the shared channel, acknowledges, and answers in a thread.
    await switch_user(page, people.INFLUENCER.real_name)
    await open_channel(page, "cg-summer-ivy")
    await click_button(page, "I acknowledge these guidelines")
    await expect_text(page, "Acknowledged by @Ivy")
    await reply_in_thread(page, "Acknowledged by", "Read them all <b>twice</b> & agreed!")
    await screenshot(page, "02-influencer-acknowledged")
    # Text typed by a user is shown, never run: nothing executes, the tags read as text.
    await run_command(page, '<img src=x onerror="window.__xss=1"> hello')
    await expect_text(page, '<img src=x onerror="window.__xss=1"> hello')
    assert await page.evaluate("window.__xss === undefined")

    # Back to the manager: a deliverable due in a day and half an hour (date-time in her zone).
    await switch_user(page, people.MANAGER.real_name)
    await open_channel(page, "cg-summer-ivy")
    await run_command(page, "/campaign deliverable summer")
    await fill_modal(
        page,
        {
            "Influencer": "Ivy",
            "Title": "Teaser reel",
            "Platform": "TikTok",
            "Due": local_input(playground, people.MANAGER, timedelta(hours=24, minutes=30)),
        },
    )
    await submit_modal(page)
    await expect_text(page, "Teaser reel")

    # She reports a breach through /breach: typed in Ivy's shared channel, it starts on that
    # engagement, with that campaign's clauses only.
    await run_command(page, "/breach")
    await expect(modal(page)).to_contain_text("Report a breach")
    clauses = modal(page).locator('[data-action-id="guideline"]')
    engagement = modal(page).locator('[data-action-id="report_engagement"]')
    await expect(engagement.locator("option:checked")).to_have_text("Summer Drop · Ivy")
    await expect(clauses.locator("optgroup")).to_have_count(0)
    await expect(clauses.locator("option", has_text="G8")).to_have_count(1)
    await fill_modal(
        page,
        {
            "Clause breached": "G1 ·",
            "What happened?": "The teaser went up with #collab only, no #ad.",
            "Evidence links": "https://tiktok.example/@ivy/video/42",
        },
    )
    await screenshot(page, "03-breach-modal")
    await submit_modal(page)
    await expect(card).to_contain_text("reported")
    await expect(card).to_contain_text("https://tiktok.example/@ivy/video/42")
    await open_thread(page, "BR-2 ·")
    await expect_text(page, "this thread is the mediation of BR-2", thread)
    await screenshot(page, "04-incident-card-and-thread")

    # Ivy acknowledges, then responds through the modal.
    await switch_user(page, people.INFLUENCER.real_name)
    await open_channel(page, "cg-summer-ivy")
    await card_button(page, "BR-2 ·", "Acknowledge")
    await expect(card).to_contain_text("acknowledged")
    await card_button(page, "BR-2 ·", "Respond")
    await expect(modal(page)).to_contain_text("What was reported")
    await fill_modal(page, {"Your statement": "Sorry! I have added #ad at the start of the caption."})
    await screenshot(page, "05-influencer-responds")
    await submit_modal(page)
    await expect(card).to_contain_text("in mediation")
    await open_thread(page, "BR-2 ·")
    await expect_text(page, "I have added #ad at the start", thread)
    await screenshot(page, "06-influencer-responded")

    # The card speaks to each side: Ivy's row and the brand team's row, each labelled.
    await expect(card).to_contain_text("For @Ivy")
    await expect(card).to_contain_text("For the brand team")

    # The manager: Escalate asks why first (a form); cancelled, nothing is sent.
    await switch_user(page, people.MANAGER.real_name)
    await open_channel(page, "cg-summer-ivy")
    await card_button(page, "BR-2 ·", "Escalate")
    await expect(modal(page)).to_contain_text("Why does this need legal?")
    await expect(modal(page)).to_contain_text("goes to the campaign's escalation channel")
    await screenshot(page, "07-escalate-asks-why")
    await modal(page).locator(".modal-foot .el-btn").first.click()
    await expect(modal(page)).to_have_count(0)
    await expect(card).to_contain_text("in mediation")

    # She resolves it: the form shows Ivy's standing; outcome, strikes, note.
    await card_button(page, "BR-2 ·", "Resolve")
    await expect(modal(page)).to_contain_text("across campaigns (in good standing)")
    await fill_modal(
        page, {"Outcome": "Warning", "Strikes": "1 strike", "Note": "First warning; fixed quickly."}
    )
    await screenshot(page, "08-resolve-modal")
    await submit_modal(page)
    await expect(card).to_contain_text("resolved")
    await expect(card.locator("button.el-btn")).to_have_count(0)  # a closed incident has no buttons
    await open_thread(page, "BR-2 ·")
    await expect_text(page, "Resolved by @Maya: Warning, 1 strike.", thread)
    await expect(page.locator(thread)).not_to_contain_text("First warning")  # the brand's own note
    await screenshot(page, "09-resolved")

    # A review shared with Ivy (radio buttons and a checkbox).
    await run_command(page, "/review")
    await fill_modal(
        page,
        {
            "Influencer and campaign": "Summer Drop · Ivy",
            "Conduct": "4 · ",
            "Communication": "5 · ",
            "Timeliness": "5 · ",
            "Content quality": "4 · ",
            "Would you work with them again?": "Yes",
            "Follow-up and visibility": "Share with the influencer",
        },
    )
    await screenshot(page, "10-review-modal")
    await submit_modal(page)
    await expect_text(page, "shared a review of your work on *Summer Drop*".replace("*", ""))

    # Time moves on: an hour later the deliverable is due in 24 hours; a day later, it is due now.
    await advance_clock(page, "+1 h")
    await expect(page.locator("#clock-offset")).to_contain_text("1 h")
    await expect_text(page, "Teaser reel (tiktok) is due")
    await expect_text(page, "in 24 hours")
    await screenshot(page, "11-reminder-due-in-24-h")
    await advance_clock(page, "+1 day")
    await expect(page.locator("#clock-offset")).to_contain_text("1 d 1 h")
    await expect_text(page, "Teaser reel (tiktok) is due now")
    last = page.locator("#messages .msg").last
    await expect(last).to_be_in_viewport()  # the pane follows the newest message
    await screenshot(page, "12-reminder-due-now")

    # The App Home renders whatever the bot publishes, emoji as emoji (:rotating_light: → 🚨).
    await open_app_home(page)
    await expect(page.locator("#home")).to_contain_text("BR-1")
    await expect(page.locator("#home")).to_contain_text("🚨 Open incidents")
    await expect(page.locator("#home")).not_to_contain_text(":rotating_light:")
    await screenshot(page, "13-app-home")

    # Home's "Log review" (a button without a value) opens the review form.
    await page.locator(
        '#home [data-block-id="home_brand_actions"] button.el-btn', has_text="Log review"
    ).click()
    await expect(modal(page)).to_contain_text("Log a review")
    await screenshot(page, "14-log-review-from-home")
    await modal(page).locator(".modal-foot .el-btn").first.click()
    await expect(modal(page)).to_have_count(0)

    # /breach export: the CSV arrives in the app's DM as a file, and downloads from the browser.
    await run_command(page, "/breach export")
    await page.click('#tabs [data-pane="messages"]')
    shared = page.locator("#messages .msg", has=page.locator(".file-card")).last
    await expect(shared).to_contain_text("📊")  # :bar_chart: in the bot's comment
    link = shared.locator("a.file-name")
    await expect(link).to_contain_text("incidents-all-")
    await screenshot(page, "15-export-in-the-dm")
    async with page.expect_download() as fetched:
        await link.click()
    download = await fetched.value
    assert download.suggested_filename.startswith("incidents-all-")
    csv_text = await asyncio.to_thread(Path(await download.path()).read_text, encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("number,") and "BR-2" in csv_text
