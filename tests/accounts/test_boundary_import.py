"""Territory boundaries from GeoJSON: a good file outlines the territories it names; every kind of bad
file is refused whole, each problem said per feature in the user's language; street office staff
outline their own street only; the page and `manage.py boundaries_import` do the same."""

import json
import math

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import Grid, User
from accounts.services import territory_boundaries_import
from riskplatform.exceptions import ApplicationError, PermissionDeniedError
from tests.factories import StreetFactory, UserFactory


def square(lon: float, lat: float, size: float = 0.002) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(coordinates) -> dict:
    return {"type": "Polygon", "coordinates": coordinates}


def collection(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}, ensure_ascii=False).encode()


def problems(*, user=None, level="grid", data: bytes, match="code", property_name="") -> list[str]:
    """The messages of a refused import, in English; the first says how many problems there are."""
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        territory_boundaries_import(acting_user=user, level=level, data=data, match=match, property_name=property_name)
    return caught.value.field_errors["file"]


# --- A good file ---------------------------------------------------------------------------------------


def test_a_good_file_outlines_the_grids_it_names(staff, grid, neighbour_grid, far_grid):
    data = collection(
        feature(polygon(square(104.06, 30.62)), code=grid.code),
        feature(
            {"type": "MultiPolygon", "coordinates": [square(104.07, 30.62), square(104.08, 30.62)]}, code=neighbour_grid.code
        ),
    )
    result = territory_boundaries_import(acting_user=staff, level="grid", data=data)
    grid.refresh_from_db()
    neighbour_grid.refresh_from_db()
    assert grid.boundary == {"type": "Polygon", "coordinates": square(104.06, 30.62)}
    assert neighbour_grid.boundary["type"] == "MultiPolygon"
    assert grid.boundary_updated_at is not None
    assert sorted(result.updated) == sorted([str(grid), str(neighbour_grid)])
    assert result.missing == [str(far_grid)]


def test_altitude_is_dropped_and_coordinates_rounded(staff, grid):
    ring = [[104.06, 30.62, 500], [104.061234567891, 30.62], [104.061, 30.621], [104.06, 30.62, 500]]
    territory_boundaries_import(acting_user=staff, level="grid", data=collection(feature(polygon([ring]), code=grid.code)))
    grid.refresh_from_db()
    assert grid.boundary["coordinates"][0][0] == [104.06, 30.62]
    assert grid.boundary["coordinates"][0][1] == [104.0612346, 30.62]


def test_grids_are_matched_by_name_or_community_and_name(staff, grid, far_grid):
    data = collection(
        feature(polygon(square(104.06, 30.62)), 名称="望江社区 第一网格"),
        feature(polygon(square(104.07, 30.62)), 名称="第九网格"),
    )
    territory_boundaries_import(acting_user=staff, level="grid", data=data, match="name", property_name="名称")
    assert Grid.objects.filter(boundary__isnull=False).count() == 2


def test_streets_and_communities_are_outlined_by_code(staff, street, community):
    territory_boundaries_import(
        acting_user=staff, level="street", data=collection(feature(polygon(square(104, 30, 1)), code="WJL"))
    )
    territory_boundaries_import(
        acting_user=staff, level="community", data=collection(feature(polygon(square(104.1, 30.1)), code=community.code))
    )
    street.refresh_from_db()
    community.refresh_from_db()
    assert street.boundary and community.boundary


def test_a_new_file_replaces_an_outline_and_the_audit_log_says_who(staff, grid):
    territory_boundaries_import(
        acting_user=staff, level="grid", data=collection(feature(polygon(square(104.06, 30.62)), code=grid.code))
    )
    territory_boundaries_import(
        acting_user=staff, level="grid", data=collection(feature(polygon(square(104.5, 30.5)), code=grid.code))
    )
    grid.refresh_from_db()
    assert grid.boundary["coordinates"] == square(104.5, 30.5)
    entries = LogEntry.objects.get_for_object(grid)
    assert entries.exists()
    # The geometry itself stays out of the log: only when it changed.
    assert all("boundary" not in (entry.changes_dict or {}) for entry in entries)


