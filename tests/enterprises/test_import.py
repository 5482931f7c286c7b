"""Importing sites from a spreadsheet: preview with every bad row, all-or-nothing commit, updates in place."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from enterprises.models import Site, SiteChange, SiteImport
from enterprises.spreadsheets import COLUMNS
from tests.factories import GridFactory, SiteFactory, UserFactory, category, credit_code

HEADERS = [column.header for column in COLUMNS]


def site_row(grid, n: int = 1, **overrides) -> dict:
    """One row of a good file, by Chinese header: a small shop in ``grid``."""
    row = {
        "名称": f"导入便利店{n}",
        "统一社会信用代码": credit_code(5000 + n),
        "类别": "XS01",
        "网格": grid.code,
        "地址": f"望江路{n}号",
        "纬度": "30.630001",
        "经度": "104.080002",
        "负责人": "王五",
        "负责人电话": "13900139000",
        "安全联系人": "赵六",
        "安全联系人电话": "028-85551234",
        "建筑面积": "85.5",
        "层数": "1",
        "从业人数": "3",
        "容纳人数/床位": "",
        "营业时间": "08:00-22:00",
        "灭火器数量": "4",
        "室内消火栓数量": "0",
        "火灾自动报警系统": "否",
        "自动喷水灭火系统": "是",
        "安全出口数量": "2",
        "状态": "营业",
    }
    row.update(overrides)
    return row


def courtyard_row(grid, **overrides) -> dict:
    row = site_row(grid, 900, **{"名称": "幸福里院落", "统一社会信用代码": "", "类别": "居民院落", "地址": "幸福里3号"})
    row.update({"建筑面积": "", **overrides})
    return row


def xlsx_file(rows: list[dict], *, headers=HEADERS, name: str = "sites.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows: list[dict], *, encoding: str = "utf-8", headers=HEADERS, name: str = "sites.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


pytestmark = pytest.mark.usefixtures("media")


def upload(client, file):
    return client.post(reverse("enterprises:site-import"), {"file": file})


def commit(client, site_import):
    """Press "Commit the import" on the preview page (the browser names the page it came from)."""
    preview = reverse("enterprises:site-import-preview", args=[site_import.pk])
    return client.post(reverse("enterprises:site-import-commit", args=[site_import.pk]), HTTP_REFERER=preview)


def upload_and_commit(client, file) -> SiteImport:
    response = upload(client, file)
    assert response.status_code == 302, response.content.decode()
    site_import = SiteImport.objects.latest("pk")
    response = commit(client, site_import)
    assert response.status_code == 302
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED, site_import.errors
    return site_import


# --- Good files --------------------------------------------------------------------------


def test_staff_previews_then_commits_an_xlsx_and_history_records_each_site(client_for, staff, grid):
    client = client_for(staff)
    response = upload(client, xlsx_file([site_row(grid, 1), site_row(grid, 2), courtyard_row(grid)]))
    site_import = SiteImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("enterprises:site-import-preview", args=[site_import.pk])
    assert Site.objects.count() == 0, "the preview saves no site"

    page = client.get(response.url).content.decode()
    assert (site_import.row_count, site_import.create_count, site_import.update_count) == (3, 3, 0)
    assert "Commit the import" in page

    response = commit(client, site_import)
    assert response.status_code == 302
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED and site_import.committed_at is not None

    shop = Site.objects.get(name="导入便利店1")
    assert shop.credit_code == credit_code(5001)
    assert shop.category == category("XS01") and shop.grid == grid
    assert str(shop.latitude) == "30.630001" and str(shop.floor_area) == "85.5"
    assert shop.has_sprinklers is True and shop.has_fire_alarm_system is False
    assert shop.exit_count == 2 and shop.status == Site.Status.OPERATING
    courtyard = Site.objects.get(name="幸福里院落")
    assert courtyard.credit_code is None and courtyard.category == category("ZZ01")

    changes = SiteChange.objects.filter(action=SiteChange.Action.CREATED, actor=staff)
    assert changes.count() == 3
    assert changes.get(site=shop).changes["name"] == ["", "导入便利店1"]
    assert "Import committed. Sites created: 3; sites updated: 0." in client.get(response.url).content.decode()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_is_read(client_for, staff, grid, encoding):
    client = client_for(staff)
    upload_and_commit(client, csv_file([site_row(grid, 1), courtyard_row(grid)], encoding=encoding))
    assert set(Site.objects.values_list("name", flat=True)) == {"导入便利店1", "幸福里院落"}
    assert Site.objects.get(name="导入便利店1").responsible_person == "王五"


def test_english_headers_category_names_and_grid_labels_are_understood(client_for, staff, grid):
    english = {column.header: column.field for column in COLUMNS}
    row = site_row(grid, 1, **{"类别": "小商店", "网格": f"{grid.community.name} {grid.name}", "状态": "suspended"})
    client = client_for(staff)
    upload_and_commit(client, csv_file([{english[h]: v for h, v in row.items()}], headers=list(english.values())))
    site = Site.objects.get()
    assert site.category == category("XS01") and site.grid == grid and site.status == Site.Status.SUSPENDED


def test_numbers_typed_into_excel_cells_are_read_as_text_where_text_is_meant(client_for, staff, grid):
    # Excel turns a phone number into 13900139000 (a number) and a count into 4.0.
    row = site_row(grid, 1, **{"负责人电话": 13900139000, "灭火器数量": 4.0, "纬度": 30.6300014, "火灾自动报警系统": True})
    upload_and_commit(client_for(staff), xlsx_file([row]))
    site = Site.objects.get()
    assert site.responsible_phone == "13900139000" and site.extinguisher_count == 4
    assert str(site.latitude) == "30.630001" and site.has_fire_alarm_system is True


# --- Bad rows: preview lists them, commit refused ----------------------------------------


def test_bad_row_is_listed_with_its_row_column_and_reason_and_commit_saves_nothing(client_for, staff, grid):
    client = client_for(staff)
    rows = [site_row(grid, 1), site_row(grid, 2, **{"负责人电话": "12345"}), site_row(grid, 3)]
    response = upload(client, xlsx_file(rows))
    site_import = SiteImport.objects.get()
    assert site_import.errors == [
        {"row": 3, "column": "负责人电话", "message": site_import.errors[0]["message"]},
    ]
    page = client.get(response.url).content.decode()
    assert '<th scope="row">3</th>' in page and "负责人电话" in page
    assert "Enter a mobile number of 11 digits" in page
    assert "Commit the import" not in page

    response = commit(client, site_import)
    assert response.status_code == 302
    assert "Correct them and upload the file again" in client.get(response.url).content.decode()
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.PREVIEWED
    assert Site.objects.count() == 0 and SiteChange.objects.count() == 0


def test_corrected_file_uploaded_again_commits(client_for, staff, grid):
    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, 1), site_row(grid, 2, **{"负责人电话": "12345"})]))
    assert SiteImport.objects.get().errors
    upload_and_commit(client, xlsx_file([site_row(grid, 1), site_row(grid, 2)]))
    assert Site.objects.count() == 2


def test_every_kind_of_row_error_names_its_cell(client_for, staff, grid):
    other_street_grid = GridFactory()
    good = credit_code(5004)
    wrong_check_character = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        site_row(grid, 1, **{"类别": "XX99"}),
        site_row(grid, 2, **{"网格": other_street_grid.code}),
        site_row(grid, 3, **{"建筑面积": "很大", "火灾自动报警系统": "也许"}),
        site_row(grid, 4, **{"统一社会信用代码": wrong_check_character}),
        site_row(grid, 5, **{"建筑面积": "500"}),  # a small shop is at most 300 m²
        site_row(grid, 6, **{"统一社会信用代码": ""}),  # a shop needs its code
        site_row(grid, 7, **{"名称": "", "状态": "不知道"}),
        site_row(grid, 8, **{"层数": "2.5", "纬度": "120"}),
    ]
    client = client_for(staff)
    upload(client, xlsx_file(rows))
    errors = {(error["row"], error["column"]) for error in SiteImport.objects.get().errors}
    assert errors == {
        (2, "类别"),
        (3, "网格"),
        (4, "建筑面积"),
        (4, "火灾自动报警系统"),
        (5, "统一社会信用代码"),
        (6, "建筑面积"),
        (7, "统一社会信用代码"),
        (8, "名称"),
        (8, "状态"),
        (9, "层数"),
        (9, "纬度"),
    }
    assert Site.objects.count() == 0


def test_a_grid_outside_the_users_area_is_a_row_error_not_a_crash(client_for, staff, grid):
    upload(client_for(staff), xlsx_file([site_row(grid, 1, **{"网格": GridFactory().name})]))
    error = SiteImport.objects.get().errors[0]
    assert error["row"] == 2 and error["column"] == "网格" and "in your area" in error["message"]


def test_rows_repeated_in_the_file_are_errors_on_the_later_row(client_for, staff, grid):
    rows = [
        site_row(grid, 1),
        site_row(grid, 2),
        site_row(grid, 3, **{"统一社会信用代码": credit_code(5001)}),
        courtyard_row(grid),
        courtyard_row(grid, **{"负责人": "另一人"}),
    ]
    upload(client_for(staff), xlsx_file(rows))
    errors = SiteImport.objects.get().errors
    assert [(error["row"], error["column"]) for error in errors] == [(4, "统一社会信用代码"), (6, "名称")]
    assert "row 2" in errors[0]["message"] and "row 5" in errors[1]["message"]


def test_a_credit_code_registered_outside_the_area_is_a_row_error(client_for, staff, grid):
    elsewhere = SiteFactory(grid=GridFactory(), credit_code=credit_code(5001))
    upload(client_for(staff), xlsx_file([site_row(grid, 1)]))
    error = SiteImport.objects.get().errors[0]
    assert (error["row"], error["column"]) == (2, "统一社会信用代码") and "outside your area" in error["message"]
    elsewhere.refresh_from_db()
    assert elsewhere.name != "导入便利店1"


# --- Re-importing updates in place --------------------------------------------------------


def test_reimporting_matches_by_credit_code_and_updates_in_place(client_for, staff, site, grid):
    renamed = "望江兰庭便利店（新店名）"
    row = site_row(grid, 1, **{"名称": renamed, "统一社会信用代码": site.credit_code, "负责人电话": "13700137000"})
    site_import = upload_and_commit(client_for(staff), xlsx_file([row]))
    assert (site_import.create_count, site_import.update_count) == (0, 1)
    assert Site.objects.count() == 1
    site.refresh_from_db()
    assert site.name == renamed and site.responsible_phone == "13700137000"
    change = site.changes.get()
    assert change.action == SiteChange.Action.IMPORTED and change.actor == staff
    assert change.changes["responsible_phone"] == ["13800138000", "13700137000"]


def test_reimporting_a_courtyard_without_credit_code_matches_by_name_and_address(client_for, staff, grid):
    courtyard = SiteFactory(grid=grid, name="幸福里院落", address="幸福里3号", credit_code=None, category=category("ZZ01"))
    site_import = upload_and_commit(client_for(staff), xlsx_file([courtyard_row(grid, **{"负责人": "新管理员"})]))
    assert (site_import.create_count, site_import.update_count) == (0, 1)
    courtyard.refresh_from_db()
    assert courtyard.responsible_person == "新管理员"
    assert Site.objects.count() == 1


def test_the_same_file_imported_twice_creates_once_and_then_changes_nothing(client_for, staff, grid):
    client = client_for(staff)
    rows = [site_row(grid, n) for n in range(1, 4)] + [courtyard_row(grid)]
    upload_and_commit(client, xlsx_file(rows))
    history = SiteChange.objects.count()
    second = upload_and_commit(client, xlsx_file(rows))
    assert (second.row_count, second.create_count, second.update_count) == (4, 0, 0)
    assert Site.objects.count() == 4 and SiteChange.objects.count() == history


def test_a_missing_optional_column_keeps_the_existing_value(client_for, staff, site, grid):
    Site.objects.filter(pk=site.pk).update(extinguisher_count=7, safety_contact="老李")
    headers = ["名称", "统一社会信用代码", "类别", "网格", "地址", "负责人", "负责人电话"]
    same_site = {"名称": site.name, "统一社会信用代码": site.credit_code, "地址": site.address}
    row = site_row(grid, 1, **same_site, **{"负责人": "新负责人"})
    upload_and_commit(client_for(staff), xlsx_file([row], headers=headers))
    site.refresh_from_db()
    assert site.responsible_person == "新负责人"
    assert site.extinguisher_count == 7 and site.safety_contact == "老李" and site.floor_area == 80


def test_a_row_without_credit_code_keeps_the_code_the_registry_has(client_for, staff, site, grid):
    row = site_row(grid, 1, **{"名称": site.name, "统一社会信用代码": "", "地址": site.address})
    upload_and_commit(client_for(staff), xlsx_file([row]))
    site.refresh_from_db()
    assert site.credit_code and site.responsible_person == "王五"
    assert Site.objects.count() == 1


def test_a_registry_changed_since_the_preview_refuses_the_commit_and_saves_nothing(client_for, staff, grid):
    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, 1), site_row(grid, 2)]))
    site_import = SiteImport.objects.get()
    assert not site_import.errors
    # Meanwhile another street registers the second code.
    SiteFactory(grid=GridFactory(), credit_code=credit_code(5002))
    response = commit(client, site_import)
    assert "has changed since the preview" in client.get(response.url).content.decode()
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.PREVIEWED
    assert [(error["row"], error["column"]) for error in site_import.errors] == [(3, "统一社会信用代码")]
    assert not Site.objects.filter(name__startswith="导入便利店").exists()


def test_a_committed_import_cannot_be_committed_again(client_for, staff, grid):
    client = client_for(staff)
    site_import = upload_and_commit(client, xlsx_file([site_row(grid, 1)]))
    Site.objects.all().delete()
    response = commit(client, site_import)
    assert "already committed" in client.get(response.url).content.decode()
    assert Site.objects.count() == 0


# --- Bad files: one clear message, nothing saved ------------------------------------------


def corrupt_xlsx() -> SimpleUploadedFile:
    good = xlsx_file([{"名称": "x"}]).read()
    return SimpleUploadedFile("broken.xlsx", good[: len(good) // 2])


def zip_without_workbook() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return SimpleUploadedFile("sites.xlsx", buffer.getvalue())


# An Excel 97-2003 workbook starts with the OLE2 signature.
OLE2_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.mark.parametrize(
    "make_file, message",
    [
        (corrupt_xlsx, "The workbook is damaged and cannot be read"),
        (zip_without_workbook, "The workbook is damaged and cannot be read"),
        (lambda: SimpleUploadedFile("sites.txt", "名称,类别\n".encode()), "Upload an Excel workbook (.xlsx) or a CSV file"),
        (lambda: SimpleUploadedFile("photo.xlsx", PNG_BYTES), "This file is not an Excel workbook"),
        (lambda: SimpleUploadedFile("photo.csv", PNG_BYTES), "This file is not a CSV text file"),
        (lambda: SimpleUploadedFile("old.xls", OLE2_BYTES), "Old Excel workbooks (.xls)"),
        (lambda: SimpleUploadedFile("empty.csv", b""), "The submitted file is empty."),
        (lambda: SimpleUploadedFile("blank.csv", b"\n,,,\n\n"), "The file is empty."),
        (lambda: csv_file([], headers=["a", "b"]), "The first row must hold the column headers"),
        (lambda: csv_file([]), "The file has a header row but no sites below it."),
        (lambda: SimpleUploadedFile("latin.csv", "名称".encode("utf-16-le")[:3] + b"\xff\xfe\xfd"), "unknown encoding"),
    ],
)
def test_a_file_that_is_not_a_table_of_sites_gets_one_clear_message_and_saves_nothing(
    client_for, staff, site, make_file, message
):
    response = upload(client_for(staff), make_file())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SiteImport.objects.count() == 0
    assert Site.objects.count() == 1 and SiteChange.objects.count() == 0


def test_missing_required_columns_are_all_named(client_for, staff, grid):
    headers = [header for header in HEADERS if header not in ("类别", "负责人电话")]
    response = upload(client_for(staff), xlsx_file([site_row(grid, 1)], headers=headers))
    assert "Required columns are missing: 类别、负责人电话." in response.content.decode()
    assert SiteImport.objects.count() == 0 and Site.objects.count() == 0


def test_a_file_over_the_row_limit_is_refused(client_for, staff, grid, settings):
    settings.IMPORT_MAX_ROWS = 3
    response = upload(client_for(staff), csv_file([site_row(grid, n) for n in range(1, 5)]))
    assert "more than 3 rows" in response.content.decode()
    assert SiteImport.objects.count() == 0 and Site.objects.count() == 0


# --- Who may import and see an import -----------------------------------------------------


def test_grid_worker_gets_403_everywhere(client_for, grid_worker, staff, grid):
    upload(client_for(staff), xlsx_file([site_row(grid, 1)]))
    site_import = SiteImport.objects.get()
    client = client_for(grid_worker)
    assert client.get(reverse("enterprises:site-import")).status_code == 403
    assert upload(client, xlsx_file([site_row(grid, 2)])).status_code == 403
    assert client.get(reverse("enterprises:site-import-preview", args=[site_import.pk])).status_code == 403
    assert commit(client, site_import).status_code == 403
    assert SiteImport.objects.count() == 1 and Site.objects.count() == 0


def test_another_staff_members_import_is_404_but_an_admin_sees_it(client_for, staff, street, admin_user, grid):
    upload(client_for(staff), xlsx_file([site_row(grid, 1)]))
    site_import = SiteImport.objects.get()
    colleague = UserFactory(username="colleague-staff", role=User.Role.STREET_STAFF, street=street)
    client = client_for(colleague)
    assert client.get(reverse("enterprises:site-import-preview", args=[site_import.pk])).status_code == 404
    assert commit(client, site_import).status_code == 404
    assert Site.objects.count() == 0
    assert client_for(admin_user).get(reverse("enterprises:site-import-preview", args=[site_import.pk])).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("enterprises:site-import"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_upload_page_lists_the_columns_the_template_and_recent_imports(client_for, staff, grid):
    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, 1)], name="我的场所.xlsx"))
    page = client.get(reverse("enterprises:site-import")).content.decode()
    assert f"{reverse('enterprises:site-export')}?template=1" in page
    assert all(header in page for header in HEADERS)
    assert "我的场所.xlsx" in page


# --- Cost -------------------------------------------------------------------------------


def _queries(client, file, *, and_commit: bool) -> int:
    with CaptureQueriesContext(connection) as preview:
        response = upload(client, file)
    assert response.status_code == 302
    if not and_commit:
        return len(preview)
    site_import = SiteImport.objects.latest("pk")
    with CaptureQueriesContext(connection) as committed:
        commit(client, site_import)
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED
    return len(committed)


def test_query_count_does_not_grow_with_the_rows(client_for, staff, grid, neighbour_grid):
    client = client_for(staff)
    # Half the rows update existing sites (by code, and courtyards by name and address), half create.
    for n in range(1, 111):
        if n % 2:
            SiteFactory(grid=grid, credit_code=credit_code(5000 + n), name=f"旧名{n}")
        SiteFactory(grid=neighbour_grid, name=f"院落{n}", address=f"院落路{n}号", credit_code=None, category=category("ZZ01"))

    def rows(numbers):
        result = []
        for n in numbers:
            result.append(site_row(grid, n))
            result.append(courtyard_row(neighbour_grid, **{"名称": f"院落{n}", "地址": f"院落路{n}号", "负责人": "新"}))
        return result

    small = (
        _queries(client, xlsx_file(rows(range(1, 6))), and_commit=False),
        _queries(client, xlsx_file(rows(range(1, 6))), and_commit=True),
    )
    large = (
        _queries(client, xlsx_file(rows(range(11, 61))), and_commit=False),
        _queries(client, xlsx_file(rows(range(61, 111))), and_commit=True),
    )
    assert large[0] - small[0] <= 2, (small, large)
    assert large[1] - small[1] <= 2, (small, large)


# --- Size cap and large files ---------------------------------------------------------------


def test_a_file_over_the_import_size_setting_is_refused_before_it_is_read(client_for, staff, grid, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    rows = [site_row(grid, n, **{"备注": "x"}) for n in range(1, 3)]
    padding = SimpleUploadedFile("sites.csv", csv_file(rows).read() + b"#" * (1024 * 1024 + 10))
    response = upload(client_for(staff), padding)
    assert response.status_code == 200
    assert "larger than 1 MB" in str(response.context["form"].errors["file"])
    assert not SiteImport.objects.exists()


@pytest.fixture
def large_file_rows(settings):
    """Files of more than two rows count as large here (IMPORT_BACKGROUND_ROWS)."""
    settings.IMPORT_BACKGROUND_ROWS = 2


def test_a_large_import_is_queued_and_its_page_shows_the_progress(client_for, staff, grid, large_file_rows):
    from enterprises.imports import site_import_run_commit

    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, n) for n in range(1, 6)]))
    site_import = SiteImport.objects.get()
    response = commit(client, site_import)
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.QUEUED and site_import.committed_by == staff
    assert not Site.objects.exists(), "nothing is written inside the request"

    page = client.get(response.url).content.decode()
    assert 'data-testid="import-progress"' in page and "Commit the import" not in page
    progress = client.get(reverse("enterprises:site-import-progress", args=[site_import.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    # A second click while it is queued changes nothing.
    commit(client, site_import)
    assert SiteImport.objects.get().status == SiteImport.Status.QUEUED

    # What the Celery task does (enterprises.tasks.site_import_commit_task); running it twice is harmless.
    site_import_run_commit(site_import_id=site_import.pk)
    site_import_run_commit(site_import_id=site_import.pk)
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED
    assert Site.objects.count() == 5 and SiteChange.objects.count() == 5
    done = client.get(reverse("enterprises:site-import-progress", args=[site_import.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_queued_import_whose_rows_no_longer_pass_comes_back_with_the_errors(client_for, staff, grid, large_file_rows):
    from enterprises.imports import site_import_run_commit

    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, n) for n in range(1, 4)]))
    site_import = SiteImport.objects.get()
    commit(client, site_import)
    SiteFactory(grid=GridFactory(), credit_code=credit_code(5002))
    site_import_run_commit(site_import_id=site_import.pk)
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.PREVIEWED
    assert [(error["row"], error["column"]) for error in site_import.errors] == [(3, "统一社会信用代码")]
    page = client.get(reverse("enterprises:site-import-preview", args=[site_import.pk])).content.decode()
    assert 'data-testid="commit-error"' in page
    assert not Site.objects.filter(name__startswith="导入便利店").exists()


def test_the_use_columns_are_read(client_for, staff, grid):
    client = client_for(staff)
    row = site_row(
        grid, 1, **{"类别": "XS02", "建筑面积": "60", "有厨房或明火": "是", "使用瓶装液化气": "有", "电动自行车停放充电": "否"}
    )
    upload_and_commit(client, xlsx_file([row]))
    site = Site.objects.get()
    assert site.has_kitchen and site.uses_lpg and not site.has_ebike_charging and not site.stores_flammables
