"""Simulated smoke detectors: pushes to a running server exactly as their carrier platforms push
(``manage.py simulate_devices``; the demo shows the console working with it).

Each push is built in the format its adapter reads (alarms.adapters, the platforms' documents):

- OneNET: ``{"msg": ..., "msg_signature": ..., "nonce": ...}`` with ``msg`` one type-1 data point
  (``dev_id``, ``ds_id``, ``value``, ``at`` in ms) or a list of them, or a type-2 online/offline
  message; signed Base64(MD5(token + nonce + msg)) over ``msg`` as it stands in the body. An
  integration with an EncodingAESKey gets the safe-mode form ``{"enc_msg": ...}``.
- CTWing: one subscription message, ``messageType`` ``dataReport`` (``payload``),
  ``eventReport`` (``serviceId``, ``eventType``, ``eventContent``) or ``deviceOnlineOfflineReport``,
  with ``deviceId``, ``timestamp`` in ms, ``productId``, ``tenantId``; not signed.
- The generic webhook: ``{"events": [...]}`` each stating its type, signed with HMAC-SHA256 in
  the ``X-Riskplatform-Timestamp`` and ``X-Riskplatform-Signature`` headers.

Which data stream and value carry an event is read from the device's model (``DeviceModel.rules``),
and every push is checked against the model the way ingest reads it (``adapters.classify``), so a
simulated fire alarm is one for the pipeline too. A resend repeats a push byte for byte, as a
platform does when it missed our answer: the pipeline stores nothing new.

Only the standard library speaks HTTP here (http.client, one kept-alive connection per worker
thread), so the simulator needs nothing the server does not.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import string
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from . import adapters
from .adapters import RawReport
from .models import Device, EventType, Platform

# The tenant and product of CTWing's own subscription-push examples.
CTWING_TENANT_ID = "2000033827"
CTWING_PRODUCT_ID = "15045240"
# CTWing's event levels: 1 information, 2 warning, 3 fault.
CTWING_EVENT_LEVEL = {EventType.FAULT: 3, EventType.FIRE_ALARM: 2, EventType.LOW_BATTERY: 2, EventType.TAMPER: 2}
# OneNET's login_type of an NB-IoT device in its online/offline message.
ONENET_NB_LOGIN_TYPE = 10

# What a CTWing event report carries besides its service, by event type.
CTWING_EVENT_CONTENT = {
    EventType.FIRE_ALARM: {"smoke_state": 1},
    EventType.LOW_BATTERY: {"battery_voltage": 1, "battery_state": 1},
    EventType.TAMPER: {"tamper_state": 1},
    EventType.FAULT: {"fault_code": 1},
}


class SimulationError(Exception):
    """The simulator cannot do what was asked (no such device, a model without a rule for the event)."""


@dataclass
class SimDevice:
    """A detector as the simulator plays it: where it pushes, how its model reads it, its state."""

    pk: int
    platform: str
    ingest_path: str
    secret: str
    aes_key: str
    platform_device_id: str
    imei: str
    rules: list[dict]
    battery_stream: str
    signal_stream: str
    low_battery_percent: int
    label: str
    battery: int = 90
    signal: int = -85
    tampered: bool = False
    last_at: int = 0  # the last report's time in ms: each report of a device gets a later one
    packet_sn: int = 0

    @classmethod
    def from_device(cls, device: Device) -> "SimDevice":
        model = device.model
        return cls(
            pk=device.pk,
            platform=device.integration.platform,
            ingest_path=device.integration.ingest_path(),
            secret=device.integration.secret,
            aes_key=device.integration.aes_key,
            platform_device_id=device.platform_device_id,
            imei=device.imei,
            rules=list(model.rules or []),
            battery_stream=model.battery_stream,
            signal_stream=model.signal_stream,
            low_battery_percent=model.low_battery_percent,
            label=f"{device} · {device.site.name} {device.place}".strip(),
            battery=device.battery if device.battery is not None else 90,
            signal=device.signal if device.signal is not None else -85,
            tampered=device.tamper,
        )

    def next_at(self) -> int:
        """Now in ms, later than this device's previous report (OneNET and CTWing identify a report by its time)."""
        now = int(timezone.now().timestamp() * 1000)
        self.last_at = max(now, self.last_at + 1)
        return self.last_at