def test_a_file_with_a_byte_order_mark_and_numeric_codes_is_read(staff, street):
    grid = Grid.objects.create(community=street.communities.create(name="数字社区", code="C9"), name="数字网格", code="510107001")
    data = "\ufeff".encode() + collection(feature(polygon(square(104.06, 30.62)), code=510107001))
    territory_boundaries_import(acting_user=staff, level="grid", data=data)
    grid.refresh_from_db()
    assert grid.boundary is not None


# --- Bad files, each refused whole with its reasons --------------------------------------------------------


def test_nothing_is_saved_when_one_feature_is_wrong(staff, grid, neighbour_grid):
    data = collection(
        feature(polygon(square(104.06, 30.62)), code=grid.code),
        feature(polygon(square(104.06, 30.62)), code="NOWHERE"),
    )
    messages = problems(user=staff, data=data)
    assert messages[0] == "Nothing was imported: the file has 1 problem."
    assert messages[1] == "Feature 2 (NOWHERE): there is no grid with the code NOWHERE in your scope."
    grid.refresh_from_db()
    assert grid.boundary is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe{\x00", "The file is not UTF-8 text; GeoJSON files are UTF-8."),
        (b'{"type": "FeatureCollection", "features": [', "The file is not valid JSON: Expecting value at line 1, column 44."),
        (b'{"type": "FeatureCollection", "features": [NaN]}', "The file is not valid JSON: NaN is not a number."),
        (b"[" * 100_000 + b"]" * 100_000, "The file nests its lists too deeply to be GeoJSON."),
        (b"[1, 2]", 'The file is JSON but not GeoJSON: it has no "type".'),
        (
            json.dumps({"type": "Feature", "geometry": None}).encode(),
            "The file is a GeoJSON Feature; upload a FeatureCollection with one feature per territory.",
        ),
        (b'{"type": "FeatureCollection"}', 'The file has no list of "features".'),
        (b'{"type": "FeatureCollection", "features": []}', "The file has no features."),
        (
            collection(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}}),
            "The file's coordinates are in URN:OGC:DEF:CRS:EPSG::4547; only longitude and latitude in degrees "
            "(WGS 84 or CGCS2000) can be read. Export the file from your GIS tool in EPSG:4326.",
        ),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(staff, grid, data, message):
    assert problems(user=staff, data=data)[1] == message


def test_a_feature_collection_in_wgs84_or_cgcs2000_is_read(staff, grid):
    for name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4490"):
        data = collection(
            feature(polygon(square(104.06, 30.62)), code=grid.code), crs={"type": "name", "properties": {"name": name}}
        )
        territory_boundaries_import(acting_user=staff, level="grid", data=data)


