"""The ingest rate limit is each integration's own: one platform flooding is answered 429 while
another's pushes, and any fire alarm, are still stored."""

import pytest

from alarms.models import Event
from tests.alarms.conftest import data_point, onenet_body, push, webhook_push

pytestmark = pytest.mark.django_db


def test_one_integrations_flood_does_not_throttle_another(settings, onenet, detector, webhook, webhook_detector):
    settings.ALARM_INGEST_RATE_PER_SECOND = 1
    assert push(onenet, onenet_body(data_point("battery", 80, at=1), onenet.secret)).status == 200
    flooded = [push(onenet, onenet_body(data_point("battery", 80, at=n), onenet.secret)).status for n in range(2, 6)]

    other = webhook_push(webhook, [{"id": "evt-1", "device": "SIM-0001", "type": "heartbeat"}])
    fire = push(onenet, onenet_body(data_point("smoke_alarm", 1, at=9), onenet.secret))

    assert flooded == [429] * 4
    assert other.status == 200 and fire.status == 200
    assert Event.objects.filter(type="fire_alarm").count() == 1
