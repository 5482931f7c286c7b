"""Ingest burst benchmark: 10,000 pushes in a minute from 2,000 detectors on OneNET, CTWing and the
generic webhook, one in ten a resend, fire alarms among them; nothing may be lost or stored or
processed twice.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/ingest_burst.py

As benchmarks/alarm_latency.py (whose helpers it uses), it never touches the database named in
DATABASE_URL: it creates its own (that name + "_bench_burst"), migrates it and drops it at the end;
in Redis it keeps to keys of its own prefix (``bench-burst-<pid>``) and deletes them at the end.

1. Data: alarm_latency's street (a station covering its four grids, 400 sites, 1,500 OneNET and
   200 CTWing detectors) and 300 detectors on a generic webhook, on the OneNET sites.
2. The processes of the Procfile (web server, the ``critical`` worker, the ``default,telemetry``
   worker, beat), with DEBUG off, on a free port.
3. The pushes, built by the device simulator (alarms.simulator) as each platform shapes them:
   9,000 originals (heartbeats, 2% low battery, and 60 fire alarms from 50 sites, 10 of them with
   a second detector alarming) and 1,000 resends, byte for byte, 0.05 to 2 s after their original
   (every fire alarm is resent), some of them before the original's answer came.
4. Sent on schedule over 60 s whatever the answers (open loop), each timed from when it was due.
5. The backlog drains: until no stored event waits for processing.
6. The database against what was answered 200: every event the pushes carry stored once, nothing
   else; every event processed; one incident per site that alarmed, one notice per station, the
   incident received once and joined once per further alarm.

Results are ``name: value`` lines (benchmarks/README.md). The exit status is 1 when a push was not
answered 200, something was lost or duplicated, or the backlog did not drain.
"""

import asyncio
import os
import random
import signal
import socket
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from alarm_latency import (
    HOST,
    ONENET_SITES,
    HttpError,
    HttpPool,
    answers_http,
    delete_redis_keys,
    free_port,
    interrupted,
    keep_logs,
    log_tail,
    make_data,
    percentile,
    prepare_run,
    start_services,
    wait_ready,
)
from common import main_in_own_database, report

PUSHES = 10_000
RESENDS = 1_000
SECONDS = 60.0
WEBHOOK_DETECTORS = 300
FIRE_SITES = 50
FIRE_SITES_WITH_TWO = 10
LOW_BATTERY_SHARE = 0.02
RESEND_AFTER_S = (0.05, 2.0)
DRAIN_TIMEOUT_S = 180
SEED = 20240611


def add_webhook_detectors() -> None:
    """A generic webhook integration (a vendor's platform) with detectors on the first OneNET sites."""
    from alarms.models import Device, DeviceModel
    from alarms.services import integration_create
    from enterprises.models import Site

    webhook = integration_create(acting_user=None, platform="webhook", name="厂商平台 望江路")
    model = DeviceModel.objects.get(platform="webhook")
    sites = Site.objects.order_by("pk")[:ONENET_SITES][:WEBHOOK_DETECTORS]
    Device.objects.bulk_create(
        Device(
            integration=webhook.integration,
            platform_device_id=f"VND-{number:05d}",
            imei=f"8697720400{number:05d}",
            model=model,
            site=site,
            building="1栋",
            room="前厅",
        )
        for number, site in enumerate(sites)
    )


def build_burst(rng: random.Random) -> tuple[list[tuple[float, object]], dict[int, int]]:
    """(seconds after the start it is due, push) in the order sent, and the fire alarms' devices by site."""
    from alarms.models import Device, EventType
    from alarms.simulator import SimulationError, devices_load, heartbeat_build, push_build

    devices = devices_load()
    site_of = dict(Device.objects.values_list("pk", "site_id"))
    by_site: dict[int, list] = {}
    for device in devices:
        by_site.setdefault(site_of[device.pk], []).append(device)
    # Fire on 50 sites of every platform; on 10 of them a second detector alarms (another platform's).
    candidates = sorted(by_site, key=lambda site: (len(by_site[site]) < 2, site))
    fire_sites = candidates[:FIRE_SITES_WITH_TWO] + rng.sample(candidates[FIRE_SITES_WITH_TWO:], FIRE_SITES - FIRE_SITES_WITH_TWO)
    fire_devices = [by_site[site][0] for site in fire_sites] + [by_site[site][1] for site in fire_sites[:FIRE_SITES_WITH_TWO]]
    rng.shuffle(fire_devices)

    originals = PUSHES - RESENDS
    fire_slots = {round((n + 0.5) * originals / len(fire_devices)): device for n, device in enumerate(fire_devices)}
    order = devices[:]
    rng.shuffle(order)
    pushes = []
    for slot in range(originals):
        if slot in fire_slots:
            pushes.append(push_build(device=fire_slots[slot], event_type=EventType.FIRE_ALARM, rng=rng))
            continue
        device = order[slot % len(order)]
        try:
            if rng.random() < LOW_BATTERY_SHARE:
                pushes.append(push_build(device=device, event_type=EventType.LOW_BATTERY, rng=rng))
                continue
        except SimulationError:
            pass
        pushes.append(heartbeat_build(device=device, rng=rng))
    plan = [(slot * SECONDS / originals, push) for slot, push in enumerate(pushes)]
    telemetry = sorted(set(range(originals)) - set(fire_slots))
    resent = sorted(fire_slots) + rng.sample(telemetry, RESENDS - len(fire_slots))
    plan += [(min(SECONDS, plan[slot][0] + rng.uniform(*RESEND_AFTER_S)), pushes[slot].again()) for slot in resent]
    plan.sort(key=lambda item: item[0])
    return plan, {site: sum(1 for d in fire_devices if site_of[d.pk] == site) for site in fire_sites}


