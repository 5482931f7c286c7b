"""An inspection survives losing the network: reloaded with no network, the service worker serves
the page and the answers and photos given so far are still there."""

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, log_in, page_width, review_shot
from tests.browser.inspection_steps import answer, checklist_of, controlled_by_service_worker, passing_answer, photo_file

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]


async def test_a_reload_without_network_finds_the_unsent_answers_and_photos(phone_page, grid_worker, site):
    page = phone_page
    await log_in(page, grid_worker)
    await page.goto(f"/inspections/new/?site={site.pk}&kind=routine")
    await controlled_by_service_worker(page)
    items = (await checklist_of(page))["items"]
    cards = page.locator(".check-card")
    await expect(cards).to_have_count(len(items))

    # The first answers and a photo, with the network.
    for index in range(3):
        await answer(cards.nth(index), items[index], passing_answer(items[index]))
    await cards.nth(0).locator("input[type=file]").set_input_files(photo_file())
    await expect(cards.nth(0).locator(".photo-thumbs img")).to_have_count(1)

    # The network goes; the worker answers on, adds a photo and a note, and the page is reloaded.
    await page.context.set_offline(True)
    await answer(cards.nth(3), items[3], passing_answer(items[3]))
    await cards.nth(3).locator("input[type=file]").set_input_files(photo_file("IMG_20261125_101733.jpg"))
    await expect(cards.nth(3).locator(".photo-thumbs img")).to_have_count(1)
    await cards.nth(3).locator("input.check-note").fill("灭火器压力表指针在绿区")
    await page.wait_for_timeout(400)  # the note is saved a moment after the last key
    response = await page.reload()
    assert response is not None and response.from_service_worker

    cards = page.locator(".check-card")
    await expect(cards).to_have_count(len(items))
    await expect(page.get_by_role("heading", level=1)).to_have_text(site.name)
    for index in range(4):
        await expect(cards.nth(index).locator("[data-verdict]")).to_be_visible()
        assert await cards.nth(index).get_attribute("data-verdict") == "pass"
    for index in (0, 3):
        thumbnail = cards.nth(index).locator(".photo-thumbs img")
        await expect(thumbnail).to_have_count(1)
        assert await thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    await expect(cards.nth(3).locator("input.check-note")).to_have_value("灭火器压力表指针在绿区")
    await expect(cards.nth(4).locator("[data-verdict]")).to_be_hidden()
    await expect(page.locator("[data-progress-text]")).to_contain_text(re.compile(rf"4\D+{len(items)}"))
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "inspection-offline-reload-360")
