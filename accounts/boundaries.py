"""Reading territory boundaries from GeoJSON (RFC 7946): the file's shape and each outline's geometry.

A boundary file is a FeatureCollection with one Polygon or MultiPolygon feature per territory,
longitude before latitude. Everything wrong with it is collected, feature by feature, in the
user's language, so that whoever drew the file can fix it all in one go; matching the features
to territories and saving them is accounts.services.territory_boundaries_import.
"""

import json
import math
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A grid's outline needs hundreds of points, a street's a few thousand; more is a survey's raw
# trace, which would make the map slow to draw for nothing.
MAX_POSITIONS_PER_FEATURE = 20_000
MAX_FEATURES = 5_000
# Problems listed for one file; past this the same mistake is usually repeated throughout.
MAX_PROBLEMS = 100
# Coordinate reference systems whose coordinates are longitude and latitude in degrees: WGS 84 and
# CGCS2000 (China's geodetic datum, within a metre of WGS 84). GeoJSON without "crs" means WGS 84.
GEOGRAPHIC_CRS = {"CRS84", "4326", "4490"}
DECIMALS = 7  # about a centimetre: more digits only make the file longer


class BoundaryFileError(Exception):
    """The file cannot be read as boundaries; ``problems`` says every reason, in the user's language."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "")
        self.problems = problems


@dataclass
class BoundaryFeature:
    """One feature of the file: its place in the file (from 1), the value it is matched by, its geometry."""

    number: int
    key: str
    geometry: dict

    @property
    def where(self) -> str:
        if self.key:
            return _("Feature %(number)d (%(key)s)") % {"number": self.number, "key": self.key}
        return _("Feature %(number)d") % {"number": self.number}


def problem(where: str, text: str) -> str:
    return _("%(where)s: %(problem)s") % {"where": where, "problem": text}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size).1f MB") % {"size": size / (1024 * 1024)}
    return _("%(size).1f KB") % {"size": size / 1024}


def boundary_file_read(*, data: bytes, property_name: str) -> tuple[list[BoundaryFeature], list[tuple[int, str]]]:
    """The good features of a boundary file, each with its ``property_name`` value and a checked, tidied
    geometry, and the problems of the others as (feature number, message).

    1. The file: its size, UTF-8, JSON, a FeatureCollection in longitude/latitude, not too many features.
    2. Each feature: a Feature, the property to match it by, a Polygon or MultiPolygon whose rings are
       closed runs of at least four positions within the globe's bounds, not too many of them.
    3. Each geometry that is well formed is valid as a surface (shapely): no outline crossing itself,
       no hole outside its outline, no overlapping parts, some area.
    Raises BoundaryFileError where the file as a whole cannot be read (step 1).
    """
    limit = settings.BOUNDARY_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise BoundaryFileError(
            [
                _("The file is %(size)s; a boundary file may be at most %(limit)s. Simplify the outlines first.")
                % {"size": size_text(len(data)), "limit": size_text(limit)}
            ]
        )
    document = _json(data)
    features = _collection(document)
    problems: list[tuple[int, str]] = []
    read: list[BoundaryFeature] = []
    for number, feature in enumerate(features, start=1):
        item, errors = _feature(number, feature, property_name)
        problems.extend((number, error) for error in errors)
        if item is not None:
            read.append(item)
    return read, problems


def _json(data: bytes):
    if not data.strip():
        raise BoundaryFileError([_("The file is empty.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BoundaryFileError([_("The file is not UTF-8 text; GeoJSON files are UTF-8.")]) from None

    def refuse_constant(name):
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            [
                _("The file is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except ValueError as error:
        raise BoundaryFileError([_("The file is not valid JSON: %(value)s is not a number.") % {"value": error}]) from None
    except RecursionError:
        raise BoundaryFileError([_("The file nests its lists too deeply to be GeoJSON.")]) from None


def _collection(document) -> list:
    if not isinstance(document, dict) or "type" not in document:
        raise BoundaryFileError([_('The file is JSON but not GeoJSON: it has no "type".')])
    kind = document.get("type")
    if kind != "FeatureCollection":
        raise BoundaryFileError(
            [
                _("The file is a GeoJSON %(type)s; upload a FeatureCollection with one feature per territory.")
                % {"type": _text(kind)}
            ]
        )
    crs = _crs_name(document.get("crs"))
    if crs is not None and not any(crs.replace("::", ":").endswith(f":{code}") or crs == code for code in GEOGRAPHIC_CRS):
        raise BoundaryFileError(
            [
                _(
                    "The file's coordinates are in %(crs)s; only longitude and latitude in degrees (WGS 84 or CGCS2000) "
                    "can be read. Export the file from your GIS tool in EPSG:4326."
                )
                % {"crs": crs}
            ]
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise BoundaryFileError([_('The file has no list of "features".')])
    if not features:
        raise BoundaryFileError([_("The file has no features.")])
    if len(features) > MAX_FEATURES:
        raise BoundaryFileError(
            [
                _("The file has %(count)d features; at most %(limit)d can be imported at once.")
                % {"count": len(features), "limit": MAX_FEATURES}
            ]
        )
    return features


def _crs_name(crs) -> str | None:
    """The name of a (GeoJSON 2008) "crs" member, or None where there is none."""
    if crs is None:
        return None
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
        if isinstance(name, str) and name.strip():
            return name.strip().upper()
    return _text(crs)


def _text(value, limit: int = 60) -> str:
    """A value of the file as a message quotes it: short, on one line."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def feature_key(feature: dict, property_name: str) -> str:
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return ""
    value = properties.get(property_name)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        value = int(value) if float(value).is_integer() else value
    return str(value).strip()


