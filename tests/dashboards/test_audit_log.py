"""The audit log page (dashboards.audit): administrators read who changed what, when and from where,
filtered by any of these, a page at a time, and export it; nobody else reads it."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enterprises.models import Site
from enterprises.services import site_update
from hazards import services as hazards
from tests.dashboards.conftest import NOW
from tests.factories import GridFactory, SiteFactory
from tests.hazards.conftest import photo

AUDIT = reverse("dashboards:audit-log")
EXPORT = reverse("dashboards:audit-export")


@pytest.fixture
def edited(site, staff, neighbour_grid):
    """Street staff moved the shop to the next grid and closed it, from their office's address."""
    with set_actor(staff, remote_addr="203.0.113.7"):
        site_update(site=site, acting_user=staff, data={"grid": neighbour_grid, "status": Site.Status.CLOSED})
    return LogEntry.objects.get_for_object(site).get(action=LogEntry.Action.UPDATE)


def rows(html: str) -> int:
    return html.count("<tr data-entry=")


@pytest.mark.parametrize("persona", ["grid_worker", "staff", "operator"])
def test_only_admins_read_the_audit_log(request, client_for, persona, edited):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(AUDIT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (AUDIT, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_entry_says_who_when_what_changed_and_from_where(client_for, admin_user, edited, grid, neighbour_grid):
    html = client_for(admin_user).get(AUDIT).content.decode()
    row = html[html.index(f'<tr data-entry="{edited.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "任参" in row and "renshen" in row  # who: the name and the user name
    assert NOW.strftime("%Y-%m-%d") in row  # when, in the platform's time zone
    assert "Changed" in row and f"Site #{edited.object_pk}" in row and "望江兰庭便利店" in row
    # What changed, by the field's name: a related row by its name, a choice by its label.
    assert "Grid" in row and f"{grid} (#{grid.pk})" in row and f"{neighbour_grid} (#{neighbour_grid.pk})" in row
    assert "Status" in row and "Operating" in row and "Closed" in row
    assert "203.0.113.7" in row  # from where


def test_the_page_speaks_chinese(client, admin_user, edited):
    client.force_login(admin_user)
    html = client.get(AUDIT).content.decode()
    assert "审计日志" in html and "营业" in html


def test_a_write_outside_a_request_is_the_systems(client_for, admin_user, site):
    # The site was made outside any request, as a task or a command makes rows: it has no user.
    assert LogEntry.objects.get_for_object(site).get().actor is None
    client = client_for(admin_user)
    html = client.get(AUDIT, {"actor": "null"}).content.decode()
    assert rows(html) >= 1 and "The system" in html
    assert "望江兰庭便利店" in html


def test_filters_by_who_kind_record_action_day_and_address(client_for, admin_user, staff, site, edited):
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False), set_actor(admin_user, remote_addr="198.51.100.9"):
        hazard = hazards.hazard_raise(site=site, acting_user=admin_user, description="插线板串接", uploads=[photo()])
    client = client_for(admin_user)
    site_type = ContentType.objects.get_for_model(Site)

    def entries(**query) -> set[int]:
        response = client.get(AUDIT, query)
        assert response.status_code == 200
        html = response.content.decode()
        return {entry.pk for entry in LogEntry.objects.all() if f'<tr data-entry="{entry.pk}"' in html}

    by_staff = entries(actor=staff.pk)
    assert edited.pk in by_staff and all(LogEntry.objects.get(pk=pk).actor == staff for pk in by_staff)
    assert LogEntry.objects.get_for_object(hazard).get().pk in entries(actor=admin_user.pk)
    assert entries(content_type=site_type.pk, object_id=site.pk) == set(
        LogEntry.objects.get_for_object(site).values_list("pk", flat=True)
    )
    assert entries(action=LogEntry.Action.UPDATE, content_type=site_type.pk) == {edited.pk}
    later = (NOW + datetime.timedelta(days=2)).date().isoformat()
    assert edited.pk not in entries(since=later) and LogEntry.objects.get_for_object(hazard).get().pk in entries(since=later)
    assert edited.pk in entries(until=NOW.date().isoformat())
    assert entries(address="203.0.113.7") == {edited.pk}


def test_a_wrong_filter_is_said_beside_its_field(client_for, admin_user, edited):
    client = client_for(admin_user)
    response = client.get(AUDIT, {"address": "not-an-address", "since": "2026-13-40", "content_type": "999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="errorlist"') >= 3
    export = client.get(EXPORT, {"address": "not-an-address"})
    assert export.status_code == 302 and export.url.startswith(AUDIT)


def test_the_log_is_paginated(client_for, admin_user, grid):
    with set_actor(admin_user):
        SiteFactory.create_batch(55, grid=grid)
    client = client_for(admin_user)
    first = client.get(AUDIT, {"content_type": ContentType.objects.get_for_model(Site).pk}).content.decode()
    second = client.get(AUDIT, {"content_type": ContentType.objects.get_for_model(Site).pk, "page": 2}).content.decode()
    assert rows(first) == 50 and rows(second) == 5
    assert "content_type=" in first[first.index('rel="next"') - 200 :]


def test_the_queries_do_not_grow_with_the_entries(client_for, admin_user, staff, community):
    """Each kind of related row is read once for the page, however many entries name one."""
    client = client_for(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(AUDIT).status_code == 200
        return len(queries)

    def moves(number: int) -> None:
        grids = [GridFactory(community=community) for _ in range(2)]
        with set_actor(staff, remote_addr="203.0.113.7"):
            for _ in range(number):
                shop = SiteFactory(grid=grids[0])
                site_update(site=shop, acting_user=staff, data={"grid": grids[1]})

    moves(2)
    few = count()
    moves(20)
    assert count() == few


def test_the_export_holds_the_filtered_entries_in_the_offices_language(client_for, admin_user, edited, grid_worker):
    client = client_for(admin_user)
    response = client.get(EXPORT, {"actor": edited.actor_id})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("时间", "操作人", "用户名", "动作")
    assert len(values) - 1 == LogEntry.objects.filter(actor=edited.actor).count()
    row = next(row for row in values[1:] if row[5] == edited.object_pk and row[3] == "修改")
    assert row[1] == "任参" and row[8] == "203.0.113.7"
    assert "状态: 营业 → 关闭" in row[7]


def test_the_admin_finds_it_in_the_menu(client_for, admin_user, staff):
    assert AUDIT in client_for(admin_user).get(reverse("alarms:incident-list")).content.decode()
    with translation.override("en"):
        assert AUDIT not in client_for(staff).get(reverse("alarms:incident-list")).content.decode()
