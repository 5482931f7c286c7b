"""A grid worker on a phone finds a site of their grid, opens its file and its QR tag."""

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import log_in, page_width, review_shot
from tests.factories import SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.anyio,
    # The server reads the data from its own connections: it must be committed.
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 360


@pytest.fixture
def noodle_bar(site):
    return SiteFactory(grid=site.grid, name="兰州牛肉面", address="郭家桥南街8号")


async def test_grid_worker_finds_a_site_and_opens_its_file_and_qr_tag(
    phone_page, grid_worker, site, noodle_bar, neighbour_site, far_site
):
    page = phone_page

    await log_in(page, grid_worker)

    # The home page sends a grid worker to their tasks; their grid is in the menu.
    await expect(page).to_have_url(re.compile(r"/inspections/tasks/$"))
    await page.locator(".app-menu > summary").click()
    await page.locator(".app-menu").get_by_role("link", name="我的网格").click()
    await expect(page).to_have_url(re.compile(r"/sites/my-grid/$"))
    results = page.locator("#results")
    await expect(results.get_by_role("link", name=site.name)).to_be_visible()
    await expect(results.get_by_role("link", name=noodle_bar.name)).to_be_visible()
    # Sites of another grid, in the same community or not, are not theirs to see.
    await expect(results.get_by_text(neighbour_site.name)).to_have_count(0)
    await expect(results.get_by_text(far_site.name)).to_have_count(0)
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "my-grid-360")

    # A marker on the window survives only if the search swaps #results without reloading the page.
    await page.evaluate("window.__beforeSearch = true")
    await page.locator("input[name=q]").press_sequentially("兰庭", delay=50)
    await expect(results.locator(".site-cards li")).to_have_count(1)
    await expect(results.get_by_role("link", name=site.name)).to_be_visible()
    await expect(results.get_by_text(noodle_bar.name)).to_have_count(0)
    await expect(page).to_have_url(re.compile(r"/sites/my-grid/\?q="))
    assert await page.evaluate("window.__beforeSearch === true"), "the search reloaded the page instead of updating the results"

    # Searching for a neighbour grid's site by name finds nothing.
    await page.locator("input[name=q]").fill(neighbour_site.name)
    await expect(results.locator(".empty-state")).to_be_visible()
    await expect(results.get_by_text(neighbour_site.name)).to_have_count(0)

    await page.locator("input[name=q]").fill("兰庭")
    await results.get_by_role("link", name=site.name).click()

    await expect(page).to_have_url(re.compile(rf"/sites/{site.pk}/$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(site.name)
    await expect(page.locator("section#profile")).to_be_visible()
    await expect(page.locator("section#profile")).to_contain_text(site.address)
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "site-file-360")

    await page.locator(f'a[href="/sites/{site.pk}/qr/"]').click()

    await expect(page).to_have_url(re.compile(rf"/sites/{site.pk}/qr/$"))
    tag = page.locator("[data-testid=qr-tag]")
    await expect(tag.locator("svg")).to_be_visible()
    await expect(tag).to_contain_text(site.name)
    # The code is drawn inside the tag, not cut off by the narrow screen.
    box = await tag.locator("svg").bounding_box()
    assert box is not None and box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "site-qr-360")


async def test_grid_worker_cannot_open_the_file_of_another_grid(phone_page, grid_worker, neighbour_site):
    page = phone_page
    await log_in(page, grid_worker)

    response = await page.goto(f"/sites/{neighbour_site.pk}/")

    assert response is not None and response.status == 404
    await expect(page.get_by_text(neighbour_site.name)).to_have_count(0)
