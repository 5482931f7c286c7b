"""The figures of a safety report: a street's or a community's quarter or year, in the form the
street office files it.

Read here, drawn by dashboards.report_files (the PDF and the workbook):

- units supervised: the operating sites registered by the report's date, by category and by risk
  colour as it stood then (the grade history's last change before it, or the current colour while
  the period runs), and by community (a street's report) or grid (a community's);
- grade changes in the period: raised, lowered and first graded, from one colour to another;
- routine inspections due, done and overdue over the period by the coverage page's rules
  (dashboards.selectors.inspection_figures), and the inspection visits by kind;
- hazards found in the period by level and source, those of them closed by now and the
  rectification rate (hazards.selectors.hazard_statistics has the same rule), the overdue ones,
  found and closed by month, and the major hazards open at any time in the period;
- fire alarms and incidents opened in the period, real fires and false alarms, the false-alarm
  rate and the median and 95th-percentile times to acknowledgement and to on scene.

Each part is one or two aggregate queries over the scope's grids, whatever the number of sites
(the major hazards' list is the only list of rows, and it is capped). The numbers are plain data
(numbers, names, dates), so that the PDF and the workbook show the same ones.

Only street office staff and admins request reports: staff of their own street and its communities,
admins of any street or community (accounts.selectors' scope through overview_scope_get).
"""

import datetime
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Community, Grid, User
from accounts.selectors import community_list, street_list
from alarms.models import Event, EventType, Incident
from alarms.selectors import _incident_scope_q as incident_scope_q
from enterprises.models import Category, RiskColour, Site
from hazards.models import GradeChange, Hazard
from hazards.selectors import overdue_q, period_bounds
from inspections.models import Inspection
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .models import SafetyReport
from .selectors import COLOURS, OverviewScope, PercentileCont, _rate, _seconds, inspection_figures, overview_scope_get

# The platform keeps no records from before this year; a report of an earlier one would be empty.
EARLIEST_YEAR = 2000
# The major hazards a report lists row by row; past this many it says how many more there were.
MAJOR_HAZARD_ROWS = 200
# Colour keys of the grade distribution: the four colours, red first, then the sites not graded.
UNGRADED = "none"

Progress = Callable[[int], None]


# --- Who may request, and of what -------------------------------------------------------------------------


def user_may_request_reports(*, user: User) -> bool:
    """Street office staff of a street, and admins."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_admin or (user.role == User.Role.STREET_STAFF and bool(user.street_id))


def ensure_report_requester(*, user: User) -> None:
    if not user_may_request_reports(user=user):
        raise PermissionDeniedError(_("Only street office staff may request safety reports."))


def report_unit_choices(*, user: User) -> list[tuple[str, str]]:
    """The streets and communities the user may report on, as (value, label): "street-3", "community-12";
    each street followed by its communities (two queries)."""
    if not user_may_request_reports(user=user):
        return []
    communities: dict[int, list[Community]] = {}
    for community in community_list(user=user):
        communities.setdefault(community.street_id, []).append(community)
    choices = []
    for street in street_list(user=user):
        choices.append((f"street-{street.pk}", street.name))
        for community in communities.get(street.pk, []):
            choices.append((f"community-{community.pk}", f"{street.name} · {community.name}"))
    return choices


def report_scope_get(*, user: User, street_id: int, community_id: int | None = None) -> OverviewScope:
    """The scope of a report of a street, or of one of its communities, that ``user`` may request.

    Raises PermissionDeniedError for anyone but street office staff and admins, and NotFoundError
    for a street or community outside the user's scope (staff of another street among them).
    """
    ensure_report_requester(user=user)
    try:
        if community_id:
            scope = overview_scope_get(user=user, level="community", pk=community_id)
            if scope.unit.street_id != street_id:
                raise Http404
        else:
            scope = overview_scope_get(user=user, level="street", pk=street_id)
    except Http404:
        raise NotFoundError(_("No such street or community in your scope.")) from None
    return scope


# --- The period --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A year, or one of its quarters, in the platform's time zone."""

    year: int
    quarter: int | None = None

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Its start and end (exclusive), as hazards.selectors.period_bounds has them."""
        return period_bounds(year=self.year, quarter=self.quarter)

    @property
    def first_day(self) -> datetime.date:
        return self.bounds[0].date()

    @property
    def last_day(self) -> datetime.date:
        return self.bounds[1].date() - datetime.timedelta(days=1)

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each of its months."""
        first = self.first_day.month
        return [datetime.date(self.year, month, 1) for month in range(first, first + (3 if self.quarter else 12))]

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}
        return _("Year %(year)d") % {"year": self.year}


