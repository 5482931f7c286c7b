"""A burst of pushes from many detectors on the three platforms, resends among them, through the real
server and worker: nothing lost, nothing stored or processed twice.

The CI-sized sibling of benchmarks/ingest_burst.py (10,000 pushes in a minute): 1,000 pushes in
about 10 s from 240 detectors (OneNET, CTWing and the generic webhook), one in ten a resend of an
earlier push byte for byte, and fire alarms from a dozen detectors, two sites with two each. The
pushes are built by the device simulator (alarms.simulator), as each platform shapes them.
"""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.models import Count
from django.utils import timezone

from alarms.ingest import parse_delivery, prepare_events
from alarms.models import Delivery, Device, DispatchNotice, Event, EventType, Incident, IncidentStep, Integration
from alarms.simulator import Push, Sender, SimulationError, devices_load, heartbeat_build, push_build
from tests.alarms.conftest import preset
from tests.factories import SiteFactory
from tests.servers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PUSHES = 1_000
RESENDS = 100  # one push in ten is a platform's resend
SECONDS = 10
SITES = 40
DETECTORS_PER_SITE = 6  # two of each platform
FIRE_SITES = 10  # the first two of them with two detectors alarming
SENDERS = 8


@pytest.fixture
def street_of_detectors(onenet, ctwing, webhook, grid, neighbour_grid, station):
    """Forty sites of the station's grids, each with two detectors on each platform."""
    models = {platform: preset(platform) for platform in ("onenet", "ctwing", "webhook")}
    integrations = {"onenet": onenet.integration, "ctwing": ctwing.integration, "webhook": webhook.integration}
    sites = [SiteFactory(grid=(grid, neighbour_grid)[n % 2], name=f"望江便利店{n:02d}") for n in range(SITES)]
    devices = []
    for n, site in enumerate(sites):
        for k in range(DETECTORS_PER_SITE):
            platform = ("onenet", "ctwing", "webhook")[k % 3]
            number = n * DETECTORS_PER_SITE + k
            platform_id = {
                "onenet": str(3_000_000 + number),
                "ctwing": f"d0130804{number:024x}",
                "webhook": f"SIM-{number:05d}",
            }[platform]
            devices.append(
                Device(
                    integration=integrations[platform],
                    platform_device_id=platform_id,
                    imei=f"8658200600{number:05d}",
                    model=models[platform],
                    site=site,
                    room="厨房",
                )
            )
    Device.objects.bulk_create(devices)
    return sites


def burst_plan(rng: random.Random) -> tuple[list[tuple[float, Push]], set[int]]:
    """(when to send, push) in the order sent, and the sites whose detectors raise fire alarms.

    Fire alarms are spread over the burst; each resend follows its original within a second or
    so, sometimes before the original's answer came, as a platform resends when it missed it.
    """
    devices = devices_load()
    by_site: dict[int, list] = {}
    for device in Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("pk", "site_id"):
        by_site.setdefault(device[1], []).append(device[0])
    sim = {device.pk: device for device in devices}
    fire_sites = sorted(by_site)[:FIRE_SITES]
    fire_devices = [sim[by_site[site][k]] for site in fire_sites for k in range(2 if site in fire_sites[:2] else 1)]
    originals = PUSHES - RESENDS
    fire_slots = {round((i + 0.5) * originals / len(fire_devices)): device for i, device in enumerate(fire_devices)}
    pushes: list[Push] = []
    for slot in range(originals):
        if slot in fire_slots:
            pushes.append(push_build(device=fire_slots[slot], event_type=EventType.FIRE_ALARM, rng=rng))
            continue
        device = devices[slot % len(devices)]
        try:
            if rng.random() < 0.02:
                push = push_build(device=device, event_type=EventType.LOW_BATTERY, rng=rng)
            else:
                push = heartbeat_build(device=device, rng=rng)
        except SimulationError:
            push = heartbeat_build(device=device, rng=rng)
        pushes.append(push)
    plan = [(slot * SECONDS / originals, push) for slot, push in enumerate(pushes)]
    # Every fire alarm is resent once; the rest of the resends are drawn from the telemetry.
    resent = sorted(fire_slots) + rng.sample(sorted(set(range(originals)) - set(fire_slots)), RESENDS - len(fire_slots))
    plan += [(plan[slot][0] + rng.uniform(0.02, 1.0), pushes[slot].again()) for slot in resent]
    plan.sort(key=lambda item: item[0])
    return plan, set(fire_sites)


def expected_events(pushes: list[Push]) -> set[tuple[int, str]]:
    """(integration, external id) of every event the pushes carry, read as ingest reads them."""
    integrations = {integration.ingest_path(): integration for integration in Integration.objects.all()}
    expected = set()
    for push in pushes:
        integration = integrations[push.device.ingest_path]
        reports = parse_delivery(integration=integration, body=push.body, headers=push.headers, now=timezone.now(), verify=False)
        events = prepare_events(integration=integration, reports=reports).events
        expected.update((integration.pk, event.external_id) for event in events)
    return expected


def send_burst(server_url: str, plan: list[tuple[float, Push]]) -> list[int]:
    """Send each push at its time (open loop) from SENDERS threads; the answers' statuses in plan order."""
    sender = Sender(server_url)
    statuses = [0] * len(plan)
    start = time.monotonic() + 0.2
    lock = threading.Lock()
    order = iter(range(len(plan)))

    def work() -> None:
        while True:
            with lock:
                number = next(order, None)
            if number is None:
                return
            due, push = plan[number]
            time.sleep(max(0.0, start + due - time.monotonic()))
            statuses[number] = sender.send(push).status

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        for _ in range(SENDERS):
            pool.submit(work)
    sender.close()
    return statuses


def test_a_burst_with_resends_loses_nothing_and_duplicates_nothing(asgi_server, celery_worker, street_of_detectors, station):
    plan, fire_sites = burst_plan(random.Random(20240611))
    pushes = [push for _due, push in plan]
    assert len(pushes) == PUSHES and sum(push.resend for push in pushes) == RESENDS
    expected = expected_events(pushes)

    started = time.monotonic()
    statuses = send_burst(asgi_server.url, plan)
    took = time.monotonic() - started

    assert Counter(statuses) == {200: PUSHES}, asgi_server.log_tail()
    assert took < SECONDS * 2.5  # the server kept up with the burst, give or take a loaded machine
    # Nothing lost, nothing stored twice: exactly the events the pushes carry, each once; every push recorded.
    stored = Counter(Event.objects.values_list("integration_id", "external_id"))
    assert set(stored) == expected
    assert max(stored.values()) == 1
    assert Delivery.objects.count() == PUSHES
    assert Delivery.objects.filter(outcome=Delivery.Outcome.DUPLICATE).count() == RESENDS

    # Processed once: every event, one incident per site that alarmed, one notice to the station each.
    wait_for(lambda: not Event.objects.filter(processed_at__isnull=True).exists(), timeout=60, what="every event processed")
    incidents = Incident.objects.annotate(alarms=Count("events"))
    assert sorted(incidents.values_list("site_id", flat=True)) == sorted(fire_sites)
    assert sorted(incident.alarms for incident in incidents) == [1] * (FIRE_SITES - 2) + [2, 2]
    assert sorted(DispatchNotice.objects.values_list("station_id", flat=True)) == [station.pk] * FIRE_SITES
    steps = Counter(IncidentStep.objects.filter(kind=IncidentStep.Kind.RECEIVED).values_list("incident_id", flat=True))
    assert sorted(steps.values()) == [1] * FIRE_SITES
    assert IncidentStep.objects.filter(kind=IncidentStep.Kind.JOINED).count() == 2