def _devices():
    return Device.objects.filter(integration__active=True).select_related("integration", "model", "site")


def devices_load(*, platform: str = "all", count: int | None = None, rng: random.Random | None = None) -> list[SimDevice]:
    """``count`` registered devices of active integrations (all of them without a count), drawn at random."""
    queryset = _devices()
    if platform != "all":
        queryset = queryset.filter(integration__platform=platform)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    if count is not None and count < len(ids):
        ids = sorted((rng or random.Random()).sample(ids, count))
    by_pk = {device.pk: device for device in queryset.filter(pk__in=ids)}
    return [SimDevice.from_device(by_pk[pk]) for pk in ids if pk in by_pk]


def device_find(*, key: str, platform: str = "all", rng: random.Random | None = None) -> SimDevice:
    """The device of an IMEI or platform device id, or a random one for ``random``."""
    queryset = _devices()
    if platform != "all":
        queryset = queryset.filter(integration__platform=platform)
    if key == "random":
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if not ids:
            raise SimulationError(_("No registered device to raise a fire alarm on."))
        return SimDevice.from_device(queryset.get(pk=(rng or random.Random()).choice(ids)))
    device = queryset.filter(imei=key).first() or queryset.filter(platform_device_id=key).first()
    if device is None:
        raise SimulationError(_("No registered device has the IMEI or platform id %(key)s.") % {"key": key})
    return SimDevice.from_device(device)


# --- Building pushes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """One HTTP request to an ingest URL, as a platform sends it; ``resend`` marks a repeat of one sent before."""

    device: SimDevice
    event_type: str
    body: bytes
    headers: dict[str, str]
    resend: bool = False

    def again(self) -> "Push":
        return Push(device=self.device, event_type=self.event_type, body=self.body, headers=self.headers, resend=True)


def _reads_as(device: SimDevice, observations: list[tuple[str, Any]]) -> list[str]:
    """The event types ingest reads from these observations with the device's model."""
    report = RawReport(platform_device_id=device.platform_device_id, external_id="", occurred_at=timezone.now())
    report.observations = observations
    return [kind for kind, _stream, _value in adapters.classify(report=report, rules=device.rules)]


def _reading(device: SimDevice, stream: str) -> Any:
    if stream and stream == device.battery_stream:
        return device.battery
    if stream and stream == device.signal_stream:
        return device.signal
    return 1


def _rule_observation(device: SimDevice, event_type: str) -> tuple[str, Any]:
    """A (stream, value) the model reads as ``event_type``; a heartbeat prefers the battery's stream.

    A CTWing event service (``serviceId:<n>``) takes as its value the event level it is sent with.
    """
    rules = [rule for rule in device.rules if isinstance(rule, dict) and rule.get("type") == event_type and rule.get("stream")]
    if event_type == EventType.HEARTBEAT:
        rules.sort(key=lambda rule: rule["stream"] != device.battery_stream)
    for rule in rules:
        stream = str(rule["stream"])
        if rule.get("value") is not None:
            value = rule["value"]
        elif stream.startswith("serviceId:"):
            value = str(CTWING_EVENT_LEVEL.get(event_type, 1))
        else:
            value = _reading(device, stream)
        # An earlier rule on the same stream may decide otherwise: ask the model as ingest does.
        if _reads_as(device, [(stream, value)]) == [event_type]:
            return stream, value
    raise SimulationError(
        _("The device model of %(device)s has no rule for %(type)s.") % {"device": device.label, "type": event_type}
    )


