"""The header gives a phone's screen to the page: one line with the brand and a menu that opens
without script, every link in it a 44 px target; an office screen shows the whole header."""

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, log_in, page_width
from tests.browser.inspection_steps import TAP

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]
# One line: the 44 px menu button and a little air.
PHONE_HEADER_MAX = 56


async def test_on_a_phone_the_header_is_one_line_with_a_menu(phone_page, grid_worker, site):
    page = phone_page
    await log_in(page, grid_worker)
    header = page.locator("header.app-header")
    menu = page.locator(".app-menu")
    paths = ("/inspections/tasks/", "/sites/my-grid/", f"/sites/{site.pk}/", "/hazards/", f"/inspections/new/?site={site.pk}")
    for path in paths:
        await page.goto(path)
        box = await header.bounding_box()
        assert box is not None and box["height"] <= PHONE_HEADER_MAX, (path, box)
        assert await page_width(page) <= PHONE_WIDTH, path
        await expect(menu.get_by_role("link", name="我的网格")).to_be_hidden()

        await menu.locator("summary").click()
        links = menu.locator(".app-nav a")
        await expect(links.first).to_be_visible()
        for index in range(await links.count()):
            link = await links.nth(index).bounding_box()
            assert link is not None and link["height"] >= TAP, (path, await links.nth(index).inner_text())
        for target in ("summary", "[data-testid=notifications]", "button[type=submit]"):
            target_box = await menu.locator(target).first.bounding_box()
            assert target_box is not None and target_box["height"] >= TAP, (path, target)
        await expect(page.get_by_test_id("user-name")).to_have_text(grid_worker.display_name)
        await expect(page.get_by_test_id("user-scope")).to_be_visible()
        assert await page_width(page) <= PHONE_WIDTH, path
        await menu.locator("summary").click()
        await expect(menu.get_by_role("link", name="我的网格")).to_be_hidden()


async def test_an_office_screen_shows_the_whole_header(desktop_page, staff):
    page = desktop_page
    await log_in(page, staff)
    await page.goto("/sites/")
    await expect(page.locator(".app-menu > summary")).to_be_hidden()
    await expect(page.locator(".app-nav").get_by_role("link", name="场所台账")).to_be_visible()
    await expect(page.get_by_test_id("user-name")).to_be_visible()
    await expect(page.get_by_test_id("notifications")).to_be_visible()
    box = await page.locator("header.app-header").bounding_box()
    assert box is not None and box["height"] <= 120
