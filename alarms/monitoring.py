"""Reads of the alarm pipeline for health checks and metrics: each one query, cheap at any table size.

Used by riskplatform.operations (``/readyz``, ``/metrics``) at request or scrape time, so the
answer is the database's, whichever process asks.
"""

from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from .models import Event, Incident


def oldest_unprocessed_event_received_at() -> datetime | None:
    """When the oldest event stored but not yet processed arrived (None: none waits).

    The partial index ``event_unprocessed_idx`` answers it without reading processed events.
    """
    return Event.objects.filter(processed_at__isnull=True).order_by("received_at").values_list("received_at", flat=True).first()


def events_received_by_type(*, since: datetime) -> dict[str, int]:
    """Events by type of the deliveries received since then.

    Counted through the delivery's indexed ``received_at`` (the event's own is not indexed), so a
    scrape reads the recent rows only, however many a year of retention keeps.
    """
    rows = Event.objects.filter(delivery__received_at__gte=since).order_by().values("type").annotate(n=Count("pk"))
    return {row["type"]: row["n"] for row in rows}


def console_latency_histogram(*, buckets: list[float]) -> tuple[list[int], int, float]:
    """From the alarm to the console: how many incidents had their notice delivered within each bucket's
    seconds (cumulative, as Prometheus buckets are), how many were delivered at all, and the sum of their seconds.

    Every incident ever delivered is counted, so the figures only grow, as a Prometheus histogram's do
    (``rate()`` over any window works). Incidents are few (fire alarms), so one aggregate is cheap.
    """
    latency = ExpressionWrapper(F("delivered_at") - F("opened_at"), output_field=DurationField())
    aggregates = {f"le_{i}": Count("pk", filter=Q(latency__lte=timedelta(seconds=bound))) for i, bound in enumerate(buckets)}
    row = (
        Incident.objects.filter(delivered_at__isnull=False)
        .annotate(latency=latency)
        .aggregate(**aggregates, total=Count("pk"), seconds=Sum("latency"))
    )
    seconds = row["seconds"].total_seconds() if row["seconds"] is not None else 0.0
    return [row[f"le_{i}"] for i in range(len(buckets))], row["total"], seconds
