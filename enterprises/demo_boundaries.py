"""Outlines of the demo street's territory, so that the demo's map shows the street, its communities and grids.

They are drawn, not surveyed: the demo street is laid out on a plan (enterprises.demo.grid_places:
communities on a 4 x 2 layout about 600 m apart, each with two columns of grids) and its sites
are scattered around their grid's centre. The outlines follow the same plan: the street is the
rectangle of its eight communities, each community is split into its five grids along the lines
between their centres, and the lines inside a community bend a little at their crossings, as
streets do. Sites scattered near a grid's edge can fall just outside it, as the demo's
coordinates are made up too. Everything is made from fixed numbers, so every run draws the same.

They are set through the boundary import (accounts.services.territory_boundaries_import), as a
street office would import its own; a territory that has an outline already keeps it.
"""

import json
import random
from dataclasses import dataclass

from accounts.models import Community, Grid, Street
from accounts.services import territory_boundaries_import

from .demo import CENTRE, COMMUNITIES, GRIDS_PER_COMMUNITY, SEED, STREET_CODE, community_code, grid_code

# Half a community's extent, in degrees: the communities' centres are 0.006 (latitude) and 0.007
# (longitude) apart, so their rectangles tile the street without gaps.
HALF_LAT, HALF_LON = 0.003, 0.0035
# Where a community's grids meet, from its centre: grids 1-3 stacked on the west, 4-5 on the east.
ROW_SPLITS = (-0.0009, 0.0009)
BEND = 0.00025  # how far an inner crossing may move


@dataclass(frozen=True)
class DemoBoundaries:
    streets: int
    communities: int
    grids: int

    @property
    def anything_created(self) -> bool:
        return bool(self.streets or self.communities or self.grids)


def _centre(index: int) -> tuple[float, float]:
    """(latitude, longitude) of community ``index``, as enterprises.demo.grid_places places it."""
    return CENTRE[0] + (index // 4 - 0.5) * 0.006, CENTRE[1] + (index % 4 - 1.5) * 0.007


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    """A closed GeoJSON ring of [longitude, latitude] from (latitude, longitude) points, counter-clockwise as given."""
    ring = [[round(lon, 6), round(lat, 6)] for lat, lon in points]
    return [*ring, ring[0]]


def _polygon(points: list[tuple[float, float]]) -> dict:
    return {"type": "Polygon", "coordinates": [_ring(points)]}


def _grid_cells(index: int) -> list[list[tuple[float, float]]]:
    """The five grids of community ``index``, each a counter-clockwise list of (latitude, longitude) corners.

    West column (grids 1-3, south to north) and east column (grids 4-5) meet on the community's
    middle meridian; the rows meet at ROW_SPLITS. The two crossings on the middle meridian bend.
    """
    lat, lon = _centre(index)
    rng = random.Random(f"{SEED}:boundary:{index}")
    south, north = lat - HALF_LAT, lat + HALF_LAT
    west, east = lon - HALF_LON, lon + HALF_LON
    low, high = lat + ROW_SPLITS[0], lat + ROW_SPLITS[1]
    # The points on the community's edge stay on it (its neighbours share that straight edge); the inner ones bend.
    middle_low = (low + rng.uniform(-BEND, BEND), lon + rng.uniform(-BEND, BEND))
    middle_high = (high + rng.uniform(-BEND, BEND), lon + rng.uniform(-BEND, BEND))
    south_mid, north_mid = (south, lon + rng.uniform(-BEND, BEND)), (north, lon + rng.uniform(-BEND, BEND))
    return [
        # West column, south to north.
        [(south, west), south_mid, middle_low, (low, west)],
        [(low, west), middle_low, middle_high, (high, west)],
        [(high, west), middle_high, north_mid, (north, west)],
        # East column: the south grid, then the north one reaching up past the west column's upper line.
        [south_mid, (south, east), (low, east), middle_low],
        [middle_low, (low, east), (north, east), north_mid, middle_high],
    ]


def demo_boundary_files() -> dict[str, dict]:
    """The demo street's outlines as GeoJSON FeatureCollections by level, each feature carrying its territory's code."""
    grids, communities = [], []
    for index, (name, _roads) in enumerate(COMMUNITIES):
        lat, lon = _centre(index)
        corners = [
            (lat - HALF_LAT, lon - HALF_LON),
            (lat - HALF_LAT, lon + HALF_LON),
            (lat + HALF_LAT, lon + HALF_LON),
            (lat + HALF_LAT, lon - HALF_LON),
        ]
        # The community's outline runs through the points its grids put on its edge, so that they meet exactly.
        cells = _grid_cells(index)
        south_mid, north_mid = cells[0][1], cells[2][2]
        outline = [
            corners[0],
            south_mid,
            corners[1],
            (cells[3][2][0], corners[1][1]),
            corners[2],
            north_mid,
            corners[3],
            cells[1][3],
            cells[0][3],
        ]
        communities.append(_feature(community_code(index), name, _polygon(outline)))
        for g_index, cell in enumerate(cells[:GRIDS_PER_COMMUNITY]):
            grids.append(_feature(grid_code(index, g_index), "", _polygon(cell)))
    south, north = CENTRE[0] - 2 * HALF_LAT, CENTRE[0] + 2 * HALF_LAT
    west, east = CENTRE[1] - 4 * HALF_LON, CENTRE[1] + 4 * HALF_LON
    street = _feature(STREET_CODE, "", _polygon([(south, west), (south, east), (north, east), (north, west)]))
    return {"street": _collection([street]), "community": _collection(communities), "grid": _collection(grids)}


def _feature(code: str, name: str, geometry: dict) -> dict:
    properties = {"code": code, "name": name} if name else {"code": code}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def seed_demo_boundaries() -> DemoBoundaries:
    """Give the demo street's territories that have no outline yet the drawn one; returns how many got one by level."""
    created = {}
    models = {"street": Street, "community": Community, "grid": Grid}
    for level, collection in demo_boundary_files().items():
        without = set(models[level].objects.filter(boundary__isnull=True).values_list("code", flat=True))
        features = [feature for feature in collection["features"] if feature["properties"]["code"] in without]
        created[level] = len(features)
        if features:
            data = json.dumps(_collection(features), ensure_ascii=False).encode()
            territory_boundaries_import(acting_user=None, level=level, data=data, match="code")
    return DemoBoundaries(streets=created["street"], communities=created["community"], grids=created["grid"])
