"""Each carrier platform's push, verified and read into raw device reports.

An adapter knows one platform's documented format and nothing of our database: ingest
(alarms.ingest) hands it the body and headers with the integration's secrets, and gets
back ``RawReport``s, or ``SignatureError`` (answered 401, nothing stored) or
``MalformedError`` (answered 400 with the reason, the raw delivery kept). Which of our
event types a report means is the device model's business (``classify``).

Where the formats come from:

- OneNET HTTP push (数据推送), "开发指南" of the HTTP push service
  (open.iot.10086.cn/doc/.../httppush/develop-manual.html, also in the NB-IoT suite's docs):
  the URL verification ``GET url?msg=&nonce=&signature=``, signature Base64(MD5(token + nonce
  + msg)), echo ``msg``; the POST body ``{"msg": ..., "msg_signature": ..., "nonce": ...}``
  where ``msg`` is one message or a list of them (examples 1-3 of that page), message type 1
  (data point: ``dev_id``, ``ds_id``, ``at`` in ms, ``value``) and type 2 (online/offline:
  ``status`` 1/0, ``login_type``), type 7 (a cached command's result, NB only); and the
  encrypted form ``{"enc_msg": ..., "msg_signature": ..., "nonce": ...}``. The AES details
  ("加密算法详述" of OneNET's third-party-platform guide, and the official data-push SDK
  cm-heclouds/data-push, Util.decryptMsg): AESKey = Base64_Decode(EncodingAESKey + "="), 32
  bytes; AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 padding to 32 bytes; plaintext =
  16 random bytes + 4-byte big-endian length + message.
  The documents disagree in places, and we accept each variant: the newer SDK (2020) and the
  OneNET Studio push page name the signature ``signature`` rather than ``msg_signature`` and
  carry ``msg`` as a JSON string; the SDKs sign ``msg`` as the text they received, re-serialised
  (PHP json_encode, Java's JSONObject) or verbatim, so the signature is checked against the text
  as it stood in the body and against the usual compact serialisations; the signature arrives
  padded or not, and in a query string its "+" may have become a space.
- CTWing / AEP subscription push (订阅推送; ctwing.cn "订阅推送" and its message formats as reproduced
  with the AEP SDK's docs): one JSON object per push with ``messageType`` ``dataReport``
  (``payload``: the decoded JSON, or ``{"APPdata": base64}`` for pass-through devices; ``upPacketSN``,
  ``serviceId``), ``eventReport`` (``eventType`` 1 info / 2 warning / 3 fault, ``eventContent``,
  ``serviceId``) and ``deviceOnlineOfflineReport`` (``eventType`` 1 online, 0 offline), each with
  ``deviceId``, ``timestamp`` (ms), ``productId``, ``tenantId``. The field table writes ``imei``,
  the examples ``IMEI``: both are read. The issue describing this work puts an event's data in
  ``payload``, the documents in ``eventContent``: both are read. ``commandResponse`` and
  ``dataReportTupUnion`` (a batch repeating data reports already pushed one by one) carry no
  device event. The push is not signed; the integration's unguessable ingest key in the URL is
  the credential. CTWing retries a failed push at most 3 times and pauses a receiver that fails
  more than 10% of pushes in 10 s for a minute, dropping that minute's messages: hence the spool.
- The generic webhook is ours (vendors, the simulator): ``X-Riskplatform-Timestamp`` (Unix
  seconds) and ``X-Riskplatform-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``,
  refused outside a 5-minute window; body ``{"events": [{"id", "device", "type" or "stream" +
  "value", "at", "imei", "battery", "signal"}]}`` or one such event object.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import math
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .models import EventType

MAX_REPORTS = 5000
TYPES = set(EventType.values)


class SignatureError(Exception):
    """The push is not signed with the integration's secret: 401, nothing stored."""


class MalformedError(Exception):
    """The body is not what the platform documents: 400 with this reason, the raw delivery kept."""


@dataclass
class RawReport:
    """One device message as the platform sent it, before the device model reads it."""

    platform_device_id: str
    external_id: str
    occurred_at: datetime.datetime
    # (stream, value) pairs the device model maps to event types.
    observations: list[tuple[str, Any]] = field(default_factory=list)
    # A type the platform itself states (online/offline, or the webhook's "type").
    fixed_type: str | None = None
    imei: str = ""
    battery: int | None = None
    signal: int | None = None


# --- Shared helpers --------------------------------------------------------------------------------


