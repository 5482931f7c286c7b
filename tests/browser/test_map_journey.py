"""The map and the wall screen in a real browser, without internet access: street office staff open the
map from the overview and see the street's outlines, its sites and an open fire drawn by Leaflet on a
plain ground, no request leaving the platform's own server and not one refusal of the Content Security
Policy; the wall screen fills 1920 x 1080 and 1366 x 768 without scrolling, and its panels are swapped
in place with the news."""

import json
import re
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from accounts.services import territory_boundaries_import
from alarms.models import Device, Incident
from alarms.services import integration_create
from enterprises.models import Site
from tests.alarms.conftest import preset
from tests.browser.conftest import DESKTOP, log_in, page_width, review_shot, wait_for_true
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from tests.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

WALL = {"viewport": {"width": 1920, "height": 1080}}


def square(lon: float, lat: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def outline(level: str, code: str, geometry: dict) -> None:
    data = json.dumps(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": code}, "geometry": geometry}]}
    )
    territory_boundaries_import(acting_user=None, level=level, data=data.encode())


def fire(site: Site, number: int) -> Incident:
    integration = integration_create(acting_user=None, platform="onenet", name=f"OneNET {number}").integration
    device = Device.objects.create(integration=integration, platform_device_id=f"M{number}", model=preset("onenet"), site=site)
    return Incident.objects.create(site=site, device=device)


@pytest.fixture
def street_map(street, community, grid, neighbour_grid, site, neighbour_site):
    """The street, its community and two grids outlined; the shop (red, on fire) and the noodle bar (orange) placed,
    a courtyard without coordinates."""
    outline("street", street.code, square(104.00, 30.60, 0.04))
    outline("community", community.code, square(104.01, 30.61, 0.02))
    outline("grid", grid.code, square(104.01, 30.61, 0.01))
    outline("grid", neighbour_grid.code, square(104.02, 30.61, 0.01))
    Site.objects.filter(pk=site.pk).update(latitude=Decimal("30.615"), longitude=Decimal("104.015"), risk_colour="red")
    Site.objects.filter(pk=neighbour_site.pk).update(
        latitude=Decimal("30.615"), longitude=Decimal("104.025"), risk_colour="orange"
    )
    SiteFactory(grid=grid, name="望江楼院落")
    fire(site, 1)
    return {"site": site, "neighbour_site": neighbour_site}


class Offline:
    """A browser context that lets requests reach the platform's own server only, and records every other
    one (a tile server, a CDN), every policy violation and every console error."""

    def __init__(self, context, origin: str):
        self.context = context
        self.origin = origin
        self.problems: list[str] = []

    @classmethod
    async def open(cls, browser, server, options) -> "Offline":
        context = await browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15_000)
        await context.add_init_script(RECORD_VIOLATIONS)
        offline = cls(context, server.url.rstrip("/"))
        await context.route("**/*", offline._route)
        return offline

    async def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith("data:") or url.startswith("blob:"):
            await route.continue_()
        else:
            self.problems.append(f"request off the platform: {url}")
            await route.abort()

    async def page(self):
        page = await self.context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"page error {error}"))
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"console {message.type}: {message.text}")
                if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico")
                else None
            ),
        )
        return page

    async def collect(self, page) -> None:
        self.problems.extend(f"violation {item}" for item in await page.evaluate("window.__cspViolations || []"))


async def drawn(page) -> dict:
    await wait_for_true(page, "Number(document.getElementById('map').dataset.loaded || 0) >= 1")
    return await page.evaluate("Object.assign({}, document.getElementById('map').dataset)")