def report_period_get(*, year, quarter=None, today: datetime.date | None = None) -> ReportPeriod:
    """A period a report may cover: a year from EARLIEST_YEAR on, whole or one of its quarters (1 to 4),
    begun by today. Raises ApplicationError naming the field (``year`` or ``quarter``) otherwise."""
    today = today or timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        message = _("Enter a year as a number, such as %(year)d.") % {"year": today.year}
        raise ApplicationError(message, field_errors={"year": [message]}) from None
    if quarter in (None, ""):
        quarter = None
    else:
        try:
            quarter = int(quarter)
        except (TypeError, ValueError):
            quarter = 0
        if not 1 <= quarter <= 4:
            message = _("There are four quarters: choose one from 1 to 4, or the whole year.")
            raise ApplicationError(message, field_errors={"quarter": [message]})
    if year < EARLIEST_YEAR:
        message = _("Choose a year from %(earliest)d on.") % {"earliest": EARLIEST_YEAR}
        raise ApplicationError(message, field_errors={"year": [message]})
    if year > today.year:
        message = _("The year %(year)d has not begun yet; choose %(current)d or an earlier year.") % {
            "year": year,
            "current": today.year,
        }
        raise ApplicationError(message, field_errors={"year": [message]})
    period = ReportPeriod(year=year, quarter=quarter)
    if period.first_day > today:
        message = _("Quarter %(quarter)d of %(year)d has not begun yet; it begins on %(day)s.") % {
            "quarter": quarter,
            "year": year,
            "day": period.first_day.isoformat(),
        }
        raise ApplicationError(message, field_errors={"quarter": [message]})
    return period


# --- The figures -------------------------------------------------------------------------------------------


def _no_progress(percent: int) -> None:
    return None


