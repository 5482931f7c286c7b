"""Street staff import a spreadsheet of sites: a bad row is shown, corrected, and the sites are registered."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from enterprises.models import Site
from tests.browser.conftest import log_in, review_shot
from tests.factories import credit_code

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread, so the data must be committed; the
    # seeded categories are restored for each test after the previous one's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
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


def upload(page, content: bytes) -> None:
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "望江路街道场所.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sites/import/\d+/$"))


def test_staff_import_shows_the_bad_row_then_commits_the_corrected_file(desktop_page, staff, grid, neighbour_grid):
    page = desktop_page
    log_in(page, staff)
    expect(page).to_have_url(re.compile(r"/sites/$"))

    page.locator("main a[href='/sites/import/']").click()
    expect(page).to_have_url(re.compile(r"/sites/import/$"))

    upload(page, workbook(GROCERY, SUPERMARKET_BAD, COURTYARD))

    errors = page.locator("[data-testid=import-errors] tbody tr")
    expect(errors).to_have_count(1)
    # Row 3 of the sheet (the header is row 1), the floor area column, and why: 450 is over 300.
    expect(errors.locator("th")).to_have_text("3")
    expect(errors.locator("td").nth(0)).to_have_text("建筑面积")
    expect(errors.locator("td").nth(1)).to_contain_text("450")
    expect(errors.locator("td").nth(1)).to_contain_text("300")
    expect(page.locator("[data-testid=import-counts] [data-count=bad]")).to_have_text("1")
    # Nothing can be committed, and nothing was saved.
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)
    assert not Site.objects.filter(name__in=NAMES).exists()
    review_shot(page, "import-preview-errors-1280")

    page.locator("main a[href='/sites/import/']").first.click()
    upload(page, workbook(GROCERY, SUPERMARKET_FIXED, COURTYARD))

    expect(page.locator("[data-testid=import-errors]")).to_have_count(0)
    expect(page.locator("[data-testid=import-counts] [data-count=create]")).to_have_text("3")
    assert not Site.objects.filter(name__in=NAMES).exists(), "the preview must not save anything"

    page.locator("form[action$='/commit/'] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/sites/import/\d+/$"))
    expect(page.locator(".messages .message-success")).to_be_visible()
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)

    page.locator("main a[href='/sites/']").first.click()
    expect(page).to_have_url(re.compile(r"/sites/$"))
    results = page.locator("#results")
    for name in NAMES:
        expect(results.get_by_role("link", name=name)).to_be_visible()
    supermarket_row = results.locator("tr", has=page.get_by_role("link", name=SUPERMARKET_FIXED[0]))
    expect(supermarket_row).to_contain_text("商场超市")
    expect(supermarket_row).to_contain_text("第二网格")
    review_shot(page, "registry-1280")

    courtyard = Site.objects.get(name=COURTYARD[0])
    assert courtyard.credit_code is None and courtyard.grid == grid
    assert Site.objects.get(name=SUPERMARKET_FIXED[0]).grid == neighbour_grid
