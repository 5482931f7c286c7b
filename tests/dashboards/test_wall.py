"""The wall screen: the overview's key figures, the map and the open incidents in large type for the
street's leaders; its panels read again by htmx polling (a fragment, never a page reload), each
person's of their own scope only."""

import re

import pytest
from django.urls import reverse

from alarms.models import Incident
from tests.dashboards.conftest import at, fire_alarm


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.WALL_REFRESH_SECONDS = 30


def incident_sites(html: str) -> list[str]:
    return re.findall(r'class="wall-incident-site">([^<]+)</a>', html)


def test_staff_see_their_streets_wall(month, client_for, staff):
    response = client_for(staff).get(reverse("dashboards:wall"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>望江路街道" in html
    # Six operating sites (the suspended shop apart), the shop red.
    assert re.search(r'Operating sites <span class="wall-total">6</span>', html)
    assert re.search(
        r'<li class="wall-tile tile-red"><span class="wall-number">1</span><span class="wall-label">Red</span>', html
    )
    # Three open incidents, the newest first: I5 and I1 at the shop today, I4 at the hardware shop in October.
    assert re.search(r'Open incidents <span class="wall-total wall-alert">3</span>', html)
    assert incident_sites(html) == ["望江兰庭便利店", "望江兰庭便利店", "远方五金店"]
    assert "九眼桥小商店" not in html
    # Refreshed in place every 30 s, a button for the full screen, the map from its scoped data.
    assert f'hx-get="{reverse("dashboards:wall-panels")}" hx-trigger="every 30s" hx-swap="outerHTML"' in html
    assert "data-fullscreen" in html and "js/wall.js" in html and "vendor/htmx/htmx.min.js" in html
    assert f'"dataUrl": "{reverse("dashboards:map-data")}"' in html and '"refreshSeconds": 30' in html
    assert "<script>" not in html and "onclick" not in html


def test_the_polled_fragment_is_the_panels_alone_with_the_incidents_out_of_band(month, client_for, staff, onenet):
    client = client_for(staff)
    response = client.get(reverse("dashboards:wall-panels"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<header" not in html and 'id="map"' not in html
    assert html.count('<section class="wall-panel wall-figures"') == 1
    assert re.search(r'<section class="wall-panel wall-side" id="wall-side" data-testid="wall-side" hx-swap-oob="true"', html)
    assert re.search(r'Open incidents <span class="wall-total wall-alert">3</span>', html)
    # A fire at the noodle bar: the next poll shows it, without the page being loaded again.
    bar_detector = month["incidents"][2].device
    fire_alarm(onenet, bar_detector, at(11, 20, 10, 0))
    html = client.get(reverse("dashboards:wall-panels"), HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'Open incidents <span class="wall-total wall-alert">4</span>', html)
    assert incident_sites(html)[0] == "川味小面馆"
    assert "just now" in html


def test_with_no_open_incident_the_wall_says_so(month, client_for, staff):
    Incident.objects.filter(status__in=Incident.OPEN_STATUSES).update(status=Incident.Status.RESOLVED)
    html = client_for(staff).get(reverse("dashboards:wall")).content.decode()
    assert "No open incident." in html
    assert re.search(r'Open incidents <span class="wall-total">0</span>', html)


def test_a_grid_worker_sees_their_grids_only(month, client_for, grid_worker):
    html = client_for(grid_worker).get(reverse("dashboards:wall")).content.decode()
    assert incident_sites(html) == ["望江兰庭便利店", "望江兰庭便利店"]
    assert "远方五金店" not in html


def test_staff_of_another_street_see_theirs_and_never_ours(month, client_for, stranger, street, grid):
    client = client_for(stranger)
    html = client.get(reverse("dashboards:wall")).content.decode()
    assert incident_sites(html) == ["九眼桥小商店"]
    assert "望江兰庭便利店" not in html
    for name, args in (("dashboards:wall-unit", ["street", street.pk]), ("dashboards:wall-unit-panels", ["grid", grid.pk])):
        assert client.get(reverse(name, args=args)).status_code == 404


def test_one_community_on_the_wall(month, client_for, staff, other_community):
    html = client_for(staff).get(reverse("dashboards:wall-unit", args=["community", other_community.pk])).content.decode()
    assert "<h1>郭家桥社区" in html
    assert incident_sites(html) == ["远方五金店"]
    assert f'hx-get="{reverse("dashboards:wall-unit-panels", args=["community", other_community.pk])}"' in html


def test_a_signed_out_wall_goes_to_the_sign_in_page(client, street):
    response = client.get(reverse("dashboards:wall"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # A poll of a page whose sign-in ended is not swapped into a panel: htmx is sent to the sign-in page.
    response = client.get(
        reverse("dashboards:wall-panels"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/wall/"
    )
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("login")) and "wall" in response["HX-Redirect"]
    assert response.content == b""


def test_the_refresh_interval_is_a_setting(month, client_for, staff, settings):
    settings.WALL_REFRESH_SECONDS = 15
    html = client_for(staff).get(reverse("dashboards:wall")).content.decode()
    assert 'hx-trigger="every 15s"' in html and '"refreshSeconds": 15' in html
