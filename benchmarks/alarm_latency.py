"""Alarm pipeline benchmark: a fire alarm's way from a carrier platform's push to a station console,
while 100,000 telemetry events drain, and how fast ingest answers.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/alarm_latency.py

The database named in DATABASE_URL is never touched: the benchmark creates its own database on
the same server (that name + "_bench_alarm"), migrates it and drops it at the end; in Redis it
keeps to keys of its own prefix (REDIS_KEY_PREFIX ``bench-alarm-<pid>``) and deletes them at the end.

1. Data: a street with one community and its grids, a micro fire station assigned to all of
   them with its operator, a OneNET and a CTWing integration, 400 sites with 1,700 detectors.
2. The processes of the Procfile (``make run``): the web server (``python -m riskplatform.serve``),
   the ``critical`` worker, the ``default,telemetry`` worker and beat, with DEBUG off, behind
   what they take for a TLS proxy (``X-Forwarded-Proto: https`` from 127.0.0.1), on a free port.
3. The operator's console: a WebSocket client of ``ws/console/`` signed in with a session cookie.
4. The flood: 100,000 heartbeats and battery readings in OneNET pushes of 100 messages, on 8
   connections at once (another process, so that the console's clock is not held up by it).
5. Once 5,000 are accepted, 200 fire alarms, one every 0.3 s, each a push of its own (half
   OneNET, half CTWing), each from a detector of its own site, so each opens an incident; the
   latency of each is from sending the push to the console's receipt of its incident (``new``).
   The operator acknowledges each new incident 3 s after it shows (through the API), as a
   station does: unanswered, every incident would call for reminders every 30 s.
6. The telemetry drains; then 250 single-event pushes a second for 20 s, sent on schedule
   whatever the answers (open loop), each timed from when it was due to its answer.
7. The database is checked against what was acknowledged: every event stored once, one
   incident and one notice per fire alarm, one ``new`` console message per incident.

Results are ``name: value`` lines (benchmarks/README.md). The exit status is 1 when a target is
missed, something was lost or duplicated, or a push was refused.
"""

import asyncio
import base64
import datetime
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, main_in_own_database, report

HOST = "127.0.0.1"
TELEMETRY_EVENTS = 100_000
TELEMETRY_BATCH = 100  # messages per OneNET push
TELEMETRY_CONNECTIONS = 8
FIRE_ALARMS = 200  # half through OneNET, half through CTWing
FIRE_INTERVAL_S = 0.3
FIRE_AFTER_EVENTS = 5_000  # the flood is well under way, the telemetry queue busy
ACKNOWLEDGE_AFTER_S = 3  # the operator taps "acknowledge" on each new card
CONSOLE_WAIT_S = 30  # a fire alarm not on the console by then is lost
ACK_RATE = 250  # pushes a second
ACK_SECONDS = 20
DRAIN_TIMEOUT_S = 150
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15

ONENET_SITES, ONENET_DEVICES_PER_SITE = 300, 5
CTWING_SITES, CTWING_DEVICES_PER_SITE = 100, 2

TARGETS = {  # name: (limit, "max" or "min")
    "alarm_console_p99_ms": (1000, "max"),
    "ingest_events_per_s": (1000, "min"),
    "ingest_ack_p99_ms": (100, "max"),
}


# --- What the platforms push (shaped as alarms.adapters reads them) --------------------------------


def onenet_body(msg, token: str) -> bytes:
    """A plain-mode OneNET push, signed over ``msg`` as it stands in the body: Base64(MD5(token + nonce + msg))."""
    nonce = secrets.token_hex(4)
    text = json.dumps(msg, separators=(",", ":"))
    signature = base64.b64encode(hashlib.md5((token + nonce + text).encode()).digest()).decode()
    return f'{{"msg":{text},"msg_signature":"{signature}","nonce":"{nonce}"}}'.encode()


def onenet_point(dev_id: str, ds_id: str, value, at: int) -> dict:
    return {"type": 1, "dev_id": int(dev_id), "ds_id": ds_id, "at": at, "value": value}


def onenet_external_id(dev_id: str, ds_id: str, at: int) -> str:
    return f"{dev_id}:1:{ds_id}:{at}"  # as alarms.adapters names a OneNET data point


def ctwing_report(device_id: str, imei: str, payload: dict, at: int, packet: int) -> dict:
    return {
        "messageType": "dataReport",
        "deviceId": device_id,
        "IMEI": imei,
        "productId": "15012345",
        "tenantId": "2000012345",
        "protocol": "lwm2m",
        "serviceId": "1",
        "upPacketSN": packet,
        "timestamp": at,
        "payload": payload,
    }


def ctwing_external_id(device_id: str, at: int, packet: int) -> str:
    return f"{device_id}:dataReport:1::{at}:{packet}"


def telemetry_push(plan: dict, number: int) -> tuple[list[dict], list[str]]:
    """Push ``number`` of the flood: TELEMETRY_BATCH heartbeats and battery readings, and their external ids.

    Every message has its own time in milliseconds, so every one is a new event.
    """
    messages, ids = [], []
    devices = plan["onenet_devices"]
    for index in range(number * TELEMETRY_BATCH, (number + 1) * TELEMETRY_BATCH):
        dev_id = devices[index % len(devices)]
        at = plan["base_ms"] + index
        if index % 2:
            messages.append(onenet_point(dev_id, "battery", 60 + index % 40, at))
            ids.append(onenet_external_id(dev_id, "battery", at))
        else:
            messages.append(onenet_point(dev_id, "heartbeat", 1, at))
            ids.append(onenet_external_id(dev_id, "heartbeat", at))
    return messages, ids


