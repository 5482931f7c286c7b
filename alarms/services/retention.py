"""Pruning device deliveries and events past their retention (GB 50440: kept at least a year)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Delivery, Event


def alarm_records_prune(*, now: datetime | None = None, batch_size: int = 1000) -> dict[str, int]:
    """Delete deliveries and events received more than ALARM_RETENTION_DAYS ago, a batch per transaction.

    1. Events received before the cut-off that are processed and belong to no incident. An
       incident's events are its record of what the detectors said (Event.incident is SET_NULL,
       so deleting them would silently empty the incident's history): they stay as long as the
       incident. An event never processed stays too: the sweep still owes it its processing.
    2. Deliveries received before the cut-off that no event refers to any more (Event.delivery
       is PROTECT: a delivery whose events stay, stays with them).

    Safe to repeat and to interrupt: each batch commits on its own and a second run finds only
    what is left. Returns how many of each were deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ALARM_RETENTION_DAYS)
    events = Event.objects.filter(received_at__lt=cutoff, processed_at__isnull=False, incident__isnull=True)
    deliveries = Delivery.objects.filter(received_at__lt=cutoff, events__isnull=True)
    return {"events": _delete_in_batches(events, batch_size), "deliveries": _delete_in_batches(deliveries, batch_size)}


def _delete_in_batches(queryset, batch_size: int) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            # Re-read in each batch: the conditions are checked again by the DELETE's own WHERE,
            # so a row that changed since (an event joined to an incident meanwhile) is kept.
            pks = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
            if not pks:
                return deleted
            count, _ = queryset.filter(pk__in=pks).delete()
            deleted += count
        if len(pks) < batch_size:
            return deleted
