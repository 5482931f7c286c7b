"""Accepting a platform's push: verify, parse, store the delivery and its events in one transaction, answer.

``ingest_push`` is all the request does (ARCHITECTURE.md, the alarm pipeline, step 1):

1. Find the integration by the key in the URL (an in-memory copy refreshed every
   ALARM_INTEGRATION_CACHE_SECONDS, so verification goes on while the database is away).
2. Verify the platform's signature (alarms.adapters): a bad one is 401 and stores nothing.
3. Parse the body into raw reports: a malformed one is 400 with the reason, the raw
   delivery kept for audit.
4. Read each report with its device's model into our event types; an unregistered device's
   events are kept with no device, flagged for staff.
5. Per-integration rate limit (429), which never refuses a push carrying a fire alarm.
6. Store the delivery and its events in one transaction; a resend's events conflict on
   (integration, external id) and are not stored again (ON CONFLICT DO NOTHING).
7. After commit, hand the new events on: fire alarms to the ``critical`` queue, the rest to
   ``telemetry``. If the broker is away the push is still answered 200: the event is stored
   and the sweep hands it on.

If PostgreSQL is unreachable at step 4 or 6, the verified delivery goes to the local spool
(alarms.spool) and is answered 200; only when neither can keep it is the answer 503. Finding
that out takes the pool's timeout (DATABASE_POOL_TIMEOUT), so once it has, the pushes of the
next moment skip the database (``OutageWatch``): verified with the integration kept in memory
and spooled at once, while one push at a time tries the database again.
"""

import datetime
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from riskplatform.exceptions import DATABASE_AWAY

from . import adapters
from .adapters import MalformedError, RawReport, SignatureError
from .models import Delivery, Device, DeviceModel, Event, EventType, Integration, Platform

logger = logging.getLogger(__name__)

KEPT_HEADERS = (
    "content-type",
    "content-length",
    "user-agent",
    adapters.TIMESTAMP_HEADER.lower(),
    adapters.SIGNATURE_HEADER.lower(),
)


@dataclass
class Answer:
    status: int
    code: str = "ok"
    detail: str = ""
    text: str | None = None  # a plain-text answer (OneNET's URL verification echoes msg)
    stored: int = 0


# --- The integrations, kept in memory -----------------------------------------------------------


class IntegrationCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_key: dict[str, tuple[Integration, float]] = {}

    def get(self, key: str, *, fresh: bool = False) -> Integration | None:
        """The active integration of ``key``; a stale copy while the database is away; None if unknown.

        Raises the database's error only when there is no copy at all to fall back on.
        """
        now = time.monotonic()
        with self._lock:
            cached = self._by_key.get(key)
        if cached and not fresh and now - cached[1] < settings.ALARM_INTEGRATION_CACHE_SECONDS:
            return cached[0]
        try:
            integration = Integration.objects.select_related("default_model").filter(ingest_key=key, active=True).first()
        except DATABASE_AWAY:
            if cached:
                return cached[0]
            raise
        finally:
            _release_connection()
        with self._lock:
            if integration is None:
                self._by_key.pop(key, None)
            else:
                self._by_key[key] = (integration, now)
        return integration

    def cached(self, key: str) -> Integration | None:
        """The copy in memory of ``key``'s integration, however old; None when there is none."""
        with self._lock:
            cached = self._by_key.get(key)
        return cached[0] if cached else None

    def age(self, key: str) -> float:
        with self._lock:
            cached = self._by_key.get(key)
        return time.monotonic() - cached[1] if cached else float("inf")

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()


integrations = IntegrationCache()


