"""The project's one way to export rows to an .xlsx workbook: every list page's "Export to Excel".

The calling view has already narrowed the rows to the user's scope and the list's filters (its
app's selector and filter set); this module only writes them:

- Columns: ``Column(header, value)``, ``value`` taking one row and returning a Python value.
  The app that owns the list defines its columns, masking personal data by the rule its list
  follows (``accounts.personal_data``).
- Memory stays flat whatever the number of rows: a queryset is read in chunks
  (``iterator(chunk_size=...)``, a server-side cursor on PostgreSQL) and openpyxl's write-only
  mode sends each row to a temporary file as it comes; the finished workbook is a temporary
  file too, answered in blocks (FileResponse).
- Dates and times are real Excel dates (the platform's local time; Excel keeps no time zone)
  with a date format, so that the office can sort and filter them; numbers stay numbers.
- Text is always text: a value such as "=HYPERLINK(...)" typed into a form must never become
  a live formula in the office's Excel (CSV/formula injection, as OWASP describes it), and
  the control characters an .xlsx cannot hold are left out rather than failing the export.
- Headers, sheet title and file name are in the office's language (LANGUAGE_CODE) whatever
  the reader's page speaks, as the PDFs are; the file name carries the day of the export.
"""

import datetime
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from riskplatform.exceptions import ApplicationError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
EMPHASIS_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Rows read from the database at a time: a few megabytes of model instances at most.
CHUNK_SIZE = 2000
# A worksheet holds 1,048,576 rows, the header one of them.
MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (translated in the office's language, or literal Chinese
    data such as the registry's import headers), how to read its value from a row, and its width
    in characters. ``emphasis`` draws the header in red (the registry's required columns)."""

    header: Any
    value: Callable[[Any], Any]
    width: int = 14
    emphasis: bool = False


def field_column(model, name: str, *, width: int = 14) -> Column:
    """A column of one of ``model``'s own fields, headed by the field's name (its verbose name): a choice
    by its label, a related row by its text, anything else as it is."""
    field = model._meta.get_field(name)
    if field.choices:
        display = f"get_{name}_display"

        def value(row):
            return getattr(row, display)() if getattr(row, name) not in (None, "") else None

    elif field.is_relation:

        def value(row):
            related = getattr(row, name)
            return None if related is None else str(related)

    else:

        def value(row):
            return getattr(row, name)

    return Column(capfirst(field.verbose_name), value, width=width)


class ExportFiltersInvalid(Exception):
    """A list's filters do not validate: its export holds no rows the user did not filter for."""


def filtered_source(
    request, *, filterset_class, queryset: QuerySet, title, columns: list[Column], related: tuple[str, ...] = (), read=None
) -> "ExportSource":
    """A list page's rows as its filter set narrows them for ``request`` (its user and query string), with the
    related rows its columns read; raises ExportFiltersInvalid when the filters do not validate."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ExportFiltersInvalid
    rows = filterset.qs.select_related(*related) if related else filterset.qs
    return ExportSource(title=title, columns=columns, rows=rows, read=read or rows_of)


def yes_no(value: bool | None) -> str | None:
    """是 or 否 (in the office's language); nothing for an unknown."""
    if value is None:
        return None
    return _("Yes") if value else _("No")


def export_filename(*, title: str, day: datetime.date | None = None) -> str:
    """ "隐患-20261120.xlsx": what the export is, and the day it was made."""
    return f"{title}-{day or timezone.localdate():%Y%m%d}.xlsx"


def rows_of(queryset: QuerySet) -> Iterable:
    """A queryset's rows read in chunks, for an export of any size."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)


@dataclass(frozen=True)
class ExportSource:
    """What one list's export writes: the sheet's title, its columns and the rows (a queryset the
    list's selector and filters have already narrowed, not yet read)."""

    title: Any
    columns: list[Column]
    rows: QuerySet
    # How the rows are read for writing; the audit log's adds each entry's changes in words, a batch at a time.
    read: Callable[[QuerySet], Iterable] = rows_of


def xlsx_workbook(
    *, title, columns: list[Column], rows: Iterable, max_rows: int = MAX_ROWS, progress: Callable[[int], None] | None = None
) -> IO[bytes]:
    """A workbook of one sheet, ``title``, with a header row and one row per item of ``rows``, as an open
    temporary file at its start; ``progress`` is told the rows written every CHUNK_SIZE rows. Raises
    ApplicationError when there are more rows than a sheet holds."""
    try:
        with office_language():
            return _write(title=str(title), columns=columns, rows=rows, max_rows=max_rows, progress=progress)
    except _TooManyRows:
        raise ApplicationError(
            _("The export has more than %(max)d rows, more than a worksheet holds; narrow the filters and export again.")
            % {"max": max_rows}
        ) from None


def xlsx_response(*, title, columns: list[Column], rows: Iterable) -> FileResponse:
    """The workbook as a download named after ``title`` and today (export_filename)."""
    workbook = xlsx_workbook(title=title, columns=columns, rows=rows)
    with office_language():
        filename = export_filename(title=str(title))
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class _TooManyRows(Exception):
    pass


def _write(
    *, title: str, columns: list[Column], rows: Iterable, max_rows: int, progress: Callable[[int], None] | None
) -> IO[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_text(str(column.header)))
        cell.font = EMPHASIS_FONT if column.emphasis else HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    try:
        for row in rows:
            count += 1
            if count > max_rows:
                raise _TooManyRows
            sheet.append([_cell(sheet, column.value(row)) for column in columns])
            if progress is not None and count % CHUNK_SIZE == 0:
                progress(count)
    except BaseException:
        _discard(sheet)
        raise
    if columns:
        # Excel's filter buttons on the header row, over the rows written.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return target


def _discard(sheet) -> None:
    """A sheet abandoned half-written (too many rows, a failed query): its temporary file is closed and
    removed now; openpyxl would keep it until the process exits, which a server's never does."""
    try:
        sheet.close()
    finally:
        writer = sheet._writer  # openpyxl's own; it has no public way to drop an unsaved sheet
        if writer is not None and os.path.exists(writer.out):
            writer.cleanup()


def office_language():
    """Headers and words of an export in the office's language, whatever the reader's page speaks."""
    return translation.override(settings.LANGUAGE_CODE)


def _sheet_title(title: str) -> str:
    # A sheet's name has at most 31 characters and none of []:*?/\ .
    return "".join(" " if char in "[]:*?/\\" else char for char in title)[:31] or "Sheet1"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value: Any) -> Any:
    """A value as Excel should hold it (module docstring): a date, a number or text, never a formula."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        # Whole numbers as integers, so that 80.0 m² reads 80 in the sheet.
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, int | float):
        return value
    text = _text(str(value))
    if text.startswith("="):
        # openpyxl would store it as a formula; a cell typed as text keeps it inert.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text
