"""Reads of the staff overview and its drill-down (street -> community -> grid -> site).

Every figure is an aggregate over the apps' models, narrowed by the apps' own scope rules
(``accounts.selectors.grid_scope_q``, and the alarm pipeline's incident scope), so that a
figure equals the count of the list it links to. The number of queries is fixed: one or two
per panel, whatever the number of sites, hazards, inspections or events (no query per site
or per row). The figures of one scope are cached briefly (``DASHBOARD_CACHE_SECONDS``,
60 s by default; 0 turns the cache off) and say when they were computed.

Who gets an overview: everyone, of their own scope. Street staff see their street and drill
down to its communities and grids; an admin sees every street; a grid worker sees their grids
(their tasks remain their start page); a station operator sees the grids their station covers,
and the incidents their station was sent. A community, grid or street outside the user's scope
answers 404.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, Extract
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Community, Grid, Street, User
from accounts.selectors import community_list, grid_list, grid_scope_q, street_list
from alarms.models import Device, Event, EventType, Incident
from alarms.selectors import _incident_scope_q as incident_scope_q
from enterprises.models import Category, RiskColour, Site
from hazards.models import Hazard
from hazards.selectors import inspection_interval_days, overdue_q, period_bounds
from inspections.models import Inspection
from inspections.schedules import day_start

# The drill-down's levels, from the top; the ranking table of a level lists the next one down.
LEVELS = ("all", "street", "community", "grid")
CHILD_OF = {"street": "community", "community": "grid", "grid": "site"}
COLOURS = tuple(RiskColour.values)  # red first
CACHE_VERSION = 1
# Above this many grids (three streets of the demo's size) a page's routine checks are read once for all its
# sites, rather than site by site (inspection_figures).
LATERAL_MAX_GRIDS = 120


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60))


# --- The scope of one page ------------------------------------------------------------------------------


@dataclass
class OverviewScope:
    """What one overview page covers: the user's scope, narrowed to a street, community or grid.

    ``children`` is the level its ranking table lists ("street", "community", "grid"), or
    "site" for a grid, whose page lists its sites.
    """

    user: User
    level: str
    unit: Street | Community | Grid | None
    children: str
    # The unit's parents, from the top, for the breadcrumb: [(level, unit), ...].
    parents: list[tuple[str, object]] = field(default_factory=list)

    # {grid id: (community id, street id)} of every grid the page covers (load_grids).
    grids: dict[int, tuple[int, int]] | None = None

    def territory_q(self, prefix: str = "") -> Q:
        """A filter on the grid reached through ``prefix`` ("grid__", "site__grid__") for this page's
        street, community or grid (nothing on the page of the whole scope)."""
        if self.level == "all":
            return Q()
        lookup = {"street": "community__street_id", "community": "community_id", "grid": "pk"}[self.level]
        return Q(**{f"{prefix}{lookup}": self.unit.pk})

    def load_grids(self) -> dict[int, tuple[int, int]]:
        """The page's grids (the user's scope and the page's unit) with their community and street, one query."""
        if self.grids is None:
            rows = Grid.objects.filter(grid_scope_q(user=self.user), self.territory_q()).values_list(
                "pk", "community_id", "community__street_id"
            )
            self.grids = {pk: (community, street) for pk, community, street in rows}
        return self.grids

    def grid_filter(self, path: str) -> Q:
        """A filter on the grid foreign key at ``path`` ("grid", "site__grid"): the page's grids by id,
        so that no query joins the territory's tables to keep to the scope; none for everything."""
        if self.level == "all" and grid_scope_q(user=self.user) == Q():
            return Q()
        return Q(**{f"{path}_id__in": list(self.load_grids())})

    def child_of(self, grid_id: int) -> int:
        """The ranking row a grid's figures add to: its street, its community, or itself."""
        community, street = self.load_grids()[grid_id]
        return {"street": street, "community": community}.get(self.children, grid_id)

    @property
    def cache_key(self) -> str:
        """The same for everyone whose scope is the same: an admin's is everything, street staff's
        their street, a station operator's their station; a grid worker's is their own grids.

        A duty officer also sees the incidents escalated to them, which are those of their own
        street's sites (the escalation goes to the street of the site), so staff share a key.
        """
        user = self.user
        if user.is_admin:
            who = "admin"
        elif user.role == User.Role.STREET_STAFF:
            who = f"street-{user.street_id}"
        elif user.role == User.Role.STATION_OPERATOR:
            who = f"station-{user.station_id}"
        else:
            who = f"user-{user.pk}"
        return f"dashboards:overview:{CACHE_VERSION}:{who}:{self.level}:{getattr(self.unit, 'pk', 0)}"