@contextmanager
def _reading():
    """One part's queries in a read-only transaction without PostgreSQL's JIT compiler, which takes longer
    to compile these aggregates than to run them (dashboards.selectors._compute). Each part commits before
    the build reports its progress, so that the progress is seen while the next part runs."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def safety_report_figures(
    *, scope: OverviewScope, period: ReportPeriod, now: datetime.datetime | None = None, progress: Progress | None = None
) -> dict:
    """Every table of a report of ``scope`` (a street or community) over ``period``; ``progress(percent)``
    is called after each part, from 10 to 80 (the rest is the drawing and storing of the file)."""
    progress = progress or _no_progress
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = period.bounds
    # What the report counts "as at": the period's end, or now while it runs.
    as_at = min(end, now)
    units = _units(scope=scope)
    figures = {
        "scope": _scope_names(scope),
        "period": {
            "year": period.year,
            "quarter": period.quarter,
            "label": period.label,
            "first_day": period.first_day,
            "last_day": period.last_day,
            "as_at": timezone.localtime(as_at) if as_at < end else None,
            "complete": end <= now,
        },
        "unit_level": scope.children,
        "generated_at": timezone.localtime(now),
    }
    parts = (
        ("sites", lambda: _site_figures(scope=scope, units=units, as_at=as_at, now=now)),
        ("grade_changes", lambda: _grade_changes(scope=scope, start=start, as_at=as_at)),
        ("inspections", lambda: _inspections(scope=scope, period=period, units=units, today=today)),
        ("hazards", lambda: _hazards(scope=scope, period=period, units=units, today=today)),
        ("major_hazards", lambda: _major_hazards(scope=scope, start=start, end=end)),
        ("alarms", lambda: _alarms(scope=scope, period=period, units=units)),
    )
    for number, (name, read) in enumerate(parts, start=1):
        with _reading():
            figures[name] = read()
        progress(10 + 70 * number // len(parts))
    for unit in units.values():
        unit["hazard_rate"] = _rate(unit["hazards_closed"], unit["hazards_found"])
        unit["false_rate"] = _rate(unit["false"], unit["real"] + unit["false"])
    figures["units"] = list(units.values())
    figures["unit_totals"] = _totals(figures["units"])
    figures["summary"] = _summary(figures)
    return figures


def _scope_names(scope: OverviewScope) -> dict:
    if scope.level == "community":
        return {"level": "community", "street": scope.unit.street.name, "community": scope.unit.name}
    return {"level": "street", "street": scope.unit.name, "community": ""}


UNIT_COUNTERS = (
    "sites",
    "red",
    "hazards_found",
    "hazards_closed",
    "hazards_major",
    "hazards_overdue",
    "inspections_done",
    "inspections_overdue",
    "incidents",
    "real",
    "false",
)


def _units(*, scope: OverviewScope) -> dict[int, dict]:
    """The rows of the table by community (a street's report) or grid (a community's), in code order."""
    grids = scope.load_grids()
    if scope.children == "community":
        rows = Community.objects.filter(pk__in={community for community, _street in grids.values()})
    else:
        rows = Grid.objects.filter(pk__in=list(grids))
    return {unit.pk: {"id": unit.pk, "name": unit.name, **dict.fromkeys(UNIT_COUNTERS, 0)} for unit in rows.order_by("code")}


def _totals(rows: list[dict]) -> dict:
    totals = {name: sum(row[name] for row in rows) for name in UNIT_COUNTERS}
    totals["hazard_rate"] = _rate(totals["hazards_closed"], totals["hazards_found"])
    totals["false_rate"] = _rate(totals["false"], totals["real"] + totals["false"])
    return totals


# Sites and grades ----------------------------------------------------------------------------------------


def _colour_at(as_at: datetime.datetime, now: datetime.datetime):
    """A site's colour at ``as_at``: its current one while the period runs, else the colour its last grade
    change before then gave it (through the index on the change's site and time); "" when not graded then."""
    if as_at >= now:
        return F("risk_colour")
    last = GradeChange.objects.filter(site=OuterRef("pk"), at__lt=as_at).order_by("-at", "-pk").values("to_colour")[:1]
    return Coalesce(Subquery(last), Value(""))


def _site_figures(*, scope: OverviewScope, units: dict[int, dict], as_at: datetime.datetime, now: datetime.datetime) -> dict:
    """Operating sites registered by ``as_at`` by category, grid and colour at ``as_at`` (one query)."""
    # While the period runs, every site registered by now; afterwards, those registered before its end.
    registered = Q() if as_at >= now else Q(created_at__lt=as_at)
    rows = (
        Site.objects.filter(scope.grid_filter("grid"), registered, status=Site.Status.OPERATING)
        .order_by()
        .annotate(colour=_colour_at(as_at, now))
        .values("category_id", "category__code", "category__name", "category__group", "grid_id", "colour")
        .annotate(n=Count("pk"))
    )
    keys = (*COLOURS, UNGRADED)
    by_colour = dict.fromkeys(keys, 0)
    categories: dict[int, dict] = {}
    for row in rows:
        colour = row["colour"] or UNGRADED
        by_colour[colour] += row["n"]
        category = categories.setdefault(
            row["category_id"],
            {
                "code": row["category__code"],
                "name": row["category__name"],
                "group": str(Category.Group(row["category__group"]).label) if row["category__group"] else "",
                "total": 0,
                "colours": dict.fromkeys(keys, 0),
            },
        )
        category["total"] += row["n"]
        category["colours"][colour] += row["n"]
        unit = units.get(scope.child_of(row["grid_id"]))
        if unit is not None:
            unit["sites"] += row["n"]
            unit["red"] += row["n"] if colour == RiskColour.RED else 0
    total = sum(by_colour.values())
    category_rows = sorted(categories.values(), key=lambda row: row["code"])
    return {
        "total": total,
        "by_colour": by_colour,
        "shares": {colour: _rate(count, total) for colour, count in by_colour.items()},
        "categories": category_rows,
        "category_totals": {"total": total, "colours": by_colour},
    }


def _grade_changes(*, scope: OverviewScope, start: datetime.datetime, as_at: datetime.datetime) -> dict:
    """The sites' grade changes in the period, from each colour to each (one query): raised to a colour of
    higher risk, lowered, or first graded (from no colour)."""
    rows = (
        GradeChange.objects.filter(scope.grid_filter("site__grid"), at__gte=start, at__lt=as_at)
        .order_by()
        .values("from_colour", "to_colour")
        .annotate(n=Count("pk"))
    )
    rank = {colour: index for index, colour in enumerate(COLOURS)}  # red first: a lower rank is a higher risk
    matrix = {source: dict.fromkeys(COLOURS, 0) for source in (*COLOURS, UNGRADED)}
    raised = lowered = first = 0
    for row in rows:
        source, target = row["from_colour"] or UNGRADED, row["to_colour"]
        if target not in rank:
            continue
        matrix[source][target] += row["n"]
        if source == UNGRADED:
            first += row["n"]
        elif rank[target] < rank[source]:
            raised += row["n"]
        elif rank[target] > rank[source]:
            lowered += row["n"]
    return {
        "total": raised + lowered + first,
        "raised": raised,
        "lowered": lowered,
        "first": first,
        "matrix": [{"from": source, "to": matrix[source], "total": sum(matrix[source].values())} for source in matrix],
        "to_totals": {target: sum(matrix[source][target] for source in matrix) for target in COLOURS},
    }


# Inspections ------------------------------------------------------------------------------------------------


def _inspections(*, scope: OverviewScope, period: ReportPeriod, units: dict[int, dict], today: datetime.date) -> dict:
    """Routine inspections due, done and overdue over the period (to today while it runs), by the coverage
    page's rules; and the inspection visits of the period by kind (two queries)."""
    coverage = inspection_figures(
        scope=scope, start=period.first_day, end=min(period.last_day, today), today=today, children=units
    )
    start, end = period.bounds
    rows = (
        Inspection.objects.filter(scope.grid_filter("site__grid"), finished_at__gte=start, finished_at__lt=end)
        .order_by()
        .values("kind", "site__grid_id")
        .annotate(n=Count("pk"))
    )
    by_kind = dict.fromkeys(Inspection.Kind.values, 0)
    for row in rows:
        by_kind[row["kind"]] += row["n"]
        unit = units.get(scope.child_of(row["site__grid_id"]))
        if unit is not None:
            unit["inspections_done"] += row["n"]
    return {
        "sites": coverage["sites"],
        "due": coverage["due"],
        "done": coverage["done"],
        "overdue": coverage["overdue"],
        "rate": coverage["rate"],
        "start": coverage["start"],
        "end": coverage["end"],
        "visits": sum(by_kind.values()),
        "by_kind": [{"kind": kind, "label": str(Inspection.Kind(kind).label), "count": count} for kind, count in by_kind.items()],
    }


# Hazards ------------------------------------------------------------------------------------------------------


def _hazards(*, scope: OverviewScope, period: ReportPeriod, units: dict[int, dict], today: datetime.date) -> dict:
    """Hazards found in the period by level and source, those closed by now, the overdue ones; and found and
    closed by month (three queries).

    The rectification rate is hazards.selectors.hazard_statistics's: of the hazards found in the period,
    the share closed by now. By month, "closed" counts the hazards closed in that month, whenever found.
    """
    start, end = period.bounds
    found_in_period = Q(found_at__gte=start, found_at__lt=end)
    closed = Q(status=Hazard.Status.CLOSED)
    rows = (
        Hazard.objects.filter(scope.grid_filter("site__grid"), found_in_period)
        .order_by()
        .values("level", "source", "site__grid_id")
        .annotate(
            found=Count("pk"),
            closed=Count("pk", filter=closed),
            overdue=Count("pk", filter=overdue_q(today=today)),
            supervised=Count("pk", filter=Q(supervised_at__isnull=False)),
        )
    )
    empty = {"found": 0, "closed": 0, "overdue": 0, "supervised": 0}
    by_level = {level: dict(empty) for level in Hazard.Level.values}
    by_source = {source: dict(empty) for source in Hazard.Source.values}
    for row in rows:
        for counts in (by_level[row["level"]], by_source[row["source"]]):
            for name in empty:
                counts[name] += row[name]
        unit = units.get(scope.child_of(row["site__grid_id"]))
        if unit is not None:
            unit["hazards_found"] += row["found"]
            unit["hazards_closed"] += row["closed"]
            unit["hazards_overdue"] += row["overdue"]
            unit["hazards_major"] += row["found"] if row["level"] == Hazard.Level.MAJOR else 0

    def line(key: str, label: str, counts: dict) -> dict:
        return {
            "key": key,
            "label": label,
            **counts,
            "open": counts["found"] - counts["closed"],
            "rate": _rate(counts["closed"], counts["found"]),
        }

    totals = {name: sum(counts[name] for counts in by_level.values()) for name in empty}
    months = {month: {"month": month, "found": 0, "closed": 0} for month in period.months}
    hazards = Hazard.objects.filter(scope.grid_filter("site__grid")).order_by()
    found_by_month = (
        hazards.filter(found_in_period).annotate(month=TruncMonth("found_at")).values("month").annotate(n=Count("pk"))
    )
    closed_by_month = (
        hazards.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    for name, counts in (("found", found_by_month), ("closed", closed_by_month)):
        for row in counts:
            months[timezone.localtime(row["month"]).date()][name] += row["n"]
    month_rows = [{**row, "label": month_label(row["month"])} for row in months.values()]
    return {
        **line("total", _("Total"), totals),
        "by_level": [line(level, str(Hazard.Level(level).label), counts) for level, counts in by_level.items()],
        "by_source": [line(source, str(Hazard.Source(source).label), counts) for source, counts in by_source.items()],
        "months": month_rows,
        "month_totals": {
            "found": sum(row["found"] for row in month_rows),
            "closed": sum(row["closed"] for row in month_rows),
        },
    }


def month_label(month: datetime.date) -> str:
    return _("Month %(month)d") % {"month": month.month}


def _major_hazards(*, scope: OverviewScope, start: datetime.datetime, end: datetime.datetime) -> dict:
    """The major hazards open at any time in the period: found in it, or found before and not closed by
    its start; the first MAJOR_HAZARD_ROWS by when found, and how many there were (two queries)."""
    hazards = Hazard.objects.filter(
        Q(found_at__gte=start) | Q(closed_at__isnull=True) | Q(closed_at__gte=start),
        scope.grid_filter("site__grid"),
        level=Hazard.Level.MAJOR,
        found_at__lt=end,
    )
    rows = [
        {
            "site": hazard.site.name,
            "unit": f"{hazard.site.grid.community.name} {hazard.site.grid.name}",
            "description": hazard.description,
            "found_at": timezone.localtime(hazard.found_at).date(),
            "status": str(hazard.get_status_display()),
            "is_open": hazard.is_open,
            "supervised_at": timezone.localtime(hazard.supervised_at).date() if hazard.supervised_at else None,
            "closed_at": timezone.localtime(hazard.closed_at).date() if hazard.closed_at else None,
            "deadline": hazard.deadline,
        }
        for hazard in hazards.select_related("site__grid__community").order_by("found_at", "pk")[:MAJOR_HAZARD_ROWS]
    ]
    count = len(rows) if len(rows) < MAJOR_HAZARD_ROWS else hazards.count()
    return {"rows": rows, "count": count, "more": count - len(rows)}


# Alarms -------------------------------------------------------------------------------------------------------


def _alarms(*, scope: OverviewScope, period: ReportPeriod, units: dict[int, dict]) -> dict:
    """Incidents opened in the period at the scope's sites, their fire alarms, real fires and false alarms by
    unit and by month, and the response times (three queries).

    Incidents are those of the incident list (alarms.selectors) at the report's sites. Fire alarms: the
    fire-alarm reports of those incidents. False-alarm rate: of the incidents with a verdict, the share
    confirmed false. Times, over the incidents that reached the step: from the alarm's receipt
    (``opened_at``), by PostgreSQL's percentile_cont.
    """
    start, end = period.bounds
    incidents = Incident.objects.filter(
        incident_scope_q(user=scope.user), scope.territory_q("site__grid__"), opened_at__gte=start, opened_at__lt=end
    ).order_by()
    events = Event.objects.filter(incident=OuterRef("pk"), type=EventType.FIRE_ALARM).order_by().values("incident")
    alarm_count = Coalesce(Subquery(events.annotate(n=Count("pk")).values("n")), 0)
    # Named apart from the incident's own field "real", which an annotation of that name would hide.
    annotations = {
        "n_incidents": Count("pk"),
        "n_real": Count("pk", filter=Q(real=True)),
        "n_false": Count("pk", filter=Q(real=False)),
        "n_alarms": Coalesce(Sum(alarm_count), 0),
    }
    counts = ("incidents", "real", "false", "alarms")
    totals = dict.fromkeys(counts, 0)
    for row in incidents.values("site__grid_id").annotate(**annotations):
        for name in counts:
            totals[name] += row[f"n_{name}"]
        unit = units.get(scope.child_of(row["site__grid_id"]))
        if unit is not None:
            for name in ("incidents", "real", "false"):
                unit[name] += row[f"n_{name}"]
    months = {month: {"month": month, **dict.fromkeys(counts, 0)} for month in period.months}
    for row in incidents.annotate(month=TruncMonth("opened_at")).values("month").annotate(**annotations):
        months[timezone.localtime(row["month"]).date()].update({name: row[f"n_{name}"] for name in counts})
    acknowledged, on_scene = Q(acknowledged_at__isnull=False), Q(on_scene_at__isnull=False)
    times = incidents.aggregate(
        acknowledged=Count("pk", filter=acknowledged),
        on_scene=Count("pk", filter=on_scene),
        ack_p50=PercentileCont(_seconds("acknowledged_at"), fraction=0.5, filter=acknowledged),
        ack_p95=PercentileCont(_seconds("acknowledged_at"), fraction=0.95, filter=acknowledged),
        scene_p50=PercentileCont(_seconds("on_scene_at"), fraction=0.5, filter=on_scene),
        scene_p95=PercentileCont(_seconds("on_scene_at"), fraction=0.95, filter=on_scene),
    )
    month_rows = [{**row, "label": month_label(row["month"])} for row in months.values()]
    return {
        **totals,
        "unconfirmed": totals["incidents"] - totals["real"] - totals["false"],
        "false_rate": _rate(totals["false"], totals["real"] + totals["false"]),
        **times,
        "months": month_rows,
        "month_totals": {name: sum(row[name] for row in month_rows) for name in counts},
    }


# The summary --------------------------------------------------------------------------------------------------


SUMMARY_LINES = (
    ("sites", gettext_lazy("Units supervised (operating sites)"), ""),
    ("red", gettext_lazy("Red (major risk) sites"), ""),
    ("inspection_visits", gettext_lazy("Inspection visits"), ""),
    ("inspection_rate", gettext_lazy("Routine inspections done on time, of those due"), "%"),
    ("inspections_overdue", gettext_lazy("Routine inspections overdue"), ""),
    ("hazards_found", gettext_lazy("Hazards found"), ""),
    ("hazards_closed", gettext_lazy("Of them closed"), ""),
    ("hazard_rate", gettext_lazy("Rectification rate"), "%"),
    ("major_found", gettext_lazy("Major hazards found"), ""),
    ("hazards_overdue", gettext_lazy("Of them past their deadline, not rectified"), ""),
    ("alarms", gettext_lazy("Fire alarms"), ""),
    ("incidents", gettext_lazy("Incidents"), ""),
    ("real", gettext_lazy("Real fires"), ""),
    ("false", gettext_lazy("False alarms"), ""),
    ("false_rate", gettext_lazy("False-alarm rate"), "%"),
)


def _summary(figures: dict) -> list[dict]:
    """The report's key figures, in the order the office reads them out."""
    hazards, alarms = figures["hazards"], figures["alarms"]
    major = next(row for row in hazards["by_level"] if row["key"] == Hazard.Level.MAJOR)
    values = {
        "sites": figures["sites"]["total"],
        "red": figures["sites"]["by_colour"][RiskColour.RED],
        "inspection_visits": figures["inspections"]["visits"],
        "inspection_rate": figures["inspections"]["rate"],
        "inspections_overdue": figures["inspections"]["overdue"],
        "hazards_found": hazards["found"],
        "hazards_closed": hazards["closed"],
        "hazard_rate": hazards["rate"],
        "major_found": major["found"],
        "hazards_overdue": hazards["overdue"],
        "alarms": alarms["alarms"],
        "incidents": alarms["incidents"],
        "real": alarms["real"],
        "false": alarms["false"],
        "false_rate": alarms["false_rate"],
    }
    return [{"key": key, "label": str(label), "value": values[key], "suffix": suffix} for key, label, suffix in SUMMARY_LINES]


# --- Reports requested -------------------------------------------------------------------------------------


def safety_report_list(*, user: User):
    """The reports the user requested, newest first."""
    return SafetyReport.objects.filter(requested_by=user.pk).select_related("street", "community")


def safety_report_get_for_user(*, user: User, pk) -> SafetyReport:
    """A report of a street or community the user may report on (a colleague's too), or NotFoundError."""
    if user_may_request_reports(user=user):
        streets = street_list(user=user).values("pk")
        try:
            return SafetyReport.objects.select_related("street", "community", "requested_by").get(pk=pk, street__in=streets)
        except (SafetyReport.DoesNotExist, ValueError, TypeError):
            pass
    raise NotFoundError(_("No such report."))
