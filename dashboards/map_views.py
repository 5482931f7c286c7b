"""The map of the user's scope and the wall screen. Read-only and thin: the scope is the overview's
(dashboards.selectors.overview_scope_get, 404 outside it), the data comes from dashboards.maps and
the overview's cached figures; the pages' scripts are static/js/map.js and static/js/wall.js."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.services import user_may_import_boundaries
from alarms.models import Device, Incident
from enterprises.models import RiskColour

from .maps import map_data, map_tiles, map_unmapped_sites, open_incidents
from .selectors import OverviewScope, overview_figures, overview_scope_get
from .views import scope_title

UNIT_LEVELS = ("street", "community", "grid")
# The colours as a tile names them.
COLOUR_NAMES = {
    RiskColour.RED: gettext_lazy("Red"),
    RiskColour.ORANGE: gettext_lazy("Orange"),
    RiskColour.YELLOW: gettext_lazy("Yellow"),
    RiskColour.BLUE: gettext_lazy("Blue"),
}
# Open incidents the wall lists; the count covers them all.
WALL_INCIDENT_LIMIT = 8


def _scope(request, level: str, pk: int | None) -> OverviewScope:
    if level != "all" and level not in UNIT_LEVELS:
        raise Http404(_("No such area in your scope."))
    return overview_scope_get(user=request.user, level=level, pk=pk)


def _url(name: str, scope: OverviewScope, suffix: str = "") -> str:
    """The URL of the map, wall or their data for the same unit as ``scope``."""
    if scope.level == "all":
        return reverse(f"dashboards:{name}{suffix}")
    return reverse(f"dashboards:{name}-unit{suffix}", args=[scope.level, scope.unit.pk])


def _signed_in(view):
    """login_required, except that a polling request (htmx or the map's fetch) of a signed-out page is
    answered 401 with the sign-in page to go to, instead of a redirect whose login form would be
    swapped into a panel or read as data."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx or request.headers.get("Accept", "").startswith("application/json"):
            login = redirect_to_login(request.headers.get("HX-Current-URL") or request.get_full_path())
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login["Location"]
            return response
        return redirect_to_login(request.get_full_path())

    return wrapper


def _map_config(scope: OverviewScope, *, refresh_seconds: int = 0) -> dict:
    """What static/js/map.js needs, in the reader's language: where the data is, the base map if any, the labels."""
    return {
        "dataUrl": _url("map", scope, "-data"),
        "siteUrl": reverse("dashboards:site-file", args=[987654321]).replace("987654321", "{id}"),
        "tiles": map_tiles(),
        "refreshSeconds": refresh_seconds,
        "clusterFrom": settings.MAP_CLUSTER_FROM_SITES,
        "labels": {
            "colours": {**{colour.value: str(colour.label) for colour in RiskColour}, "none": _("Not graded")},
            "openFile": _("Open the site file"),
            "openIncident": _("Open the incident"),
            "openOverview": _("Open its overview"),
            "boundaries": _("Boundaries"),
            "sites": _("Sites"),
            "incidents": _("Open incidents"),
            "alarmAt": _("Alarm received"),
            "loadError": _("The map's data could not be read; it is tried again shortly."),
            "empty": _("Nothing of this scope can be placed on the map yet: no boundaries and no site coordinates."),
            "attributionPrefix": _("Leaflet"),
        },
    }


@require_GET
@_signed_in
def map_page(request, level: str = "all", pk: int | None = None):
    """The scope's outlines, its operating sites coloured by risk grade and its open incidents on a map,
    with the sites that have no coordinates listed apart."""
    scope = _scope(request, level, pk)
    context = {
        "scope": scope,
        "title": scope_title(scope),
        "map_config": _map_config(scope),
        "unmapped": map_unmapped_sites(scope=scope),
        "overview_url": _overview_url(scope),
        "wall_url": _url("wall", scope),
        "colours": [(colour.value, colour.label) for colour in RiskColour],
        "may_import": user_may_import_boundaries(user=request.user),
    }
    return render(request, "dashboards/map.html", context)


@require_GET
@never_cache
@_signed_in
def map_data_view(request, level: str = "all", pk: int | None = None):
    """The map's data as JSON (dashboards.maps.map_data), for the user's scope only."""
    scope = _scope(request, level, pk)
    return JsonResponse(map_data(scope=scope), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _overview_url(scope: OverviewScope) -> str:
    if scope.level == "all":
        return reverse("dashboards:overview")
    return reverse(f"dashboards:overview-{scope.level}", args=[scope.unit.pk])


# --- The wall screen ----------------------------------------------------------------------------------


def _tile(value, label: str, tone: str = "", suffix: str = "") -> dict:
    return {"value": value, "label": label, "tone": tone, "suffix": suffix}


def wall_figures(figures: dict) -> dict:
    """The overview's key figures as the wall shows them: a few large numbers per panel, alarming ones toned."""
    sites, hazards, inspections = figures["sites"], figures["hazards"], figures["inspections"]
    alarms, devices = figures["alarms"], figures["devices"]
    major = hazards["by_level"]["major"]
    colour_tiles = [_tile(sites["by_colour"][colour], COLOUR_NAMES[colour], colour) for colour in RiskColour.values]
    if sites["ungraded"]:
        colour_tiles.append(_tile(sites["ungraded"], _("Not graded"), "none"))
    by_device = devices["by_status"]
    return {
        "sites": {"operating": sites["operating"], "tiles": colour_tiles},
        "hazards": [
            _tile(hazards["open"], _("Open hazards")),
            _tile(hazards["overdue"], _("Overdue"), "alert" if hazards["overdue"] else ""),
            _tile(major, _("Major hazards open"), "alert" if major else ""),
            _tile(hazards["quarter"]["rate"], _("Rectified this quarter"), suffix="%"),
        ],
        "inspections": [
            _tile(inspections["due"], _("Due")),
            _tile(inspections["done"], _("Done")),
            _tile(inspections["overdue"], _("Overdue"), "alert" if inspections["overdue"] else ""),
        ],
        "alarms": [
            _tile(alarms["open"], _("Open incidents"), "alert" if alarms["open"] else ""),
            _tile(alarms["incidents_today"], _("Incidents today")),
            _tile(alarms["alarms_today"], _("Fire alarms today")),
            _tile(alarms["false_rate"], _("False alarms this month"), suffix="%"),
        ],
        "devices": [
            _tile(by_device[Device.Status.ONLINE], _("Online")),
            _tile(by_device[Device.Status.OFFLINE], _("Offline"), "alert" if by_device[Device.Status.OFFLINE] else ""),
            _tile(
                by_device[Device.Status.LOW_BATTERY],
                _("Low battery"),
                "warn" if by_device[Device.Status.LOW_BATTERY] else "",
            ),
            _tile(
                by_device[Device.Status.FAULT] + by_device[Device.Status.TAMPER],
                _("Fault or tamper"),
                "alert" if by_device[Device.Status.FAULT] + by_device[Device.Status.TAMPER] else "",
            ),
        ],
    }


def _wall_panels_context(request, scope: OverviewScope) -> dict:
    figures = overview_figures(scope=scope)
    incidents = open_incidents(scope=scope)
    statuses = dict(Incident.Status.choices)
    now = timezone.now()
    rows = [
        {
            **row,
            "status_label": statuses[row["status"]],
            "minutes": max(int((now - row["opened_at"]).total_seconds() // 60), 0),
        }
        for row in incidents[:WALL_INCIDENT_LIMIT]
    ]
    return {
        "scope": scope,
        "figures": figures,
        "wall": wall_figures(figures),
        "incidents": rows,
        "incident_count": len(incidents),
        "more_incidents": max(len(incidents) - WALL_INCIDENT_LIMIT, 0),
        "panels_url": _url("wall", scope, "-panels"),
        "refresh_seconds": settings.WALL_REFRESH_SECONDS,
        "incident_list_url": f"{reverse('alarms:incident-list')}?status=open",
    }


@require_GET
@_signed_in
def wall(request, level: str = "all", pk: int | None = None):
    """The wall screen of the street's leaders: the key figures, the map and the open incidents in
    large type, full screen, read again every WALL_REFRESH_SECONDS without reloading the page."""
    scope = _scope(request, level, pk)
    context = {
        **_wall_panels_context(request, scope),
        "title": scope_title(scope),
        "map_config": _map_config(scope, refresh_seconds=settings.WALL_REFRESH_SECONDS),
        "overview_url": _overview_url(scope),
        "colours": [(colour.value, colour.label) for colour in RiskColour],
    }
    return render(request, "dashboards/wall.html", context)


@require_GET
@never_cache
@_signed_in
def wall_panels(request, level: str = "all", pk: int | None = None):
    """The wall's figures and incidents as they stand, swapped in by the page's polling (htmx)."""
    scope = _scope(request, level, pk)
    return render(request, "dashboards/_wall_panels.html", _wall_panels_context(request, scope))
