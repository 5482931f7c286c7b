"""Every list page exports exactly the rows it lists (sites, hazards, inspections, incidents, detectors), for
each role's scope and with its filters, as a workbook openpyxl opens: Chinese headers, real dates, phone
numbers masked as the list masks them. The month of the street in tests/dashboards/conftest.py."""

import datetime
import io
import os
import time
from urllib.parse import quote, urlencode

import openpyxl
import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.personal_data import mask_phone, user_may_see_personal_data
from enterprises.exports import site_export_columns
from enterprises.models import Site
from files import xlsx
from files.models import ListExport
from files.services import list_export_build, list_exports_expire, list_exports_resume
from hazards.models import Hazard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = {
    "hazards": [
        "隐患编号", "场所", "街道", "社区", "网格", "类别", "隐患描述", "法律依据", "隐患级别", "状态", "逾期",
        "来源", "发现时间", "整改期限", "挂牌督办时间", "整改完成时间", "销号时间",
    ],
    "inspections": [
        "场所", "街道", "社区", "网格", "类别", "类型", "专项检查", "检查人", "开始时间", "完成时间",
        "合格项数", "不合格项数", "不适用", "生成隐患数",
    ],
    "incidents": [
        "警情编号", "报警时间", "场所", "街道", "社区", "网格", "类别", "状态", "判定结果", "原因", "报警次数",
        "接警时间", "出动时间", "到场时间", "处置完毕时间", "处理结果",
    ],
    "devices": [
        "场所", "街道", "社区", "网格", "类别", "位置", "状态", "电量（%）", "最近上报时间", "型号", "平台接入",
        "IMEI", "平台设备 ID", "安装日期",
    ],
}  # fmt: skip

# (list page, its export, the export's file name, the key of a row in the workbook, the same key of a listed object)
LISTS = {
    "sites": ("enterprises:site-list", "enterprises:site-export", "场所台账", lambda row: row["名称"], lambda site: site.name),
    "hazards": ("hazards:hazard-list", "hazards:hazard-export", "隐患", lambda row: row["隐患编号"], lambda hazard: hazard.pk),
    "inspections": (
        "inspections:inspection-list",
        "inspections:inspection-export",
        "检查记录",
        lambda row: (row["场所"], row["完成时间"].strftime("%Y-%m-%d %H:%M")),
        lambda inspection: (inspection.site.name, timezone.localtime(inspection.finished_at).strftime("%Y-%m-%d %H:%M")),
    ),
    "incidents": (
        "alarms:incident-list",
        "alarms:incident-export",
        "警情",
        lambda row: row["警情编号"],
        lambda incident: incident.pk,
    ),
    "devices": (
        "alarms:device-list",
        "alarms:device-export",
        "设备",
        lambda row: (row["场所"], row["平台设备 ID"]),
        lambda device: (device.site.name, device.platform_device_id),
    ),
}


