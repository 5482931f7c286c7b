"""Notifier backends against a small HTTP gateway this test serves on 127.0.0.1.

It answers 200, 500, 404, slowly, or not at all (a port that accepts and never answers).
"""

import datetime
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from alarms.models import Event, IncidentStep, Notifier, NotifierAttempt
from alarms.services import event_process, notifier_attempt_send
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db


class Gateway:
    """Records what it is sent; answers by path: 500 /fail, 404 /missing-404, late /slow, an errcode /wecom-error."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                gateway.received.append((self.path, body))
                if self.path.startswith("/slow"):
                    time.sleep(2)
                status, answer = {
                    "/fail": (500, {}),
                    "/missing-404": (404, {}),
                    "/wecom-error": (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
                }.get(self.path.split("?")[0], (200, {"errcode": 0, "errmsg": "ok"}))
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def paths(self) -> list[str]:
        return [path.split("?")[0] for path, _ in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield listener.getsockname()[1]
    listener.close()


def notifier(kind, name, endpoint, station, **extra) -> Notifier:
    notifier = Notifier.objects.create(kind=kind, name=name, endpoint=endpoint, **extra)
    notifier.stations.add(station)
    return notifier


def fire(onenet):
    push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret))
    return event_process(event_id=Event.objects.latest("pk").pk)


def send_all_due() -> None:
    for attempt_id in NotifierAttempt.objects.filter(status="pending").values_list("pk", flat=True):
        notifier_attempt_send(attempt_id=attempt_id)


def test_every_backend_delivers_in_its_format(gateway, onenet, detector, station):
    notifier("sms", "短信", f"{gateway.url}/sms", station, secret="gateway-token")
    notifier("voice", "语音", f"{gateway.url}/voice", station)
    notifier("wecom", "企业微信", f"{gateway.url}/wecom?key=k", station)
    notifier("dingtalk", "钉钉", f"{gateway.url}/dingtalk?access_token=t", station, secret="SECsign")
    notifier("webhook", "值班系统", f"{gateway.url}/hook", station, secret="hook-secret")
    incident = fire(onenet)

    send_all_due()

    bodies = dict((path.split("?")[0], body) for path, body in gateway.received)
    assert set(bodies) == {"/sms", "/voice", "/wecom", "/dingtalk", "/hook"}
    assert bodies["/sms"]["phones"] == [station.phone] and "望江兰庭便利店" in bodies["/sms"]["text"]
    assert bodies["/wecom"]["msgtype"] == "text" and bodies["/wecom"]["text"]["mentioned_mobile_list"] == [station.phone]
    assert bodies["/dingtalk"]["at"]["atMobiles"] == [station.phone]
    assert bodies["/hook"]["incident"]["id"] == incident.pk and bodies["/hook"]["type"] == "console.incident"
    dingtalk_query = next(path for path, _ in gateway.received if path.startswith("/dingtalk"))
    assert "timestamp=" in dingtalk_query and "sign=" in dingtalk_query
    assert set(NotifierAttempt.objects.values_list("status", flat=True)) == {"sent"}
    assert incident.steps.filter(kind=IncidentStep.Kind.NOTIFIED).count() == 5


def test_a_failing_gateway_is_retried_with_backoff_marked_and_the_others_still_deliver(
    settings, gateway, silent_port, onenet, detector, station, admin_user
):
    settings.ALARM_NOTIFIER_TIMEOUT_SECONDS = 0.5
    settings.ALARM_NOTIFIER_BACKOFF_SECONDS = [5, 15]
    settings.ALARM_NOTIFIER_MAX_ATTEMPTS = 3
    broken = notifier("sms", "坏网关", f"{gateway.url}/fail", station)
    slow = notifier("voice", "慢网关", f"{gateway.url}/slow", station)
    mute = notifier("webhook", "不应答", f"http://127.0.0.1:{silent_port}/", station)
    good = notifier("wecom", "好机器人", f"{gateway.url}/wecom", station)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fire(onenet)
        send_all_due()
    assert NotifierAttempt.objects.get(notifier=good).status == "sent"
    retry = NotifierAttempt.objects.get(notifier=broken, attempt=2)
    assert retry.next_try_at == start + datetime.timedelta(seconds=5)

    for seconds in (6, 30):  # the backoff: 5 s, then 15 s
        with time_machine.travel(start + datetime.timedelta(seconds=seconds), tick=False):
            send_all_due()

    for failing in (broken, slow, mute):
        failing.refresh_from_db()
        attempts = NotifierAttempt.objects.filter(notifier=failing).order_by("attempt")
        assert [attempt.status for attempt in attempts] == ["failed", "failed", "failed"]
        assert failing.failing and failing.consecutive_failures == 3 and failing.last_error
    assert admin_user.notifications.filter(kind="alarm.notifier_failing").count() == 3
    assert gateway.paths().count("/wecom") == 1


def test_a_robot_error_code_is_a_failure_with_its_code(gateway, onenet, detector, station):
    robot = notifier("wecom", "失效机器人", f"{gateway.url}/wecom-error", station)
    fire(onenet)

    send_all_due()

    first = NotifierAttempt.objects.get(notifier=robot, attempt=1)
    assert first.status == "failed" and "93000" in first.error
    assert NotifierAttempt.objects.get(notifier=robot, attempt=2).status == "pending"


def test_a_4xx_answer_is_not_retried(gateway, onenet, detector, station):
    wrong = notifier("sms", "错误地址", f"{gateway.url}/missing-404", station)
    fire(onenet)

    send_all_due()

    assert list(NotifierAttempt.objects.filter(notifier=wrong).values_list("status", flat=True)) == ["failed"]