@pytest.mark.parametrize(
    ("bad_feature", "message"),
    [
        ({"type": "Point", "coordinates": [104, 30]}, 'Feature 1: it is not a GeoJSON Feature (its "type" is Point).'),
        (feature(None, code="G"), "Feature 1 (G): it has no geometry."),
        (
            feature({"type": "Point", "coordinates": [104, 30]}, code="G"),
            "Feature 1 (G): its geometry is a Point; only a Polygon or MultiPolygon outlines a territory.",
        ),
        (
            feature({"type": "LineString", "coordinates": [[104, 30], [104.1, 30]]}, code="G"),
            "Feature 1 (G): its geometry is a LineString; only a Polygon or MultiPolygon outlines a territory.",
        ),
        (
            feature(polygon([[[104, 30], [104.1, 30], [104, 30]]]), code="G"),
            "Feature 1 (G): a ring has 3 positions; a closed ring needs at least 4 (its first repeated last).",
        ),
        (
            feature(polygon([[[104, 30], [104.1, 30], [104.1, 30.1], [104, 30.1]]]), code="G"),
            "Feature 1 (G): a ring does not end where it starts (104, 30, then 104, 30.1); repeat its first position last.",
        ),
        (
            feature(polygon([[[104, 30], [104.1, "30"], [104.1, 30.1], [104, 30]]]), code="G"),
            'Feature 1 (G): a position is not [longitude, latitude]: [104.1, "30"].',
        ),
        (
            feature(polygon(square(30.62, 104.06)), code="G"),
            "Feature 1 (G): the position [30.62, 104.06] lies outside longitude -180..180, latitude -90..90; "
            "GeoJSON gives the longitude first: are the two swapped?",
        ),
        (
            feature(polygon(square(500000, 3390000, 100)), code="G"),
            "Feature 1 (G): the position [500000, 3390000] lies outside longitude -180..180, latitude -90..90; "
            "these look like projected metres; export the file in longitude and latitude (EPSG:4326).",
        ),
        (
            # A bow tie: the outline crosses itself.
            feature(polygon([[[104, 30], [104.1, 30.1], [104.1, 30], [104, 30.1], [104, 30]]]), code="G"),
            "Feature 1 (G): its outline crosses itself near 104.05, 30.05.",
        ),
        (
            feature(polygon([*square(104, 30, 0.01), square(104.5, 30.5, 0.001)[0]]), code="G"),
            "Feature 1 (G): a hole lies outside its outline near 104.5, 30.5.",
        ),
        (
            feature({"type": "MultiPolygon", "coordinates": [square(104, 30, 0.01), square(104.002, 30.002, 0.001)]}, code="G"),
            "Feature 1 (G): one of its parts lies inside another near 104.002, 30.002.",
        ),
        (
            feature(polygon([[[104, 30], [104, 30], [104, 30], [104, 30]]]), code="G"),
            "Feature 1 (G): a ring has too few distinct points near 104, 30.",
        ),
        (feature(polygon(square(104, 30))), 'Feature 1: it has no "code" property to match a territory by.'),
    ],
)
def test_each_bad_feature_is_named_with_its_reason(staff, bad_feature, message):
    assert message in problems(user=staff, data=collection(bad_feature))


def test_every_problem_is_listed_at_once(staff, grid):
    data = collection(
        feature(polygon(square(104, 30)), code="UNKNOWN"),
        feature({"type": "Point", "coordinates": [104, 30]}, code=grid.code),
        feature(polygon(square(104, 30)), code=grid.code),
        feature(polygon(square(104, 30)), code=grid.code),
    )
    messages = problems(user=staff, data=data)
    assert messages[0] == "Nothing was imported: the file has 3 problems."
    assert messages[3] == f"Feature 4 ({grid.code}): feature 3 already outlines 望江社区 第一网格."


def test_a_name_shared_by_two_grids_asks_for_the_code(staff, grid, far_grid):
    Grid.objects.create(community=far_grid.community, name="第一网格", code="TWIN")
    messages = problems(user=staff, data=collection(feature(polygon(square(104, 30)), name="第一网格")), match="name")
    assert messages[1] == (
        "Feature 1 (第一网格): 2 grids are named 第一网格 in your scope (望江社区 第一网格、郭家桥社区 第一网格); "
        "match them by code instead."
    )


def test_a_huge_file_is_refused_before_it_is_read(settings, staff, grid):
    settings.BOUNDARY_IMPORT_MAX_BYTES = 1024
    data = collection(feature(polygon(square(104, 30)), code=grid.code, note="x" * 2000))
    assert problems(user=staff, data=data)[1] == (
        "The file is 2.2 KB; a boundary file may be at most 1.0 KB. Simplify the outlines first."
    )


def test_an_outline_of_too_many_points_is_refused(staff, grid):
    ring = [[104 + 0.001 * math.cos(i / 3500), 30 + 0.001 * math.sin(i / 3500)] for i in range(21_990)]
    ring.append(ring[0])
    messages = problems(user=staff, data=collection(feature(polygon([ring]), code=grid.code)))
    assert messages[1] == (
        f"Feature 1 ({grid.code}): it has 21991 points; a territory's outline may have at most 20000. Simplify it first."
    )


def test_too_many_features_are_refused(staff):
    data = collection(*[feature(polygon(square(104, 30)), code=str(n)) for n in range(5001)])
    assert problems(user=staff, data=data)[1] == "The file has 5001 features; at most 5000 can be imported at once."


