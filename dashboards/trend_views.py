"""The trends page: hazards found and closed, grade changes and alarms week by week or month by month, for
the scope of an overview page (dashboards.selectors.overview_scope_get, 404 outside it). Thin: the figures
come from dashboards.trends; static/js/trends.js draws the charts from the page's JSON (json_script), and
every chart's numbers are a table as well.

Grid worker pages stay light (ARCHITECTURE.md): a grid worker reads the same figures as tables, without
the chart library."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User

from .selectors import OverviewScope, overview_scope_get
from .trends import DEFAULT_PERIOD, PERIODS, trend_children, trend_figures
from .views import scope_title

PERIOD_LABELS = {"month": gettext_lazy("By month"), "week": gettext_lazy("By week")}
CHILD_LABELS = {"street": gettext_lazy("Streets"), "community": gettext_lazy("Communities"), "grid": gettext_lazy("Grids")}
# Colours of the series, those of the overview's tones (static/css/dashboards.css).
RED, ORANGE, GREEN, BLUE, GREY = "#dc2626", "#f97316", "#16a34a", "#2563eb", "#64748b"


@login_required
def trends(request, level: str = "all", pk: int | None = None):
    scope = overview_scope_get(user=request.user, level=level, pk=pk)
    period = request.GET.get("period")
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    figures = trend_figures(scope=scope, period=period)
    starts = figures["starts"]
    charts = _charts(figures)
    draw = not (request.user.role == User.Role.GRID_WORKER and not request.user.is_admin)
    context = {
        "scope": scope,
        "title": scope_title(scope),
        "breadcrumb": _breadcrumb(scope),
        "overview_url": _url("overview", scope.level, getattr(scope.unit, "pk", None)),
        "figures": figures,
        "period": period,
        "periods": [(key, label, key == period) for key, label in PERIOD_LABELS.items()],
        "period_count": PERIODS[period],
        "children": [(name, _url("trends", level, pk) + _query(period)) for level, pk, name in trend_children(scope=scope)],
        "child_label": CHILD_LABELS.get(scope.children, ""),
        "charts": [_table(chart, starts, period) for chart in charts],
        "draw": draw,
        "chart_data": _chart_data(charts, starts, period) if draw else None,
    }
    return render(request, "dashboards/trends.html", context)


def _url(name: str, level: str, pk: int | None) -> str:
    if level == "all":
        return reverse(f"dashboards:{name}")
    return reverse(f"dashboards:{name}-{level}", args=[pk])


def _query(period: str) -> str:
    return "" if period == DEFAULT_PERIOD else f"?period={period}"


def _breadcrumb(scope: OverviewScope) -> list[tuple[str, str]]:
    """(label, url) of the trends of the user's whole scope and of this page's parents."""
    if scope.level == "all":
        return []
    crumbs = [(_("Trends"), reverse("dashboards:trends"))]
    for level, unit in scope.parents:
        # Only an admin's scope spans several streets; anyone else's street is their whole scope's page.
        if level == "street" and not scope.user.is_admin:
            continue
        crumbs.append((unit.name, reverse(f"dashboards:trends-{level}", args=[unit.pk])))
    return crumbs


def _charts(figures: dict) -> list[dict]:
    """Each chart: its series (drawn), and the columns of its table (the series and a few more)."""
    hazards, grades, alarms = figures["hazards"], figures["grades"], figures["alarms"]
    found = {"key": "found", "name": _("Hazards found"), "type": "bar", "color": RED, "data": hazards["found"]}
    closed = {"key": "closed", "name": _("Hazards closed"), "type": "bar", "color": GREEN, "data": hazards["closed"]}
    up = {"key": "up", "name": _("Sites graded up"), "type": "bar", "color": ORANGE, "data": grades["up"]}
    down = {"key": "down", "name": _("Sites graded down"), "type": "bar", "color": BLUE, "data": grades["down"]}
    first = {"key": "first", "name": _("Sites graded for the first time"), "data": grades["first"]}
    incidents = {"key": "incidents", "name": _("Incidents"), "type": "bar", "color": BLUE, "data": alarms["incidents"]}
    false = {"key": "false", "name": _("False alarms"), "type": "bar", "color": GREY, "data": alarms["false"]}
    real = {"key": "real", "name": _("Real fires"), "type": "bar", "color": RED, "data": alarms["real"]}
    rate = {
        "key": "false_rate",
        "name": _("False-alarm rate"),
        "type": "line",
        "color": ORANGE,
        "axis": 1,
        "suffix": "%",
        "data": alarms["false_rate"],
    }
    return [
        {
            "key": "hazards",
            "title": _("Hazards found and closed"),
            "note": _("Hazards closed in a period, whenever they were found."),
            "series": [found, closed],
            "columns": [found, closed],
        },
        {
            "key": "grades",
            "title": _("Grade changes"),
            "note": _(
                "Sites whose risk colour went up or down in the period, each counted once per direction; "
                "a first grading is counted apart."
            ),
            "series": [up, down],
            "columns": [up, down, first],
        },
        {
            "key": "alarms",
            "title": _("Alarms"),
            "note": _(
                "Incidents by when their first fire alarm came in; the false-alarm rate is of those confirmed real or false."
            ),
            "series": [incidents, false, real, rate],
            "columns": [incidents, real, false, rate],
            "axes": [_("Incidents"), "%"],
        },
    ]


def _axis_label(start: datetime.date, period: str) -> str:
    return start.strftime("%Y-%m") if period == "month" else start.strftime("%m-%d")


def _period_label(start: datetime.date, period: str) -> str:
    if period == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return _("Week of %(date)s") % {"date": date_format(start, "DATE_FORMAT")}


def _table(chart: dict, starts: list[datetime.date], period: str) -> dict:
    """A chart with its numbers as table rows, oldest period first as on the chart."""
    rows = []
    for index, start in enumerate(starts):
        cells = []
        for column in chart["columns"]:
            value = column["data"][index]
            cells.append("—" if value is None else f"{value}{column.get('suffix', '')}")
        rows.append({"label": _period_label(start, period), "cells": cells})
    return {**chart, "rows": rows}


def _chart_data(charts: list[dict], starts: list[datetime.date], period: str) -> dict:
    """What static/js/trends.js draws: the periods' axis labels and each chart's series, in the reader's language."""
    return {
        "locale": "ZH" if (get_language() or "").startswith("zh") else "EN",
        "labels": [_axis_label(start, period) for start in starts],
        "periods": [_period_label(start, period) for start in starts],
        "charts": {
            chart["key"]: {
                "axes": chart.get("axes", []),
                "series": [{key: value for key, value in series.items() if key != "key"} for series in chart["series"]],
            }
            for chart in charts
        },
    }
