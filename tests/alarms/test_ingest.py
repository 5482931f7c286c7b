"""Each platform's push, shaped as its documents show, through the ingest step (alarms.ingest.ingest_push).

OneNET: the HTTP push guide's examples 1-3 (one data point, a list, online/offline) and its
encrypted form; CTWing: the subscription push's dataReport, eventReport and
deviceOnlineOfflineReport examples; the webhook: ours.
"""

import base64
import json
import os
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.test import Client

from alarms import ingest
from alarms.ingest import ingest_push
from alarms.models import Delivery, Event, EventType
from alarms.services import integration_rotate
from alarms.services.setup import IntegrationSecret
from alarms.spool import spool_pending
from tests.alarms.conftest import data_point, onenet_body, onenet_signature, push, webhook_push

pytestmark = pytest.mark.django_db


def test_onenet_data_point_is_stored_as_a_fire_alarm_of_its_device(onenet, detector):
    answer = push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret))

    assert answer.status == 200
    event = Event.objects.get()
    assert (event.device, event.type, event.stream, event.value) == (detector, EventType.FIRE_ALARM, "smoke_alarm", 1)
    assert event.occurred_at.timestamp() == 1466133706.841
    assert event.delivery.outcome == Delivery.Outcome.ACCEPTED and event.delivery.verified


def test_onenet_signal_reading_alone_is_a_heartbeat_with_its_signal(onenet, detector):
    assert push(onenet, onenet_body(data_point("rssi", -87), onenet.secret)).status == 200

    event = Event.objects.get()
    assert (event.type, event.stream) == (EventType.HEARTBEAT, "rssi")
    assert event.signal == -87


def test_onenet_list_of_messages_is_one_delivery_in_one_transaction(onenet, detector):
    # Example 2 of the guide: cached data points pushed as a list.
    messages = [data_point("battery", 87, at=1466133706841), data_point("battery", 86, at=1466133706842)]

    answer = push(onenet, onenet_body(messages, onenet.secret))

    assert answer.status == 200 and answer.stored == 2
    assert Delivery.objects.count() == 1
    assert sorted(Event.objects.values_list("type", "battery")) == [("heartbeat", 86), ("heartbeat", 87)]


def test_onenet_online_offline_message(onenet, detector):
    # Example 3 of the guide: type 2 with status 0 (offline) and login_type.
    message = {"type": 2, "dev_id": 2016617, "status": 0, "login_type": 10, "at": 1466133706841}

    assert push(onenet, onenet_body(message, onenet.secret)).status == 200

    assert Event.objects.get().type == EventType.OFFLINE


def test_onenet_signature_over_the_compact_text_is_accepted_too(onenet, detector):
    # Some SDKs sign msg re-serialised compactly; the body on the wire is spaced out.
    msg = data_point("smoke_alarm", 1)
    compact = json.dumps(msg, separators=(",", ":"))
    body = json.dumps({"msg": msg, "msg_signature": onenet_signature(onenet.secret, "abcdefgh", compact), "nonce": "abcdefgh"})

    assert push(onenet, body.encode()).status == 200


def test_onenet_newer_form_with_signature_and_msg_as_a_string(onenet, detector):
    # The newer SDK reads "signature" and msg as a JSON string.
    msg = json.dumps(data_point("smoke_alarm", 1))
    body = json.dumps({"msg": msg, "signature": onenet_signature(onenet.secret, "12345678", msg), "nonce": "12345678", "time": 1})

    assert push(onenet, body.encode()).status == 200
    assert Event.objects.get().type == EventType.FIRE_ALARM


def _encrypt(message: str, encoding_aes_key: str) -> str:
    key = base64.b64decode(encoding_aes_key + "=")
    plain = os.urandom(16) + struct.pack(">I", len(message.encode())) + message.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def test_onenet_safe_mode_is_decrypted(onenet, detector):
    aes_key = base64.b64encode(b"MTIzNDU2NzgxMjM0NTY3ODEyMzQ1Njc4").decode().rstrip("=")
    onenet.integration.aes_key = aes_key
    onenet.integration.save(update_fields=["aes_key"])
    enc_msg = _encrypt(json.dumps(data_point("smoke_alarm", 1)), aes_key)
    body = json.dumps(
        {"enc_msg": enc_msg, "msg_signature": onenet_signature(onenet.secret, "abcdefgh", enc_msg), "nonce": "abcdefgh"}
    )

    assert push(onenet, body.encode()).status == 200
    assert Event.objects.get().type == EventType.FIRE_ALARM


