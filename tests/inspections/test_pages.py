"""The office's inspection pages: an inspection's record and its PDF, its photos, the list, coverage,
campaigns, and the site file's section; per persona, as a user reads them."""

import io
import re
import uuid
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from inspections.models import Campaign, Inspection
from inspections.selectors import checklist_for_site
from inspections.services import campaign_create, inspection_submit
from tests.inspections.conftest import answers_for, body, in_days, version_of


def routine(site, user, *, failing=frozenset(), **extra) -> dict:
    return body(site, answers_for(checklist_for_site(site=site, user=user).versions, failing=failing), **extra)


@pytest.fixture
def recorded(site, grid_worker, uploaded):
    """The grid worker's inspection of the shop: EXT-01 failed with two photos, signed by the shopkeeper."""
    data = routine(site, grid_worker, failing={"EXT-01"})
    failing = next(item for item in data["items"] if item["version"] == version_of("EXT-01").pk)
    failing["photo_ids"] = uploaded(2)
    failing["note"] = "收银台下仅1具"
    [signature] = uploaded(1)
    data.update(signature_photo_id=signature, signer_name="张三")
    inspection = inspection_submit(acting_user=grid_worker, data=data)
    inspection.failing = failing
    return inspection


def text_of(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- The record -----------------------------------------------------------------------------------------

RECORD = {
    "grid_worker": 200,
    "colleague": 200,
    "staff": 200,
    "admin_user": 200,
    "operator": 200,
    "outsider": 404,
    "stranger": 404,
}


@pytest.mark.parametrize(("persona", "status"), RECORD.items())
def test_the_record_page_per_persona(request, client_for, recorded, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(recorded.get_absolute_url()).status_code == status
    assert client.get(reverse("inspections:inspection-pdf", args=[recorded.pk])).status_code == status
    photo = recorded.items.get(pk=recorded.failing["id"]).photos.first()
    assert client.get(reverse("inspections:inspection-photo", args=[recorded.pk, photo.pk])).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, recorded):
    response = client.get(recorded.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_record_shows_verdicts_clauses_photos_signature_and_the_hazard_raised(client_for, staff, recorded):
    response = client_for(staff).get(recorded.get_absolute_url())
    text = text_of(response)
    html = response.content.decode()
    assert "望江兰庭便利店" in text and "刘东" in text and "Routine check" in text
    assert "计算单元内配置的灭火器数量" in text and "1 具" in text and "1 < 要求的 2 具（GB 50140-2005 §6.1.1）" in text
    assert version_of("EXT-01").clause.text in text and "收银台下仅1具" in text
    item = recorded.items.get(pk=recorded.failing["id"])
    for photo in item.photos.all():
        assert reverse("inspections:inspection-photo", args=[recorded.pk, photo.pk]) + "?thumb=1" in html
    assert reverse("inspections:inspection-photo", args=[recorded.pk, recorded.signature_id]) in html and "张三" in text
    assert item.hazard.get_absolute_url() in html and "Hazard raised" in text
    assert html.count('data-testid="answer"') == recorded.items.count()


def test_a_photo_is_served_only_through_an_inspection_it_belongs_to(client_for, staff, recorded, site, grid_worker, uploaded):
    other = inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    photo = recorded.items.get(pk=recorded.failing["id"]).photos.first()
    client = client_for(staff)
    response = client.get(reverse("inspections:inspection-photo", args=[recorded.pk, photo.pk]) + "?thumb=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("inspections:inspection-photo", args=[other.pk, photo.pk])).status_code == 404
    [loose] = uploaded(1)
    assert client.get(reverse("inspections:inspection-photo", args=[recorded.pk, loose])).status_code == 404


def test_the_pdf_holds_the_chinese_record_with_its_photos(client_for, staff, recorded):
    from pypdf import PdfReader

    response = client_for(staff).get(reverse("inspections:inspection-pdf", args=[recorded.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for expected in (
        "望江兰庭便利店",
        "郭家桥北街1号",
        "计算单元内配置的灭火器数量",
        "1<要求的2具",
        "GB50140-2005§6.1.1",
        "刘东",
        "张三",
    ):
        assert expected in text, expected
    # Every page names the document's images; count each picture once.
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 3  # two photos of the failed item and the signature


# --- The list --------------------------------------------------------------------------------------------------


def test_the_list_shows_the_inspections_in_scope_with_filters(client_for, recorded, far_site, outsider, staff, grid_worker):
    inspection_submit(acting_user=outsider, data=routine(far_site, outsider))
    assert (
        client_for(grid_worker).get(reverse("inspections:inspection-list")).content.decode().count('data-testid="inspection-row"')
        == 1
    )
    client = client_for(staff)
    assert client.get(reverse("inspections:inspection-list")).content.decode().count('data-testid="inspection-row"') == 2
    failed = client.get(reverse("inspections:inspection-list"), {"failed": "true"}).content.decode()
    assert failed.count('data-testid="inspection-row"') == 1 and "望江兰庭便利店" in failed
    partial = client.get(reverse("inspections:inspection-list"), {"kind": "routine"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and partial.content.decode().count('data-testid="inspection-row"') == 2


def test_the_list_costs_the_same_queries_for_one_inspection_or_many(client_for, staff, site, grid_worker):
    client = client_for(staff)
    inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    client.get(reverse("inspections:inspection-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inspections:inspection-list"))
    for _ in range(5):
        inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("inspections:inspection-list"))
    assert response.content.decode().count('data-testid="inspection-row"') == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_no_filter_value_fails_the_list(client_for, staff, recorded):
    client = client_for(staff)
    for params in (
        {"since": "x"},
        {"inspector": "999999"},
        {"grid": "abc"},
        {"failed": "maybe"},
        {"page": "-1"},
        {"site": "\x00"},
    ):
        assert client.get(reverse("inspections:inspection-list"), params).status_code == 200, params


# --- Coverage -------------------------------------------------------------------------------------------------

COVERAGE = {"staff": 200, "admin_user": 200, "grid_worker": 403, "operator": 403, "outsider": 403}


@pytest.mark.parametrize(("persona", "status"), COVERAGE.items())
def test_coverage_is_the_offices(request, client_for, persona, status, site):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("inspections:coverage")).status_code == status
    assert client.get(reverse("inspections:coverage-sites")).status_code == status


def test_every_coverage_number_opens_a_list_of_as_many_sites(client_for, staff, site, neighbour_site, far_site, grid_worker):
    inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    client = client_for(staff)
    html = client.get(reverse("inspections:coverage"), {"by": "community"}).content.decode()
    links = re.findall(r'<a href="([^"]+)" data-status="(\w+)">(\d+)</a>', html)
    assert len(links) == 3 * 3  # two communities and the total, three numbers each
    for href, _status, number in links:
        listed = client.get(href.replace("&amp;", "&")).content.decode().count('data-testid="coverage-site"')
        assert listed == int(number), href
    assert ("望江社区" in html) and ("郭家桥社区" in html)


# --- Campaigns --------------------------------------------------------------------------------------------


def campaign_form(site, **overrides) -> dict:
    return {
        "name": "电动自行车专项检查",
        "description": "冬季消防专项",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": in_days(30).isoformat(),
        "items": [version_of("EXT-01").item_id, version_of("EXT-05").item_id],
        "sites": [site.pk],
        **overrides,
    }


def test_staff_create_edit_and_close_a_campaign_on_its_pages(client_for, staff, site, neighbour_site, community):
    client = client_for(staff)
    assert client.get(reverse("inspections:campaign-create")).status_code == 200
    response = client.post(reverse("inspections:campaign-create"), campaign_form(site, communities=[community.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert set(campaign.sites.all()) == {site, neighbour_site} and campaign.items.count() == 2
    assert campaign.created_by == staff
    response = client.post(
        reverse("inspections:campaign-edit", args=[campaign.pk]),
        campaign_form(site, name="改名", items=[version_of("EXT-01").item_id]),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "改名" and list(campaign.sites.all()) == [site] and campaign.items.count() == 1
    listing = client.get(reverse("inspections:campaign-list")).content.decode()
    assert "改名" in listing and "Running" in listing
    assert client.post(reverse("inspections:campaign-close", args=[campaign.pk])).status_code == 302
    campaign.refresh_from_db()
    assert not campaign.is_active and campaign.closed_at is not None
    assert "Closed" in client.get(reverse("inspections:campaign-list")).content.decode()


def test_a_campaign_form_with_errors_says_which_fields(client_for, staff, site):
    response = client_for(staff).post(
        reverse("inspections:campaign-create"), campaign_form(site, name="", ends_on="2000-01-01", items=[], sites=[])
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "items"):
        assert f'data-field="{field}"' in html
    assert html.count("errorlist") >= 2 and not Campaign.objects.exists()


@pytest.mark.parametrize("persona", ["grid_worker", "operator"])
def test_only_the_office_manages_campaigns(request, client_for, persona, site):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("inspections:campaign-list")).status_code == 403
    assert client.post(reverse("inspections:campaign-create"), campaign_form(site)).status_code == 403
    assert not Campaign.objects.exists()


def test_other_streets_staff_cannot_see_or_close_our_campaign(client_for, staff, stranger, site):
    with translation.override("en"):
        campaign = campaign_create(
            acting_user=staff, data=campaign_form(site, starts_on=timezone.localdate(), ends_on=in_days(9))
        )
    client = client_for(stranger)
    assert "电动自行车" not in client.get(reverse("inspections:campaign-list")).content.decode()
    assert client.post(reverse("inspections:campaign-close", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("inspections:campaign-edit", args=[campaign.pk])).status_code == 404


# --- The site file ---------------------------------------------------------------------------------------------


def test_the_site_file_shows_when_the_site_is_due_and_its_last_inspections(client_for, grid_worker, recorded, site):
    html = client_for(grid_worker).get(site.get_absolute_url()).content.decode()
    section = html[html.index('<section id="inspections">') : html.index('<section id="hazards">')]
    assert 'data-testid="inspection-schedule"' in section
    assert "Next check due" in section and "last checked" in section
    assert section.count('data-testid="site-inspection"') == 1 and recorded.get_absolute_url() in section
    assert "1 fails" in section or "1 fail" in section


def test_a_site_never_inspected_is_due_now(client_for, grid_worker, site):
    html = client_for(grid_worker).get(site.get_absolute_url()).content.decode()
    section = html[html.index('<section id="inspections">') : html.index('<section id="hazards">')]
    assert f"Next check due {timezone.localdate():%Y-%m-%d}" in re.sub(r"\s+", " ", section)
    assert "never checked" in section and "No inspection has been recorded for this site." in section


def test_the_navigation_offers_inspections_and_coverage_to_the_office(client_for, staff, grid_worker):
    staff_html = client_for(staff).get(reverse("inspections:inspection-list")).content.decode()
    assert f'href="{reverse("inspections:coverage")}"' in staff_html
    worker_html = client_for(grid_worker).get(reverse("enterprises:my-grid")).content.decode()
    assert f'href="{reverse("inspections:inspection-list")}"' in worker_html
    assert f'href="{reverse("inspections:coverage")}"' not in worker_html


def test_an_unknown_inspection_is_404(client_for, staff):
    assert client_for(staff).get(reverse("inspections:inspection-detail", args=[uuid.uuid4()])).status_code == 404
    assert Inspection.objects.count() == 0
