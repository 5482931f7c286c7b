"""The overview's routine inspections (due, done, overdue) are the coverage page's, counted in the database:
the same numbers for every colour and kind of category, checks at the edges of the period in the street's
time zone, and any day of the month, the first included."""

import datetime
import itertools

import pytest

from accounts.models import User
from dashboards import selectors
from dashboards.selectors import OverviewScope, inspection_figures, interval_days_case
from enterprises.models import Site
from hazards.selectors import inspection_interval_days
from inspections.models import Inspection
from inspections.schedules import coverage_totals, inspection_coverage
from tests.dashboards.conftest import ZONE
from tests.factories import SiteFactory, category

# A small shop (a unit: capped at 30 days), a residential courtyard (no cap) and a government office (capped at 90).
CATEGORIES = ("XS01", "ZZ01", "GG03")
COLOURS = ("red", "orange", "yellow", "blue", "")
# Days before 1 November of the last routine check before the period (None: never), and days into it of one in it.
HISTORIES = [(None, None), (None, 3), (2, None), (6, None), (13, 5), (29, None), (31, None), (89, 10), (120, None)]


@pytest.fixture
def every_kind_of_site(grid, staff):
    """One site of each colour, category and history, checked at 23:30 local time on the day named."""
    number = itertools.count()
    for code, colour, (before, into) in itertools.product(CATEGORIES, COLOURS, HISTORIES):
        n = next(number)
        site = SiteFactory(
            grid=grid, name=f"场所{n}", category=category(code), risk_colour=colour, credit_code=None, address=f"测试路{n}号"
        )
        for day in ([datetime.date(2026, 11, 1) - datetime.timedelta(days=before)] if before is not None else []) + (
            [datetime.date(2026, 11, 1) + datetime.timedelta(days=into)] if into is not None else []
        ):
            finished = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=ZONE)
            Inspection.objects.create(site=site, kind="routine", inspector=staff, started_at=finished, finished_at=finished)
        # A re-inspection counts for no schedule.
        Inspection.objects.create(
            site=site, kind="reinspection", inspector=staff, started_at=finished_at(n), finished_at=finished_at(n)
        )
    SiteFactory(grid=grid, name="停业的店", status=Site.Status.SUSPENDED)


def finished_at(n: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, 1 + n % 20, 9, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("start", "end", "today"),
    [
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 1), datetime.date(2026, 11, 1)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 2), datetime.date(2026, 11, 2)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 20), datetime.date(2026, 11, 20)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), datetime.date(2026, 11, 20)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), datetime.date(2026, 12, 3)),
    ],
)
@pytest.mark.parametrize("per_site", [True, False], ids=["site by site", "all at once"])
def test_the_same_due_done_and_overdue_as_the_coverage_page(monkeypatch, every_kind_of_site, staff, start, end, today, per_site):
    # A street's page reads its sites' checks site by site, a city's all at once (LATERAL_MAX_GRIDS): both agree.
    monkeypatch.setattr(selectors, "LATERAL_MAX_GRIDS", 1000 if per_site else 0)
    scope = OverviewScope(user=staff, level="all", unit=None, children="community")
    ours = inspection_figures(scope=scope, start=start, end=end, today=today, children={})
    theirs = coverage_totals(rows=inspection_coverage(user=staff, start=start, end=end, today=today))
    assert (ours["sites"], ours["due"], ours["done"], ours["overdue"], ours["rate"]) == (
        theirs.sites,
        theirs.due,
        theirs.done,
        theirs.overdue,
        theirs.rate,
    )
    assert ours["sites"] == len(CATEGORIES) * len(COLOURS) * len(HISTORIES)
    assert 0 < ours["overdue"] < ours["due"] < ours["sites"]


def test_the_interval_in_sql_is_the_hazard_apps_rule(grid):
    """Every colour and kind of category gets the interval hazards.selectors.inspection_interval_days gives."""
    for code, colour in itertools.product(CATEGORIES + ("XS02",), COLOURS):
        SiteFactory(grid=grid, category=category(code), risk_colour=colour)
    sites = Site.objects.select_related("category").annotate(interval=interval_days_case())
    assert {site.pk: site.interval for site in sites} == {site.pk: inspection_interval_days(site=site) for site in sites}
    assert {site.interval for site in sites} == {7, 14, 30, 90}


def test_a_user_outside_the_street_counts_nothing(every_kind_of_site, db):
    nobody = User.objects.create(username="nobody", role=User.Role.STREET_STAFF)
    scope = OverviewScope(user=nobody, level="all", unit=None, children="community")
    day = datetime.date(2026, 11, 20)
    assert inspection_figures(scope=scope, start=day.replace(day=1), end=day, today=day, children={})["sites"] == 0
