"""The grid worker's inspection on a phone, as the issue tells it: a task opened from "my tasks",
every item answered, a photo attached, the network lost half-way, the inspection finished and
submitted without it, the page closed; the network comes back and the inspection arrives once,
its hazards and the site's new colour in front of the office."""

import re

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from enterprises.models import RiskColour, Site
from files.models import Photo
from hazards import services as hazard_services
from hazards.models import Hazard
from inspections.models import Inspection, InspectionItem
from tests.browser.conftest import DESKTOP, PHONE, log_in, page_width, review_shot
from tests.browser.inspection_steps import (
    answer,
    checklist_of,
    controlled_by_service_worker,
    passing_answer,
    photo_file,
    review_card_shot,
    small_targets,
)

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]
# Where the shop is: 望江路, Chengdu.
SHOP = {"latitude": 30.630612, "longitude": 104.083921, "accuracy": 12}


@pytest.fixture
def media(settings, process_env):
    """Photos stored by the server go where the test can read them."""
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]


@pytest.fixture
def graded_shop(site):
    """The grid's convenience store (a small shop, XS01), graded from the library: yellow."""
    hazard_services.sites_grade_new()
    site.refresh_from_db()
    return site


def new_context(browser, server, options, **more):
    return browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options, **more)


async def test_an_inspection_finished_offline_arrives_once_with_its_hazards_and_the_new_colour(
    browser, asgi_server, media, graded_shop, grid_worker, staff
):
    assert graded_shop.risk_colour == RiskColour.YELLOW
    phone = await new_context(browser, asgi_server, PHONE, geolocation=SHOP, permissions=["geolocation"])
    phone.set_default_timeout(10_000)
    office = await new_context(browser, asgi_server, DESKTOP)
    office.set_default_timeout(10_000)
    try:
        page = await phone.new_page()
        await log_in(page, grid_worker)

        # My tasks: the shop, never inspected, is due; its checklist is kept for inspecting offline.
        await expect(page).to_have_url(re.compile(r"/inspections/tasks/$"))
        task = page.locator("[data-task]", has_text=graded_shop.name)
        await expect(task).to_have_count(1)
        await expect(page.locator("#offline-status")).to_have_attribute("data-kept", re.compile(r"[1-9]"))
        assert await page_width(page) <= PHONE_WIDTH
        assert await small_targets(page) == []
        await review_shot(page, "inspection-tasks-360")
        await task.click()

        await expect(page).to_have_url(re.compile(rf"/inspections/new/\?site={graded_shop.pk}&kind=routine"))
        await controlled_by_service_worker(page)
        items = (await checklist_of(page))["items"]
        codes = [item["code"] for item in items]
        # GB 50140-2005 §6.1.1: at least two extinguishers; the shop has one.
        extinguishers = codes.index("EXT-01")
        # GB 35181-2025: hazardous goods in a crowded place are a major hazard on their own.
        hazardous_goods = codes.index("MAJ-04")
        cards = page.locator(".check-card")
        await expect(cards).to_have_count(len(items))
        assert await page_width(page) <= PHONE_WIDTH
        assert await small_targets(page) == []
        await review_shot(page, "inspection-checklist-360")

        offline_from = len(items) // 2
        for index, item in enumerate(items):
            if index == offline_from:
                await phone.set_offline(True)
            card = cards.nth(index)
            if index == extinguishers:
                await answer(card, item, 1)
                # The verdict and the clause show as soon as the worker answers.
                await expect(card.locator("[data-verdict]")).to_contain_text("GB 50140-2005 §6.1.1")
                await expect(card.locator("[data-verdict]")).to_contain_text(re.compile(r"1 < .*2 具"))
                assert await card.get_attribute("data-verdict") == "fail"
                await card.locator("input[type=file]").set_input_files(photo_file())
                await expect(card.locator(".photo-thumbs img")).to_have_count(1)
                await card.locator("input.check-note").fill("收银台旁仅有一具灭火器")
                await review_card_shot(card, "inspection-card-failed-360")
            elif index == hazardous_goods:
                await answer(card, item, False)
                assert await card.get_attribute("data-verdict") == "fail"
                await card.locator("input[type=file]").set_input_files(photo_file("IMG_20261125_102210.jpg"))
                await expect(card.locator(".photo-thumbs img")).to_have_count(1)
            else:
                await answer(card, item, passing_answer(item))
                assert await card.get_attribute("data-verdict") == "pass", item["code"]
                if item["rule_kind"] == "choice":
                    await review_card_shot(card, "inspection-card-choice-360")
        await expect(page.locator("[data-progress-text]")).to_contain_text(re.compile(rf"{len(items)}\D+{len(items)}"))

        # The shopkeeper signs with a finger.
        await page.locator("#signer-name").fill("王店长")
        await page.locator("#signature-clear").scroll_into_view_if_needed()
        pad = await page.locator("#signature-pad").bounding_box()
        await page.mouse.move(pad["x"] + 30, pad["y"] + 80)
        await page.mouse.down()
        for step in range(1, 12):
            await page.mouse.move(pad["x"] + 30 + step * 20, pad["y"] + 80 - (step % 3) * 25)
        await page.mouse.up()

        await page.get_by_test_id("submit-inspection").click()
        submitted = page.locator("#submitted")
        await expect(submitted).to_be_visible()
        await expect(submitted).to_have_attribute("data-state", "queued")
        await expect(page.get_by_test_id("queue")).to_have_attribute("data-count", "1")
        await expect(page.get_by_test_id("queue")).to_be_visible()
        assert await page_width(page) <= PHONE_WIDTH
        await review_shot(page, "inspection-submitted-offline-360")
        await page.close()
        assert await Inspection.objects.acount() == 0

        # Back online. The first time the inspection reaches the server, its answer is lost on the
        # way back: the phone sends again, and the server answers with what it stored.
        lost, answered = [], []

        async def lose_the_first_answer(route):
            if route.request.method == "POST" and not lost:
                response = await route.fetch()
                lost.append(response.status)
                await route.abort("connectionreset")
            else:
                await route.continue_()

        await phone.route(re.compile(r"/api/inspections/$"), lose_the_first_answer)
        phone.on(
            "response",
            lambda response: (
                answered.append(response.status)
                if response.request.method == "POST" and response.url.endswith("/api/inspections/")
                else None
            ),
        )
        await phone.set_offline(False)
        page = await phone.new_page()
        await page.goto("/inspections/tasks/")
        await expect(page.get_by_test_id("queue")).to_be_hidden(timeout=30_000)
        sent = page.locator("#sent-list li", has_text=graded_shop.name)
        await expect(sent).to_have_count(1)
        # The shop's task is done.
        await expect(page.locator("[data-task]", has_text=graded_shop.name)).to_be_hidden()
        await review_shot(page, "inspection-tasks-after-sending-360")
        assert lost == [201]
        assert 200 in answered and 201 not in answered

        inspection = await Inspection.objects.select_related("signature").aget(site=graded_shop)
        assert inspection.inspector_id == grid_worker.pk
        assert (inspection.failed_count, inspection.hazards_raised_count) == (2, 2)
        assert inspection.passed_count == len(items) - 2
        assert inspection.signer_name == "王店长" and inspection.signature is not None
        assert abs(float(inspection.latitude) - SHOP["latitude"]) < 1e-5
        evidence = InspectionItem.objects.filter(inspection=inspection, photos__isnull=False).values("photos")
        photos = await sync_to_async(lambda: list(Photo.objects.filter(pk__in=evidence)))()
        assert len(photos) == 2
        for photo in photos:
            # Resized on the phone: the camera's 3000 x 2250 arrives at most 1600 px on its longest side.
            assert max(photo.width, photo.height) <= 1600
            assert photo.taken_at is not None
        hazards = await sync_to_async(lambda: list(Hazard.objects.filter(site=graded_shop).order_by("level")))()
        assert [hazard.level for hazard in hazards] == ["general", "major"]
        assert (await Site.objects.aget(pk=graded_shop.pk)).risk_colour == RiskColour.RED

        # The office sees the site red, with the two hazards the inspection raised.
        desk = await office.new_page()
        await log_in(desk, staff)
        await desk.goto(f"/sites/{graded_shop.pk}/")
        await expect(desk.locator("[data-testid=risk-colour]")).to_have_class(re.compile(r"badge-risk-red"))
        open_hazards = desk.locator("#hazards .site-cards li")
        await expect(open_hazards).to_have_count(2)
        await expect(desk.locator("#hazards")).to_contain_text("灭火器")
        await desk.goto(f"/hazards/?site={graded_shop.pk}")
        await expect(desk.locator("#results tbody tr")).to_have_count(2)
        await review_shot(desk, "inspection-hazards-office-1366")
    finally:
        await phone.close()
        await office.close()
    assert await Inspection.objects.acount() == 1
