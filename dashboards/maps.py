"""Reads of the map and the wall screen: the scope's territory outlines, its sites by risk colour,
its open incidents, and the sites that cannot be placed on the map.

The scope is the overview's (dashboards.selectors.overview_scope_get): the user's whole scope or
one street, community or grid of it, its grids read once (OverviewScope.load_grids), its sites
those of the overview's figures, its incidents those of the incident list (the alarm pipeline's
incident scope, which for a station adds the incidents it was sent). A fixed number of queries
whatever the number of sites or incidents: one per level of outline, one for the sites, one for
the incidents.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Community, Grid, Street, User
from alarms.models import Incident
from alarms.selectors import _incident_scope_q as incident_scope_q
from enterprises.models import RiskColour, Site

from .selectors import OverviewScope

LEVELS = ("street", "community", "grid")
# The order of the fields of each site in map_data's "sites" (a list each, to keep the answer small
# at a city's scope).
SITE_FIELDS = ("id", "lat", "lng", "colour", "name")
# Sites without coordinates listed by name on the map page; the count covers them all.
UNMAPPED_LIST_LIMIT = 200


def _top_level(scope: OverviewScope) -> str:
    """The highest level of outline the page draws: its own unit's; for the whole scope, the street for the
    street office and admins, the grids themselves for grid workers and stations."""
    if scope.level != "all":
        return scope.level
    user = scope.user
    if user.is_admin or user.role == User.Role.STREET_STAFF:
        return "street"
    # A grid worker looks after their grids, a station covers its grids: those are their map.
    return "grid"


def _url_maker(name: str):
    """A function making ``name``'s URL for a primary key, reversing once (the map of a city has hundreds)."""
    marker = 987654321
    path = reverse(name, args=[marker])
    head, tail = path.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def map_boundaries(*, scope: OverviewScope) -> dict:
    """A GeoJSON FeatureCollection of the outlines of the page's territories that have one, the largest
    first (so that a grid is drawn over its community), each with its level, id, name and overview link.
    One query per level drawn."""
    grids = scope.load_grids()
    ids = {
        "grid": list(grids),
        "community": sorted({community for community, _street in grids.values()}),
        "street": sorted({street for _community, street in grids.values()}),
    }
    drawn = LEVELS[LEVELS.index(_top_level(scope)) :]
    features = []
    for level in drawn:
        if level == "grid":
            rows = Grid.objects.filter(pk__in=ids["grid"], boundary__isnull=False).values_list(
                "pk", "community__name", "name", "boundary"
            )
            units = [(pk, f"{community} {name}", boundary) for pk, community, name, boundary in rows.order_by("code")]
        else:
            model = Street if level == "street" else Community
            units = (
                model.objects.filter(pk__in=ids[level], boundary__isnull=False)
                .order_by("code")
                .values_list("pk", "name", "boundary")
            )
        url = _url_maker(f"dashboards:overview-{level}")
        for pk, name, boundary in units:
            features.append(
                {
                    "type": "Feature",
                    "geometry": boundary,
                    "properties": {"level": level, "id": pk, "name": name, "url": url(pk)},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _operating_sites(scope: OverviewScope):
    # The operating sites, as the overview's colours count them: suspended and closed files are not on the map.
    return Site.objects.filter(scope.grid_filter("grid"), status=Site.Status.OPERATING)


def map_sites(*, scope: OverviewScope) -> tuple[list[list], dict]:
    """The operating sites with coordinates, each [id, latitude, longitude, colour, name] (SITE_FIELDS),
    and the counts: all operating sites, those on the map, those not, those on the map by colour
    ("none" for not graded yet). One query."""
    rows = _operating_sites(scope).order_by("pk").values_list("pk", "latitude", "longitude", "risk_colour", "name")
    sites = []
    colours = dict.fromkeys([*RiskColour.values, "none"], 0)
    total = 0
    for pk, latitude, longitude, colour, name in rows:
        total += 1
        if latitude is None or longitude is None:
            continue
        colours[colour or "none"] += 1
        sites.append([pk, float(latitude), float(longitude), colour, name])
    return sites, {"sites": total, "mapped": len(sites), "unmapped": total - len(sites), "colours": colours}


def map_unmapped_sites(*, scope: OverviewScope, limit: int = UNMAPPED_LIST_LIMIT) -> dict:
    """The operating sites the map cannot place (no latitude or longitude): how many, and the first
    ``limit`` by name with their grid. Two queries."""
    missing = _operating_sites(scope).filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
    count = missing.count()
    rows = list(
        missing.order_by("name", "pk").values("pk", "name", "address", "grid__name", "grid__community__name")[:limit]
        if count
        else []
    )
    return {"count": count, "rows": rows, "more": max(count - len(rows), 0)}


def open_incidents(*, scope: OverviewScope, limit: int | None = None) -> list[dict]:
    """The page's open incidents, the newest first, with their site's name, address and coordinates:
    those of the incident list (the overview's "open incidents") narrowed to the page's unit. One query."""
    incidents = (
        Incident.objects.filter(
            incident_scope_q(user=scope.user), scope.territory_q("site__grid__"), status__in=Incident.OPEN_STATUSES
        )
        .order_by("-opened_at", "-pk")
        .values(
            "pk",
            "status",
            "opened_at",
            "real",
            "site_id",
            "site__name",
            "site__address",
            "site__latitude",
            "site__longitude",
        )
    )
    return list(incidents[:limit] if limit else incidents)


def map_data(*, scope: OverviewScope) -> dict:
    """Everything the map draws, as JSON-ready data: the outlines, the sites and the open incidents,
    with the counts its legend shows. Five queries at most whatever the number of sites."""
    sites, counts = map_sites(scope=scope)
    incident_url = _url_maker("alarms:incident-detail")
    statuses = dict(Incident.Status.choices)
    incidents = []
    unplaced = 0
    for row in open_incidents(scope=scope):
        latitude, longitude = row["site__latitude"], row["site__longitude"]
        if latitude is None or longitude is None:
            unplaced += 1
            continue
        incidents.append(
            {
                "id": row["pk"],
                "lat": float(latitude),
                "lng": float(longitude),
                "site": row["site__name"],
                "address": row["site__address"],
                "status": row["status"],
                "status_label": str(statuses[row["status"]]),
                "opened_at": timezone.localtime(row["opened_at"]).strftime("%Y-%m-%d %H:%M"),
                "url": incident_url(row["pk"]),
            }
        )
    return {
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "boundaries": map_boundaries(scope=scope),
        "site_fields": SITE_FIELDS,
        "sites": sites,
        "incidents": incidents,
        "counts": {**counts, "incidents": len(incidents) + unplaced, "incidents_unmapped": unplaced},
    }


def map_tiles() -> dict | None:
    """The configured base map (settings MAP_TILE_*), or None: boundaries on a plain background."""
    if not settings.MAP_TILE_URL:
        return None
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
    }