class RateLimiter:
    """A token bucket per integration and web process: ALARM_INGEST_RATE_PER_SECOND pushes a second, as a burst too."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}

    def allow(self, integration_id: int) -> bool:
        rate = settings.ALARM_INGEST_RATE_PER_SECOND
        if rate <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(integration_id, (rate, now))
            tokens = min(rate, tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[integration_id] = (tokens, now)
                return False
            self._buckets[integration_id] = (tokens - 1, now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


rate_limiter = RateLimiter()


class OutageWatch:
    """Whether to try a service (the database, the broker) that a push has just found away.

    A push finds PostgreSQL away only after the pool's timeout, and Redis only after the client's
    retries (about 6 s); at 250 pushes a second every thread would wait that long, the answers,
    which carriers rank receivers by, would come seconds late and the hand-offs would pile up. So
    once a push has found a service away, the pushes of the next PAUSE seconds do not try it (a
    delivery is spooled at once; stored events are left to the sweep), and after that one push
    at a time tries it, until one succeeds.
    """

    PAUSE = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._trying = False

    @contextmanager
    def attempt(self):
        """Yields whether this push may try the service."""
        with self._lock:
            if self._failed_at is None:
                role = "normal"
            elif self._trying or time.monotonic() - self._failed_at < self.PAUSE:
                role = "skip"
            else:
                role, self._trying = "probe", True
        try:
            yield role != "skip"
        finally:
            if role == "probe":
                with self._lock:
                    self._trying = False

    def failed(self) -> None:
        with self._lock:
            self._failed_at = time.monotonic()

    def recovered(self) -> None:
        with self._lock:
            self._failed_at = None

    def clear(self) -> None:
        self.recovered()


database_watch = OutageWatch()
broker_watch = OutageWatch()


def _release_connection() -> None:
    """Give this thread's connection back to the pool: ingest runs in worker threads outside Django's request cycle."""
    if connection.in_atomic_block:
        return  # called inside a caller's transaction (a test, a replay step): the caller owns the connection
    try:
        connection.close()
    except Exception:  # a connection already broken has nothing to give back
        logger.debug("Closing a broken connection failed.", exc_info=True)


# --- Parsing -----------------------------------------------------------------------------------------


def parse_delivery(
    *, integration: Integration, body: bytes, headers: dict, now: datetime.datetime, verify: bool
) -> list[RawReport]:
    """The raw reports of a push; SignatureError or MalformedError as the adapters decide."""
    secrets = integration.valid_secrets(now)
    if integration.platform == Platform.ONENET:
        return adapters.onenet_parse(body=body, tokens=secrets if verify else None, aes_key=integration.aes_key, now=now)
    if integration.platform == Platform.CTWING:
        return adapters.ctwing_parse(body=body, now=now)
    if verify:
        adapters.webhook_verify(
            secrets=secrets, headers=headers, body=body, now=now, window=settings.ALARM_WEBHOOK_REPLAY_SECONDS
        )
    return adapters.webhook_parse(body=body, now=now)


@dataclass
class PreparedEvent:
    device_id: int | None
    platform_device_id: str
    external_id: str
    type: str
    stream: str
    value: object
    battery: int | None
    signal: int | None
    occurred_at: datetime.datetime


@dataclass
class Prepared:
    events: list[PreparedEvent] = field(default_factory=list)
    unknown_devices: int = 0

    @property
    def has_fire_alarm(self) -> bool:
        return any(event.type == EventType.FIRE_ALARM for event in self.events)


@dataclass(frozen=True)
class _KnownDevice:
    """What reading a report needs of its device and the device's model."""

    pk: int
    platform_device_id: str
    imei: str
    rules: list
    battery_stream: str
    signal_stream: str