def overview_scope_get(*, user: User, level: str = "all", pk: int | None = None) -> OverviewScope:
    """The page's scope: the user's whole scope (``level`` "all"), or a street, community or grid of it.

    Raises Http404 for a unit outside the user's scope. The whole scope ranks its streets when it
    spans several, else its communities, else its grids; a single grid lists its sites.
    """
    if level == "all":
        scope = OverviewScope(user=user, level="all", unit=None, children="street")
        grids = scope.load_grids()
        if len({street for _community, street in grids.values()}) > 1:
            return scope
        if len(grids) == 1:
            scope.unit, scope.children = Grid.objects.select_related("community__street").get(pk=next(iter(grids))), "site"
            return scope
        scope.unit = Street.objects.filter(pk__in=[street for _community, street in grids.values()]).first()
        scope.children = "community" if len({community for community, _street in grids.values()}) > 1 else "grid"
        return scope
    try:
        if level == "street":
            unit = street_list(user=user).get(pk=pk)
            return OverviewScope(user=user, level=level, unit=unit, children="community")
        if level == "community":
            unit = community_list(user=user).select_related("street").get(pk=pk)
            return OverviewScope(user=user, level=level, unit=unit, children="grid", parents=[("street", unit.street)])
        if level == "grid":
            unit = grid_list(user=user).select_related("community__street").get(pk=pk)
            parents = [("street", unit.community.street), ("community", unit.community)]
            return OverviewScope(user=user, level=level, unit=unit, children="site", parents=parents)
    except (Street.DoesNotExist, Community.DoesNotExist, Grid.DoesNotExist, ValueError, TypeError):
        pass
    raise Http404(_("No such area in your scope."))


# --- The figures ---------------------------------------------------------------------------------------------


@dataclass
class Periods:
    """The periods the figures cover, in the platform's time zone."""

    today: datetime.date
    now: datetime.datetime

    @property
    def today_start(self) -> datetime.datetime:
        return day_start(self.today)

    @property
    def month_first(self) -> datetime.date:
        return self.today.replace(day=1)

    @property
    def month_start(self) -> datetime.datetime:
        return day_start(self.month_first)

    @property
    def quarter(self) -> int:
        return (self.today.month - 1) // 3 + 1


