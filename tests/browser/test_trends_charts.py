"""The trends page in a real browser: its charts drawn on an office screen and on a phone, under the Content
Security Policy without one refusal or script error, following the window's width, never wider than it."""

import datetime

import pytest
from django.utils import timezone
from playwright.async_api import expect

from hazards.models import GradeChange, Hazard
from tests.browser.conftest import DESKTOP, PHONE, log_in, page_width, review_shot, wait_for_true

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

RECORD_PROBLEMS = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push(`violation ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
window.addEventListener("error", (event) => window.__problems.push(`error ${event.message}`));
"""
DRAWN = "document.querySelectorAll('[data-trend-chart][data-drawn] canvas').length === 3"


@pytest.fixture
def half_a_year(site, neighbour_site):
    """Hazards found and closed and grades changed every few weeks."""
    now = timezone.now()
    for weeks in range(0, 26, 3):
        when = now - datetime.timedelta(weeks=weeks)
        Hazard.objects.create(site=site, description="隐患", source="staff_report", found_at=when)
        Hazard.objects.create(
            site=neighbour_site, description="已销号", source="staff_report", found_at=when, status="closed", closed_at=when
        )
        GradeChange.objects.create(site=site, from_colour="blue", to_colour="yellow", trigger="测试", at=when)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
async def test_staff_see_the_trends_drawn_without_a_policy_violation(browser, asgi_server, staff, half_a_year, screen):
    options = DESKTOP if screen == "desktop" else PHONE
    context = await browser.new_context(base_url=asgi_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    await context.add_init_script(RECORD_PROBLEMS)
    try:
        page = await context.new_page()
        await log_in(page, staff)
        await page.goto("/overview/")
        await page.get_by_test_id("trends-link").click()
        await page.wait_for_url("**/trends/")
        await wait_for_true(page, DRAWN)
        await expect(page.get_by_role("heading", level=1)).to_have_text("望江路街道：趋势")
        width = options["viewport"]["width"]
        assert await page_width(page) <= width
        # Each chart as wide as its panel, and its numbers in a table below it.
        for key in ("hazards", "grades", "alarms"):
            chart = page.locator(f'[data-trend-chart="{key}"]')
            canvas = await chart.locator("canvas").bounding_box()
            panel = await page.get_by_test_id(f"trend-{key}").bounding_box()
            assert canvas["width"] > panel["width"] * 0.8 and canvas["height"] > 200
        await review_shot(page, f"trends-{screen}")

        await page.get_by_role("button", name="按周").click()
        await page.wait_for_url("**/trends/?period=week")
        await wait_for_true(page, DRAWN)
        table = page.get_by_test_id("trend-table-hazards")
        await page.locator("#trend-hazards summary").click()
        await expect(table.locator("tbody tr")).to_have_count(26)
        # This week: both hazards found, one of them closed.
        await expect(table.locator("tbody tr").last.locator("td")).to_have_text(["2", "1"])

        # An office window made narrow: the charts follow, nothing scrolls sideways.
        await page.set_viewport_size({"width": 360, "height": 740})
        await wait_for_true(page, "document.querySelector('[data-trend-chart] canvas').getBoundingClientRect().width < 340")
        assert await page_width(page) <= 360
        assert await page.evaluate("window.__problems") == []
    finally:
        await context.close()
