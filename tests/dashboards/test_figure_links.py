"""Every figure of the overview is a link to the list behind it, and that list counts the same, for each
role's scope and at each level of the drill-down; where a list lacks the filter a figure needs, the
figure says so (no data-count) and its link still opens."""

import html
import re

import pytest
from django.urls import reverse

FIGURE = re.compile(r'<a href="([^"]+)" class="figure[^"]*" data-count="(\d+)">')
LINK = re.compile(r'<a href="([^"]+)"')
DRILL_DOWN = re.compile(r'href="(/overview/(?:street|community|grid)/\d+/)"')


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


def rows_of(client, url: str) -> int:
    """How many rows the list at ``url`` holds, as its page counts them."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    try:
        return context["page"].paginator.count
    except KeyError:
        return len(context["rows"])  # the coverage page's sites


def overview_pages(client) -> dict[str, str]:
    """The overview of the user's scope and every page of its drill-down, by URL."""
    pages, waiting = {}, [reverse("dashboards:overview")]
    while waiting:
        url = waiting.pop()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        waiting.extend(DRILL_DOWN.findall(pages[url]))
    return pages


@pytest.mark.parametrize(
    ("persona", "pages", "at_least"),
    [
        # The street, its two communities and three grids.
        ("staff", 6, 200),
        # The grid worker's one grid: its page lists its sites.
        ("grid_worker", 1, 30),
        # The station's two grids of one community, and that community (its grids' breadcrumb).
        ("operator", 4, 80),
        ("outsider", 1, 30),
        # Two streets: the city, each street, their communities and grids.
        ("admin_user", 10, 250),
    ],
)
def test_every_figure_counts_what_its_list_shows(request, month, client_for, persona, pages, at_least):
    client = client_for(request.getfixturevalue(persona))
    seen = overview_pages(client)
    assert len(seen) == pages
    counted: dict[str, int] = {}
    for page_url, content in seen.items():
        for href, count in FIGURE.findall(content):
            url = html.unescape(href)
            if url not in counted:
                counted[url] = rows_of(client, url)
            assert counted[url] == int(count), f"{page_url}: {url}"
    assert len(counted) >= at_least


@pytest.mark.parametrize("persona", ["staff", "grid_worker", "operator"])
def test_every_link_of_the_overview_opens(request, month, client_for, persona):
    """No figure leads to a page the user may not see (coverage is the street office's: others get the number alone)."""
    client = client_for(request.getfixturevalue(persona))
    content = client.get(reverse("dashboards:overview")).content.decode()
    main = content[content.index("<main") :]
    links = {html.unescape(href) for href in LINK.findall(main) if not href.startswith(("#", "?"))}
    for url in links:
        assert client.get(url).status_code == 200, url
    coverage_links = [url for url in links if url.startswith(reverse("inspections:coverage-sites"))]
    assert bool(coverage_links) is (persona in ("staff", "admin_user"))


def test_only_rates_times_and_fire_alarms_are_not_claimed_exact(month, client_for, staff, community):
    """Every count leads to a list that counts it: incidents by day and area, detectors by area, major
    hazards under supervision, sites not graded, hazards found and closed in the period. A rate, a
    time, and the fire alarms (which the incident list groups into incidents) carry no data-count."""
    content = client_for(staff).get(reverse("dashboards:overview-community", args=[community.pk])).content.decode()
    loose = {html.unescape(href) for href in re.findall(r'<a href="([^"]+)" class="figure[^"]*">', content)}
    exact = {html.unescape(href) for href, _count in FIGURE.findall(content)}
    for url in loose:
        assert url.startswith(("/hazards/statistics/", "/alarms/incidents/?")), url
        if url.startswith("/alarms/incidents/?"):
            assert "real=" not in url or "real=0" in url, url  # the month's false-alarm rate
    assert any(url.startswith("/alarms/incidents/?") and "since=2026-11-20" in url for url in exact)
    assert any(url.startswith("/alarms/incidents/?") and "since=2026-11-01" in url for url in exact)
    # The community's figures, and its grids' in the ranking table.
    assert all(f"community={community.pk}" in url or "grid=" in url for url in exact)
    assert any(url.startswith("/alarms/devices/?") for url in exact)
    assert any(url.startswith("/hazards/?") and "supervised=true" in url for url in exact)
    assert any(url.startswith("/hazards/?") and "found_since=2026-10-01" in url and "status=closed" in url for url in exact)
    assert any(url.startswith("/sites/?") for url in exact)


def test_the_whole_streets_pages_of_an_admin_link_by_street(month, client_for, admin_user, street):
    """An admin's street page narrows every list by the street, which each list now understands."""
    content = client_for(admin_user).get(reverse("dashboards:overview-street", args=[street.pk])).content.decode()
    exact = {html.unescape(href) for href, _count in FIGURE.findall(content)}
    lists = {url.split("?")[0] for url in exact}
    assert {"/sites/", "/hazards/", "/alarms/incidents/", "/alarms/devices/", "/inspections/coverage/sites/"} <= lists
    assert all(f"street={street.pk}" in url or "community=" in url for url in exact)
