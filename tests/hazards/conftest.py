"""Fixtures of the hazard tests: photos to prove steps with, a cited clause, and hazards in each state."""

import datetime

import pytest
from django.utils import timezone

from hazards import services
from regulations.models import Clause
from tests.files.pictures import evidence_jpeg, upload


@pytest.fixture(autouse=True)
def _photos_in_a_temporary_folder(media):
    """Every hazard test stores photos; they go to a temporary folder."""
    return media


@pytest.fixture
def two_per_unit(db) -> Clause:
    """GB 50140-2005 §6.1.1: at least two extinguishers per calculation unit."""
    return Clause.objects.select_related("basis").get(basis__code="GB 50140-2005", number="6.1.1")


def photo():
    return upload(evidence_jpeg())


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def found(site, grid_worker, two_per_unit):
    """A general hazard the grid worker found: one extinguisher where two are required."""
    return services.hazard_raise(
        site=site,
        acting_user=grid_worker,
        description="灭火器只有1具，少于2具",
        clause=two_per_unit,
        uploads=[photo()],
        source="inspection",
    )


@pytest.fixture
def notified(found, staff):
    services.hazard_notify(hazard=found, acting_user=staff, deadline=in_days(7), requirements="增配灭火器至2具以上")
    found.refresh_from_db()
    return found


@pytest.fixture
def rectified(notified, grid_worker):
    services.hazard_rectify(hazard=notified, acting_user=grid_worker, note="已增配2具灭火器", uploads=[photo()])
    notified.refresh_from_db()
    return notified


@pytest.fixture
def major(site, staff, two_per_unit):
    """A major hazard (GB 35181 direct criterion): found by the office."""
    return services.hazard_raise(
        site=site, acting_user=staff, description="安全出口上锁，无法开启", level="major", source="staff_report"
    )


# --- Added for the matrix, overdue, grading, statistics and API tests ----------------------------


@pytest.fixture
def api():
    """An API client signed in (by session) as the given persona, or anonymous."""
    from rest_framework.test import APIClient

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def stranger(db):
    """Street office staff of another street: the whole of their own street, nothing of ours."""
    from accounts.models import User
    from tests.factories import StreetFactory, UserFactory

    return UserFactory(
        username="stranger", full_name="陌生人", role=User.Role.STREET_STAFF, street=StreetFactory(name="九眼桥街道", code="JYQ")
    )


PLAN_DATA = {
    "goals": "恢复安全出口畅通",
    "measures": "拆除门锁，安装推闩",
    "responsible_people": "张三（法定代表人）",
    "safety_measures": "整改期间安排专人值守，停止营业",
}


def plan_data(**overrides) -> dict:
    """A complete remediation plan, as the service takes it."""
    from decimal import Decimal

    return {**PLAN_DATA, "funds": Decimal("3000"), "deadline": in_days(20), **overrides}


@pytest.fixture
def hazard_in(site, grid_worker, staff, two_per_unit):
    """A hazard of the first grid's site brought to a state through the services:

    found, notified, rectified, closed (general); major_found, major_supervised,
    major_rectified, major_reviewed (a plan recorded, awaiting close-out).
    """

    def build(state: str):
        if state.startswith("major"):
            hazard = services.hazard_raise(site=site, acting_user=staff, description="安全出口上锁，无法开启", level="major")
            if state == "major_supervised":
                services.hazard_supervise(hazard=hazard, acting_user=staff, note="挂牌督办")
            if state in ("major_rectified", "major_reviewed"):
                services.hazard_notify(hazard=hazard, acting_user=staff, deadline=in_days(20))
                services.hazard_rectify(hazard=hazard, acting_user=grid_worker, note="已拆除门锁", uploads=[photo()])
            if state == "major_reviewed":
                services.hazard_plan_record(hazard=hazard, acting_user=staff, data=plan_data())
                services.hazard_review(hazard=hazard, acting_user=staff, passed=True, comment="三人现场复查合格")
        else:
            hazard = services.hazard_raise(
                site=site, acting_user=grid_worker, description="灭火器只有1具，少于2具", clause=two_per_unit, source="inspection"
            )
            if state == "closed":
                services.hazard_close_on_spot(hazard=hazard, acting_user=grid_worker, note="当场增配", uploads=[photo()])
            if state in ("notified", "rectified"):
                services.hazard_notify(hazard=hazard, acting_user=staff, deadline=in_days(7), requirements="增配灭火器")
            if state == "rectified":
                services.hazard_rectify(hazard=hazard, acting_user=grid_worker, note="已增配2具", uploads=[photo()])
        hazard.refresh_from_db()
        assert hazard.status == state.removeprefix("major_").replace("supervised", "found")
        return hazard

    return build
