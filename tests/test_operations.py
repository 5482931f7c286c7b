"""Health endpoints, Prometheus metrics, the request id and JSON logs (README.md, "Health, metrics and logs").

/healthz and /readyz answer anyone, whatever Host they call, over plain HTTP, with at most one
query; /metrics answers only the configured addresses or the bearer token.
"""

import datetime
import io
import json
import logging
import re
import uuid

import pytest
import redis
from django.db import DatabaseError
from django.utils import timezone
from django_guid.log_filters import CorrelationId
from pythonjsonlogger.json import JsonFormatter

from alarms.models import Delivery, Event
from alarms.services import integration_create
from riskplatform import operations
from tests.test_settings_guards import environment, manage


@pytest.fixture
def redis_away(settings, monkeypatch):
    """Redis at a port where nothing answers, for this test's client only."""
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    monkeypatch.setattr(operations, "_redis_client", None)
    yield
    operations._redis_client = None


@pytest.fixture
def production_like(settings):
    """Production's HTTPS redirect and host list: probes and scrapers come by address, over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["safety.example.gov.cn"]


@pytest.fixture
def integration(db):
    return integration_create(acting_user=None, platform="webhook", name="模拟器").integration


def waiting_event(integration, *, seconds_ago: float) -> Event:
    received = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    delivery = Delivery.objects.create(
        integration=integration, received_at=received, body=b"{}", outcome="accepted", verified=True
    )
    return Event.objects.create(
        integration=integration,
        delivery=delivery,
        platform_device_id="SIM-0001",
        external_id=str(uuid.uuid4()),
        type="heartbeat",
        occurred_at=received,
        received_at=received,
    )


# --- /healthz ----------------------------------------------------------------------------


def test_healthz_answers_without_the_database(client, production_like):
    # No database access is allowed in this test: a query would fail it.
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


# --- /readyz -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ok_with_the_database_redis_and_no_backlog(client, production_like, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz", HTTP_HOST="web:8000")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    assert body["checks"]["events"]["oldest_unprocessed_seconds"] == 0


@pytest.mark.django_db
def test_readyz_fails_when_an_event_waits_too_long(client, settings, integration):
    settings.READY_MAX_EVENT_AGE_SECONDS = 60
    waiting_event(integration, seconds_ago=30)
    assert client.get("/readyz").status_code == 200

    waiting_event(integration, seconds_ago=120)
    response = client.get("/readyz")

    assert response.status_code == 503
    events = response.json()["checks"]["events"]
    assert events["ok"] is False
    assert events["oldest_unprocessed_seconds"] >= 120


@pytest.mark.django_db
def test_readyz_fails_when_redis_is_away(client, redis_away):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}


@pytest.mark.django_db
def test_readyz_fails_when_the_database_is_away(client, monkeypatch):
    def database_away():
        raise DatabaseError("connection refused")

    monkeypatch.setattr("alarms.monitoring.oldest_unprocessed_event_received_at", database_away)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "DatabaseError"}


def test_health_endpoints_need_no_login_and_are_never_throttled(client, db):
    for _ in range(30):
        assert client.get("/healthz").status_code == 200


# --- /metrics ----------------------------------------------------------------------------


def metric_value(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" (\S+)"
    match = re.search(r"^" + pattern + "$", text, flags=re.MULTILINE)
    assert match, f"{name}{{{labels}}} not in the metrics"
    return float(match.group(1))


@pytest.mark.django_db
def test_metrics_answer_loopback_with_latency_by_view_and_the_pipelines_figures(client, production_like, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get("/login/", secure=True).status_code == 200

    response = client.get("/metrics", HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert metric_value(text, "django_http_requests_latency_seconds_by_view_method_count", 'method="GET",view="login"') >= 1
    assert 'riskplatform_celery_queue_length{queue="critical"}' in text
    assert metric_value(text, "riskplatform_alarm_events_received", 'type="fire_alarm"') == 0
    assert metric_value(text, "riskplatform_alarm_console_latency_seconds_count") == 0
    assert "riskplatform_alarm_oldest_unprocessed_event_seconds" in text


@pytest.mark.django_db
def test_metrics_refuse_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 403
    assert b"riskplatform_" not in response.content


@pytest.mark.django_db
def test_metrics_answer_a_configured_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_metrics_answer_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"

    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    # A wrong token is refused even from an allowed address: a token sent is a token checked.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
def test_queue_depth_reads_this_deployments_prefixed_broker_lists(client, settings):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] == f"{settings.REDIS_KEY_PREFIX}:"
    # A deployment of the test's own: the session's Celery worker serves this run's real queues.
    prefix = f"{settings.REDIS_KEY_PREFIX}-metrics:"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": prefix}
    store = redis.Redis.from_url(settings.REDIS_URL)
    try:
        store.rpush(f"{prefix}telemetry", *["message"] * 3)
        store.rpush(f"{prefix}telemetry\x06\x163", "urgent")  # Kombu's list for priority 3
        store.rpush("telemetry", "another deployment's")  # no prefix: not ours
        text = client.get("/metrics").content.decode()
    finally:
        store.delete(f"{prefix}telemetry", f"{prefix}telemetry\x06\x163")
        store.lrem("telemetry", 1, "another deployment's")
        store.close()

    assert metric_value(text, "riskplatform_celery_queue_length", 'queue="telemetry"') == 4
    assert metric_value(text, "riskplatform_celery_queue_length", 'queue="critical"') == 0


@pytest.mark.django_db
def test_metrics_still_answer_when_redis_is_away(client, redis_away):
    response = client.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert "riskplatform_celery_queue_length" not in text
    assert "riskplatform_alarm_console_latency_seconds_count" in text


# --- Request id and logs -----------------------------------------------------------------


def test_every_response_carries_a_new_request_id(client, db):
    first = client.get("/login/")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_clients_request_id_is_not_believed(client, db, settings):
    settings.REQUEST_ID_FROM_PROXY = False
    sent = uuid.uuid4().hex

    assert client.get("/login/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] != sent


def test_a_trusted_proxys_request_id_is_kept(client, db, settings):
    settings.REQUEST_ID_FROM_PROXY = True
    sent = uuid.uuid4().hex  # nginx's $request_id: 32 hex digits

    assert client.get("/login/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    # Anything else than a UUID is replaced: no made-up text in the logs.
    assert client.get("/login/", HTTP_X_REQUEST_ID="x\nforged line")["X-Request-ID"] != "x\nforged line"


def test_a_json_log_line_carries_the_request_id(client, db, settings):
    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(CorrelationId(correlation_id_field="request_id"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/")
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 404
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["level"], line["logger"]) == ("WARNING", "django.request")
    assert "Not Found" in line["message"]
    assert "time" in line


# --- Settings refused at start-up --------------------------------------------------------


def test_log_format_json_writes_json_lines(tmp_path):
    env = environment(tmp_path, DEBUG="1", LOG_FORMAT="json")
    result = manage("shell", "--no-imports", "-c", "import logging; logging.getLogger('riskplatform').warning('hello')", env=env)

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["message"], line["level"], line["request_id"]) == ("hello", "WARNING", None)


def test_an_unknown_log_format_is_refused(tmp_path):
    result = manage("check", env=environment(tmp_path, DEBUG="1", LOG_FORMAT="xml"))

    assert result.returncode != 0
    assert "LOG_FORMAT='xml'" in result.stderr


def test_a_retention_shorter_than_a_year_is_refused(tmp_path):
    result = manage("check", env=environment(tmp_path, DEBUG="1", ALARM_RETENTION_DAYS="180"))

    assert result.returncode != 0
    assert "ALARM_RETENTION_DAYS=180" in result.stderr
    assert "GB 50440" in result.stderr
