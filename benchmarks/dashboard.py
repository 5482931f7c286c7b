"""Overview benchmark: the staff overview of a street and of a whole city (an admin seeing every street),
with 100,000 sites, 200,000 hazards and 1,000,000 device events.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/dashboard.py

The database named in DATABASE_URL is never touched: the benchmark creates its own database on the
same server (that name + "_bench_dashboard"), migrates it, loads the demo street (``seed_demo``),
adds nine more streets of the same shape, grows the registry to 100,000 sites spread over the ten
streets (``enterprises.demo.generate_sites``), and loads, with COPY, 200,000 hazards, a third of a
year of routine checks, 150,000 smoke detectors and a year of their events (1,000,000, fire alarms
grouped into incidents with their response times), all in realistic states; then VACUUM ANALYZE,
the measurements, and the database is dropped. The data is what is measured on, not what is
measured, so it is made in bulk. Results are printed as ``name: value`` lines; each page's slowest
queries go to stderr.
"""

import datetime
import math
import random
import sys
import time
import uuid
import warnings
from collections.abc import Iterable
from io import StringIO

from common import BenchmarkFailure, Measurer, main_in_own_database, measure, report

TARGET_SITES = 100_000
TARGET_HAZARDS = 200_000
TARGET_EVENTS = 1_000_000
DEVICES_PER_SITE = 1.5
STREETS = ["九眼桥街道", "水井坊街道", "合江亭街道", "书院街街道", "莲新街道", "沙河街道", "双桂路街道", "东光街道", "锦官驿街道"]
COMMUNITIES_PER_STREET, GRIDS_PER_COMMUNITY = 8, 5
SEED = 20261126
DAY = datetime.timedelta(days=1)


def copy(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """Load ``rows`` (values of ``fields``, by attribute name) into ``model``'s table with COPY."""
    from django.db import connection

    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)
                count += 1
    return count


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


# --- The city ---------------------------------------------------------------------------------------------


def add_streets() -> int:
    """Nine more streets beside the demo's, each with its communities and grids."""
    from accounts.models import Community, Grid, Street

    grids = []
    for s, name in enumerate(STREETS, start=1):
        street = Street.objects.create(name=name, code=f"BS{s:02d}")
        for c in range(1, COMMUNITIES_PER_STREET + 1):
            community = Community.objects.create(street=street, name=f"{name[:-2]}第{c}社区", code=f"BS{s:02d}C{c:02d}")
            grids += [Grid(community=community, name=f"第{g}网格", code=f"BS{s:02d}C{c:02d}G{g:02d}") for g in range(1, 6)]
    Grid.objects.bulk_create(grids)
    return Street.objects.count()


def grow_sites() -> int:
    """Synthetic site files up to TARGET_SITES (the demo's mix of categories), then spread over every
    grid of the city, colours and statuses as a city has them."""
    from django.db import connection

    from enterprises import demo
    from enterprises.models import Site

    start = Site.objects.order_by("-pk").values_list("pk", flat=True).first()
    demo.generate_sites(TARGET_SITES - Site.objects.count(), start=demo.DEMO_SITE_COUNT, record_history=False)
    with connection.cursor() as cursor:
        # The new sites go to every grid of the city (the demo street's included) in blocks of consecutive
        # files, as each street registered its units grid by grid; colours 2% red, 20% orange, 43% yellow,
        # 35% blue; 3% suspended, 2% closed. One UPDATE, then the table rewritten without the old versions,
        # as a registry loaded once and kept by autovacuum is laid out.
        cursor.execute(
            """
            UPDATE enterprises_site s SET
              grid_id = g.id,
              risk_colour = CASE WHEN (s.id * 2654435761) %% 100 < 2 THEN 'red' WHEN (s.id * 2654435761) %% 100 < 22 THEN 'orange'
                                 WHEN (s.id * 2654435761) %% 100 < 65 THEN 'yellow' ELSE 'blue' END,
              status = CASE WHEN (s.id * 40503) %% 100 < 3 THEN 'suspended' WHEN (s.id * 40503) %% 100 < 5 THEN 'closed'
                            ELSE s.status END
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM accounts_grid) g,
                 (SELECT min(id) AS low, max(id) - min(id) + 1 AS span FROM enterprises_site WHERE id > %s) new
            WHERE s.id > %s AND g.n = (s.id - new.low) * g.total / new.span
            """,
            [start, start],
        )
        cursor.execute("VACUUM FULL enterprises_site")
    return Site.objects.count()


def site_rows() -> list[tuple[int, str, str]]:
    from enterprises.models import Site

    return list(Site.objects.order_by("pk").values_list("pk", "risk_colour", "status"))


