"""The critical worker killed in the middle of a fire alarm, with more alarms queued behind it.

Everything runs on a Redis server of the test's own (tests/redis_server.py), so that no other
worker of the run can take the tasks: uvicorn, the worker about to die (critical and telemetry
queues, a 3 s processing claim), and beat sending the alarm sweep every second. The shop's row is
held locked, so the worker claims the first fire alarm and waits mid-task; three more pushes
queue behind it; the worker is killed (SIGKILL: no acknowledgement, no clean-up). A new worker
starts: the queued tasks reach it, and the sweep sends the killed worker's alarm again once its
claim has expired. Every event is processed once; each incident has one notice per station,
the primary's and, after the escalation its timer fires, the backup's; each notice one message.
"""

import os
import signal
import time
from contextlib import ExitStack

import psycopg
import pytest
from django.db import connections

from alarms.models import Device, DispatchNotice, Event, EventType, Incident, IncidentStep, Notifier
from alarms.services import integration_create
from tests import testrun
from tests.alarms.conftest import data_point, onenet_body, preset
from tests.alarms.test_live import http_push
from tests.factories import SiteFactory
from tests.redis_server import celery_beat_process, celery_worker_process, wait_for_log
from tests.servers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

KITCHEN, HALL, BAKERY = 2016617, 2016620, 2016630
SETTINGS = {
    "ALARM_CLAIM_SECONDS": "3",
    "ALARM_SWEEP_SECONDS": "1",
    "ALARM_SWEEP_GRACE_SECONDS": "1",
    "ALARM_ESCALATE_SECONDS": "4",
    "ALARM_REPEAT_SECONDS": "600",
}


@pytest.fixture
def detectors(db, site, grid, station, backup_station, assignment, gateway):
    """The shop's kitchen and hall detectors and the bakery's, all in the first grid (primary and backup station);
    each station's duty system gets a webhook message per notice."""
    onenet = integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")
    for name, served in (("主站值班系统", station), ("备站值班系统", backup_station)):
        Notifier.objects.create(kind="webhook", name=name, endpoint=f"{gateway.url}/hook/{served.pk}").stations.add(served)
    bakery = SiteFactory(grid=grid, name="郭家桥面包房", address="郭家桥北街7号")
    for dev_id, where, room in ((KITCHEN, site, "厨房"), (HALL, site, "前厅"), (BAKERY, bakery, "烘焙间")):
        Device.objects.create(
            integration=onenet.integration, platform_device_id=str(dev_id), model=preset("onenet"), site=where, room=room
        )
    return onenet, bakery


def lock_holder():
    settings_dict = connections["default"].settings_dict
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
    )


def test_a_worker_killed_mid_alarm_loses_nothing_and_sends_each_notice_once(
    own_redis, process_env, start_asgi_server, tmp_path, gateway, detectors, site, station, backup_station
):
    onenet, bakery = detectors
    env = {**own_redis.env(process_env, prefix=f"killed-{testrun.RUN_ID}"), **SETTINGS}
    server = start_asgi_server(**{name: env[name] for name in ("REDIS_URL", "REDIS_KEY_PREFIX", *SETTINGS)})
    now_ms = int(time.time() * 1000)

    def fire(dev_id: int, offset: int) -> bytes:
        return onenet_body(data_point("smoke_alarm", 1, dev_id=dev_id, at=now_ms + offset), onenet.secret)

    with ExitStack() as processes:
        processes.enter_context(celery_beat_process(env, tmp_path / "beat"))
        doomed = processes.enter_context(
            celery_worker_process(env, tmp_path / "doomed.log", queues=("critical", "telemetry"), name="doomed")
        )
        holder = lock_holder()
        processes.callback(holder.close)
        # The shop's row held: the worker claims the kitchen's alarm and waits for the lock, mid-task.
        holder.execute("SELECT id FROM enterprises_site WHERE id = %s FOR UPDATE", [site.pk])
        assert http_push(server, onenet, fire(KITCHEN, 0))[0] == 200
        kitchen = wait_for(
            lambda: Event.objects.filter(device__platform_device_id=str(KITCHEN), attempts=1, claim_until__isnull=False).first(),
            timeout=30,
            what="the worker claiming the kitchen's alarm",
        )
        # More come meanwhile and queue behind it: the hall's (same shop), the bakery's, a heartbeat.
        for body in (
            fire(HALL, 1),
            fire(BAKERY, 2),
            onenet_body(data_point("heartbeat", 1, dev_id=BAKERY, at=now_ms + 3), onenet.secret),
        ):
            assert http_push(server, onenet, body)[0] == 200
        time.sleep(0.5)

        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
        holder.rollback()
        assert not Incident.objects.exists() and not Event.objects.filter(processed_at__isnull=False).exists()

        log = tmp_path / "second.log"
        second = processes.enter_context(
            celery_worker_process(env, log, queues=("critical", "telemetry"), name="second", wait=False)
        )
        wait_for_log(second, log, " ready.", "The second worker", timeout=60)
        started = time.monotonic()
        wait_for(lambda: not Event.objects.filter(processed_at__isnull=True).exists(), timeout=30, what="every event processed")
        # ARCHITECTURE.md: a killed worker delays a fire notice by at most 30 s once a worker serves the queue.
        assert time.monotonic() - started < 30
        # The primary station did not acknowledge: each incident escalates to the backup station once.
        wait_for(lambda: DispatchNotice.objects.filter(delivered_at__isnull=False).count() == 4, timeout=30, what="4 notices")
        wait_for(lambda: len(gateway.received) >= 4, timeout=30, what="a message per notice")
        time.sleep(3)  # more sweeps: nothing is sent twice

    kitchen.refresh_from_db()
    assert kitchen.attempts == 2 and kitchen.processed_at is not None  # claimed by the killed worker, then the new one
    shop, bakery_incident = Incident.objects.get(site=site), Incident.objects.get(site=bakery)
    assert sorted(shop.events.values_list("device__platform_device_id", flat=True)) == [str(KITCHEN), str(HALL)]
    assert list(bakery_incident.events.values_list("type", flat=True)) == [EventType.FIRE_ALARM]
    for incident in (shop, bakery_incident):
        notices = sorted(incident.notices.values_list("station_id", "role"))
        assert notices == sorted([(station.pk, "primary"), (backup_station.pk, "backup")])
        assert incident.steps.filter(kind=IncidentStep.Kind.RECEIVED).count() == 1
    assert shop.steps.filter(kind=IncidentStep.Kind.JOINED).count() == 1
    # One message per notice through each station's own notifier.
    sent = sorted((path, body["incident"]["id"]) for path, body in gateway.received)
    assert sent == sorted(
        (f"/hook/{served.pk}", incident.pk) for served in (station, backup_station) for incident in (shop, bakery_incident)
    )