def _feature(number: int, feature, property_name: str) -> tuple[BoundaryFeature | None, list[str]]:
    where = _("Feature %(number)d") % {"number": number}
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        kind = feature.get("type") if isinstance(feature, dict) else feature
        return None, [problem(where, _('it is not a GeoJSON Feature (its "type" is %(type)s).') % {"type": _text(kind)})]
    key = feature_key(feature, property_name)
    item = BoundaryFeature(number=number, key=key, geometry={})
    errors = []
    if not key:
        errors.append(
            problem(item.where, _('it has no "%(property)s" property to match a territory by.') % {"property": property_name})
        )
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return None, [*errors, problem(item.where, _("it has no geometry."))]
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        text = _("its geometry is a %(type)s; only a Polygon or MultiPolygon outlines a territory.") % {"type": _text(kind)}
        return None, [*errors, problem(item.where, text)]
    try:
        coordinates = _polygons(geometry.get("coordinates"), multi=kind == "MultiPolygon")
    except _Malformed as error:
        return None, [*errors, problem(item.where, str(error))]
    count = sum(len(ring) for polygon in coordinates for ring in polygon)
    if count > MAX_POSITIONS_PER_FEATURE:
        text = _("it has %(count)d points; a territory's outline may have at most %(limit)d. Simplify it first.") % {
            "count": count,
            "limit": MAX_POSITIONS_PER_FEATURE,
        }
        return None, [*errors, problem(item.where, text)]
    item.geometry = {"type": kind, "coordinates": coordinates if kind == "MultiPolygon" else coordinates[0]}
    invalid = geometry_problem(item.geometry)
    if invalid:
        return None, [*errors, problem(item.where, invalid)]
    return (None if errors else item), errors


class _Malformed(Exception):
    pass


def _polygons(coordinates, *, multi: bool) -> list[list[list[list[float]]]]:
    """The geometry's polygons (one for a Polygon), each a list of rings of [longitude, latitude], checked."""
    if not multi:
        coordinates = [coordinates]
    if not isinstance(coordinates, list) or not coordinates:
        raise _Malformed(_("its coordinates are not a list of polygons."))
    polygons = []
    for polygon in coordinates:
        if not isinstance(polygon, list) or not polygon:
            raise _Malformed(_("its coordinates are not a list of rings."))
        polygons.append([_ring(ring) for ring in polygon])
    return polygons


