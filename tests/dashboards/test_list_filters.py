"""The lists' filters behind the overview's figures: a street on every list, sites not graded, major hazards
under supervision, hazards by the day they were found, incidents by day and area, detectors by area. Each
keeps to the user's scope; a bad value is said beside its field and ignored, never a server error. The
month of the street in tests/dashboards/conftest.py."""

import pytest
from django.urls import reverse

ALL_LISTS = [
    "enterprises:site-list",
    "hazards:hazard-list",
    "inspections:inspection-list",
    "alarms:incident-list",
    "alarms:device-list",
]


def names(client, list_name: str, params: dict, *, of=lambda item: item.site.name) -> list:
    response = client.get(reverse(list_name), params)
    assert response.status_code == 200, (list_name, params)
    assert not response.context["filter"].form.errors, response.context["filter"].form.errors
    return sorted(of(item) for item in response.context["page"].object_list)


def count(client, list_name: str, params: dict) -> int:
    response = client.get(reverse(list_name), params)
    assert response.status_code == 200, (list_name, params)
    return response.context["page"].paginator.count


def test_sites_not_graded(month, client_for, staff):
    client = client_for(staff)
    assert names(client, "enterprises:site-list", {"risk_colour": "none"}, of=lambda site: site.name) == ["新开五金店"]
    red = names(client, "enterprises:site-list", {"risk_colour": "red"}, of=lambda site: site.name)
    assert red == ["停业小卖部", "望江兰庭便利店"]


def test_major_hazards_under_supervision(month, client_for, staff):
    client = client_for(staff)
    supervised = names(client, "hazards:hazard-list", {"supervised": "true"}, of=lambda hazard: hazard.description)
    assert supervised == ["安全出口上锁"]
    assert count(client, "hazards:hazard-list", {"supervised": "false"}) == count(client, "hazards:hazard-list", {}) - 1


def test_hazards_by_the_day_they_were_found(month, client_for, staff):
    client = client_for(staff)
    found = names(
        client, "hazards:hazard-list", {"found_since": "2026-11-05", "found_until": "2026-11-12"}, of=lambda h: h.description
    )
    assert found == ["插线板串接", "灭火器过期"]
    # The last day counts whole, to its last moment in the street's time.
    assert names(client, "hazards:hazard-list", {"found_until": "2025-12-20"}, of=lambda h: h.description) == ["配电箱无防护"]


def test_incidents_by_day_and_area(month, client_for, staff, community, far_grid, street):
    client = client_for(staff)
    i1, i2, i3, i4, i5 = month["incidents"]
    pks = lambda params: names(client, "alarms:incident-list", params, of=lambda incident: incident.pk)  # noqa: E731
    assert pks({"since": "2026-11-20"}) == sorted([i1.pk, i5.pk])
    assert pks({"since": "2026-11-01", "until": "2026-11-10"}) == sorted([i2.pk, i3.pk])
    assert pks({"community": community.pk}) == sorted([i1.pk, i2.pk, i3.pk, i5.pk])
    assert pks({"grid": far_grid.pk}) == [i4.pk]
    assert pks({"street": street.pk}) == sorted([i1.pk, i2.pk, i3.pk, i4.pk, i5.pk])
    assert pks({"status": "open", "community": community.pk}) == sorted([i1.pk, i5.pk])


def test_detectors_by_area(month, client_for, staff, grid, neighbour_grid, other_community, street):
    client = client_for(staff)
    assert names(client, "alarms:device-list", {"grid": grid.pk}) == ["望江兰庭便利店"] * 3
    assert names(client, "alarms:device-list", {"grid": neighbour_grid.pk}) == ["川味小面馆"]
    assert names(client, "alarms:device-list", {"community": other_community.pk}) == ["远方五金店"]
    assert count(client, "alarms:device-list", {"street": street.pk}) == 5