def carried_events(pushes) -> dict[bytes, set[tuple[int, str]]]:
    """Per push body: (integration, external id) of every event it carries, read as ingest reads them."""
    from django.utils import timezone

    from alarms.ingest import parse_delivery, prepare_events
    from alarms.models import Integration

    integrations = {integration.ingest_path(): integration for integration in Integration.objects.all()}
    carried = {}
    for push in pushes:
        if push.body in carried:
            continue
        integration = integrations[push.device.ingest_path]
        reports = parse_delivery(integration=integration, body=push.body, headers=push.headers, now=timezone.now(), verify=False)
        events = prepare_events(integration=integration, reports=reports).events
        carried[push.body] = {(integration.pk, event.external_id) for event in events}
    return carried


async def send_burst(port: int, plan) -> dict:
    """Send every push when it is due; time each from then to its answer (no coordinated omission)."""
    pool = HttpPool(port)
    loop = asyncio.get_running_loop()
    timings: list[float] = []
    statuses: list[int | str] = [0] * len(plan)
    lag = 0.0

    async def one(number: int, due: float) -> None:
        push = plan[number][1]
        headers = "".join(f"{name}: {value}\r\n" for name, value in push.headers.items() if name.lower() != "content-type")
        try:
            status, _content = await pool.post(push.device.ingest_path, push.body, headers)
        except HttpError:
            status = "error"
        timings.append(loop.time() - due)
        statuses[number] = status

    start = loop.time() + 0.5
    tasks = []
    for number, (offset, _push) in enumerate(plan):
        due = start + offset
        await asyncio.sleep(max(0.0, due - loop.time()))
        lag = max(lag, loop.time() - due)
        tasks.append(asyncio.create_task(one(number, due)))
    await asyncio.gather(*tasks)
    pool.close()
    return {"timings": timings, "statuses": statuses, "lag": lag, "seconds": loop.time() - start, "finished": time.monotonic()}


def wait_drained(timeout: float) -> tuple[float | None, int]:
    """(when no stored event waited for processing any more, or None; how many still wait)."""
    from alarms.models import Event

    deadline = time.monotonic() + timeout
    while True:
        waiting = Event.objects.filter(processed_at__isnull=True).count()
        if not waiting:
            return time.monotonic(), 0
        if time.monotonic() > deadline:
            return None, waiting
        time.sleep(0.25)


