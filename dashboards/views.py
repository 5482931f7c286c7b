"""Pages that compose every app's part of the street's picture. Read-only; each part comes from
its app's selector and is drawn by its app's include template (ARCHITECTURE.md)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Grid, User
from accounts.selectors import user_can_edit_registry
from alarms.filters import OPEN as INCIDENTS_OPEN
from alarms.filters import DeviceFilter, IncidentFilter
from alarms.models import Device
from alarms.selectors import site_alarm_section
from enterprises.filters import NOT_GRADED, SiteFilter
from enterprises.forms import SiteDocumentForm
from enterprises.models import RiskColour, Site
from enterprises.selectors import site_file_get
from hazards.filters import HazardFilter
from hazards.models import Hazard
from hazards.selectors import site_hazard_section, site_risk_section
from inspections.selectors import site_inspection_section, user_can_manage_campaigns

from .selectors import OverviewScope, cache_seconds, overview_figures, overview_scope_get


@login_required
def site_file(request, pk: int):
    """One enterprise, one file (一企一档): the profile, documents and history of the registry,
    the site's inspections, hazards, risk grades, devices and alarms."""
    site = site_file_get(user=request.user, pk=pk)
    can_edit = user_can_edit_registry(user=request.user)
    context = {
        "site": site,
        "can_edit": can_edit,
        "document_form": SiteDocumentForm() if can_edit else None,
        "inspections": site_inspection_section(site=site, user=request.user),
        "hazards": site_hazard_section(site=site, user=request.user),
        "risk": site_risk_section(site=site, user=request.user),
        "alarms": site_alarm_section(site=site, user=request.user),
    }
    return render(request, "dashboards/site_file.html", context)


# --- The overview and its drill-down --------------------------------------------------------------------------


@login_required
def overview(request, level: str = "all", pk: int | None = None):
    """The state of the user's scope at a glance, or of one street, community or grid of it (404
    outside it): sites, hazards, rectification, inspections, alarms and devices, each figure a
    link to the list behind it; a table ranking the level below, or a grid's sites."""
    scope = overview_scope_get(user=request.user, level=level, pk=pk)
    figures = overview_figures(scope=scope)
    links = FigureLinks(scope=scope, figures=figures)
    rank = request.GET.get("rank") if request.GET.get("rank") in RANKINGS else "rate"
    context = {
        "scope": scope,
        "figures": figures,
        "title": _overview_title(scope),
        "breadcrumb": _breadcrumb(scope),
        "cache_seconds": cache_seconds(),
        "colours": links.colours(),
        "site_statuses": links.site_statuses(),
        "hazard_tiles": links.hazard_tiles(),
        "hazard_states": links.hazard_states(),
        "rectification": links.rectification(),
        "inspections": links.inspections(),
        "alarms": links.alarms(),
        "alarm_counts": links.alarm_counts(),
        "alarm_times": links.alarm_times(),
        "devices": links.devices(),
        "categories": links.categories(),
        "ranking": links.ranking(rank=rank),
        "rank": rank,
        "rankings": RANKINGS,
        "child_label": CHILD_LABELS.get(scope.children, ""),
        "site_rows": figures["site_rows"],
    }
    return render(request, "dashboards/overview.html", context)


CHILD_LABELS = {
    "street": gettext_lazy("Street"),
    "community": gettext_lazy("Community"),
    "grid": gettext_lazy("Grid"),
}
# How the ranking table can be ordered: the worst first.
RANKINGS = {
    "rate": gettext_lazy("Rectification rate"),
    "overdue": gettext_lazy("Overdue hazards"),
    "red": gettext_lazy("Red sites"),
}


def scope_title(scope: OverviewScope) -> str:
    """The scope's unit as the map, wall and trends pages name it (a grid with its community)."""
    if scope.unit is None:
        return _("All streets")
    if isinstance(scope.unit, Grid):
        return f"{scope.unit.community.name} {scope.unit.name}"
    return scope.unit.name


def _overview_title(scope: OverviewScope) -> str:
    if scope.unit is None:
        return _("All streets") if scope.children == "street" else _("Overview")
    if scope.level == "grid" or (scope.level == "all" and scope.children == "site"):
        return f"{scope.unit.community.name} {scope.unit.name}"
    return scope.unit.name


def _breadcrumb(scope: OverviewScope) -> list[tuple[str, str]]:
    """(label, url) from the user's whole scope down to this page's parent."""
    if scope.level == "all":
        return []
    crumbs = [(_("Overview"), reverse("dashboards:overview"))]
    for level, unit in scope.parents:
        # Only an admin's scope spans several streets; anyone else's street page is their overview itself.
        if level == "street" and not scope.user.is_admin:
            continue
        crumbs.append((unit.name, reverse(f"dashboards:overview-{level}", args=[unit.pk])))
    return crumbs