def filters_of(name: str, world: dict) -> list[dict]:
    """The filters each list is exported with: none, and those the overview's figures use."""
    street, community, grid = world["street"].pk, world["community"].pk, world["grid"].pk
    return {
        "sites": [
            {},
            {"status": "operating", "risk_colour": "none"},
            {"status": "operating", "risk_colour": "red", "street": street},
            {"community": community, "q": "店"},
        ],
        "hazards": [
            {},
            {"open": "true", "level": "major", "supervised": "true"},
            {"found_since": "2026-10-01", "found_until": "2026-12-31", "status": "closed"},
            {"overdue": "true", "grid": grid},
        ],
        "inspections": [{}, {"since": "2026-11-01", "until": "2026-11-30", "kind": "routine"}, {"street": street}],
        "incidents": [
            {},
            {"since": "2026-11-20"},
            {"status": "open", "community": community},
            {"until": "2026-11-10", "real": "1"},
        ],
        "devices": [{}, {"status": "offline"}, {"grid": grid}, {"street": street, "status": "online"}],
    }[name]


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(workbook) -> tuple[list[str], list[dict]]:
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    headers = list(rows[0])
    return headers, [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def world(month, street, community, grid):
    return {"street": street, "community": community, "grid": grid, **month}


@pytest.mark.parametrize("persona", ["staff", "grid_worker", "operator", "outsider", "admin_user", "stranger"])
def test_each_export_holds_the_rows_its_list_shows(request, world, client_for, persona):
    """The same rows in the same order, whatever the role's scope and the list's filters."""
    client = client_for(request.getfixturevalue(persona))
    exported = 0
    for name, (list_name, export_name, _title, row_key, object_key) in LISTS.items():
        for params in filters_of(name, world):
            listed = client.get(reverse(list_name), params)
            assert listed.status_code == 200, (name, params)
            export = client.get(reverse(export_name), params)
            if listed.context["filter"].form.errors:
                # An area outside the user's scope: the list says so and ignores it; the export refuses.
                assert export.status_code == 302, (name, params)
                continue
            page = listed.context["page"]
            assert page.paginator.num_pages == 1  # the month's lists fit one page: all their rows are compared
            _headers, rows = rows_of(workbook_of(export))
            assert [row_key(row) for row in rows] == [object_key(item) for item in page.object_list], (name, params)
            exported += len(rows)
    assert exported > 0


def test_headers_are_chinese_and_the_file_is_named_with_the_day(world, client_for, staff):
    client = client_for(staff)  # reading the pages in English
    for name, (_list, export_name, title, _row, _object) in LISTS.items():
        response = client.get(reverse(export_name))
        assert quote(f"{title}-20261120.xlsx") in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment")
        workbook = workbook_of(response)
        headers, rows = rows_of(workbook)
        assert workbook.worksheets[0].title == title
        if name in HEADERS:
            assert headers == HEADERS[name]
        assert rows, name


def test_dates_are_excel_dates_in_the_streets_time(world, client_for, staff):
    client = client_for(staff)
    sheet = workbook_of(client.get(reverse("alarms:incident-export"), {"since": "2026-11-20"})).worksheets[0]
    received = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in received] == [datetime.datetime(2026, 11, 20, 9, 30), datetime.datetime(2026, 11, 20, 9, 0)]
    assert all(cell.is_date and cell.number_format == xlsx.DATETIME_FORMAT for cell in received)

    _headers, rows = rows_of(workbook_of(client.get(reverse("hazards:hazard-export"), {"overdue": "true"})))
    [overdue] = rows
    assert overdue["隐患描述"] == "疏散通道堵塞" and overdue["逾期"] == "是"
    assert overdue["发现时间"] == datetime.datetime(2026, 11, 1, 10, 0) and overdue["整改期限"] == datetime.datetime(2026, 11, 10)
    assert overdue["场所"] == "望江兰庭便利店" and overdue["街道"] == "望江路街道" and overdue["网格"] == "第一网格"


def test_incident_verdicts_and_counts_read_as_the_console_has_them(world, client_for, staff):
    _headers, rows = rows_of(workbook_of(client_for(staff).get(reverse("alarms:incident-export"))))
    by_number = {row["警情编号"]: row for row in rows}
    i1, i2, _i3, i4, i5 = world["incidents"]
    assert (by_number[i1.pk]["判定结果"], by_number[i1.pk]["原因"], by_number[i1.pk]["报警次数"]) == ("误报", "烹饪油烟", 2)
    assert by_number[i2.pk]["判定结果"] == "真实火警" and by_number[i2.pk]["处理结果"] == "火已扑灭"
    assert by_number[i4.pk]["判定结果"] is None and by_number[i5.pk]["接警时间"] is None


@pytest.mark.parametrize("persona", ["staff", "grid_worker", "operator", "admin_user"])
def test_phone_numbers_are_exported_as_the_registry_list_shows_them(request, world, client_for, persona):
    user = request.getfixturevalue(persona)
    _headers, rows = rows_of(workbook_of(client_for(user).get(reverse("enterprises:site-export"))))
    sites = {site.name: site for site in Site.objects.all()}
    assert rows
    for row in rows:
        site = sites[row["名称"]]
        phone = site.responsible_phone if user_may_see_personal_data(user=user, site=site) else mask_phone(site.responsible_phone)
        assert row["负责人电话"] == phone


def test_phone_numbers_are_masked_for_a_reader_who_does_not_phone_the_site(world, outsider):
    """The export's columns follow accounts.personal_data: a grid worker of another grid sees the shop's
    numbers masked, as its list and file page would show them."""
    shop = Site.objects.get(name="望江兰庭便利店")
    shop.safety_contact_phone = "028-85551234"
    columns = {str(column.header): column for column in site_export_columns(user=outsider)}
    assert columns["负责人电话"].value(shop) == "138****8000"
    assert columns["安全联系人电话"].value(shop) == "028-****1234"
    assert columns["名称"].value(shop) == "望江兰庭便利店"