def _ring(ring) -> list[list[float]]:
    if not isinstance(ring, list):
        raise _Malformed(_("a ring is not a list of positions."))
    positions = [_position(position) for position in ring]
    if len(positions) < 4:
        raise _Malformed(
            _("a ring has %(count)d positions; a closed ring needs at least 4 (its first repeated last).")
            % {"count": len(positions)}
        )
    if positions[0] != positions[-1]:
        raise _Malformed(
            _("a ring does not end where it starts (%(first)s, then %(last)s); repeat its first position last.")
            % {"first": _point(positions[0]), "last": _point(positions[-1])}
        )
    return positions


def _position(position) -> list[float]:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position)
    ):
        raise _Malformed(_("a position is not [longitude, latitude]: %(value)s.") % {"value": _text(position)})
    longitude, latitude = float(position[0]), float(position[1])
    if not (math.isfinite(longitude) and math.isfinite(latitude)):
        raise _Malformed(_("a position is not [longitude, latitude]: %(value)s.") % {"value": _text(position)})
    if not -180 <= longitude <= 180 or not -90 <= latitude <= 90:
        if -90 <= longitude <= 90 and -180 <= latitude <= 180:
            hint = _("GeoJSON gives the longitude first: are the two swapped?")
        else:
            hint = _("these look like projected metres; export the file in longitude and latitude (EPSG:4326).")
        raise _Malformed(
            _("the position %(value)s lies outside longitude -180..180, latitude -90..90; %(hint)s")
            % {"value": _text(position), "hint": hint}
        )
    # Altitude, where given, is dropped: the map is flat.
    return [round(longitude, DECIMALS), round(latitude, DECIMALS)]


def _point(position: list[float]) -> str:
    return f"{position[0]:g}, {position[1]:g}"


# shapely's (GEOS) reasons, by the words they start with.
def _reasons() -> dict[str, str]:
    return {
        "Self-intersection": _("its outline crosses itself near %(point)s."),
        "Ring Self-intersection": _("its outline touches itself near %(point)s."),
        "Hole lies outside shell": _("a hole lies outside its outline near %(point)s."),
        "Holes are nested": _("a hole lies inside another hole near %(point)s."),
        "Interior is disconnected": _("its holes cut its area in two near %(point)s."),
        "Nested shells": _("one of its parts lies inside another near %(point)s."),
        "Duplicate Rings": _("two of its rings are the same near %(point)s."),
        "Too few points in geometry component": _("a ring has too few distinct points near %(point)s."),
        "Too few distinct points in geometry component": _("a ring has too few distinct points near %(point)s."),
        "Invalid Coordinate": _("a position is not a number near %(point)s."),
        "Ring is not closed": _("a ring does not end where it starts near %(point)s."),
    }


def geometry_problem(geometry: dict) -> str:
    """What makes a well-formed Polygon or MultiPolygon unusable as an area, in words; "" when nothing does."""
    shape = shapely.geometry.shape(geometry)
    reason = shapely.is_valid_reason(shape)
    if reason != "Valid Geometry":
        name, _bracket, rest = reason.partition("[")
        coordinates = rest.rstrip("]").split()
        point = _point([float(coordinates[0]), float(coordinates[1])]) if len(coordinates) >= 2 else "?"
        text = _reasons().get(name.strip())
        if text is None:
            return _("its outline is not a valid area (%(reason)s).") % {"reason": reason}
        return text % {"point": point}
    if shape.area == 0:
        return _("it encloses no area.")
    return ""


def problems_summary(problems: list[str]) -> list[str]:
    """The problems as the page lists them: a count first, at most MAX_PROBLEMS of them, and how many more."""
    listed = problems[:MAX_PROBLEMS]
    head = ngettext(
        "Nothing was imported: the file has %(count)d problem.",
        "Nothing was imported: the file has %(count)d problems.",
        len(problems),
    ) % {"count": len(problems)}
    more = len(problems) - len(listed)
    tail = [ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", more) % {"count": more}] if more else []
    return [head, *listed, *tail]
