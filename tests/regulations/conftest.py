"""Fixtures of the regulation library's tests: the seeded documents, an item made through the
services, and sites of several shapes."""

import pytest

from regulations import services
from regulations.models import ChecklistItem, Clause, LegalBasis
from tests.factories import SiteFactory, category


@pytest.fixture
def extinguisher_standard(db) -> LegalBasis:
    return LegalBasis.objects.get(code="GB 50140-2005")


@pytest.fixture
def two_per_unit(extinguisher_standard) -> Clause:
    """GB 50140-2005 §6.1.1: at least two extinguishers per calculation unit."""
    return Clause.objects.get(basis=extinguisher_standard, number="6.1.1")


@pytest.fixture
def fire_law(db) -> LegalBasis:
    return LegalBasis.objects.get(code="中华人民共和国消防法")


def item_data(default_basis, default_clause=None, **overrides) -> dict:
    data = {
        "requirement": "计算单元内配置的灭火器数量",
        "basis": default_basis,
        "clause": default_clause,
        "rule_kind": "count_min",
        "threshold": "2",
        "unit": "具",
        "categories": [],
        "conditions": [],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_item(admin_user, extinguisher_standard, two_per_unit):
    """A new checklist item made by the admin through the service (version 1)."""

    def make(code="TST-01", **overrides) -> ChecklistItem:
        data = item_data(extinguisher_standard, two_per_unit, **overrides)
        return services.checklist_item_create(acting_user=admin_user, data={"code": code, **data})

    return make


@pytest.fixture
def restaurant(grid):
    """A small restaurant on the ground floor that cooks with bottled LPG."""
    return SiteFactory(
        grid=grid,
        name="锦江小厨",
        category=category("XS02"),
        floor_area=90,
        storeys=1,
        capacity=40,
        has_kitchen=True,
        uses_lpg=True,
        extinguisher_count=2,
    )


@pytest.fixture
def high_rise(grid):
    """A high-rise residential building with e-bikes and an alarm system."""
    return SiteFactory(
        grid=grid,
        name="望江兰庭3栋",
        credit_code=None,
        category=category("ZZ02"),
        floor_area=12000,
        storeys=28,
        has_fire_alarm_system=True,
        has_ebike_charging=True,
        hydrant_count=28,
    )


@pytest.fixture
def courtyard(grid):
    """An old courtyard of five storeys, floor area not recorded."""
    return SiteFactory(
        grid=grid,
        name="郭家桥北街院落",
        credit_code=None,
        category=category("ZZ01"),
        floor_area=None,
        storeys=5,
        has_ebike_charging=True,
    )