@pytest.mark.django_db(transaction=True)
def test_onenet_url_verification_echoes_msg_only_when_signed(onenet):
    client = Client()
    url = onenet.integration.ingest_path()
    signature = onenet_signature(onenet.secret, "abcdefgh", "hello")

    good = client.get(url, {"msg": "hello", "nonce": "abcdefgh", "signature": signature})
    bad = client.get(url, {"msg": "hello", "nonce": "abcdefgh", "signature": "AAAA"})

    assert (good.status_code, good.content) == (200, b"hello")
    assert bad.status_code == 401


def test_ctwing_data_report(ctwing, ctwing_detector):
    # The dataReport example of CTWing's subscription push (payload decoded JSON).
    message = {
        "upPacketSN": -1,
        "upDataSN": -1,
        "topic": "v1/up/ad19",
        "timestamp": 1619524024049,
        "tenantId": "2000033827",
        "serviceId": 1,
        "protocol": "lwm2m",
        "productId": "15045240",
        "payload": {"smoke_state": 1, "battery_value": 90, "signal_strength": -85},
        "messageType": "dataReport",
        "deviceType": "",
        "deviceId": "d01308047f864601a821e02dc328eab4",
        "assocAssetId": "",
        "IMSI": "undefined",
        "IMEI": "161941770261953",
    }

    assert push(ctwing, json.dumps(message).encode()).status == 200

    event = Event.objects.get()
    assert (event.device, event.type, event.battery, event.signal) == (ctwing_detector, EventType.FIRE_ALARM, 90, -85)


def test_ctwing_event_report(ctwing, ctwing_detector):
    # The low-battery eventReport example of CTWing's subscription push, as it is.
    message = {
        "timestamp": 1619523767263,
        "tenantId": "2000033827",
        "serviceId": 1002,
        "protocol": "lwm2m",
        "productId": "15045240",
        "messageType": "eventReport",
        "eventType": 2,
        "eventContent": {"battery_voltage": 1, "battery_state": 1},
        "deviceSn": "",
        "deviceId": "d01308047f864601a821e02dc328eab4",
        "IMSI": "undefined",
        "IMEI": "161941770261953",
    }

    assert push(ctwing, json.dumps(message).encode()).status == 200

    assert Event.objects.get().type == EventType.LOW_BATTERY


def test_ctwing_online_offline_report(ctwing, ctwing_detector):
    message = {
        "timestamp": 1619523036482,
        "tenantId": "2000033827",
        "protocol": "lwm2m",
        "productId": "15045240",
        "messageType": "deviceOnlineOfflineReport",
        "iccid": "undefined",
        "eventType": 1,
        "deviceId": "d01308047f864601a821e02dc328eab4",
    }

    assert push(ctwing, json.dumps(message).encode()).status == 200

    assert Event.objects.get().type == EventType.ONLINE


def test_webhook_event_is_stored(webhook, webhook_detector):
    answer = webhook_push(
        webhook, [{"id": "evt-1", "device": "SIM-0001", "type": "fire_alarm", "at": 1700000000000, "battery": 80}]
    )

    assert answer.status == 200
    assert Event.objects.get().external_id == "evt-1"


def test_webhook_outside_the_replay_window_is_refused_and_nothing_stored(webhook, webhook_detector):
    answer = webhook_push(webhook, [{"id": "evt-1", "device": "SIM-0001", "type": "fire_alarm"}], timestamp=1)

    assert answer.status == 401
    assert not Delivery.objects.exists() and not Event.objects.exists()


@pytest.mark.parametrize("platform", ["onenet", "webhook"])
def test_bad_signature_is_401_and_nothing_stored(platform, onenet, webhook, detector):
    if platform == "onenet":
        answer = push(onenet, onenet_body(data_point("smoke_alarm", 1), "not-the-token"))
    else:
        body = json.dumps({"events": [{"device": "SIM-0001", "type": "fire_alarm"}]}).encode()
        answer = push(webhook, body, {"X-Riskplatform-Timestamp": "1", "X-Riskplatform-Signature": "sha256=00"})

    assert answer.status == 401
    assert not Delivery.objects.exists() and not Event.objects.exists()


