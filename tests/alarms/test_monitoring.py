"""What the health check and the metrics read of the pipeline: the oldest waiting event, events by type,
the alarm-to-console latency histogram; each one query."""

import datetime

import pytest
from django.utils import timezone

from alarms.models import Delivery, Event, Incident
from alarms.monitoring import console_latency_histogram, events_received_by_type, oldest_unprocessed_event_received_at
from alarms.services import event_process
from riskplatform.operations import CONSOLE_LATENCY_BUCKETS
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db

T0 = 1700000000000  # ms


def alarm(onenet, *, at: int = T0, ds: str = "smoke_alarm", value=1) -> Event:
    assert push(onenet, onenet_body(data_point(ds, value, at=at), onenet.secret)).status == 200
    return Event.objects.latest("pk")


def test_the_oldest_waiting_event_is_the_first_stored_and_not_processed(onenet, detector, station, django_assert_num_queries):
    first = alarm(onenet, at=T0)
    second = alarm(onenet, at=T0 + 1000)
    long_ago = timezone.now() - datetime.timedelta(seconds=90)
    Event.objects.filter(pk=first.pk).update(received_at=long_ago)

    with django_assert_num_queries(1):
        assert oldest_unprocessed_event_received_at() == long_ago

    event_process(event_id=first.pk)
    assert oldest_unprocessed_event_received_at() == second.received_at
    event_process(event_id=second.pk)
    assert oldest_unprocessed_event_received_at() is None


def test_events_are_counted_by_type_for_recent_deliveries_only(onenet, detector, django_assert_num_queries):
    alarm(onenet, at=T0)
    alarm(onenet, at=T0 + 1000)
    battery = alarm(onenet, at=T0 + 2000, ds="battery", value=80)
    # A delivery of long ago falls outside the window.
    Delivery.objects.filter(pk=battery.delivery_id).update(received_at=timezone.now() - datetime.timedelta(hours=1))

    with django_assert_num_queries(1):
        counts = events_received_by_type(since=timezone.now() - datetime.timedelta(minutes=5))

    assert counts == {"fire_alarm": 2}


def test_console_latency_is_a_cumulative_histogram_of_delivered_incidents(onenet, detector, station, django_assert_num_queries):
    opened = timezone.now() - datetime.timedelta(minutes=10)
    latencies = [0.4, 0.9, 3.0, None]  # seconds; None: not delivered yet
    for n, latency in enumerate(latencies):
        incident = event_process(event_id=alarm(onenet, at=T0 + n * 3_600_000).pk)
        delivered = opened + datetime.timedelta(seconds=latency) if latency is not None else None
        Incident.objects.filter(pk=incident.pk).update(opened_at=opened, delivered_at=delivered)
    assert Incident.objects.count() == 4

    with django_assert_num_queries(1):
        cumulative, total, seconds = console_latency_histogram(buckets=CONSOLE_LATENCY_BUCKETS)

    by_bound = dict(zip(CONSOLE_LATENCY_BUCKETS, cumulative, strict=True))
    assert (by_bound[0.25], by_bound[0.5], by_bound[1.0], by_bound[2.0], by_bound[5.0], by_bound[300.0]) == (0, 1, 2, 2, 3, 3)
    assert total == 3
    assert seconds == pytest.approx(4.3)