async def test_staff_open_the_map_from_the_overview_and_see_the_street_drawn_offline(browser, asgi_server, staff, street_map):
    offline = await Offline.open(browser, asgi_server, DESKTOP)
    try:
        page = await offline.page()
        await log_in(page, staff)
        await page.goto("/overview/")
        await page.get_by_test_id("map-link").click()
        await page.wait_for_url("**/map/")
        data = await drawn(page)
        assert (data["outlines"], data["sites"], data["incidents"]) == ("4", "2", "1")
        # Leaflet drew the outlines and the fire as SVG paths, the sites on a canvas; no base map's tiles.
        assert await page.locator(".leaflet-outlines-pane path").count() == 4
        await expect(page.locator(".leaflet-incidents-pane path.map-incident")).to_have_count(1)
        assert await page.locator(".leaflet-sites-pane canvas").count() == 1
        assert await page.locator(".leaflet-tile").count() == 0
        await expect(page.locator('[data-legend-count="red"]')).to_have_text("1")
        await expect(page.locator('[data-legend-count="incidents"]')).to_have_text("1")
        await expect(page.get_by_test_id("unmapped")).to_contain_text("1 个营业场所未显示在地图上")
        # The fire's popup leads to the incident.
        await page.locator(".leaflet-incidents-pane path.map-incident").click(force=True)
        popup = page.locator(".leaflet-popup-content")
        await expect(popup).to_contain_text("望江兰庭便利店")
        await expect(popup.get_by_role("link", name="打开警情")).to_be_visible()
        await review_shot(page, "map-desktop")
        await offline.collect(page)
        assert offline.problems == []
    finally:
        await offline.context.close()


async def test_a_grid_worker_sees_only_their_grid_on_the_map(browser, asgi_server, grid_worker, street_map):
    offline = await Offline.open(
        browser, asgi_server, {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
    )
    try:
        page = await offline.page()
        await log_in(page, grid_worker)
        await page.goto("/map/")
        data = await drawn(page)
        assert (data["outlines"], data["sites"], data["incidents"]) == ("1", "1", "1")
        assert await page_width(page) <= 360
        await offline.collect(page)
        assert offline.problems == []
    finally:
        await offline.context.close()


async def test_a_large_scope_gathers_its_sites_into_clusters_in_the_colour_of_their_worst(
    browser, start_asgi_server, staff, street_map
):
    """A city's map (here: a server that clusters from two sites): the shop (red) and the
    noodle bar, made a blue site next door, make one cluster, red, saying 2."""
    server = await sync_to_async(start_asgi_server)(MAP_CLUSTER_FROM_SITES="2")
    await Site.objects.filter(pk=street_map["neighbour_site"].pk).aupdate(
        latitude=Decimal("30.6151"), longitude=Decimal("104.0151"), risk_colour="blue"
    )
    offline = await Offline.open(browser, server, DESKTOP)
    try:
        page = await offline.page()
        await log_in(page, staff)
        await page.goto("/map/")
        data = await drawn(page)
        assert (data["sites"], data["clustered"]) == ("2", "1")
        cluster = page.locator(".map-cluster")
        await expect(cluster).to_have_count(1)
        await expect(cluster).to_have_text("2")
        await expect(cluster).to_have_class(re.compile(r"\bmap-cluster-red\b"))
        await review_shot(page, "map-clustered-desktop")
        await offline.collect(page)
        assert offline.problems == []
    finally:
        await offline.context.close()


@pytest.mark.parametrize("viewport", [WALL, DESKTOP], ids=["1920x1080", "1366x768"])
async def test_the_wall_screen_fills_the_screen_and_takes_the_news_in_place(browser, asgi_server, staff, street_map, viewport):
    offline = await Offline.open(browser, asgi_server, viewport)
    try:
        page = await offline.page()
        await log_in(page, staff)
        await page.goto("/overview/")
        await page.get_by_test_id("wall-link").click()
        await page.wait_for_url("**/wall/")
        data = await drawn(page)
        assert data["incidents"] == "1"
        await expect(page.locator("[data-fullscreen]")).to_be_visible()
        await expect(page.get_by_test_id("wall-incidents")).to_contain_text("望江兰庭便利店")
        # Everything on one screen: nothing scrolls, either way.
        size = viewport["viewport"]
        assert await page_width(page) <= size["width"]
        assert await page.evaluate("document.documentElement.scrollHeight") <= size["height"]
        # A second fire; the panels' next poll (asked for now rather than in 30 s) swaps it in, the page stays.
        await page.evaluate("window.__samePage = true")
        await sync_to_async(fire)(street_map["neighbour_site"], 2)
        await page.evaluate(
            "htmx.ajax('GET', document.getElementById('wall-figures').getAttribute('hx-get'),"
            " {target: '#wall-figures', swap: 'outerHTML'})"
        )
        await expect(page.get_by_test_id("wall-incidents")).to_contain_text("川味小面馆")
        assert await page.evaluate("window.__samePage === true")
        await review_shot(page, f"wall-{size['width']}")
        await offline.collect(page)
        assert offline.problems == []
    finally:
        await offline.context.close()
