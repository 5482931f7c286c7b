"""Which items a site's checklist gets: by its category and by conditions on its file's attributes,
in one query whatever the size of the library."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Site
from regulations.models import ChecklistItem
from regulations.selectors import checklist_versions_for_site, version_applies
from tests.factories import SiteFactory, category

from .conftest import item_data

pytestmark = pytest.mark.django_db


def codes(site) -> set[str]:
    return {version.item.code for version in checklist_versions_for_site(site=site)}


def test_a_small_restaurant_using_lpg_gets_the_gas_and_kitchen_items(restaurant):
    got = codes(restaurant)
    assert {"EXT-01", "EXT-12", "GAS-03", "GAS-04", "GAS-06", "GAS-08", "GAS-09", "LAW-04", "MPS-01"} <= got
    # Piped gas, high-rise, construction and warehouse items are for other sites.
    assert not {"GAS-01", "GAS-07", "HR-01", "CON-01", "WHS-01", "BLD-01"} & got


def test_the_same_restaurant_on_piped_gas_gets_the_piped_gas_items_instead(restaurant):
    restaurant.uses_lpg, restaurant.uses_piped_gas = False, True
    got = codes(restaurant)
    assert {"GAS-01", "GAS-02", "GAS-07", "GAS-10", "GAS-11"} <= got
    assert not {"GAS-03", "GAS-06", "GAS-08", "GAS-09"} & got


def test_a_high_rise_with_e_bikes_and_an_alarm_system(high_rise):
    got = codes(high_rise)
    assert {"HR-01", "HR-03", "HR-04", "HR-06", "HR-08", "EB-03", "EXT-16", "LAW-03", "LAW-04", "LAW-05"} <= got
    # The rules of units (order 61) are not those of a residential building.
    assert not {"MPS-04", "MPS-10", "LAW-01", "MPS-01"} & got


def test_a_courtyard_with_unknown_floor_area(courtyard):
    got = codes(courtyard)
    assert {"EB-01", "EB-02", "EB-03", "EXT-01", "LAW-04", "BLD-10"} <= got
    assert "HR-02" not in got  # five storeys: not a high-rise home
    courtyard.storeys = 12
    assert "HR-02" in codes(courtyard)


def test_floor_area_conditions_hold_only_when_it_is_recorded(grid):
    shop = SiteFactory(grid=grid, category=category("XS01"), floor_area=None)
    assert "BLD-01" not in codes(shop)
    shop.floor_area = 200
    assert "BLD-01" not in codes(shop)  # more than 200 m² needs two exits
    shop.floor_area = 201
    assert "BLD-01" in codes(shop)


def test_every_category_gets_a_checklist(grid):
    for code in [c.code for c in category("XS01").__class__.objects.all()]:
        site = Site(category=category(code), grid=grid, name="x", address="y")
        assert len(checklist_versions_for_site(site=site)) >= 5, code


def test_items_come_in_a_stable_order_by_code(restaurant):
    versions = checklist_versions_for_site(site=restaurant)
    assert [v.item.code for v in versions] == sorted(v.item.code for v in versions)


def test_version_applies_answers_for_one_version(make_item, restaurant, high_rise):
    lpg_only = make_item(categories=[restaurant.category], conditions=[{"attribute": "uses_lpg", "op": "is_true"}])
    version = lpg_only.current_version
    assert version_applies(version=version, site=restaurant) is True
    assert version_applies(version=version, site=high_rise) is False
    restaurant.uses_lpg = False
    assert version_applies(version=version, site=restaurant) is False


def test_conditions_on_status_and_category_group(make_item, restaurant):
    item = make_item(
        conditions=[
            {"attribute": "status", "op": "eq", "value": "operating"},
            {"attribute": "category_group", "op": "in", "value": ["nine_small", "crowded"]},
        ]
    )
    assert item.pk in {v.item_id for v in checklist_versions_for_site(site=restaurant)}
    restaurant.status = Site.Status.SUSPENDED
    assert item.pk not in {v.item_id for v in checklist_versions_for_site(site=restaurant)}


@pytest.fixture
def many_items(admin_user, extinguisher_standard, two_per_unit, restaurant):
    """The seeded library and 60 more items for the restaurant, some with conditions."""
    from regulations import services

    for n in range(60):
        conditions = [{"attribute": "uses_lpg", "op": "is_true"}] if n % 2 else []
        data = item_data(
            extinguisher_standard, two_per_unit, categories=[restaurant.category] if n % 3 else [], conditions=conditions
        )
        services.checklist_item_create(acting_user=admin_user, data={"code": f"LOAD-{n:02d}", **data})


def test_query_count_does_not_grow_with_the_library(restaurant, many_items):
    restaurant = Site.objects.get(pk=restaurant.pk)  # the category not loaded yet
    with CaptureQueriesContext(connection) as few:
        small = checklist_versions_for_site(site=restaurant)
    ChecklistItem.objects.filter(code__startswith="LOAD-").update(is_active=False)
    with CaptureQueriesContext(connection) as baseline:
        checklist_versions_for_site(site=restaurant)
    assert len(few) == len(baseline) == 1
    assert len([v for v in small if v.item.code.startswith("LOAD-")]) == 60
    # The item, basis and clause of each version came with it.
    with CaptureQueriesContext(connection) as reading:
        [(v.item.code, v.basis.code, v.clause.number if v.clause else "", v.citation) for v in small]
    assert len(reading) == 0


def test_a_condition_on_the_category_group_costs_one_query_more_at_most(make_item, restaurant):
    make_item(conditions=[{"attribute": "category_group", "op": "eq", "value": "nine_small"}])
    restaurant = Site.objects.get(pk=restaurant.pk)
    with CaptureQueriesContext(connection) as queries:
        checklist_versions_for_site(site=restaurant)
    assert len(queries) == 2