def overview_figures(*, scope: OverviewScope, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """Every figure of one overview page, from the cache when computed less than a minute ago.

    Plain data (numbers, ids, names, dates), so that it caches whatever the reader's language.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    seconds = cache_seconds()
    key = f"{scope.cache_key}:{today.isoformat()}"
    if seconds > 0:
        figures = cache.get(key)
        if figures is not None:
            return figures
    figures = _compute(scope=scope, periods=Periods(today=today, now=now))
    if seconds > 0:
        cache.set(key, figures, seconds)
    return figures


def _compute(*, scope: OverviewScope, periods: Periods) -> dict:
    """Every panel's figures, in one read-only transaction.

    PostgreSQL's JIT compiler starts on queries it estimates costly, and these aggregates over a
    city's rows are; compiling them takes longer than running them (benchmarks/dashboard.py: a
    third of the page's time), so it is off for this transaction alone.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _panels(scope=scope, periods=periods)


def _panels(*, scope: OverviewScope, periods: Periods) -> dict:
    children = _children(scope=scope)
    figures = {
        "computed_at": periods.now,
        "today": periods.today,
        "month_first": periods.month_first,
        "year": periods.today.year,
        "quarter": periods.quarter,
        "sites": site_figures(scope=scope, children=children),
        "categories": category_figures(scope=scope),
        "hazards": hazard_figures(scope=scope, periods=periods, children=children),
        "inspections": inspection_figures(
            scope=scope, start=periods.month_first, end=periods.today, today=periods.today, children=children
        ),
        "alarms": alarm_figures(scope=scope, periods=periods),
        "devices": device_figures(scope=scope),
        "children": list(children.values()),
        "site_rows": grid_site_rows(scope=scope) if scope.children == "site" else [],
    }
    return figures


def _children(*, scope: OverviewScope) -> dict[int, dict]:
    """The rows of the ranking table, in code order, each filled in by the panels' queries."""
    if scope.children == "site":
        return {}
    grids = scope.load_grids()
    if scope.children == "street":
        units = Street.objects.filter(pk__in={street for _community, street in grids.values()})
    elif scope.children == "community":
        units = Community.objects.filter(pk__in={community for community, _street in grids.values()})
    else:
        units = Grid.objects.filter(pk__in=list(grids))
    return {
        unit.pk: {
            "id": unit.pk,
            "name": unit.name,
            "sites": 0,
            "red": 0,
            "open_hazards": 0,
            "overdue_hazards": 0,
            "found_year": 0,
            "closed_year": 0,
            "rate_year": None,
            "inspections_overdue": 0,
        }
        for unit in units.order_by("code").only("pk", "name")
    }


def _rate(closed: int, found: int) -> float | None:
    """Closed of found, in % to one decimal (hazards.selectors.hazard_statistics rounds the same way)."""
    return round(100 * closed / found, 1) if found else None


# Sites ------------------------------------------------------------------------------------------------------


def site_figures(*, scope: OverviewScope, children: dict[int, dict]) -> dict:
    """Sites by status, and the operating ones by risk colour (one query).

    The colours count operating sites, the ones inspected and graded; suspended and closed
    files are counted apart. An operating site not graded yet has no colour.
    """
    rows = (
        Site.objects.filter(scope.grid_filter("grid"))
        .order_by()
        .values("status", "risk_colour", "grid_id")
        .annotate(n=Count("pk"))
    )
    by_status = dict.fromkeys(Site.Status.values, 0)
    by_colour = dict.fromkeys(COLOURS, 0)
    ungraded = 0
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["status"] != Site.Status.OPERATING:
            continue
        if row["risk_colour"]:
            by_colour[row["risk_colour"]] += row["n"]
        else:
            ungraded += row["n"]
        child = children.get(scope.child_of(row["grid_id"]))
        if child is not None:
            child["sites"] += row["n"]
            child["red"] += row["n"] if row["risk_colour"] == RiskColour.RED else 0
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "operating": by_status[Site.Status.OPERATING],
        "by_colour": by_colour,
        "ungraded": ungraded,
    }


def category_figures(*, scope: OverviewScope) -> list[dict]:
    """Operating sites per category and colour, the largest category first (one query)."""
    rows = (
        Site.objects.filter(scope.grid_filter("grid"), status=Site.Status.OPERATING)
        .order_by()
        .values("category_id", "category__name", "risk_colour")
        .annotate(n=Count("pk"))
    )
    by_category: dict[int, dict] = {}
    for row in rows:
        entry = by_category.setdefault(
            row["category_id"],
            {"id": row["category_id"], "name": row["category__name"], "total": 0, "colours": dict.fromkeys(COLOURS, 0)},
        )
        entry["total"] += row["n"]
        if row["risk_colour"]:
            entry["colours"][row["risk_colour"]] += row["n"]
    return sorted(by_category.values(), key=lambda entry: (-entry["total"], entry["name"]))


# Hazards ----------------------------------------------------------------------------------------------------


