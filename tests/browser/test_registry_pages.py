"""The registry as its users see it: the list on a phone, the grouped site form on an office screen."""

import re

import pytest
from playwright.async_api import expect

from enterprises.models import Site
from tests.browser.conftest import log_in, page_width, review_shot
from tests.factories import SiteFactory, category, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


@pytest.fixture
def many_sites(grid, neighbour_grid):
    return [
        SiteFactory(
            grid=(grid, neighbour_grid)[n % 2],
            name=f"望江路街道第{n}号综合商业服务有限公司门店",
            address=f"成都市武侯区望江路街道郭家桥北街{n}号附{n}号",
        )
        for n in range(12)
    ]


async def test_registry_list_reads_as_cards_on_a_phone(phone_page, grid_worker, many_sites):
    page = phone_page
    await log_in(page, grid_worker)
    await page.goto("/sites/")
    rows = page.locator("#results tbody tr")
    await expect(rows.first).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    # Each site is one card: name and address are readable lines, not a character per line.
    first = rows.first
    name_cell = first.locator("td.cell-name")
    box = await name_cell.bounding_box()
    assert box is not None and box["width"] > 300
    # The whole list of a page fits in a phone's reach, not 11,000 px of one-character lines.
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height < 200 * await rows.count() + 1500
    await review_shot(page, "registry-360")


@pytest.fixture
def restaurant():
    return category("RM03")


async def test_staff_fills_in_the_grouped_form_and_sees_the_file(desktop_page, staff, grid, restaurant):
    page = desktop_page
    await log_in(page, staff)
    await page.goto("/sites/new/")
    legends = page.locator("fieldset legend")
    await expect(legends).to_have_count(5)
    await review_shot(page, "site-form-1366")

    await page.locator("#id_name").fill("  锦江小厨  ")
    # Lower case with spaces, as typed from a licence; the service writes it the registry's way.
    code = credit_code(31337)
    await page.locator("#id_credit_code").fill(f"{code[:6]} {code[6:]}".lower())
    await page.locator("#id_category").select_option(str(restaurant.pk))
    await page.locator("#id_grid").select_option(str(grid.pk))
    await page.locator("#id_address").fill("望江路8号")
    await page.locator("#id_latitude").fill("91")
    await page.locator("#id_responsible_person").fill("李四")
    await page.locator("#id_responsible_phone").fill("+86 139 0013 9000")
    await page.locator("form.site-form button[type=submit]").click()

    # Latitude 91 is refused beside its field; nothing else is lost.
    error = page.locator("[data-field=latitude] .errorlist")
    await expect(error).to_be_visible()
    await expect(page.locator("#id_name")).to_have_value(re.compile("锦江小厨"))
    await review_shot(page, "site-form-error-1366")

    await page.locator("#id_latitude").fill("30.6312345")
    await page.locator("form.site-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/sites/\d+/$"))
    site = await Site.objects.aget(name="锦江小厨")
    assert site.credit_code == code and site.responsible_phone == "13900139000" and str(site.latitude) == "30.631235"


async def test_site_form_fits_a_phone(phone_page, staff):
    page = phone_page
    await log_in(page, staff)
    await page.goto("/sites/new/")
    await expect(page.locator("fieldset legend").first).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "site-form-360")
