"""Schedules: each site is due by its colour's interval after its last routine check; "my tasks" lists the
due and overdue sites, the hazards awaiting re-inspection and running campaigns, most urgent first, in a
fixed number of queries; coverage per grid and community over a period."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.services import site_risk_colour_set
from hazards import services as hazard_services
from inspections.schedules import coverage_sites, coverage_totals, inspection_coverage, inspection_task_list
from inspections.selectors import checklist_for_site
from inspections.services import inspection_submit
from tests.factories import SiteFactory
from tests.inspections.conftest import answers_for, body, photo_upload

TODAY = datetime.date(2026, 11, 25)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def inspected(site, user, on: datetime.date):
    """A routine check of ``site`` on that day, through the service."""
    with time_machine.travel(at(on), tick=False):
        versions = checklist_for_site(site=site, user=user).versions
        return inspection_submit(acting_user=user, data=body(site, answers_for(versions)))


def coloured(site, colour: str):
    site_risk_colour_set(site_id=site.pk, colour=colour)
    site.refresh_from_db()
    return site


@pytest.fixture
def street_of_sites(grid, grid_worker, staff):
    """Sites of the first grid at each point of their schedule, on TODAY (intervals: red 7, orange 14, yellow 30,
    blue 90 capped at 30 for a unit), and hazards awaiting re-inspection."""
    sites = {name: SiteFactory(grid=grid, name=name) for name in "ABCDEFGH"}
    inspected(sites["A"], grid_worker, days(-10))  # red: due day -3
    inspected(sites["C"], grid_worker, days(-40))  # blue, capped at 30: due day -10
    inspected(sites["D"], grid_worker, days(-5))  # orange: due day +9, not yet
    for name in "FGH":
        inspected(sites[name], grid_worker, days(-1))  # checked yesterday: only their hazards are due
    for name, colour in {"A": "red", "B": "yellow", "C": "blue", "D": "orange", "F": "blue", "G": "blue", "H": "blue"}.items():
        coloured(sites[name], colour)
    sites["E"].status = "suspended"
    sites["E"].save(update_fields=["status"])
    with time_machine.travel(at(days(-3)), tick=False):
        near = hazard_services.hazard_raise(site=sites["F"], acting_user=grid_worker, description="疏散通道堆放杂物")
        hazard_services.hazard_notify(hazard=near, acting_user=staff, deadline=days(2))
        far = hazard_services.hazard_raise(site=sites["G"], acting_user=grid_worker, description="应急照明损坏")
        hazard_services.hazard_notify(hazard=far, acting_user=staff, deadline=days(10))
        fixed = hazard_services.hazard_raise(site=sites["H"], acting_user=grid_worker, description="灭火器过期")
        hazard_services.hazard_notify(hazard=fixed, acting_user=staff, deadline=days(5))
    with time_machine.travel(at(days(-1)), tick=False):
        hazard_services.hazard_rectify(hazard=fixed, acting_user=grid_worker, note="已更换", uploads=[photo_upload()])
    for name in "FGH":  # the hazards changed their colours; put them back for the test
        coloured(sites[name], "blue")
    return sites


def test_my_tasks_lists_due_overdue_and_reinspections_most_urgent_first(street_of_sites, grid_worker):
    tasks = inspection_task_list(user=grid_worker, today=TODAY)
    assert [(task.site.name, task.kind, task.due_on, task.overdue_days) for task in tasks] == [
        ("C", "routine", days(-10), 10),
        ("A", "routine", days(-3), 3),
        ("H", "reinspection", days(-1), 1),
        ("B", "routine", TODAY, 0),
        ("F", "reinspection", days(2), 0),
    ]
    c, a = tasks[0], tasks[1]
    assert (c.last_inspected_on, c.interval_days) == (days(-40), 30)
    assert (a.last_inspected_on, a.interval_days) == (days(-10), 7)
    assert tasks[3].last_inspected_on is None
    assert [hazard.description for hazard in tasks[2].hazards] == ["灭火器过期"]


def test_tasks_are_scoped_to_the_users_sites(street_of_sites, outsider, staff):
    assert inspection_task_list(user=outsider, today=TODAY) == []
    assert len(inspection_task_list(user=staff, today=TODAY)) == 5


def test_on_the_same_day_a_reinspection_comes_first_then_the_higher_colour(grid, grid_worker, staff):
    coloured(SiteFactory(grid=grid, name="蓝"), "blue")
    coloured(SiteFactory(grid=grid, name="红"), "red")
    fixed = SiteFactory(grid=grid, name="已整改")
    inspected(fixed, grid_worker, days(-1))
    with time_machine.travel(at(TODAY, 8), tick=False):
        hazard = hazard_services.hazard_raise(site=fixed, acting_user=grid_worker, description="灭火器过期")
        hazard_services.hazard_notify(hazard=hazard, acting_user=staff, deadline=days(5))
        hazard_services.hazard_rectify(hazard=hazard, acting_user=grid_worker, note="已更换", uploads=[photo_upload()])
    tasks = inspection_task_list(user=grid_worker, today=TODAY)
    assert [(task.site.name, task.kind) for task in tasks] == [("已整改", "reinspection"), ("红", "routine"), ("蓝", "routine")]


def test_my_tasks_cost_the_same_queries_for_few_sites_or_many(grid, grid_worker, staff):
    def counted() -> int:
        with CaptureQueriesContext(connection) as context:
            tasks = inspection_task_list(user=grid_worker, today=TODAY)
            [task.as_dict() for task in tasks]
        return len(context.captured_queries)

    def add(n: int):
        for i in range(n):
            site = SiteFactory(grid=grid)
            inspected(site, grid_worker, days(-40 + i))
            with time_machine.travel(at(days(-3)), tick=False):
                hazard = hazard_services.hazard_raise(site=site, acting_user=grid_worker, description=f"隐患{i}")
                hazard_services.hazard_notify(hazard=hazard, acting_user=staff, deadline=days(1))

    add(2)
    few = counted()
    add(8)
    many = counted()
    assert few == many <= 4
    assert len(inspection_task_list(user=grid_worker, today=TODAY)) == 20


def test_the_tasks_api_for_the_phone_to_keep(api, street_of_sites, grid_worker, operator):
    with time_machine.travel(at(TODAY), tick=False):
        response = api(grid_worker).get("/api/inspections/tasks/")
    assert response.status_code == 200
    payload = response.json()
    assert payload["today"] == TODAY.isoformat()
    first = payload["tasks"][0]
    assert first["site"]["name"] == "C" and first["kind"] == "routine" and first["overdue_days"] == 10
    assert first["checklist_url"] == f"/api/inspections/checklist/?site={street_of_sites['C'].pk}&kind=routine"
    reinspection = payload["tasks"][2]
    assert reinspection["kind"] == "reinspection" and reinspection["hazards"][0]["status"] == "rectified"
    assert api(operator).get("/api/inspections/tasks/").status_code == 403


# --- Coverage -----------------------------------------------------------------------------------------------

START, END = days(-30), days(-1)


@pytest.fixture
def covered(site, neighbour_site, far_site, grid_worker, staff, outsider):
    """Over the last 30 days: the first grid's shop checked in the period, a second shop there never checked;
    the neighbour grid's shop checked 40 days ago (yellow: due 10 days ago, not checked since); the far
    grid's shop checked 5 days before the period (red: due 2 days in, checked in the period)."""
    second = SiteFactory(grid=site.grid, name="第二家店")
    inspected(site, grid_worker, days(-12))
    inspected(neighbour_site, staff, days(-40))
    inspected(far_site, outsider, days(-35))
    inspected(far_site, outsider, days(-20))
    coloured(neighbour_site, "yellow")
    coloured(far_site, "red")
    coloured(site, "yellow")
    coloured(second, "yellow")
    return {"site": site, "second": second, "neighbour": neighbour_site, "far": far_site}


