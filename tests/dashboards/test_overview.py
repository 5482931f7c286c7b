"""The overview's figures for the street on NOW, as the month's story has them (tests/dashboards/conftest.py),
for each role's scope; the rectification rate as the statistics page has it; the response times by
PostgreSQL's continuous percentile."""

import statistics

import pytest
from django.urls import reverse

from dashboards.selectors import overview_figures, overview_scope_get


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


def figures_of(user, level="all", pk=None) -> dict:
    return overview_figures(scope=overview_scope_get(user=user, level=level, pk=pk))


def test_the_street_at_a_glance(month, staff):
    figures = figures_of(staff)
    assert figures["sites"] == {
        "total": 7,
        "by_status": {"operating": 6, "suspended": 1, "closed": 0},
        "operating": 6,
        "by_colour": {"red": 1, "orange": 1, "yellow": 1, "blue": 2},
        "ungraded": 1,
    }
    hazards = figures["hazards"]
    assert (hazards["open"], hazards["overdue"], hazards["supervised"]) == (5, 1, 1)
    assert hazards["by_status"] == {"found": 3, "notified": 1, "rectified": 1, "reviewed": 0}
    assert hazards["by_level"] == {"general": 4, "major": 1}
    assert hazards["quarter"] == {"found": 5, "closed": 1, "rate": 20.0}
    assert hazards["year"] == {"found": 6, "closed": 2, "rate": 33.3}
    inspections = figures["inspections"]
    assert {key: inspections[key] for key in ("sites", "due", "done", "overdue", "rate")} == {
        "sites": 6,
        "due": 4,
        "done": 2,
        "overdue": 2,
        "rate": 50.0,
    }
    alarms = figures["alarms"]
    assert {key: alarms[key] for key in ("open", "alarms_today", "alarms_month", "incidents_today", "incidents_month")} == {
        "open": 3,
        "alarms_today": 3,
        "alarms_month": 5,
        "incidents_today": 2,
        "incidents_month": 4,
    }
    assert (alarms["real_month"], alarms["false_month"], alarms["false_rate"]) == (1, 1, 50.0)
    assert figures["devices"] == {"total": 5, "by_status": {"online": 2, "offline": 1, "fault": 1, "low_battery": 1, "tamper": 0}}


def test_response_times_are_continuous_percentiles_of_this_months_incidents(month, staff):
    """Acknowledged after 30, 90 and 60 s this month (the 40 s of October left out); on scene after 240 and 180 s."""
    alarms = figures_of(staff)["alarms"]
    acknowledged, on_scene = [30, 60, 90], [180, 240]
    # statistics.quantiles' "inclusive" method is percentile_cont's linear interpolation.
    assert alarms["ack_p50"] == statistics.median(acknowledged) == 60
    assert alarms["ack_p95"] == pytest.approx(statistics.quantiles(acknowledged, n=20, method="inclusive")[-1]) == 87
    assert alarms["scene_p50"] == statistics.median(on_scene) == 210
    assert alarms["scene_p95"] == pytest.approx(statistics.quantiles(on_scene, n=20, method="inclusive")[-1]) == 237
    assert (alarms["acknowledged"], alarms["on_scene"]) == (3, 2)


def test_the_rectification_rate_is_the_statistics_pages(month, client_for, staff):
    """The same definition and the same numbers: of the hazards found in the period, the share closed by now."""
    hazards = figures_of(staff)["hazards"]
    client = client_for(staff)
    year = client.get(reverse("hazards:statistics"), {"year": 2026}).context["totals"]
    quarter = client.get(reverse("hazards:statistics"), {"year": 2026, "quarter": 4}).context["totals"]
    assert (year["found"], year["closed"], year["rate"]) == (hazards["year"]["found"], hazards["year"]["closed"], 33.3)
    assert (quarter["found"], quarter["closed"], quarter["rate"]) == (5, 1, hazards["quarter"]["rate"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # The grid worker's 第一网格: the shop, the courtyard and the suspended shop; the shop's hazards, checks and alarms.
        ("grid_worker", {"sites": 3, "open_hazards": 3, "due": 1, "overdue": 0, "open_incidents": 2, "month": 3, "devices": 3}),
        # The station covers 第一网格 and 第二网格, and was sent the hardware shop's alarm (I4) by assignment.
        ("operator", {"sites": 5, "open_hazards": 3, "due": 3, "overdue": 2, "open_incidents": 3, "month": 4, "devices": 4}),
        ("outsider", {"sites": 2, "open_hazards": 2, "due": 1, "overdue": 0, "open_incidents": 1, "month": 0, "devices": 1}),
        # Every street: ours and the other street's shop, its hazard, its detector and its alarm.
        ("admin_user", {"sites": 8, "open_hazards": 6, "due": 5, "overdue": 3, "open_incidents": 4, "month": 5, "devices": 6}),
        ("stranger", {"sites": 1, "open_hazards": 1, "due": 1, "overdue": 1, "open_incidents": 1, "month": 1, "devices": 1}),
    ],
)
def test_each_role_sees_the_figures_of_its_scope(request, month, persona, expected):
    figures = figures_of(request.getfixturevalue(persona))
    assert {
        "sites": figures["sites"]["total"],
        "open_hazards": figures["hazards"]["open"],
        "due": figures["inspections"]["due"],
        "overdue": figures["inspections"]["overdue"],
        "open_incidents": figures["alarms"]["open"],
        "month": figures["alarms"]["incidents_month"],
        "devices": figures["devices"]["total"],
    } == expected


def test_a_community_and_a_grid_have_the_same_panels_narrowed(month, staff, community, grid):
    community_figures = figures_of(staff, "community", community.pk)
    assert community_figures["sites"]["total"] == 5
    assert community_figures["hazards"]["open"] == 3
    assert community_figures["alarms"]["incidents_month"] == 4
    grid_figures = figures_of(staff, "grid", grid.pk)
    assert grid_figures["sites"]["total"] == 3
    assert [row["name"] for row in grid_figures["site_rows"]] == ["望江兰庭便利店", "望江楼院落", "停业小卖部"]
    shop = grid_figures["site_rows"][0]
    assert (shop["risk_colour"], shop["open_hazards"], shop["overdue_hazards"]) == ("red", 3, 1)
    assert shop["last_inspected_at"].date().isoformat() == "2026-11-15"


def test_the_ranking_lists_each_community_with_its_figures(month, staff):
    rows = {row["name"]: row for row in figures_of(staff)["children"]}
    assert set(rows) == {"望江社区", "郭家桥社区"}
    ours = rows["望江社区"]
    assert (ours["sites"], ours["red"], ours["open_hazards"], ours["overdue_hazards"]) == (4, 1, 3, 1)
    assert (ours["found_year"], ours["closed_year"], ours["rate_year"], ours["inspections_overdue"]) == (5, 2, 40.0, 2)
    far = rows["郭家桥社区"]
    assert (far["sites"], far["red"], far["open_hazards"], far["rate_year"]) == (2, 0, 2, 0.0)
