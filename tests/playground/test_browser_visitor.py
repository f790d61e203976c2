"""What a first-time visitor meets in the browser playground: the guide on the first screen, the
sidebar's channel names read whole, and the app's answers (ephemeral messages) brought into view
even when the pane is scrolled up to a card."""

from __future__ import annotations

from playground import people
from tests.playground.test_browser import (  # noqa: F401  (fixtures)
    expect,
    page,
    playground,
    run_command,
    screenshot,
    switch_user,
)

EVE_CHANNEL = "cg-spring-launch-eve"


async def scroll_to_top(page) -> None:  # noqa: F811
    pane = page.locator("#messages")
    await pane.evaluate("n => { n.scrollTop = 0; n.dispatchEvent(new Event('scroll')); }")
    await expect(page.locator("#messages .chan-intro")).to_be_in_viewport()


async def test_the_first_screen_says_what_to_try_and_names_every_channel_whole(page):  # noqa: F811
    guide = page.locator("#guide")
    await expect(guide).to_be_visible()  # a first visit: the guide is open by itself
    await expect(guide).to_contain_text("/breach")
    await expect(guide).to_contain_text("Act as")
    await expect(guide).to_contain_text("+1 day")
    await screenshot(page, "visitor-00-guide")

    # Two shared channels differ only at the end of their names: both are read whole.
    for name in (EVE_CHANNEL, "cg-spring-launch-ivy"):
        item = page.locator(f'#channel-list [data-channel="{name}"]')
        await expect(item).to_have_attribute(
            "title", f"🔒 {name}" + (" · shared with another organisation" if "eve" in name else "")
        )
        label = item.locator(".side-name")
        await expect(label).to_have_text(name)
        clipped = await label.evaluate("n => n.scrollWidth > n.clientWidth + 1")
        assert not clipped, f"{name} is cut off in the sidebar"

    await guide.locator("#guide-close").click()
    await expect(guide).to_be_hidden()
    await page.reload()  # "Got it" is remembered
    await expect(page.locator("#me .me-name")).to_contain_text(people.MANAGER.real_name)
    await expect(guide).to_be_hidden()
    await page.click("#guide-btn")  # the top bar brings it back
    await expect(guide).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(guide).to_be_hidden()
    await page.click("#guide-btn")
    await page.click('#rail [data-name="Lee Legal"]')  # trying something puts it away
    await expect(guide).to_be_hidden()


async def test_the_apps_answer_to_a_click_or_command_comes_into_view(page):  # noqa: F811
    # Ivy scrolls up to the incident card and presses a brand-only button.
    await switch_user(page, people.INFLUENCER.real_name)
    await page.click('#channel-list [data-channel="cg-spring-launch-ivy"]')
    card = page.locator("#messages .msg", has_text="BR-1 ·").last
    await expect(card).to_be_visible()
    # the click scrolls the pane up to the card (and, unlike `scroll_into_view_if_needed`, tries
    # again if the pane re-renders the card meanwhile)
    await card.locator("button.el-btn", has_text="Propose resolution").click()
    refusal = page.locator("#messages .msg.ephemeral", has_text="can propose a resolution").last
    await expect(refusal).to_contain_text("Only visible to you")
    await expect(refusal).to_be_in_viewport()  # not left below the fold, out of sight
    await screenshot(page, "visitor-01-refusal-in-view")

    # Scrolled up again, a typed command's answer is in view too.
    await scroll_to_top(page)
    await run_command(page, "/campaign list")
    answer = page.locator("#messages .msg.ephemeral", has_text="spring-launch").last
    await expect(answer).to_be_in_viewport()

    # And what one writes oneself is shown: the pane goes to the newest message.
    await scroll_to_top(page)
    await run_command(page, "Checking the card again")
    mine = page.locator("#messages .msg", has_text="Checking the card again").last
    await expect(mine).to_be_in_viewport()
