"""Device deliveries and events are kept ALARM_RETENTION_DAYS (at least a year, GB 50440), then pruned
in batches; an incident's events, and the deliveries they came in, stay with the incident."""

import datetime

import pytest
from django.utils import timezone

from alarms.models import Delivery, Event
from alarms.services import alarm_records_prune, event_process
from alarms.tasks import alarm_records_prune_task
from tests.alarms.conftest import data_point, onenet_body, push

pytestmark = pytest.mark.django_db

T0 = 1700000000000  # ms


def stored(onenet, *, days_ago: int, ds: str = "battery", value=80, at: int = T0) -> Event:
    assert push(onenet, onenet_body(data_point(ds, value, at=at), onenet.secret)).status == 200
    event = Event.objects.latest("pk")
    received = timezone.now() - datetime.timedelta(days=days_ago)
    Event.objects.filter(pk=event.pk).update(received_at=received, processed_at=received)
    Delivery.objects.filter(pk=event.delivery_id).update(received_at=received)
    return event


def test_records_older_than_the_retention_are_pruned_and_younger_ones_kept(settings, onenet, detector):
    settings.ALARM_RETENTION_DAYS = 365
    old = stored(onenet, days_ago=400, at=T0)
    young = stored(onenet, days_ago=300, at=T0 + 1000)

    assert alarm_records_prune() == {"events": 1, "deliveries": 1}

    assert list(Event.objects.values_list("pk", flat=True)) == [young.pk]
    assert list(Delivery.objects.values_list("pk", flat=True)) == [young.delivery_id]
    assert not Delivery.objects.filter(pk=old.delivery_id).exists()


def test_an_incidents_events_and_their_delivery_stay(settings, onenet, detector, station):
    settings.ALARM_RETENTION_DAYS = 365
    fire = stored(onenet, days_ago=400, ds="smoke_alarm", value=1)
    Event.objects.filter(pk=fire.pk).update(processed_at=None)
    incident = event_process(event_id=fire.pk)
    Event.objects.filter(pk=fire.pk).update(received_at=timezone.now() - datetime.timedelta(days=400))

    assert alarm_records_prune() == {"events": 0, "deliveries": 0}

    assert list(incident.events.values_list("pk", flat=True)) == [fire.pk]
    assert Delivery.objects.filter(pk=fire.delivery_id).exists()


def test_an_old_event_never_processed_stays_for_the_sweep(settings, onenet, detector):
    settings.ALARM_RETENTION_DAYS = 365
    waiting = stored(onenet, days_ago=400)
    Event.objects.filter(pk=waiting.pk).update(processed_at=None)

    assert alarm_records_prune() == {"events": 0, "deliveries": 0}
    assert Event.objects.filter(pk=waiting.pk).exists()


def test_a_longer_retention_keeps_more(settings, onenet, detector):
    settings.ALARM_RETENTION_DAYS = 730
    stored(onenet, days_ago=400)

    assert alarm_records_prune() == {"events": 0, "deliveries": 0}


def test_pruning_goes_in_batches_and_a_second_run_finds_nothing(settings, onenet, detector):
    settings.ALARM_RETENTION_DAYS = 365
    for n in range(5):
        stored(onenet, days_ago=400 + n, at=T0 + n * 1000)

    assert alarm_records_prune(batch_size=2) == {"events": 5, "deliveries": 5}
    assert alarm_records_prune(batch_size=2) == {"events": 0, "deliveries": 0}
    assert not Event.objects.exists()


def test_the_periodic_task_prunes(settings, onenet, detector):
    settings.ALARM_RETENTION_DAYS = 365
    stored(onenet, days_ago=400)

    assert alarm_records_prune_task.apply().get() == {"events": 1, "deliveries": 1}
    assert settings.CELERY_BEAT_SCHEDULE["alarm-records-prune"]["task"] == alarm_records_prune_task.name