def _millis(value, *, field_name: str, default: datetime.datetime) -> datetime.datetime:
    if value is None or value == "":
        return default
    try:
        millis = int(str(value).strip())
    except (TypeError, ValueError):
        raise MalformedError(f"{field_name} is not a time in milliseconds: {value!r}") from None
    try:
        return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedError(f"{field_name} is out of range: {value!r}") from None


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _not_json_number(name: str):
    raise MalformedError(f"the body is not JSON: {name} is not a number")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise MalformedError(f"the body is not JSON: {text[:40]} is out of range")
    return number


# Strict JSON: Python's reader takes NaN and Infinity (and 1e999 as infinity), which PostgreSQL's jsonb refuses.
_decoder = json.JSONDecoder(parse_constant=_not_json_number, parse_float=_finite)


def _checked(document: Any) -> Any:
    """``document`` once no string in it holds a NUL character, which PostgreSQL cannot store in text or jsonb."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise MalformedError("the body holds a NUL character (\\u0000)")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return document


def _json(body: bytes) -> Any:
    try:
        return _checked(_decoder.decode(body.decode("utf-8")))
    except UnicodeDecodeError:
        raise MalformedError("the body is not UTF-8") from None
    except ValueError as error:
        raise MalformedError(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise MalformedError("the body is not JSON: it nests too deeply") from None


def value_text(value) -> str:
    """A reported value as a rule compares it: true/false for booleans, numbers without a needless .0."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _text(value)


def classify(*, report: RawReport, rules: list[dict] | None) -> list[tuple[str, str, Any]]:
    """Our event types in ``report``: [(type, stream, value)], one per distinct type, in the report's order.

    Each observation takes the type of the first rule that matches it; a report nothing matches
    is one "unmapped" event, kept for staff.
    """
    if report.fixed_type:
        stream, value = report.observations[0] if report.observations else ("", None)
        return [(report.fixed_type, stream, value)]
    found: list[tuple[str, str, Any]] = []
    seen = set()
    for stream, value in report.observations:
        text = value_text(value)
        for rule in rules or []:
            if not isinstance(rule, dict) or rule.get("type") not in TYPES:
                continue
            if _text(rule.get("stream")) != stream:
                continue
            wanted = rule.get("value")
            if wanted is not None and value_text(wanted) != text:
                continue
            if rule["type"] not in seen:
                seen.add(rule["type"])
                found.append((rule["type"], stream, value))
            break
    # Any report proves the device alive: a heartbeat is worth an event only when the report says nothing else.
    if len(found) > 1:
        found = [item for item in found if item[0] != EventType.HEARTBEAT]
    if not found:
        stream, value = report.observations[0] if report.observations else ("", None)
        found.append((EventType.UNMAPPED, stream, value))
    return found


def reading(*, report: RawReport, stream: str) -> int | None:
    """The number a report carries on ``stream`` (a battery percent, a signal), if any."""
    if not stream:
        return None
    for name, value in report.observations:
        if name == stream:
            try:
                return int(float(value_text(value)))
            except (ValueError, OverflowError):  # not a number, or an infinite one
                return None
    return None


# --- OneNET ----------------------------------------------------------------------------------------


def signatures_match(expected: str, received: str) -> bool:
    """Whether a received signature is the expected one, in a time that does not depend on where they
    differ. Compared as UTF-8 bytes: a push may carry any characters there, and compare_digest refuses
    text that is not ASCII (a lone surrogate from JSON is kept as it came)."""
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8", "surrogatepass"))


def _b64_variants(signature: str) -> str:
    """A received Base64 signature in one spelling: standard alphabet, no padding, '+' restored."""
    return signature.strip().replace(" ", "+").replace("-", "+").replace("_", "/").rstrip("=")


def onenet_signature(*, token: str, nonce: str, msg: str) -> str:
    # A lone surrogate (JSON may carry one) is hashed as it came rather than failing the push.
    digest = hashlib.md5((token + nonce + msg).encode("utf-8", "surrogatepass")).digest()
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def _onenet_signed(*, tokens: Iterable[str], nonce: str, candidates: Iterable[str], signature: str) -> bool:
    received = _b64_variants(signature)
    matched = False
    for token in tokens:
        for candidate in candidates:
            # Compare every candidate (no early exit) so the time taken says nothing about which was close.
            matched |= signatures_match(onenet_signature(token=token, nonce=nonce, msg=candidate), received)
    return matched


