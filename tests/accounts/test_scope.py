"""Who may see what (ARCHITECTURE.md): one rule, proved here on the pages.

The API goes through the same selectors; tests/api proves it there too.
"""

import pytest
from django.urls import reverse

from enterprises.selectors import site_list


def names(user):
    return set(site_list(user=user).values_list("name", flat=True))


@pytest.fixture
def sites(site, neighbour_site, far_site):
    return site, neighbour_site, far_site


def test_grid_worker_sees_own_grid_only(grid_worker, sites):
    assert names(grid_worker) == {"望江兰庭便利店"}


def test_colleague_in_same_grid_sees_the_same(colleague, sites):
    assert names(colleague) == {"望江兰庭便利店"}


def test_outsider_sees_only_their_far_grid(outsider, sites):
    assert names(outsider) == {"远方五金店"}


def test_street_staff_see_the_whole_street(staff, sites):
    assert names(staff) == {"望江兰庭便利店", "川味小面馆", "远方五金店"}


def test_staff_of_another_street_see_nothing(sites):
    from accounts.models import User
    from tests.factories import StreetFactory, UserFactory

    other = UserFactory(role=User.Role.STREET_STAFF, street=StreetFactory())
    assert names(other) == set()


def test_station_operator_sees_covered_grids(operator, sites):
    assert names(operator) == {"望江兰庭便利店", "川味小面馆"}


def test_admin_sees_everything(admin_user, sites):
    assert names(admin_user) == {"望江兰庭便利店", "川味小面馆", "远方五金店"}


def test_inactive_user_sees_nothing(grid_worker, sites):
    grid_worker.is_active = False
    assert names(grid_worker) == set()


@pytest.mark.parametrize("url_name", ["dashboards:site-file", "enterprises:site-qr", "enterprises:site-qr-svg"])
def test_outsider_gets_404_on_pages(client, outsider, site, url_name):
    client.force_login(outsider)
    assert client.get(reverse(url_name, args=[site.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["dashboards:site-file", "enterprises:site-qr", "enterprises:site-qr-svg"])
def test_grid_worker_opens_own_site_pages(client, grid_worker, site, url_name):
    client.force_login(grid_worker)
    assert client.get(reverse(url_name, args=[site.pk])).status_code == 200


def test_registry_page_lists_only_scope(client, operator, sites):
    client.force_login(operator)
    page = client.get(reverse("enterprises:site-list")).content.decode()
    assert "望江兰庭便利店" in page and "川味小面馆" in page
    assert "远方五金店" not in page


def test_my_grid_lists_only_own_grid(client, grid_worker, sites):
    client.force_login(grid_worker)
    page = client.get(reverse("enterprises:my-grid")).content.decode()
    assert "望江兰庭便利店" in page
    assert "川味小面馆" not in page and "远方五金店" not in page


def test_grid_filter_outside_scope_is_refused(client, grid_worker, far_grid, sites):
    client.force_login(grid_worker)
    assert client.get(reverse("enterprises:qr-sheet"), {"grid": far_grid.pk}).status_code == 404


def test_anonymous_is_sent_to_login(client, site):
    response = client.get(reverse("dashboards:site-file", args=[site.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_filtering_by_a_grid_outside_the_scope_shows_an_error_not_its_sites(client, grid_worker, far_grid, sites):
    client.force_login(grid_worker)
    response = client.get(reverse("enterprises:site-list"), {"grid": far_grid.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "远方五金店" not in html
    assert response.context["filter"].errors["grid"]
