"""The console and incident pages: who sees them, the steps sent from a card, the timeline's seconds,
and the site file's devices and alarms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alarms.models import Incident
from alarms.selectors import incident_milestones
from alarms.services import event_process, incident_acknowledge
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db

CONSOLE = "X-Console"


@pytest.fixture
def incident(onenet, detector, station):
    assert push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret)).status == 200
    from alarms.models import Event

    return event_process(event_id=Event.objects.latest("pk").pk)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The services' messages and the pages in English, as these tests read them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def step_url(incident, step):
    return reverse("alarms:incident-step", args=[incident.pk, step])


# Persona x page: who gets the console and the incident (200), who is refused (403) or sees nothing of it (404).
@pytest.mark.parametrize(
    ("persona", "console", "detail"),
    [
        ("operator", 200, 200),
        ("backup_operator", 200, 404),
        ("staff", 200, 200),
        ("admin_user", 200, 200),
        ("grid_worker", 403, 200),
        ("outsider", 403, 404),
    ],
)
def test_who_sees_the_console_and_the_incident(request, client, incident, backup_station, persona, console, detail):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("alarms:console")).status_code == console
    assert client.get(reverse("alarms:incident-detail", args=[incident.pk])).status_code == detail
    assert client.get(reverse("alarms:incident-card", args=[incident.pk])).status_code == detail


def test_the_console_shows_the_open_incident_with_what_the_operator_needs(client, operator, incident):
    client.force_login(operator)
    html = client.get(reverse("alarms:console")).content.decode()
    site = incident.site
    assert f'id="incident-{incident.pk}"' in html and 'data-status="new"' in html
    assert site.name in html and site.address in html
    assert f'href="tel:{site.responsible_phone}"' in html
    assert reverse("dashboards:site-file", args=[site.pk]) in html
    assert step_url(incident, "acknowledge") in html
    # Only the step the state allows.
    assert step_url(incident, "confirm") not in html


def test_a_station_operator_starts_on_the_console(client, operator):
    client.force_login(operator)
    assert client.get("/").url == reverse("alarms:console")


def test_steps_from_a_card_answer_the_card_and_go_in_order(client, operator, incident):
    client.force_login(operator)
    prefix = f"i{incident.pk}"
    answer = client.post(step_url(incident, "acknowledge"), {}, headers={CONSOLE: "1"})
    assert answer.status_code == 200 and 'data-status="acknowledged"' in answer.content.decode()
    answer = client.post(
        step_url(incident, "confirm"),
        {f"{prefix}-confirm-real": "0", f"{prefix}-confirm-cause": "cooking"},
        headers={CONSOLE: "1"},
    )
    assert 'data-status="confirmed"' in answer.content.decode()
    incident.refresh_from_db()
    assert (incident.real, incident.cause, incident.confirmed_by) == (False, "cooking", operator)
    # A false alarm is not dispatched: the step is not offered, and refused when sent anyway.
    assert step_url(incident, "dispatch") not in answer.content.decode()
    refused = client.post(step_url(incident, "dispatch"), {}, headers={CONSOLE: "1"})
    assert refused.status_code == 400 and "that step is not possible now" in refused.content.decode()
    # Resolving needs an outcome: the service says so on the card.
    refused = client.post(step_url(incident, "resolve"), {f"{prefix}-resolve-outcome": ""}, headers={CONSOLE: "1"})
    assert refused.status_code == 400 and "Choose the outcome." in refused.content.decode()
    answer = client.post(
        step_url(incident, "resolve"),
        {f"{prefix}-resolve-outcome": "false_alarm", f"{prefix}-resolve-notes": "炒菜油烟"},
        headers={CONSOLE: "1"},
    )
    assert 'data-open="0"' in answer.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED and incident.notes == "炒菜油烟"


def test_a_step_from_the_record_page_returns_to_it_with_a_message(client, staff, incident):
    client.force_login(staff)
    detail = reverse("alarms:incident-detail", args=[incident.pk])
    answer = client.post(step_url(incident, "acknowledge"), {"next": detail}, follow=True)
    assert answer.redirect_chain[-1][0] == detail
    assert "Acknowledged." in answer.content.decode()


def test_an_acknowledgement_already_taken_is_said_on_the_card(client, operator, staff, incident):
    incident_acknowledge(incident=incident, acting_user=staff)
    client.force_login(operator)
    refused = client.post(step_url(incident, "acknowledge"), {}, headers={CONSOLE: "1"})
    assert refused.status_code == 400
    assert "This incident is Acknowledged" in refused.content.decode()


def test_a_grid_worker_may_see_but_not_act(client, grid_worker, incident):
    client.force_login(grid_worker)
    assert (
        step_url(incident, "acknowledge")
        not in client.get(reverse("alarms:incident-detail", args=[incident.pk])).content.decode()
    )
    assert client.post(step_url(incident, "acknowledge"), {}).status_code == 403


def test_the_timeline_gives_the_seconds_between_milestones(incident, operator):
    start = incident.opened_at
    incident.delivered_at = start + datetime.timedelta(seconds=0.4)
    incident.acknowledged_at = start + datetime.timedelta(seconds=12.4)
    incident.acknowledged_by = operator
    milestones = {milestone.key: milestone for milestone in incident_milestones(incident=incident)}
    assert milestones["opened"].seconds is None
    assert milestones["delivered"].seconds == pytest.approx(0.4)
    assert milestones["acknowledged"].seconds == pytest.approx(12.0) and milestones["acknowledged"].by == operator
    assert milestones["confirmed"].at is None and milestones["confirmed"].seconds is None


def test_the_incident_list_filters_open_and_verdict(client, staff, incident):
    client.force_login(staff)
    assert incident.site.name in client.get(reverse("alarms:incident-list"), {"status": "open"}).content.decode()
    assert incident.site.name not in client.get(reverse("alarms:incident-list"), {"status": "resolved"}).content.decode()
    assert incident.site.name not in client.get(reverse("alarms:incident-list"), {"real": "1"}).content.decode()
    assert client.get(reverse("alarms:incident-list"), {"status": "nonsense", "page": "x"}).status_code == 200


def test_the_site_file_shows_its_devices_and_alarms(client, staff, incident, detector):
    detector.battery = 17
    detector.last_seen = timezone.now()
    detector.save()
    client.force_login(staff)
    html = client.get(reverse("dashboards:site-file", args=[incident.site.pk])).content.decode()
    assert 'data-testid="site-devices"' in html and "17%" in html and detector.imei in html
    assert reverse("alarms:incident-detail", args=[incident.pk]) in html