# --- Where each figure leads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number of the overview and the list behind it.

    ``exact`` says that the linked list holds exactly ``value`` rows: false for a rate, a time,
    or a count of something else than the list's rows (fire alarms, which the incident list
    groups into incidents), and wherever a link would carry a parameter its list does not
    know (LIST_FILTERS).
    """

    value: object
    url: str | None = None
    exact: bool = False
    label: str = ""
    tone: str = ""
    suffix: str = ""

    @property
    def html(self) -> str:
        """The figure as the page shows it: the number, a link to its list; "—" where there is none (a
        rate of nothing). ``data-count`` marks a figure its list counts exactly. Made here rather than by
        an included template: a city's page shows some three hundred figures."""
        classes = f"figure tone-{self.tone}" if self.tone else "figure"
        if self.value is None:
            return mark_safe('<span class="figure muted">—</span>')  # noqa: S308 (a constant)
        text = f"{localize(self.value)}{self.suffix}"
        if not self.url:
            return format_html('<span class="{}">{}</span>', classes, text)
        if self.exact:
            return format_html('<a href="{}" class="{}" data-count="{}">{}</a>', self.url, classes, self.value, text)
        return format_html('<a href="{}" class="{}">{}</a>', self.url, classes, text)


# The parameters each list understands: its filter set's, or its view's. A link carrying one its
# list would ignore would not be exact, and is marked so.
LIST_FILTERS = {
    "enterprises:site-list": set(SiteFilter.base_filters),
    "hazards:hazard-list": set(HazardFilter.base_filters),
    "hazards:statistics": {"year", "quarter", "by"},
    "inspections:coverage-sites": {"start", "end", "status", "grid", "community", "street"},
    "alarms:incident-list": set(IncidentFilter.base_filters),
    "alarms:device-list": set(DeviceFilter.base_filters),
}


