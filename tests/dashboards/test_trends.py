"""The trends page: hazards found and closed, grade changes and alarms per month and per week, for each
role's scope (404 outside it); its queries do not grow with the data; its chart library is loaded on the
staff's dashboards only, never on a grid worker's pages.

Every test runs on NOW, Friday 20 November 2026, 10:00 in the street's time zone (tests/dashboards/conftest.py):
the months shown are December 2025 to November 2026, the weeks those from Monday 25 May to Monday 16 November.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alarms.models import Device, Incident
from dashboards.selectors import overview_scope_get
from dashboards.trends import period_starts, trend_figures
from enterprises.models import Site
from hazards.models import GradeChange, Hazard
from tests.alarms.conftest import preset
from tests.dashboards.conftest import at
from tests.factories import SiteFactory

MONTHS = [datetime.date(2025, 12, 1)] + [datetime.date(2026, month, 1) for month in range(1, 12)]


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


def found(site: Site, when: datetime.datetime, closed: datetime.datetime | None = None) -> Hazard:
    """A hazard of the site found then, and closed then if said (rows as the closed loop leaves them)."""
    return Hazard.objects.create(
        site=site,
        description="隐患",
        source=Hazard.Source.STAFF_REPORT,
        found_at=when,
        status=Hazard.Status.CLOSED if closed else Hazard.Status.FOUND,
        closed_at=closed,
    )


def graded(site: Site, old: str, new: str, when: datetime.datetime) -> GradeChange:
    """A grade change as hazards.services.reassess_site records it."""
    return GradeChange.objects.create(site=site, from_colour=old, to_colour=new, trigger="测试", at=when)


def alarmed(site: Site, when: datetime.datetime, real: bool | None = None, *, integration) -> Incident:
    """An incident opened by a fire alarm at the site then, confirmed real or false if said."""
    device, _created = Device.objects.get_or_create(
        integration=integration, platform_device_id=f"T{site.pk}", defaults={"model": preset("onenet"), "site": site}
    )
    return Incident.objects.create(
        site=site, device=device, opened_at=when, last_alarm_at=when, real=real, status=Incident.Status.RESOLVED
    )


@pytest.fixture
def history(site, neighbour_site, far_site, stranger, onenet):
    """A year of the street (望江社区: the shop in 第一网格, the noodle bar in 第二网格; 郭家桥社区: the
    hardware shop in 第九网格), and the other street's shop, whose rows nobody of ours may count.

    Hazards: the shop's found on 15 Oct and closed on 3 Nov; the noodle bar's found and closed on 5 Nov; the
    hardware shop's found at 00:30 on 1 Feb (31 January in UTC: February in the street's time), and one
    found on 30 Nov 2025, before the range, closed on 2 Dec 2025; the other street's found on 15 Nov.

    Grades: the shop first graded red on 10 Mar, down to orange on 2 Jun, up to red on 20 Jun, down to
    orange again on 25 Jun; the noodle bar up from blue to yellow on 15 Jun; the hardware shop down on
    30 Nov 2025, before the range; the other street's shop up on 10 Jun.

    Incidents: the shop's real fire on 3 Nov, a false alarm and one without a verdict yet today; the noodle
    bar's false alarm on 20 Oct; the hardware shop's at 00:10 on 1 Jan (still 2025 in UTC); the other
    street's on 15 Nov.
    """
    other = Site.objects.get(name="九眼桥小商店")
    found(site, at(10, 15), closed=at(11, 3))
    found(neighbour_site, at(11, 5), closed=at(11, 5, 11))
    found(far_site, at(2, 1, 0, 30))
    found(far_site, at(11, 30, year=2025), closed=at(12, 2, year=2025))
    found(other, at(11, 15))

    graded(site, "", "red", at(3, 10))
    graded(site, "red", "orange", at(6, 2))
    graded(site, "orange", "red", at(6, 20))
    graded(site, "red", "orange", at(6, 25))
    graded(neighbour_site, "blue", "yellow", at(6, 15))
    graded(far_site, "yellow", "blue", at(11, 30, year=2025))
    graded(other, "blue", "red", at(6, 10))

    integration = onenet.integration
    alarmed(site, at(11, 3, 12), real=True, integration=integration)
    alarmed(site, at(11, 20, 9), real=False, integration=integration)
    alarmed(site, at(11, 20, 9, 30), integration=integration)
    alarmed(neighbour_site, at(10, 20), real=False, integration=integration)
    alarmed(far_site, at(1, 1, 0, 10), integration=integration)
    alarmed(other, at(11, 15), real=False, integration=integration)


def trends_of(user, period="month", level="all", pk=None) -> dict:
    return trend_figures(scope=overview_scope_get(user=user, level=level, pk=pk), period=period)


def by_month(**counts) -> list[int]:
    """Twelve monthly numbers, zero but for the months named: by_month(feb=1, nov=2)."""
    names = ["dec", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov"]
    return [counts.get(name, 0) for name in names]


def test_the_periods_are_the_last_twelve_months_and_twenty_six_weeks_to_today():
    today = datetime.date(2026, 11, 20)
    assert period_starts(period="month", today=today) == MONTHS
    weeks = period_starts(period="week", today=today)
    assert (len(weeks), weeks[0], weeks[-1]) == (26, datetime.date(2026, 5, 25), datetime.date(2026, 11, 16))
    assert {week.weekday() for week in weeks} == {0}
    assert period_starts(period="month", today=datetime.date(2027, 1, 31), count=3) == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]


def test_the_street_month_by_month(history, staff):
    figures = trends_of(staff)
    assert figures["starts"] == MONTHS
    assert figures["hazards"] == {"found": by_month(feb=1, oct=1, nov=1), "closed": by_month(dec=1, nov=2)}
    # The shop went down twice in June and up once: counted once each way; its first grading apart.
    assert figures["grades"] == {"up": by_month(jun=2), "down": by_month(jun=1), "first": by_month(mar=1)}
    alarms = figures["alarms"]
    assert alarms["incidents"] == by_month(jan=1, oct=1, nov=3)
    assert (alarms["real"], alarms["false"]) == (by_month(nov=1), by_month(oct=1, nov=1))
    assert alarms["false_rate"] == [None] * 10 + [100.0, 50.0]


def test_the_street_week_by_week(history, staff):
    figures = trends_of(staff, period="week")
    weeks = figures["starts"]
    assert len(weeks) == 26

    def weekly(*counts: tuple[datetime.date, int]) -> list[int]:
        """Twenty-six weekly numbers, zero but for the weeks of the days named."""
        numbers = [0] * 26
        for day, count in counts:
            numbers[weeks.index(day - datetime.timedelta(days=day.weekday()))] = count
        return numbers

    def day(month: int, number: int) -> datetime.date:
        return datetime.date(2026, month, number)

    assert figures["hazards"]["found"] == weekly((day(10, 15), 1), (day(11, 5), 1))
    # Closed on Tuesday 3 and Thursday 5 November: one week.
    assert figures["hazards"]["closed"] == weekly((day(11, 3), 2))
    # The noodle bar up on Monday 15 June and the shop on Saturday 20 June: one week; the shop down in two.
    assert figures["grades"]["up"] == weekly((day(6, 15), 2))
    assert figures["grades"]["down"] == weekly((day(6, 2), 1), (day(6, 25), 1))
    assert figures["alarms"]["incidents"] == weekly((day(10, 20), 1), (day(11, 3), 1), (day(11, 20), 2))


@pytest.mark.parametrize(
    ("persona", "found", "incidents", "up"),
    [
        # 第一网格: the shop.
        ("grid_worker", by_month(oct=1), by_month(nov=3), by_month(jun=1)),
        # 第九网格: the hardware shop.
        ("outsider", by_month(feb=1), by_month(jan=1), by_month()),
        # The station covers 第一网格 and 第二网格.
        ("operator", by_month(oct=1, nov=1), by_month(oct=1, nov=3), by_month(jun=2)),
        ("stranger", by_month(nov=1), by_month(nov=1), by_month(jun=1)),
        ("admin_user", by_month(feb=1, oct=1, nov=2), by_month(jan=1, oct=1, nov=4), by_month(jun=3)),
    ],
)
def test_each_role_counts_its_own_scope(request, history, persona, found, incidents, up):
    figures = trends_of(request.getfixturevalue(persona))
    assert figures["hazards"]["found"] == found
    assert figures["alarms"]["incidents"] == incidents
    assert figures["grades"]["up"] == up


def test_a_community_and_a_grid_are_narrowed(history, staff, community, other_community, neighbour_grid):
    assert trends_of(staff, level="community", pk=community.pk)["hazards"]["found"] == by_month(oct=1, nov=1)
    assert trends_of(staff, level="community", pk=other_community.pk)["alarms"]["incidents"] == by_month(jan=1)
    grid = trends_of(staff, level="grid", pk=neighbour_grid.pk)
    assert (grid["hazards"]["closed"], grid["alarms"]["false"]) == (by_month(nov=1), by_month(oct=1))


# --- The page ---------------------------------------------------------------------------------------------


def table(page: str, key: str) -> list[list[str]]:
    """The rows of a chart's table: [period, number, ...]."""
    body = re.search(rf'data-testid="trend-table-{key}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_page_shows_each_charts_numbers_as_a_table(history, client_for, staff):
    page = client_for(staff).get(reverse("dashboards:trends")).content.decode()
    hazards = table(page, "hazards")
    assert [row[0] for row in hazards] == [f"{date:%B %Y}" for date in MONTHS]
    assert hazards[-1] == ["November 2026", "1", "2"] and hazards[0] == ["December 2025", "0", "1"]
    assert table(page, "grades")[6] == ["June 2026", "2", "1", "0"]
    assert table(page, "alarms")[-1] == ["November 2026", "3", "1", "1", "50.0%"]
    assert table(page, "alarms")[0] == ["December 2025", "0", "0", "0", "—"]


def test_the_week_switch_shows_twenty_six_weeks(history, client_for, staff):
    client = client_for(staff)
    page = client.get(reverse("dashboards:trends"), {"period": "week"}).content.decode()
    rows = table(page, "hazards")
    assert len(rows) == 26 and rows[-1] == ["Week of Nov. 16, 2026", "0", "0"]
    assert rows[-3] == ["Week of Nov. 2, 2026", "1", "2"]
    assert 'aria-current="page">By week</a>' in page
    # Anything else is the months.
    other = client.get(reverse("dashboards:trends"), {"period": "fortnight\x00"})
    assert other.status_code == 200 and len(table(other.content.decode(), "hazards")) == 12


def url(level, unit):
    return reverse(f"dashboards:trends-{level}", args=[unit.pk])


@pytest.mark.parametrize(
    ("persona", "level", "unit", "status"),
    [
        ("staff", "street", "street", 200),
        ("staff", "community", "other_community", 200),
        ("staff", "grid", "far_grid", 200),
        ("staff", "street", "other:street", 404),
        ("staff", "grid", "other:grid", 404),
        ("grid_worker", "grid", "grid", 200),
        ("grid_worker", "grid", "neighbour_grid", 404),
        ("grid_worker", "grid", "other:grid", 404),
        ("grid_worker", "community", "other_community", 404),
        ("operator", "grid", "far_grid", 404),
        ("stranger", "street", "street", 404),
        ("stranger", "community", "community", 404),
        ("admin_user", "street", "other:street", 200),
    ],
)
def test_an_area_outside_the_scope_is_not_found(request, history, client_for, stranger, persona, level, unit, status):
    if unit.startswith("other:"):
        grid = stranger.street.communities.get().grids.get()
        target = {"street": stranger.street, "community": grid.community, "grid": grid}[unit.removeprefix("other:")]
    else:
        target = request.getfixturevalue(unit)
    assert client_for(request.getfixturevalue(persona)).get(url(level, target)).status_code == status


def test_the_drill_down_leads_from_the_street_to_its_communities_and_back_to_the_overview(
    history, client_for, staff, community, grid
):
    client = client_for(staff)
    street_page = client.get(reverse("dashboards:trends"), {"period": "week"}).content.decode()
    assert f'href="{url("community", community)}?period=week"' in street_page
    community_page = client.get(url("community", community)).content.decode()
    assert f'href="{url("grid", grid)}"' in community_page
    assert f'href="{reverse("dashboards:overview-community", args=[community.pk])}"' in community_page
    assert f'href="{reverse("dashboards:trends")}"' in community_page  # the breadcrumb back up


def test_the_overview_links_to_the_trends_of_the_same_area(history, client_for, staff, community):
    client = client_for(staff)
    assert f'href="{reverse("dashboards:trends")}"' in client.get(reverse("dashboards:overview")).content.decode()
    community_overview = client.get(reverse("dashboards:overview-community", args=[community.pk])).content.decode()
    assert f'href="{url("community", community)}"' in community_overview


# --- Speed --------------------------------------------------------------------------------------------------


def grow(*, sites: list[Site], count: int, integration) -> None:
    """``count`` more hazards, grade changes and incidents spread over the sites and the year."""
    for number in range(count):
        site = sites[number % len(sites)]
        when = at(1 + number % 10, 1 + number % 28)
        found(site, when, closed=when + datetime.timedelta(days=3))
        graded(site, "blue", "yellow", when)
        alarmed(site, when, real=bool(number % 2), integration=integration)


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "admin_user", "grid_worker", "operator"])
def test_the_trends_take_as_many_queries_with_ten_times_the_data(
    request, client_for, grid, neighbour_grid, far_grid, onenet, persona
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    sites = [SiteFactory(grid=each) for each in (grid, neighbour_grid, far_grid) for _copy in range(4)]
    pages = [reverse("dashboards:trends"), url("grid", grid) + "?period=week"]
    client.get(pages[0])  # the session and the user's first loads

    def counts():
        return [queries_of(lambda page=page: client.get(page)) for page in pages]

    grow(sites=sites, count=10, integration=onenet.integration)
    small = counts()
    grow(sites=sites, count=100, integration=onenet.integration)
    assert counts() == small
    # The figures alone: one query for hazards, one for grades, one for incidents.
    scope = overview_scope_get(user=user)
    scope.load_grids()
    with CaptureQueriesContext(connection) as context:
        trend_figures(scope=scope, period="month")
    assert len([query for query in context.captured_queries if query["sql"].startswith("SELECT")]) == 3


# --- The chart library ---------------------------------------------------------------------------------------


def scripts(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page)


def test_staff_get_the_charts_drawn_from_the_pages_data(history, client_for, staff):
    page = client_for(staff).get(reverse("dashboards:trends")).content.decode()
    tags = scripts(page)
    assert any("vendor/echarts/echarts.common.min.js" in tag for tag in tags)
    assert any("js/trends.js" in tag for tag in tags)
    # No inline script (the Content Security Policy): the data is JSON, drawn by the static file.
    assert all(" src=" in tag or 'type="application/json"' in tag for tag in tags)
    assert '<script id="trend-data" type="application/json">' in page
    assert page.count('data-trend-chart="') == 3


def test_the_chart_library_is_never_loaded_on_a_grid_workers_pages(history, client_for, grid_worker, grid):
    """A grid worker's trends are tables; their phone pages and their overview stay light."""
    client = client_for(grid_worker)
    for path in (
        reverse("dashboards:trends"),
        url("grid", grid),
        reverse("dashboards:overview"),
        reverse("inspections-phone:tasks"),
        reverse("enterprises:my-grid"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "echarts" not in response.content.decode(), path
    page = client.get(reverse("dashboards:trends")).content.decode()
    assert '<details class="trend-table" open>' in page
    assert table(page, "hazards")[-2] == ["October 2026", "1", "0"]


def test_the_overview_itself_does_not_load_the_chart_library(history, client_for, staff):
    assert "echarts" not in client_for(staff).get(reverse("dashboards:overview")).content.decode()
