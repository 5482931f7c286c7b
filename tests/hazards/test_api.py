"""Hazards through the JSON API: the list in each persona's scope with its filters and a flat query
count, one hazard with its timeline, notices, plan and the user's steps, recording a hazard with
photos uploaded first, and the schema."""

import datetime
import uuid

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards import services
from hazards.models import Hazard
from tests.factories import category
from tests.hazards.conftest import in_days, photo


def upload(client) -> str:
    response = client.post("/api/photos/", {"id": str(uuid.uuid4()), "photo": photo()}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def street_of_hazards(site, neighbour_site, far_site, grid_worker, staff):
    """One hazard at each site of the street, in different states:

    望江兰庭便利店 (第一网格): general, notified, past its deadline, found by inspection;
    川味小面馆 (第二网格, a small restaurant): major, found, reported by staff;
    远方五金店 (第九网格, 郭家桥社区): general, closed on the spot, from device health.
    """
    neighbour_site.category = category("XS02")
    neighbour_site.save(update_fields=["category"])
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        late = services.hazard_raise(site=site, acting_user=grid_worker, description="灭火器过期", source="inspection")
        services.hazard_notify(hazard=late, acting_user=staff, deadline=in_days(3))
    major = services.hazard_raise(site=neighbour_site, acting_user=staff, description="液化气钢瓶放在地下室", level="major")
    fixed = services.hazard_raise(
        site=far_site, acting_user=None, description="烟感电量低", source="device_health", source_key="device:9:battery"
    )
    services.hazard_close_on_spot(hazard=fixed, acting_user=staff, note="已换电池", uploads=[photo()])
    return {"late": late, "major": major, "fixed": fixed}


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["site"]["name"] for row in response.json()["results"]}


SCOPES = {
    "grid_worker": {"望江兰庭便利店"},
    "colleague": {"望江兰庭便利店"},
    "outsider": {"远方五金店"},
    "staff": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
    "operator": {"望江兰庭便利店", "川味小面馆"},
    "admin_user": {"望江兰庭便利店", "川味小面馆", "远方五金店"},
    "stranger": set(),
}


@pytest.mark.parametrize(("persona", "expected"), SCOPES.items())
def test_the_list_shows_the_hazards_in_scope(request, api, street_of_hazards, persona, expected):
    assert listed(api(request.getfixturevalue(persona)).get("/api/hazards/")) == expected