def run(failures: list[str]) -> None:
    tag = f"bench-burst-{os.getpid()}"
    work = prepare_run(tag, prefix="bench_burst-")
    workdir = Path(work.name)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    stack = ExitStack()
    services = []
    try:
        stack.callback(work.cleanup)
        stack.callback(keep_logs, workdir)
        stack.callback(delete_redis_keys, settings.REDIS_URL, tag)
        call_command("migrate", verbosity=0, interactive=False)
        plan_data = make_data()
        add_webhook_detectors()
        plan, fire_sites = build_burst(random.Random(SEED))
        carried = carried_events([push for _due, push in plan])
        connection.close()

        port = free_port()
        env = {**os.environ, "HOST": HOST, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        services = start_services(stack, env=env, workdir=workdir, tag=tag)
        from riskplatform.celery import app

        hostname = socket.gethostname()
        workers = [f"critical-{tag}@{hostname}", f"worker-{tag}@{hostname}"]
        wait_ready(
            services,
            {
                "web": lambda: answers_http(port, plan_data["onenet_path"]),
                "workers": lambda: len(app.control.ping(destination=workers, timeout=0.5)) == len(workers),
                "beat": lambda: "Starting" in next(s for s in services if s.name == "beat").log.read_text(errors="replace"),
            },
        )
        print(f"services: {', '.join(s.name for s in services)} on port {port}", file=sys.stderr, flush=True)

        sent = asyncio.run(send_burst(port, plan))
        drained_at, unprocessed = wait_drained(DRAIN_TIMEOUT_S)
        check(
            failures, plan=plan, fire_sites=fire_sites, carried=carried, sent=sent, drained_at=drained_at, unprocessed=unprocessed
        )
    except BaseException:
        for service in services:
            print(f"--- {service.name} ({service.log.name}, last lines)\n{log_tail(service)}", file=sys.stderr)
        raise
    finally:
        connection.close()
        stack.close()


def check(failures: list[str], *, plan, fire_sites: dict[int, int], carried, sent: dict, drained_at, unprocessed: int) -> None:
    """Report the figures and compare the database with what was answered 200."""
    from django.db.models import Count

    from alarms.models import Delivery, Device, DispatchNotice, Event, EventType, Incident, IncidentStep

    statuses = sent["statuses"]
    answered = Counter(map(str, statuses))
    expected: set[tuple[int, str]] = set()
    for (_due, push), status in zip(plan, statuses, strict=True):
        if status == 200:
            expected |= carried[push.body]
    stored = Counter(Event.objects.values_list("integration_id", "external_id").iterator(chunk_size=20_000))
    lost_events = len(expected - stored.keys())
    extra_events = len(stored.keys() - expected)
    duplicate_events = sum(n - 1 for n in stored.values() if n > 1)

    # Fire alarms: one incident per site that alarmed, its alarms all in it, one notice per station.
    fire_answered = {
        push.device.pk
        for (_due, push), status in zip(plan, statuses, strict=True)
        if status == 200 and push.event_type == EventType.FIRE_ALARM
    }
    alarmed_sites = set(Device.objects.filter(pk__in=fire_answered).values_list("site_id", flat=True))
    incidents = Counter(Incident.objects.values_list("site_id", flat=True))
    lost_incidents = len(alarmed_sites - incidents.keys())
    duplicate_incidents = sum(n - 1 for n in incidents.values() if n > 1) + len(incidents.keys() - alarmed_sites)
    notices = Counter(DispatchNotice.objects.filter(station__isnull=False).values_list("incident_id", "station_id"))
    duplicate_notices = sum(n - 1 for n in notices.values() if n > 1)
    received = Counter(IncidentStep.objects.filter(kind=IncidentStep.Kind.RECEIVED).values_list("incident", flat=True))
    joined = Counter(IncidentStep.objects.filter(kind=IncidentStep.Kind.JOINED).values_list("incident", flat=True))
    alarms = dict(Incident.objects.annotate(n=Count("events")).values_list("pk", "n"))
    # Each incident received once, and joined once by each of its further alarms.
    steps_twice = sum(n - 1 for n in received.values() if n > 1)
    steps_twice += sum(max(0, joined.get(incident, 0) - (n - 1)) for incident, n in alarms.items())
    duplicates = duplicate_events + extra_events + duplicate_incidents + duplicate_notices + steps_twice
    lost = lost_events + lost_incidents + unprocessed

    timings_ms = [seconds * 1000 for seconds in sent["timings"]]
    report("burst_pushes", len(plan))
    report("burst_resends", sum(push.resend for _due, push in plan))
    report("burst_devices", len({push.device.pk for _due, push in plan}))
    report("burst_fire_sites", len(fire_sites))
    report("burst_fire_alarms", sum(1 for _due, push in plan if push.event_type == EventType.FIRE_ALARM and not push.resend))
    report("burst_send_s", sent["seconds"])
    report("burst_answered_200", answered.get("200", 0))
    report("burst_non_200", sum(count for status, count in answered.items() if status != "200"))
    report("burst_ack_p50_ms", percentile(timings_ms, 0.5))
    report("burst_ack_p99_ms", percentile(timings_ms, 0.99))
    report("burst_ack_max_ms", max(timings_ms, default=float("nan")))
    report("burst_sender_lag_max_ms", sent["lag"] * 1000)
    report("burst_events_expected", len(expected))
    report("burst_events_stored", sum(stored.values()))
    report("burst_deliveries_stored", Delivery.objects.count())
    report("burst_duplicate_deliveries", Delivery.objects.filter(outcome=Delivery.Outcome.DUPLICATE).count())
    report("burst_incidents", sum(incidents.values()))
    report("burst_incidents_of_two_alarms", sum(1 for n in alarms.values() if n == 2))
    report("burst_notices", DispatchNotice.objects.filter(station__isnull=False).count())
    report("burst_duplicates", duplicates)
    report("burst_lost", lost)
    report("burst_drain_s", drained_at - sent["finished"] if drained_at is not None else "not drained")
    report("burst_unprocessed", unprocessed)
    details = {
        "duplicate_events": duplicate_events,
        "extra_events": extra_events,
        "duplicate_incidents": duplicate_incidents,
        "duplicate_notices": duplicate_notices,
        "steps_twice": steps_twice,
        "lost_events": lost_events,
        "lost_incidents": lost_incidents,
    }
    for name, value in details.items():
        if value:
            report(f"burst_{name}", value)

    if set(answered) - {"200"}:
        failures.append(f"pushes not answered 200: {dict(answered)}")
    if duplicates:
        failures.append(f"burst_duplicates: {duplicates} ({details})")
    if lost:
        failures.append(f"burst_lost: {lost} ({details}, unprocessed {unprocessed})")
    if drained_at is None:
        failures.append(f"burst_drain_s: {unprocessed} events still unprocessed after {DRAIN_TIMEOUT_S} s")


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_burst", run=run))