# --- A small HTTP/1.1 client (the project has no async HTTP client; this one keeps connections open) -


class HttpError(Exception):
    pass


class HttpConnection:
    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used_at = 0.0

    async def post(self, path: str, body: bytes, headers: str = "") -> tuple[int, bytes]:
        """POST ``body``; a connection the server closed while idle is opened again once (a resend is a no-op)."""
        fresh = self.writer is None
        for _attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
                fresh = True
            try:
                return await self._exchange(path, body, headers)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                self.close()
                if fresh:
                    raise HttpError(f"POST {path}: {error!r}") from error
        raise HttpError(f"POST {path}: the connection failed twice")

    async def _exchange(self, path: str, body: bytes, headers: str) -> tuple[int, bytes]:
        # As a TLS-terminating proxy on this host forwards it: production settings, no redirect to HTTPS.
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.7\r\n{headers}\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        answer = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                answer[name.strip().lower()] = value.strip()
        if "content-length" in answer:
            content = await self.reader.readexactly(int(answer["content-length"]))
        elif answer.get("transfer-encoding", "").lower() == "chunked":
            content = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16):
                content += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            content = await self.reader.read()
            self.close()
        if answer.get("connection", "").lower() == "close":
            self.close()
        self.used_at = time.monotonic()
        return status, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class HttpPool:
    """Connections for requests sent on a schedule: an idle one if there is one, else a new one."""

    def __init__(self, port: int):
        self.port = port
        self.idle: list[HttpConnection] = []

    async def post(self, path: str, body: bytes, headers: str = "") -> tuple[int, bytes]:
        connection = None
        while self.idle:
            candidate = self.idle.pop()
            # uvicorn closes a connection idle for 5 s; do not race it.
            if time.monotonic() - candidate.used_at < 4:
                connection = candidate
                break
            candidate.close()
        connection = connection or HttpConnection(self.port)
        try:
            answer = await connection.post(path, body, headers)
        except BaseException:
            connection.close()
            raise
        if connection.writer is not None:
            self.idle.append(connection)
        return answer

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0..1) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-share * len(ordered) // 1)) - 1))]


# --- The flood, in a process of its own ---------------------------------------------------------------


def flood_main(plan: dict, accepted, results) -> None:
    """Entry point of the flood process: push every telemetry push once and report what was answered."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    results.put(asyncio.run(_flood(plan, accepted)))


async def _flood(plan: dict, accepted) -> dict:
    pushes = plan["telemetry_events"] // TELEMETRY_BATCH
    bodies = [onenet_body(telemetry_push(plan, number)[0], plan["onenet_token"]) for number in range(pushes)]
    path = plan["onenet_path"]
    queue = iter(range(pushes))
    statuses: Counter = Counter()
    acked: list[int] = []
    timings: list[float] = []
    errors: list[str] = []

    async def sender() -> None:
        connection = HttpConnection(plan["port"])
        for number in queue:
            started = time.monotonic()
            try:
                status, _content = await connection.post(path, bodies[number])
            except HttpError as error:
                statuses["error"] += 1
                errors.append(str(error))
                continue
            timings.append(time.monotonic() - started)
            statuses[status] += 1
            if status == 200:
                acked.append(number)
                with accepted.get_lock():
                    accepted.value += TELEMETRY_BATCH
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(sender() for _ in range(plan["telemetry_connections"])))
    return {
        "started": started,
        "finished": time.monotonic(),
        "statuses": dict(statuses),
        "acked": acked,
        "push_p50_ms": percentile(timings, 0.5) * 1000,
        "push_p99_ms": percentile(timings, 0.99) * 1000,
        "errors": errors[:5],
    }


# --- The processes of the Procfile -----------------------------------------------------------------


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path


def procfile_commands(*, tag: str, schedule: Path) -> dict[str, str]:
    """The Procfile's commands, each worker under a name of this run's and beat with a schedule file of its own."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, command = line.split(":", 1)
        command = re.sub(r"--hostname (\S+?)@", rf"--hostname \1-{tag}@", command)
        command = re.sub(r"--schedule \S+", f"--schedule {schedule}", command)
        commands[name.strip()] = command.strip()
    return commands