def grow_hazards(sites, rng: random.Random, now: datetime.datetime, today: datetime.date) -> int:
    """Hazards up to TARGET_HAZARDS, found over the last two years: most closed within days, the open ones
    mostly recent, a few old ones notified and past their deadline, 0.5% major (those listed for supervision)."""
    from accounts.models import User
    from hazards.models import Hazard

    finder = User.objects.get(username="gridworker").pk
    site_ids = [pk for pk, _colour, _status in sites]
    fields = [
        "site_id",
        "description",
        "level",
        "source",
        "source_key",
        "status",
        "found_by_id",
        "found_at",
        "deadline",
        "overdue_at",
        "escalation",
        "rectified_at",
        "supervised_at",
        "closed_at",
    ]

    # Counted before COPY starts: the connection serves nothing else until it ends.
    count = TARGET_HAZARDS - Hazard.objects.count()

    def rows():
        for _ in range(count):
            found_at = now - datetime.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            found_day = found_at.date()
            major = rng.random() < 0.005
            roll = rng.random()
            if (today - found_day).days > 60:
                roll = 0.3 if roll < 0.02 else 1.0
            status, deadline, rectified, closed, overdue_at, escalation = "closed", None, None, None, None, 0
            if roll < 0.15:
                status = "found"
            elif roll < 0.45:
                status, deadline = "notified", found_day + datetime.timedelta(days=rng.choice((7, 15, 30)))
                if deadline < today:
                    overdue_at, escalation = datetime.datetime.combine(deadline + DAY, datetime.time(1), found_at.tzinfo), 1
            elif roll < 0.55:
                status, rectified = "rectified", found_at + 5 * DAY
            elif roll < 0.6 and major:
                status, rectified = "reviewed", found_at + 20 * DAY
            if status == "closed":
                rectified, closed = found_at + 4 * DAY, found_at + 6 * DAY
            yield (
                rng.choice(site_ids),
                "灭火器压力不足",
                "major" if major else "general",
                "inspection",
                "",
                status,
                finder,
                found_at,
                deadline,
                overdue_at,
                escalation,
                rectified,
                found_at + 2 * DAY if major else None,
                closed,
            )

    return copy(Hazard, fields, rows())


INTERVALS = {"red": 7, "orange": 14, "yellow": 30, "blue": 30, "": 7}


def grow_inspections(sites, rng: random.Random, now: datetime.datetime) -> int:
    """Routine checks of the operating sites over the last 120 days, each about its colour's interval after
    the one before (a few sites late, a few never checked)."""
    from accounts.models import User
    from inspections.models import Inspection

    inspector = User.objects.get(username="gridworker").pk
    fields = [
        "id",
        "site_id",
        "kind",
        "inspector_id",
        "started_at",
        "finished_at",
        "received_at",
        "signer_name",
        "passed_count",
        "failed_count",
        "not_applicable_count",
        "hazards_raised_count",
    ]

    def rows():
        for pk, colour, status in sites:
            if status != "operating" or rng.random() < 0.03:
                continue
            interval = INTERVALS[colour]
            moment = now - datetime.timedelta(days=rng.uniform(0, interval * 1.4), hours=rng.uniform(0, 8))
            while moment > now - 120 * DAY:
                yield (
                    uuid.uuid4(),
                    pk,
                    "routine",
                    inspector,
                    moment - datetime.timedelta(minutes=25),
                    moment,
                    moment,
                    "",
                    30,
                    0,
                    2,
                    0,
                )
                moment -= datetime.timedelta(days=interval * rng.uniform(0.8, 1.25))

    return copy(Inspection, fields, rows())


def grow_devices(sites, rng: random.Random, now: datetime.datetime) -> list[tuple[int, int, int, str]]:
    """About DEVICES_PER_SITE smoke detectors per site beside the demo's: 95% online and well, the rest offline,
    low on battery, faulty or tampered with. Returns every device as (id, site, integration, platform id)."""
    from alarms.models import Device, DeviceModel, Integration

    integrations = list(Integration.objects.order_by("pk").values_list("pk", "platform"))
    models = dict(DeviceModel.objects.order_by("pk").values_list("platform", "pk"))
    have = set(Device.objects.values_list("site_id", flat=True))
    fields = [
        "integration_id",
        "platform_device_id",
        "imei",
        "model_id",
        "site_id",
        "building",
        "floor",
        "room",
        "status",
        "online",
        "low_battery",
        "fault",
        "tamper",
        "battery",
        "signal",
        "last_seen",
        "created_at",
    ]

    def rows():
        number = 0
        for pk, _colour, _status in sites:
            if pk in have:
                continue
            for _ in range(max(1, round(rng.gauss(DEVICES_PER_SITE, 0.7)))):
                number += 1
                integration, platform = integrations[number % len(integrations)]
                roll = rng.random()
                online, low, fault, tamper = roll >= 0.02, 0.02 <= roll < 0.035, 0.035 <= roll < 0.04, 0.04 <= roll < 0.042
                status = Device.status_for(online=online, tamper=tamper, fault=fault, low_battery=low)
                battery = rng.randint(5, 19) if low else rng.randint(40, 100)
                yield (
                    integration,
                    f"B{number:08d}",
                    "",
                    models.get(platform) or models["onenet"],
                    pk,
                    "",
                    "",
                    f"{number % 9 + 1}号",
                    status,
                    online,
                    low,
                    fault,
                    tamper,
                    battery,
                    rng.randint(-110, -60),
                    now - datetime.timedelta(hours=rng.uniform(0, 30)),
                    now - 200 * DAY,
                )

    copy(Device, fields, rows())
    return list(Device.objects.order_by("pk").values_list("pk", "site_id", "integration_id", "platform_device_id"))


