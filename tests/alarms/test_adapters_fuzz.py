"""Property tests of the platform adapters and of ingest: whatever a platform (or anyone holding an
ingest key) sends, the adapter answers reports or its own error, and ingest answers 200, 400, 401 or
429, never a server error. Inputs that once crashed are kept as explicit examples."""

import datetime
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alarms import adapters
from alarms.adapters import MalformedError, SignatureError
from tests.alarms.conftest import onenet_body, webhook_headers

NOW = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
TOKEN = "onenet-token"

# JSON as Python reads it, including what strict JSON has not: NaN, Infinity and numbers too large for a float.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "0", "1", "2", "7", "NaN", "inf", "-1e999", "\x00", "2026-03-01T08:00:00", "2026-03-01T08:00:00+08:00"]),
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12
)


def loose(keys: dict) -> st.SearchStrategy:
    """An object with some of the documented members, each a value of the right kind or any JSON value."""
    members = {name: st.one_of(strategy, json_values) for name, strategy in keys.items()}
    return st.fixed_dictionaries({}, optional=members)


onenet_messages = loose(
    {
        "type": st.sampled_from([1, 2, 7, "1", "2", 3]),
        "dev_id": st.one_of(st.integers(min_value=0), st.text(max_size=10)),
        "ds_id": st.sampled_from(["smoke", "battery", "alarm", ""]),
        "at": st.one_of(st.integers(), st.text(max_size=14)),
        "value": json_values,
        "status": st.sampled_from([0, 1, "0", "1", 2]),
        "imei": st.text(max_size=16),
        "login_type": st.integers(),
    }
)
ctwing_messages = loose(
    {
        "messageType": st.sampled_from(["dataReport", "eventReport", "deviceOnlineOfflineReport", "commandResponse", "x"]),
        "deviceId": st.text(max_size=12),
        "timestamp": st.one_of(st.integers(), st.text(max_size=14)),
        "payload": st.dictionaries(st.text(max_size=8), json_values, max_size=3),
        "eventContent": st.dictionaries(st.text(max_size=8), json_values, max_size=3),
        "eventType": st.sampled_from([0, 1, 2, 3, "1"]),
        "serviceId": st.text(max_size=6),
        "IMEI": st.text(max_size=16),
        "upPacketSN": st.integers(),
    }
)
webhook_events = loose(
    {
        "id": st.text(max_size=12),
        "device": st.text(max_size=12),
        "type": st.sampled_from(["fire_alarm", "heartbeat", "low_battery", "unknown"]),
        "stream": st.text(max_size=8),
        "value": json_values,
        "at": st.one_of(st.integers(), st.floats(), st.text(max_size=30), st.datetimes(timezones=st.timezones()).map(str)),
        "imei": st.text(max_size=16),
        "battery": st.one_of(st.integers(), st.floats(), st.text(max_size=6)),
        "signal": st.one_of(st.integers(), st.floats(), st.text(max_size=6)),
    }
)

# Bodies that once made an adapter raise something other than its own error.
NAN_VALUE = b'{"device": "D1", "type": "heartbeat", "value": NaN}'
HUGE_BATTERY = b'{"device": "D1", "type": "heartbeat", "battery": 1' + b"0" * 400 + b"}"
INFINITE_BATTERY = b'{"device": "D1", "type": "heartbeat", "battery": 1e999}'
NUL_DEVICE = b'{"device": "D\\u0000", "type": "heartbeat"}'
DEEP = b"[" * 5_000 + b"]" * 5_000


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def only_own_errors(parse, body: bytes):
    try:
        reports = parse(body)
    except (MalformedError, SignatureError):
        return None
    assert isinstance(reports, list)
    for report in reports:
        assert isinstance(report, adapters.RawReport)
        assert "\x00" not in report.platform_device_id + report.external_id + report.imei
        # Whatever a report carries can be stored as JSON by PostgreSQL.
        json.dumps([value for _, value in report.observations], allow_nan=False)
    return reports


def onenet(body):
    return adapters.onenet_parse(body=body, tokens=[TOKEN], aes_key="", now=NOW)


def ctwing(body):
    return adapters.ctwing_parse(body=body, now=NOW)


def webhook(body):
    return adapters.webhook_parse(body=body, now=NOW)