def start_services(stack: ExitStack, *, env: dict, workdir: Path, tag: str) -> list[Service]:
    services: list[Service] = []
    stack.callback(stop_services, services)
    for name, command in procfile_commands(tag=tag, schedule=workdir / "celerybeat-schedule").items():
        log = workdir / f"{name}.log"
        with open(log, "ab") as output:
            # A session of its own: stopping its process group stops whatever it started (prefork children).
            process = subprocess.Popen(
                ["bash", "-c", f"exec {command}"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        services.append(Service(name=name, process=process, log=log))
    return services


def stop_services(services: list[Service]) -> None:
    for service in services:
        if service.process.poll() is None:
            try:
                os.killpg(service.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for service in services:
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        # Whatever of the group is left (a prefork child that did not follow its parent) is killed.
        try:
            os.killpg(service.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        service.process.wait()


def cpu_seconds(service: Service) -> float:
    """CPU time (user + system) of the service's process group so far: its live processes and the children they reaped."""
    return sum(cpu for pgrp, _ppid, _command, cpu in processes().values() if pgrp == service.process.pid)


def processes() -> dict[int, tuple[int, int, str, float]]:
    """Every process: pid -> (process group, parent, command line, CPU seconds of it and of the children it reaped)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        # After the name: state, ppid, pgrp, ..., utime (14th field of the file), stime, cutime, cstime.
        found[int(folder.name)] = (int(fields[2]), int(fields[1]), command, sum(int(value) for value in fields[11:15]) / ticks)
    return found


def machine_jiffies() -> tuple[int, int]:
    """(all, idle) CPU time of the machine so far, in clock ticks, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(fields), fields[3] + fields[4]


@dataclass
class CpuMeter:
    """CPU used between start() and stop(), in percent of one core: by each service (beat aside), by the
    PostgreSQL backends serving the benchmark's database, by the benchmark's own processes and by the machine."""

    services: list[Service]
    database: str
    started: tuple[float, dict[int, float], tuple[int, int]] | None = None
    shares: dict[str, float] = field(default_factory=dict)

    def _groups(self, found: dict[int, tuple[int, int, str, float]]) -> dict[int, str]:
        groups = {}
        for pid, (pgrp, ppid, command, _cpu) in found.items():
            service = next((s.name for s in self.services if s.process.pid == pgrp), None)
            if service:
                groups[pid] = service
            elif command.startswith("postgres: ") and f" {self.database} " in command:
                groups[pid] = "postgres"
            elif os.getpid() in (pid, ppid):
                groups[pid] = "benchmark"
        return groups

    def start(self) -> None:
        cpu = {pid: seconds for pid, (_pgrp, _ppid, _command, seconds) in processes().items()}
        self.started = (time.monotonic(), cpu, machine_jiffies())

    def stop(self) -> None:
        at, before, (total, idle) = self.started
        seconds = time.monotonic() - at
        used: Counter = Counter()
        now = processes()
        for pid, group in self._groups(now).items():
            used[group] += now[pid][3] - before.get(pid, 0.0)
        for group in [*(s.name for s in self.services if s.name != "beat"), "postgres", "benchmark"]:
            self.shares[group] = 100 * used[group] / seconds
        total_now, idle_now = machine_jiffies()
        busy = (total_now - total) - (idle_now - idle)
        self.shares["machine"] = 100 * os.cpu_count() * busy / max(1, total_now - total)


def log_tail(service: Service, lines: int = 30) -> str:
    text = service.log.read_text(errors="replace") if service.log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def wait_ready(services: list[Service], checks: dict) -> None:
    """Wait until each service answers its check; fail with its log when one exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    pending = dict(checks)
    while pending:
        for service in services:
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} exited with status {service.process.returncode}:\n{log_tail(service)}")
        for name, check in list(pending.items()):
            if check():
                del pending[name]
        if pending and time.monotonic() > deadline:
            tails = "\n".join(f"--- {s.name}\n{log_tail(s)}" for s in services if s.name in pending)
            raise RuntimeError(f"not ready within {START_TIMEOUT_S} s: {', '.join(pending)}\n{tails}")
        time.sleep(0.2)


def answers_http(port: int, path: str) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2) as probe:
            request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
            probe.sendall(request.encode())
            return probe.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def delete_redis_keys(url: str, prefix: str) -> int:
    """Delete this run's keys (``<prefix>:*``) and nothing else of the Redis database."""
    import redis

    client = redis.Redis.from_url(url)
    deleted = 0
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                deleted += client.delete(*batch)
                batch.clear()
        if batch:
            deleted += client.delete(*batch)
    finally:
        client.close()
    return deleted


# --- Data -------------------------------------------------------------------------------------------


def make_data() -> dict:
    """The street, its station and operator, the integrations, sites and detectors; returns the plan."""
    from django.db import transaction
    from django.test import Client

    from accounts.models import Community, FireStation, Grid, Street, User
    from alarms.models import Device, DeviceModel, StationAssignment
    from alarms.services import integration_create
    from enterprises.models import Category, Site

    with transaction.atomic():
        street = Street.objects.create(name="望江路街道", code="WJL")
        community = Community.objects.create(street=street, name="望江社区", code="WJ01")
        grids = [Grid.objects.create(community=community, name=f"第{n}网格", code=f"WJ01-{n:02d}") for n in range(1, 5)]
        station = FireStation.objects.create(street=street, name="望江路微型消防站", phone="028-85550119")
        station.grids.set(grids)
        StationAssignment.objects.create(community=community, primary=station)
        operator = User.objects.create(username="operator", full_name="消防员", role=User.Role.STATION_OPERATOR, station=station)
        onenet = integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")
        ctwing = integration_create(acting_user=None, platform="ctwing", name="CTWing 望江路")
        onenet_model = DeviceModel.objects.get(platform="onenet", name__contains="OneNET")
        ctwing_model = DeviceModel.objects.get(platform="ctwing", name__contains="CTWing")
        category = Category.objects.get(code="XS01")
        sites = Site.objects.bulk_create(
            Site(
                name=f"望江便利店{n:03d}",
                category=category,
                grid=grids[n % len(grids)],
                address=f"望江路{n + 1}号",
                responsible_person="张三",
                responsible_phone="13800138000",
            )
            for n in range(ONENET_SITES + CTWING_SITES)
        )
        devices = []
        for n, site in enumerate(sites[:ONENET_SITES]):
            for k in range(ONENET_DEVICES_PER_SITE):
                number = n * ONENET_DEVICES_PER_SITE + k
                devices.append(
                    Device(
                        integration=onenet.integration,
                        platform_device_id=str(5_000_000 + number),
                        imei=f"8658200600{number:05d}",
                        model=onenet_model,
                        site=site,
                        building="1栋",
                        floor=f"{k + 1}层",
                        room="厨房",
                    )
                )
        for n, site in enumerate(sites[ONENET_SITES:]):
            for k in range(CTWING_DEVICES_PER_SITE):
                number = n * CTWING_DEVICES_PER_SITE + k
                devices.append(
                    Device(
                        integration=ctwing.integration,
                        platform_device_id=f"d0130804{number:024x}",
                        imei=f"1619417702{number:05d}",
                        model=ctwing_model,
                        site=site,
                        room="仓库",
                    )
                )
        Device.objects.bulk_create(devices)
    onenet_devices = [d for d in devices if d.integration_id == onenet.integration.pk]
    ctwing_devices = [d for d in devices if d.integration_id == ctwing.integration.pk]
    # The first detector of each of 100 OneNET sites and of each CTWing site raises the fire alarms.
    fire = [("onenet", d) for d in onenet_devices[::ONENET_DEVICES_PER_SITE][: FIRE_ALARMS // 2]]
    fire += [("ctwing", d) for d in ctwing_devices[::CTWING_DEVICES_PER_SITE][: FIRE_ALARMS - len(fire)]]
    # The session the console signs in with, stored in the database the server reads; the token its
    # acknowledgements are sent with through the API.
    client = Client()
    client.force_login(operator)
    from django.conf import settings
    from rest_framework.authtoken.models import Token

    return {
        "station_id": station.pk,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "token": Token.objects.create(user=operator).key,
        "onenet_path": onenet.integration.ingest_path(),
        "onenet_token": onenet.secret,
        "ctwing_path": ctwing.integration.ingest_path(),
        "onenet_devices": [d.platform_device_id for d in onenet_devices],
        "ctwing_devices": [(d.platform_device_id, d.imei) for d in ctwing_devices],
        "fire": [(platform, d.pk, d.platform_device_id, d.imei) for platform, d in fire],
        # Every pushed message has its own time, from a few minutes ago to now.
        "base_ms": int(time.time() * 1000) - 10 * 60 * 1000,
        # The flood's process reads its sizes from here, not from its own import of this module.
        "telemetry_events": TELEMETRY_EVENTS,
        "telemetry_connections": TELEMETRY_CONNECTIONS,
    }


# --- Measuring ---------------------------------------------------------------------------------------


@dataclass
class Console:
    """What the operator's console received: (monotonic time, reason, incident id, device id) per incident message."""

    received: list[tuple[float, str, int, int]] = field(default_factory=list)
    acknowledgements: list[asyncio.Task] = field(default_factory=list)
    snapshots: int = 0
    reconnects: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    stop: bool = False


async def console_client(plan: dict, console: Console) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    url = f"ws://{HOST}:{plan['port']}/ws/console/"
    headers = {"Cookie": plan["cookie"], "X-Forwarded-Proto": "https"}
    pool = HttpPool(plan["port"])
    while not console.stop:
        try:
            origin = f"https://{HOST}:{plan['port']}"
            async with connect(url, origin=origin, additional_headers=headers, max_size=None, close_timeout=2) as ws:
                snapshot = json.loads(await ws.recv())
                if snapshot.get("type") != "console.snapshot":
                    raise RuntimeError(f"the console's first message is not its snapshot: {snapshot}")
                now = time.monotonic()
                # On a reconnection the snapshot is the catch-up: what it shows counts as received now.
                for incident in snapshot["incidents"] if console.snapshots else []:
                    console.received.append((now, "snapshot", incident["id"], incident["device"]["id"]))
                console.snapshots += 1
                console.connected.set()
                async for text in ws:
                    now = time.monotonic()
                    message = json.loads(text)
                    if message.get("type") == "console.incident":
                        incident = message["incident"]
                        console.received.append((now, message["reason"], incident["id"], incident["device"]["id"]))
                        if message["reason"] == "new":
                            console.acknowledgements.append(asyncio.create_task(acknowledge(plan, pool, incident["id"])))
        except (ConnectionClosed, OSError) as error:
            if console.stop:
                return
            console.reconnects += 1
            print(f"console: connection lost ({error!r}); reconnecting", file=sys.stderr, flush=True)
            await asyncio.sleep(0.5)


async def acknowledge(plan: dict, pool: HttpPool, incident_id: int) -> int | str:
    """The operator acknowledges a new incident a few seconds after it shows, which stops its reminders and escalation."""
    await asyncio.sleep(ACKNOWLEDGE_AFTER_S)
    try:
        status, _content = await pool.post(
            f"/api/alarms/incidents/{incident_id}/acknowledge/", b'{"note": ""}', f"Authorization: Token {plan['token']}\r\n"
        )
    except HttpError as error:
        return f"error {error}"
    return status


def fire_body(plan: dict, alarm: tuple, number: int) -> tuple[str, bytes, str]:
    """(path, body, external id) of fire alarm ``number``."""
    platform, _pk, platform_id, imei = alarm
    at = int(time.time() * 1000)
    if platform == "onenet":
        body = onenet_body(onenet_point(platform_id, "smoke_alarm", 1, at), plan["onenet_token"])
        return plan["onenet_path"], body, onenet_external_id(platform_id, "smoke_alarm", at)
    report_ = ctwing_report(platform_id, imei, {"smoke_state": 1, "battery_value": 80}, at, 100_000 + number)
    return plan["ctwing_path"], json.dumps(report_).encode(), ctwing_external_id(platform_id, at, 100_000 + number)


@dataclass
class Alarm:
    device_pk: int
    external_id: str
    sent: float
    answered: float = 0.0
    status: int | str = 0


async def fire_alarms(plan: dict, accepted) -> list[Alarm]:
    """Wait until the flood is well under way, then fire the alarms on schedule, each a push of its own."""
    while accepted.value < FIRE_AFTER_EVENTS:
        await asyncio.sleep(0.05)
    pool = HttpPool(plan["port"])
    alarms: list[Alarm] = []
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(number: int, alarm: tuple) -> None:
        path, body, external_id = fire_body(plan, alarm, number)
        record = Alarm(device_pk=alarm[1], external_id=external_id, sent=time.monotonic())
        alarms.append(record)
        try:
            record.status, _content = await pool.post(path, body)
        except HttpError as error:
            record.status = f"error {error}"
        record.answered = time.monotonic()

    tasks = []
    for number, alarm in enumerate(plan["fire"]):
        await asyncio.sleep(max(0.0, start + number * FIRE_INTERVAL_S - loop.time()))
        tasks.append(asyncio.create_task(one(number, alarm)))
    await asyncio.gather(*tasks)
    pool.close()
    return alarms


async def ack_phase(plan: dict) -> tuple[list[float], Counter, list[str], float, float]:
    """ACK_RATE single-event pushes a second for ACK_SECONDS, each sent when due whatever the others do.

    Each is timed from when it was due, so a generator that falls behind shows in the numbers
    rather than hiding the wait (coordinated omission). Returns the timings, the answers, the
    external ids acknowledged, the generator's largest lag behind its schedule and the answers a second.
    """
    pool = HttpPool(plan["port"])
    loop = asyncio.get_running_loop()
    timings: list[float] = []
    statuses: Counter = Counter()
    acked: list[str] = []
    onenet_devices, ctwing_devices = plan["onenet_devices"], plan["ctwing_devices"]
    base = plan["base_ms"] + TELEMETRY_EVENTS + 1000
    lag = 0.0

    async def one(number: int, due: float) -> None:
        at = base + number
        if number % 4 == 3:  # a quarter through CTWing, one report a push as CTWing sends them
            device_id, imei = ctwing_devices[number % len(ctwing_devices)]
            path = plan["ctwing_path"]
            body = json.dumps(ctwing_report(device_id, imei, {"smoke_state": 0, "battery_value": 90}, at, number)).encode()
            external_id = ctwing_external_id(device_id, at, number)
        else:
            dev_id = onenet_devices[number % len(onenet_devices)]
            path = plan["onenet_path"]
            body = onenet_body(onenet_point(dev_id, "heartbeat", 1, at), plan["onenet_token"])
            external_id = onenet_external_id(dev_id, "heartbeat", at)
        try:
            status, _content = await pool.post(path, body)
        except HttpError:
            status = "error"
        timings.append(loop.time() - due)
        statuses[status] += 1
        if status == 200:
            acked.append(external_id)

    start = loop.time() + 0.2
    tasks = []
    for number in range(ACK_RATE * ACK_SECONDS):
        due = start + number / ACK_RATE
        await asyncio.sleep(max(0.0, due - loop.time()))
        lag = max(lag, loop.time() - due)
        tasks.append(asyncio.create_task(one(number, due)))
    await asyncio.gather(*tasks)
    pool.close()
    # What the server managed: answers a second from the first push due to the last answer.
    answered_per_s = len(timings) / (loop.time() - start)
    return timings, statuses, acked, lag, answered_per_s


class BacklogSampler(threading.Thread):
    """Once a second: how many telemetry events are stored and not yet processed (the queue's real depth)."""

    def __init__(self):
        super().__init__(name="backlog-sampler", daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from alarms.models import Event, EventType

        try:
            while not self.halt.is_set():
                count = Event.objects.filter(processed_at__isnull=True).exclude(type=EventType.FIRE_ALARM).count()
                self.samples.append((time.monotonic(), count))
                self.halt.wait(1.0)
        finally:
            connection.close()

    def latest(self) -> int | None:
        return self.samples[-1][1] if self.samples else None


def flood_result(flooder, results) -> dict:
    """The flood's report, once it has sent everything; an error if its process died first."""
    import queue

    while True:
        try:
            flood = results.get(timeout=1)
        except queue.Empty:
            if not flooder.is_alive():
                raise RuntimeError(f"the flood process exited with status {flooder.exitcode}") from None
            continue
        flooder.join(30)
        return flood


async def measure(plan: dict, sampler: BacklogSampler, services: list[Service]) -> dict:
    console = Console()
    console_task = asyncio.create_task(console_client(plan, console))
    await asyncio.wait_for(console.connected.wait(), timeout=30)

    # The flood runs in a process of its own: building and sending 1,000 pushes would hold up
    # this loop, and with it the moment the console's messages are read.
    context = multiprocessing.get_context("spawn")
    accepted = context.Value("q", 0)
    results = context.Queue()
    flooder = context.Process(target=flood_main, args=(plan, accepted, results), name="telemetry-flood", daemon=True)
    database = plan["database"]
    flood_cpu, ack_cpu = CpuMeter(services, database), CpuMeter(services, database)
    flood_cpu.start()
    flooder.start()
    try:
        alarms = await fire_alarms(plan, accepted)
        # Wait for every alarm's incident on the console, at most CONSOLE_WAIT_S after the last was sent.
        wanted = {alarm.device_pk for alarm in alarms if alarm.status == 200}
        deadline = max(alarm.sent for alarm in alarms) + CONSOLE_WAIT_S
        while time.monotonic() < deadline:
            if wanted <= {device for _at, reason, _incident, device in console.received if reason in ("new", "snapshot")}:
                break
            await asyncio.sleep(0.1)
        flood = await asyncio.to_thread(flood_result, flooder, results)
        flood_cpu.stop()
        acknowledged = Counter(map(str, await asyncio.gather(*console.acknowledgements)))
    finally:
        if flooder.is_alive():
            flooder.terminate()
            flooder.join(5)

    # The telemetry drains before the ack phase, which measures ingest on its own.
    drain_deadline = time.monotonic() + DRAIN_TIMEOUT_S
    drained_at = None
    await asyncio.sleep(1.5)
    while time.monotonic() < drain_deadline:
        if sampler.samples and sampler.samples[-1][0] > flood["finished"] and sampler.latest() == 0:
            drained_at = sampler.samples[-1][0]
            break
        await asyncio.sleep(0.5)

    ack_cpu.start()
    ack_timings, ack_statuses, ack_acked, ack_lag, ack_rate = await ack_phase(plan)
    ack_cpu.stop()
    console.stop = True
    console_task.cancel()
    try:
        await console_task
    except asyncio.CancelledError:
        pass
    return {
        "console": console,
        "alarms": alarms,
        "flood": flood,
        "drained_at": drained_at,
        "ack_timings": ack_timings,
        "ack_statuses": ack_statuses,
        "ack_acked": ack_acked,
        "ack_lag": ack_lag,
        "ack_rate": ack_rate,
        "cpu": {"flood": flood_cpu.shares, "ack": ack_cpu.shares},
        "acknowledged": acknowledged,
    }


def keep_logs(workdir: Path) -> None:
    """Copy the processes' logs to the folder BENCHMARK_LOGS names, if it names one, before their folder goes."""
    if os.environ.get("BENCHMARK_LOGS"):
        kept = Path(os.environ["BENCHMARK_LOGS"])
        kept.mkdir(parents=True, exist_ok=True)
        for log in workdir.glob("*.log"):
            shutil.copy(log, kept / log.name)


def interrupted(*_args) -> None:
    """Ctrl-C or SIGTERM ends the run at once: the finally blocks stop the processes and drop the database.

    Installed for SIGINT too, so that asyncio.run does not install its own handler, which only
    cancels the measuring task and left it running on here.
    """
    raise KeyboardInterrupt


def wait_processed(timeout: float) -> int:
    """Wait until no event waits for processing; the number still waiting."""
    from alarms.models import Event

    deadline = time.monotonic() + timeout
    while True:
        waiting = Event.objects.filter(processed_at__isnull=True).count()
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(0.5)


def prepare_run(tag: str, *, prefix: str) -> tempfile.TemporaryDirectory:
    """The environment the web server, workers and beat of a run read, as production reads its own: Redis
    keys of ``tag``, a folder of the run's own (returned, for the caller to clean up), DEBUG off behind a
    TLS proxy; then Django set up with it."""
    os.environ["REDIS_KEY_PREFIX"] = tag
    work = tempfile.TemporaryDirectory(prefix=prefix)
    workdir = Path(work.name)
    for folder in ("var", "static", "spool"):
        (workdir / folder).mkdir()
    os.environ.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "BEHIND_TLS_PROXY": "1",
            "VAR_DIR": str(workdir / "var"),
            "STATIC_ROOT": str(workdir / "static"),
            # The spool of this run only: another checkout's spool must not be replayed into this database.
            "ALARM_SPOOL_DIR": str(workdir / "spool"),
        }
    )

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    return work


def run(failures: list[str]) -> None:
    # The web server, workers and beat read these, as production reads its environment.
    tag = f"bench-alarm-{os.getpid()}"
    work = prepare_run(tag, prefix="bench_alarm-")
    workdir = Path(work.name)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    redis_url = settings.REDIS_URL
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    stack = ExitStack()
    try:
        stack.callback(work.cleanup)
        stack.callback(keep_logs, workdir)
        stack.callback(delete_redis_keys, redis_url, tag)
        call_command("migrate", verbosity=0, interactive=False)
        plan = make_data()
        connection.close()
        plan["port"] = port = free_port()
        plan["database"] = connection.settings_dict["NAME"]
        env = {**os.environ, "HOST": HOST, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        services = start_services(stack, env=env, workdir=workdir, tag=tag)
        from riskplatform.celery import app

        hostname = socket.gethostname()
        workers = [f"critical-{tag}@{hostname}", f"worker-{tag}@{hostname}"]
        wait_ready(
            services,
            {
                "web": lambda: answers_http(port, plan["onenet_path"]),
                "workers": lambda: len(app.control.ping(destination=workers, timeout=0.5)) == len(workers),
                "beat": lambda: "Starting" in next(s for s in services if s.name == "beat").log.read_text(errors="replace"),
            },
        )
        print(f"services: {', '.join(s.name for s in services)} on port {port}", file=sys.stderr, flush=True)

        sampler = BacklogSampler()
        sampler.start()
        stack.callback(sampler.halt.set)
        result = asyncio.run(measure(plan, sampler, services))
        left = wait_processed(60)
        sampler.halt.set()
        sampler.join(5)
        check(failures, plan=plan, result=result, sampler=sampler, unprocessed=left)
    except BaseException:
        for service in locals().get("services", []):
            print(f"--- {service.name} ({service.log.name}, last lines)\n{log_tail(service)}", file=sys.stderr)
        raise
    finally:
        connection.close()
        stack.close()


def check(failures: list[str], *, plan: dict, result: dict, sampler: BacklogSampler, unprocessed: int) -> None:
    """Report the numbers and compare the database with what was acknowledged."""
    from django.conf import settings
    from django.db.models import Count

    from alarms.models import DispatchNotice, Event, EventType, Incident

    console: Console = result["console"]
    alarms: list[Alarm] = result["alarms"]
    flood = result["flood"]

    # Console latency: from sending each fire alarm to its incident's first message ("new").
    first_seen: dict[int, float] = {}
    new_per_incident: Counter = Counter()
    incident_of_device: dict[int, set[int]] = defaultdict(set)
    for at, reason, incident_id, device_id in console.received:
        if reason in ("new", "snapshot"):
            first_seen.setdefault(device_id, at)
            incident_of_device[device_id].add(incident_id)
        if reason == "new":
            new_per_incident[incident_id] += 1
    latencies, lost_on_console = [], 0
    for alarm in alarms:
        if alarm.status != 200:
            continue
        seen = first_seen.get(alarm.device_pk)
        if seen is None or seen - alarm.sent > CONSOLE_WAIT_S:
            lost_on_console += 1
        else:
            latencies.append((seen - alarm.sent) * 1000)
    refused_alarms = [alarm.status for alarm in alarms if alarm.status != 200]
    if os.environ.get("BENCHMARK_LOGS"):
        Path(os.environ["BENCHMARK_LOGS"]).mkdir(parents=True, exist_ok=True)
        with open(Path(os.environ["BENCHMARK_LOGS"]) / "alarms.tsv", "w") as table:
            table.write("sent_s\tanswered_ms\tconsole_ms\tstatus\tdevice\n")
            start = min(alarm.sent for alarm in alarms)
            for alarm in alarms:
                seen = first_seen.get(alarm.device_pk)
                console_ms = f"{(seen - alarm.sent) * 1000:.0f}" if seen else ""
                answered_ms = (alarm.answered - alarm.sent) * 1000
                table.write(f"{alarm.sent - start:.2f}\t{answered_ms:.0f}\t{console_ms}\t{alarm.status}\t{alarm.device_pk}\n")

    flood_seconds = flood["finished"] - flood["started"]
    flood_events = len(flood["acked"]) * TELEMETRY_BATCH
    # The telemetry waiting for processing when each alarm was sent (the last sample before it).
    backlog_at = [next((count for at, count in reversed(sampler.samples) if at <= alarm.sent), 0) for alarm in alarms]

    report("alarm_console_p50_ms", percentile(latencies, 0.5))
    report("alarm_console_p95_ms", percentile(latencies, 0.95))
    report("alarm_console_p99_ms", percentile(latencies, 0.99))
    report("alarm_console_max_ms", max(latencies, default=float("nan")))
    report("ingest_events_per_s", flood_events / flood_seconds)

    # Expected events: every message of every push answered 200.
    acked_ids = set()
    for number in flood["acked"]:
        acked_ids.update(telemetry_push(plan, number)[1])
    acked_ids.update(alarm.external_id for alarm in alarms if alarm.status == 200)
    acked_ids.update(result["ack_acked"])
    stored = Counter(Event.objects.values_list("external_id", flat=True).iterator(chunk_size=20_000))
    lost_events = len(acked_ids - stored.keys())
    duplicate_events = sum(n - 1 for n in stored.values() if n > 1)
    fire_devices = [pk for _platform, pk, _id, _imei in plan["fire"]]
    incidents = Counter(
        dict(Incident.objects.filter(device__in=fire_devices).values("device").annotate(n=Count("pk")).values_list("device", "n"))
    )
    duplicate_incidents = sum(n - 1 for n in incidents.values() if n > 1)
    notices = Counter(
        dict(
            DispatchNotice.objects.filter(incident__device__in=fire_devices, station__isnull=False)
            .values("incident")
            .annotate(n=Count("pk"))
            .values_list("incident", "n")
        )
    )
    duplicate_notices = sum(n - 1 for n in notices.values() if n > 1)
    duplicate_console = sum(n - 1 for n in new_per_incident.values() if n > 1)
    duplicates = duplicate_events + duplicate_incidents + duplicate_notices + duplicate_console
    lost = lost_on_console + lost_events
    report("duplicates", duplicates)
    report("lost", lost)
    ack = [t * 1000 for t in result["ack_timings"]]
    report("ingest_ack_p99_ms", percentile(ack, 0.99))

    # The rest: where the numbers come from.
    report("alarms_fired", len(alarms))
    report("alarms_acknowledged", result["acknowledged"].get("200", 0))
    report("alarm_ack_p99_ms", percentile([(a.answered - a.sent) * 1000 for a in alarms if a.answered], 0.99))
    # The server's side of it: from the web server's receipt of the push to the worker's push to the channel layer.
    pushed = [
        (delivered - opened).total_seconds() * 1000
        for opened, delivered in Incident.objects.filter(device__in=fire_devices, delivered_at__isnull=False).values_list(
            "opened_at", "delivered_at"
        )
    ]
    report("alarm_pushed_p50_ms", percentile(pushed, 0.5))
    report("alarm_pushed_p99_ms", percentile(pushed, 0.99))
    # Split in two: waiting for the critical worker (the web's receipt to the worker's claim of the
    # event), then the worker's work up to the push. The claim is stamped as its expiry.
    claim = datetime.timedelta(seconds=settings.ALARM_CLAIM_SECONDS)
    waited, worked = [], []
    for received, claim_until, delivered in Event.objects.filter(
        type=EventType.FIRE_ALARM, incident__device__in=fire_devices, incident__delivered_at__isnull=False
    ).values_list("received_at", "claim_until", "incident__delivered_at"):
        waited.append((claim_until - claim - received).total_seconds() * 1000)
        worked.append((delivered - (claim_until - claim)).total_seconds() * 1000)
    report("alarm_queued_p50_ms", percentile(waited, 0.5))
    report("alarm_queued_p99_ms", percentile(waited, 0.99))
    report("alarm_processed_p50_ms", percentile(worked, 0.5))
    report("alarm_processed_p99_ms", percentile(worked, 0.99))
    report("telemetry_events_acked", flood_events)
    report("telemetry_push_p50_ms", flood["push_p50_ms"])
    report("telemetry_push_p99_ms", flood["push_p99_ms"])
    report("telemetry_backlog_max", max((count for _at, count in sampler.samples), default=0))
    report("telemetry_backlog_at_alarm_p50", percentile(backlog_at, 0.5))
    report("alarms_sent_while_backlog", sum(1 for count in backlog_at if count > 0))
    if result["drained_at"] is not None:
        report("telemetry_drain_s", result["drained_at"] - flood["started"])
    else:
        report("telemetry_drain_s", "not drained")
    report("events_unprocessed", unprocessed)
    report("ingest_ack_p50_ms", percentile(ack, 0.5))
    report("ingest_ack_max_ms", max(ack, default=float("nan")))
    report("ingest_ack_pushes", sum(result["ack_statuses"].values()))
    report("ingest_ack_answered_per_s", result["ack_rate"])
    report("ingest_ack_sender_lag_max_ms", result["ack_lag"] * 1000)
    report("console_reconnects", console.reconnects)
    for phase, shares in result["cpu"].items():
        for name, share in shares.items():
            report(f"cpu_{phase}_{name.replace('-', '_')}_pct", share)
    details = {
        "duplicate_events": duplicate_events,
        "duplicate_incidents": duplicate_incidents,
        "duplicate_notices": duplicate_notices,
        "duplicate_console_new": duplicate_console,
        "lost_on_console": lost_on_console,
        "lost_events": lost_events,
    }
    for name, value in details.items():
        if value:
            report(name, value)

    if duplicates:
        failures.append(f"duplicates: {duplicates} ({details})")
    if lost:
        failures.append(f"lost: {lost} ({details})")
    if refused_alarms:
        failures.append(f"fire alarm pushes not answered 200: {Counter(map(str, refused_alarms))}")
    if set(flood["statuses"]) - {200}:
        failures.append(f"telemetry pushes not answered 200: {flood['statuses']} {flood['errors']}")
    if set(result["acknowledged"]) - {"200"}:
        failures.append(f"acknowledgements not answered 200: {dict(result['acknowledged'])}")
    if set(result["ack_statuses"]) - {200}:
        failures.append(f"single-event pushes not answered 200: {dict(result['ack_statuses'])}")
    if unprocessed:
        failures.append(f"events_unprocessed: {unprocessed} events never processed")
    if not latencies:
        failures.append("alarm_console: no fire alarm reached the console")
    measured = {
        "alarm_console_p99_ms": percentile(latencies, 0.99),
        "ingest_events_per_s": flood_events / flood_seconds,
        "ingest_ack_p99_ms": percentile(ack, 0.99),
    }
    for name, (limit, kind) in TARGETS.items():
        value = measured[name]
        if value != value or (value > limit if kind == "max" else value < limit):
            failures.append(f"{name}: {value:.1f}, target {'<' if kind == 'max' else '>='} {limit}")


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_alarm", run=run))