def _onenet(device: SimDevice, event_type: str, rng: random.Random) -> tuple[bytes, dict[str, str]]:
    dev_id: Any = int(device.platform_device_id) if device.platform_device_id.isdigit() else device.platform_device_id
    if event_type in (EventType.ONLINE, EventType.OFFLINE):
        status = 1 if event_type == EventType.ONLINE else 0
        messages = [{"type": 2, "dev_id": dev_id, "status": status, "login_type": ONENET_NB_LOGIN_TYPE, "at": device.next_at()}]
    else:
        stream, value = _rule_observation(device, event_type)
        points = [(stream, value)]
        # A data point carries one stream: a low battery also reports the level, a heartbeat the signal,
        # each as a data point of its own in the same push, where the model reads it (else it would be
        # an unrecognised report).
        extra = {EventType.LOW_BATTERY: device.battery_stream, EventType.HEARTBEAT: device.signal_stream}.get(event_type)
        if extra and extra != stream and _reads_as(device, [(extra, _reading(device, extra))]) == [EventType.HEARTBEAT]:
            points.append((extra, _reading(device, extra)))
        messages = [
            {"type": 1, "dev_id": dev_id, "ds_id": ds_id, "value": point, "at": device.next_at(), "imei": device.imei}
            for ds_id, point in points
        ]
        if not device.imei:
            for message in messages:
                message.pop("imei")
    msg = json.dumps(messages[0] if len(messages) == 1 else messages, ensure_ascii=False, separators=(",", ":"))
    nonce = "".join(rng.choice(string.ascii_letters + string.digits) for _i in range(8))
    if device.aes_key:
        enc_msg = onenet_encrypt(msg=msg, aes_key=device.aes_key)
        body = {
            "enc_msg": enc_msg,
            "msg_signature": onenet_signature(token=device.secret, nonce=nonce, msg=enc_msg),
            "nonce": nonce,
        }
        return json.dumps(body).encode(), {"Content-Type": "application/json"}
    signature = onenet_signature(token=device.secret, nonce=nonce, msg=msg)
    body = f'{{"msg":{msg},"msg_signature":"{signature}","nonce":"{nonce}"}}'
    return body.encode(), {"Content-Type": "application/json"}


def onenet_signature(*, token: str, nonce: str, msg: str) -> str:
    """OneNET's signature: Base64(MD5(token + nonce + msg))."""
    return base64.b64encode(hashlib.md5((token + nonce + msg).encode()).digest()).decode()


def onenet_encrypt(*, msg: str, aes_key: str) -> str:
    """OneNET's safe mode: AES-256-CBC with the EncodingAESKey, IV its first 16 bytes, over 16 random bytes + length + msg."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(aes_key + "=")
    data = msg.encode()
    plain = os.urandom(16) + struct.pack(">I", len(data)) + data
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def _ctwing(device: SimDevice, event_type: str) -> tuple[bytes, dict[str, str]]:
    common = {
        "timestamp": device.next_at(),
        "tenantId": CTWING_TENANT_ID,
        "protocol": "lwm2m",
        "productId": CTWING_PRODUCT_ID,
        "deviceId": device.platform_device_id,
    }
    if event_type in (EventType.ONLINE, EventType.OFFLINE):
        message = {
            **common,
            "messageType": "deviceOnlineOfflineReport",
            "iccid": "undefined",
            "eventType": 1 if event_type == EventType.ONLINE else 0,
        }
        return json.dumps(message).encode(), {"Content-Type": "application/json"}
    stream, value = _rule_observation(device, event_type)
    readings = {name: _reading(device, name) for name in (device.battery_stream, device.signal_stream) if name}
    device.packet_sn += 1
    identity = {"IMSI": "undefined", "IMEI": device.imei or "undefined"}
    if stream.startswith("serviceId:"):
        service = stream.removeprefix("serviceId:")
        content = {**CTWING_EVENT_CONTENT.get(event_type, {}), **readings}
        level = int(value) if str(value).isdigit() else CTWING_EVENT_LEVEL.get(event_type, 1)
        # The content goes only as far as the model still reads the event as meant.
        if _reads_as(device, [(stream, str(level)), *content.items()]) != [event_type]:
            content = {}
        message = {
            **common,
            "serviceId": int(service) if service.isdigit() else service,
            "messageType": "eventReport",
            "eventType": level,
            "eventContent": content,
            "deviceSn": "",
            **identity,
        }
    else:
        payload = {stream: value, **{name: reading for name, reading in readings.items() if name != stream}}
        if _reads_as(device, list(payload.items()) + [("serviceId:1", payload)]) != [event_type]:
            payload = {stream: value}
        message = {
            **common,
            "upPacketSN": device.packet_sn,
            "upDataSN": -1,
            "topic": "v1/up/ad",
            "serviceId": 1,
            "payload": payload,
            "messageType": "dataReport",
            "deviceType": "",
            "assocAssetId": "",
            **identity,
        }
    return json.dumps(message, ensure_ascii=False).encode(), {"Content-Type": "application/json"}


def webhook_headers(*, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The generic webhook's signature: HMAC-SHA256(secret, "<timestamp>.<body>") with the Unix time it was made."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        adapters.TIMESTAMP_HEADER: stamp,
        adapters.SIGNATURE_HEADER: f"sha256={mac}",
    }


def _webhook(device: SimDevice, event_type: str) -> tuple[bytes, dict[str, str]]:
    at = device.next_at()
    event = {
        "id": f"{device.platform_device_id}:{event_type}:{at}",
        "device": device.platform_device_id,
        "type": event_type,
        "at": at,
        "battery": device.battery,
        "signal": device.signal,
    }
    if device.imei:
        event["imei"] = device.imei
    body = json.dumps({"events": [event]}).encode()
    return body, webhook_headers(secret=device.secret, body=body)


def push_build(*, device: SimDevice, event_type: str, rng: random.Random | None = None) -> Push:
    """The push that reports ``event_type`` for ``device`` on its platform, and the device's state after it."""
    rng = rng or random.Random()
    before = (device.battery, device.tampered)
    if event_type == EventType.LOW_BATTERY:
        device.battery = min(device.battery, rng.randint(5, max(5, device.low_battery_percent - 2)))
    elif event_type == EventType.TAMPER:
        device.tampered = True
    elif event_type == EventType.TAMPER_RESTORED:
        device.tampered = False
    try:
        if device.platform == Platform.ONENET:
            body, headers = _onenet(device, event_type, rng)
        elif device.platform == Platform.CTWING:
            body, headers = _ctwing(device, event_type)
        else:
            body, headers = _webhook(device, event_type)
    except SimulationError:
        device.battery, device.tampered = before  # nothing was sent
        raise
    return Push(device=device, event_type=event_type, body=body, headers=headers)


