"""From a stored fire alarm to an incident, its notices, its timers and the console's steps; device health."""

import datetime
import threading

import psycopg
import pytest
import time_machine
from django.utils import timezone, translation

from alarms.models import (
    DispatchNotice,
    Event,
    EventType,
    Incident,
    IncidentStep,
    Notifier,
    NotifierAttempt,
    Timer,
)
from alarms.services import (
    alarms_sweep,
    devices_offline_check,
    event_process,
    incident_acknowledge,
    incident_confirm,
    incident_dispatch,
    incident_on_scene,
    incident_resolve,
    telemetry_process,
)
from hazards.models import Hazard
from riskplatform.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db

T0 = 1700000000000  # ms


def alarm(onenet, *, at: int = T0, ds: str = "smoke_alarm", value=1, dev_id: int = 2016617) -> Event:
    assert push(onenet, onenet_body(data_point(ds, value, at=at, dev_id=dev_id), onenet.secret)).status == 200
    return Event.objects.latest("pk")


def test_fire_alarm_opens_an_incident_with_a_notice_to_the_primary_station(onenet, detector, station, assignment):
    incident = event_process(event_id=alarm(onenet).pk)

    assert (incident.site, incident.device, incident.status) == (detector.site, detector, Incident.Status.NEW)
    notice = DispatchNotice.objects.get()
    assert (notice.station, notice.role) == (station, DispatchNotice.Role.PRIMARY)
    assert set(Timer.objects.values_list("kind", flat=True)) == {"escalate", "repeat"}
    assert Event.objects.get().processed_at is not None


def test_a_fire_alarm_is_the_detectors_last_report(onenet, detector, station):
    event = alarm(onenet)
    event_process(event_id=event.pk)

    detector.refresh_from_db()
    assert detector.last_seen == event.occurred_at


def test_processing_twice_changes_nothing_twice(onenet, detector, station):
    event = alarm(onenet)

    event_process(event_id=event.pk)
    again = event_process(event_id=event.pk)

    assert again is None
    assert (Incident.objects.count(), DispatchNotice.objects.count()) == (1, 1)


def test_alarms_within_the_window_join_one_incident(onenet, detector, station):
    first = event_process(event_id=alarm(onenet, at=T0).pk)
    second = event_process(event_id=alarm(onenet, at=T0 + 120_000).pk)

    assert first == second
    assert first.events.count() == 2
    assert DispatchNotice.objects.count() == 1
    assert IncidentStep.objects.filter(kind=IncidentStep.Kind.JOINED).count() == 1


def test_alarms_outside_the_window_open_another_incident(settings, onenet, detector, station):
    first = event_process(event_id=alarm(onenet, at=T0).pk)
    second = event_process(event_id=alarm(onenet, at=T0 + (settings.ALARM_GROUP_WINDOW_SECONDS + 1) * 1000).pk)

    assert first != second
    assert DispatchNotice.objects.count() == 2