def test_each_list_links_to_its_export_with_the_filters_it_shows(world, client_for, staff, community):
    client = client_for(staff)
    for name, (list_name, export_name, _title, _row, _object) in LISTS.items():
        params = {"community": community.pk}
        page = client.get(reverse(list_name), params).content.decode()
        assert f'href="{reverse(export_name)}?community={community.pk}"' in page, name
        # The results htmx redraws after a change of filter carry the link with the new filters.
        if name != "incidents":
            partial = client.get(reverse(list_name), {"community": community.pk, "page": 1}, HTTP_HX_REQUEST="true")
            assert f'href="{reverse(export_name)}?community={community.pk}"' in partial.content.decode(), name
            assert "<form" not in partial.content.decode()


def test_a_list_with_nothing_to_export_offers_no_export(world, client_for, stranger):
    page = client_for(stranger).get(reverse("alarms:device-list"), {"status": "fault"}).content.decode()
    assert 'data-testid="export-link"' not in page


def test_an_export_with_invalid_filters_goes_back_to_its_list_which_says_why(world, client_for, staff, stranger):
    client = client_for(staff)
    other_street = stranger.street_id
    for name, (list_name, export_name, _title, _row, _object) in LISTS.items():
        response = client.get(reverse(export_name), {"street": other_street})
        assert response.status_code == 302, name
        assert response.url == f"{reverse(list_name)}?street={other_street}"
        listed = client.get(response.url)
        assert "The filters are not valid; correct them and export again." in listed.content.decode()
        assert "Select a valid choice" in listed.content.decode(), name


def test_exports_need_a_signed_in_user(client):
    for _list, export_name, _title, _row, _object in LISTS.values():
        response = client.get(reverse(export_name))
        assert response.status_code == 302 and reverse("login") in response.url


def test_the_overviews_exact_figures_are_the_exports_rows(world, client_for, staff):
    """A figure, its list and the list's export count the same: the supervised major hazards, the sites not
    graded, today's incidents."""
    client = client_for(staff)
    for export_name, params, expected in (
        ("hazards:hazard-export", {"open": "true", "level": Hazard.Level.MAJOR, "supervised": "true"}, 1),
        ("enterprises:site-export", {"status": "operating", "risk_colour": "none"}, 1),
        ("alarms:incident-export", {"since": "2026-11-20"}, 2),
    ):
        _headers, rows = rows_of(workbook_of(client.get(reverse(export_name), params)))
        assert len(rows) == expected, export_name


# --- Lists too long to write within the request ---------------------------------------------------


def test_a_long_list_is_written_in_the_background_with_the_rows_a_download_holds(world, client_for, staff, settings, media):
    client = client_for(staff)
    for name, (_list, export_name, title, row_key, _object) in LISTS.items():
        params = filters_of(name, world)[1]
        settings.LIST_EXPORT_IN_REQUEST_ROWS = 10_000
        _headers, at_once = rows_of(workbook_of(client.get(reverse(export_name), params)))
        assert at_once, name

        settings.LIST_EXPORT_IN_REQUEST_ROWS = len(at_once) - 1
        answer = client.get(reverse(export_name), params)
        assert answer.status_code == 302 and answer.url == reverse("files:list-exports"), name
        export = ListExport.objects.get(kind=name)
        assert (export.status, export.rows_expected, QueryDict(export.query)) == (
            "queued",
            len(at_once),
            QueryDict(urlencode(params)),
        )
        page = client.get(answer.url).content.decode()
        assert f"The list has {len(at_once)} row" in page and "too many to write at once" in page, name
        row = client.get(reverse("files:list-export-row", args=[export.pk])).content.decode()
        assert "hx-get" in row and "<progress" in row and "export-download" not in row
        assert client.get(reverse("files:list-export-download", args=[export.pk])).status_code == 404

        # What the Celery task does (files.tasks.list_export_build_task); running it twice is harmless.
        list_export_build(export_id=export.pk)
        finished_at = ListExport.objects.get(pk=export.pk).finished_at
        list_export_build(export_id=export.pk)
        export.refresh_from_db()
        assert (export.status, export.progress, export.finished_at) == ("ready", 100, finished_at)
        row = client.get(reverse("files:list-export-row", args=[export.pk])).content.decode()
        assert "hx-get" not in row and 'data-testid="export-download"' in row
        download = client.get(reverse("files:list-export-download", args=[export.pk]))
        assert quote(f"{title}-20261120.xlsx") in download["Content-Disposition"], name
        _headers, later = rows_of(workbook_of(download))
        assert [row_key(row) for row in later] == [row_key(row) for row in at_once], name


