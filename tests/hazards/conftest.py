"""Fixtures of the hazard tests: photos to prove steps with, a cited clause, and hazards in each state."""

import datetime

import pytest
from django.utils import timezone

from hazards import services
from regulations.models import Clause
from tests.files.pictures import evidence_jpeg, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Photos go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def client_for(client):
    """The test client signed in as a persona, reading the pages in English."""

    def sign_in(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in


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