def test_an_admin_narrows_every_list_to_a_street(month, client_for, admin_user, stranger, street):
    client = client_for(admin_user)
    other = stranger.street_id
    assert names(client, "enterprises:site-list", {"street": other}, of=lambda site: site.name) == ["九眼桥小商店"]
    assert names(client, "hazards:hazard-list", {"street": other}) == ["九眼桥小商店"]
    assert names(client, "alarms:incident-list", {"street": other}) == ["九眼桥小商店"]
    assert names(client, "alarms:device-list", {"street": other}) == ["九眼桥小商店"]
    assert count(client, "inspections:inspection-list", {"street": other}) == 0
    assert count(client, "inspections:inspection-list", {"street": street.pk}) == 6
    coverage = client.get(reverse("inspections:coverage-sites"), {"street": other, "start": "2026-11-01", "end": "2026-11-20"})
    assert [row.site.name for row in coverage.context["rows"]] == ["九眼桥小商店"]


def test_the_street_filter_shows_to_admins_whose_scope_is_every_street(month, client_for, staff, admin_user):
    for list_name in ALL_LISTS:
        staff_page = client_for(staff).get(reverse(list_name)).content.decode()
        assert '<input type="hidden" name="street"' in staff_page, list_name
        admin_page = client_for(admin_user).get(reverse(list_name)).content.decode()
        assert '<select name="street"' in admin_page, list_name


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_a_street_outside_the_scope_is_refused_and_never_widens_the_list(month, client_for, staff, stranger, list_name):
    client = client_for(staff)
    response = client.get(reverse(list_name), {"street": stranger.street_id})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["page"].paginator.count == count(client, list_name, {})
    assert "九眼桥小商店" not in response.content.decode()


BAD_VALUES = [
    {"street": "abc"},
    {"street": "99999999999999999999999"},
    {"community": "-1"},
    {"grid": "1\x00"},
    {"status": "nonsense"},
    {"risk_colour": "purple"},
    {"supervised": "maybe"},
    {"found_since": "2026-13-40"},
    {"found_until": "9999-12-31"},
    {"found_since": "0001-01-01"},
    {"since": "9999-12-31"},
    {"until": "9999-12-31"},
    {"since": "0001-01-01"},
    {"real": "2"},
    {"site": "99999999999999999999999"},
    {"q": "\x00"},
    {"page": "x"},
]


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_bad_filter_values_are_said_and_ignored_never_a_server_error(month, client_for, staff, list_name):
    client = client_for(staff)
    everything = count(client, list_name, {})
    for params in BAD_VALUES:
        response = client.get(reverse(list_name), params)
        assert response.status_code == 200, params
        assert response.context["page"].paginator.count in (everything, 0), params
        export = client.get(reverse(list_name.replace("-list", "-export")), params)
        assert export.status_code in (200, 302), params


def test_a_date_out_of_range_is_said_in_the_readers_language(month, client_for, staff):
    client = client_for(staff)
    page = client.get(reverse("alarms:incident-list"), {"until": "9999-12-31"}).content.decode()
    assert "Enter a date between 1900-01-01 and 2999-12-31." in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("alarms:incident-list"), {"until": "9999-12-31"}).content.decode()
    assert "请输入 1900-01-01 至 2999-12-31 之间的日期。" in page


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999999", "-3"])
def test_coverage_ignores_an_area_that_is_no_number(month, client_for, staff, value):
    client = client_for(staff)
    params = {"start": "2026-11-01", "end": "2026-11-20"}
    everything = len(client.get(reverse("inspections:coverage-sites"), params).context["rows"])
    for key in ("street", "community", "grid"):
        response = client.get(reverse("inspections:coverage-sites"), {**params, key: value})
        assert response.status_code == 200, (key, value)
        assert len(response.context["rows"]) in (everything, 0)


def test_the_api_refuses_a_bad_filter_with_its_error_shape(month, client_for, staff):
    client = client_for(staff)
    for path in ("/api/sites/", "/api/hazards/", "/api/inspections/"):
        response = client.get(path, {"street": "abc", "found_until": "9999-12-31", "until": "9999-12-31"})
        assert response.status_code == 400, path
    assert client.get("/api/hazards/", {"supervised": "true"}).json()["count"] == 1