# --- The adapters alone: any bytes, any JSON, documented shapes with any values ----------------------


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.binary(max_size=200), json_values.map(dumps)))
@example(body=DEEP)
@example(body=b'{"msg": NaN, "nonce": "n", "msg_signature": "s"}')
@example(body=b'{"enc_msg": "\\u00e9", "nonce": "n", "msg_signature": "s"}')
def test_any_body_gets_reports_or_the_adapters_own_error(body):
    for parse in (onenet, ctwing, webhook):
        only_own_errors(parse, body)
    only_own_errors(lambda body: adapters.onenet_parse(body=body, tokens=None, aes_key="", now=NOW), body)


@settings(max_examples=150, deadline=None)
@given(messages=st.one_of(onenet_messages, st.lists(onenet_messages, max_size=3)))
@example(messages={"type": 1, "dev_id": 1, "ds_id": "smoke", "value": float("nan")})
@example(messages={"type": 1, "dev_id": "\x00", "ds_id": "smoke", "value": 1})
def test_a_signed_onenet_push_is_read_or_malformed(messages):
    body = onenet_body(messages, TOKEN)
    try:
        onenet(body)
    except SignatureError:
        pytest.fail("a push signed as OneNET signs fails to verify")
    except MalformedError:
        pass
    only_own_errors(onenet, body)


@settings(max_examples=150, deadline=None)
@given(messages=st.one_of(ctwing_messages, st.lists(ctwing_messages, max_size=3)))
@example(messages={"messageType": "dataReport", "deviceId": "d", "payload": {"smoke": float("inf")}})
def test_a_ctwing_push_is_read_or_malformed(messages):
    only_own_errors(ctwing, dumps(messages))


@settings(max_examples=150, deadline=None)
@given(events=st.one_of(webhook_events, st.lists(webhook_events, max_size=3)))
@example(events={"device": "D1", "type": "heartbeat", "at": float("nan")})
@example(events={"device": "D1", "type": "heartbeat", "at": "0001-01-01T00:00:00+23:59"})
@example(events={"device": "D1", "type": "heartbeat", "battery": 10**400})
def test_a_webhook_push_is_read_or_malformed(events):
    only_own_errors(webhook, dumps({"events": events}))


@pytest.mark.parametrize("body", [NAN_VALUE, HUGE_BATTERY, INFINITE_BATTERY, NUL_DEVICE, DEEP])
def test_bodies_that_once_crashed_the_webhook_adapter_are_malformed(body):
    with pytest.raises(MalformedError):
        webhook(body)


# --- Through ingest: signed validly, so the parser is reached; never a 500 -----------------------------

ANSWERS = {200, 400, 401, 429}
fuzz_db = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz_db
@given(events=st.one_of(webhook_events, st.lists(webhook_events, max_size=3)), detector_event=st.booleans())
@example(events={"device": "D1", "type": "heartbeat", "value": float("nan")}, detector_event=False)
@example(events={"device": "D\x00", "type": "heartbeat"}, detector_event=False)
@example(events={"device": "SIM-0001", "stream": "smoke", "value": "\x00"}, detector_event=False)
def test_a_signed_webhook_push_is_answered_without_a_server_error(webhook, webhook_detector, events, detector_event):
    if detector_event and isinstance(events, dict):
        events = {**events, "device": "SIM-0001"}
    body = dumps({"events": events})
    answer = _push(webhook, body, webhook_headers(webhook.secret, body))
    assert answer.status in ANSWERS


@fuzz_db
@given(messages=st.one_of(onenet_messages, st.lists(onenet_messages, max_size=3)))
@example(messages={"type": 1, "dev_id": 2016617, "ds_id": "smoke", "value": float("nan")})
def test_a_signed_onenet_push_is_answered_without_a_server_error(onenet, detector, messages):
    answer = _push(onenet, onenet_body(messages, onenet.secret))
    assert answer.status in ANSWERS


@fuzz_db
@given(body=st.one_of(st.binary(max_size=100), st.one_of(ctwing_messages, st.lists(ctwing_messages, max_size=3)).map(dumps)))
@example(body=DEEP)
@example(body=dumps({"messageType": "dataReport", "deviceId": "d\x00", "payload": {}}))
def test_a_ctwing_push_is_answered_without_a_server_error(ctwing, ctwing_detector, body):
    assert _push(ctwing, body).status in ANSWERS


def _push(integration_secret, body: bytes, headers: dict | None = None):
    from alarms import ingest

    integration = integration_secret.integration
    return ingest.ingest_push(
        platform=integration.platform,
        key=integration.ingest_key,
        body=body,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
