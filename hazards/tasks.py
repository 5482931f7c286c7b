"""Celery tasks of hazards and risk grading: thin, idempotent, each calls a service (STYLE.md)."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def hazards_overdue_sweep_task() -> int:
    """Mark and escalate overdue hazards; running it twice changes nothing twice."""
    from .services import hazards_overdue_sweep

    return hazards_overdue_sweep()


@shared_task(acks_late=True)
def sites_grade_new_task() -> int:
    """Grade new site files (from the pages, the API or an import) with their factors from the library."""
    from .services import sites_grade_new

    return sites_grade_new()


@shared_task(acks_late=True)
def risk_events_expire_task() -> int:
    """Lower again the grades that a real fire or repeated false alarms raised, once that time is over."""
    from .services import risk_events_expire

    # Looks back a day, far beyond the ten minutes between runs, so that the runs missed while
    # the workers restarted or beat was down are caught up; reassessing a site twice records
    # nothing twice.
    return risk_events_expire(since=timezone.now() - datetime.timedelta(days=1))