def test_unacknowledged_notice_escalates_once_to_the_backup_and_the_duty_officer(
    settings, onenet, detector, station, backup_station, assignment, duty_officer
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        incident = event_process(event_id=alarm(onenet).pk)
    with time_machine.travel(start + datetime.timedelta(seconds=settings.ALARM_ESCALATE_SECONDS + 1), tick=False):
        alarms_sweep()
        alarms_sweep()

    notices = {(notice.role, notice.station_id, notice.officer_id) for notice in DispatchNotice.objects.all()}
    assert notices == {
        ("primary", station.pk, None),
        ("backup", backup_station.pk, None),
        ("escalation", None, duty_officer.pk),
    }
    assert DispatchNotice.objects.get(role="primary").escalated_at is not None
    assert incident.steps.filter(kind=IncidentStep.Kind.ESCALATED).count() == 1
    assert duty_officer.notifications.filter(kind="alarm.escalated").count() == 1


def test_acknowledgement_stops_the_repeats_and_the_escalation_at_once(settings, onenet, detector, station, operator, assignment):
    gateway = Notifier.objects.create(kind="sms", name="短信网关", endpoint="http://127.0.0.1:9/sms")
    gateway.stations.add(station)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        incident = event_process(event_id=alarm(onenet).pk)
        incident_acknowledge(incident=incident, acting_user=operator)
    with time_machine.travel(start + datetime.timedelta(seconds=settings.ALARM_ESCALATE_SECONDS * 3), tick=False):
        alarms_sweep()

    assert not incident.steps.filter(kind__in=[IncidentStep.Kind.REPEATED, IncidentStep.Kind.ESCALATED]).exists()
    assert DispatchNotice.objects.count() == 1
    assert set(NotifierAttempt.objects.values_list("status", flat=True)) == {"cancelled"}
    assert not Timer.objects.filter(done_at__isnull=True).exists()


def test_repeat_calls_until_acknowledged(settings, onenet, detector, station):
    gateway = Notifier.objects.create(kind="voice", name="语音网关", endpoint="http://127.0.0.1:9/voice")
    gateway.stations.add(station)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        incident = event_process(event_id=alarm(onenet).pk)
    with time_machine.travel(start + datetime.timedelta(seconds=settings.ALARM_REPEAT_SECONDS + 1), tick=False):
        alarms_sweep()

    assert incident.steps.filter(kind=IncidentStep.Kind.REPEATED).count() == 1
    assert sorted(NotifierAttempt.objects.values_list("round", flat=True)) == [1, 2]


def test_console_steps_in_order_timed_and_by_whom(onenet, detector, station, operator):
    incident = event_process(event_id=alarm(onenet).pk)

    with pytest.raises(ConflictError):
        incident_confirm(incident=incident, acting_user=operator, real=True)
    incident_acknowledge(incident=incident, acting_user=operator)
    incident_confirm(incident=incident, acting_user=operator, real=True)
    incident_dispatch(incident=incident, acting_user=operator)
    incident_on_scene(incident=incident, acting_user=operator)
    incident = incident_resolve(incident=incident, acting_user=operator, outcome="extinguished", notes="灭火器扑灭")

    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED and incident.real is True
    assert incident.acknowledged_by == incident.resolved_by == operator
    assert list(incident.steps.values_list("kind", flat=True)) == [
        "received",
        "acknowledged",
        "confirmed",
        "dispatched",
        "on_scene",
        "resolved",
    ]
    assert incident.site.risk_events.filter(kind="real_fire").exists()
    with translation.override("en"), pytest.raises(ConflictError, match="Resolved"):
        incident_acknowledge(incident=incident, acting_user=operator)


def test_who_may_act_on_an_incident(onenet, detector, station, staff, grid_worker, outsider, backup_operator):
    incident = event_process(event_id=alarm(onenet).pk)

    with pytest.raises(PermissionDeniedError):
        incident_acknowledge(incident=incident, acting_user=grid_worker)
    with pytest.raises(NotFoundError):
        incident_acknowledge(incident=incident, acting_user=outsider)
    with pytest.raises(NotFoundError):
        incident_acknowledge(incident=incident, acting_user=backup_operator)  # not called: sees nothing of it
    assert incident_acknowledge(incident=incident, acting_user=staff).status == Incident.Status.ACKNOWLEDGED


def test_six_false_alarms_in_a_day_raise_the_pattern_hazard_once(onenet, detector, station, operator):
    for number in range(7):
        incident = event_process(event_id=alarm(onenet, at=T0 + number * 3_600_000).pk)
        incident_acknowledge(incident=incident, acting_user=operator)
        incident_confirm(incident=incident, acting_user=operator, real=False, cause="cooking")
        incident_resolve(incident=incident, acting_user=operator, outcome="false_alarm")

    hazards = Hazard.objects.filter(site=detector.site, source=Hazard.Source.ALARM_PATTERN)
    assert hazards.count() == 1
    assert detector.site.risk_events.filter(kind="repeated_false_alarms").count() == 1


def test_low_battery_opens_a_device_health_hazard_and_a_new_battery_closes_it(onenet, detector):
    alarm(onenet, ds="battery_low", value=1, at=T0)
    telemetry_process()
    detector.refresh_from_db()
    hazard = Hazard.objects.get(source=Hazard.Source.DEVICE_HEALTH)
    assert detector.low_battery and detector.status == "low_battery"
    assert hazard.source_key == f"device:{detector.pk}:low_battery"

    alarm(onenet, ds="battery", value=95, at=T0 + 1000)
    telemetry_process()

    detector.refresh_from_db()
    hazard.refresh_from_db()
    assert (detector.low_battery, detector.battery, detector.status) == (False, 95, "online")
    assert hazard.status == Hazard.Status.CLOSED


def test_silent_device_goes_offline_with_a_hazard_and_comes_back(onenet, detector):
    heartbeat = alarm(onenet, ds="heartbeat", value=1, at=T0)
    telemetry_process()
    silent = heartbeat.occurred_at + datetime.timedelta(seconds=2 * detector.heartbeat_interval() + 1)

    assert devices_offline_check(now=silent) == 1
    detector.refresh_from_db()
    assert (detector.online, detector.status) == (False, "offline")
    assert Hazard.objects.get(source_key=f"device:{detector.pk}:offline").status == Hazard.Status.FOUND

    alarm(onenet, ds="heartbeat", value=1, at=T0 + 10_000_000)
    telemetry_process()
    assert Hazard.objects.get(source_key=f"device:{detector.pk}:offline").status == Hazard.Status.CLOSED


def test_telemetry_is_processed_in_batches(onenet, detector):
    messages = [data_point("battery", 80 + n % 10, at=T0 + n) for n in range(50)]
    push(onenet, onenet_body(messages, onenet.secret))

    assert telemetry_process(limit=500) == 50
    assert not Event.objects.filter(processed_at__isnull=True).exists()
    detector.refresh_from_db()
    assert detector.last_seen == Event.objects.order_by("-occurred_at").first().occurred_at


def test_a_telemetry_batch_holds_its_detectors_without_blocking_their_foreign_keys(onenet, detector):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    push(onenet, onenet_body([data_point("battery", 80, at=T0)], onenet.secret))
    with CaptureQueriesContext(connection) as queries:
        telemetry_process(limit=500)

    # FOR UPDATE would make every alarm stored for these detectors wait for the batch (KEY SHARE).
    locks = [q["sql"] for q in queries.captured_queries if '"alarms_device"' in q["sql"] and " FOR " in q["sql"]]
    assert locks and all("FOR NO KEY UPDATE" in sql for sql in locks)


def test_sweep_hands_on_what_was_never_enqueued(settings, onenet, detector, station):
    event = alarm(onenet)
    assert event.processed_at is None and event.type == EventType.FIRE_ALARM

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.ALARM_SWEEP_GRACE_SECONDS + 1), tick=False):
        counts = alarms_sweep()

    assert counts["fire_alarms"] == 1


