"""Inspections through the API, as the phone's queue sends them: stored (201), resent (200), refused in the
one error shape with item paths; listed and read per persona."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.models import Hazard
from inspections.models import Inspection, InspectionItem
from inspections.selectors import checklist_for_site
from inspections.services import inspection_submit
from tests.inspections.conftest import answers_for, body, version_of


def routine(site, user, **options) -> dict:
    return body(site, answers_for(checklist_for_site(site=site, user=user).versions, **options))


def post(client, data):
    return client.post("/api/inspections/", data, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_a_submission_is_stored_and_answered_with_its_verdicts_and_hazards(api, site, grid_worker, uploaded):
    data = routine(site, grid_worker, failing={"EXT-01"})
    failing = next(item for item in data["items"] if item["version"] == version_of("EXT-01").pk)
    failing["photo_ids"] = uploaded(1)
    response = post(api(grid_worker), data)
    assert response.status_code == 201, response.content
    stored = response.json()
    assert stored["id"] == data["id"] and stored["kind"] == "routine"
    assert stored["site"] == {"id": site.pk, "name": site.name}
    assert stored["inspector"] == {"id": grid_worker.pk, "name": "刘东"}
    assert stored["counts"] == {"passed": len(data["items"]) - 1, "failed": 1, "not_applicable": 0, "hazards_raised": 1}
    assert stored["url"] == f"/inspections/{data['id']}/" and stored["pdf_url"] == f"/inspections/{data['id']}.pdf"
    item = next(item for item in stored["items"] if item["id"] == failing["id"])
    hazard = Hazard.objects.get()
    assert item["verdict"] == "fail" and item["hazard"] == hazard.pk and item["answer"] == 1
    assert item["code"] == "EXT-01" and item["citation"] == "GB 50140-2005 §6.1.1"
    assert item["photo_ids"] == failing["photo_ids"]
    assert [entry["position"] for entry in stored["items"]] == list(range(1, len(data["items"]) + 1))


def test_a_resend_answers_200_with_the_stored_inspection_and_stores_nothing(api, site, grid_worker):
    client = api(grid_worker)
    data = routine(site, grid_worker, failing={"EXT-02"})
    first = post(client, data)
    counts = (Inspection.objects.count(), InspectionItem.objects.count(), Hazard.objects.count())
    again = post(client, {**data, "items": data["items"][:3]})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (Inspection.objects.count(), InspectionItem.objects.count(), Hazard.objects.count()) == counts


def test_the_same_id_from_a_colleague_is_a_conflict(api, site, grid_worker, colleague):
    data = routine(site, grid_worker)
    post(api(grid_worker), data)
    response = post(api(colleague), data)
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert set(response.json()["errors"]) == {"id"}


def test_bad_answers_are_named_by_their_item_path_in_the_one_error_shape(api, site, grid_worker):
    data = routine(site, grid_worker)
    data["items"][3]["answer"] = "lots"
    data["items"][5]["not_applicable"] = True
    data["items"][5]["answer"] = None
    response = post(api(grid_worker), data)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid" and error["detail"] == "The inspection was not stored; correct the fields marked."
    assert set(error["errors"]) == {"items.3.answer", "items.5.not_applicable_reason"}
    assert not Inspection.objects.exists()


def test_a_malformed_body_is_a_parse_error_and_a_form_is_refused(api, grid_worker):
    client = api(grid_worker)
    response = client.post("/api/inspections/", "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = client.post("/api/inspections/", {"site": "1"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    response = client.post("/api/inspections/", [1, 2], format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


SUBMIT = {
    "grid_worker": 201,
    "colleague": 201,
    "staff": 201,
    "admin_user": 201,
    "operator": 403,
    "outsider": 404,
    "stranger": 404,
}


@pytest.mark.parametrize(("persona", "status"), SUBMIT.items())
def test_who_may_submit(request, api, site, grid_worker, persona, status):
    user = request.getfixturevalue(persona)
    response = post(api(user), routine(site, grid_worker))
    assert response.status_code == status, response.content
    assert Inspection.objects.count() == (1 if status == 201 else 0)


def test_anonymous_submission_is_refused(api, site, grid_worker):
    response = post(api(), routine(site, grid_worker))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# --- Reading ----------------------------------------------------------------------------------------------


@pytest.fixture
def inspections(site, neighbour_site, far_site, grid_worker, staff, outsider):
    """One inspection at each of the three sites, by whoever may inspect it."""
    made = {}
    for a_site, user in ((site, grid_worker), (neighbour_site, staff), (far_site, outsider)):
        made[a_site.name] = inspection_submit(acting_user=user, data=routine(a_site, user))
    return made


SEES = {
    "grid_worker": {"望江兰庭便利店"},
    "colleague": {"望江兰庭便利店"},
    "outsider": {"远方五金店"},
    "staff": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
    "operator": {"望江兰庭便利店", "川味小面馆"},
    "admin_user": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
    "stranger": set(),
}


@pytest.mark.parametrize(("persona", "expected"), SEES.items())
def test_the_list_and_each_record_are_scoped(request, api, inspections, persona, expected):
    client = api(request.getfixturevalue(persona))
    response = client.get("/api/inspections/")
    assert response.status_code == 200
    assert {row["site"]["name"] for row in response.json()["results"]} == expected
    for name, inspection in inspections.items():
        detail = client.get(f"/api/inspections/{inspection.pk}/")
        assert detail.status_code == (200 if name in expected else 404), name


def test_the_list_filters_by_site_inspector_and_date(api, staff, inspections, site, grid_worker):
    client = api(staff)

    def names(**params):
        return {row["site"]["name"] for row in client.get("/api/inspections/", params).json()["results"]}

    assert names(site=site.pk) == {"望江兰庭便利店"}
    assert names(inspector=grid_worker.pk) == {"望江兰庭便利店"}
    today = timezone.localdate()
    assert len(names(since=today.isoformat())) == 3
    assert names(since=(today + datetime.timedelta(days=1)).isoformat()) == set()
    assert client.get("/api/inspections/", {"since": "soon"}).status_code == 400


def test_the_list_costs_the_same_queries_for_one_inspection_or_many(api, staff, site, grid_worker):
    client = api(staff)
    inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    with CaptureQueriesContext(connection) as one:
        client.get("/api/inspections/")
    for _ in range(4):
        inspection_submit(acting_user=grid_worker, data=routine(site, grid_worker))
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/inspections/")
    assert response.json()["count"] == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_an_unknown_or_malformed_id_is_404(api, staff):
    client = api(staff)
    assert client.get(f"/api/inspections/{uuid.uuid4()}/").status_code == 404
    assert client.get("/api/inspections/not-an-id/").status_code == 404


def test_the_inspection_endpoints_are_in_the_schema(api, staff):
    schema = api(staff).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/inspections/", "/api/inspections/{id}/", "/api/inspections/checklist/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/inspections/"]
