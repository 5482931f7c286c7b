"""An inspection the server refuses is never dropped: it stays on the phone with the server's
reason until the worker opens it, corrects it and submits it again."""

import re

import pytest
from playwright.async_api import expect

from enterprises.models import Site
from inspections.models import Inspection
from tests.browser.conftest import PHONE, log_in, page_width, review_shot
from tests.browser.inspection_steps import answer, checklist_of, passing_answer

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]


async def test_a_refused_inspection_waits_with_the_reason_until_corrected_and_sent(phone_page, grid_worker, site, neighbour_grid):
    page = phone_page
    await log_in(page, grid_worker)
    await page.goto(f"/inspections/new/?site={site.pk}&kind=routine")
    items = (await checklist_of(page))["items"]
    cards = page.locator(".check-card")
    for index, item in enumerate(items):
        await answer(cards.nth(index), item, passing_answer(item))

    # While the worker answered, the office moved the shop to the neighbouring grid: the server refuses it.
    await Site.objects.filter(pk=site.pk).aupdate(grid=neighbour_grid)
    await page.get_by_test_id("submit-inspection").click()
    await expect(page.locator("#submitted")).to_have_attribute("data-state", "refused")
    await expect(page.get_by_test_id("queue")).to_have_attribute("data-count", "1")

    # My tasks shows it with the server's reason, and keeps it across a reload.
    await page.goto("/inspections/tasks/")
    refused = page.locator("#outbox-list li[data-state=refused]")
    await expect(refused).to_have_count(1)
    await expect(refused).to_contain_text(site.name)
    await expect(refused.locator(".outbox-error")).not_to_be_empty()
    await page.reload()
    await expect(refused).to_have_count(1)
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "inspection-refused-360")
    assert await Inspection.objects.acount() == 0

    # The shop is back in the worker's grid; the worker opens the inspection, every answer still there, and sends it.
    await Site.objects.filter(pk=site.pk).aupdate(grid=site.grid)
    await refused.get_by_role("button").click()
    await expect(page).to_have_url(re.compile(rf"/inspections/new/\?site={site.pk}&kind=routine$"))
    await expect(page.locator("#server-error")).to_be_visible()
    await expect(page.locator("[data-progress-text]")).to_contain_text(re.compile(rf"{len(items)}\D+{len(items)}"))
    await page.get_by_test_id("submit-inspection").click()
    await expect(page.locator("#submitted")).to_have_attribute("data-state", "sent")
    await expect(page.get_by_test_id("queue")).to_be_hidden()
    assert await Inspection.objects.filter(site=site).acount() == 1
