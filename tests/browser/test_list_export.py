"""A list's export follows the filters the list shows: changed without reloading the page (htmx), they
go with the download, on an office screen and on a phone."""

import io
import re

import openpyxl
import pytest
from playwright.async_api import expect

from enterprises.models import Site
from tests.browser.conftest import log_in, page_width, review_shot
from tests.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sites(grid, neighbour_grid):
    SiteFactory(grid=grid, name="望江兰庭便利店", address="郭家桥北街1号")
    SiteFactory(grid=neighbour_grid, name="川味小面馆", address="郭家桥北街5号")
    SiteFactory(grid=neighbour_grid, name="停业小卖部", address="郭家桥北街7号", status=Site.Status.SUSPENDED)


async def filter_and_download(page, staff) -> None:
    await log_in(page, staff)
    await page.goto("/sites/")
    link = page.get_by_test_id("export-link")
    await expect(link).to_have_text("导出 Excel")
    assert await page_width(page) <= page.viewport_size["width"]

    await page.locator("select[name=status]").select_option("suspended")
    await expect(page.get_by_test_id("result-count")).to_contain_text("1")
    await expect(link).to_have_attribute("href", re.compile(r"^/sites/export\.xlsx\?.*\bstatus=suspended\b"))
    await review_shot(page, f"registry-export-{page.viewport_size['width']}")

    async with page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename.startswith("场所台账-") and download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(await download.path(), "rb").read())).worksheets[0]  # noqa: ASYNC230, PTH123
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["停业小卖部"]


async def test_staff_filters_the_registry_and_downloads_those_sites_at_the_office(desktop_page, staff, sites):
    await filter_and_download(desktop_page, staff)


async def test_staff_filters_the_registry_and_downloads_those_sites_on_a_phone(phone_page, staff, sites):
    await filter_and_download(phone_page, staff)
