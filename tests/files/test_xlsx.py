"""The one export path (files.xlsx): real Excel dates in local time, text never a formula, headers in the
office's language whatever the reader's, and memory that stays flat for 100,000 rows."""

import datetime
import gc
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from files import xlsx
from riskplatform.exceptions import ApplicationError

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai


def opened(workbook) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook)


def write(rows, columns=None, **kwargs):
    columns = columns or [xlsx.Column(_("Site"), lambda row: row[0]), xlsx.Column(_("Deadline"), lambda row: row[1])]
    return opened(xlsx.xlsx_workbook(title=_("Hazards"), columns=columns, rows=rows, **kwargs))


def test_headers_title_and_words_are_in_the_offices_language_for_an_english_reader():
    columns = [xlsx.Column(_("Site"), lambda row: row), xlsx.Column(_("Overdue"), lambda row: xlsx.yes_no(True))]
    with translation.override("en"):
        sheet = opened(xlsx.xlsx_workbook(title=_("Hazards"), columns=columns, rows=["望江兰庭便利店"])).worksheets[0]
    assert sheet.title == "隐患"
    assert [cell.value for cell in sheet[1]] == ["场所", "逾期"]
    assert [cell.value for cell in sheet[2]] == ["望江兰庭便利店", "是"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"
    assert sheet[1][0].font.bold


def test_dates_and_times_are_excel_dates_in_local_time():
    moment = datetime.datetime(2026, 11, 20, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Chengdu
    columns = [xlsx.Column("时间", lambda row: row[0]), xlsx.Column("日期", lambda row: row[1])]
    sheet = write([(moment, datetime.date(2026, 12, 1))], columns).worksheets[0]
    when, day = sheet[2]
    assert when.is_date and when.value == datetime.datetime(2026, 11, 20, 9, 30)
    assert when.number_format == "yyyy-mm-dd hh:mm"
    assert day.is_date and day.value == datetime.datetime(2026, 12, 1) and day.number_format == "yyyy-mm-dd"
    assert moment.astimezone(ZONE).replace(tzinfo=None) == when.value


def test_numbers_stay_numbers_and_nothing_is_empty_text():
    from decimal import Decimal

    columns = [xlsx.Column(str(index), lambda row, index=index: row[index]) for index in range(4)]
    sheet = write([(Decimal("80.0"), Decimal("85.5"), 3, None)], columns).worksheets[0]
    assert [cell.value for cell in sheet[2]] == [80, 85.5, 3, None]
    assert sheet[2][0].data_type == "n"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/","点这里")', "=1+1", "+SUM(1,2)", "@SUM(1,2)", "-2+3"])
def test_text_that_looks_like_a_formula_stays_text(text):
    cell = write([(text, None)]).worksheets[0]["A2"]
    assert cell.value == text and cell.data_type == "s"


def test_control_characters_an_xlsx_cannot_hold_are_left_out():
    assert write([("消防\x00通道\x1b堵塞\x08", None)]).worksheets[0]["A2"].value == "消防通道堵塞"


def test_more_rows_than_a_sheet_holds_is_refused_in_the_readers_language_leaving_no_temporary_file():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    left_before = [path for path in ALL_TEMP_FILES if Path(path).exists()]
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        write((("场所", None) for _row in range(4)), max_rows=3)
    assert "more than 3 rows" in refused.value.message
    assert [path for path in ALL_TEMP_FILES if Path(path).exists()] == left_before


def test_a_failure_half_way_leaves_no_temporary_file():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    def rows():
        yield ("场所", None)
        raise RuntimeError("the database went away")

    left_before = [path for path in ALL_TEMP_FILES if Path(path).exists()]
    with pytest.raises(RuntimeError):
        write(rows())
    assert [path for path in ALL_TEMP_FILES if Path(path).exists()] == left_before


def test_the_file_name_says_what_and_when():
    assert xlsx.export_filename(title="隐患", day=datetime.date(2026, 11, 20)) == "隐患-20261120.xlsx"


def _resident_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(field)


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's resettable peak memory")
def test_memory_stays_flat_for_100000_rows():
    """The rows come from a generator, as from a chunked queryset: openpyxl's write-only sheet sends each to a
    temporary file, so the process's peak memory barely moves (a normal workbook would hold every cell)."""
    moment = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=ZONE)
    columns = [
        xlsx.Column("名称", lambda row: f"场所{row}"),
        xlsx.Column("时间", lambda row: moment),
        xlsx.Column("数量", lambda row: row),
    ]
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the current size
    before = _resident_kb("VmRSS")
    workbook = xlsx.xlsx_workbook(title="测试", columns=columns, rows=iter(range(100_000)))
    risen_mb = (_resident_kb("VmHWM") - before) / 1024
    sheet = openpyxl.load_workbook(workbook, read_only=True).worksheets[0]
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 100_001
    assert risen_mb < 25, f"the export took {risen_mb:.0f} MB"
