"""The drill-down street -> community -> grid -> site: who may open which level (404 outside the scope),
the ranking table one level down, a grid's sites each opening its file; where staff and admins start,
and the overview first in their menu."""

import re

import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, GridFactory, SiteFactory


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def other_street(stranger):
    """The other street's community and grid (九眼桥街道)."""
    grid = stranger.street.communities.get().grids.get()
    return {"street": stranger.street, "community": grid.community, "grid": grid}


def url(level, unit):
    return reverse(f"dashboards:overview-{level}", args=[unit.pk])


def test_staff_drill_down_from_the_street_to_a_site(month, client_for, staff, community, grid, site):
    client = client_for(staff)
    street_page = client.get(reverse("dashboards:overview")).content.decode()
    assert "<h1>望江路街道</h1>" in street_page
    assert f'href="{url("community", community)}"' in street_page
    community_page = client.get(url("community", community)).content.decode()
    assert "<h1>望江社区</h1>" in community_page and f'href="{url("grid", grid)}"' in community_page
    assert f'href="{reverse("dashboards:overview")}"' in community_page  # the breadcrumb back up
    grid_page = client.get(url("grid", grid)).content.decode()
    assert "<h1>望江社区 第一网格</h1>" in grid_page
    assert f'href="{site.get_absolute_url()}"' in grid_page
    assert client.get(site.get_absolute_url()).status_code == 200


def test_the_ranking_puts_the_worst_first_by_the_chosen_figure(month, client_for, staff):
    client = client_for(staff)
    names = re.compile(r'<tr data-testid="ranking-row">\s*<th scope="row" class="cell-name"><a href="[^"]+">([^<]+)</a>')
    # This year's rectification rate: 郭家桥社区 0.0 %, 望江社区 40.0 %.
    assert names.findall(client.get(reverse("dashboards:overview")).content.decode()) == ["郭家桥社区", "望江社区"]
    # Red sites: 望江社区 has the one.
    assert names.findall(client.get(reverse("dashboards:overview"), {"rank": "red"}).content.decode()) == [
        "望江社区",
        "郭家桥社区",
    ]
    assert client.get(reverse("dashboards:overview"), {"rank": "nonsense\x00"}).status_code == 200


@pytest.mark.parametrize(
    ("persona", "level", "unit", "status"),
    [
        ("staff", "street", "street", 200),
        ("staff", "community", "other_community", 200),
        ("staff", "grid", "far_grid", 200),
        ("staff", "street", "other:street", 404),
        ("staff", "community", "other:community", 404),
        ("staff", "grid", "other:grid", 404),
        ("grid_worker", "grid", "grid", 200),
        ("grid_worker", "community", "community", 200),
        ("grid_worker", "grid", "neighbour_grid", 404),
        ("grid_worker", "community", "other_community", 404),
        ("operator", "grid", "neighbour_grid", 200),
        ("operator", "grid", "far_grid", 404),
        ("operator", "community", "other_community", 404),
        ("stranger", "community", "community", 404),
        ("stranger", "grid", "grid", 404),
        ("admin_user", "street", "other:street", 200),
        ("admin_user", "grid", "other:grid", 200),
    ],
)
def test_an_area_outside_the_scope_is_not_found(request, month, other_street, client_for, persona, level, unit, status):
    if unit.startswith("other:"):
        target = other_street[unit.removeprefix("other:")]
    else:
        target = request.getfixturevalue(unit)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(level, target)).status_code == status


def test_a_page_that_does_not_exist_is_not_found(month, client_for, admin_user):
    client = client_for(admin_user)
    assert client.get("/overview/community/999999/").status_code == 404
    assert client.get("/overview/grid/999999/").status_code == 404


def test_an_admin_sees_every_street_and_drills_into_each(month, client_for, admin_user, street, other_street):
    client = client_for(admin_user)
    page = client.get(reverse("dashboards:overview")).content.decode()
    assert "<h1>All streets</h1>" in page
    assert f'href="{url("street", street)}"' in page and f'href="{url("street", other_street["street"])}"' in page
    street_page = client.get(url("street", other_street["street"])).content.decode()
    assert f'href="{url("community", other_street["community"])}"' in street_page


def test_a_grid_worker_with_one_grid_sees_its_sites_at_once(month, client_for, grid_worker, site):
    page = client_for(grid_worker).get(reverse("dashboards:overview")).content.decode()
    assert "<h1>望江社区 第一网格</h1>" in page and 'data-testid="grid-sites"' in page
    assert f'href="{site.get_absolute_url()}"' in page


def test_the_grid_page_lists_every_site_of_the_grid(client_for, staff, grid):
    for number in range(30):
        SiteFactory(grid=grid, name=f"网格商店{number:02d}")
    page = client_for(staff).get(url("grid", grid)).content.decode()
    assert page.count('data-testid="site-row"') == 30


@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [
        ("staff", "dashboards:overview"),
        ("admin_user", "dashboards:overview"),
        ("grid_worker", "inspections-phone:tasks"),
        ("operator", "alarms:console"),
    ],
)
def test_staff_and_admins_start_on_the_overview(request, client_for, persona, lands_on):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("home")).url == reverse(lands_on)


@pytest.mark.parametrize(
    ("persona", "first"), [("staff", True), ("admin_user", True), ("grid_worker", False), ("operator", False)]
)
def test_the_overview_comes_first_in_the_menu_of_staff_and_admins(request, client_for, persona, first):
    html = client_for(request.getfixturevalue(persona)).get(reverse("regulations:index")).content.decode()
    menu = re.findall(r'<li><a href="([^"]+)"', html[html.index('class="app-nav"') :])
    assert (menu[0] == reverse("dashboards:overview")) is first
    assert (reverse("dashboards:overview") in menu) is first


def test_a_community_with_no_site_shows_empty_panels(client_for, staff, street):
    empty = CommunityFactory(street=street, name="新建社区")
    GridFactory(community=empty, name="第一网格")
    response = client_for(staff).get(url("community", empty))
    assert response.status_code == 200
    assert "No operating site in this area." in response.content.decode()


def test_a_user_whose_scope_is_empty_sees_empty_panels(client_for, db):
    from accounts.models import User
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody", role=User.Role.STATION_OPERATOR)
    response = client_for(nobody).get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert response.context["figures"]["sites"]["total"] == 0
