"""The map of a scope: its outlines, its operating sites by colour and its open incidents, each person
seeing their own scope only; the sites without coordinates listed as not on the map; as many queries
at 60 sites as at 12; a base map only where one is configured, its host then allowed by the Content
Security Policy."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.services import territory_boundaries_import
from alarms.models import Device, Incident
from enterprises.models import Site
from tests.alarms.conftest import preset
from tests.factories import CommunityFactory, GridFactory, SiteFactory, StreetFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.MAP_TILE_URL = ""


def square(lon: float, lat: float, size: float = 0.002) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def outline(level: str, code: str, geometry: dict) -> None:
    data = json.dumps(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": code}, "geometry": geometry}]}
    )
    territory_boundaries_import(acting_user=None, level=level, data=data.encode())


def incident(onenet, site: Site, status: str = Incident.Status.NEW) -> Incident:
    device = Device.objects.create(
        integration=onenet.integration, platform_device_id=f"D{site.pk}", model=preset("onenet"), site=site
    )
    return Incident.objects.create(site=site, device=device, status=status)


@pytest.fixture
def mapped(street, community, grid, neighbour_grid, far_grid, site, neighbour_site, far_site, onenet):
    """望江路街道 outlined down to its grids; the shop (red) and the noodle bar (orange) placed, each with an
    open fire; the hardware shop (第九网格) placed, its fire resolved; a courtyard without coordinates and a
    suspended shop; and 九眼桥街道 with its own outline, placed shop and open fire."""
    outline("street", street.code, square(104.0, 30.6, 0.1))
    outline("community", community.code, square(104.01, 30.61, 0.02))
    for index, each in enumerate((grid, neighbour_grid, far_grid)):
        outline("grid", each.code, square(104.01 + 0.005 * index, 30.61))
    Site.objects.filter(pk=site.pk).update(latitude=Decimal("30.611"), longitude=Decimal("104.011"), risk_colour="red")
    Site.objects.filter(pk=neighbour_site.pk).update(
        latitude=Decimal("30.611"), longitude=Decimal("104.016"), risk_colour="orange"
    )
    Site.objects.filter(pk=far_site.pk).update(latitude=Decimal("30.611"), longitude=Decimal("104.021"))
    SiteFactory(grid=grid, name="望江楼院落")  # no coordinates
    SiteFactory(
        grid=grid, name="停业小卖部", status=Site.Status.SUSPENDED, latitude=Decimal("30.612"), longitude=Decimal("104.012")
    )
    incident(onenet, site)
    incident(onenet, neighbour_site, Incident.Status.ON_SCENE)
    incident(onenet, far_site, Incident.Status.RESOLVED)
    other_street = StreetFactory(name="九眼桥街道", code="JYQ")
    other_grid = GridFactory(community=CommunityFactory(street=other_street, name="九眼桥社区"), name="第一网格")
    outline("street", "JYQ", square(105.0, 31.0, 0.1))
    outline("grid", other_grid.code, square(105.01, 31.01))
    other_shop = SiteFactory(grid=other_grid, name="九眼桥小商店", latitude=Decimal("31.011"), longitude=Decimal("105.011"))
    incident(onenet, other_shop)
    return {"other_grid": other_grid, "other_street": other_street}


def data_of(client, url: str = "") -> dict:
    response = client.get(url or reverse("dashboards:map-data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def site_names(data: dict) -> set[str]:
    index = data["site_fields"].index("name")
    return {row[index] for row in data["sites"]}


def outlines(data: dict) -> set[tuple[str, str]]:
    return {(feature["properties"]["level"], feature["properties"]["name"]) for feature in data["boundaries"]["features"]}


def fires(data: dict) -> set[str]:
    return {item["site"] for item in data["incidents"]}


def test_staff_see_their_street_its_communities_grids_sites_and_open_fires(client_for, staff, mapped):
    data = data_of(client_for(staff))
    assert outlines(data) == {
        ("street", "望江路街道"),
        ("community", "望江社区"),
        ("grid", "望江社区 第一网格"),
        ("grid", "望江社区 第二网格"),
        ("grid", "郭家桥社区 第九网格"),
    }
    assert site_names(data) == {"望江兰庭便利店", "川味小面馆", "远方五金店"}
    assert fires(data) == {"望江兰庭便利店", "川味小面馆"}
    shop = next(row for row in data["sites"] if row[4] == "望江兰庭便利店")
    assert shop[1:4] == [30.611, 104.011, "red"]
    assert data["counts"] == {
        "sites": 4,
        "mapped": 3,
        "unmapped": 1,
        "colours": {"red": 1, "orange": 1, "yellow": 0, "blue": 0, "none": 1},
        "incidents": 2,
        "incidents_unmapped": 0,
    }
    fire = next(item for item in data["incidents"] if item["site"] == "川味小面馆")
    assert fire["status_label"] == "On scene" and fire["url"].startswith("/alarms/incidents/")


def test_a_grid_worker_sees_their_own_grid_only(client_for, grid_worker, mapped):
    data = data_of(client_for(grid_worker))
    assert outlines(data) == {("grid", "望江社区 第一网格")}
    assert site_names(data) == {"望江兰庭便利店"}
    assert fires(data) == {"望江兰庭便利店"}


def test_a_grid_worker_of_two_grids_sees_their_grids_outlines_only(client_for, grid_worker, neighbour_grid, mapped):
    grid_worker.grids.add(neighbour_grid)
    data = data_of(client_for(grid_worker))
    assert outlines(data) == {("grid", "望江社区 第一网格"), ("grid", "望江社区 第二网格")}
    assert site_names(data) == {"望江兰庭便利店", "川味小面馆"}


def test_a_grid_worker_of_another_grid_sees_none_of_it(client_for, outsider, mapped):
    data = data_of(client_for(outsider))
    assert outlines(data) == {("grid", "郭家桥社区 第九网格")}
    assert site_names(data) == {"远方五金店"}
    assert fires(data) == set()


def test_staff_of_another_street_see_their_street_only(client_for, mapped):
    stranger = UserFactory(role=User.Role.STREET_STAFF, street=mapped["other_street"])
    client = client_for(stranger)
    data = data_of(client)
    assert outlines(data) == {("street", "九眼桥街道"), ("grid", "九眼桥社区 第一网格")}
    assert site_names(data) == {"九眼桥小商店"}
    assert fires(data) == {"九眼桥小商店"}


def test_a_station_operator_sees_the_grids_it_covers(client_for, operator, mapped):
    data = data_of(client_for(operator))
    assert outlines(data) == {("grid", "望江社区 第一网格"), ("grid", "望江社区 第二网格")}
    assert site_names(data) == {"望江兰庭便利店", "川味小面馆"}
    assert fires(data) == {"望江兰庭便利店", "川味小面馆"}


def test_an_admin_sees_every_street(client_for, admin_user, mapped):
    data = data_of(client_for(admin_user))
    assert {name for level, name in outlines(data) if level == "street"} == {"望江路街道", "九眼桥街道"}
    assert fires(data) == {"望江兰庭便利店", "川味小面馆", "九眼桥小商店"}


def test_one_unit_of_the_scope_and_none_outside_it(client_for, staff, community, grid, mapped):
    client = client_for(staff)
    data = data_of(client, reverse("dashboards:map-unit-data", args=["grid", grid.pk]))
    assert outlines(data) == {("grid", "望江社区 第一网格")}
    assert site_names(data) == {"望江兰庭便利店"}
    data = data_of(client, reverse("dashboards:map-unit-data", args=["community", community.pk]))
    assert site_names(data) == {"望江兰庭便利店", "川味小面馆"}
    assert ("street", "望江路街道") not in outlines(data)
    other = mapped["other_grid"]
    assert client.get(reverse("dashboards:map-unit-data", args=["grid", other.pk])).status_code == 404
    assert client.get(reverse("dashboards:map-unit", args=["grid", other.pk])).status_code == 404
    assert client.get(reverse("dashboards:map-unit-data", args=["planet", grid.pk])).status_code == 404


def test_a_visitor_gets_no_data(client, mapped):
    response = client.get(reverse("dashboards:map-data"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.get(reverse("dashboards:map-data"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and response["HX-Redirect"].startswith(reverse("login"))
    assert b"\xe6" not in response.content  # no name of anything
    assert client.get(reverse("dashboards:map")).status_code == 302


def test_the_page_lists_the_sites_not_on_the_map(client_for, staff, mapped):
    page = client_for(staff).get(reverse("dashboards:map"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 operating site is not on the map" in text
    assert "望江楼院落" in text
    config = json.loads(text.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["dataUrl"] == reverse("dashboards:map-data")
    assert config["tiles"] is None
    # Leaflet and the page's script load from files (no inline script: the Content Security Policy).
    assert "vendor/leaflet/leaflet.js" in text and "js/map.js" in text
    assert "<script>" not in text


def directive(response, name: str) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def test_the_map_is_drawn_on_a_plain_ground_unless_a_tile_server_is_set(client_for, staff, settings, street):
    client = client_for(staff)
    assert directive(client.get(reverse("dashboards:map")), "img-src") == ["'self'", "data:", "blob:"]
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 示例地图"
    response = client.get(reverse("dashboards:map"))
    assert directive(response, "img-src") == ["'self'", "data:", "blob:", "https://*.tiles.example.org"]
    assert "tiles.example.org" not in " ".join(directive(response, "connect-src") + directive(response, "script-src"))
    text = response.content.decode()
    config = json.loads(text.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tiles"] == {
        "url": "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© 示例地图",
        "subdomains": "abc",
        "maxZoom": 18,
    }


def test_an_intranet_tile_server_on_a_port_is_allowed_as_it_is(client_for, staff, settings, street):
    settings.MAP_TILE_URL = "http://gis.street.local:8080/tiles/{z}/{x}/{y}.png"
    assert "http://gis.street.local:8080" in directive(client_for(staff).get(reverse("dashboards:map")), "img-src")


def test_an_incident_at_a_site_without_coordinates_is_counted_apart(client_for, staff, onenet, grid):
    incident(onenet, SiteFactory(grid=grid, name="无坐标商店"))
    data = data_of(client_for(staff))
    assert data["incidents"] == []
    assert data["counts"]["incidents"] == 1 and data["counts"]["incidents_unmapped"] == 1


def grow(*, grids, count: int, start: int, onenet) -> None:
    """``count`` placed sites spread over ``grids``, every third with an open fire, every fifth without coordinates."""
    for number in range(start, start + count):
        placed = number % 5 != 0
        site = SiteFactory(
            grid=grids[number % len(grids)],
            risk_colour=("red", "orange", "yellow", "blue", "")[number % 5],
            latitude=Decimal("30.61") + Decimal(number) / 10000 if placed else None,
            longitude=Decimal("104.01") if placed else None,
        )
        if number % 3 == 0:
            incident(onenet, site)


def queries_of(client, url: str, **headers) -> int:
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, **headers).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "admin_user", "grid_worker", "operator"])
def test_the_map_and_the_wall_take_as_many_queries_at_60_sites_as_at_12(
    request, client_for, persona, grid, neighbour_grid, far_grid, onenet, staff
):
    client = client_for(request.getfixturevalue(persona))
    for each in (grid, neighbour_grid, far_grid):
        outline("grid", each.code, square(104.01, 30.61))
    urls = [
        (reverse("dashboards:map-data"), {}),
        (reverse("dashboards:map"), {}),
        (reverse("dashboards:wall"), {}),
        (reverse("dashboards:wall-panels"), {"HTTP_HX_REQUEST": "true"}),
    ]
    grow(grids=[grid, neighbour_grid, far_grid], count=12, start=0, onenet=onenet)
    few = [queries_of(client, url, **headers) for url, headers in urls]
    grow(grids=[grid, neighbour_grid, far_grid], count=48, start=12, onenet=onenet)
    many = [queries_of(client, url, **headers) for url, headers in urls]
    assert few == many
    assert len(data_of(client)["sites"]) > 10


def test_the_overview_links_to_the_map_and_the_wall_of_the_same_unit(client_for, staff, community, grid):
    client = client_for(staff)
    text = client.get(reverse("dashboards:overview")).content.decode()
    assert f'href="{reverse("dashboards:map")}"' in text and f'href="{reverse("dashboards:wall")}"' in text
    text = client.get(reverse("dashboards:overview-community", args=[community.pk])).content.decode()
    assert f'href="{reverse("dashboards:map-unit", args=["community", community.pk])}"' in text
    assert f'href="{reverse("dashboards:wall-unit", args=["community", community.pk])}"' in text
    # Leaflet loads on the map and the wall only.
    assert "leaflet" not in text


def test_the_grid_workers_phone_pages_load_no_map_library(client_for, grid_worker, site):
    client = client_for(grid_worker)
    for name in ("inspections-phone:tasks", "enterprises:my-grid"):
        assert "leaflet" not in client.get(reverse(name)).content.decode()