def onenet_verify_url(*, tokens: Iterable[str], msg: str, nonce: str, signature: str) -> bool:
    """OneNET's URL verification GET: the signature over token + nonce + msg."""
    if not (msg and nonce and signature):
        return False
    return _onenet_signed(tokens=tokens, nonce=nonce, candidates=[msg], signature=signature)


def _top_level_spans(text: str) -> dict[str, tuple[Any, str]]:
    """The top-level members of a JSON object: {name: (value, the value's text as it stood in the body)}."""
    decoder = _decoder
    spans: dict[str, tuple[Any, str]] = {}
    whitespace = re.compile(r"[ \t\n\r]*")

    def skip(index: int) -> int:
        return whitespace.match(text, index).end()

    index = skip(0)
    if index >= len(text) or text[index] != "{":
        raise MalformedError("the body is not a JSON object")
    index = skip(index + 1)
    if index < len(text) and text[index] == "}":
        return spans
    while True:
        if index >= len(text) or text[index] != '"':
            raise MalformedError("the body is not a JSON object")
        name, index = json.decoder.scanstring(text, index + 1)
        index = skip(index)
        if index >= len(text) or text[index] != ":":
            raise MalformedError("the body is not a JSON object")
        index = skip(index + 1)
        value, end = decoder.raw_decode(text, index)
        spans[_checked(name)] = (_checked(value), text[index:end])
        index = skip(end)
        if index < len(text) and text[index] == ",":
            index = skip(index + 1)
            continue
        if index < len(text) and text[index] == "}":
            return spans
        raise MalformedError("the body is not a JSON object")


def _msg_texts(value: Any, raw: str) -> list[str]:
    """The texts OneNET may have signed for ``msg`` (module docstring: the documents disagree)."""
    if isinstance(value, str):
        return [value]
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    ascii_only = json.dumps(value, separators=(",", ":"))
    php = ascii_only.replace("/", "\\/")
    return list(dict.fromkeys([raw, compact, ascii_only, php]))