def test_unknown_ingest_key_is_401(onenet):
    answer = ingest_push(
        platform="onenet", key="not-a-key", body=onenet_body(data_point("smoke_alarm", 1), onenet.secret), headers={}
    )

    assert answer.status == 401
    assert not Delivery.objects.exists()


def test_previous_secret_still_verifies_during_the_grace_period(webhook, webhook_detector):
    old = webhook.secret
    integration_rotate(integration=webhook.integration, acting_user=None)

    answer = webhook_push(
        IntegrationSecret(integration=webhook.integration, ingest_url="", secret=old), [{"device": "SIM-0001", "type": "test"}]
    )

    assert answer.status == 200


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b'{"messageType": "dataReport", "deviceId": "x", "payload": "text"}', "payload is not an object"),
        (b'{"deviceId": "x"}', "no messageType"),
    ],
)
def test_malformed_body_is_400_with_the_reason_and_the_delivery_kept(ctwing, body, reason):
    answer = push(ctwing, body)

    assert answer.status == 400 and reason in answer.detail
    delivery = Delivery.objects.get()
    assert (delivery.outcome, bytes(delivery.body)) == (Delivery.Outcome.MALFORMED, body)
    assert not Event.objects.exists()


def test_unknown_device_is_kept_and_flagged(onenet):
    answer = push(onenet, onenet_body(data_point("smoke_alarm", 1, dev_id=999), onenet.secret))

    assert answer.status == 200
    event = Event.objects.get()
    assert event.device is None and event.platform_device_id == "999"
    assert event.delivery.outcome == Delivery.Outcome.UNKNOWN_DEVICE


def test_resend_stores_no_new_event(onenet, detector):
    body = onenet_body(data_point("smoke_alarm", 1), onenet.secret)

    first, second = push(onenet, body), push(onenet, body)

    assert (first.status, second.status) == (200, 200)
    assert Event.objects.count() == 1
    assert sorted(Delivery.objects.values_list("outcome", flat=True)) == ["accepted", "duplicate"]


def test_rate_limit_answers_429_but_never_refuses_a_fire_alarm(settings, onenet, detector):
    settings.ALARM_INGEST_RATE_PER_SECOND = 1
    assert push(onenet, onenet_body(data_point("battery", 80, at=1), onenet.secret)).status == 200

    throttled = push(onenet, onenet_body(data_point("battery", 80, at=2), onenet.secret))
    fire = push(onenet, onenet_body(data_point("smoke_alarm", 1, at=3), onenet.secret))

    assert (throttled.status, fire.status) == (429, 200)
    assert sorted(Event.objects.values_list("type", flat=True)) == ["fire_alarm", "heartbeat"]


# --- The database away: pushes do not each wait for the pool's timeout ---------------------------------


def test_a_moment_after_the_database_failed_a_push_is_verified_from_memory_and_spooled_without_a_query(
    onenet, detector, django_assert_num_queries
):
    assert push(onenet, onenet_body(data_point("heartbeat", 1, at=1), onenet.secret)).status == 200  # the key in memory
    ingest.database_watch.failed()

    with django_assert_num_queries(0):
        answer = push(onenet, onenet_body(data_point("smoke_alarm", 1, at=2), onenet.secret))
        forged = push(onenet, onenet_body(data_point("smoke_alarm", 1, at=3), "not-the-secret"))

    assert answer.status == 200 and spool_pending()
    assert forged.status == 401  # the signature is still checked, against the copy in memory
    assert Delivery.objects.count() == 1


def test_after_the_pause_one_push_tries_the_database_and_its_success_ends_the_watch(onenet, detector, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ingest.time, "monotonic", lambda: clock[0])
    watch = ingest.OutageWatch()
    watch.failed()
    with watch.attempt() as tries:
        assert not tries  # within the pause
    clock[0] += watch.PAUSE
    with watch.attempt() as probe:
        with watch.attempt() as meanwhile:
            assert probe and not meanwhile  # one push at a time finds out
    with watch.attempt() as next_probe:
        assert next_probe  # the probe ended without an answer (a refused push): the next one tries
        watch.recovered()
    with watch.attempt() as tries:
        assert tries