class FigureLinks:
    """The overview's figures with their links, as the page shows them."""

    def __init__(self, *, scope: OverviewScope, figures: dict):
        self.scope = scope
        self.figures = figures
        self.territory = self._territory()
        self.may_see_coverage = user_can_manage_campaigns(user=scope.user)
        self.paths: dict[str, str] = {}

    def _territory(self) -> dict:
        """The list filter naming this page's unit; none where the user's own scope is already it."""
        scope = self.scope
        if scope.level == "all":
            return {}
        if scope.level == "street" and scope.user.role == User.Role.STREET_STAFF and not scope.user.is_admin:
            return {}
        return {scope.level: scope.unit.pk}

    def link(self, name: str, value, params: dict | None = None, *, count: bool = True, territory: dict | None = None, **extra):
        query = {**(self.territory if territory is None else territory), **(params or {})}
        query = {key: item for key, item in query.items() if item is not None and item != ""}
        if name not in self.paths:
            self.paths[name] = reverse(name)
        url = self.paths[name] + (f"?{urlencode(query)}" if query else "")
        exact = count and set(query) <= LIST_FILTERS[name]
        return Figure(value=value, url=url, exact=exact, **extra)

    # Sites

    def colours(self) -> list[Figure]:
        sites = self.figures["sites"]
        figures = [
            self.link(
                "enterprises:site-list",
                sites["by_colour"][colour],
                {"status": Site.Status.OPERATING, "risk_colour": colour},
                label=RiskColour(colour).label,
                tone=colour,
            )
            for colour in RiskColour.values
        ]
        if sites["ungraded"]:
            figures.append(
                self.link(
                    "enterprises:site-list",
                    sites["ungraded"],
                    {"status": Site.Status.OPERATING, "risk_colour": NOT_GRADED},
                    label=_("Not graded"),
                    tone="none",
                )
            )
        return figures

    def site_statuses(self) -> list[Figure]:
        sites = self.figures["sites"]
        figures = [self.link("enterprises:site-list", sites["total"], label=_("Site files"))]
        for status in Site.Status:
            figures.append(
                self.link("enterprises:site-list", sites["by_status"][status.value], {"status": status.value}, label=status.label)
            )
        return figures

    def categories(self) -> list[dict]:
        rows = []
        for category in self.figures["categories"]:
            params = {"status": Site.Status.OPERATING, "category": category["id"]}
            rows.append(
                {
                    "name": category["name"],
                    "total": self.link("enterprises:site-list", category["total"], params),
                    "colours": [
                        self.link("enterprises:site-list", category["colours"][colour], {**params, "risk_colour": colour})
                        for colour in RiskColour.values
                    ],
                }
            )
        return rows

    # Hazards

    def hazard_tiles(self) -> list[Figure]:
        hazards = self.figures["hazards"]
        major = Hazard.Level.MAJOR
        return [
            self.link("hazards:hazard-list", hazards["open"], {"open": "true"}, label=_("Open hazards")),
            self.link(
                "hazards:hazard-list",
                hazards["overdue"],
                {"overdue": "true"},
                label=_("Overdue"),
                tone="alert" if hazards["overdue"] else "",
            ),
            self.link(
                "hazards:hazard-list",
                hazards["by_level"][major],
                {"open": "true", "level": major},
                label=_("Major hazards open"),
                tone="alert" if hazards["by_level"][major] else "",
            ),
            self.link(
                "hazards:hazard-list",
                hazards["supervised"],
                {"open": "true", "level": major, "supervised": "true"},
                label=_("Major hazards under supervision"),
            ),
        ]

    def hazard_states(self) -> list[dict]:
        hazards = self.figures["hazards"]
        rows = []
        for status in Hazard.OPEN_STATUSES:
            cells = []
            for level in Hazard.Level.values:
                count = hazards["by_state"][f"{level}:{status}"]
                if status == Hazard.Status.REVIEWED and level == Hazard.Level.GENERAL:
                    cells.append(None)  # only a major hazard awaits a close-out
                else:
                    cells.append(self.link("hazards:hazard-list", count, {"status": status, "level": level}))
            total = self.link("hazards:hazard-list", hazards["by_status"][status], {"status": status})
            rows.append({"label": Hazard.Status(status).label, "status": status, "cells": cells, "total": total})
        return rows

    def rectification(self) -> list[dict]:
        hazards, year, quarter = self.figures["hazards"], self.figures["year"], self.figures["quarter"]
        by = {"all": "community", "street": "community", "community": "grid", "grid": "grid"}[self.scope.level]
        if self.scope.children == "street":
            by = "community"
        periods = [
            (_("This quarter"), hazards["quarter"], {"year": year, "quarter": quarter, "by": by}, quarter_days(year, quarter)),
            (_("This year"), hazards["year"], {"year": year, "by": by}, quarter_days(year, None)),
        ]
        rows = []
        for label, numbers, params, (first, last) in periods:
            # Found in the period, and of those the ones closed by now: the hazard list by when they were found.
            found = {"found_since": first.isoformat(), "found_until": last.isoformat()}
            rows.append(
                {
                    "label": label,
                    "rate": self.link("hazards:statistics", numbers["rate"], params, count=False, suffix="%"),
                    "found": self.link("hazards:hazard-list", numbers["found"], found),
                    "closed": self.link("hazards:hazard-list", numbers["closed"], {**found, "status": Hazard.Status.CLOSED}),
                }
            )
        return rows

    # Inspections

    def inspections(self) -> list[Figure]:
        numbers = self.figures["inspections"]
        period = {"start": numbers["start"].isoformat(), "end": numbers["end"].isoformat()}
        figures = []
        for status, label in (("due", _("Due")), ("done", _("Done")), ("overdue", _("Overdue"))):
            tone = "alert" if status == "overdue" and numbers[status] else ""
            if self.may_see_coverage:
                figures.append(
                    self.link("inspections:coverage-sites", numbers[status], {**period, "status": status}, label=label, tone=tone)
                )
            else:
                # Coverage is the street office's page; others see the figure without its list.
                figures.append(Figure(value=numbers[status], label=label, tone=tone))
        return figures

    # Alarms and devices

    def alarms(self) -> list[Figure]:
        alarms = self.figures["alarms"]
        month = {"since": self.figures["month_first"].isoformat()}
        return [
            self.link(
                "alarms:incident-list",
                alarms["open"],
                {"status": INCIDENTS_OPEN},
                label=_("Open incidents"),
                tone="alert" if alarms["open"] else "",
            ),
            self.link(
                "alarms:incident-list",
                alarms["false_rate"],
                {**month, "real": "0"},
                count=False,
                label=_("False-alarm rate this month"),
                suffix="%",
            ),
        ]

    def alarm_counts(self) -> list[dict]:
        """Fire alarms, incidents, real fires and false alarms, today and this month."""
        alarms = self.figures["alarms"]
        periods = {
            "today": {"since": self.figures["today"].isoformat()},
            "month": {"since": self.figures["month_first"].isoformat()},
        }
        rows = []
        for key, label, params in (
            ("alarms", _("Fire alarms"), {}),
            ("incidents", _("Incidents"), {}),
            ("real", _("Real fires"), {"real": "1"}),
            ("false", _("False alarms"), {"real": "0"}),
        ):
            cells = []
            for period, since in periods.items():
                value = alarms[f"{key}_{period}"]
                tone = "alert" if key == "real" and value else ""
                # Fire alarms lead to the incidents they opened or joined, which the list counts instead.
                count = key != "alarms"
                cells.append(self.link("alarms:incident-list", value, {**since, **params}, count=count, tone=tone))
            rows.append({"label": label, "cells": cells})
        return rows

    def alarm_times(self) -> list[dict]:
        alarms = self.figures["alarms"]
        month = {"since": self.figures["month_first"].isoformat()}
        rows = []
        for key, label, reached in (
            ("ack", _("Alarm to acknowledgement"), "acknowledged"),
            ("scene", _("Alarm to on scene"), "on_scene"),
        ):
            rows.append(
                {
                    "label": label,
                    "count": alarms[reached],
                    "median": self.link("alarms:incident-list", duration_text(alarms[f"{key}_p50"]), month, count=False),
                    "p95": self.link("alarms:incident-list", duration_text(alarms[f"{key}_p95"]), month, count=False),
                }
            )
        return rows

    def devices(self) -> list[Figure]:
        devices = self.figures["devices"]
        figures = [self.link("alarms:device-list", devices["total"], label=_("Detectors"))]
        tones = {
            Device.Status.OFFLINE: "alert",
            Device.Status.FAULT: "alert",
            Device.Status.TAMPER: "alert",
            Device.Status.LOW_BATTERY: "warn",
        }
        for status in Device.Status:
            count = devices["by_status"][status.value]
            figures.append(
                self.link(
                    "alarms:device-list",
                    count,
                    {"status": status.value},
                    label=status.label,
                    tone=tones.get(status.value, "") if count else "",
                )
            )
        return figures

    # The level below

    def ranking(self, *, rank: str) -> list[dict]:
        """The rows of the ranking table, the worst first by ``rank``; each figure of a row a link
        to its list narrowed to the row's unit, and the row's name to its own overview."""
        children = self.scope.children
        if children == "site":
            return []
        period = {
            "start": self.figures["inspections"]["start"].isoformat(),
            "end": self.figures["inspections"]["end"].isoformat(),
        }
        year = self.figures["year"]
        by = "community" if children in ("street", "community") else "grid"
        rows = []
        for child in self.figures["children"]:
            territory = {children: child["id"]}
            inspections = (
                self.link(
                    "inspections:coverage-sites",
                    child["inspections_overdue"],
                    {**period, "status": "overdue"},
                    territory=territory,
                )
                if self.may_see_coverage
                else Figure(value=child["inspections_overdue"])
            )
            rows.append(
                {
                    "name": child["name"],
                    "url": reverse(f"dashboards:overview-{children}", args=[child["id"]]),
                    "sites": self.link(
                        "enterprises:site-list", child["sites"], {"status": Site.Status.OPERATING}, territory=territory
                    ),
                    "red": self.link(
                        "enterprises:site-list",
                        child["red"],
                        {"status": Site.Status.OPERATING, "risk_colour": RiskColour.RED},
                        territory=territory,
                        tone="red" if child["red"] else "",
                    ),
                    "open_hazards": self.link(
                        "hazards:hazard-list", child["open_hazards"], {"open": "true"}, territory=territory
                    ),
                    "overdue_hazards": self.link(
                        "hazards:hazard-list",
                        child["overdue_hazards"],
                        {"overdue": "true"},
                        territory=territory,
                        tone="alert" if child["overdue_hazards"] else "",
                    ),
                    "rate": self.link(
                        "hazards:statistics", child["rate_year"], {"year": year, "by": by}, count=False, territory={}, suffix="%"
                    ),
                    "inspections_overdue": inspections,
                    "_sort": child,
                }
            )
        keys = {
            # The lowest rate first; a unit that found nothing this year last.
            "rate": lambda row: (
                row["_sort"]["rate_year"] is None,
                row["_sort"]["rate_year"] or 0,
                -row["_sort"]["overdue_hazards"],
            ),
            "overdue": lambda row: (-row["_sort"]["overdue_hazards"], row["_sort"]["rate_year"] or 0),
            "red": lambda row: (-row["_sort"]["red"], -row["_sort"]["overdue_hazards"]),
        }
        return sorted(rows, key=keys[rank])


def quarter_days(year: int, quarter: int | None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a quarter, or of the year (``quarter`` None): the dates of
    hazards.selectors.period_bounds, as the list's day filters take them."""
    first = datetime.date(year, 1 if quarter is None else 3 * (quarter - 1) + 1, 1)
    following = datetime.date(year + 1, 1, 1) if quarter in (None, 4) else datetime.date(year, first.month + 3, 1)
    return first, following - datetime.timedelta(days=1)


def duration_text(seconds: float | None) -> str:
    """A time span as staff read it: "45 s", "3 min 05 s", "1 h 02 min"; "—" when there is none."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