@pytest.mark.parametrize(("persona", "expected"), SCOPES.items())
def test_a_hazard_outside_the_scope_answers_404(request, api, street_of_hazards, persona, expected):
    client = api(request.getfixturevalue(persona))
    for hazard in street_of_hazards.values():
        response = client.get(f"/api/hazards/{hazard.pk}/")
        assert response.status_code == (200 if hazard.site.name in expected else 404), hazard.site.name
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "notified"}, {"望江兰庭便利店"}),
        ({"status": "closed"}, {"远方五金店"}),
        ({"open": "true"}, {"望江兰庭便利店", "川味小面馆"}),
        ({"level": "major"}, {"川味小面馆"}),
        ({"overdue": "true"}, {"望江兰庭便利店"}),
        ({"overdue": "false"}, {"川味小面馆", "远方五金店"}),
        ({"community": "other"}, {"远方五金店"}),
        ({"grid": "neighbour"}, {"川味小面馆"}),
        ({"category": "XS02"}, {"川味小面馆"}),
        ({"source": "device_health"}, {"远方五金店"}),
        ({"source": "inspection"}, {"望江兰庭便利店"}),
        ({"q": "钢瓶"}, {"川味小面馆"}),
        ({"q": "五金"}, {"远方五金店"}),
        ({"level": "general", "community": "ours"}, {"望江兰庭便利店"}),
        ({"site": "site"}, {"望江兰庭便利店"}),
    ],
)
def test_each_filter_narrows_the_list(
    api, staff, street_of_hazards, community, other_community, neighbour_grid, site, query, expected
):
    values = {
        "other": other_community.pk,
        "ours": community.pk,
        "neighbour": neighbour_grid.pk,
        "XS02": category("XS02").pk,
        "site": site.pk,
    }
    params = {key: values.get(value, value) for key, value in query.items()}
    assert listed(api(staff).get("/api/hazards/", params)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "burning"}, "status"),
        ({"level": "\x00"}, "level"),
        ({"q": "钢\x00瓶"}, "q"),
        ({"community": "x"}, "community"),
        ({"grid": "far"}, "grid"),
        ({"category": "99999999"}, "category"),
        ({"source": "rumour"}, "source"),
    ],
)
def test_a_bad_filter_answers_400_on_that_field(api, grid_worker, street_of_hazards, far_grid, query, field):
    params = {key: far_grid.pk if value == "far" else value for key, value in query.items()}
    response = api(grid_worker).get("/api/hazards/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]


def test_the_list_query_count_does_not_grow_with_the_hazards(api, staff, grid_worker, site, neighbour_site, two_per_unit):
    client = api(staff)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/hazards/", {"page_size": 100})
        assert response.status_code == 200
        return len(response.json()["results"]), len(queries)

    for n in range(3):
        services.hazard_raise(site=site, acting_user=grid_worker, description=f"隐患{n}", clause=two_per_unit, uploads=[photo()])
    few = count()
    for n in range(20):
        services.hazard_raise(
            site=(site, neighbour_site)[n % 2], acting_user=staff, description=f"更多隐患{n}", uploads=[photo()]
        )
    many = count()
    assert (few[0], many[0]) == (3, 23)
    assert few[1] == many[1]


# --- One hazard ------------------------------------------------------------------------------------


def test_a_hazard_shows_its_timeline_notices_and_the_users_steps(api, grid_worker, staff, operator, street_of_hazards):
    late = street_of_hazards["late"]
    body = api(grid_worker).get(f"/api/hazards/{late.pk}/").json()
    assert body["status"] == "notified" and body["overdue"] is True and body["level"] == "general"
    assert body["site"] == {"id": late.site_id, "name": "望江兰庭便利店"}
    assert [(entry["kind"], entry["actor"]) for entry in body["timeline"]] == [("found", "刘东"), ("notified", "任参")]
    notice = late.notices.get()
    assert body["notices"] == [
        {
            "id": notice.pk,
            "number": notice.number,
            "deadline": notice.deadline.isoformat(),
            "issued_at": body["notices"][0]["issued_at"],
            "citation": "",
            "requirements": "",
        }
    ]
    assert body["timeline"][1]["deadline"] == notice.deadline.isoformat()
    assert body["plan"] is None
    assert body["steps"] == ["rectify"]
    assert api(staff).get(f"/api/hazards/{late.pk}/").json()["steps"] == ["rectify"]
    assert api(operator).get(f"/api/hazards/{late.pk}/").json()["steps"] == []


def test_a_major_hazard_shows_its_plan_and_the_offices_steps(api, staff, grid_worker, street_of_hazards):
    major = street_of_hazards["major"]
    assert api(grid_worker).get(f"/api/hazards/{major.pk}/").status_code == 404  # another grid
    client = api(staff)
    assert client.get(f"/api/hazards/{major.pk}/").json()["steps"] == ["notify", "plan", "supervise"]
    response = client.post(
        f"/api/hazards/{major.pk}/plan/",
        {
            "goals": "钢瓶移出地下室",
            "measures": "改用管道燃气",
            "funds": "12000.50",
            "responsible_people": "王五",
            "deadline": in_days(30).isoformat(),
            "safety_measures": "停用厨房",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"] == {
        "goals": "钢瓶移出地下室",
        "measures": "改用管道燃气",
        "funds": "12000.50",
        "responsible_people": "王五",
        "deadline": in_days(30).isoformat(),
        "safety_measures": "停用厨房",
    }
    assert body["timeline"][-1]["kind"] == "plan_recorded"


def test_the_evidence_of_each_step_is_listed_by_photo_id(api, grid_worker, staff, street_of_hazards):
    late = street_of_hazards["late"]
    client = api(grid_worker)
    photo_id = upload(client)
    response = client.post(f"/api/hazards/{late.pk}/rectify/", {"note": "已更换", "photo_ids": [photo_id]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["timeline"][-1]["photos"] == [photo_id]
    # The photo is shown to whoever sees the hazard, and to no one else.
    assert api(staff).get(f"/hazards/{late.pk}/photos/{photo_id}/").status_code == 200


# --- Recording a hazard ----------------------------------------------------------------------------


def test_a_hazard_is_recorded_with_the_users_own_photos(api, grid_worker, site, two_per_unit):
    client = api(grid_worker)
    photo_ids = [upload(client), upload(client)]
    response = client.post(
        "/api/hazards/",
        {"site": site.pk, "description": "灭火器只有1具", "clause": two_per_unit.pk, "photo_ids": photo_ids},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    hazard = Hazard.objects.get(pk=body["id"])
    assert sorted(body["photos"]) == sorted(photo_ids) == sorted(str(p.pk) for p in hazard.photos.all())
    assert body["citation"] == "GB 50140-2005 §6.1.1" and body["clause"]["basis"] == "GB 50140-2005"
    assert body["timeline"][0]["photos"] == photo_ids
    assert body["source"] == "staff_report" and body["steps"] == ["close_on_spot"]


def test_a_photo_someone_else_uploaded_is_refused_on_photo_ids(api, grid_worker, colleague, site):
    theirs = upload(api(colleague))
    response = api(grid_worker).post(
        "/api/hazards/", {"site": site.pk, "description": "灭火器只有1具", "photo_ids": [theirs]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["photo_ids"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"description": ""}, {"description"}),
        ({"description": "  \x00 "}, {"description"}),
        ({"level": "catastrophic"}, {"level"}),
        ({"photo_ids": ["not-a-uuid"]}, {"photo_ids.0"}),
        ({"photo_ids": [str(uuid.uuid4())]}, {"photo_ids"}),
        ({"clause": 99999999}, {"clause"}),
        ({"site": "x"}, {"site"}),
    ],
)
def test_a_bad_hazard_answers_400_on_its_fields(api, grid_worker, site, body, fields):
    response = api(grid_worker).post("/api/hazards/", {"site": site.pk, "description": "灭火器", **body}, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == fields
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("photo_ids", [None, []])
@pytest.mark.parametrize("step", ["rectify", "close-on-spot"])
def test_a_step_that_needs_evidence_names_photo_ids_when_it_has_none(
    api, grid_worker, street_of_hazards, hazard_in, step, photo_ids
):
    hazard = street_of_hazards["late"] if step == "rectify" else hazard_in("found")
    hazard.refresh_from_db()
    before = hazard.status
    body = {"note": "已整改"} if photo_ids is None else {"note": "已整改", "photo_ids": photo_ids}
    response = api(grid_worker).post(f"/api/hazards/{hazard.pk}/{step}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"photo_ids": ["Add at least one photo as evidence."]}
    hazard.refresh_from_db()
    assert hazard.status == before


def test_a_deadline_in_the_past_is_refused_on_deadline(api, staff, hazard_in):
    hazard = hazard_in("found")
    response = api(staff).post(f"/api/hazards/{hazard.pk}/notify/", {"deadline": in_days(-1).isoformat()}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["deadline"]


# --- The schema --------------------------------------------------------------------------------------


def test_the_schema_validates_and_describes_every_step(db, tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {"/api/hazards/", "/api/hazards/{id}/"} <= set(paths)
    for step in ("notify", "rectify", "review", "close-on-spot", "plan", "supervise", "close-out"):
        operation = paths[f"/api/hazards/{{id}}/{step}/"]["post"]
        assert operation["requestBody"] and "200" in operation["responses"], step
    listing = {parameter["name"] for parameter in paths["/api/hazards/"]["get"]["parameters"]}
    assert {"status", "level", "overdue", "community", "grid", "category", "source", "q", "open", "site"} <= listing
