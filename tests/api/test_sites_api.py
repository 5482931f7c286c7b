"""The site registry through the API: scope, filters, writes through the services, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from accounts.selectors import REGISTRY_EDITORS_ONLY
from enterprises.models import Site, SiteChange
from enterprises.services import site_create
from riskplatform.exceptions import PermissionDeniedError
from tests.factories import CommunityFactory, GridFactory, SiteFactory, StreetFactory, UserFactory, category, credit_code


@pytest.fixture
def sites(site, neighbour_site, far_site):
    return site, neighbour_site, far_site


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


SCOPES = {
    "grid_worker": {"望江兰庭便利店"},
    "colleague": {"望江兰庭便利店"},
    "outsider": {"远方五金店"},
    "staff": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
    "operator": {"望江兰庭便利店", "川味小面馆"},
    "admin_user": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
}


@pytest.mark.parametrize(("persona", "expected"), SCOPES.items())
def test_list_shows_the_sites_in_scope(request, api, sites, persona, expected):
    assert listed(api(request.getfixturevalue(persona)).get("/api/sites/")) == expected


@pytest.mark.parametrize(("persona", "expected"), SCOPES.items())
def test_detail_outside_scope_answers_404(request, api, sites, persona, expected):
    client = api(request.getfixturevalue(persona))
    for a_site in sites:
        response = client.get(f"/api/sites/{a_site.pk}/")
        assert response.status_code == (200 if a_site.name in expected else 404), a_site.name


def test_detail_shows_the_whole_file(api, grid_worker, site, grid, community):
    body = api(grid_worker).get(f"/api/sites/{site.pk}/").json()
    assert body["id"] == site.pk
    assert body["name"] == "望江兰庭便利店"
    assert body["credit_code"] == site.credit_code
    assert body["address"] == "郭家桥北街1号"
    assert body["responsible_phone"] == "13800138000"
    assert body["floor_area"] == "80.0"
    assert body["status"] == "operating"
    assert body["category"] == {"id": site.category_id, "code": "XS01", "name": "小商店"}
    assert body["grid"] == {
        "id": grid.pk,
        "code": grid.code,
        "name": "第一网格",
        "community": {"id": community.pk, "name": "望江社区"},
    }
    assert body["url"] == f"http://testserver/sites/{site.pk}/"
    for field in (
        "latitude",
        "storeys",
        "capacity",
        "extinguisher_count",
        "has_sprinklers",
        "exit_count",
        "created_at",
        "updated_at",
    ):
        assert field in body


def test_unknown_site_answers_404(api, staff):
    assert api(staff).get("/api/sites/999999/").status_code == 404


# --- Filters ---------------------------------------------------------------------------


def test_search_by_name_and_by_credit_code(api, staff, sites, site):
    client = api(staff)
    assert listed(client.get("/api/sites/", {"q": "面馆"})) == {"川味小面馆"}
    assert listed(client.get("/api/sites/", {"q": site.credit_code})) == {"望江兰庭便利店"}


def test_filter_by_category(api, staff, sites, neighbour_site):
    neighbour_site.category = category("XS02")
    neighbour_site.save(update_fields=["category"])
    response = api(staff).get("/api/sites/", {"category": category("XS02").pk})
    assert listed(response) == {"川味小面馆"}


def test_filter_by_status(api, staff, sites, far_site):
    far_site.status = Site.Status.CLOSED
    far_site.save(update_fields=["status"])
    client = api(staff)
    assert listed(client.get("/api/sites/", {"status": "closed"})) == {"远方五金店"}
    assert listed(client.get("/api/sites/", {"status": "operating"})) == {"望江兰庭便利店", "川味小面馆"}


def test_filter_by_community_and_grid(api, staff, sites, other_community, neighbour_grid):
    client = api(staff)
    assert listed(client.get("/api/sites/", {"community": other_community.pk})) == {"远方五金店"}
    assert listed(client.get("/api/sites/", {"grid": neighbour_grid.pk})) == {"川味小面馆"}


def test_filters_combine_with_scope(api, grid_worker, sites):
    assert listed(api(grid_worker).get("/api/sites/", {"q": "面馆"})) == set()


def test_invalid_filter_answers_400_by_field(api, grid_worker, sites, far_grid):
    client = api(grid_worker)
    response = client.get("/api/sites/", {"status": "burning"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    # A grid outside the worker's scope is not a valid choice either.
    response = client.get("/api/sites/", {"grid": far_grid.pk})
    assert response.status_code == 400
    assert "grid" in response.json()["errors"]


# --- Pagination and query count --------------------------------------------------------


def test_list_is_paginated(api, staff, grid):
    SiteFactory.create_batch(7, grid=grid)
    body = api(staff).get("/api/sites/", {"page_size": 5}).json()
    assert body["count"] == 7
    assert len(body["results"]) == 5
    assert body["next"]


def test_list_query_count_does_not_grow_with_page_size(api, staff, grid, neighbour_grid, far_grid):
    kinds = [category(code) for code in ("XS01", "XS02", "RM01", "ZZ01", "GY01")]
    for n in range(60):
        SiteFactory(
            grid=(grid, neighbour_grid, far_grid)[n % 3], category=kinds[n % 5], floor_area=50, credit_code=credit_code(5000 + n)
        )
    client = api(staff)

    def count(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/sites/", {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(queries)

    small, large = count(5), count(50)
    assert small == large
    # Session, user, count and page: the rows' categories and grids come with the page. Then the grids
    # whose phones the user sees in full (accounts.personal_data), and the session's idle-time refresh
    # (SESSION_SAVE_EVERY_REQUEST: an UPDATE in a savepoint).
    assert large <= 8


# --- Writes ----------------------------------------------------------------------------


def new_site_data(in_grid, **overrides) -> dict:
    data = {
        "name": "锦江小厨",
        "credit_code": credit_code(777),
        "category": category("XS02").pk,
        "grid": in_grid.pk,
        "address": "望江路8号",
        "responsible_person": "李四",
        "responsible_phone": "139 0000 0000",
        "capacity": 40,
        "extinguisher_count": 2,
    }
    data.update(overrides)
    return data


def test_staff_creates_a_site_and_the_change_is_recorded(api, staff, grid):
    response = api(staff).post("/api/sites/", new_site_data(grid), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "锦江小厨"
    assert body["responsible_phone"] == "13900000000"
    assert body["category"]["code"] == "XS02"
    assert body["grid"]["id"] == grid.pk
    created = Site.objects.get(pk=body["id"])
    change = SiteChange.objects.get(site=created)
    assert change.action == SiteChange.Action.CREATED
    assert change.actor == staff
    assert change.changes["name"] == ["", "锦江小厨"]


def test_bad_check_character_answers_400_on_credit_code(api, staff, grid):
    good = credit_code(777)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api(staff).post("/api/sites/", new_site_data(grid, credit_code=bad), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert list(body["errors"]) == ["credit_code"]
    assert good[17] in body["errors"]["credit_code"][0]
    assert not Site.objects.filter(name="锦江小厨").exists()


def test_courtyard_is_created_without_a_credit_code(api, staff, grid):
    data = new_site_data(grid, name="望江花园院落", category=category("ZZ01").pk, credit_code="")
    response = api(staff).post("/api/sites/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] is None


def test_shop_without_a_credit_code_answers_400(api, staff, grid):
    response = api(staff).post("/api/sites/", new_site_data(grid, credit_code=""), format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]


def test_credit_code_of_another_site_answers_400(api, staff, grid, site):
    response = api(staff).post("/api/sites/", new_site_data(grid, credit_code=site.credit_code), format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]


def test_small_venue_over_its_limit_answers_400_on_capacity(api, staff, grid):
    response = api(staff).post("/api/sites/", new_site_data(grid, capacity=150), format="json")
    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]


def test_wrong_types_answer_400_in_the_same_shape(api, staff, grid):
    response = api(staff).post("/api/sites/", new_site_data(grid, storeys="many", grid=987654), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {"storeys", "grid"}


def test_missing_required_fields_answer_400(api, staff):
    response = api(staff).post("/api/sites/", {"name": "无名店"}, format="json")
    assert response.status_code == 400
    assert {"category", "grid", "address", "responsible_person", "responsible_phone"} <= set(response.json()["errors"])


@pytest.fixture
def other_street_grid(db):
    return GridFactory(community=CommunityFactory(street=StreetFactory(name="九眼桥街道", code="JYQ"), name="九眼桥社区"))


def test_staff_may_not_put_a_site_in_another_streets_grid(api, staff, site, other_street_grid):
    client = api(staff)
    response = client.patch(f"/api/sites/{site.pk}/", {"grid": other_street_grid.pk}, format="json")
    assert response.status_code == 400
    assert "grid" in response.json()["errors"]
    site.refresh_from_db()
    assert site.grid_id != other_street_grid.pk

    response = client.post("/api/sites/", new_site_data(other_street_grid), format="json")
    assert response.status_code == 400
    assert "grid" in response.json()["errors"]


def test_staff_patches_a_site(api, staff, site):
    response = api(staff).patch(f"/api/sites/{site.pk}/", {"status": "suspended", "exit_count": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "suspended"
    site.refresh_from_db()
    assert site.status == Site.Status.SUSPENDED
    assert site.exit_count == 2
    change = SiteChange.objects.get(site=site)
    assert change.actor == staff
    assert set(change.changes) == {"status", "exit_count"}


def test_admin_replaces_a_site_with_put(api, admin_user, site, neighbour_grid):
    data = new_site_data(
        neighbour_grid, name="望江兰庭超市", credit_code=site.credit_code, category=category("XS01").pk, floor_area="120.5"
    )
    del data["capacity"]
    response = api(admin_user).put(f"/api/sites/{site.pk}/", data, format="json")
    assert response.status_code == 200, response.content
    site.refresh_from_db()
    assert site.name == "望江兰庭超市"
    assert site.grid == neighbour_grid
    assert str(site.floor_area) == "120.5"


def test_put_without_required_fields_answers_400(api, staff, site):
    response = api(staff).put(f"/api/sites/{site.pk}/", {"name": "只改名字"}, format="json")
    assert response.status_code == 400
    assert "address" in response.json()["errors"]


def test_staff_of_another_street_gets_404_on_update(api, site):
    stranger = UserFactory(role=User.Role.STREET_STAFF, street=StreetFactory(name="九眼桥街道", code="JYQ"))
    assert api(stranger).patch(f"/api/sites/{site.pk}/", {"name": "改名"}, format="json").status_code == 404


@pytest.mark.parametrize("persona", ["grid_worker", "operator"])
def test_field_roles_may_not_write(request, api, site, grid, persona):
    client = api(request.getfixturevalue(persona))
    response = client.post("/api/sites/", new_site_data(grid), format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert client.patch(f"/api/sites/{site.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert client.put(f"/api/sites/{site.pk}/", new_site_data(grid), format="json").status_code == 403
    site.refresh_from_db()
    assert site.name == "望江兰庭便利店"
    assert not SiteChange.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_page_api_and_service_refuse_a_grid_worker_in_the_same_words(client, api, grid_worker, grid, language):
    """The rule "who may edit the registry" and its message live in accounts.selectors, once."""
    with translation.override(language):
        expected = str(REGISTRY_EDITORS_ONLY)
        with pytest.raises(PermissionDeniedError) as refused:
            site_create(acting_user=grid_worker, data=new_site_data(grid))
    assert refused.value.message == expected

    client.force_login(grid_worker)
    client.cookies["django_language"] = language
    page = client.get("/sites/new/")
    assert page.status_code == 403
    assert expected in page.content.decode()

    response = api(grid_worker).post("/api/sites/", new_site_data(grid), format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "detail": expected, "errors": {}}
    assert not Site.objects.exists()


def test_sites_are_never_deleted(api, admin_user, site):
    assert api(admin_user).delete(f"/api/sites/{site.pk}/").status_code == 405
    assert Site.objects.filter(pk=site.pk).exists()


def test_anonymous_may_neither_read_nor_write(api, site, grid):
    client = api()
    assert client.get("/api/sites/").status_code == 401
    assert client.get(f"/api/sites/{site.pk}/").status_code == 401
    assert client.post("/api/sites/", new_site_data(grid), format="json").status_code == 401
    assert Site.objects.count() == 1


def test_sites_show_and_filter_by_risk_colour(api, client, staff, sites, site, far_site):
    from enterprises.services import sites_risk_colour_set

    sites_risk_colour_set(colours={site.pk: "red", far_site.pk: "blue"})
    body = api(staff).get("/api/sites/", {"risk_colour": "red"}).json()
    assert [(row["name"], row["risk_colour"]) for row in body["results"]] == [("望江兰庭便利店", "red")]
    assert api(staff).get("/api/sites/", {"risk_colour": "purple"}).status_code == 400
    client.force_login(staff)
    page = client.get("/sites/", {"risk_colour": "blue"}).content.decode()
    assert "远方五金店" in page and "望江兰庭便利店" not in page and "badge-risk-blue" in page
