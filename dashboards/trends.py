"""Reads of the trends page: how the scope of an overview page (dashboards.selectors.overview_scope_get)
has moved week by week or month by month.

- Hazards found and hazards closed in each period (by ``found_at`` and ``closed_at``): the flow in
  and out of the closed loop, which the overview's rectification rate sums up for a quarter or a year.
- Grade changes: the sites graded up (to a higher colour) and down in each period, and the sites
  graded for the first time, from the grade history hazards.services.reassess_site records.
- Alarms: the incidents opened in each period (a site's fire alarms close together make one), and
  those confirmed real or false, with the false-alarm rate of those with a verdict.

Each of the three is one aggregate query grouped by PostgreSQL's date_trunc in the platform's time zone
(weeks start on Monday), so the number of queries is the same whatever the number of sites, hazards
or incidents; periods without any row are filled with zeros here. The scope is the overview's: the
same grids by id for hazards and grades, the incident list's scope for alarms, and the figures of
one scope are cached as briefly as the overview's.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Trunc
from django.utils import timezone

from accounts.models import Community, Grid, Street
from alarms.models import Incident
from alarms.selectors import _incident_scope_q as incident_scope_q
from enterprises.models import RiskColour
from hazards.models import GradeChange, Hazard
from inspections.schedules import day_start

from .selectors import OverviewScope, cache_seconds

# The periods a trend can be read by, and how many of them it shows: a year by month, half a year by week.
PERIODS = {"month": 12, "week": 26}
DEFAULT_PERIOD = "month"
CACHE_VERSION = 1


def period_starts(*, period: str, today: datetime.date, count: int | None = None) -> list[datetime.date]:
    """The first days of the last ``count`` periods up to the one holding ``today``, oldest first:
    the first of each month, or the Monday of each week (as date_trunc('week') has it)."""
    count = count or PERIODS[period]
    if period == "week":
        monday = today - datetime.timedelta(days=today.weekday())
        return [monday - datetime.timedelta(weeks=back) for back in range(count - 1, -1, -1)]
    months = today.year * 12 + today.month - 1
    return [datetime.date(month // 12, month % 12 + 1, 1) for month in range(months - count + 1, months + 1)]


def period_after(*, period: str, start: datetime.date) -> datetime.date:
    """The first day of the period after the one starting on ``start``."""
    if period == "week":
        return start + datetime.timedelta(weeks=1)
    return datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)


@dataclass(frozen=True)
class TrendRange:
    period: str
    starts: list[datetime.date]

    @property
    def start(self) -> datetime.datetime:
        return day_start(self.starts[0])

    @property
    def end(self) -> datetime.datetime:
        """The end (exclusive) of the last period, the current one."""
        return day_start(period_after(period=self.period, start=self.starts[-1]))

    def trunc(self, field: str) -> Trunc:
        """The first day of the period ``field`` falls in, as a local date (date_trunc in the platform's time zone)."""
        return Trunc(field, self.period, output_field=DateField(), tzinfo=timezone.get_current_timezone())

    def series(self, rows, key: str) -> list[int]:
        """One number per period, oldest first, from rows of {"day": first day of a period, key: number}."""
        by_day = {row["day"]: row[key] for row in rows}
        return [by_day.get(start, 0) or 0 for start in self.starts]


def trend_figures(*, scope: OverviewScope, period: str = DEFAULT_PERIOD, today: datetime.date | None = None) -> dict:
    """Every trend of one page by ``period`` ("week" or "month"), from the cache when computed less than
    the overview's cache time ago. Plain data (dates and numbers), whatever the reader's language:

    {"period", "starts": [first day of each period], "computed_at",
     "hazards": {"found": [...], "closed": [...]},
     "grades": {"up": [...], "down": [...], "first": [...]},
     "alarms": {"incidents": [...], "real": [...], "false": [...], "false_rate": [% or None, ...]}}
    """
    if period not in PERIODS:
        raise ValueError(f"not a period: {period!r}")
    now = timezone.now()
    today = today or timezone.localdate(now)
    seconds = cache_seconds()
    key = f"dashboards:trends:{CACHE_VERSION}:{scope.cache_key}:{period}:{today.isoformat()}"
    if seconds > 0:
        figures = cache.get(key)
        if figures is not None:
            return figures
    trend = TrendRange(period=period, starts=period_starts(period=period, today=today))
    # PostgreSQL's JIT compiler would take longer to compile these aggregates than to run them
    # (dashboards.selectors._compute): off for this read-only transaction alone.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        figures = {
            "period": period,
            "starts": trend.starts,
            "computed_at": now,
            "hazards": hazard_trends(scope=scope, trend=trend),
            "grades": grade_trends(scope=scope, trend=trend),
            "alarms": alarm_trends(scope=scope, trend=trend),
        }
    if seconds > 0:
        cache.set(key, figures, seconds)
    return figures


