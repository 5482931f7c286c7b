"""Hazard statistics per quarter and per year, by community, grid and category: found, closed,
rectification rate, overdue (still open past the deadline), major; each user sees their scope,
and the statistics page shows the same numbers and their totals."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from hazards import services
from hazards.selectors import hazard_statistics
from tests.factories import category
from tests.hazards.conftest import in_days, photo

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
YEAR = 2025


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZONE)


@pytest.fixture
def year_of_hazards(site, neighbour_site, far_site, grid_worker, staff):
    """A year of hazards across the street, each step taken on the day it happened:

    第一网格 (望江社区, a small shop): one fixed on the spot in February, one closed after its review in May;
    第二网格 (望江社区, a small restaurant): a major hazard found on 31 March at 23:30, still open;
    第九网格 (郭家桥社区, a small shop): one notified on 1 April at 00:30 and never rectified (overdue now),
        one found on 31 December at 23:59;
    and two just outside the year, on either side of it.
    """
    neighbour_site.category = category("XS02")
    neighbour_site.save(update_fields=["category"])

    def raise_(when, where, **kwargs):
        with time_machine.travel(when, tick=False):
            return services.hazard_raise(site=where, acting_user=staff, description="隐患", **kwargs)

    with time_machine.travel(at(YEAR, 2, 10, 10), tick=False):
        fixed = services.hazard_raise(site=site, acting_user=grid_worker, description="灭火器压力不足")
        services.hazard_close_on_spot(hazard=fixed, acting_user=grid_worker, note="已更换", uploads=[photo()])
    raise_(at(YEAR, 3, 31, 23, 30), neighbour_site, level="major")
    with time_machine.travel(at(YEAR, 4, 1, 0, 30), tick=False):
        late = services.hazard_raise(site=far_site, acting_user=staff, description="疏散通道堵塞")
        services.hazard_notify(hazard=late, acting_user=staff, deadline=in_days(10))
    with time_machine.travel(at(YEAR, 5, 6, 9), tick=False):
        reviewed = services.hazard_raise(site=site, acting_user=grid_worker, description="应急照明损坏")
        services.hazard_notify(hazard=reviewed, acting_user=staff, deadline=in_days(5))
        services.hazard_rectify(hazard=reviewed, acting_user=grid_worker, note="已修复", uploads=[photo()])
        services.hazard_review(hazard=reviewed, acting_user=grid_worker, passed=True)
    raise_(at(YEAR, 12, 31, 23, 59), far_site)
    raise_(at(YEAR - 1, 12, 31, 23, 59), site)
    raise_(at(YEAR + 1, 1, 1, 0, 1), far_site)


def numbers(rows) -> dict[str, tuple]:
    return {row["name"]: (row["found"], row["closed"], row["rate"], row["overdue"], row["major"]) for row in rows}


# name: (found, closed, rate %, overdue, major)
BY_COMMUNITY = {"望江社区": (3, 2, 66.7, 0, 1), "郭家桥社区": (2, 0, 0.0, 1, 0)}
BY_GRID = {"第一网格": (2, 2, 100.0, 0, 0), "第二网格": (1, 0, 0.0, 0, 1), "第九网格": (2, 0, 0.0, 1, 0)}
BY_CATEGORY = {"小商店": (4, 2, 50.0, 1, 0), "小餐饮场所": (1, 0, 0.0, 0, 1)}
QUARTERS = {
    1: {"望江社区": (2, 1, 50.0, 0, 1)},
    2: {"望江社区": (1, 1, 100.0, 0, 0), "郭家桥社区": (1, 0, 0.0, 1, 0)},
    3: {},
    4: {"郭家桥社区": (1, 0, 0.0, 0, 0)},
}


@pytest.mark.parametrize(("by", "expected"), [("community", BY_COMMUNITY), ("grid", BY_GRID), ("category", BY_CATEGORY)])
def test_a_year_by_community_grid_and_category(year_of_hazards, staff, by, expected):
    assert numbers(hazard_statistics(user=staff, year=YEAR, by=by)) == expected


@pytest.mark.parametrize(("quarter", "expected"), QUARTERS.items())
def test_each_quarter_counts_what_was_found_in_it_in_the_streets_time_zone(year_of_hazards, staff, quarter, expected):
    assert numbers(hazard_statistics(user=staff, year=YEAR, quarter=quarter)) == expected


def test_the_statistics_take_one_query(year_of_hazards, staff, django_assert_num_queries):
    with django_assert_num_queries(1):
        hazard_statistics(user=staff, year=YEAR, by="grid")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("grid_worker", {"望江社区": (2, 2, 100.0, 0, 0)}),
        ("operator", {"望江社区": (3, 2, 66.7, 0, 1)}),
        ("outsider", {"郭家桥社区": (2, 0, 0.0, 1, 0)}),
        ("admin_user", BY_COMMUNITY),
        ("stranger", {}),
    ],
)
def test_each_user_counts_the_hazards_of_their_scope(request, year_of_hazards, persona, expected):
    assert numbers(hazard_statistics(user=request.getfixturevalue(persona), year=YEAR)) == expected


# --- The page --------------------------------------------------------------------------------------

CELL = r"\s*<td[^>]*>\s*(.*?)\s*</td>"
ROW = re.compile(r"<tr[^>]*>\s*<th[^>]*scope=\"row\"[^>]*>\s*(.*?)\s*</th>" + CELL * 5 + r"\s*</tr>", re.S)


def page_numbers(html: str) -> dict[str, tuple]:
    table = html[html.index('data-testid="hazard-statistics"') :]
    result = {}
    for name, found, closed, rate, overdue, major in ROW.findall(table):
        rate = None if rate == "—" else float(rate.rstrip("%"))
        result[name] = (int(found), int(closed), rate, int(overdue), int(major))
    return result


@pytest.mark.parametrize(
    ("query", "expected", "total"),
    [
        ({"by": "community"}, BY_COMMUNITY, (5, 2, 40.0, 1, 1)),
        ({"by": "grid"}, BY_GRID, (5, 2, 40.0, 1, 1)),
        ({"by": "category"}, BY_CATEGORY, (5, 2, 40.0, 1, 1)),
        ({"by": "community", "quarter": "1"}, QUARTERS[1], (2, 1, 50.0, 0, 1)),
        ({"by": "grid", "quarter": "2"}, {"第一网格": (1, 1, 100.0, 0, 0), "第九网格": (1, 0, 0.0, 1, 0)}, (2, 1, 50.0, 1, 0)),
    ],
)
def test_the_page_shows_the_same_numbers_and_their_totals(year_of_hazards, client_for, staff, query, expected, total):
    response = client_for(staff).get(reverse("hazards:statistics"), {"year": YEAR, **query})
    assert response.status_code == 200
    shown = page_numbers(response.content.decode())
    assert shown == {**expected, "Total": total}


def test_a_quarter_without_hazards_says_so(year_of_hazards, client_for, staff):
    html = client_for(staff).get(reverse("hazards:statistics"), {"year": YEAR, "quarter": "3"}).content.decode()
    assert "No hazard was found in this period." in html and "Total" not in html


def test_the_grid_workers_page_shows_their_grid_only(year_of_hazards, client_for, grid_worker):
    html = client_for(grid_worker).get(reverse("hazards:statistics"), {"year": YEAR, "by": "grid"}).content.decode()
    assert page_numbers(html) == {"第一网格": (2, 2, 100.0, 0, 0), "Total": (2, 2, 100.0, 0, 0)}


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"year": "99999999999999999999"},
        {"year": "2025\x00"},
        {"quarter": "5"},
        {"quarter": "-1"},
        {"quarter": "\x00"},
        {"by": "street"},
        {"by": "\x00"},
    ],
)
def test_bad_parameters_show_the_current_year_by_community(client_for, staff, query):
    response = client_for(staff).get(reverse("hazards:statistics"), query)
    assert response.status_code == 200
    assert response.context["by"] in ("community", "grid", "category")
    assert response.context["quarter"] in (None, 1, 2, 3, 4)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("hazards:statistics"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
