"""The regulation library as its users see it: an administrator revises a checklist item and the
library shows version 2 with version 1 still readable; the pages read on a phone and on an
office screen."""

import re

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from regulations.models import ChecklistItem, LegalBasis
from tests.browser.conftest import log_in, page_width, review_shot

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


async def test_admin_revises_an_item_and_the_library_keeps_version_one(desktop_page, admin_user):
    page = desktop_page
    item = await ChecklistItem.objects.aget(code="EXT-01")
    await log_in(page, admin_user)
    await page.goto("/regulations/")
    await expect(page.locator("#results tbody tr").first).to_be_visible()
    await review_shot(page, "regulations-items-1366")

    await page.locator(f"a[href='/regulations/items/{item.pk}/']").first.click()
    await expect(page.locator(".current-version h2")).to_contain_text("1")
    await page.locator(f"a[href='/regulations/items/{item.pk}/revise/']").click()
    await expect(page.locator("#id_threshold")).to_have_value("2")
    await review_shot(page, "regulations-revise-1366")
    await page.locator("#id_threshold").fill("3")
    await page.locator("#id_note").fill("按新版要求提高")
    await page.locator("form.library-form button[type=submit]").click()

    await expect(page).to_have_url(re.compile(rf"/regulations/items/{item.pk}/$"))
    current = page.locator(".current-version")
    await expect(current).to_have_attribute("data-version", "2")
    await expect(current.locator("[data-testid=rule]")).to_have_text("≥ 3 具")
    earlier = page.locator("details.version[data-version='1']")
    await expect(earlier).to_have_count(1)
    await earlier.locator("summary").click()
    await expect(earlier.locator("[data-testid=rule]")).to_have_text("≥ 2 具")
    await expect(earlier.locator(".clause-citation")).to_have_text("GB 50140-2005 §6.1.1")
    await review_shot(page, "regulations-versions-1366")

    versions = await sync_to_async(lambda: sorted(item.versions.values_list("version", flat=True)))()
    assert versions == [1, 2]


async def test_the_library_reads_on_a_phone(phone_page, grid_worker):
    page = phone_page
    await log_in(page, grid_worker)
    await page.goto("/regulations/")
    rows = page.locator("#results tbody tr")
    await expect(rows.first).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    # Each item is a card: the requirement is a readable line, not a character a line.
    box = await rows.first.locator("td.cell-requirement").bounding_box()
    assert box is not None and box["width"] > 300
    await expect(page.locator("a[href='/regulations/items/new/']")).to_have_count(0)
    await review_shot(page, "regulations-items-360")

    await page.goto("/regulations/bases/")
    await expect(page.locator(".basis-list li").first).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "regulations-bases-360")

    await page.goto("/regulations/risk-factors/")
    await expect(page.locator(".factor-list li").first).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "regulations-risk-factors-360")


async def test_item_and_basis_pages_fit_a_phone(phone_page, admin_user):
    page = phone_page
    item = await ChecklistItem.objects.aget(code="CON-09")
    await log_in(page, admin_user)
    await page.goto(f"/regulations/items/{item.pk}/")
    await expect(page.locator(".current-version")).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "regulations-item-360")
    await page.goto(f"/regulations/items/{item.pk}/revise/")
    await expect(page.locator("#id_requirement")).to_be_visible()
    assert await page_width(page) <= PHONE_WIDTH
    await review_shot(page, "regulations-revise-360")
    # The clause list follows the chosen document.
    fire_law = await LegalBasis.objects.aget(code="中华人民共和国消防法")
    await page.locator("#id_basis").select_option(str(fire_law.pk))
    await expect(page.locator("#id_clause option", has_text="第二十八条")).to_have_count(1)
    await expect(page.locator("#id_clause option", has_text="4.2.1")).to_have_count(0)
