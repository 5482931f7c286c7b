"""The registry list and "my grid": search, filters, pagination, and no query per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Site
from tests.factories import SiteFactory, category


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_data(client, staff, grid, far_grid):
    client.force_login(staff)
    SiteFactory.create_batch(3, grid=grid)
    few = count_queries(client, reverse("enterprises:site-list"))
    SiteFactory.create_batch(60, grid=far_grid, category=category("ZZ01"), credit_code=None)
    many = count_queries(client, reverse("enterprises:site-list"))
    second_page = count_queries(client, reverse("enterprises:site-list"), {"page": 2})
    assert few == many == second_page


def test_my_grid_queries_do_not_grow_with_the_data(client, grid_worker, grid):
    client.force_login(grid_worker)
    SiteFactory.create_batch(2, grid=grid)
    few = count_queries(client, reverse("enterprises:my-grid"))
    SiteFactory.create_batch(40, grid=grid)
    assert count_queries(client, reverse("enterprises:my-grid")) == few


def test_search_matches_name_credit_code_address_and_contact(client, staff, grid):
    shop = SiteFactory(
        grid=grid, name="蓉城五金店", address="望江路35号", responsible_person="李四", responsible_phone="13900139000"
    )
    SiteFactory(grid=grid, name="川味小面馆", address="郭家桥北街5号")
    client.force_login(staff)
    for text in ["五金", shop.credit_code, "望江路35", "李四", "1390013"]:
        response = client.get(reverse("enterprises:site-list"), {"q": text})
        assert [site.name for site in response.context["page"].object_list] == ["蓉城五金店"], text


def test_filters_by_community_grid_category_and_status(client, staff, grid, far_grid):
    SiteFactory(grid=grid, name="甲店")
    SiteFactory(grid=far_grid, name="乙店", status=Site.Status.CLOSED)
    SiteFactory(grid=far_grid, name="丙院", category=category("ZZ01"), credit_code=None)
    client.force_login(staff)

    def names(**params):
        response = client.get(reverse("enterprises:site-list"), params)
        return sorted(site.name for site in response.context["page"].object_list)

    assert names(community=grid.community_id) == ["甲店"]
    assert names(grid=far_grid.pk) == ["丙院", "乙店"]
    assert names(category=category("ZZ01").pk) == ["丙院"]
    assert names(status=Site.Status.CLOSED) == ["乙店"]
    assert names(grid=far_grid.pk, status=Site.Status.OPERATING) == ["丙院"]


def test_list_is_paginated(client, staff, grid, settings):
    settings.REGISTRY_PAGE_SIZE = 10
    SiteFactory.create_batch(25, grid=grid)
    client.force_login(staff)
    response = client.get(reverse("enterprises:site-list"), {"page": 3})
    assert len(response.context["page"].object_list) == 5
    assert response.context["page"].paginator.count == 25


def test_htmx_search_returns_only_the_results(client, staff, site):
    client.force_login(staff)
    response = client.get(reverse("enterprises:site-list"), {"q": "兰庭"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and site.name in html