def test_coverage_per_grid_and_community(covered, staff, grid, neighbour_grid, far_grid):
    rows = {row.name: row for row in inspection_coverage(user=staff, start=START, end=END, by="grid", today=TODAY)}
    first, neighbour, far = rows["望江社区 第一网格"], rows["望江社区 第二网格"], rows["郭家桥社区 第九网格"]
    assert (first.sites, first.due, first.done, first.overdue) == (2, 2, 1, 1)
    assert (neighbour.sites, neighbour.due, neighbour.done, neighbour.overdue) == (1, 1, 0, 1)
    assert (far.sites, far.due, far.done, far.overdue) == (1, 1, 1, 0)
    assert first.rate == 50.0 and far.rate == 100.0
    communities = {row.name: row for row in inspection_coverage(user=staff, start=START, end=END, by="community", today=TODAY)}
    assert (communities["望江社区"].due, communities["望江社区"].done, communities["望江社区"].overdue) == (3, 1, 2)
    total = coverage_totals(rows=list(rows.values()))
    assert (total.sites, total.due, total.done, total.overdue) == (4, 4, 2, 2)


def test_coverage_numbers_equal_the_lists_they_summarise(covered, staff):
    for by in ("grid", "community"):
        for row in inspection_coverage(user=staff, start=START, end=END, by=by, today=TODAY):
            for status in ("due", "done", "overdue"):
                listed = coverage_sites(user=staff, start=START, end=END, today=TODAY, status=status, **{by: row.id})
                assert len(listed) == getattr(row, status), (by, row.name, status)


def test_coverage_is_scoped(covered, grid_worker):
    rows = inspection_coverage(user=grid_worker, start=START, end=END, today=TODAY)
    assert [row.name for row in rows] == ["望江社区 第一网格"]


def test_coverage_costs_one_query(covered, staff):
    with CaptureQueriesContext(connection) as context:
        inspection_coverage(user=staff, start=START, end=END, today=TODAY)
    assert len(context.captured_queries) == 1
