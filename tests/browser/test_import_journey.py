"""Street staff import a spreadsheet of sites: a bad row is shown, corrected, and the sites are registered."""

import io
import re

import openpyxl
import pytest
from playwright.async_api import expect

from enterprises.models import Site
from tests.browser.conftest import log_in, review_shot
from tests.factories import credit_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.anyio,
    # The server reads the data from its own connections: it must be committed.
    pytest.mark.django_db(transaction=True),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["名称", "统一社会信用代码", "类别", "网格", "地址", "负责人", "负责人电话", "建筑面积"]
GROCERY = ["锦江副食店", credit_code(700001), "XS01", "第一网格", "郭家桥北街12号", "李梅", "13900139001", 80]
# A shop of 450 m² is beyond the 300 m² of the 小商店 category (九小场所): the bad row, row 3 of the sheet.
SUPERMARKET_BAD = ["红星超市", credit_code(700002), "小商店", "第二网格", "郭家桥南街3号", "陈刚", "13900139002", 450]
SUPERMARKET_FIXED = [*SUPERMARKET_BAD[:2], "商场超市", *SUPERMARKET_BAD[3:]]
# A residential courtyard has no credit code.
COURTYARD = ["郭家桥北街5号院", None, "居民院落", "望江社区 第一网格", "郭家桥北街5号", "周敏", "13900139003", None]
NAMES = [GROCERY[0], SUPERMARKET_BAD[0], COURTYARD[0]]


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(page, content: bytes) -> None:
    await page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "望江路街道场所.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    await page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/sites/import/\d+/$"))


async def test_staff_import_shows_the_bad_row_then_commits_the_corrected_file(desktop_page, staff, grid, neighbour_grid):
    page = desktop_page
    await log_in(page, staff)
    await expect(page).to_have_url(re.compile(r"/overview/$"))
    await page.goto("/sites/")

    await page.locator("main a[href='/sites/import/']").click()
    await expect(page).to_have_url(re.compile(r"/sites/import/$"))

    await upload(page, workbook(GROCERY, SUPERMARKET_BAD, COURTYARD))

    errors = page.locator("[data-testid=import-errors] tbody tr")
    await expect(errors).to_have_count(1)
    # Row 3 of the sheet (the header is row 1), the floor area column, and why: 450 is over 300.
    await expect(errors.locator("th")).to_have_text("3")
    await expect(errors.locator("td").nth(0)).to_have_text("建筑面积")
    await expect(errors.locator("td").nth(1)).to_contain_text("450")
    await expect(errors.locator("td").nth(1)).to_contain_text("300")
    await expect(page.locator("[data-testid=import-counts] [data-count=bad]")).to_have_text("1")
    # Nothing can be committed, and nothing was saved.
    await expect(page.locator("form[action$='/commit/']")).to_have_count(0)
    assert not await Site.objects.filter(name__in=NAMES).aexists()
    await review_shot(page, "import-preview-errors-1366")

    await page.locator("main a[href='/sites/import/']").first.click()
    await upload(page, workbook(GROCERY, SUPERMARKET_FIXED, COURTYARD))

    await expect(page.locator("[data-testid=import-errors]")).to_have_count(0)
    await expect(page.locator("[data-testid=import-counts] [data-count=create]")).to_have_text("3")
    assert not await Site.objects.filter(name__in=NAMES).aexists(), "the preview must not save anything"

    await page.locator("form[action$='/commit/'] button[type=submit]").click()

    await expect(page).to_have_url(re.compile(r"/sites/import/\d+/$"))
    await expect(page.locator(".messages .message-success")).to_be_visible()
    await expect(page.locator("form[action$='/commit/']")).to_have_count(0)

    await page.locator("main a[href='/sites/']").first.click()
    await expect(page).to_have_url(re.compile(r"/sites/$"))
    results = page.locator("#results")
    for name in NAMES:
        await expect(results.get_by_role("link", name=name)).to_be_visible()
    supermarket_row = results.locator("tr", has=page.get_by_role("link", name=SUPERMARKET_FIXED[0]))
    await expect(supermarket_row).to_contain_text("商场超市")
    await expect(supermarket_row).to_contain_text("第二网格")
    await review_shot(page, "registry-1366")

    courtyard = await Site.objects.aget(name=COURTYARD[0])
    assert courtyard.credit_code is None and courtyard.grid_id == grid.pk
    assert (await Site.objects.aget(name=SUPERMARKET_FIXED[0])).grid_id == neighbour_grid.pk
