"""QR tags: each opens its site's file; a grid's sheet prints one tag per site."""

import segno
from django.urls import reverse

from tests.factories import SiteFactory


def expected_svg(site, scale):
    url = f"http://testserver{site.get_absolute_url()}"
    return segno.make(url, error="m").svg_inline(scale=scale, title=site.name, omitsize=True)


def test_site_tag_encodes_the_address_of_its_file(client, grid_worker, site):
    client.force_login(grid_worker)
    html = client.get(reverse("enterprises:site-qr", args=[site.pk])).content.decode()
    assert expected_svg(site, 6) in html
    assert site.name in html and site.address in html


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