def onenet_decrypt(*, enc_msg: str, aes_key: str) -> str:
    """OneNET safe mode: the message inside ``enc_msg`` (module docstring for the algorithm)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        key = base64.b64decode(aes_key + "=")
        data = base64.b64decode(enc_msg)
    except (binascii.Error, ValueError):
        raise MalformedError("enc_msg or the EncodingAESKey is not Base64") from None
    if len(key) != 32 or not data or len(data) % 16:
        raise MalformedError("enc_msg cannot be decrypted with this EncodingAESKey")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    if len(plain) < 20:
        raise MalformedError("enc_msg is too short")
    (length,) = struct.unpack(">I", plain[16:20])
    if length > len(plain) - 20:
        raise MalformedError("enc_msg does not decrypt with this EncodingAESKey")
    try:
        return plain[20 : 20 + length].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedError("enc_msg does not decrypt with this EncodingAESKey") from None


def onenet_parse(*, body: bytes, tokens: list[str] | None, aes_key: str, now: datetime.datetime) -> list[RawReport]:
    """Verify and read a OneNET push (plain or safe mode); ``tokens`` None reads one verified before (a spooled push)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedError("the body is not UTF-8") from None
    try:
        members = _top_level_spans(text)
    except ValueError as error:
        raise MalformedError(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise MalformedError("the body is not JSON: it nests too deeply") from None
    nonce = members.get("nonce", (None, ""))[0]
    signature = (members.get("msg_signature") or members.get("signature") or (None, ""))[0]
    if "enc_msg" in members:
        enc_msg = members["enc_msg"][0]
        if not isinstance(enc_msg, str):
            raise MalformedError("enc_msg is not a string")
        if tokens is not None:
            if not (isinstance(nonce, str) and isinstance(signature, str) and nonce and signature):
                raise SignatureError("the push carries no nonce or signature")
            # The signature covers what was sent: the encrypted message.
            if not _onenet_signed(tokens=tokens, nonce=nonce, candidates=[enc_msg], signature=signature):
                raise SignatureError("the signature does not match")
        if not aes_key:
            raise MalformedError("an encrypted push, but no EncodingAESKey is set for this integration")
        msg = _json(onenet_decrypt(enc_msg=enc_msg, aes_key=aes_key).encode("utf-8"))
    elif "msg" in members:
        value, raw = members["msg"]
        if tokens is not None:
            if not (isinstance(nonce, str) and isinstance(signature, str) and nonce and signature):
                raise SignatureError("the push carries no nonce or signature")
            if not _onenet_signed(tokens=tokens, nonce=nonce, candidates=_msg_texts(value, raw), signature=signature):
                raise SignatureError("the signature does not match")
        msg = _json(value.encode("utf-8")) if isinstance(value, str) else value
    else:
        raise MalformedError("the body has neither msg nor enc_msg")
    messages = msg if isinstance(msg, list) else [msg]
    if len(messages) > MAX_REPORTS:
        raise MalformedError(f"more than {MAX_REPORTS} messages in one push")
    reports = []
    for number, message in enumerate(messages):
        report = _onenet_message(message, number=number, now=now)
        if report is not None:
            reports.append(report)
    return reports


def _onenet_message(message: Any, *, number: int, now: datetime.datetime) -> RawReport | None:
    where = f"msg[{number}]"
    if not isinstance(message, dict):
        raise MalformedError(f"{where} is not an object")
    kind = message.get("type")
    dev_id = _text(message.get("dev_id"))
    if str(kind) == "7":
        return None  # a cached command's result (NB devices): no event of the detector
    if not dev_id:
        raise MalformedError(f"{where} has no dev_id")
    at = message.get("at")
    occurred_at = _millis(at, field_name=f"{where}.at", default=now)
    imei = _text(message.get("imei"))
    if str(kind) == "1":
        ds_id = _text(message.get("ds_id"))
        if not ds_id:
            raise MalformedError(f"{where} has no ds_id")
        if "value" not in message:
            raise MalformedError(f"{where} has no value")
        return RawReport(
            platform_device_id=dev_id,
            imei=imei,
            # OneNET gives no message id: the device, the stream and the platform's time make one.
            external_id=f"{dev_id}:1:{ds_id}:{_text(at)}",
            occurred_at=occurred_at,
            observations=[(ds_id, message["value"])],
        )
    if str(kind) == "2":
        status = _text(message.get("status"))
        if status not in ("0", "1"):
            raise MalformedError(f"{where}.status is neither 0 nor 1")
        return RawReport(
            platform_device_id=dev_id,
            imei=imei,
            external_id=f"{dev_id}:2:{status}:{_text(at)}",
            occurred_at=occurred_at,
            observations=[("status", int(status)), ("login_type", message.get("login_type"))],
            fixed_type=EventType.ONLINE if status == "1" else EventType.OFFLINE,
        )
    raise MalformedError(f"{where}.type {kind!r} is not a OneNET message type")


# --- CTWing ----------------------------------------------------------------------------------------

CTWING_IGNORED = {"commandResponse", "dataReportTupUnion"}


def ctwing_parse(*, body: bytes, now: datetime.datetime) -> list[RawReport]:
    document = _json(body)
    messages = document if isinstance(document, list) else [document]
    if len(messages) > MAX_REPORTS:
        raise MalformedError(f"more than {MAX_REPORTS} messages in one push")
    reports = []
    for number, message in enumerate(messages):
        report = _ctwing_message(message, where="body" if len(messages) == 1 else f"body[{number}]", now=now)
        if report is not None:
            reports.append(report)
    return reports


def _ctwing_message(message: Any, *, where: str, now: datetime.datetime) -> RawReport | None:
    if not isinstance(message, dict):
        raise MalformedError(f"{where} is not an object")
    kind = _text(message.get("messageType"))
    if not kind:
        raise MalformedError(f"{where} has no messageType")
    if kind in CTWING_IGNORED:
        return None
    device_id = _text(message.get("deviceId"))
    if not device_id:
        raise MalformedError(f"{where} has no deviceId")
    timestamp = message.get("timestamp")
    occurred_at = _millis(timestamp, field_name=f"{where}.timestamp", default=now)
    imei = _text(message.get("IMEI") or message.get("imei"))
    if imei == "undefined":
        imei = ""
    service = _text(message.get("serviceId"))
    key = f"{device_id}:{kind}:{service}:{_text(message.get('eventType'))}:{_text(timestamp)}:{_text(message.get('upPacketSN'))}"
    if kind == "deviceOnlineOfflineReport":
        state = _text(message.get("eventType"))
        if state not in ("0", "1"):
            raise MalformedError(f"{where}.eventType is neither 1 (online) nor 0 (offline)")
        return RawReport(
            platform_device_id=device_id,
            imei=imei,
            external_id=key,
            occurred_at=occurred_at,
            observations=[("eventType", int(state))],
            fixed_type=EventType.ONLINE if state == "1" else EventType.OFFLINE,
        )
    if kind == "dataReport":
        payload = message.get("payload")
        if not isinstance(payload, dict):
            raise MalformedError(f"{where}.payload is not an object")
        observations = list(payload.items())
        if service:
            observations.append((f"serviceId:{service}", payload))
        return RawReport(
            platform_device_id=device_id, imei=imei, external_id=key, occurred_at=occurred_at, observations=observations
        )
    if kind == "eventReport":
        content = message.get("eventContent", message.get("payload"))
        if content is not None and not isinstance(content, dict):
            raise MalformedError(f"{where}.eventContent is not an object")
        observations = list((content or {}).items())
        # A model may map a whole event service (its serviceId) to one type, whatever its content.
        if service:
            observations.insert(0, (f"serviceId:{service}", _text(message.get("eventType"))))
        return RawReport(
            platform_device_id=device_id, imei=imei, external_id=key, occurred_at=occurred_at, observations=observations
        )
    raise MalformedError(f"{where}.messageType {kind!r} is not a CTWing subscription message")


# --- Generic webhook -------------------------------------------------------------------------------

TIMESTAMP_HEADER = "X-Riskplatform-Timestamp"
SIGNATURE_HEADER = "X-Riskplatform-Signature"


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_verify(*, secrets: Iterable[str], headers: dict, body: bytes, now: datetime.datetime, window: int) -> None:
    timestamp = _text(headers.get(TIMESTAMP_HEADER))
    signature = _text(headers.get(SIGNATURE_HEADER))
    if not timestamp or not signature:
        raise SignatureError("the push is not signed")
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError("the signature's timestamp is not a number") from None
    if abs(now.timestamp() - sent) > window:
        raise SignatureError("the signature's timestamp is outside the replay window")
    matched = False
    for secret in secrets:
        matched |= signatures_match(webhook_signature(secret=secret, timestamp=timestamp, body=body), signature)
    if not matched:
        raise SignatureError("the signature does not match")


def _webhook_time(value, *, where: str, now: datetime.datetime) -> datetime.datetime:
    if value is None or value == "":
        return now
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _millis(int(value), field_name=f"{where}.at", default=now)
    parsed = None
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        pass
    if parsed is None:
        raise MalformedError(f"{where}.at is neither ISO 8601 nor milliseconds")
    if timezone.is_naive(parsed):
        raise MalformedError(f"{where}.at has no time zone")
    try:
        # Stored in UTC: 0001-01-01T00:00+08:00 has no UTC time. The time is kept as sent (the event's identity).
        parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise MalformedError(f"{where}.at is out of range") from None
    return parsed


def _number(value, *, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        raise MalformedError(f"{where} is not a number") from None


def webhook_parse(*, body: bytes, now: datetime.datetime) -> list[RawReport]:
    document = _json(body)
    if isinstance(document, dict) and "events" in document:
        events = document["events"]
    else:
        events = document
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not events:
        raise MalformedError("the body carries no events")
    if len(events) > MAX_REPORTS:
        raise MalformedError(f"more than {MAX_REPORTS} events in one push")
    reports = []
    for number, event in enumerate(events):
        where = f"events[{number}]"
        if not isinstance(event, dict):
            raise MalformedError(f"{where} is not an object")
        device = _text(event.get("device"))
        if not device:
            raise MalformedError(f"{where} has no device")
        kind = _text(event.get("type"))
        if kind and kind not in TYPES:
            raise MalformedError(f"{where}.type {kind!r} is not an event type")
        stream = _text(event.get("stream"))
        if not kind and not stream:
            raise MalformedError(f"{where} has neither type nor stream")
        occurred_at = _webhook_time(event.get("at"), where=where, now=now)
        identity = _text(event.get("id")) or f"{device}:{kind or stream}:{occurred_at.isoformat()}"
        reports.append(
            RawReport(
                platform_device_id=device,
                imei=_text(event.get("imei")),
                external_id=identity,
                occurred_at=occurred_at,
                observations=[(stream or kind, event.get("value"))],
                fixed_type=kind or None,
                battery=_number(event.get("battery"), where=f"{where}.battery"),
                signal=_number(event.get("signal"), where=f"{where}.signal"),
            )
        )
    return reports