def heartbeat_build(*, device: SimDevice, rng: random.Random) -> Push:
    """A heartbeat with the battery a little lower now and then and the signal wandering."""
    if rng.random() < 0.05:
        device.battery = max(1, device.battery - 1)
    device.signal = max(-120, min(-50, device.signal + rng.randint(-3, 3)))
    return push_build(device=device, event_type=EventType.HEARTBEAT, rng=rng)


# --- Sending ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (connection refused, timeout)
    seconds: float
    stored: int = 0
    detail: str = ""


class Sender:
    """Sends pushes to one server, one kept-alive connection per thread."""

    def __init__(self, base_url: str, *, timeout: float = 10.0):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SimulationError(_("The server's URL must be http:// or https:// with a host: %(url)s") % {"url": base_url})
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            connection = kind(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def send(self, push: Push) -> Answer:
        started = time.perf_counter()
        path = self.prefix + push.device.ingest_path
        for attempt in (1, 2):
            try:
                connection = self._connection()
                connection.request("POST", path, body=push.body, headers=push.headers)
                response = connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self._drop()
                break
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                # A kept-alive connection the server closed meanwhile: try once on a fresh one.
                if attempt == 2 or isinstance(error, TimeoutError):
                    return Answer(status=0, seconds=time.perf_counter() - started, detail=str(error) or type(error).__name__)
        seconds = time.perf_counter() - started
        try:
            document = json.loads(data or b"{}")
        except ValueError:
            document = {}
        if not isinstance(document, dict):
            document = {}
        return Answer(
            status=response.status, seconds=seconds, stored=int(document.get("stored") or 0), detail=document.get("detail", "")
        )

    def close(self) -> None:
        self._drop()


# --- Running ---------------------------------------------------------------------------------------------


@dataclass
class Summary:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    resends: int = 0
    stored: int = 0
    stored_by_resends: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, push: Push, answer: Answer) -> None:
        with self._lock:
            self.sent += 1
            self.statuses[answer.status] += 1
            self.kinds[push.event_type] += 1
            self.resends += push.resend
            self.stored += answer.stored
            if push.resend:
                self.stored_by_resends += answer.stored
            if answer.status:
                self.latencies.append(answer.seconds)
            if answer.status != 200 and answer.detail:
                self.errors[answer.detail[:200]] += 1

    def percentile(self, share: float) -> float | None:
        """The latency below which ``share`` of the answers came (nearest rank), in seconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[max(0, min(len(ordered) - 1, int(share * len(ordered) + 0.5) - 1))]

    def report(self) -> list[str]:
        kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(self.kinds.items()))
        statuses = ", ".join(f"{status or _('no answer')}: {count}" for status, count in sorted(self.statuses.items()))
        lines = [
            _("Pushes sent: %(sent)d (%(kinds)s), of them resends: %(resends)d.")
            % {"sent": self.sent, "kinds": kinds or "-", "resends": self.resends},
            _("Answers by status: %(statuses)s.") % {"statuses": statuses or "-"},
            _("Events stored: %(stored)d; by resends: %(resent)d.") % {"stored": self.stored, "resent": self.stored_by_resends},
        ]
        if self.latencies:
            lines.append(
                _("Latency: p50 %(p50).1f ms, p99 %(p99).1f ms, slowest %(max).1f ms.")
                % {"p50": self.percentile(0.5) * 1000, "p99": self.percentile(0.99) * 1000, "max": max(self.latencies) * 1000}
            )
        for detail, count in self.errors.most_common(5):
            lines.append(_("%(count)d × %(detail)s") % {"count": count, "detail": detail})
        return lines


def push_send(*, sender: Sender, push: Push, summary: Summary | None = None) -> Answer:
    answer = sender.send(push)
    if summary is not None:
        summary.add(push, answer)
    return answer


def _pick_event(device: SimDevice, rng: random.Random, *, low_battery_share: float, tamper_share: float) -> str:
    roll = rng.random()
    if device.tampered:
        # Someone put it back, sooner or later.
        return EventType.TAMPER_RESTORED if roll < 0.3 else EventType.HEARTBEAT
    if roll < low_battery_share:
        return EventType.LOW_BATTERY
    if roll < low_battery_share + tamper_share:
        return EventType.TAMPER
    return EventType.HEARTBEAT


def simulate(
    *,
    devices: list[SimDevice],
    sender: Sender,
    rate: float,
    duration: float,
    resend_every: int = 0,
    low_battery_share: float = 0.0,
    tamper_share: float = 0.0,
    workers: int = 4,
    rng: random.Random | None = None,
    summary: Summary | None = None,
    stop: Callable[[], bool] | None = None,
    on_progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Push ``rate`` reports a second for ``duration`` seconds, the devices in turn.

    1. Each push is a heartbeat, or now and then a low battery, a tamper (and later its
       restoration), as the shares say; a model without a rule for the event sends a heartbeat.
    2. Every ``resend_every``-th push is sent again once its answer came, as a platform resends.
    3. Pushes go out on schedule from ``workers`` threads; a server slower than the rate makes
       them queue, which the latencies show.
    """
    rng = rng or random.Random()
    summary = summary or Summary()
    if not devices or rate <= 0 or duration <= 0:
        return summary
    total = max(1, int(rate * duration))

    def job(push: Push, resend: bool) -> None:
        push_send(sender=sender, push=push, summary=summary)
        if resend:
            push_send(sender=sender, push=push.again(), summary=summary)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="simulated-platform") as pool:
        for number in range(total):
            if stop is not None and stop():
                break
            if on_progress is not None:
                on_progress(summary)
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            device = devices[number % len(devices)]
            kind = _pick_event(device, rng, low_battery_share=low_battery_share, tamper_share=tamper_share)
            try:
                push = (
                    heartbeat_build(device=device, rng=rng)
                    if kind == EventType.HEARTBEAT
                    else push_build(device=device, event_type=kind, rng=rng)
                )
            except SimulationError:
                push = heartbeat_build(device=device, rng=rng)
            pool.submit(job, push, bool(resend_every) and (number + 1) % resend_every == 0)
    return summary
