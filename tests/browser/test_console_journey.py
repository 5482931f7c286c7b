"""The micro fire station's console in the browser, against the production stack: a smoke detector's
push over HTTP, the Celery worker on the critical queue, the channel layer, the page's live line.

An operator on the wall screen sees the alarm arrive without reloading and takes it through every
step from the card; the record page then holds all seven milestones. On a phone nothing scrolls
sideways and every button is a finger's size. When the line drops the page says so, and what
arrived meanwhile shows once it is back.
"""

import asyncio
import json
import re
import time
import urllib.request

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from alarms.models import Device, Incident
from alarms.services import (
    incident_acknowledge,
    incident_confirm,
    incident_dispatch,
    incident_push_update,
    integration_create,
)
from tests.alarms.conftest import data_point, onenet_body, preset
from tests.browser.conftest import log_in, page_width, review_shot, screenshot_dir
from tests.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

# The smallest target a finger hits reliably (WCAG 2.5.5, Apple's and Material's guidelines).
TAP = 44
# OneNET's device ids of the detectors (the first as in OneNET's examples).
KITCHEN, NOODLES, HOTPOT = 2016617, 2016618, 2016619


@pytest.fixture
def onenet(db):
    return integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")


def detector_at(onenet, site, dev_id: int, **place) -> Device:
    return Device.objects.create(
        integration=onenet.integration, platform_device_id=str(dev_id), model=preset("onenet"), site=site, **place
    )


@pytest.fixture
def detector(onenet, site):
    """The convenience store's kitchen detector; the station covers its grid."""
    return detector_at(onenet, site, KITCHEN, building="1栋", floor="1层", room="厨房")


@pytest.fixture
def detectors(detector, onenet, neighbour_site, grid):
    """Two more sites of the station's grids, a detector in each."""
    hotpot = SiteFactory(
        grid=grid,
        name="老码头火锅(望江路店)",
        address="望江路88号附2号",
        safety_contact="李四",
        safety_contact_phone="13900139000",
    )
    return [
        detector,
        detector_at(onenet, neighbour_site, NOODLES, room="后厨"),
        detector_at(onenet, hotpot, HOTPOT, building="2栋", floor="负1层", room="配电间"),
    ]