def _per_period(queryset: QuerySet, field: str, trend: TrendRange, **aggregates) -> list[dict]:
    """``queryset`` narrowed to the trend's range by ``field`` and grouped by its period: one query."""
    return list(
        queryset.filter(**{f"{field}__gte": trend.start, f"{field}__lt": trend.end})
        .order_by()
        .values(day=trend.trunc(field))
        .annotate(**aggregates)
    )


def hazard_trends(*, scope: OverviewScope, trend: TrendRange) -> dict:
    """Hazards found in each period, and hazards closed in each period whenever they were found (one query).

    One pass over the scope's hazards found or closed in the range, grouped by both periods (at most a
    period count squared of rows); a hazard found before the range and closed in it counts as closed
    only. Only a closed hazard has a closing time (the constraint hazard_closed_at_iff_closed).
    """
    in_range = Q(found_at__gte=trend.start, found_at__lt=trend.end) | Q(closed_at__gte=trend.start, closed_at__lt=trend.end)
    rows = (
        Hazard.objects.filter(scope.grid_filter("site__grid"), in_range)
        .order_by()
        .values(found_day=trend.trunc("found_at"), closed_day=trend.trunc("closed_at"))
        .annotate(n=Count("pk"))
    )
    found, closed = dict.fromkeys(trend.starts, 0), dict.fromkeys(trend.starts, 0)
    for row in rows:
        if row["found_day"] in found:
            found[row["found_day"]] += row["n"]
        if row["closed_day"] in closed:
            closed[row["closed_day"]] += row["n"]
    return {"found": list(found.values()), "closed": list(closed.values())}


def _colour_rank(field: str) -> Case:
    """A colour's height: red 4 down to blue 1; none (not graded yet) 0."""
    heights = {colour: len(RiskColour.values) - index for index, colour in enumerate(RiskColour.values)}
    return Case(
        *[When(**{field: colour}, then=Value(height)) for colour, height in heights.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def grade_trends(*, scope: OverviewScope, trend: TrendRange) -> dict:
    """The sites graded up, graded down and graded for the first time in each period (one query).

    A site counts once per period and direction however often it moved that way; a site moved up
    and back down within a period counts in both. A first grading (from no colour) is neither up nor
    down: a new street's first grading would otherwise hide every real change.
    """
    changes = GradeChange.objects.filter(scope.grid_filter("site__grid")).annotate(
        old=_colour_rank("from_colour"), new=_colour_rank("to_colour")
    )
    graded = ~Q(from_colour="")
    rows = _per_period(
        changes,
        "at",
        trend,
        up=Count("site_id", distinct=True, filter=graded & Q(new__gt=F("old"))),
        down=Count("site_id", distinct=True, filter=graded & Q(new__lt=F("old"))),
        first=Count("site_id", distinct=True, filter=Q(from_colour="")),
    )
    return {name: trend.series(rows, name) for name in ("up", "down", "first")}


def alarm_trends(*, scope: OverviewScope, trend: TrendRange) -> dict:
    """Incidents opened in each period, those confirmed real and those confirmed false, and the false-alarm
    rate of those with a verdict (one query). The incidents are those of the incident list, as on the overview
    (dashboards.selectors.alarm_figures): the sites in scope, and for a station the incidents it was sent."""
    incidents = Incident.objects.filter(incident_scope_q(user=scope.user), scope.territory_q("site__grid__"))
    # Named apart from the fields: an aggregate named "real" would shadow the field its own filter reads.
    rows = _per_period(
        incidents,
        "opened_at",
        trend,
        n_incidents=Count("pk"),
        n_real=Count("pk", filter=Q(real=True)),
        n_false=Count("pk", filter=Q(real=False)),
    )
    figures = {name: trend.series(rows, f"n_{name}") for name in ("incidents", "real", "false")}
    figures["false_rate"] = [
        round(100 * false / (real + false), 1) if real + false else None
        for real, false in zip(figures["real"], figures["false"], strict=True)
    ]
    return figures


def trend_children(*, scope: OverviewScope) -> list[tuple[str, int, str]]:
    """The units one level down, whose trends the page links to: (level, pk, name) in code order (one query);
    none below a grid."""
    grids = scope.load_grids()
    if scope.children == "street":
        units = Street.objects.filter(pk__in={street for _community, street in grids.values()})
    elif scope.children == "community":
        units = Community.objects.filter(pk__in={community for community, _street in grids.values()})
    elif scope.children == "grid":
        units = Grid.objects.filter(pk__in=list(grids))
    else:
        return []
    return [(scope.children, pk, name) for pk, name in units.order_by("code").values_list("pk", "name")]
