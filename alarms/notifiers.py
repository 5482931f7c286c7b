"""Notifier backends: one interface (``notifier_send``) in front of every outside channel.

- ``sms`` and ``voice``: an HTTP gateway of the street's choosing. We POST JSON
  ``{"kind": "sms"|"voice", "phones": [...], "text": "...", "incident": <id>}`` with
  ``Authorization: Bearer <secret>``; any 2xx is success. A vendor whose API differs gets a
  small adapter in front of it.
- ``wecom``: a WeCom group robot (群机器人): POST ``{"msgtype": "text", "text": {"content": ...,
  "mentioned_mobile_list": [...]}}`` to its webhook URL (``.../cgi-bin/webhook/send?key=...``);
  the answer's ``errcode`` is 0 on success (WeCom's group robot configuration guide).
- ``dingtalk``: a DingTalk custom robot (自定义机器人): POST ``{"msgtype": "text", "text":
  {"content": ...}, "at": {"atMobiles": [...]}}``; with a signing secret the URL gets
  ``timestamp`` (ms) and ``sign`` = Base64(HMAC-SHA256(secret, timestamp + "\\n" + secret)),
  URL-encoded; ``errcode`` 0 on success (DingTalk's custom robot guide).
- ``webhook``: POST the console's message (alarms.services.incident_console_payload) with the
  notice's id and the text, signed like the ingest webhook
  (``X-Riskplatform-Timestamp``, ``X-Riskplatform-Signature: sha256=<hex HMAC>``).

A backend raises ``TransportError``; ``permanent=True`` when retrying cannot help (a 4xx).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings

from .adapters import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_signature
from .models import Notifier


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class NoticeMessage:
    text: str
    phones: list[str]
    incident_id: int
    notice_id: int
    payload: dict = field(default_factory=dict)


def _post(url: str, data: dict, headers: dict | None = None) -> bytes:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ALARM_NOTIFIER_TIMEOUT_SECONDS) as response:
            return response.read(65536)
    except urllib.error.HTTPError as error:
        # A 4xx says our request is wrong (a bad key, a bad number): trying again cannot help; 429 and 5xx may pass.
        permanent = 400 <= error.code < 500 and error.code not in (408, 429)
        raise TransportError(f"HTTP {error.code} from the gateway", permanent=permanent) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TransportError(f"no answer from the gateway: {reason}") from None


def _robot_answer(raw: bytes) -> None:
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise TransportError("the robot's answer is not JSON") from None
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code not in (0, "0"):
        raise TransportError(f"errcode {code}: {answer.get('errmsg', '')}")


def _gateway(notifier: Notifier, message: NoticeMessage) -> None:
    if not message.phones:
        raise TransportError("no phone number to call or text", permanent=True)
    headers = {"Authorization": f"Bearer {notifier.secret}"} if notifier.secret else {}
    _post(
        notifier.endpoint,
        {"kind": notifier.kind, "phones": message.phones, "text": message.text, "incident": message.incident_id},
        headers,
    )


def _wecom(notifier: Notifier, message: NoticeMessage) -> None:
    content = {"content": message.text}
    if message.phones:
        content["mentioned_mobile_list"] = message.phones
    _robot_answer(_post(notifier.endpoint, {"msgtype": "text", "text": content}))


def _dingtalk(notifier: Notifier, message: NoticeMessage) -> None:
    url = notifier.endpoint
    if notifier.secret:
        timestamp = str(int(time.time() * 1000))
        mac = hmac.new(notifier.secret.encode("utf-8"), f"{timestamp}\n{notifier.secret}".encode(), hashlib.sha256)
        sign = urllib.parse.quote_plus(base64.b64encode(mac.digest()))
        url += ("&" if "?" in url else "?") + f"timestamp={timestamp}&sign={sign}"
    data = {"msgtype": "text", "text": {"content": message.text}}
    if message.phones:
        data["at"] = {"atMobiles": message.phones, "isAtAll": False}
    _robot_answer(_post(url, data))


def _webhook(notifier: Notifier, message: NoticeMessage) -> None:
    body = {**message.payload, "notice_id": message.notice_id, "text": message.text}
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {}
    if notifier.secret:
        timestamp = str(int(time.time()))
        headers = {
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(secret=notifier.secret, timestamp=timestamp, body=raw),
        }
    request = urllib.request.Request(
        notifier.endpoint, data=raw, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ALARM_NOTIFIER_TIMEOUT_SECONDS) as response:
            response.read(65536)
    except urllib.error.HTTPError as error:
        raise TransportError(
            f"HTTP {error.code} from the webhook", permanent=400 <= error.code < 500 and error.code != 429
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise TransportError(f"no answer from the webhook: {getattr(error, 'reason', error)}") from None


BACKENDS = {
    Notifier.Kind.SMS: _gateway,
    Notifier.Kind.VOICE: _gateway,
    Notifier.Kind.WECOM: _wecom,
    Notifier.Kind.DINGTALK: _dingtalk,
    Notifier.Kind.WEBHOOK: _webhook,
}


def notifier_send(*, notifier: Notifier, message: NoticeMessage) -> None:
    """Send ``message`` through ``notifier``; TransportError when it did not go."""
    backend = BACKENDS.get(notifier.kind)
    if backend is None:
        raise TransportError(f"unknown notifier kind {notifier.kind!r}", permanent=True)
    backend(notifier, message)
