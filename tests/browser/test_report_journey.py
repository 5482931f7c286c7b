"""Street staff request the street's safety report from the overview, follow its building in the background
and download the PDF; the reports page fits a phone."""

import io
import re

import pytest
from playwright.async_api import expect
from pypdf import PdfReader

from hazards import services as hazards
from tests.browser.conftest import DESKTOP, PHONE, _close, _new_page, log_in, page_width, review_shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.anyio,
    # The server and the worker read the data from their own connections: it must be committed.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def street_with_a_hazard(site, neighbour_site, far_site, staff):
    hazards.hazard_raise(site=site, acting_user=staff, description="疏散通道堵塞")


@pytest.fixture
def background_server(start_asgi_server):
    """A server on which every street is large: its reports are built by the worker, the page polls."""
    return start_asgi_server(REPORT_BACKGROUND_SITES="0")


async def test_staff_request_the_street_report_watch_it_built_and_download_it(
    request, browser, background_server, celery_worker, staff, street_with_a_hazard
):
    context, page = await _new_page(browser, background_server, DESKTOP)
    try:
        await log_in(page, staff)
        await expect(page).to_have_url(re.compile(r"/overview/$"))
        await page.locator("[data-testid=reports-link]").click()
        await expect(page).to_have_url(re.compile(r"/reports/$"))

        form = page.locator("[data-testid=report-form]")
        await form.locator("select[name=unit]").select_option(label="望江路街道")
        await form.locator("select[name=quarter]").select_option(value="")
        await form.locator("input[name=format][value=pdf]").check()
        await form.locator("button[type=submit]").click()

        await expect(page.locator(".messages")).to_contain_text("报告正在生成")
        row = page.locator("[data-testid=report-list] tbody tr").first
        await expect(row).to_contain_text("望江路街道")
        # The row asks the server again until the worker has built the report, then offers it.
        download_link = row.locator("[data-testid=report-download]")
        await expect(download_link).to_be_visible(timeout=60_000)
        await expect(row).to_have_attribute("data-status", "ready")
        await review_shot(page, "reports-1366")

        async with page.expect_download() as info:
            await download_link.click()
        download = await info.value
        assert download.suggested_filename.endswith("年度消防安全工作报告.pdf")
        with open(await download.path(), "rb") as handle:
            pdf = PdfReader(io.BytesIO(handle.read()))
        text = pdf.pages[0].extract_text()
        assert "望江路街道" in text and "概况" in text
    finally:
        await _close(request, context, page, background_server)


async def test_the_reports_page_fits_a_phone(request, browser, asgi_server, staff, street_with_a_hazard):
    context, page = await _new_page(browser, asgi_server, PHONE)
    try:
        await log_in(page, staff)
        await page.goto("/reports/")
        form = page.locator("[data-testid=report-form]")
        await form.locator("input[name=format][value=xlsx]").check()
        await form.locator("button[type=submit]").click()
        # A street of three sites is built within the request.
        await expect(page.locator("[data-testid=report-list] [data-testid=report-download]")).to_be_visible()
        assert await page_width(page) <= 360
        await review_shot(page, "reports-360")
    finally:
        await _close(request, context, page, asgi_server)