def test_an_export_is_its_requesters_alone(world, client_for, staff, admin_user, settings, media):
    settings.LIST_EXPORT_IN_REQUEST_ROWS = 0
    client_for(staff).get(reverse("hazards:hazard-export"))
    export = ListExport.objects.get()
    list_export_build(export_id=export.pk)
    other = client_for(admin_user)
    for name in ("files:list-export-row", "files:list-export-download"):
        assert other.get(reverse(name, args=[export.pk])).status_code == 404
    assert f'data-testid="export-{export.pk}"' not in other.get(reverse("files:list-exports")).content.decode()


def test_filters_no_longer_valid_fail_the_export_and_say_why(world, client_for, staff, stranger, media):
    export = ListExport.objects.create(
        kind="hazards", title="隐患", query=f"street={stranger.street_id}", rows_expected=5, requested_by=staff
    )
    list_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == ("failed", "筛选条件已不再有效，请重新导出列表。", "")
    row = client_for(staff).get(reverse("files:list-export-row", args=[export.pk])).content.decode()
    assert 'data-testid="export-error"' in row and export.error in row


def test_a_build_whose_worker_died_is_taken_over_after_its_timeout(world, staff, media):
    export = ListExport.objects.create(kind="sites", title="场所台账", rows_expected=5, requested_by=staff)
    ListExport.objects.filter(pk=export.pk).update(status="building", started_at=timezone.now())
    list_export_build(export_id=export.pk)
    assert ListExport.objects.get().status == "building", "a build under way is left to its worker"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31), tick=False):
        list_export_build(export_id=export.pk)
    assert ListExport.objects.get().status == "ready"


def test_exports_expire_with_their_files_and_files_no_export_names_go(world, staff, settings, media):
    kept = ListExport.objects.create(kind="sites", title="场所台账", rows_expected=5, requested_by=staff)
    old = ListExport.objects.create(
        kind="sites",
        title="场所台账",
        rows_expected=5,
        requested_by=staff,
        requested_at=timezone.now() - datetime.timedelta(hours=25),
    )
    for export in (kept, old):
        list_export_build(export_id=export.pk)
    old.refresh_from_db()
    orphan = media / "exports" / "orphan.xlsx"
    orphan.write_bytes(b"PK")
    two_hours_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))

    assert list_exports_expire() == 1
    assert list(ListExport.objects.all()) == [kept]
    assert not (media / old.file.name).exists() and not orphan.exists()
    assert (media / ListExport.objects.get().file.name).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_a_long_list_and_one_whose_task_was_lost(
    site, neighbour_site, far_site, staff, client_for, settings, process_env, celery_worker
):
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]  # where the worker stores the workbook
    settings.LIST_EXPORT_IN_REQUEST_ROWS = 1
    client = client_for(staff)
    assert client.get(reverse("enterprises:site-export")).status_code == 302
    ListExport.objects.create(  # its task never reached the broker: the periodic resume queues it again
        kind="sites",
        title="场所台账",
        rows_expected=3,
        requested_by=staff,
        requested_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert list_exports_resume() == 1

    deadline = time.monotonic() + 60
    while ListExport.objects.filter(status__in=ListExport.IN_PROGRESS).exists():
        assert time.monotonic() < deadline, list(ListExport.objects.values("status", "rows_written", "error"))
        time.sleep(0.3)
    for export in ListExport.objects.all():
        assert export.status == "ready", export.error
        _headers, rows = rows_of(workbook_of(client.get(reverse("files:list-export-download", args=[export.pk]))))
        assert sorted(row["名称"] for row in rows) == sorted([site.name, neighbour_site.name, far_site.name])
    assert celery_worker.processed().get("files.tasks.list_export_build_task", 0) >= 2
