"""A major hazard's whole loop in the browser: the office issues the notice (its PDF holds the Chinese
text), the grid worker records the rectification on a phone with a photo, the office reviews, records
the plan and closes it out; the site, red while it was open, goes back to the colour its risk factors
give it. And every hazard page, in each state, on a phone and on an office screen."""

import datetime
import re
from io import BytesIO
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.async_api import expect
from pypdf import PdfReader

from enterprises.models import RiskColour, Site
from hazards import services
from hazards.models import GradeChange, Hazard
from regulations.models import Clause
from tests.browser.conftest import DESKTOP, PHONE, log_in, page_width, review_shot
from tests.factories import SiteFactory, category

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]
# The smallest target a finger hits reliably (WCAG 2.5.5, Apple's and Material's guidelines).
TAP = 44


def jpeg(size=(800, 600)) -> bytes:
    """A phone photo of the cleared corridor: a wall, a floor and a door."""
    picture = Image.new("RGB", size, (214, 210, 200))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=(140, 130, 120))
    draw.rectangle((size[0] // 2 - 60, size[1] // 3, size[0] // 2 + 60, size[1] * 2 // 3), fill=(110, 80, 50))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def media(settings, process_env):
    """Photos stored by the fixtures go where the server reads them."""
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]


@pytest.fixture
def graded_shop(site):
    """The grid's convenience store, graded from the library: its factors make it yellow."""
    services.sites_grade_new()
    site.refresh_from_db()
    return site


@pytest.fixture
def major_hazard(graded_shop, staff):
    """Petrol stored in the shop (GB 35181-2025, a direct criterion): a major hazard, the shop red."""
    clause = Clause.objects.get(basis__code="GB 35181-2025", number="5")
    return services.hazard_raise(
        site=graded_shop, acting_user=staff, description="店内违规储存、销售散装汽油约200升", level="major", clause=clause
    )


async def submit_step(page, step: str) -> None:
    form = page.locator(f".step[data-step={step}] form")
    await form.locator("button[type=submit]").click()
    await page.wait_for_load_state()


async def test_a_major_hazard_goes_round_the_loop_and_the_site_gets_its_colour_back(
    browser, asgi_server, media, graded_shop, major_hazard, staff, grid_worker
):
    colour_of_its_factors = graded_shop.risk_colour
    assert colour_of_its_factors == RiskColour.YELLOW
    assert (await Site.objects.aget(pk=graded_shop.pk)).risk_colour == RiskColour.RED

    office = await browser.new_context(base_url=asgi_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP)
    phone = await browser.new_context(base_url=asgi_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    try:
        desk = await office.new_page()
        await log_in(desk, staff)

        # The office opens the hazard from the list.
        await desk.goto("/hazards/")
        row = desk.locator("#results tbody tr", has_text=graded_shop.name)
        await expect(row).to_contain_text("散装汽油")
        await row.get_by_role("link", name=graded_shop.name).click()
        await expect(desk).to_have_url(re.compile(rf"/hazards/{major_hazard.pk}/$"))
        await expect(desk.locator("#timeline li[data-kind=found]")).to_have_count(1)

        # ... issues the rectification notice with a deadline,
        notify = desk.locator(".step[data-step=notify]")
        await expect(notify).to_have_attribute("open", "")
        deadline = in_days(30)
        await notify.locator("input[name=notify-deadline]").fill(deadline.isoformat())
        await notify.locator("textarea[name=notify-requirements]").fill("立即清除店内散装汽油，停止违规经营")
        await submit_step(desk, "notify")
        await expect(desk.locator("#timeline li[data-kind=notified]")).to_have_count(1)
        notice_link = desk.locator("[data-testid=notice-pdf]")
        await expect(notice_link).to_have_count(1)

        # ... whose PDF, downloaded as the browser downloads it, says it in Chinese.
        async with desk.expect_download() as download_info:
            await notice_link.click()
        download = await download_info.value
        pdf = Path(await download.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
        # The street office, the notice's number, the unit and what was found, in the fonts' Chinese glyphs.
        assert "望江路街道办事处" in text and re.search(r"望江路街道安整〔\d{4}〕第\d{4}号", text)
        assert graded_shop.name in text and "店内违规储存、销售散装汽油约200升" in text
        assert "立即清除店内散装汽油" in text
        assert "GB 35181-2025" in text and deadline.isoformat() in text

        # ... and records the remediation plan a major hazard needs.
        plan = desk.locator(".step[data-step=plan]")
        await plan.locator("summary").click()
        await plan.locator("textarea[name=plan-goals]").fill("清除店内危险品，停止违规经营")
        await plan.locator("textarea[name=plan-measures]").fill("散装汽油交有资质单位回收；清理储存区域")
        await plan.locator("input[name=plan-funds]").fill("3000")
        await plan.locator("input[name=plan-responsible_people]").fill("店主")
        await plan.locator("input[name=plan-deadline]").fill(deadline.isoformat())
        await plan.locator("textarea[name=plan-safety_measures]").fill("清理期间严禁烟火")
        await submit_step(desk, "plan")
        await expect(desk.locator("#plan")).to_contain_text("清除店内危险品")

        # The grid worker, on a phone, finds it in their grid and records the rectification with a photo.
        mobile = await phone.new_page()
        await log_in(mobile, grid_worker)
        await mobile.goto("/hazards/")
        await expect(mobile.locator("#results")).to_contain_text(graded_shop.name)
        assert await page_width(mobile) <= PHONE_WIDTH
        await mobile.locator("#results").get_by_role("link", name=graded_shop.name).click()
        await expect(mobile).to_have_url(re.compile(rf"/hazards/{major_hazard.pk}/$"))
        rectify = mobile.locator(".step[data-step=rectify]")
        await expect(rectify).to_have_attribute("open", "")
        # Only the step the grid worker may take is offered: the office reviews a major hazard.
        await expect(mobile.locator(".step")).to_have_count(1)
        assert await page_width(mobile) <= PHONE_WIDTH
        photos = rectify.locator("input[type=file][name=rectify-photos]")
        await expect(photos).to_have_attribute("capture", "environment")
        for target in (rectify.locator("button[type=submit]"), rectify.locator("summary"), photos):
            box = await target.bounding_box()
            assert box is not None and box["height"] >= TAP, await target.evaluate("e => e.outerHTML.slice(0, 80)")
        await rectify.locator("textarea[name=rectify-note]").fill("散装汽油已交回收单位，储存区域已清理")
        await photos.set_input_files({"name": "IMG_20261125_101500.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
        await submit_step(mobile, "rectify")
        rectified = mobile.locator("#timeline li[data-kind=rectified]")
        await expect(rectified).to_have_count(1)
        thumbnail = rectified.locator(".photo-strip img")
        await expect(thumbnail).to_have_count(1)
        assert await thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
        assert await page_width(mobile) <= PHONE_WIDTH
        await expect(mobile.locator(".step")).to_have_count(0)

        # The office reviews it on site, then closes it out.
        await desk.reload()
        review = desk.locator(".step[data-step=review]")
        await expect(review).to_have_attribute("open", "")
        await review.locator("input[name=review-passed][value=yes]").check()
        await review.locator("textarea[name=review-comment]").fill("复查合格，店内已无汽油")
        await submit_step(desk, "review")
        await expect(desk.locator("#timeline li[data-kind=review_passed]")).to_have_count(1)
        close_out = desk.locator(".step[data-step=close_out]")
        await expect(close_out).to_have_count(1)
        await close_out.locator("textarea[name=close_out-note]").fill("经复查合格，准予销案")
        await submit_step(desk, "close_out")
        await expect(desk.locator("#timeline li[data-kind=closed_out]")).to_have_count(1)
        await expect(desk.locator("[data-testid=hazard-status]")).to_have_class(re.compile(r"badge-hazard-closed"))

        # The site file shows the colour its factors give again, and the grade history says why it changed.
        await desk.goto(f"/sites/{graded_shop.pk}/")
        await expect(desk.locator("[data-testid=risk-colour]")).to_have_class(re.compile(rf"badge-risk-{colour_of_its_factors}"))
        history = desk.locator("[data-testid=grade-history] > li")
        await expect(history).to_have_count(3)  # first grading, red with the major hazard, back when closed out
        await expect(desk.locator("#hazards .empty-state")).to_be_visible()
    finally:
        await office.close()
        await phone.close()

    changes = await sync_to_async(
        lambda: list(GradeChange.objects.filter(site=graded_shop).order_by("at", "pk").values_list("from_colour", "to_colour"))
    )()
    assert changes == [("", "yellow"), ("yellow", "red"), ("red", "yellow")]
    hazard = await Hazard.objects.aget(pk=major_hazard.pk)
    assert hazard.status == Hazard.Status.CLOSED and hazard.signed_off_by_id == staff.pk


# --- Every page, as its users see it ----------------------------------------------------------


@pytest.fixture
def hazards_in_every_state(media, graded_shop, staff, grid_worker):
    """The grid's sites with a hazard in each state of the loop (and one of each level)."""
    from tests.files.pictures import evidence_jpeg, upload

    clause = Clause.objects.get(basis__code="中华人民共和国消防法", number="第二十八条")
    shop = graded_shop
    kitchen = SiteFactory(grid=shop.grid, name="川味冒菜馆", address="郭家桥北街7号", category=category("XS02"))
    services.sites_grade_new()

    def found(site, text, **options):
        return services.hazard_raise(site=site, acting_user=grid_worker, description=text, clause=clause, **options)

    states = {"found": found(shop, "后门安全出口上锁，营业期间无法打开", uploads=[upload(evidence_jpeg())])}
    notified = found(kitchen, "疏散通道堆放纸箱和煤气罐，通道宽度不足1米")
    services.hazard_notify(hazard=notified, acting_user=staff, deadline=in_days(10), requirements="立即清理通道")
    states["notified"] = notified
    rectified = found(shop, "消火栓箱被货架遮挡，无法打开")
    services.hazard_notify(hazard=rectified, acting_user=staff, deadline=in_days(7))
    services.hazard_rectify(hazard=rectified, acting_user=grid_worker, note="货架已移开", uploads=[upload(evidence_jpeg())])
    states["rectified"] = rectified
    major = services.hazard_raise(
        site=kitchen,
        acting_user=staff,
        description="厨房使用液化气钢瓶，存放在地下室",
        level="major",
        clause=Clause.objects.get(basis__code="GB 35181-2025", number="5"),
    )
    services.hazard_notify(hazard=major, acting_user=staff, deadline=in_days(30))
    services.hazard_supervise(hazard=major, acting_user=staff, note="街道挂牌督办")
    services.hazard_rectify(hazard=major, acting_user=grid_worker, note="钢瓶已移出地下室", uploads=[upload(evidence_jpeg())])
    services.hazard_review(hazard=major, acting_user=staff, passed=True, comment="复查合格")
    states["reviewed"] = major
    closed = found(kitchen, "灭火器压力不足，指针在红区")
    services.hazard_close_on_spot(
        hazard=closed, acting_user=grid_worker, note="已当场更换灭火器", uploads=[upload(evidence_jpeg())]
    )
    states["closed"] = closed
    return states


@pytest.mark.parametrize("device", ["phone", "desktop"])
async def test_hazard_pages_fit_the_screen(browser, asgi_server, hazards_in_every_state, staff, grid_worker, device):
    """The list, each state with its step forms, the raise form, statistics, the rules and the site
    file's sections read without sideways scrolling, for the grid worker on a phone and the office at a desk."""
    options, width = (PHONE, PHONE_WIDTH) if device == "phone" else (DESKTOP, DESKTOP["viewport"]["width"])
    context = await browser.new_context(base_url=asgi_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    try:
        page = await context.new_page()
        people = [grid_worker, staff] if device == "phone" else [staff, grid_worker]
        for person in people:
            who = "worker" if person == grid_worker else "staff"
            await context.clear_cookies()
            await log_in(page, person)
            size = options["viewport"]["width"]

            await page.goto("/hazards/")
            await expect(page.locator("#results tbody tr")).to_have_count(5)
            assert await page_width(page) <= width
            await review_shot(page, f"hazard-list-{who}-{size}")

            for state, hazard in hazards_in_every_state.items():
                await page.goto(f"/hazards/{hazard.pk}/")
                await expect(page.locator("[data-testid=hazard-status]")).to_have_class(re.compile(f"badge-hazard-{state}"))
                # The first step is open; open the others too, to see every form.
                for summary in await page.locator(".step:not([open]) > summary").all():
                    await summary.click()
                assert await page_width(page) <= width, (who, state)
                if device == "phone":
                    for target in await page.locator(".step summary, .step button[type=submit], .step input, .step select").all():
                        if await target.is_visible() and await target.get_attribute("type") not in ("radio", "hidden"):
                            box = await target.bounding_box()
                            assert box["height"] >= TAP, (state, await target.evaluate("e => e.outerHTML.slice(0, 90)"))
                await review_shot(page, f"hazard-{state}-{who}-{size}")

            site = hazards_in_every_state["found"].site
            await page.goto(f"/hazards/new/?site={site.pk}")
            await expect(page.locator("textarea[name=description]")).to_be_visible()
            assert await page_width(page) <= width
            await review_shot(page, f"hazard-raise-{who}-{size}")

            await page.goto(f"/sites/{site.pk}/")
            await expect(page.locator("#hazards .site-cards li")).to_have_count(2)
            await expect(page.locator("[data-testid=risk-colour]")).to_be_visible()
            assert await page_width(page) <= width
            await page.locator("#hazards").scroll_into_view_if_needed()
            await review_shot(page, f"site-file-{who}-{size}")

            await page.goto("/hazards/statistics/")
            await expect(page.locator("[data-testid=hazard-statistics] tbody tr")).to_have_count(1)
            assert await page_width(page) <= width
            await review_shot(page, f"hazard-statistics-{who}-{size}")

            await page.goto("/hazards/risk-rules/")
            await expect(page.locator("h1")).to_be_visible()
            assert await page_width(page) <= width
            await review_shot(page, f"risk-rules-{who}-{size}")
    finally:
        await context.close()
