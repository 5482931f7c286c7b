"""The registry's spreadsheet layout (columns, Chinese headers, yes/no and status words)
and reading an uploaded .xlsx or .csv into a header map and raw rows.

Used by the import (enterprises.imports) and the export (enterprises.exports), so an
exported file imports again unchanged.
"""

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from riskplatform.exceptions import ApplicationError

from .models import Site


@dataclass(frozen=True)
class Column:
    """A column of the spreadsheet: its Chinese header (data, not a msgid) and the site field it fills."""

    header: str
    field: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 12


# The order of the template and the export. Headers are Chinese data, shared by both
# directions, so that an exported file imports again as updates in place.
COLUMNS = [
    Column("名称", "name", "text", True, ("单位名称", "场所名称"), 28),
    Column("统一社会信用代码", "credit_code", "text", False, ("信用代码", "社会信用代码"), 22),
    Column("类别", "category", "category", True, ("场所类别", "类别代码"), 16),
    Column("网格", "grid", "grid", True, ("所属网格", "网格编码"), 20),
    Column("地址", "address", "text", True, ("详细地址",), 32),
    Column("纬度", "latitude", "coordinate", False, (), 12),
    Column("经度", "longitude", "coordinate", False, (), 12),
    Column("负责人", "responsible_person", "text", True, ("法定代表人",), 10),
    Column("负责人电话", "responsible_phone", "text", True, ("负责人联系电话",), 15),
    Column("安全联系人", "safety_contact", "text", False, ("安全管理人",), 10),
    Column("安全联系人电话", "safety_contact_phone", "text", False, ("安全管理人电话",), 15),
    Column("建筑面积", "floor_area", "decimal", False, ("建筑面积(㎡)", "建筑面积(m²)", "面积"), 10),
    Column("层数", "storeys", "integer", False, ("楼层数",), 8),
    Column("从业人数", "staff_count", "integer", False, ("员工人数",), 10),
    Column("容纳人数/床位", "capacity", "integer", False, ("容纳人数", "床位", "床位数"), 12),
    Column("营业时间", "opening_hours", "text", False, (), 14),
    Column("灭火器数量", "extinguisher_count", "integer", False, ("灭火器",), 10),
    Column("室内消火栓数量", "hydrant_count", "integer", False, ("室内消火栓",), 12),
    Column("火灾自动报警系统", "has_fire_alarm_system", "boolean", False, (), 14),
    Column("自动喷水灭火系统", "has_sprinklers", "boolean", False, (), 14),
    Column("安全出口数量", "exit_count", "integer", False, ("安全出口",), 10),
    Column("有厨房或明火", "has_kitchen", "boolean", False, ("厨房", "有厨房"), 12),
    Column("使用瓶装液化气", "uses_lpg", "boolean", False, ("液化气", "使用液化气"), 14),
    Column("使用管道燃气", "uses_piped_gas", "boolean", False, ("管道燃气", "天然气"), 12),
    Column("电动自行车停放充电", "has_ebike_charging", "boolean", False, ("电动自行车",), 16),
    Column("存放易燃易爆物品", "stores_flammables", "boolean", False, ("易燃易爆物品",), 16),
    Column("状态", "status", "status", False, ("营业状态",), 8),
]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_HEADERS = [column.header for column in COLUMNS if column.required]

YES, NO = "是", "否"
# What people type in a yes/no column.
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗"}
STATUS_LABELS = {Site.Status.OPERATING: "营业", Site.Status.SUSPENDED: "停业", Site.Status.CLOSED: "关闭"}
STATUS_WORDS = {
    "营业": Site.Status.OPERATING,
    "营业中": Site.Status.OPERATING,
    "正常营业": Site.Status.OPERATING,
    "停业": Site.Status.SUSPENDED,
    "歇业": Site.Status.SUSPENDED,
    "关闭": Site.Status.CLOSED,
    "已关闭": Site.Status.CLOSED,
}

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _header_key(text: Any) -> str:
    # Templates often mark required columns with an asterisk; spacing and case vary.
    return "".join(str(text or "").replace("*", "").replace("＊", "").split()).lower()


HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.aliases):
        HEADER_LOOKUP[_header_key(_name)] = _column


@dataclass
class Sheet:
    """The readable content of an uploaded file: which column holds which field, and the rows."""

    columns: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]


# --- Reading the file ----------------------------------------------------------------


