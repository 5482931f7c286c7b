"""PostgreSQL away: what people see on the pages, and a spool replay killed half-way.

The web server reaches PostgreSQL through a TCP proxy of the test's own, which the test switches
off (every open connection cut, new ones closed at once, as when the server goes down) and on
again; the machine's PostgreSQL itself is never stopped, others use it.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from alarms.ingest import parse_delivery, prepare_events
from alarms.models import Delivery, Device, DispatchNotice, Event, EventType, Incident
from alarms.services import event_process, telemetry_process
from alarms.spool import spool_append, spool_dir
from tests.alarms.conftest import data_point, onenet_body, preset
from tests.alarms.test_live import http_push
from tests.servers import ROOT, session_cookie, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class PostgresProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL while up; while down, cuts every connection and refuses new ones."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.up = True
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # PostgreSQL is "down": the connection ends before any answer
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def down(self) -> None:
        self.up = False
        with self._lock:
            ends, self._open = self._open, []
        for end in ends:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def close(self) -> None:
        self._closed = True
        self.down()
        self._listener.close()


@pytest.fixture
def database_proxy():
    settings_dict = connections["default"].settings_dict
    proxy = PostgresProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    yield proxy
    proxy.close()


def through(proxy: PostgresProxy, database_url: str) -> str:
    parts = urlsplit(database_url)
    netloc = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{netloc}127.0.0.1:{proxy.port}"))


def get(server, path: str, cookie: str, *, accept: str = "text/html") -> tuple[int, str, str]:
    request = urllib.request.Request(f"{server.url}{path}", headers={"Cookie": f"{cookie}; django_language=en", "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


# What a page must never show: a traceback, the driver's or the database's own words.
LEAKS = ("Traceback", "psycopg", "OperationalError", "connection to server", 'File "')


def test_pages_show_a_clear_error_page_while_the_database_is_away_and_work_again_when_it_is_back(
    database_proxy, process_env, start_asgi_server, settings, onenet, detector, operator
):
    server = start_asgi_server(
        DATABASE_URL=through(database_proxy, process_env["DATABASE_URL"]),
        DATABASE_POOL_TIMEOUT="3",
        ALARM_SPOOL_DIR=str(settings.ALARM_SPOOL_DIR),
    )
    cookie = session_cookie(operator)
    status, _type, page = get(server, "/alarms/console/", cookie)
    assert status == 200 and 'data-testid="console-line"' in page

    database_proxy.down()
    for path in ("/alarms/console/", "/alarms/incidents/", "/"):
        status, content_type, page = get(server, path, cookie)
        # 503: passing, try again (a load balancer reads it so too).
        assert status == 503, (path, status)
        assert content_type.startswith("text/html") and "<h1>" in page, (path, page[:300])
        assert "try again" in page.lower(), (path, page[:300])
        assert not [leak for leak in LEAKS if leak in page], (path, page)
    # The API answers in its own error shape, as clear and as bare.
    status, content_type, body = get(server, "/api/alarms/incidents/", cookie, accept="application/json")
    assert status == 503 and content_type.startswith("application/json"), body
    assert '"code": "unavailable"' in body and not [leak for leak in LEAKS if leak in body], body
    # A detector's push is still answered 200: ingest keeps it in its spool.
    assert http_push(server, onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret))[0] == 200

    database_proxy.up = True
    # Back: the pages work again within seconds, and the spooled push is stored.
    wait_for(lambda: get(server, "/alarms/console/", cookie)[0] == 200, timeout=15, what="the console page again")
    answers = [get(server, "/alarms/console/", cookie)[0] for _ in range(5)]
    assert answers == [200] * 5, server.log_tail()
    # The detector's heartbeats go on; the first after ingest's pause (alarms.ingest.OutageWatch) finds
    # the database back and sets the spool's replay off.
    beats = iter(range(1466133706900, 1466134706900, 1000))

    def replayed() -> bool:
        assert http_push(server, onenet, onenet_body(data_point("heartbeat", 1, at=next(beats)), onenet.secret))[0] == 200
        return Event.objects.filter(type=EventType.FIRE_ALARM).exists()

    wait_for(replayed, timeout=15, what="the spooled fire alarm")

    # A restart between two requests: the connections idle in the pool die unnoticed, and the
    # next pages are served all the same, not an error page each until the pool has dropped them.
    database_proxy.down()
    database_proxy.up = True
    answers = [get(server, "/alarms/console/", cookie)[0] for _ in range(5)]
    assert answers == [200] * 5, server.log_tail()


# --- A spool replay killed half-way ------------------------------------------------------------------

# The shop's kitchen and hall detectors, the noodle bar's, then heartbeats of all three.
KITCHEN, HALL, NOODLES = 2016617, 2016620, 2016618


@pytest.fixture
def detectors(onenet, detector, neighbour_site, station):
    hall = Device.objects.create(
        integration=onenet.integration, platform_device_id=str(HALL), model=preset("onenet"), site=detector.site, room="前厅"
    )
    noodles = Device.objects.create(
        integration=onenet.integration, platform_device_id=str(NOODLES), model=preset("onenet"), site=neighbour_site, room="后厨"
    )
    return {KITCHEN: detector, HALL: hall, NOODLES: noodles}


def spool(onenet, body: bytes) -> str:
    return str(
        spool_append(
            integration_id=onenet.integration.pk,
            key=onenet.integration.ingest_key,
            platform="onenet",
            received_at=timezone.now(),
            headers={},
            body=body,
            verified=True,
        )
    )


def expected_event(onenet, body: bytes) -> str:
    """The external id ingest gives the one event of a OneNET push."""
    integration = onenet.integration
    reports = parse_delivery(integration=integration, body=body, headers={}, now=timezone.now(), verify=False)
    (event,) = prepare_events(integration=integration, reports=reports).events
    return event.external_id


def waiting_on(holder) -> bool:
    """Whether another session waits for the holder's transaction to end."""
    pid = holder.info.backend_pid
    return bool(holder.execute("SELECT 1 FROM pg_locks WHERE NOT granted AND %s = ANY(pg_blocking_pids(pid))", [pid]).fetchone())


