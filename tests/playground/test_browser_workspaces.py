"""Two workspaces in the browser playground: Acme (the demo) and Globex, a second customer of the
same deployment, installed through OAuth. The workspace switcher shows Globex with its own people,
channels, campaign and App Home and nothing of Acme's; a breach reported there is Globex's BR-1;
switching back returns to Acme as it was left."""

from __future__ import annotations

from sqlalchemy import select

from playground import people
from playground.app import Playground
from storage.models import Incident
from tests.playground.test_browser import (  # noqa: F401  (fixtures)
    expect,
    expect_text,
    fill_modal,
    modal,
    open_app_home,
    open_channel,
    page,
    playground,
    run_command,
    screenshot,
    submit_modal,
    switch_user,
)

ACME_ONLY = ("Spring Launch", "Acme Outdoor", "Ivy", "Maya")
GLOBEX_ONLY = ("Velo Week", "Globex Cycles", "Noor", "Grace")


async def switch_team(page, name: str) -> None:  # noqa: F811
    await page.click(f'#rail [data-team-name="{name}"]')
    await expect(page.locator("#team-head .team-name")).to_have_text(name)
    await expect(page.locator(f'#rail [data-team-name="{name}"]')).to_have_class("rail-team active")


async def shows_none_of(page, words: tuple[str, ...], where: str) -> None:  # noqa: F811
    for word in words:
        await expect(page.locator(where)).not_to_contain_text(word)


async def test_switch_to_the_second_workspace_report_there_and_back(playground: Playground, page):  # noqa: F811
    # Acme, the demo, first: Maya in the incident's shared channel.
    await expect(page.locator("#team-head .team-name")).to_have_text(people.TEAM_NAME)
    await expect(page.locator("#chan-header")).to_contain_text("cg-spring-launch-ivy")

    # Globex: its own people (Grace, its brand manager, first), its own channels.
    await switch_team(page, people.GLOBEX_NAME)
    await expect(page.locator("#me .me-name")).to_contain_text(people.GLOBEX_MANAGER.real_name)
    for person in people.GLOBEX_CAST:
        await expect(page.locator(f'#rail [data-name="{person.real_name}"]')).to_have_count(1)
    for person in people.CAST:
        await expect(page.locator(f'#rail [data-name="{person.real_name}"]')).to_have_count(0)
    await expect(page.locator('#channel-list [data-channel="cg-velo-week-noor"]')).to_have_count(1)
    await expect(page.locator('#channel-list [data-channel^="cg-spring-launch"]')).to_have_count(0)
    await shows_none_of(page, ("cg-spring-launch",), "#sidebar")

    # Its campaign: the guidelines Noor acknowledged in their shared channel, and her hello.
    await expect(page.locator("#chan-header")).to_contain_text("cg-velo-week-noor")
    await expect_text(page, "Velo Week 2027")
    await expect_text(page, "Acknowledged by @Noor")
    await expect_text(page, "the ride films start Monday")
    await shows_none_of(page, ACME_ONLY, "#messages")
    await screenshot(page, "30-globex-workspace")

    # /campaign list answers with Globex's campaign only.
    await run_command(page, "/campaign list")
    await expect_text(page, "velo-week")
    await shows_none_of(page, ("spring-launch", *ACME_ONLY), "#messages")

    # A breach reported in Globex: the form offers Globex's engagement only; the card is Globex's BR-1.
    await run_command(page, "/breach")
    await expect(modal(page)).to_contain_text("Report a breach")
    engagement = modal(page).locator('[data-action-id="report_engagement"]')
    await expect(engagement.locator("option:checked")).to_have_text("Velo Week 2027 · Noor")
    await shows_none_of(page, ACME_ONLY, "#modal-root")
    await fill_modal(
        page,
        {
            "Clause breached": "G1 ·",
            "What happened?": "The ride film preview went up without #ad.",
            "Evidence links": "https://youtube.example/watch?v=velo",
        },
    )
    await submit_modal(page)
    card = page.locator("#messages .msg", has_text="BR-1 ·").last
    await expect(card).to_contain_text("reported")
    await expect(card).to_contain_text("Velo Week 2027")
    await expect(card).to_contain_text("@Noor")
    await screenshot(page, "31-globex-br-1")

    # Noor, Globex's influencer, sees it in her channel and acknowledges it.
    await switch_user(page, people.GLOBEX_INFLUENCER.real_name)
    await open_channel(page, "cg-velo-week-noor")
    await card.locator("button.el-btn", has_text="Acknowledge").first.click()
    await expect(card).to_contain_text("acknowledged")

    # Grace's App Home is Globex's: its incident, none of Acme's campaign or people.
    await switch_user(page, people.GLOBEX_MANAGER.real_name)
    await open_app_home(page)
    await expect(page.locator("#home")).to_contain_text("BR-1")
    await shows_none_of(page, ACME_ONLY, "#home")

    # Back to Acme: Maya where she was, Acme's BR-1 only, nothing of Globex anywhere.
    await switch_team(page, people.TEAM_NAME)
    await expect(page.locator("#me .me-name")).to_contain_text(people.MANAGER.real_name)
    await expect(page.locator("#chan-header")).to_contain_text("cg-spring-launch-ivy")
    await expect_text(page, "BR-1 · G1")
    await expect_text(page, "Spring Launch 2027")
    await shows_none_of(page, GLOBEX_ONLY, "#messages")
    await shows_none_of(page, ("cg-velo-week", *GLOBEX_ONLY), "#sidebar")
    await shows_none_of(page, GLOBEX_ONLY, "#rail")
    await open_app_home(page)
    await expect(page.locator("#home")).to_contain_text("BR-1")
    await shows_none_of(page, GLOBEX_ONLY, "#home")
    await screenshot(page, "32-back-to-acme")

    # And to Globex again: Grace where she left it.
    await switch_team(page, people.GLOBEX_NAME)
    await expect(page.locator("#me .me-name")).to_contain_text(people.GLOBEX_MANAGER.real_name)
    await expect(page.locator("#home")).to_contain_text("BR-1")

    # Each workspace has its own BR-1 in the bot's database.
    async with playground.bot.services.db.transaction() as s:
        incidents = (await s.exec(select(Incident.team_id, Incident.number))).all()
    assert sorted(incidents) == [(people.TEAM_ID, 1), (people.GLOBEX_TEAM_ID, 1)]