def test_a_fire_alarm_from_an_unregistered_device_is_flagged_to_those_who_register_devices(
    onenet, detector, station, staff, admin_user, grid_worker, operator, django_capture_on_commit_callbacks
):
    from accounts.models import Notification
    from alarms.selectors import unknown_device_events

    # The integration reads unregistered devices as its usual model, so their fire alarms are recognised.
    onenet.integration.default_model = detector.model
    onenet.integration.save()
    event = alarm(onenet, dev_id=999)
    assert event.type == EventType.FIRE_ALARM and event.device is None
    with django_capture_on_commit_callbacks(execute=True):
        event_process(event_id=event.pk)

    told = set(Notification.objects.filter(kind="alarm.unknown_device").values_list("user__username", flat=True))
    assert told == {staff.username, admin_user.username}
    assert list(unknown_device_events(user=staff)) == [event]
    assert not unknown_device_events(user=grid_worker).exists() and not unknown_device_events(user=operator).exists()


@pytest.mark.django_db(transaction=True)
def test_a_fire_alarm_does_not_wait_for_a_telemetry_batch_holding_its_detector(onenet, detector, station, assignment):
    from django.db import connection

    seen_before = detector.last_seen
    # Another transaction holds the detector's row, as a telemetry batch does while it applies reports;
    # it lets go after a while, having looked whether anyone was waiting for a lock meanwhile.
    waiting = []
    with psycopg.connect(**_libpq_params(connection.settings_dict)) as batch:
        batch.execute("SELECT id FROM alarms_device WHERE id = %s FOR NO KEY UPDATE", [detector.pk])

        def let_go():
            waiting.extend(
                batch.execute(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchall()
            )
            batch.rollback()

        release = threading.Timer(3, let_go)
        release.start()
        event = alarm(onenet)  # stored: its foreign key to the detector is checked meanwhile
        incident = event_process(event_id=event.pk)
        release.join()

    assert waiting == []
    assert incident is not None and incident.status == Incident.Status.NEW
    detector.refresh_from_db()
    assert detector.last_seen == seen_before  # the batch's own reports say the detector is alive


def _libpq_params(settings_dict) -> dict:
    return {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"],
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"] or 5432,
        "password": settings_dict["PASSWORD"] or None,
    }
