"""Exporting the filtered registry to .xlsx, and the import template; an export imports again unchanged."""

import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.exports import RISK_COLOUR_HEADER
from enterprises.models import Site, SiteChange, SiteImport
from enterprises.spreadsheets import COLUMNS
from tests.factories import SiteFactory, category

# The import's columns, then the risk colour, which an import ignores.
HEADERS = [column.header for column in COLUMNS] + [RISK_COLOUR_HEADER]
TEMPLATE_HEADERS = [column.header for column in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("media")


def export(client, **params):
    return client.get(reverse("enterprises:site-export"), params)


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def data_rows(workbook, headers=HEADERS) -> list[dict]:
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == headers
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_export_holds_the_filtered_sites_under_the_import_headers(client_for, staff, site, neighbour_site, far_site, grid):
    response = export(client_for(staff), grid=grid.pk)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert quote(f"场所台账-{timezone.localdate():%Y%m%d}.xlsx") in disposition and "filename*=utf-8''" in disposition

    workbook = workbook_of(response)
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 20
    [row] = data_rows(workbook)
    assert row["名称"] == site.name and row["统一社会信用代码"] == site.credit_code
    assert row["类别"] == "小商店" and row["网格"] == "望江社区 第一网格"
    assert row["负责人电话"] == "13800138000" and row["建筑面积"] == 80
    assert row["火灾自动报警系统"] == "否" and row["状态"] == "营业"
    assert row["风险等级"] == "未评定"


def test_export_follows_search_and_status_filters(client_for, staff, site, neighbour_site, far_site):
    Site.objects.filter(pk=far_site.pk).update(status=Site.Status.CLOSED)
    client = client_for(staff)
    assert [row["名称"] for row in data_rows(workbook_of(export(client, status="closed")))] == [far_site.name]
    assert [row["名称"] for row in data_rows(workbook_of(export(client, q="面馆")))] == [neighbour_site.name]
    assert len(data_rows(workbook_of(export(client)))) == 3


def test_grid_worker_exports_only_the_sites_of_their_grid(client_for, grid_worker, site, neighbour_site, far_site):
    assert [row["名称"] for row in data_rows(workbook_of(export(client_for(grid_worker))))] == [site.name]


def test_an_invalid_filter_goes_back_to_the_list_with_a_message(client_for, staff, site):
    response = export(client_for(staff), grid=999999)
    assert response.status_code == 302
    assert response.url.startswith(reverse("enterprises:site-list")) and "grid=999999" in response.url


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("enterprises:site-export"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_an_exported_registry_imports_again_as_updates_with_no_change(client_for, staff, grid, neighbour_grid, far_grid):
    SiteFactory(
        grid=grid,
        name="望江兰庭便利店",
        address="郭家桥北街1号",
        latitude=Decimal("30.630001"),
        longitude=Decimal("104.080002"),
        floor_area=Decimal("85.5"),
        storeys=2,
        staff_count=4,
        opening_hours="08:00-22:00",
        safety_contact="赵六",
        safety_contact_phone="028-85551234",
        extinguisher_count=6,
        hydrant_count=1,
        has_fire_alarm_system=True,
        has_sprinklers=True,
        exit_count=2,
    )
    SiteFactory(grid=neighbour_grid, name="川味小面馆", category=category("XS02"), capacity=60, status=Site.Status.SUSPENDED)
    SiteFactory(
        grid=far_grid,
        name="幸福里院落",
        address="幸福里3号",
        credit_code=None,
        category=category("ZZ01"),
        floor_area=None,
        status=Site.Status.CLOSED,
    )
    SiteFactory(grid=far_grid, name="老旧楼栋", address="幸福里5号", credit_code=None, category=category("ZZ02"), floor_area=None)
    before = list(Site.objects.order_by("pk").values())
    client = client_for(staff)

    content = b"".join(export(client).streaming_content)
    response = client.post(reverse("enterprises:site-import"), {"file": SimpleUploadedFile("场所台账.xlsx", content)})
    assert response.status_code == 302
    site_import = SiteImport.objects.get()
    assert site_import.errors == []
    assert (site_import.row_count, site_import.create_count, site_import.update_count) == (4, 0, 0)
    assert 'data-count="unchanged">4<' in client.get(response.url).content.decode()

    client.post(reverse("enterprises:site-import-commit", args=[site_import.pk]))
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED
    assert list(Site.objects.order_by("pk").values()) == before
    assert SiteChange.objects.count() == 0


def test_an_edited_export_updates_the_changed_site_only(client_for, staff, site, neighbour_site):
    client = client_for(staff)
    workbook = workbook_of(export(client))
    sheet = workbook.worksheets[0]
    phone_column = HEADERS.index("负责人电话") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == neighbour_site.name:
            sheet.cell(row, phone_column).value = "13600136000"
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.post(reverse("enterprises:site-import"), {"file": SimpleUploadedFile("edited.xlsx", buffer.getvalue())})
    site_import = SiteImport.objects.get()
    assert (site_import.create_count, site_import.update_count) == (0, 1)
    client.post(reverse("enterprises:site-import-commit", args=[site_import.pk]))
    neighbour_site.refresh_from_db()
    assert neighbour_site.responsible_phone == "13600136000"
    change = SiteChange.objects.get()
    assert change.site == neighbour_site and change.action == SiteChange.Action.IMPORTED
    assert change.changes == {"responsible_phone": ["13800138000", "13600136000"]}


def test_export_query_count_does_not_grow_with_the_sites(client_for, staff, grid):
    client = client_for(staff)
    SiteFactory.create_batch(5, grid=grid)
    with CaptureQueriesContext(connection) as few:
        assert len(data_rows(workbook_of(export(client)))) == 5
    SiteFactory.create_batch(60, grid=grid)
    with CaptureQueriesContext(connection) as many:
        assert len(data_rows(workbook_of(export(client)))) == 65
    assert len(many) == len(few)


def test_template_has_the_headers_and_no_sites_and_lists_the_users_grids(client_for, staff, grid, far_grid):
    client = client_for(staff)
    response = export(client, template=1)
    assert quote("场所导入模板.xlsx") in response["Content-Disposition"]
    workbook = workbook_of(response)
    assert data_rows(workbook, TEMPLATE_HEADERS) == []
    guide = [cell for row in workbook.worksheets[1].iter_rows(values_only=True) for cell in row if cell]
    assert grid.code in guide and far_grid.code in guide and "XS01" in guide and "居民院落" in guide

    # The untouched template imports nothing: it says so instead.
    content = b"".join(export(client, template=1).streaming_content)
    response = client.post(reverse("enterprises:site-import"), {"file": SimpleUploadedFile("template.xlsx", content)})
    assert "The file has a header row but no sites below it." in response.content.decode()


FORMULAS = ['=HYPERLINK("http://evil.example/","点这里")', '=cmd|"/C calc"!A0', "+SUM(1,2)", "@SUM(1,2)", "-2+3"]


def test_values_that_look_like_formulas_are_exported_as_text_and_import_again_unchanged(client_for, staff, grid):
    for n, text in enumerate(FORMULAS):
        SiteFactory(grid=grid, name=text, opening_hours=text, address=f"公式路{n}号")
    client = client_for(staff)
    content = b"".join(export(client).streaming_content)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    name_column = HEADERS.index("名称") + 1
    cells = [sheet.cell(row=row, column=name_column) for row in range(2, sheet.max_row + 1)]
    assert sorted(cell.value for cell in cells) == sorted(FORMULAS)
    assert {cell.data_type for cell in cells} == {"s"}, "a formula cell would run in the office's Excel"

    before = list(Site.objects.order_by("pk").values())
    client.post(reverse("enterprises:site-import"), {"file": SimpleUploadedFile("场所台账.xlsx", content)})
    site_import = SiteImport.objects.get()
    assert site_import.errors == [] and (site_import.create_count, site_import.update_count) == (0, 0)
    client.post(reverse("enterprises:site-import-commit", args=[site_import.pk]))
    assert list(Site.objects.order_by("pk").values()) == before