def _known_devices(*, integration_id: int, ids: set[str], imeis: set[str]) -> list[_KnownDevice]:
    """The integration's devices with these platform ids or IMEIs, with their models' mapping, in one query.

    Plain SQL, run on every push: compiling a queryset per push cost more CPU than the rest of
    storing a single-event push. Its text depends only on how many ids are asked for, so for
    single-event pushes PostgreSQL prepares it once per connection.
    """
    device, model = Device._meta.db_table, DeviceModel._meta.db_table
    ids, imeis = sorted(ids), sorted(imeis)
    matches = [f"d.platform_device_id IN ({', '.join(['%s'] * len(ids))})"]
    if imeis:
        matches.append(f"d.imei IN ({', '.join(['%s'] * len(imeis))})")
    sql = (
        f"SELECT d.id, d.platform_device_id, d.imei, m.rules, m.battery_stream, m.signal_stream "
        f"FROM {device} d JOIN {model} m ON m.id = d.model_id "
        f"WHERE d.integration_id = %s AND ({' OR '.join(matches)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [integration_id, *ids, *imeis])
        rows = cursor.fetchall()
    # The backend hands jsonb over as text for the ORM to parse: parse it here as JSONField would.
    return [
        _KnownDevice(pk, platform_id, imei, json.loads(rules) if isinstance(rules, str) else rules, battery, signal)
        for pk, platform_id, imei, rules, battery, signal in rows
    ]


def prepare_events(*, integration: Integration, reports: list[RawReport]) -> Prepared:
    """Find each report's device (one query) and read the report with its model into our event types."""
    prepared = Prepared()
    if not reports:
        return prepared
    ids = {report.platform_device_id for report in reports}
    imeis = {report.imei for report in reports if report.imei}
    by_id, by_imei = {}, {}
    for device in _known_devices(integration_id=integration.pk, ids=ids, imeis=imeis):
        by_id[device.platform_device_id] = device
        if device.imei:
            by_imei[device.imei] = device
    default_model: DeviceModel | None = integration.default_model
    for report in reports:
        device = by_id.get(report.platform_device_id) or (by_imei.get(report.imei) if report.imei else None)
        model = device if device is not None else default_model
        if device is None:
            prepared.unknown_devices += 1
        kinds = adapters.classify(report=report, rules=model.rules if model else None)
        battery = (
            report.battery
            if report.battery is not None
            else adapters.reading(report=report, stream=model.battery_stream if model else "")
        )
        signal = (
            report.signal
            if report.signal is not None
            else adapters.reading(report=report, stream=model.signal_stream if model else "")
        )
        for kind, stream, value in kinds:
            external_id = report.external_id if len(kinds) == 1 else f"{report.external_id}#{kind}"
            prepared.events.append(
                PreparedEvent(
                    device_id=device.pk if device else None,
                    platform_device_id=report.platform_device_id[:64],
                    external_id=external_id[:200],
                    type=kind,
                    stream=str(stream)[:64],
                    value=_jsonable(value),
                    battery=_clamp(battery, 0, 100),
                    signal=_clamp(signal, -32768, 32767),
                    occurred_at=report.occurred_at,
                )
            )
    return prepared


def _jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def _clamp(value: int | None, low: int, high: int) -> int | None:
    if value is None:
        return None
    return max(low, min(high, value))


# --- Storing -------------------------------------------------------------------------------------------


@dataclass
class Stored:
    delivery_id: int | None
    new_events: list[tuple[int, str]]  # (event id, type) of the events this delivery added


def _insert_events(*, integration_id: int, delivery_id: int, received_at, events: list[PreparedEvent]) -> list[tuple[int, str]]:
    """One INSERT for all the events; a resend's rows conflict and are skipped. Returns the new rows."""
    if not events:
        return []
    table = Event._meta.db_table
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    row = f"(%s, %s, %s, %s, %s, %s, %s, %s{json_cast}, %s, %s, %s, %s, 0)"
    params = []
    for event in events:
        params += [
            integration_id,
            delivery_id,
            event.device_id,
            event.platform_device_id,
            event.external_id,
            event.type,
            event.stream,
            json.dumps(event.value),
            event.battery,
            event.signal,
            event.occurred_at,
            received_at,
        ]
    sql = (
        f"INSERT INTO {table} (integration_id, delivery_id, device_id, platform_device_id, external_id, type, stream, "
        f"value, battery, signal, occurred_at, received_at, attempts) VALUES {', '.join([row] * len(events))} "
        f"ON CONFLICT (integration_id, external_id) DO NOTHING RETURNING id, type"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def delivery_store(
    *,
    integration: Integration,
    received_at: datetime.datetime,
    headers: dict,
    body: bytes,
    verified: bool,
    prepared: Prepared | None,
    error: str = "",
    spool_id=None,
) -> Stored:
    """Store the delivery and its new events in one transaction and hand the new events on after commit."""
    if error:
        outcome = Delivery.Outcome.MALFORMED
    elif prepared and prepared.unknown_devices:
        outcome = Delivery.Outcome.UNKNOWN_DEVICE
    else:
        outcome = Delivery.Outcome.ACCEPTED
    with transaction.atomic():
        if spool_id is not None and Delivery.objects.filter(spool_id=spool_id).exists():
            return Stored(delivery_id=None, new_events=[])  # a replay already stored this one
        # Only a replayed delivery can collide, on its spool id with a concurrent replay: a live push
        # needs no savepoint (two round trips fewer), and an integrity error there is a real one.
        try:
            with transaction.atomic() if spool_id is not None else nullcontext():
                delivery = Delivery.objects.create(
                    integration=integration,
                    received_at=received_at,
                    headers=headers,
                    body=body,
                    verified=verified,
                    outcome=outcome,
                    error=error[:2000],
                    spool_id=spool_id,
                )
        except IntegrityError:
            if spool_id is None:
                raise
            return Stored(delivery_id=None, new_events=[])  # a concurrent replay stored it
        events = prepared.events if prepared else []
        new = _insert_events(integration_id=integration.pk, delivery_id=delivery.pk, received_at=received_at, events=events)
        if events and not new:
            Delivery.objects.filter(pk=delivery.pk).update(outcome=Delivery.Outcome.DUPLICATE)
        if new:
            transaction.on_commit(lambda: enqueue_events(events=new))
    return Stored(delivery_id=delivery.pk, new_events=new)


# --- Handing on --------------------------------------------------------------------------------------

# Fire alarms go one task each, at once; telemetry is gathered from the pushes of a short while
# (ALARM_TELEMETRY_GATHER_SECONDS) into one task: at hundreds of single-event pushes a second a
# publish per push would cost the web process more than storing the push does.
_enqueuer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="alarm-enqueue")
_telemetry_enqueuer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alarm-enqueue-telemetry")
_telemetry_lock = threading.Lock()
_telemetry_waiting: list[int] = []
TELEMETRY_TASK_MAX_EVENTS = 1000


def enqueue_events(*, events: list[tuple[int, str]]) -> None:
    """Send the events to their queues; in threads of their own, so a broker that is away never holds up the answer."""
    fire = [event_id for event_id, kind in events if kind == EventType.FIRE_ALARM]
    telemetry = [event_id for event_id, kind in events if kind != EventType.FIRE_ALARM]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _send(fire=fire, telemetry=telemetry)  # the embedded demo: tasks run here and now
        return
    if fire:
        _enqueuer.submit(_send, fire=fire, telemetry=[])
    if telemetry:
        with _telemetry_lock:
            first = not _telemetry_waiting
            _telemetry_waiting.extend(telemetry)
        if first:
            _telemetry_enqueuer.submit(_send_gathered_telemetry)


def _send_gathered_telemetry() -> None:
    time.sleep(settings.ALARM_TELEMETRY_GATHER_SECONDS)
    with _telemetry_lock:
        gathered = _telemetry_waiting[:]
        _telemetry_waiting.clear()
    for start in range(0, len(gathered), TELEMETRY_TASK_MAX_EVENTS):
        _send(fire=[], telemetry=gathered[start : start + TELEMETRY_TASK_MAX_EVENTS])


def _send(*, fire: list[int], telemetry: list[int]) -> None:
    from .tasks import fire_alarm_process_task, telemetry_process_task

    # The events are stored: whatever is not sent now, the sweep hands on once the broker answers again.
    with broker_watch.attempt() as try_broker:
        if not try_broker:
            return
        try:
            for event_id in fire:
                fire_alarm_process_task.apply_async((event_id,), retry=False)
            if telemetry:
                telemetry_process_task.apply_async((telemetry,), retry=False)
        except Exception:
            broker_watch.failed()
            logger.exception("Could not enqueue %d stored events; the sweep will.", len(fire) + len(telemetry))
            return
        broker_watch.recovered()


# --- The request ---------------------------------------------------------------------------------------


def _kept_headers(headers: dict, remote_addr: str) -> dict:
    kept = {name: str(headers[name])[:500] for name in headers if name.lower() in KEPT_HEADERS}
    if remote_addr:
        kept["remote-addr"] = remote_addr
    return kept


def onenet_url_verification(*, key: str, msg: str, nonce: str, signature: str) -> Answer:
    """OneNET's URL verification GET: echo ``msg`` when the signature is the integration's."""
    try:
        integration = integrations.get(key)
    except DATABASE_AWAY:
        return Answer(status=503, code="server_error", detail="the database is unreachable")
    if integration is None or integration.platform != Platform.ONENET:
        return Answer(status=401, code="authentication_failed", detail="unknown ingest key")
    tokens = integration.valid_secrets()
    if not adapters.onenet_verify_url(tokens=tokens, msg=msg, nonce=nonce, signature=signature):
        fresh = integrations.get(key, fresh=True) if integrations.age(key) > 1 else None
        if fresh is None or not adapters.onenet_verify_url(
            tokens=fresh.valid_secrets(), msg=msg, nonce=nonce, signature=signature
        ):
            return Answer(status=401, code="authentication_failed", detail="the signature does not match")
    return Answer(status=200, text=msg)


def ingest_push(*, platform: str, key: str, body: bytes, headers: dict, remote_addr: str = "") -> Answer:
    """Handle one POST (steps in the module docstring) and say how to answer it."""
    received_at = timezone.now()
    try:
        with database_watch.attempt() as try_database:
            return _ingest(
                platform=platform,
                key=key,
                body=body,
                headers=headers,
                remote_addr=remote_addr,
                received_at=received_at,
                try_database=try_database,
            )
    finally:
        _release_connection()


# Why a push is spooled without trying the database (OutageWatch).
AWAY_A_MOMENT_AGO = "the database was unreachable a moment ago"


def _ingest(*, platform: str, key: str, body: bytes, headers: dict, remote_addr: str, received_at, try_database: bool) -> Answer:
    try:
        integration = integrations.get(key) if try_database else integrations.cached(key)
        if integration is None and not try_database:
            raise OperationalError(AWAY_A_MOMENT_AGO)
    except DATABASE_AWAY as away:
        if try_database:
            database_watch.failed()
        # This process never read the integration and cannot now: keep the push unverified; the replay verifies it.
        return _spool(
            integration=None,
            key=key,
            platform=platform,
            received_at=received_at,
            headers=_kept_headers(headers, remote_addr),
            body=body,
            verified=False,
            error="",
            why=away,
        )
    if integration is None or integration.platform != platform:
        return Answer(status=401, code="authentication_failed", detail="unknown ingest key")
    kept = _kept_headers(headers, remote_addr)
    verified = integration.platform != Platform.CTWING
    error = ""
    reports: list[RawReport] = []
    try:
        reports = parse_delivery(integration=integration, body=body, headers=headers, now=received_at, verify=True)
    except SignatureError:
        # The secret may have been rotated since the copy in memory was read: ask the database once.
        fresh = None
        if integrations.age(key) > 1 and try_database:
            try:
                fresh = integrations.get(key, fresh=True)
            except DATABASE_AWAY:
                fresh = None
        try:
            if fresh is None:
                raise SignatureError
            integration = fresh
            reports = parse_delivery(integration=integration, body=body, headers=headers, now=received_at, verify=True)
        except SignatureError:
            return Answer(status=401, code="authentication_failed", detail="the signature does not match")
        except MalformedError as malformed:
            error = str(malformed)
    except MalformedError as malformed:
        error = str(malformed)
        # A body that cannot be read cannot show its OneNET signature either: keep it, unverified.
        verified = verified and integration.platform == Platform.WEBHOOK
    try:
        if not try_database:
            raise OperationalError(AWAY_A_MOMENT_AGO)
        prepared = None if error else prepare_events(integration=integration, reports=reports)
        if prepared is not None and not rate_limiter.allow(integration.pk) and not prepared.has_fire_alarm:
            return Answer(status=429, code="throttled", detail="too many pushes; send again in a second")
        stored = delivery_store(
            integration=integration,
            received_at=received_at,
            headers=kept,
            body=body,
            verified=verified,
            prepared=prepared,
            error=error,
        )
    except DATABASE_AWAY as away:
        if try_database:
            database_watch.failed()
        return _spool(
            integration=integration,
            key=key,
            platform=platform,
            received_at=received_at,
            headers=kept,
            body=body,
            verified=verified,
            error=error,
            why=away,
        )
    database_watch.recovered()
    _replay_if_pending()
    if error:
        return Answer(status=400, code="parse_error", detail=error)
    return Answer(status=200, stored=len(stored.new_events))


def _spool(*, integration, key, platform, received_at, headers, body, verified, error, why) -> Answer:
    from .spool import SpoolError, spool_append

    try:
        spool_append(
            integration_id=integration.pk if integration else None,
            key=key,
            platform=platform,
            received_at=received_at,
            headers=headers,
            body=body,
            verified=verified,
            error=error,
        )
    except SpoolError as spool_error:
        logger.critical(
            "Ingest: neither the database (%s) nor the spool (%s) can keep a delivery; answered 503.", why, spool_error
        )
        return Answer(status=503, code="server_error", detail="the delivery could not be stored; send it again")
    logger.error("Ingest: the database is unreachable (%s); the delivery is spooled.", why)
    if error:
        return Answer(status=400, code="parse_error", detail=error)
    return Answer(status=200)


_replay_running = threading.Lock()


def _replay_if_pending() -> None:
    """The database answers again: replay what the spool kept meanwhile, in the background."""
    from .spool import spool_pending, spool_replay

    if not spool_pending() or not _replay_running.acquire(blocking=False):
        return

    def replay():
        try:
            spool_replay()
        except Exception:
            logger.exception("Spool replay failed; the sweep tries again.")
        finally:
            _release_connection()
            _replay_running.release()

    threading.Thread(target=replay, name="alarm-spool-replay", daemon=True).start()


# --- Replaying spooled deliveries (alarms.spool) --------------------------------------------------------


def _spooled_prepared(delivery) -> tuple[Integration | None, Prepared | None, str]:
    candidates = Integration.objects.select_related("default_model")
    if delivery.integration_id:
        integration = candidates.filter(pk=delivery.integration_id).first()
    else:
        integration = candidates.filter(ingest_key=delivery.key, platform=delivery.platform, active=True).first()
    if integration is None:
        return None, None, "no integration has this ingest key"
    if delivery.error:
        return integration, None, delivery.error
    try:
        # Verified now, as of its arrival, when ingest could not check it then.
        reports = parse_delivery(
            integration=integration,
            body=delivery.body,
            headers=delivery.headers,
            now=delivery.received_at,
            verify=not delivery.verified,
        )
    except SignatureError:
        return None, None, "the signature does not match"
    except MalformedError as malformed:
        return integration, None, str(malformed)
    return integration, prepare_events(integration=integration, reports=reports), ""


def spooled_has_fire_alarm(delivery) -> bool:
    _, prepared, _ = _spooled_prepared(delivery)
    return bool(prepared and prepared.has_fire_alarm)


def spooled_delivery_store(*, delivery) -> Stored:
    """Store one spooled delivery through the live store step; a second time stores nothing."""
    integration, prepared, error = _spooled_prepared(delivery)
    if integration is None:
        logger.error("Spooled delivery %s: %s; dropped.", delivery.spool_id, error)
        return Stored(delivery_id=None, new_events=[])
    return delivery_store(
        integration=integration,
        received_at=delivery.received_at,
        headers=delivery.headers,
        body=delivery.body,
        verified=delivery.verified or integration.platform != Platform.CTWING,
        prepared=prepared,
        error=error,
        spool_id=delivery.spool_id,
    )
