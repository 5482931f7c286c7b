"""The territory endpoints answer within each persona's scope, like the pages."""

import pytest

from tests.factories import CommunityFactory, FireStationFactory, GridFactory, StreetFactory


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def other_street_grid(db):
    """A grid of another street, which nobody of 望江路街道 sees."""
    return GridFactory(
        community=CommunityFactory(street=StreetFactory(name="九眼桥街道", code="JYQ"), name="九眼桥社区"), name="第五网格"
    )


@pytest.fixture
def far_station(street, far_grid):
    return FireStationFactory(street=street, name="郭家桥微型消防站", grids=[far_grid])


@pytest.fixture
def other_street_station(other_street_grid):
    return FireStationFactory(street=other_street_grid.community.street, name="九眼桥微型消防站", grids=[other_street_grid])


@pytest.fixture
def territory(grid, neighbour_grid, far_grid, other_street_grid, station, far_station, other_street_station):
    """Every grid and station of the personas exists, so a scope that leaks would show it."""


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"第一网格"}),
        ("colleague", {"第一网格"}),
        ("outsider", {"第九网格"}),
        ("staff", {"第一网格", "第二网格", "第九网格"}),
        ("operator", {"第一网格", "第二网格"}),
        ("admin_user", {"第一网格", "第二网格", "第九网格", "第五网格"}),
    ],
)
def test_grids_are_listed_within_scope(request, api, territory, persona, expected):
    assert names(api(request.getfixturevalue(persona)).get("/api/grids/")) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"望江社区"}),
        ("outsider", {"郭家桥社区"}),
        ("staff", {"望江社区", "郭家桥社区"}),
        ("operator", {"望江社区"}),
        ("admin_user", {"望江社区", "郭家桥社区", "九眼桥社区"}),
    ],
)
def test_communities_are_listed_within_scope(request, api, territory, persona, expected):
    assert names(api(request.getfixturevalue(persona)).get("/api/communities/")) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"望江路街道"}),
        ("staff", {"望江路街道"}),
        ("operator", {"望江路街道"}),
        ("admin_user", {"望江路街道", "九眼桥街道"}),
    ],
)
def test_streets_are_listed_within_scope(request, api, territory, persona, expected):
    assert names(api(request.getfixturevalue(persona)).get("/api/streets/")) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"望江路微型消防站"}),
        ("colleague", {"望江路微型消防站"}),
        ("outsider", {"郭家桥微型消防站"}),
        ("staff", {"望江路微型消防站", "郭家桥微型消防站"}),
        ("operator", {"望江路微型消防站"}),
        ("admin_user", {"望江路微型消防站", "郭家桥微型消防站", "九眼桥微型消防站"}),
    ],
)
def test_stations_are_listed_within_scope(request, api, territory, persona, expected):
    assert names(api(request.getfixturevalue(persona)).get("/api/stations/")) == expected


def test_grid_shows_its_community(api, grid_worker, grid, community):
    row = api(grid_worker).get(f"/api/grids/{grid.pk}/").json()
    assert row == {"id": grid.pk, "code": grid.code, "name": "第一网格", "community": {"id": community.pk, "name": "望江社区"}}


def test_station_lists_the_grids_it_covers(api, operator, station, grid, neighbour_grid):
    row = api(operator).get(f"/api/stations/{station.pk}/").json()
    assert row["name"] == "望江路微型消防站"
    assert row["phone"] == station.phone
    assert sorted(row["grids"]) == sorted([grid.pk, neighbour_grid.pk])


def test_station_covering_two_of_my_grids_is_listed_once(api, grid_worker, grid, neighbour_grid, station):
    grid_worker.grids.add(neighbour_grid)
    response = api(grid_worker).get("/api/stations/")
    assert [row["name"] for row in response.json()["results"]] == ["望江路微型消防站"]


def test_grids_filter_by_community(api, staff, territory, community):
    assert names(api(staff).get("/api/grids/", {"community": community.pk})) == {"第一网格", "第二网格"}


def test_territory_outside_scope_answers_404(api, grid_worker, territory, far_grid, other_community, far_station):
    client = api(grid_worker)
    assert client.get(f"/api/grids/{far_grid.pk}/").status_code == 404
    assert client.get(f"/api/communities/{other_community.pk}/").status_code == 404
    assert client.get(f"/api/stations/{far_station.pk}/").status_code == 404


def test_inactive_user_sees_no_stations(api, grid_worker, station):
    client = api(grid_worker)
    grid_worker.is_active = False
    grid_worker.save(update_fields=["is_active"])
    assert client.get("/api/stations/").status_code == 401


def test_categories_are_readable_by_every_signed_in_user(api, outsider):
    response = api(outsider).get("/api/categories/", {"page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 36
    small_shop = next(row for row in body["results"] if row["code"] == "XS01")
    assert small_shop["name"] == "小商店"
    assert small_shop["group"] == "nine_small"
    assert small_shop["limit_kind"] == "floor_area"
    assert small_shop["limit_value"] == 300
    assert small_shop["requires_credit_code"] is True
    courtyard = next(row for row in body["results"] if row["code"] == "ZZ01")
    assert courtyard["requires_credit_code"] is False
    assert courtyard["limit_value"] is None


@pytest.mark.parametrize("path", ["/api/streets/", "/api/communities/", "/api/grids/", "/api/stations/", "/api/categories/"])
def test_anonymous_gets_no_territory(api, territory, path):
    assert api().get(path).status_code == 401


@pytest.mark.parametrize("path", ["/api/grids/", "/api/stations/", "/api/categories/"])
def test_territory_is_read_only(api, admin_user, path):
    assert api(admin_user).post(path, {"name": "x"}, format="json").status_code == 405