def hazard_figures(*, scope: OverviewScope, periods: Periods, children: dict[int, dict]) -> dict:
    """Open hazards by level and state, the overdue ones and the major ones listed for supervision,
    and the rectification rate of this quarter and this year (one query).

    Rectification rate, as the hazard statistics page has it (hazards.selectors.hazard_statistics):
    of the hazards found in the period, the share closed by now, in % to one decimal; none when
    nothing was found. Overdue: notified and past the deadline (hazards.selectors.overdue_q).
    """
    year_start, year_end = period_bounds(year=periods.today.year)
    quarter_start, quarter_end = period_bounds(year=periods.today.year, quarter=periods.quarter)
    is_open, closed = Q(status__in=Hazard.OPEN_STATUSES), Q(status=Hazard.Status.CLOSED)
    in_year = Q(found_at__gte=year_start, found_at__lt=year_end)
    in_quarter = Q(found_at__gte=quarter_start, found_at__lt=quarter_end)
    # The open hazards and this year's, in one pass over the scope's hazards.
    rows = (
        Hazard.objects.filter(scope.grid_filter("site__grid"), is_open | in_year)
        .order_by()
        .values("status", "level", "site__grid_id")
        .annotate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=overdue_q(today=periods.today)),
            supervised=Count("pk", filter=is_open & Q(supervised_at__isnull=False)),
            found_year=Count("pk", filter=in_year),
            closed_year=Count("pk", filter=in_year & closed),
            found_quarter=Count("pk", filter=in_quarter),
            closed_quarter=Count("pk", filter=in_quarter & closed),
        )
    )
    by_state = {(level, status): 0 for level in Hazard.Level.values for status in Hazard.OPEN_STATUSES}
    overdue = supervised = 0
    totals = {"found_year": 0, "closed_year": 0, "found_quarter": 0, "closed_quarter": 0}
    for row in rows:
        if row["status"] in Hazard.OPEN_STATUSES:
            by_state[(row["level"], row["status"])] += row["open"]
        overdue += row["overdue"]
        supervised += row["supervised"] if row["level"] == Hazard.Level.MAJOR else 0
        for name in totals:
            totals[name] += row[name]
        child = children.get(scope.child_of(row["site__grid_id"]))
        if child is not None:
            child["open_hazards"] += row["open"]
            child["overdue_hazards"] += row["overdue"]
            child["found_year"] += row["found_year"]
            child["closed_year"] += row["closed_year"]
    for child in children.values():
        child["rate_year"] = _rate(child["closed_year"], child["found_year"])

    by_status = {status: sum(by_state[(level, status)] for level in Hazard.Level.values) for status in Hazard.OPEN_STATUSES}
    by_level = {level: sum(by_state[(level, status)] for status in Hazard.OPEN_STATUSES) for level in Hazard.Level.values}
    return {
        "open": sum(by_state.values()),
        "by_state": {f"{level}:{status}": n for (level, status), n in by_state.items()},
        "by_status": by_status,
        "by_level": by_level,
        "overdue": overdue,
        "supervised": supervised,
        "quarter": {
            "found": totals["found_quarter"],
            "closed": totals["closed_quarter"],
            "rate": _rate(totals["closed_quarter"], totals["found_quarter"]),
        },
        "year": {
            "found": totals["found_year"],
            "closed": totals["closed_year"],
            "rate": _rate(totals["closed_year"], totals["found_year"]),
        },
    }


# Inspections ------------------------------------------------------------------------------------------------


def _intervals() -> list[tuple[Q, int]]:
    """(condition on a site, its inspection interval in days) for each colour and kind of category, from the
    very rule of hazards.selectors.inspection_interval_days (by colour, capped by category), so that the
    database and the coverage page can never differ."""
    kinds = (
        (Q(category__group=Category.Group.RESIDENTIAL), Category(group=Category.Group.RESIDENTIAL, code="")),
        (~Q(category__group=Category.Group.RESIDENTIAL) & Q(category__code="GG03"), Category(group="", code="GG03")),
        (~Q(category__group=Category.Group.RESIDENTIAL) & ~Q(category__code="GG03"), Category(group="", code="")),
    )
    return [
        (condition & Q(risk_colour=colour), inspection_interval_days(site=Site(risk_colour=colour, category=category)))
        for colour in ("", *COLOURS)
        for condition, category in kinds
    ]


def interval_days_case() -> Case:
    """A site's inspection interval in days, as SQL (_intervals)."""
    return Case(*[When(condition, then=Value(days)) for condition, days in _intervals()], output_field=IntegerField())


