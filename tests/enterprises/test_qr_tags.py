"""QR tags: each opens its site's file; a grid's sheet prints one tag per site."""

import pytest
import segno
from django.urls import reverse

from tests.factories import SiteFactory

PUBLIC = "https://safety.example.gov.cn"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = PUBLIC


def expected_svg(site, scale):
    url = f"{PUBLIC}/sites/tag/{site.qr_token}/"
    return segno.make(url, error="m").svg_inline(scale=scale, title=site.name, omitsize=True)


def test_site_tag_encodes_the_public_address_and_a_random_token(client, settings, grid_worker, site):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    client.force_login(grid_worker)
    # Printed from a workstation: the tag must not carry the workstation's own address.
    html = client.get(reverse("enterprises:site-qr", args=[site.pk]), HTTP_HOST="127.0.0.1").content.decode()
    assert expected_svg(site, 6) in html
    assert site.name in html and site.address in html
    assert "127.0.0.1" not in html


def test_tokens_are_random_not_sequential(grid):
    first, second = SiteFactory(grid=grid), SiteFactory(grid=grid)
    assert len(first.qr_token) >= 22 and first.qr_token != second.qr_token


def test_scanned_tag_opens_the_file_for_a_user_whose_scope_holds_it(client, grid_worker, site):
    client.force_login(grid_worker)
    response = client.get(f"/sites/tag/{site.qr_token}/")
    assert response.status_code == 302 and response.url == site.get_absolute_url()


def test_scanned_tag_asks_an_anonymous_phone_to_sign_in_first(client, site):
    response = client.get(f"/sites/tag/{site.qr_token}/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_scanned_tag_of_another_grid_or_a_guessed_token_is_404(client, outsider, site):
    client.force_login(outsider)
    assert client.get(f"/sites/tag/{site.qr_token}/").status_code == 404
    assert client.get(f"/sites/tag/{site.qr_token[:-1]}x/").status_code == 404


def test_grid_sheet_has_one_tag_per_site_of_that_grid(client, staff, grid, site, neighbour_site):
    others = SiteFactory.create_batch(3, grid=grid)
    client.force_login(staff)
    response = client.get(reverse("enterprises:qr-sheet"), {"grid": grid.pk})
    html = response.content.decode()
    assert len(response.context["tags"]) == 4
    for tagged in [site, *others]:
        assert expected_svg(tagged, 3) in html
    assert neighbour_site.name not in html


def test_sheet_asks_for_a_grid_when_the_user_has_several(client, staff, grid, neighbour_grid):
    client.force_login(staff)
    response = client.get(reverse("enterprises:qr-sheet"))
    assert response.status_code == 200
    assert response.context["grid"] is None and response.context["tags"] == []


def test_grid_worker_with_one_grid_gets_it_directly(client, grid_worker, site):
    client.force_login(grid_worker)
    response = client.get(reverse("enterprises:qr-sheet"))
    assert response.context["grid"] == site.grid
    assert len(response.context["tags"]) == 1


def test_qr_image_is_svg(client, grid_worker, site):
    client.force_login(grid_worker)
    response = client.get(reverse("enterprises:site-qr-svg", args=[site.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
