"""Redis goes away while fire alarms are pushed, and comes back empty.

The whole stack runs on a Redis server of the test's own (tests/redis_server.py): uvicorn, a worker
of the ``critical`` and ``telemetry`` queues, and beat sending the alarm sweep every second. An
operator's console is open in Chromium. Redis is stopped: the console says its line is lost, and
the pushes that come meanwhile are still answered 200 and stored, though nothing can be queued.
Redis starts again on the same port with nothing in it (no queued task, no channel group): the
sweep finds the stored events nobody took and queues them, the worker opens one incident per
site, each station gets one notice and one message, and the console shows the incidents once it
has its line back.
"""

import asyncio
import json
import time
import urllib.error
import urllib.request
from contextlib import ExitStack

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from alarms.models import Device, DispatchNotice, Event, EventType, Incident, IncidentStep, Notifier
from alarms.services import integration_create
from tests import testrun
from tests.alarms.conftest import data_point, onenet_body, preset
from tests.browser.conftest import DESKTOP, _close, _new_page, log_in, wait_for_true
from tests.redis_server import celery_beat_process, celery_worker_process, wait_for_log
from tests.servers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

# OneNET device ids: two detectors in the shop, one in the noodle bar next door.
KITCHEN, HALL, NOODLES = 2016617, 2016620, 2016618
# The sweep every second; no escalation or repeat call within the test, so every message counted is a first one.
TIMINGS = {
    "ALARM_SWEEP_SECONDS": "1",
    "ALARM_SWEEP_GRACE_SECONDS": "1",
    "ALARM_ESCALATE_SECONDS": "600",
    "ALARM_REPEAT_SECONDS": "600",
}


@pytest.fixture
def stack(own_redis, process_env, start_asgi_server, tmp_path):
    """The web server, a worker of the critical and telemetry queues and beat, all on the test's own Redis."""
    env = {**own_redis.env(process_env, prefix=f"outage-{testrun.RUN_ID}"), **TIMINGS}
    with ExitStack() as processes:
        worker_log = tmp_path / "worker.log"
        worker = processes.enter_context(
            celery_worker_process(env, worker_log, queues=("critical", "telemetry"), name="outage", wait=False)
        )
        beat = processes.enter_context(celery_beat_process(env, tmp_path / "beat", wait=False))
        server = start_asgi_server(**{name: env[name] for name in ("REDIS_URL", "REDIS_KEY_PREFIX", *TIMINGS)})
        wait_for_log(worker, worker_log, " ready.", "The Celery worker", timeout=60)
        wait_for_log(beat, tmp_path / "beat" / "beat.log", "beat: Starting", "Celery beat", timeout=60)
        yield server


@pytest.fixture
async def console_page(request, browser, stack):
    """A wall screen's page on the test's own server (tests/browser/conftest.py, desktop_page)."""
    context, page = await _new_page(browser, stack, DESKTOP)
    yield page
    await _close(request, context, page, stack)


@pytest.fixture
def onenet(db):
    return integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")


@pytest.fixture
def detectors(onenet, site, neighbour_site, station, gateway):
    """Two detectors in the shop, one in the noodle bar; the station covering both has a webhook notifier."""
    notifier = Notifier.objects.create(kind="webhook", name="值班系统", endpoint=f"{gateway.url}/hook")
    notifier.stations.add(station)
    return {
        dev_id: Device.objects.create(
            integration=onenet.integration, platform_device_id=str(dev_id), model=preset("onenet"), site=where, room=room
        )
        for dev_id, where, room in ((KITCHEN, site, "厨房"), (HALL, site, "前厅"), (NOODLES, neighbour_site, "后厨"))
    }


