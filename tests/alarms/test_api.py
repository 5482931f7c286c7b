"""The alarm API: devices per scope, the console's steps, integrations for admins with the secret shown once."""

import pytest
from rest_framework.test import APIClient

from alarms.models import Event
from alarms.services import event_process
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_station_operator_sees_the_devices_of_covered_sites_only(operator, outsider, detector):
    assert [row["id"] for row in api(operator).get("/api/alarms/devices/").json()["results"]] == [detector.pk]
    assert api(outsider).get("/api/alarms/devices/").json()["results"] == []
    assert api(outsider).get(f"/api/alarms/devices/{detector.pk}/").status_code == 404


def test_staff_register_a_device_and_operators_may_not(staff, operator, onenet, site, detector):
    data = {"integration": onenet.integration.pk, "platform_device_id": "2016618", "model": detector.model_id, "site": site.pk}

    assert api(operator).post("/api/alarms/devices/", data, format="json").status_code == 403
    created = api(staff).post("/api/alarms/devices/", {**data, "room": "后厨"}, format="json")
    twin = api(staff).post("/api/alarms/devices/", data, format="json")

    assert created.status_code == 201 and created.json()["room"] == "后厨"
    assert twin.status_code == 400 and "platform_device_id" in twin.json()["errors"]


def test_operator_acknowledges_through_the_api_and_a_second_time_is_a_conflict(onenet, detector, station, operator):
    push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret))
    incident = event_process(event_id=Event.objects.get().pk)
    url = f"/api/alarms/incidents/{incident.pk}/acknowledge/"

    first = api(operator).post(url, {}, format="json")
    second = api(operator).post(url, {}, format="json")

    assert first.status_code == 200 and first.json()["status"] == "acknowledged"
    assert [step["kind"] for step in first.json()["steps"]] == ["received", "acknowledged"]
    assert second.status_code == 409 and second.json()["code"] == "conflict"


def test_a_grid_worker_is_refused_a_step_before_the_input_is_read(onenet, detector, station, grid_worker):
    """The grid worker sees the incident but may not act on it: 403 whatever the body, not the body's 400."""
    push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret))
    incident = event_process(event_id=Event.objects.get().pk)

    for step in ("confirm", "resolve", "acknowledge"):
        response = api(grid_worker).post(f"/api/alarms/incidents/{incident.pk}/{step}/", {}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", step


def test_only_admins_are_told_what_an_integration_needs(staff):
    response = api(staff).post("/api/alarms/integrations/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_admin_creates_and_rotates_an_integration_and_sees_the_secret_once(admin_user, staff):
    created = api(admin_user).post("/api/alarms/integrations/", {"platform": "ctwing", "name": "CTWing 二号"}, format="json")
    listed = api(admin_user).get("/api/alarms/integrations/").json()["results"]
    rotated = api(admin_user).post(f"/api/alarms/integrations/{created.json()['id']}/rotate/")

    assert created.status_code == 201 and created.json()["secret"] and "/api/ingest/ctwing/" in created.json()["ingest_url"]
    assert "secret" not in listed[0]
    assert rotated.json()["secret"] != created.json()["secret"]
    assert api(staff).post("/api/alarms/integrations/", {"platform": "ctwing", "name": "x"}, format="json").status_code == 403


def test_integration_create_command_prints_the_url_and_the_secret(db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("integration_create", "--platform", "onenet", "--name", "OneNET 命令行", stdout=out)

    assert "/api/ingest/onenet/" in out.getvalue() and "secret: " in out.getvalue()
