"""The device simulator (alarms.simulator, `manage.py simulate_devices`): what it pushes reads back as the
event it means on every platform, and against the real server and a real Celery worker its heartbeats
update the devices, a resend stores nothing new and `--fire` opens an incident at the station."""

import base64
import json
import random
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from alarms.ingest import ingest_push
from alarms.models import Delivery, Device, DispatchNotice, Event, EventType, Incident
from alarms.simulator import Sender, SimDevice, Summary, heartbeat_build, push_build, push_send, simulate


def wait_for(condition, timeout: float = 30, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError("the condition was not met in time")


def ingest(push):
    """The push through the ingest step in this process, as the server's view hands it on."""
    key = push.device.ingest_path.rsplit("/", 1)[1]
    return ingest_push(platform=push.device.platform, key=key, body=push.body, headers=push.headers)


EVENTS = [
    EventType.HEARTBEAT,
    EventType.FIRE_ALARM,
    EventType.LOW_BATTERY,
    EventType.TAMPER,
    EventType.TAMPER_RESTORED,
    EventType.ONLINE,
    EventType.OFFLINE,
]


@pytest.mark.django_db
@pytest.mark.parametrize("event_type", EVENTS)
@pytest.mark.parametrize("fixture", ["detector", "ctwing_detector", "webhook_detector"])
def test_each_push_reads_back_as_the_event_it_means(request, fixture, event_type):
    device = request.getfixturevalue(fixture)
    push = push_build(device=SimDevice.from_device(device), event_type=event_type, rng=random.Random(1))

    answer = ingest(push)

    assert answer.status == 200
    types = set(Event.objects.filter(device=device).values_list("type", flat=True))
    # A OneNET low battery also reports the level, as a data point of its own.
    assert types - {EventType.HEARTBEAT} == ({event_type} - {EventType.HEARTBEAT}) and event_type in types
    assert not Event.objects.filter(device__isnull=True).exists()


@pytest.mark.django_db
def test_pushes_carry_battery_signal_and_imei_as_the_platforms_do(detector, ctwing_detector):
    onenet = SimDevice.from_device(detector)
    onenet.battery, onenet.signal = 77, -93
    battery, signal = json.loads(heartbeat_build(device=onenet, rng=random.Random(2)).body)["msg"]
    assert (battery["type"], battery["dev_id"], battery["ds_id"], battery["imei"]) == (1, 2016617, "battery", detector.imei)
    assert battery["value"] == onenet.battery and battery["at"] > 1_600_000_000_000
    assert (signal["ds_id"], signal["value"]) == ("rssi", onenet.signal)

    ctwing = SimDevice.from_device(ctwing_detector)
    report = json.loads(push_build(device=ctwing, event_type=EventType.FIRE_ALARM).body)
    assert (report["messageType"], report["serviceId"], report["eventType"]) == ("eventReport", 1001, 2)
    assert report["deviceId"] == ctwing_detector.platform_device_id and report["IMEI"] == ctwing_detector.imei


@pytest.mark.django_db
def test_onenet_safe_mode_is_encrypted_with_the_integrations_key(onenet, detector):
    onenet.integration.aes_key = base64.b64encode(b"MTIzNDU2NzgxMjM0NTY3ODEyMzQ1Njc4").decode().rstrip("=")
    onenet.integration.save(update_fields=["aes_key"])
    detector.refresh_from_db()
    push = push_build(device=SimDevice.from_device(detector), event_type=EventType.FIRE_ALARM)

    assert "enc_msg" in json.loads(push.body)
    assert ingest(push).status == 200
    assert Event.objects.get().type == EventType.FIRE_ALARM


# --- Against the real server and a real worker --------------------------------------------------------


live = pytest.mark.django_db(transaction=True)


@live
def test_heartbeats_update_the_devices(asgi_server, celery_worker, detector, ctwing_detector, webhook_detector):
    devices = [SimDevice.from_device(device) for device in (detector, ctwing_detector, webhook_detector)]
    sender = Sender(asgi_server.url)

    # One push at a time, so that each device's reports arrive in the order they were made.
    summary = simulate(devices=devices, sender=sender, rate=30, duration=1, workers=1, rng=random.Random(3))
    sender.close()

    assert summary.sent == 30 and summary.statuses == {200: 30}
    # A OneNET heartbeat carries its signal as a second data point: one event each.
    assert summary.stored == Event.objects.count() > 30
    for simulated in devices:
        device = wait_for(lambda simulated=simulated: Device.objects.filter(pk=simulated.pk, last_seen__isnull=False).first())
        wait_for(
            lambda simulated=simulated: (
                round(Device.objects.get(pk=simulated.pk).last_seen.timestamp() * 1000) == simulated.last_at
            )
        )
        device.refresh_from_db()
        assert (device.battery, device.online) == (simulated.battery, True)
        assert device.signal == simulated.signal
    assert set(Event.objects.values_list("type", flat=True)) == {EventType.HEARTBEAT}


@live
@pytest.mark.parametrize("fixture", ["detector", "ctwing_detector", "webhook_detector"])
def test_a_resend_stores_nothing_new(asgi_server, request, fixture):
    device = SimDevice.from_device(request.getfixturevalue(fixture))
    sender = Sender(asgi_server.url)
    push = push_build(device=device, event_type=EventType.LOW_BATTERY, rng=random.Random(4))

    first = push_send(sender=sender, push=push)
    again = push_send(sender=sender, push=push.again())
    sender.close()

    assert (first.status, again.status) == (200, 200)
    assert first.stored >= 1 and again.stored == 0
    assert Event.objects.count() == first.stored
    assert list(Delivery.objects.order_by("pk").values_list("outcome", flat=True)) == ["accepted", "duplicate"]


@live
def test_a_run_with_resends_low_batteries_and_tampering_sums_up(
    asgi_server, celery_worker, detector, ctwing_detector, webhook_detector
):
    devices = [SimDevice.from_device(device) for device in (detector, ctwing_detector, webhook_detector)]
    sender = Sender(asgi_server.url)
    summary = Summary()

    simulate(
        devices=devices,
        sender=sender,
        rate=40,
        duration=1,
        resend_every=4,
        low_battery_share=0.2,
        tamper_share=0.2,
        rng=random.Random(5),
        summary=summary,
    )
    sender.close()

    assert summary.sent == 50 and summary.resends == 10 and summary.statuses == {200: 50}
    assert summary.stored == Event.objects.count() and summary.stored_by_resends == 0
    assert Delivery.objects.filter(outcome="duplicate").count() == 10
    assert {EventType.LOW_BATTERY, EventType.TAMPER} <= set(summary.kinds)
    assert 0 < summary.percentile(0.5) <= summary.percentile(0.99) < 10
    lines = summary.report()
    assert any("p50" in line and "p99" in line for line in lines)
    # The health problems reach the devices.
    wait_for(lambda: Device.objects.filter(low_battery=True).exists() or Device.objects.filter(tamper=True).exists())


@live
def test_fire_opens_an_incident_at_the_station(asgi_server, celery_worker, detector, station):
    out = StringIO()

    with translation.override("en"):
        call_command("simulate_devices", "--url", asgi_server.url, "--fire", detector.imei, stdout=out)

    incident = wait_for(lambda: Incident.objects.filter(device=detector).first())
    assert incident.site == detector.site and incident.is_open
    notice = wait_for(lambda: DispatchNotice.objects.filter(incident=incident, delivered_at__isnull=False).first())
    assert (notice.station, notice.role) == (station, DispatchNotice.Role.PRIMARY)
    output = out.getvalue()
    assert station.name in output and "fire_alarm: 1" in output


@live
def test_the_command_pushes_heartbeats_and_sums_up(asgi_server, celery_worker, detector, ctwing_detector):
    out = StringIO()

    with translation.override("en"):
        call_command(
            "simulate_devices", "--url", asgi_server.url, "--devices", "2", "--rate", "20", "--duration", "0.5",
            "--resend-every", "5", "--low-battery", "0", "--tamper", "0", "--seed", "6", stdout=out,
        )  # fmt: skip

    output = out.getvalue()
    assert "200: 12" in output and "resends: 2" in output and "by resends: 0" in output
    wait_for(lambda: Device.objects.filter(last_seen__isnull=False).count() == 2)


@pytest.mark.django_db
def test_the_command_says_when_no_server_answers(detector):
    with pytest.raises(CommandError, match="127.0.0.1:9"):
        call_command("simulate_devices", "--url", "http://127.0.0.1:9", "--fire", stdout=StringIO())
