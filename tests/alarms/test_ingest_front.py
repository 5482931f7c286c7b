"""The served ingest endpoint (alarms.ingest_asgi): pushes answered in front of Django's stack, the same way its view answers.

The application is driven as the ASGI server drives it; the push's database work runs in the
front's own threads, so these tests commit (transaction=True).
"""

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.test import Client
from prometheus_client import REGISTRY

from alarms.ingest_asgi import IngestFront
from alarms.models import Delivery, Event, EventType
from riskplatform.asgi import application
from tests.alarms.conftest import data_point, onenet_body, onenet_signature, webhook_headers

pytestmark = pytest.mark.django_db(transaction=True)


async def _acall(app, path: str, *, method: str = "POST", body: bytes = b"", headers: dict | None = None, query: bytes = b""):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
        "client": ("10.0.0.7", 40000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    # Sent in two pieces, as a server hands on a body that arrived in two.
    half = len(body) // 2
    await communicator.send_input({"type": "http.request", "body": body[:half], "more_body": True})
    await communicator.send_input({"type": "http.request", "body": body[half:], "more_body": False})
    start = await communicator.receive_output(timeout=20)
    content = await communicator.receive_output(timeout=20)
    await communicator.wait(timeout=5)
    return start["status"], {name.decode(): value.decode() for name, value in start["headers"]}, content["body"]


def _call(app, path: str, **kwargs):
    return async_to_sync(_acall)(app, path, **kwargs)


def _path(integration_secret) -> str:
    integration = integration_secret.integration
    return f"/api/ingest/{integration.platform}/{integration.ingest_key}"


def _answered(platform: str, status: int) -> float:
    return (
        REGISTRY.get_sample_value("riskplatform_ingest_answer_seconds_count", {"platform": platform, "status": str(status)}) or 0
    )


def test_a_push_is_stored_and_answered_with_a_request_id_and_timed(onenet, detector):
    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)
    answered = _answered("onenet", 200)

    status, headers, content = _call(application, _path(onenet), body=body, headers={"Content-Type": "application/json"})

    assert (status, json.loads(content)) == (200, {"code": "ok", "stored": 1})
    assert headers["content-type"] == "application/json"
    assert len(headers["x-request-id"]) == 32 and headers["x-content-type-options"] == "nosniff"
    event = Event.objects.select_related("delivery").get()
    assert (event.device_id, event.type) == (detector.pk, EventType.FIRE_ALARM)
    # The proxy's client address as the server put it in the scope.
    assert event.delivery.headers["remote-addr"] == "10.0.0.7"
    assert _answered("onenet", 200) == answered + 1


def test_webhook_headers_reach_the_signature_check(webhook):
    body = json.dumps({"events": [{"id": "evt-1", "device": "SIM-0001", "type": "test"}]}).encode()

    status, _headers, _content = _call(application, _path(webhook), body=body, headers=webhook_headers(webhook.secret, body))
    assert status == 200

    status, _headers, content = _call(application, _path(webhook), body=body, headers={"X-Riskplatform-Signature": "sha256=0"})
    assert (status, json.loads(content)["code"]) == (401, "authentication_failed")


def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(settings, onenet, detector):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)

    status, _headers, content = _call(application, _path(onenet), body=body)

    assert status == 413
    assert set(json.loads(content)) == {"code", "detail", "errors"} and json.loads(content)["code"] == "too_large"
    assert not Delivery.objects.exists()


def test_onenet_url_verification_and_other_methods(onenet):
    msg, nonce = "Hello123", "abcdefgh"
    query = f"msg={msg}&nonce={nonce}&signature={onenet_signature(onenet.secret, nonce, msg)}".replace("+", "%2B")

    status, headers, content = _call(application, _path(onenet), method="GET", query=query.encode())
    assert (status, content, headers["content-type"]) == (200, b"Hello123", "text/plain; charset=utf-8")

    status, _headers, content = _call(application, _path(onenet), method="PUT")
    assert (status, json.loads(content)["code"]) == (405, "method_not_allowed")


def test_the_front_answers_as_the_view_does(ctwing):
    """The same malformed push through Django's view and through the front: the same status and body."""
    body = b'{"messageType": "dataReport", "deviceId": '

    status, _headers, content = _call(application, _path(ctwing), body=body)
    through_django = Client().post(_path(ctwing), body, content_type="application/json")

    assert status == through_django.status_code == 400
    assert json.loads(content) == json.loads(through_django.content)
    assert Delivery.objects.filter(outcome=Delivery.Outcome.MALFORMED).count() == 2


def test_every_other_request_goes_on_to_the_application_behind():
    seen = []

    async def behind(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    for path in ("/api/ingest/onenet", "/api/ingest/onenet/key/extra", "/api/sites/"):
        status, _headers, _content = _call(IngestFront(behind), path, method="GET")
        assert status == 204
    assert seen == ["/api/ingest/onenet", "/api/ingest/onenet/key/extra", "/api/sites/"]