def http_push(server, onenet, body: bytes) -> int:
    request = urllib.request.Request(
        f"{server.url}{onenet.integration.ingest_path()}", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def pipeline_state() -> dict:
    incidents = list(Incident.objects.order_by("pk"))
    return {
        "unprocessed": Event.objects.filter(processed_at__isnull=True).count(),
        "incidents": incidents,
        "undelivered": DispatchNotice.objects.filter(delivered_at__isnull=True).count(),
    }


LINE_SAYS_LOST = (
    "document.querySelector('[data-testid=console-line]').dataset.state === 'offline' && "
    "document.querySelector('[data-testid=console-line]').textContent === document.getElementById('console').dataset.textLost"
)


async def test_pushes_while_redis_is_down_are_stored_and_reach_the_console_once_when_it_is_back(
    console_page, stack, own_redis, gateway, onenet, detectors, station, operator, site, neighbour_site
):
    server, page = stack, console_page
    await log_in(page, operator)
    await page.goto("/alarms/console/")
    line = page.get_by_test_id("console-line")
    await expect(line).to_have_attribute("data-state", "live")
    await expect(page.get_by_test_id("console-empty")).to_be_visible()
    await page.evaluate("window.consoleNotReloaded = true")

    # Redis goes: the console's line dies with it, and the page says so.
    await asyncio.to_thread(own_redis.stop)
    await wait_for_true(page, LINE_SAYS_LOST, timeout=20)

    # Smoke in the shop's kitchen and hall and in the noodle bar; OneNET resends the kitchen's
    # push (it missed our answer); the kitchen's detector also reports its heartbeat.
    now_ms = int(time.time() * 1000)
    kitchen = onenet_body(data_point("smoke_alarm", 1, dev_id=KITCHEN, at=now_ms), onenet.secret)
    pushes = [
        kitchen,
        onenet_body(data_point("smoke_alarm", 1, dev_id=HALL, at=now_ms + 1), onenet.secret),
        onenet_body(data_point("smoke_alarm", 1, dev_id=NOODLES, at=now_ms + 2), onenet.secret),
        kitchen,
        onenet_body(data_point("heartbeat", 1, dev_id=KITCHEN, at=now_ms + 3), onenet.secret),
    ]
    answers = [await asyncio.to_thread(http_push, server, onenet, body) for body in pushes]
    assert answers == [200] * 5, server.log_tail()

    def stored() -> list[tuple[str, bool]]:
        rows = Event.objects.values_list("type", "processed_at")
        return sorted((kind, processed_at is None) for kind, processed_at in rows)

    assert await sync_to_async(stored)() == [(EventType.FIRE_ALARM, True)] * 3 + [(EventType.HEARTBEAT, True)]
    # A few sweeps come and go while Redis is away: nothing can be queued, nothing processed, the line still lost.
    await asyncio.sleep(3)
    assert not await Incident.objects.aexists()
    await wait_for_true(page, LINE_SAYS_LOST, timeout=1)

    # Redis is back on its port, empty.
    await asyncio.to_thread(own_redis.start)

    def settled():
        state = pipeline_state()
        done = not state["unprocessed"] and len(state["incidents"]) == 2 and not state["undelivered"]
        return state if done else None

    state = await sync_to_async(wait_for)(settled, timeout=45, what="every event processed and every notice delivered")
    shop, noodles = sorted(state["incidents"], key=lambda incident: incident.site_id != site.pk)
    assert (shop.site_id, noodles.site_id) == (site.pk, neighbour_site.pk)

    def per_incident(incident) -> dict:
        return {
            "events": sorted(incident.events.values_list("device__platform_device_id", flat=True)),
            "notices": list(incident.notices.values_list("station_id", flat=True)),
            "received": incident.steps.filter(kind=IncidentStep.Kind.RECEIVED).count(),
            "joined": incident.steps.filter(kind=IncidentStep.Kind.JOINED).count(),
        }

    # Each fire alarm processed once: the shop's two detectors in one incident, the noodle bar's in another.
    assert await sync_to_async(per_incident)(shop) == {
        "events": [str(KITCHEN), str(HALL)],
        "notices": [station.pk],
        "received": 1,
        "joined": 1,
    }
    assert await sync_to_async(per_incident)(noodles) == {
        "events": [str(NOODLES)],
        "notices": [station.pk],
        "received": 1,
        "joined": 0,
    }
    kitchen_detector = await Device.objects.aget(pk=detectors[KITCHEN].pk)
    assert kitchen_detector.last_seen is not None  # the heartbeat went the telemetry way

    # The console has its line back and shows both incidents, each once, without a reload.
    await expect(line).to_have_attribute("data-state", "live", timeout=20_000)
    cards = page.get_by_test_id("incident-card")
    await expect(cards).to_have_count(2, timeout=10_000)
    assert sorted([await card.get_attribute("data-incident") for card in await cards.all()]) == sorted(
        [str(shop.pk), str(noodles.pk)]
    )
    await expect(page.get_by_test_id("console-alert")).to_be_visible()
    assert await page.evaluate("window.consoleNotReloaded === true")

    # One message per notice through the station's notifier, and no second one after more sweeps.
    await sync_to_async(wait_for)(lambda: len(gateway.received) >= 2, timeout=20, what="the station's messages")
    await asyncio.sleep(3)
    assert sorted(body["incident"]["id"] for _path, body in gateway.received) == sorted([shop.pk, noodles.pk])
    assert json.dumps(gateway.paths()) == json.dumps(["/hook", "/hook"])
