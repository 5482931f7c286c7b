"""The pipeline against the production stack: uvicorn serving the ASGI app, Celery workers on Redis,
the Redis channel layer, two database connections at once, a database that is away. A worker killed
mid-task: tests/alarms/test_worker_killed.py, on a Redis of its own.

Until the station console's consumer exists, the test listens on the station's channel group
through the channel layer itself (``group_add`` and ``receive``), which is where that consumer
will listen.
"""

import asyncio
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.db import connections

from alarms.models import Delivery, Device, DispatchNotice, Event, EventType, Incident
from alarms.services import event_process, station_group_name
from alarms.spool import spool_append, spool_pending, spool_replay
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db(transaction=True)


def http_push(server, integration_secret, body: bytes, timeout: float = 10):
    request = urllib.request.Request(
        f"{server.url}{integration_secret.integration.ingest_path()}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_for(condition, timeout: float = 30, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError("the condition was not met in time")


def test_fire_alarm_reaches_the_station_group_through_the_server_and_a_real_worker(
    asgi_server, celery_worker, onenet, detector, station
):
    async def listen_and_push():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(station_group_name(station_id=station.pk), channel)
        started = time.monotonic()
        status, _ = await asyncio.to_thread(
            http_push, asgi_server, onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret)
        )
        assert status == 200
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        return message, time.monotonic() - started

    message, seconds = asyncio.run(listen_and_push())

    assert message["type"] == "console.incident"
    event = message["event"]
    assert event["reason"] == "new" and event["notice"]["role"] == "primary"
    assert event["incident"]["site"]["name"] == "望江兰庭便利店"
    assert event["incident"]["site"]["responsible_phone"] == "13800138000"
    assert event["incident"]["device"]["room"] == "厨房"
    assert seconds < 20
    notice = wait_for(lambda: DispatchNotice.objects.filter(delivered_at__isnull=False).first())
    assert Incident.objects.get().delivered_at == notice.delivered_at


def test_concurrent_identical_pushes_make_one_event_one_incident_one_notice(onenet, detector, station):
    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)
    start = threading.Barrier(2)
    answers = []

    def push_and_process():
        try:
            start.wait(10)
            answers.append(push(onenet, body).status)
            for event_id in Event.objects.values_list("pk", flat=True):
                event_process(event_id=event_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push_and_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert answers == [200, 200]
    # The session's worker, when one runs, may have claimed the event before either thread: wait for it.
    wait_for(lambda: Event.objects.filter(processed_at__isnull=False).exists())
    assert (Event.objects.count(), Incident.objects.count(), DispatchNotice.objects.count()) == (1, 1, 1)
    assert Delivery.objects.count() == 2


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_push_is_spooled_while_the_database_is_away_and_replayed_once_fire_alarms_first(
    start_asgi_server, settings, tmp_path, onenet, detector, station
):
    spool = tmp_path / "spool"
    settings.ALARM_SPOOL_DIR = spool
    away = start_asgi_server(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/riskplatform",
        ALARM_SPOOL_DIR=str(spool),
        DATABASE_POOL_TIMEOUT="2",
    )
    heartbeat = onenet_body(data_point("heartbeat", 1, at=1), onenet.secret)
    fire = onenet_body(data_point("smoke_alarm", 1, at=2), onenet.secret)

    started = time.monotonic()
    assert http_push(away, onenet, heartbeat)[0] == 200
    found_away = time.monotonic() - started
    started = time.monotonic()
    assert http_push(away, onenet, fire)[0] == 200
    # The first push waited for the pool to give up; the next, a moment later, is spooled without trying.
    assert found_away >= 1.5 and time.monotonic() - started < 1.0, (found_away, time.monotonic() - started)
    assert spool_pending() and not Delivery.objects.exists()
    spooled = (spool / "current.jsonl").read_bytes()
    assert spooled.count(b"\n") == 2

    call_command("alarm_spool_replay", stdout=io.StringIO())

    assert not spool_pending()
    deliveries = list(Delivery.objects.order_by("pk"))
    assert len(deliveries) == 2 and all(delivery.spool_id for delivery in deliveries)
    # Fire alarms first: the later push was stored first.
    assert [delivery.events.get().type for delivery in deliveries] == ["fire_alarm", "heartbeat"]
    assert deliveries[0].verified  # verified at replay, as of its arrival

    # A replay killed before it removed its file leaves it behind; replaying it again stores nothing twice.
    (spool / "replaying-20000101T000000.jsonl").write_bytes(spooled)
    call_command("alarm_spool_replay", stdout=io.StringIO())
    assert (Delivery.objects.count(), Event.objects.count()) == (2, 2)


def test_a_torn_last_line_is_skipped_and_the_rest_replayed(settings, tmp_path, onenet, detector):
    settings.ALARM_SPOOL_DIR = tmp_path / "spool"

    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)
    spool_append(
        integration_id=onenet.integration.pk,
        key=onenet.integration.ingest_key,
        platform="onenet",
        received_at=detector.created_at,
        headers={},
        body=body,
        verified=True,
    )
    with open(tmp_path / "spool" / "current.jsonl", "ab") as spool:
        spool.write(b'{"id": "cut short')  # the process died while writing: never answered 200

    assert spool_replay() == 1
    assert (Delivery.objects.count(), Event.objects.count()) == (1, 1)


def test_while_the_broker_is_away_pushes_are_stored_and_only_the_first_hand_offs_wait_for_it(
    start_asgi_server, onenet, detectors_on_one_site
):
    """Redis away: each push is still stored and answered 200, and its hand-off to the queues is left to
    the sweep. Only the hand-offs in flight when the first one fails wait for Redis's client to give up
    (about 6 s each); the rest skip it (alarms.ingest.OutageWatch) rather than queue behind one another."""
    server = start_asgi_server(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    for number, device in enumerate(detectors_on_one_site):
        body = onenet_body(data_point("smoke_alarm", 1, dev_id=int(device.platform_device_id), at=1000 + number), onenet.secret)
        assert http_push(server, onenet, body)[0] == 200
    answered = time.monotonic() - started
    assert answered < 5, answered  # the answers never waited for Redis
    assert Event.objects.filter(type=EventType.FIRE_ALARM).count() == len(detectors_on_one_site)

    # Without the watch the five hand-offs, two at a time, would each wait for Redis: some 18 s of failures.
    assert wait_for(lambda: "Could not enqueue" in server.log.read_text(errors="replace"), timeout=20)
    time.sleep(8)
    failures = server.log.read_text(errors="replace").count("Could not enqueue")
    assert 1 <= failures <= 2, server.log_tail()


@pytest.fixture
def detectors_on_one_site(onenet, detector):
    extra = [
        Device.objects.create(
            integration=onenet.integration, platform_device_id=str(2016700 + n), model=detector.model, site=detector.site
        )
        for n in range(4)
    ]
    return [detector, *extra]
