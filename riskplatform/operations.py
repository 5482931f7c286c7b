"""Health endpoints, Prometheus metrics and the request id (README.md, "Health, metrics and logs").

``/healthz``, ``/readyz`` and ``/metrics`` are answered by ``OperationsMiddleware`` near the top of
the stack, before Django checks the Host header, redirects to HTTPS or opens a session: a load
balancer or Prometheus calls the container by its own address, over plain HTTP, without cookies,
and must get the answer, not a 400 or a 301. None needs a login, none is throttled (django-axes
watches only sign-ins) and each costs at most one query.
"""

import hmac
import ipaddress
import logging
import os
from datetime import timedelta

import prometheus_client
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

# Seconds from the alarm to the notice on a station's console; the target is 1 s at p99 (ARCHITECTURE.md).
CONSOLE_LATENCY_BUCKETS = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0]

_redis_client = None


def redis_client():
    """One client per process (redis-py's pool is thread-safe), quick to give up on a Redis that is away."""
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _redis_client


# --- Health ----------------------------------------------------------------------------


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database, no Redis: restarting the web server cures neither."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, Redis answers, and the pipeline keeps up.

    1. The database: one query, the arrival of the oldest event stored but not processed.
    2. Redis (when configured): PING.
    3. That event is at most READY_MAX_EVENT_AGE_SECONDS old; older means no worker keeps up
       with the queue (or none runs), and fire alarms may be waiting.
    """
    from alarms.monitoring import oldest_unprocessed_event_received_at

    checks: dict[str, dict] = {}
    try:
        oldest = oldest_unprocessed_event_received_at()
    except DatabaseError as error:
        logger.warning("readyz: the database does not answer: %s", error)
        checks["database"] = {"ok": False, "error": type(error).__name__}
        checks["events"] = {"ok": False, "error": "database unavailable"}
    else:
        checks["database"] = {"ok": True}
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        checks["events"] = {
            "ok": age <= settings.READY_MAX_EVENT_AGE_SECONDS,
            "oldest_unprocessed_seconds": round(max(age, 0.0), 1),
            "max_seconds": settings.READY_MAX_EVENT_AGE_SECONDS,
        }
    if settings.REDIS_URL:
        try:
            redis_client().ping()
        except Exception as error:  # any failure of the connection: refused, timed out, reset, auth
            logger.warning("readyz: Redis does not answer: %s", error)
            checks["redis"] = {"ok": False, "error": type(error).__name__}
        else:
            checks["redis"] = {"ok": True}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ready else "failing", "checks": checks}, status=200 if ready else 503)


# --- Metrics ---------------------------------------------------------------------------


def celery_queues() -> list[str]:
    """The queues of our routes table, and the default queue."""
    return sorted({route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE})


def queue_keys(queue: str) -> list[str]:
    """The Redis lists that hold a queue's messages: Kombu keeps one per priority step, each under the broker's key prefix."""
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    return [prefix + (f"{queue}{Channel.sep}{step}" if step else queue) for step in PRIORITY_STEPS]


class PipelineCollector:
    """Figures read from the database and Redis at scrape time, so whichever process answers is right.

    A part that cannot be read (the database or Redis away) is left out of that scrape and logged;
    the others are still answered.
    """

    def collect(self):
        parts = [self._queues, self._oldest_event, self._events, self._console_latency]
        for part in parts:
            try:
                yield from part()
            except Exception:  # a scrape must not fail whole because one store is away
                logger.warning("metrics: %s could not be read", part.__name__, exc_info=True)

    def _queues(self):
        if not settings.REDIS_URL:
            return
        family = GaugeMetricFamily("riskplatform_celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"])
        queues = celery_queues()
        with redis_client().pipeline(transaction=False) as pipe:
            for queue in queues:
                for key in queue_keys(queue):
                    pipe.llen(key)
            lengths = pipe.execute()
        steps = len(lengths) // len(queues)
        for index, queue in enumerate(queues):
            family.add_metric([queue], sum(lengths[index * steps : (index + 1) * steps]))
        yield family

    def _oldest_event(self):
        from alarms.monitoring import oldest_unprocessed_event_received_at

        oldest = oldest_unprocessed_event_received_at()
        age = max((timezone.now() - oldest).total_seconds(), 0.0) if oldest else 0.0
        yield GaugeMetricFamily(
            "riskplatform_alarm_oldest_unprocessed_event_seconds", "Age of the oldest event stored but not processed.", value=age
        )

    def _events(self):
        from alarms.models import EventType
        from alarms.monitoring import events_received_by_type

        window = settings.METRICS_EVENTS_WINDOW_SECONDS
        counts = events_received_by_type(since=timezone.now() - timedelta(seconds=window))
        family = GaugeMetricFamily(
            "riskplatform_alarm_events_received",
            f"Device events stored from the deliveries of the last {window} seconds, by type.",
            labels=["type"],
        )
        for value in EventType.values:
            family.add_metric([value], counts.get(value, 0))
        yield family

    def _console_latency(self):
        from alarms.monitoring import console_latency_histogram

        cumulative, total, seconds = console_latency_histogram(buckets=CONSOLE_LATENCY_BUCKETS)
        buckets = [(str(bound), count) for bound, count in zip(CONSOLE_LATENCY_BUCKETS, cumulative, strict=True)]
        yield HistogramMetricFamily(
            "riskplatform_alarm_console_latency_seconds",
            "Seconds from a fire alarm's arrival to its notice on a station console, every delivered incident.",
            buckets=[*buckets, ("+Inf", total)],
            sum_value=seconds,
        )


def metrics_registry() -> prometheus_client.CollectorRegistry:
    """This process's metrics (all processes' under PROMETHEUS_MULTIPROC_DIR) and the pipeline's."""
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(prometheus_client.REGISTRY)
    registry.register(PipelineCollector())
    return registry


def metrics_allowed(request: HttpRequest) -> bool:
    """From an address of METRICS_ALLOWED_IPS, or with the bearer token METRICS_TOKEN."""
    token = settings.METRICS_TOKEN
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if token and authorization.startswith("Bearer "):
        return hmac.compare_digest(authorization.removeprefix("Bearer ").strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is no address or network", allowed)
    return False


def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(prometheus_client.generate_latest(metrics_registry()), content_type=prometheus_client.CONTENT_TYPE_LATEST)


# --- Middleware ------------------------------------------------------------------------

ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class OperationsMiddleware(MiddlewareMixin):
    """Answers the health and metrics endpoints (GET or HEAD) before the rest of the stack sees them."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        view = ENDPOINTS.get(request.path_info)
        if view is None or request.method not in {"GET", "HEAD"}:
            return None
        response = view(request)
        response["Cache-Control"] = "no-store"
        return response


class RequestIdFromTrustedProxyMiddleware(MiddlewareMixin):
    """Forget the X-Request-ID a request came with unless REQUEST_ID_FROM_PROXY says a proxy sets it.

    A client could otherwise give its requests the id of someone else's and muddle the logs;
    the proxy in front (which overwrites the header on every request) is believed only when trusted.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not settings.REQUEST_ID_FROM_PROXY:
            request.META.pop("HTTP_X_REQUEST_ID", None)