def test_a_replay_killed_half_way_loses_nothing_and_stores_nothing_twice(process_env, settings, onenet, detectors, station):
    at = 1466133706841
    # Heartbeats first in the spool, as they came: the replay still stores the fire alarms first.
    bodies = [
        onenet_body(data_point(stream, 1, dev_id=dev_id, at=at + n), onenet.secret)
        for stream in ("heartbeat", "smoke_alarm")
        for n, dev_id in enumerate(detectors, start=10 if stream == "smoke_alarm" else 0)
    ]
    spooled = [spool(onenet, body) for body in bodies]

    # Hold the noodle bar's fire alarm: an uncommitted row of the same (integration, external id),
    # so that the replay, having stored the shop's two fire alarms, waits in the middle of storing
    # the third (its insert waits to learn whether the other row commits), and is killed there.
    # (A lock its foreign keys wait on would stop it only at COMMIT, already sent when it dies.)
    noodles_fire = expected_event(onenet, bodies[-1])
    settings_dict = connections["default"].settings_dict
    holder = psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
    )
    replay = None
    try:
        # The delivery it names does not exist: the foreign key is checked at a COMMIT that never comes.
        holder.execute(
            "INSERT INTO alarms_event (integration_id, delivery_id, platform_device_id, external_id, type, stream, "
            "occurred_at, received_at, attempts) VALUES (%s, -1, %s, %s, 'fire_alarm', '', now(), now(), 0)",
            [onenet.integration.pk, str(NOODLES), noodles_fire],
        )
        env = {**process_env, "ALARM_SPOOL_DIR": str(spool_dir())}
        command = [sys.executable, "manage.py", "alarm_spool_replay"]
        replay = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: Delivery.objects.count() == 2 and waiting_on(holder), what="the replay stuck on the third delivery")
        os.kill(replay.pid, signal.SIGKILL)
        replay.wait(10)
    finally:
        holder.rollback()
        holder.close()
        if replay is not None and replay.poll() is None:
            replay.kill()
            replay.wait()

    # What the killed replay took is still on disk; what it stored is stored once.
    assert list(spool_dir().glob("replaying-*.jsonl"))
    assert Delivery.objects.count() == 2
    assert sorted(Event.objects.values_list("device__platform_device_id", flat=True)) == [str(KITCHEN), str(HALL)]

    call_command("alarm_spool_replay", stdout=open(os.devnull, "w"))

    assert not list(spool_dir().glob("*.jsonl"))
    deliveries = list(Delivery.objects.order_by("pk"))
    assert sorted(str(delivery.spool_id) for delivery in deliveries) == sorted(spooled)
    # Fire alarms first across both runs, each delivery and each event stored once.
    assert [delivery.events.get().type for delivery in deliveries] == [EventType.FIRE_ALARM] * 3 + [EventType.HEARTBEAT] * 3
    assert Event.objects.count() == 6

    # And processed once: one incident per site, one notice to the station each.
    for event_id in Event.objects.filter(type=EventType.FIRE_ALARM).order_by("pk").values_list("pk", flat=True):
        event_process(event_id=event_id)
    telemetry_process()
    # The session's worker, when one runs, may have claimed an event before this test: wait for it.
    wait_for(lambda: not Event.objects.filter(processed_at__isnull=True).exists(), what="every event processed")
    assert sorted(Incident.objects.values_list("site_id", flat=True)) == sorted(
        [detectors[KITCHEN].site_id, detectors[NOODLES].site_id]
    )
    assert sorted(DispatchNotice.objects.values_list("incident__site_id", "station_id")) == sorted(
        [(detectors[KITCHEN].site_id, station.pk), (detectors[NOODLES].site_id, station.pk)]
    )