def read_sheet(*, content: bytes, name: str) -> Sheet:
    """The table of sites in an .xlsx or .csv file, or ApplicationError saying why there is none."""
    extension = Path(name).suffix.lower()
    if extension not in {".xlsx", ".csv"}:
        if extension == ".xls" or content.startswith(XLS_SIGNATURE):
            raise ApplicationError(_("Old Excel workbooks (.xls) cannot be read; save the file as .xlsx and upload it again."))
        raise ApplicationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if not content.strip():
        raise ApplicationError(_("The file is empty."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(max)d MB; split it into smaller files.")
            % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    raw_rows = _xlsx_rows(content) if extension == ".xlsx" else _csv_rows(content)
    return _table(raw_rows)


def _xlsx_rows(content: bytes):
    if content.startswith(XLS_SIGNATURE):
        raise ApplicationError(
            _("This is an old Excel workbook (.xls) named .xlsx; save it as .xlsx in Excel or WPS and upload it again.")
        )
    if not content.startswith(XLSX_SIGNATURE):
        raise ApplicationError(
            _("This file is not an Excel workbook although its name ends in .xlsx; upload an .xlsx or .csv file.")
        )
    _check_unpacked_size(content)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; the data is still read.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        # A damaged zip, a missing part or bad XML: openpyxl raises many kinds; all mean the same to the user.
        raise ApplicationError(
            _("The workbook is damaged and cannot be read; open it in Excel or WPS, save it again as .xlsx and upload it.")
        ) from error
    try:
        if not workbook.worksheets:
            raise ApplicationError(_("The workbook has no worksheet."))
        worksheet = workbook.worksheets[0]
        # The size recorded in the file may be wrong (some tools write A1); read the rows as they are.
        worksheet.reset_dimensions()
        yield from enumerate(worksheet.iter_rows(values_only=True), start=1)
    except ApplicationError:
        raise
    except Exception as error:
        # The rows are parsed as they are read, so damage deep in the sheet shows only here.
        raise ApplicationError(
            _("The workbook is damaged and cannot be read; open it in Excel or WPS, save it again as .xlsx and upload it.")
        ) from error
    finally:
        workbook.close()


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than IMPORT_MAX_UNPACKED_BYTES, before any is unpacked.

    A workbook compresses well, a repeated string extremely well: a 300 KB file whose one cell holds
    300 MB of text would otherwise be unpacked into memory whole (openpyxl reads the shared strings
    at once). The sizes are those the zip declares; unpacking a part never reads past its size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        # Damage is said by the reading that follows, in the words it has for it.
        return
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ApplicationError(
            _("The workbook unpacks to more than %(max)d MB; split it into smaller files or save it as CSV.")
            % {"max": settings.IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _decode(content: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel saves it in China."""
    if content.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        if b"\x00" in content[:4096]:
            raise ApplicationError(
                _("This file is not a CSV text file although its name ends in .csv; upload an .xlsx or .csv file.")
            )
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError(_("The text of this CSV file is in an unknown encoding; save it as CSV (UTF-8) and upload it again."))


def _csv_rows(content: bytes):
    if content.startswith(XLSX_SIGNATURE):
        raise ApplicationError(_("This is an Excel workbook named .csv; rename it to .xlsx and upload it again."))
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise ApplicationError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error


def _is_empty(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _table(raw_rows) -> Sheet:
    """Find the header row (the first row that is not empty), map its columns, gather the rows below."""
    header = None
    for _number, values in raw_rows:
        if not _is_empty(values):
            header = values
            break
    if header is None:
        raise ApplicationError(_("The file is empty."))
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        column = HEADER_LOOKUP.get(_header_key(text))
        if column is None:
            continue
        if column.field in columns:
            raise ApplicationError(_("The column %(column)s appears twice in the header row.") % {"column": column.header})
        columns[column.field] = index
    if not columns:
        raise ApplicationError(
            _("The first row must hold the column headers (%(columns)s); none of them was found. Start from the template.")
            % {"columns": "、".join(REQUIRED_HEADERS)}
        )
    missing = [column.header for column in COLUMNS if column.required and column.field not in columns]
    if missing:
        raise ApplicationError(_("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)})
    limit = settings.IMPORT_MAX_ROWS
    rows = []
    for number, values in raw_rows:
        if _is_empty(values):
            continue
        if len(rows) >= limit:
            raise ApplicationError(
                _("The file has more than %(max)d rows of sites; split it into files of at most %(max)d rows.") % {"max": limit}
            )
        rows.append((number, tuple(values)))
    if not rows:
        raise ApplicationError(_("The file has a header row but no sites below it."))
    return Sheet(columns=columns, rows=rows)


# --- Parsing cells -------------------------------------------------------------------