def inspection_figures(
    *, scope: OverviewScope, start: datetime.date, end: datetime.date, today: datetime.date, children: dict[int, dict]
) -> dict:
    """Operating sites due, done and overdue over [start, end], by the rules of the coverage page
    (inspections.schedules.coverage_sites), counted in the database in one query:

    - due: the next routine check, its interval (by colour and category) after the last one
      before ``start``, falls on or before ``end``; a site never checked is due from ``start``;
    - done: a routine check finished in the period;
    - overdue: due, not done, and the due date is before ``end`` + 1 day and before today.

    How, for each site:
    1. Read its routine checks from the longest interval before ``start`` to the period's end: the
       last one before ``start`` gives the due date, one in the period makes it done. A street's
       sites each read theirs through the index on (site, kind, finished_at), a few rows whatever
       the history; several streets' are read in one pass over the window and grouped by site.
    2. A site with none there was checked long ago or never. Long ago, it fell due before ``start``
       (the day before stands for its date: every test above reads it the same way while the
       period has begun by today); never, it is due from ``start``. Only these sites are looked up
       further back, for any check at all.
    The dates are the platform's local dates, as coverage_sites has them.
    """
    sites = (
        Site.objects.filter(scope.grid_filter("grid"), status=Site.Status.OPERATING)
        .order_by()
        .values(site_id=F("pk"), child=F("grid_id"), interval_days=interval_days_case())
    )
    totals = {"sites": 0, "due": 0, "done": 0, "overdue": 0, "due_done": 0}
    try:
        sites_sql, sites_params = sites.query.sql_with_params()
    except EmptyResultSet:  # a scope of nothing (a user without a street, station or grid)
        return {**totals, "start": start, "end": end, "rate": None}
    inspections = connection.ops.quote_name(Inspection._meta.db_table)
    period_start, period_end = day_start(start), day_start(end + datetime.timedelta(days=1))
    horizon = min(end + datetime.timedelta(days=1), today)
    longest = max(days for _condition, days in _intervals())
    # A period not begun yet needs the exact date of a check however old: no window then.
    window_start = day_start(start - datetime.timedelta(days=longest)) if start <= today else day_start(datetime.date(1970, 1, 1))
    routine = Inspection.Kind.ROUTINE
    checks = f"""
        SELECT {{site}}max(i.finished_at) FILTER (WHERE i.finished_at < %s) AS last_before, bool_or(i.finished_at >= %s) AS done
        FROM {inspections} i WHERE {{match}}i.kind = %s AND i.finished_at >= %s AND i.finished_at < %s {{group}}
    """  # noqa: S608 (table names from the models; every value a parameter)
    if len(scope.load_grids()) > LATERAL_MAX_GRIDS:
        # Several streets: their checks of the window are read once and grouped by site.
        grouped = checks.format(site="i.site_id, ", match="", group="GROUP BY i.site_id")
        recent = f"LEFT JOIN ({grouped}) recent ON recent.site_id = s.site_id"
    else:
        # A street or less: each site's few checks, through the index on (site, kind, finished_at).
        each = checks.format(site="", match="i.site_id = s.site_id AND ", group="")
        recent = f"LEFT JOIN LATERAL ({each}) recent ON true"
    sql = f"""
        SELECT child, count(*), count(*) FILTER (WHERE due_on <= %s), count(*) FILTER (WHERE done),
               count(*) FILTER (WHERE due_on <= %s AND NOT done AND due_on < %s),
               count(*) FILTER (WHERE due_on <= %s AND done)
        FROM (
            SELECT s.child,
                   COALESCE(
                       (recent.last_before AT TIME ZONE %s)::date + s.interval_days,
                       CASE WHEN (SELECT 1 FROM {inspections} i WHERE i.site_id = s.site_id AND i.kind = %s
                                  AND i.finished_at < %s LIMIT 1) IS NOT NULL
                            THEN %s::date - 1 ELSE %s::date END
                   ) AS due_on,
                   COALESCE(recent.done, false) AS done
            FROM ({sites_sql}) s
            {recent}
            OFFSET 0
        ) coverage
        GROUP BY child
    """  # noqa: S608 (table names from the models; every value a parameter)
    params = [
        *(end, end, horizon, end),
        *(timezone.get_current_timezone_name(), routine, window_start, start, start),
        *sites_params,
        *(period_start, period_start, routine, window_start, period_end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for child_id, sites_count, due, done, overdue, due_done in cursor.fetchall():
            for name, value in zip(totals, (sites_count, due, done, overdue, due_done), strict=True):
                totals[name] += value
            child = children.get(scope.child_of(child_id))
            if child is not None:
                child["inspections_overdue"] += overdue
    return {**totals, "start": start, "end": end, "rate": _rate(totals["due_done"], totals["due"])}


# Alarms and devices ------------------------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): a continuous percentile."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _seconds(later: str, earlier: str = "opened_at"):
    return Extract(F(later) - F(earlier), "epoch")


def _alarm_count(*, since: datetime.datetime):
    alarms = Event.objects.filter(incident=OuterRef("pk"), type=EventType.FIRE_ALARM, received_at__gte=since)
    return Coalesce(Subquery(alarms.order_by().values("incident").annotate(n=Count("pk")).values("n")), 0)


def alarm_figures(*, scope: OverviewScope, periods: Periods) -> dict:
    """Fire alarms and incidents today and this month, open incidents, the false-alarm rate and the
    median and 95th percentile times from the alarm to acknowledgement and to on-scene (one query).

    - Incidents are those of the incident list (alarms.selectors: the sites in scope, and for a
      station the incidents it was sent), by when the alarm was received (``opened_at``).
    - Fire alarms: the fire-alarm reports received, of those incidents (every fire alarm of a
      registered detector joins or opens one; an incident groups a site's alarms close together).
    - False-alarm rate: of this month's incidents with a verdict, the share confirmed false.
    - Times: over this month's incidents that reached the step, in seconds, from the alarm's
      receipt (``opened_at``), by PostgreSQL's percentile_cont.
    """
    today, month = Q(opened_at__gte=periods.today_start), Q(opened_at__gte=periods.month_start)
    # The incident list's scope (which adds, for a station, the incidents it was sent), narrowed to the page's
    # unit, and to the incidents any figure counts (open, or with an alarm this month) before the sites are joined.
    incidents = Incident.objects.filter(
        Q(status__in=Incident.OPEN_STATUSES) | month | Q(last_alarm_at__gte=periods.month_start),
        incident_scope_q(user=scope.user),
        scope.territory_q("site__grid__"),
    )
    acknowledged = month & Q(acknowledged_at__isnull=False)
    on_scene = month & Q(on_scene_at__isnull=False)
    figures = incidents.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=Incident.OPEN_STATUSES)),
        incidents_today=Count("pk", filter=today),
        incidents_month=Count("pk", filter=month),
        real_today=Count("pk", filter=today & Q(real=True)),
        real_month=Count("pk", filter=month & Q(real=True)),
        false_today=Count("pk", filter=today & Q(real=False)),
        false_month=Count("pk", filter=month & Q(real=False)),
        acknowledged=Count("pk", filter=acknowledged),
        on_scene=Count("pk", filter=on_scene),
        ack_p50=PercentileCont(_seconds("acknowledged_at"), fraction=0.5, filter=acknowledged),
        ack_p95=PercentileCont(_seconds("acknowledged_at"), fraction=0.95, filter=acknowledged),
        scene_p50=PercentileCont(_seconds("on_scene_at"), fraction=0.5, filter=on_scene),
        scene_p95=PercentileCont(_seconds("on_scene_at"), fraction=0.95, filter=on_scene),
        # Counted per incident through the index on the event's incident: the few incidents lead to their alarms.
        alarms_month=Coalesce(Sum(_alarm_count(since=periods.month_start)), 0),
        alarms_today=Coalesce(Sum(_alarm_count(since=periods.today_start)), 0),
    )
    verdicts = figures["real_month"] + figures["false_month"]
    return {**figures, "false_rate": _rate(figures["false_month"], verdicts)}


