"""Signatures of the pushes: compared in constant time, whatever characters a push carries there, and a
webhook's only within its replay window; a bad one is a 401 and stores nothing, never a server error."""

import hmac
import json
import time

import pytest

from alarms import adapters
from alarms.models import Delivery, Event
from tests.alarms.conftest import data_point, onenet_body, push, webhook_headers, webhook_push

pytestmark = pytest.mark.django_db

FIRE = [{"id": "evt-1", "device": "SIM-0001", "type": "fire_alarm"}]


def nothing_stored() -> bool:
    return not Delivery.objects.exists() and not Event.objects.exists()


@pytest.fixture
def compared(monkeypatch):
    """Every comparison of a signature, as hmac.compare_digest saw it."""
    calls = []
    real = hmac.compare_digest

    def spy(expected, received):
        calls.append((expected, received))
        return real(expected, received)

    monkeypatch.setattr(adapters.hmac, "compare_digest", spy)
    return calls


def test_onenet_signatures_are_compared_in_constant_time(onenet, detector, compared):
    assert push(onenet, onenet_body(data_point("smoke_alarm", 1), onenet.secret)).status == 200
    assert push(onenet, onenet_body(data_point("smoke_alarm", 1, at=2), "not-the-token")).status == 401
    assert len(compared) >= 2


def test_webhook_signatures_are_compared_in_constant_time(webhook, webhook_detector, compared):
    assert webhook_push(webhook, FIRE).status == 200
    body = json.dumps({"events": FIRE}).encode()
    assert push(webhook, body, {**webhook_headers(webhook.secret, body), "X-Riskplatform-Signature": "sha256=00"}).status == 401
    assert len(compared) == 2


@pytest.mark.parametrize("signature", ["é签名", "\ud800", "sha256=\u00e9"])
def test_a_onenet_signature_of_any_characters_is_401(onenet, detector, signature):
    body = json.dumps({"msg": data_point("smoke_alarm", 1), "msg_signature": signature, "nonce": "abcdefgh"}).encode()
    assert push(onenet, body).status == 401
    assert nothing_stored()


@pytest.mark.parametrize("nonce", ["\ud800", "随机数"])
def test_a_onenet_nonce_of_any_characters_is_checked(onenet, detector, nonce):
    body = json.dumps({"msg": data_point("smoke_alarm", 1), "msg_signature": "AAAA", "nonce": nonce}).encode()
    assert push(onenet, body).status == 401
    assert nothing_stored()


def test_a_webhook_signature_of_any_characters_is_401(webhook, webhook_detector):
    body = json.dumps({"events": FIRE}).encode()
    # Header values reach the application decoded as Latin-1: any byte is a character.
    headers = {**webhook_headers(webhook.secret, body), "X-Riskplatform-Signature": "sha256=\u00e9\u00ff"}
    assert push(webhook, body, headers).status == 401
    assert nothing_stored()


@pytest.mark.parametrize("offset", [-301, 301, 3600])
def test_a_webhook_signed_too_long_before_or_after_now_is_refused(webhook, webhook_detector, offset):
    """The replay window is five minutes either side: a push captured and sent again later, or signed
    with a clock set ahead to outlast the window, is refused, however good its signature."""
    assert webhook_push(webhook, FIRE, timestamp=int(time.time()) + offset).status == 401
    assert nothing_stored()


def test_a_webhook_signed_within_the_window_is_accepted(webhook, webhook_detector):
    assert webhook_push(webhook, FIRE, timestamp=int(time.time()) - 290).status == 200