def http_push(server, onenet, dev_id: int) -> int:
    """What OneNET sends when a detector reports smoke: a signed data point, POSTed to the ingest URL."""
    body = onenet_body(data_point("smoke_alarm", 1, dev_id=dev_id), onenet.secret)
    request = urllib.request.Request(
        f"{server.url}{onenet.integration.ingest_path()}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())
        return response.status


async def fire_alarm(server, onenet, dev_id: int) -> None:
    assert await asyncio.to_thread(http_push, server, onenet, dev_id) == 200


def incident_opened(device: Device, *, delivered: bool = False, timeout: float = 20) -> Incident:
    """The incident the worker opens for the device's alarm (once pushed to the station, if asked)."""
    filters = {"device": device} | ({"delivered_at__isnull": False} if delivered else {})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        incident = Incident.objects.filter(**filters).first()
        if incident is not None:
            return incident
        time.sleep(0.1)
    raise AssertionError(f"no incident for {device} within {timeout} s")


incident_of = sync_to_async(incident_opened)


def card(page, incident: Incident):
    return page.locator(f"[data-testid=incident-card][data-incident='{incident.pk}']")


async def step(card_locator, name: str, *, value: str | None = None) -> None:
    """Press the step's button on the card (the one with ``value`` when the step has two)."""
    chosen = f"[value='{value}']" if value is not None else ""
    await card_locator.locator(f"form[data-step={name}] button[type=submit]{chosen}").click()


async def not_reloaded(page) -> bool:
    return await page.evaluate("window.consoleNotReloaded === true")


async def test_an_alarm_arrives_live_and_is_taken_through_every_step_from_its_card(
    desktop_page, asgi_server, celery_worker, onenet, detector, operator
):
    page = desktop_page
    await log_in(page, operator)
    await page.goto("/alarms/console/")
    await expect(page.get_by_test_id("console-line")).to_have_attribute("data-state", "live")
    await expect(page.get_by_test_id("console-empty")).to_be_visible()
    await expect(page.get_by_test_id("console-alert")).to_be_hidden()
    # Gone if the page reloads: every change below must come without one.
    await page.evaluate("window.consoleNotReloaded = true")

    # The kitchen's detector fires; OneNET pushes it to the ingest URL. The card is on the wall
    # screen within 10 s (GB 26875.1-2011 §4.1.2.1 gives the device that long to reach the centre).
    await fire_alarm(asgi_server, onenet, KITCHEN)
    arrived = page.get_by_test_id("incident-card")
    await expect(arrived).to_have_attribute("data-status", "new", timeout=10_000)
    incident = await incident_of(detector)
    new = card(page, incident)
    await expect(new).to_contain_text("望江兰庭便利店")
    await expect(new).to_contain_text("1栋 1层 厨房")
    await expect(new.locator("a[href='tel:13800138000']")).to_be_visible()
    await expect(page.get_by_test_id("console-alert")).to_be_visible()
    await expect(page.get_by_test_id("console-empty")).to_have_count(0)
    await expect(page).to_have_title(re.compile(r"^\(1\) "))

    # The operator takes the call: the alert stops.
    await step(new, "acknowledge")
    await expect(new).to_have_attribute("data-status", "acknowledged")
    await expect(page.get_by_test_id("console-alert")).to_be_hidden()
    await expect(page).not_to_have_title(re.compile(r"^\(\d+\) "))

    # ... phones the shop: a real fire. Then dispatch, arrival, and the fire put out.
    await step(new, "confirm", value="1")
    await expect(new).to_have_attribute("data-status", "confirmed")
    await expect(new.locator(".badge-incident-real")).to_be_visible()
    await step(new, "dispatch")
    await expect(new).to_have_attribute("data-status", "dispatched")
    await step(new, "on_scene")
    await expect(new).to_have_attribute("data-status", "on_scene")

    resolve = new.locator("form[data-step=resolve]")
    await resolve.locator("summary").click()
    await resolve.locator("select").select_option("extinguished")
    notes = "厨房油锅起火，灭火器扑灭，无人员受伤"
    await resolve.locator("textarea").fill(notes)
    # A push about the incident meanwhile (another console's, the state unchanged) leaves the form as it is.
    async with page.expect_response(re.compile(rf"/alarms/incidents/{incident.pk}/card/$")):
        await sync_to_async(incident_push_update)(incident_id=incident.pk, reason="on_scene")
    await expect(resolve.locator("textarea")).to_have_value(notes)
    await resolve.locator("button[type=submit]").click()
    await expect(new).to_have_attribute("data-status", "resolved")
    await expect(new).to_have_attribute("data-open", "0")
    assert await not_reloaded(page)

    # The record: all seven milestones, each with its time, and the outcome.
    await new.locator(f"a[href='/alarms/incidents/{incident.pk}/']").first.click()
    await expect(page).to_have_url(re.compile(rf"/alarms/incidents/{incident.pk}/$"))
    milestones = page.locator("[data-testid=milestones] tr[data-milestone]")
    await expect(milestones).to_have_count(7)
    for row in await milestones.all():
        await expect(row.locator("time")).to_have_text(re.compile(r"^\d{2}:\d{2}:\d{2}$"))
    await expect(page.locator("[data-testid=milestones]")).to_contain_text("消防员")
    await expect(page.locator("#timeline")).to_contain_text("厨房油锅起火")

    incident = await Incident.objects.aget(pk=incident.pk)
    assert incident.status == Incident.Status.RESOLVED and incident.real is True
    assert incident.outcome == Incident.Outcome.EXTINGUISHED and incident.resolved_by_id == operator.pk


# --- Every page, on a phone and on the wall screen ----------------------------------------------------


@pytest.fixture
def incidents(asgi_server, celery_worker, onenet, detectors, operator):
    """Three alarms pushed over HTTP: the kitchen's new, the hotpot's acknowledged, the noodle shop's dispatched."""
    kitchen, noodles, hotpot = detectors
    for device in (noodles, hotpot, kitchen):
        assert http_push(asgi_server, onenet, int(device.platform_device_id)) == 200
    new, dispatched, acknowledged = (incident_opened(device) for device in (kitchen, noodles, hotpot))
    incident_acknowledge(incident=acknowledged, acting_user=operator)
    incident_acknowledge(incident=dispatched, acting_user=operator)
    incident_confirm(incident=dispatched, acting_user=operator, real=True)
    incident_dispatch(incident=dispatched, acting_user=operator, note="2人 1车")
    return {"new": new, "acknowledged": acknowledged, "dispatched": dispatched}


# Every visible target a finger must hit, shorter than ``tap`` px: [(what, height), ...].
SMALL_TARGETS = """([scope, tap]) => [...document.querySelectorAll(scope)]
    .flatMap((root) => [...root.querySelectorAll("button, [role=button], summary, select, a[href^='tel:']")])
    .filter((target) => target.getClientRects().length && getComputedStyle(target).visibility !== "hidden")
    .map((target) => [target.outerHTML.slice(0, 100), Math.round(target.getBoundingClientRect().height)])
    .filter(([, height]) => height < tap)"""


# The innermost elements reaching past the right edge: what makes a page scroll sideways.
TOO_WIDE = """(width) => [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .filter((element) => ![...element.children].some((child) => child.getBoundingClientRect().right > width + 0.5))
    .map((element) => element.outerHTML.slice(0, 100))"""


# The tables in scope wider than their box: they would scroll sideways on their own.
SCROLLING_TABLES = """(scope) => [...document.querySelectorAll(scope)]
    .flatMap((root) => [...root.querySelectorAll(".table-scroll")])
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => box.innerHTML.slice(0, 100))"""


async def fits(page, scope: str, width: int) -> None:
    """Nothing scrolls sideways, not even a table, and every target in ``scope`` is a finger's size."""
    assert await page_width(page) <= width, await page.evaluate(TOO_WIDE, width)
    assert await page.evaluate(SCROLLING_TABLES, scope) == []
    assert await page.evaluate(SMALL_TARGETS, [scope, TAP]) == []


async def section_shot(page, selector: str, name: str) -> None:
    directory = screenshot_dir()
    if directory is not None:
        await page.locator(selector).screenshot(path=str(directory / f"{name}.png"))


async def test_the_console_and_the_records_fit_a_phone_and_a_wall_screen(phone_page, desktop_page, incidents, operator):
    for screen, page in (("phone", phone_page), ("wall", desktop_page)):
        width = page.viewport_size["width"]
        await log_in(page, operator)

        await page.goto("/alarms/console/")
        await expect(page.get_by_test_id("console-line")).to_have_attribute("data-state", "live")
        cards = page.get_by_test_id("incident-card")
        await expect(cards).to_have_count(3)
        # Newest first: the kitchen's alarm came last.
        await expect(cards.first).to_have_attribute("data-status", "new")
        await expect(page.get_by_test_id("console-alert")).to_be_visible()
        await fits(page, "#console", width)
        await review_shot(page, f"console-{screen}")
        # The dispatched incident's resolve form, opened.
        dispatched = card(page, incidents["dispatched"])
        await dispatched.locator("form[data-step=resolve] summary").click()
        await expect(dispatched.locator("form[data-step=resolve] textarea")).to_be_visible()
        await fits(page, "#console", width)
        await section_shot(page, f"#incident-{incidents['dispatched'].pk}", f"console-resolve-{screen}")

        await page.goto(f"/alarms/incidents/{incidents['dispatched'].pk}/")
        await expect(page.locator("[data-testid=milestones] tr[data-milestone] time")).to_have_count(5)
        await fits(page, "main", width)
        await review_shot(page, f"incident-{screen}")

        await page.goto("/alarms/incidents/")
        await expect(page.locator("[data-testid=incident-table] tbody tr")).to_have_count(3)
        await fits(page, "main", width)
        await review_shot(page, f"incidents-{screen}")

        await page.goto(f"/sites/{incidents['new'].site_id}/#devices")
        await expect(page.locator("[data-testid=site-devices] tbody tr")).to_have_count(1)
        await expect(page.locator("[data-testid=site-incidents] li")).to_have_count(1)
        await fits(page, "#devices, #alarms", width)
        await section_shot(page, "#devices", f"site-devices-{screen}")
        await section_shot(page, "#alarms", f"site-alarms-{screen}")


# --- The line drops and comes back ---------------------------------------------------------------------


class Line:
    """The console's WebSocket, routed through Playwright, so that the test decides when it connects.

    Chromium's offline emulation (``set_offline``) fires the page's ``offline`` event but leaves an
    open WebSocket open; whether a new one is refused is up to the emulation, so here the route
    refuses the page's attempts while the network is away.
    """

    def __init__(self) -> None:
        self.up = True

    async def route(self, socket) -> None:
        if self.up:
            socket.connect_to_server()
        else:
            await socket.close(code=1011, reason="no network")


async def test_a_dropped_line_is_said_and_the_incident_missed_meanwhile_shows_when_it_is_back(
    desktop_page, asgi_server, celery_worker, onenet, detector, operator
):
    page, line = desktop_page, Line()
    await page.route_web_socket(re.compile(r"/ws/console/$"), line.route)
    await log_in(page, operator)
    await page.goto("/alarms/console/")
    state = page.get_by_test_id("console-line")
    await expect(state).to_have_attribute("data-state", "live")
    await page.evaluate("window.consoleNotReloaded = true")

    # The network goes: the page says so at once, without waiting for its pings to fail.
    line.up = False
    await page.context.set_offline(True)
    await expect(state).to_have_attribute("data-state", "offline")

    # The kitchen's detector fires meanwhile: the push to the station reaches no console.
    await fire_alarm(asgi_server, onenet, KITCHEN)
    incident = await incident_of(detector, delivered=True)
    await expect(state).to_have_attribute("data-state", "offline")
    await expect(page.get_by_test_id("incident-card")).to_have_count(0)

    # Back: the page reconnects at once, and the snapshot brings the incident, alert and all, without a reload.
    line.up = True
    await page.context.set_offline(False)
    await expect(state).to_have_attribute("data-state", "live")
    await expect(card(page, incident)).to_have_attribute("data-status", "new")
    await expect(page.get_by_test_id("console-alert")).to_be_visible()
    assert await not_reloaded(page)