def device_figures(*, scope: OverviewScope) -> dict:
    """The scope's detectors by status, as the device list filters them: each counted once, by its
    most severe current problem (alarms.models.Device.status_for), one query."""
    rows = Device.objects.filter(scope.grid_filter("site__grid")).order_by().values("status").annotate(n=Count("pk"))
    by_status = dict.fromkeys(Device.Status.values, 0)
    for row in rows:
        by_status[row["status"]] = row["n"]
    return {"total": sum(by_status.values()), "by_status": by_status}


# A grid's sites ---------------------------------------------------------------------------------------------


def grid_site_rows(*, scope: OverviewScope) -> list[dict]:
    """The sites of a grid page with their colour, open hazards and last inspection (one query),
    the highest colour first, then the most open hazards."""
    open_hazards = (
        Hazard.objects.filter(site=OuterRef("pk"), status__in=Hazard.OPEN_STATUSES)
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    overdue_hazards = (
        Hazard.objects.filter(overdue_q(), site=OuterRef("pk")).order_by().values("site").annotate(n=Count("pk")).values("n")
    )
    last_inspection = Inspection.objects.filter(site=OuterRef("pk")).order_by("-finished_at").values("finished_at")[:1]
    colour_rank = Case(
        *[When(risk_colour=colour, then=Value(rank)) for rank, colour in enumerate(COLOURS)], default=Value(len(COLOURS))
    )
    status_rank = Case(When(status=Site.Status.OPERATING, then=Value(0)), default=Value(1))
    sites = (
        Site.objects.filter(scope.grid_filter("grid"))
        .annotate(
            open_hazards=Coalesce(Subquery(open_hazards, output_field=IntegerField()), 0),
            overdue_hazards=Coalesce(Subquery(overdue_hazards, output_field=IntegerField()), 0),
            last_inspected_at=Subquery(last_inspection),
            status_rank=status_rank,
            colour_rank=colour_rank,
        )
        .order_by("status_rank", "colour_rank", "-open_hazards", "name", "pk")
        .values(
            "pk",
            "name",
            "address",
            "status",
            "risk_colour",
            "category__name",
            "open_hazards",
            "overdue_hazards",
            "last_inspected_at",
        )
    )
    return list(sites)
