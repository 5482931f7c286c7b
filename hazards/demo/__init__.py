"""The demo street's history of hazards and risk grades, as the product itself would have recorded it.

``seed_hazard_history`` runs after the registry (``manage.py seed_demo``):

1. It grades every site of the street that has no colour yet (``sites_grade_new``: each
   site's risk factors from the library, then its colour), on the first day of the history.
2. Over the following weeks the street office reviews the factors: a factor the library
   gives a category but the site's file rules out (a canteen's gas where there is no
   canteen, LPG where the kitchen burns piped gas) is removed, with the reason.
3. About 130 hazards are found over the last four months, each citing a clause of the
   seeded library that applies to its site (``checklist_versions_for_site``), written as a
   grid worker writes it. More of them lie in the demo grid worker's grids. Each is moved
   through the loop by the services at the moment it happened (time-machine): found,
   notified with a deadline, rectified with photos, reviewed (a few fail and get a new
   notice), closed; some closed on the spot; some still found, notified, rectified or
   overdue today. Four are major hazards with their plans and supervision: one closed
   out, the others open, so their sites are red.
4. The hourly overdue sweep runs on every day it would have found something to do, and
   once more now, so the overdue hazards are escalated and their people notified.

Every step happens in time order across all hazards, so notice numbers, grade changes
and notifications follow one another as they would have. The plan comes from a fixed
seed and dates counted back from today: the same rows for the same date. A street that
already has hazards gets none added, so a second run adds nothing.
"""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User
from enterprises.demo import STREET_CODE
from enterprises.models import RiskColour, Site

from .. import services
from ..models import Hazard
from .plan import HISTORY_DAYS, HistoryResult, Planner

__all__ = ["HISTORY_DAYS", "HistoryResult", "history_exists", "history_start", "seed_hazard_history"]

GRID_WORKER = "gridworker"
STAFF = "staff"


def _street_sites():
    return Site.objects.filter(grid__community__street__code=STREET_CODE)


def _grade_new() -> int:
    graded = 0
    while True:
        count = services.sites_grade_new()
        graded += count
        if not count:
            return graded


def history_exists() -> bool:
    return Hazard.objects.filter(site__grid__community__street__code=STREET_CODE).exists()


def colour_counts() -> dict[str, int]:
    counts = Counter(_street_sites().values_list("risk_colour", flat=True))
    return {colour: counts.get(colour, 0) for colour in RiskColour.values}


def history_start(today: datetime.date | None = None) -> datetime.datetime:
    """The morning the history starts: the registry is loaded and graded then."""
    today = today or timezone.localdate()
    day = today - datetime.timedelta(days=HISTORY_DAYS)
    return datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=ZoneInfo(settings.TIME_ZONE))


def seed_hazard_history() -> HistoryResult:
    """Grade the demo street and give it its history of hazards (the steps are in the module's docstring).

    Nothing is added to a street that already has hazards; sites without a colour are still graded.
    """
    result = HistoryResult()
    users = {user.username: user for user in User.objects.filter(username__in=[GRID_WORKER, STAFF], is_active=True)}
    if not _street_sites().exists():
        result.skipped_reason = "no_street"
        return result
    if history_exists() or len(users) < 2:
        result.graded = _grade_new()
        result.skipped_reason = "exists" if history_exists() else "no_users"
        result.colours = colour_counts()
        return result
    today = timezone.localdate()
    # The records are written in the street office's language, whoever runs the command.
    with override(settings.LANGUAGE_CODE), transaction.atomic():
        with time_machine.travel(history_start(today), tick=False) as traveller:
            result.graded = _grade_new()
            planner = Planner(today=today, staff=users[STAFF], worker=users[GRID_WORKER])
            stories = planner.plan()
            for event in sorted(planner.events):
                traveller.move_to(event.at)
                event.run()
        # Now, in the present: the hourly sweep finds what ran out overnight.
        result.escalated = services.hazards_overdue_sweep()
    hazards = Hazard.objects.filter(pk__in=[story.hazard.pk for story in stories])
    result.created = True
    result.hazards = hazards.count()
    result.statuses = dict(Counter(hazards.values_list("status", flat=True)))
    result.major = hazards.filter(level=Hazard.Level.MAJOR).count()
    result.factors_removed = planner.removed
    result.colours = colour_counts()
    return result
