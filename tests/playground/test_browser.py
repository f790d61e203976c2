"""The playground in real headless Chromium: the story as far as the product goes, clicked in a browser.

The playground runs in-process (bot + emulated Slack + UI on one free port, temporary SQLite);
Playwright drives Debian's Chromium (never a downloaded browser). Screenshots go to
`test-artifacts/` and the README's picture to `docs/playground.png`.

To extend the story (breach incident, reminders): use the helpers below — `run_command`,
`fill_modal`, `submit_modal`, `click_button`, `switch_user`, `open_channel`, `open_app_home`,
`reply_in_thread`, `advance_clock`, `expect_text`.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from playground import people
from playground.app import Playground, start_playground

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
    pg, runner = await start_playground(
        settings, "127.0.0.1", 0, persist=False, seed_if_empty=False, progress=lambda _line: None
    )
    try:
        yield pg
    finally:
        await runner.cleanup()
        await pg.bot.close()


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


# --------------------------------------------------------------------------------- story


async def test_campaign_story_in_the_browser(playground: Playground, page):
    # The brand manager starts on the app's Home tab and creates a campaign with /campaign new.
    await expect(page.locator("#tabs .tab.active")).to_have_text("Home")
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
    await submit_modal(page, expect_closed=False)  # a bad slug: the bot answers with a field error
    await expect(modal(page).locator(".b-error")).to_contain_text("lowercase letters, digits or hyphens")
    await expect(modal(page).locator('[data-action-id="name"]')).to_have_value("Summer Drop")  # kept
    await screenshot(page, "01-modal-field-error")
    await fill_modal(page, {"Short name": "summer"})
    await submit_modal(page)
    await page.click('#tabs [data-pane="messages"]')
    await expect_text(page, "Summer Drop")

    # Invite Ivy: the shared channel appears with the guidelines.
    await run_command(page, "/campaign invite summer @ivy")
    await open_channel(page, "cg-summer-ivy")
    await expect_text(page, "I acknowledge these guidelines")
    await expect_text(page, "Acme <Outdoor>")  # escaped by the bot, shown as characters by the UI

    # Ivy sees the shared channel, acknowledges, and answers in a thread.
    await switch_user(page, people.INFLUENCER.real_name)
    await expect(page.locator('#channel-list [data-channel="cg-summer-ivy"]')).to_be_visible()
    await open_channel(page, "cg-summer-ivy")
    await click_button(page, "I acknowledge these guidelines")
    await expect_text(page, "Acknowledged by @Ivy")
    await reply_in_thread(page, "Acknowledged by", "Read them all <b>twice</b> & agreed!")
    await screenshot(page, "02-influencer-acknowledged")

    # Text typed by a user is shown, never run: nothing executes, the tags read as text.
    await run_command(page, '<img src=x onerror="window.__xss=1"> hello')
    await expect_text(page, '<img src=x onerror="window.__xss=1"> hello')
    assert await page.evaluate("window.__xss === undefined")

    # Back to the brand manager: the acknowledgement and the thread are there.
    await switch_user(page, people.MANAGER.real_name)
    await open_channel(page, "cg-summer-ivy")
    await expect_text(page, "Acknowledged by @Ivy")
    await expect_text(page, "1 reply")
    await page.locator("#messages .thread-summary").first.click()
    await expect_text(page, "Read them all <b>twice</b> & agreed!", "#thread-messages")

    shot = await screenshot(page, "03-manager-thread")
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copyfile(shot, ROOT / "docs" / "playground.png")  # the README's picture

    # Time moves on.
    await advance_clock(page, "+1 day")
    await expect(page.locator("#clock-offset")).to_contain_text("1 d")
    await screenshot(page, "04-clock-advanced")

    # The App Home renders whatever the bot publishes.
    await open_app_home(page)
    await screenshot(page, "05-app-home")
