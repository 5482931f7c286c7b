"""The office's inspection pages in Debian's Chromium, served by the real server: the record, the list,
coverage, campaigns and the site file's section read without sideways scrolling on a 360 px phone and
on a 1366 px office screen, and their buttons are big enough for a finger."""

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from inspections.selectors import checklist_for_site
from inspections.services import campaign_create, inspection_submit
from tests.browser.conftest import DESKTOP, PHONE, _close_executor_connections, browser, log_in, page_width, review_shot
from tests.inspections.conftest import answers_for, body, in_days, version_of

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]
# Fixtures of the browser journeys, used here too.
__all__ = ["_close_executor_connections", "browser"]
TAP = 44


@pytest.fixture
def media(settings, process_env):
    """Photos stored by the fixtures go where the server reads them."""
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]


@pytest.fixture
def recorded(site, neighbour_site, grid_worker, staff, uploaded):
    """A routine check of the shop with two failed items, photos and a signature; a campaign; a second inspection."""
    from django.utils import timezone

    data = body(site, answers_for(checklist_for_site(site=site, user=grid_worker).versions, failing={"EXT-01", "EXT-03"}))
    for item in data["items"]:
        if item["version"] == version_of("EXT-01").pk:
            item.update(answer=1, note="收银台下仅有1具，另一具已过期送检", photo_ids=uploaded(2))
        if item["version"] == version_of("EXT-05").pk:
            item.update(answer=None, not_applicable=True, not_applicable_reason="店内未设灭火器箱，灭火器挂墙设置")
    [signature] = uploaded(1)
    data.update(signature_photo_id=signature, signer_name="张三")
    inspection = inspection_submit(acting_user=grid_worker, data=data)
    inspection_submit(
        acting_user=staff, data=body(neighbour_site, answers_for(checklist_for_site(site=neighbour_site, user=staff).versions))
    )
    campaign_create(
        acting_user=staff,
        data={
            "name": "冬季电动自行车充电专项检查",
            "description": "楼道、门厅停放充电排查",
            "starts_on": timezone.localdate(),
            "ends_on": in_days(30),
            "items": [version_of("EXT-01").item, version_of("EXT-05").item],
            "sites": [site, neighbour_site],
        },
    )
    return inspection


@pytest.mark.parametrize("device", ["phone", "desktop"])
async def test_inspection_pages_fit_the_screen(browser, asgi_server, media, recorded, staff, grid_worker, device):
    options = PHONE if device == "phone" else DESKTOP
    width = options["viewport"]["width"]
    context = await browser.new_context(base_url=asgi_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    site_pk = await sync_to_async(lambda: recorded.site_id)()
    try:
        page = await context.new_page()
        for person in [grid_worker, staff] if device == "phone" else [staff, grid_worker]:
            who = "worker" if person == grid_worker else "staff"
            await context.clear_cookies()
            await log_in(page, person)

            async def check(name: str, ready: str, *, count: int | None = None, who: str = who) -> None:
                locator = page.locator(ready)
                if count is None:
                    await expect(locator.first).to_be_visible()
                else:
                    await expect(locator).to_have_count(count)
                assert await page_width(page) <= width, (who, name)
                if device == "phone":
                    for target in await page.locator("main [role=button], main button[type=submit]").all():
                        if await target.is_visible():
                            box = await target.bounding_box()
                            assert box["height"] >= TAP, (name, await target.evaluate("e => e.outerHTML.slice(0, 90)"))
                await review_shot(page, f"{name}-{who}-{width}")

            await page.goto(f"/inspections/{recorded.pk}/")
            await check("inspection-record", "[data-testid=answer]", count=await sync_to_async(recorded.items.count)())
            await expect(page.locator("[data-testid=signature]")).to_be_visible()
            await page.goto("/inspections/")
            await check("inspection-list", "[data-testid=inspection-row]", count=1 if who == "worker" else 2)
            await page.goto(f"/sites/{site_pk}/")
            await page.locator("#inspections").scroll_into_view_if_needed()
            await check("site-file-inspections", "[data-testid=site-inspection]", count=1)
            if who == "staff":
                await page.goto("/inspections/coverage/")
                await check("inspection-coverage", "[data-testid=coverage-row]", count=2)
                await page.goto("/inspections/coverage/sites/?status=due")
                await check("inspection-coverage-sites", "[data-testid=coverage-site]", count=2)
                await page.goto("/inspections/campaigns/")
                await check("campaign-list", "[data-testid=campaign]", count=1)
                await page.goto("/inspections/campaigns/new/")
                await check("campaign-form", "input[name=name]")
    finally:
        await context.close()