def grow_alarms(devices, rng: random.Random, now: datetime.datetime) -> tuple[int, int]:
    """A year of events up to TARGET_EVENTS: about 3% fire alarms, grouped into incidents (one to three alarms each)
    answered in realistic seconds (most false alarms from cooking and steam, 3% real fires), the rest heartbeats,
    battery and signal reports, tests, faults and their clearing. The last day's incidents are partly still open."""
    from accounts.models import User
    from alarms.models import Delivery, Event, Incident

    operator = User.objects.get(username="station").pk
    first_incident = (Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    deliveries = {}
    for integration in {device[2] for device in devices}:
        deliveries[integration] = Delivery.objects.create(
            integration_id=integration, received_at=now, outcome="accepted", body=b"{}"
        ).pk
    incidents, events = [], []
    incident_id = first_incident
    budget = TARGET_EVENTS - Event.objects.count()
    fire_share = 0.03
    while len(events) < budget * fire_share:
        device_id, site_id, integration, platform_id = rng.choice(devices)
        opened = now - datetime.timedelta(seconds=rng.uniform(60, 365 * 86400))
        alarms = rng.choice((1, 1, 1, 2, 3))
        for k in range(alarms):
            moment = opened + datetime.timedelta(seconds=40 * k)
            events.append(
                (
                    integration,
                    deliveries[integration],
                    device_id,
                    platform_id,
                    f"f{len(events)}",
                    "fire_alarm",
                    moment,
                    moment,
                    moment,
                    incident_id,
                    "",
                    0,
                )
            )
        real = rng.random() < 0.03
        ack = opened + datetime.timedelta(seconds=min(900, rng.lognormvariate(math.log(35), 0.6)))
        confirmed = ack + datetime.timedelta(seconds=rng.uniform(30, 180))
        dispatched = confirmed + datetime.timedelta(seconds=10) if real or rng.random() < 0.3 else None
        on_scene = (
            dispatched + datetime.timedelta(seconds=min(1800, rng.lognormvariate(math.log(170), 0.4))) if dispatched else None
        )
        resolved = (on_scene or confirmed) + datetime.timedelta(minutes=rng.uniform(5, 40))
        if now - opened < datetime.timedelta(hours=2) and rng.random() < 0.5:
            status, ack, confirmed, dispatched, on_scene, resolved = "new", None, None, None, None, None
        else:
            status = "resolved"
        incidents.append(
            (
                incident_id,
                site_id,
                device_id,
                "fire",
                status,
                opened,
                opened + datetime.timedelta(seconds=40 * (alarms - 1)),
                opened + datetime.timedelta(seconds=2),
                ack,
                operator if ack else None,
                confirmed,
                operator if confirmed else None,
                real if confirmed else None,
                ("fire" if real else rng.choice(("cooking", "steam", "dust", "smoking"))) if confirmed else "",
                dispatched,
                operator if dispatched else None,
                on_scene,
                operator if on_scene else None,
                resolved,
                operator if resolved else None,
                ("extinguished" if real else "false_alarm") if resolved else "",
                "",
            )
        )
        incident_id += 1
    copy(
        Incident,
        [
            "id",
            "site_id",
            "device_id",
            "kind",
            "status",
            "opened_at",
            "last_alarm_at",
            "delivered_at",
            "acknowledged_at",
            "acknowledged_by_id",
            "confirmed_at",
            "confirmed_by_id",
            "real",
            "cause",
            "dispatched_at",
            "dispatched_by_id",
            "on_scene_at",
            "on_scene_by_id",
            "resolved_at",
            "resolved_by_id",
            "outcome",
            "notes",
        ],
        incidents,
    )
    reset_sequences(Incident)
    kinds = (
        ["heartbeat"] * 80 + ["low_battery"] * 3 + ["test"] * 2 + ["fault", "fault_cleared", "alarm_cleared", "online", "offline"]
    )

    def telemetry():
        for number in range(budget - len(events)):
            device_id, _site, integration, platform_id = rng.choice(devices)
            moment = now - datetime.timedelta(seconds=rng.uniform(0, 365 * 86400))
            yield (
                integration,
                deliveries[integration],
                device_id,
                platform_id,
                f"t{number}",
                rng.choice(kinds),
                moment,
                moment,
                moment,
                None,
                "",
                0,
            )

    fields = [
        "integration_id",
        "delivery_id",
        "device_id",
        "platform_device_id",
        "external_id",
        "type",
        "occurred_at",
        "received_at",
        "processed_at",
        "incident_id",
        "stream",
        "attempts",
    ]
    made = copy(Event, fields, events) + copy(Event, fields, telemetry())
    return made, len(incidents)


# --- Measuring ---------------------------------------------------------------------------------------------


def slowest_queries(client, path: str, name: str, top: int = 4) -> int:
    """The page's query count; its slowest queries on stderr (where the time goes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, secure=True, HTTP_HOST="127.0.0.1")  # the session and the user's first loads
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, secure=True, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise BenchmarkFailure(f"GET {path} answered HTTP {response.status_code}")
    queries = sorted(context.captured_queries, key=lambda query: -float(query["time"]))
    for query in queries[:top]:
        print(f"  {name}: {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}", file=sys.stderr, flush=True)
    return len(context.captured_queries)


def run(failures: list[str]) -> None:
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from alarms.models import Device, Event, Incident
    from enterprises.models import Site
    from hazards.models import Hazard
    from inspections.models import Inspection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    report("seed_demo_s", time.perf_counter() - started)

    rng = random.Random(SEED)
    now, today = timezone.now(), timezone.localdate()
    for name, grow in (
        ("streets", add_streets),
        ("sites", grow_sites),
    ):
        started = time.perf_counter()
        report(name, grow())
        report(f"grow_{name}_s", time.perf_counter() - started)
    sites = site_rows()
    started = time.perf_counter()
    grow_hazards(sites, rng, now, today)
    grow_inspections(sites, rng, now)
    devices = grow_devices(sites, rng, now)
    grow_alarms(devices, rng, now)
    report("grow_hazards_inspections_alarms_s", time.perf_counter() - started)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report("vacuum_analyze_s", time.perf_counter() - started)
    staff = User.objects.get(username="staff")
    report("street_sites", Site.objects.filter(grid__community__street=staff.street_id).count())
    for name, model in (
        ("hazards", Hazard),
        ("inspections", Inspection),
        ("devices", Device),
        ("events", Event),
        ("incidents", Incident),
    ):
        report(name, model.objects.count())

    # DEBUG stays off, as in production; the figures are computed on every request (no cache), as a cold page is.
    with override_settings(
        ALLOWED_HOSTS=["127.0.0.1"],
        DASHBOARD_CACHE_SECONDS=0,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        overview = reverse("dashboards:overview")
        for scope, username in (("street", "staff"), ("city", "admin")):
            client = Client()
            client.force_login(User.objects.get(username=username))
            measurer = Measurer(client)
            measure(failures, f"overview_{scope}_ms", measurer.median_ms, overview)
            try:
                report(f"overview_{scope}_queries", slowest_queries(client, overview, f"overview_{scope}"))
            except BenchmarkFailure as failure:
                failures.append(f"overview_{scope}_queries: {failure}")
        client = Client()
        client.force_login(staff)
        measurer = Measurer(client)
        community = staff.street.communities.order_by("code").first()
        grid = community.grids.order_by("code").first()
        measure(
            failures, "overview_community_ms", measurer.median_ms, reverse("dashboards:overview-community", args=[community.pk])
        )
        measure(failures, "overview_grid_ms", measurer.median_ms, reverse("dashboards:overview-grid", args=[grid.pk]))
        report("overview_grid_sites", Site.objects.filter(grid=grid).count())

        # The trends: a year by month and half a year by week, of the street and of the city.
        trends = reverse("dashboards:trends")
        for scope, username in (("street", "staff"), ("city", "admin")):
            client = Client()
            client.force_login(User.objects.get(username=username))
            measurer = Measurer(client)
            measure(failures, f"trends_{scope}_ms", measurer.median_ms, trends)
            measure(failures, f"trends_{scope}_weeks_ms", measurer.median_ms, trends, {"period": "week"})
            try:
                report(f"trends_{scope}_queries", slowest_queries(client, trends, f"trends_{scope}"))
            except BenchmarkFailure as failure:
                failures.append(f"trends_{scope}_queries: {failure}")


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_dashboard", run=run))
