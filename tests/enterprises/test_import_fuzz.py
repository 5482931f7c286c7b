"""Property tests of the registry import: whatever file is uploaded, and whatever its cells hold, the
preview answers one clear message for the file or an error per bad row, never a crash or a hang.
Inputs that once did are kept as explicit examples."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from enterprises.imports import site_import_create
from enterprises.models import SiteImport
from enterprises.spreadsheets import COLUMNS, read_sheet
from riskplatform.exceptions import ApplicationError

pytestmark = pytest.mark.usefixtures("media")

HEADERS = [column.header for column in COLUMNS]
NUMBER_LIKE = ["0", "-1", "1.5", "1,000", "1e400", "1e9999999", "-1e-9999999", "NaN", "Infinity", "sNaN", "9" * 40, "０"]
WORDS = ["是", "否", "y", "营业", "停业", "XS01", "第一网格", "郭家桥北街1号", "13800138000", "91510100MA61XXXX0X", "\x00", " "]
cells = st.one_of(st.sampled_from(NUMBER_LIKE + WORDS), st.text(max_size=30))
rows = st.lists(st.lists(cells, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=4)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


def csv_bytes(table: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *table])
    return buffer.getvalue().encode(encoding, errors="replace")


def preview(user, content: bytes, name: str = "sites.csv") -> SiteImport | None:
    try:
        site_import = site_import_create(acting_user=user, upload=SimpleUploadedFile(name, content))
    except ApplicationError:
        return None  # one clear message for the whole file
    assert site_import.row_count >= 1
    for error in site_import.errors:
        assert error["row"] >= 2 and error["message"]
    return site_import


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=300), name=st.sampled_from(["sites.csv", "sites.xlsx"]))
@example(content=b"PK\x03\x04" + b"\x00" * 40, name="sites.xlsx")
@example(content="名称,类别\n\x00".encode(), name="sites.csv")
def test_any_bytes_are_read_as_a_table_or_refused_with_a_message(content, name):
    try:
        read_sheet(content=content, name=name)
    except ApplicationError:
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows, encoding=encodings)
@example(table=[["店", "", "XS01", "第一网格", "街1号", "", "", "张三", "13800138000"] + ["1e9999999"] * 18], encoding="utf-8")
@example(
    table=[["店", "", "XS01", "第一网格", "街1号", "1e400", "-1e-9999999", "张三", "13800138000"] + [""] * 18], encoding="utf-8"
)
def test_any_cells_give_row_errors_never_a_crash(staff, grid, table, encoding):
    preview(staff, csv_bytes(table, encoding))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.binary(max_size=60), table=rows)
def test_a_csv_with_garbage_bytes_gets_a_message_or_row_errors(staff, grid, head, table):
    preview(staff, csv_bytes(table, "utf-8") + head)


def test_a_number_too_large_for_the_registry_is_a_row_error_of_its_cell(staff, grid):
    """Once a hang (ten million digits made a whole number) and a crash (1e400 rounded to the registry's places)."""
    row = ["望江兰庭便利店", "", "XS01", "第一网格", "郭家桥北街1号", "1e400", "", "张三", "13800138000"] + [""] * 18
    row[HEADERS.index("层数")] = "1e9999999"
    site_import = preview(staff, csv_bytes([row], "utf-8"))
    bad_columns = {error["column"] for error in site_import.errors}
    assert {"纬度", "层数"} <= bad_columns