def test_the_messages_are_in_chinese_for_a_chinese_reader(staff, grid):
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as caught:
        territory_boundaries_import(
            acting_user=staff, level="grid", data=collection(feature(polygon(square(30.62, 104.06)), code=grid.code))
        )
    messages = caught.value.field_errors["file"]
    assert messages[0] == "未导入任何内容：文件有 1 个问题。"
    assert messages[1].startswith(f"第 1 个要素（{grid.code}）：")
    assert "经度" in messages[1]


# --- Who may outline what ------------------------------------------------------------------------------------


def test_staff_of_another_street_cannot_outline_ours(grid):
    stranger = UserFactory(role=User.Role.STREET_STAFF, street=StreetFactory(name="九眼桥街道", code="JYQ"))
    messages = problems(user=stranger, data=collection(feature(polygon(square(104, 30)), code=grid.code)))
    assert messages[1] == f"Feature 1 ({grid.code}): there is no grid with the code {grid.code} in your scope."
    assert problems(user=stranger, level="street", data=collection(feature(polygon(square(104, 30)), code="WJL")))[1] == (
        "Feature 1 (WJL): there is no street with the code WJL in your scope."
    )


@pytest.mark.parametrize("persona", ["grid_worker", "operator"])
def test_grid_workers_and_operators_may_not_import(request, persona, grid):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDeniedError):
        territory_boundaries_import(
            acting_user=user, level="grid", data=collection(feature(polygon(square(104, 30)), code=grid.code))
        )


def test_an_admin_outlines_any_street(admin_user, grid):
    other = StreetFactory(name="九眼桥街道", code="JYQ")
    territory_boundaries_import(
        acting_user=admin_user, level="street", data=collection(feature(polygon(square(104, 30)), code="JYQ"))
    )
    other.refresh_from_db()
    assert other.boundary is not None


# --- The page and the command ----------------------------------------------------------------------------------


def upload(data: bytes, name: str = "grids.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def test_staff_import_on_the_page(client_for, staff, grid, neighbour_grid):
    client = client_for(staff)
    page = client.get(reverse("boundary-import"))
    assert page.status_code == 200
    data = collection(feature(polygon(square(104.06, 30.62)), code=grid.code))
    response = client.post(reverse("boundary-import"), {"file": upload(data), "level": "grid", "match": "code"}, follow=True)
    text = response.content.decode()
    assert "1 boundary imported: 望江社区 第一网格." in text
    assert "1 territory of this level still has no boundary: 望江社区 第二网格." in text
    grid.refresh_from_db()
    assert grid.boundary is not None


def test_the_page_lists_each_problem_beside_the_file(client_for, staff, grid):
    client = client_for(staff)
    data = collection(feature({"type": "Point", "coordinates": [104, 30]}, code=grid.code))
    response = client.post(reverse("boundary-import"), {"file": upload(data), "level": "grid", "match": "code"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was imported: the file has 1 problem." in text
    assert text.count("Nothing was imported") == 1  # said once, with the count
    assert f"Feature 1 ({grid.code}): its geometry is a Point; only a Polygon or MultiPolygon outlines a territory." in text


@pytest.mark.parametrize(("persona", "status"), [("grid_worker", 403), ("operator", 403), ("admin_user", 200), ("staff", 200)])
def test_the_page_is_for_staff_and_admins(request, client_for, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(reverse("boundary-import")).status_code == status


def test_the_page_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("boundary-import"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_command_imports_a_file(tmp_path, grid):
    path = tmp_path / "grids.geojson"
    path.write_bytes(collection(feature(polygon(square(104.06, 30.62)), code=grid.code)))
    call_command("boundaries_import", str(path), "--level", "grid")
    grid.refresh_from_db()
    assert grid.boundary is not None


def test_the_command_says_every_problem(tmp_path, grid):
    path = tmp_path / "grids.geojson"
    path.write_bytes(collection(feature(polygon(square(104.06, 30.62)), code="NOWHERE")))
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("boundaries_import", str(path))
    assert "Feature 1 (NOWHERE): there is no grid with the code NOWHERE in your scope." in str(caught.value)
    with pytest.raises(CommandError):
        call_command("boundaries_import", str(tmp_path / "missing.geojson"))
