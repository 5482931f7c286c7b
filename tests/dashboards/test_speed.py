"""The overview's queries do not grow with the data: the same number at 10 and at 100 sites, each with
hazards, routine checks, a detector and a fire alarm; its figures are cached briefly per scope, and
say when they were computed."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alarms.models import Delivery, Device, Event, EventType, Incident
from hazards.models import Hazard
from inspections.models import Inspection
from tests.alarms.conftest import preset
from tests.dashboards.conftest import NOW
from tests.factories import SiteFactory, UserFactory


def grow(*, grids, count: int, start: int, inspector, integration) -> None:
    """``count`` sites spread over ``grids``, each with an open and a closed hazard, two routine checks,
    a detector and an incident with its fire alarm (made in bulk: the numbers, not the steps, matter here)."""
    now = timezone.now()
    model = preset("onenet")
    delivery = Delivery.objects.create(integration=integration, received_at=now, outcome="accepted", body=b"{}")
    for number in range(start, start + count):
        site = SiteFactory(grid=grids[number % len(grids)], risk_colour=("red", "orange", "yellow", "blue")[number % 4])
        Hazard.objects.create(
            site=site, description="隐患", source="inspection", found_at=now - datetime.timedelta(days=number % 40)
        )
        Hazard.objects.create(
            site=site,
            description="已销号",
            source="inspection",
            status="closed",
            found_at=now - datetime.timedelta(days=50),
            closed_at=now - datetime.timedelta(days=45),
        )
        for days in (3, 33):
            moment = now - datetime.timedelta(days=days)
            Inspection.objects.create(site=site, kind="routine", inspector=inspector, started_at=moment, finished_at=moment)
        device = Device.objects.create(integration=integration, platform_device_id=f"G{number}", model=model, site=site)
        opened = now - datetime.timedelta(hours=number + 1)
        incident = Incident.objects.create(
            site=site,
            device=device,
            opened_at=opened,
            last_alarm_at=opened,
            acknowledged_at=opened + datetime.timedelta(seconds=30),
        )
        Event.objects.create(
            integration=integration,
            delivery=delivery,
            device=device,
            platform_device_id=device.platform_device_id,
            external_id=f"grow-{number}",
            type=EventType.FIRE_ALARM,
            occurred_at=opened,
            received_at=opened,
            incident=incident,
        )


def queries_of(client, url: str) -> int:
    client.get(url)  # the session and the user's first loads
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "admin_user", "grid_worker", "operator"])
def test_the_overview_takes_as_many_queries_at_100_sites_as_at_10(
    request, settings, client_for, grid, neighbour_grid, far_grid, onenet, staff, persona
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(request.getfixturevalue(persona))
    pages = [reverse("dashboards:overview"), reverse("dashboards:overview-grid", args=[grid.pk])]
    with time_machine.travel(NOW, tick=False):
        grow(grids=[grid, neighbour_grid, far_grid], count=10, start=0, inspector=staff, integration=onenet.integration)
        at_10 = [queries_of(client, page) for page in pages]
        grow(grids=[grid, neighbour_grid, far_grid], count=90, start=10, inspector=staff, integration=onenet.integration)
        at_100 = [queries_of(client, page) for page in pages]
    assert at_10 == at_100


@pytest.fixture
def colleague_staff(street):
    return UserFactory(username="wangwu", full_name="王五", role=User.Role.STREET_STAFF, street=street)


def site_files(response) -> int:
    return response.context["figures"]["sites"]["total"]


def test_one_street_shares_its_figures_for_a_minute_and_is_told_when_they_were_computed(
    settings, client_for, grid, site, staff, colleague_staff, stranger
):
    settings.DASHBOARD_CACHE_SECONDS = 60
    overview = reverse("dashboards:overview")
    with time_machine.travel(NOW, tick=False):
        first = client_for(staff).get(overview)
        assert "Figures as of 2026-11-20 10:00:00." in first.content.decode()
        assert "They are computed again at most every 60 seconds." in first.content.decode()
    SiteFactory(grid=grid, name="新开的店")
    with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
        colleague = client_for(colleague_staff)
        shared = colleague.get(overview)
        assert "Figures as of 2026-11-20 10:00:00." in shared.content.decode()
        assert site_files(shared) == site_files(first) == 1
        # From the cache, the page asks the database only for the session, the user and the menu's badges.
        cached_queries = queries_of(colleague, overview)
        settings.DASHBOARD_CACHE_SECONDS = 0
        assert queries_of(colleague, overview) > cached_queries + 8
        assert site_files(colleague.get(overview)) == 2
        settings.DASHBOARD_CACHE_SECONDS = 60
        # Another street's staff never get ours.
        assert site_files(client_for(stranger).get(overview)) == 1
        assert "九眼桥街道" in client_for(stranger).get(overview).content.decode()
    keys = list(cache._cache.get_client().scan_iter(match=f"*dashboards:overview:*street-{staff.street_id}:all:*"))
    assert keys and all(0 < cache._cache.get_client().ttl(key) <= 60 for key in keys)
