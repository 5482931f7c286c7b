"""The registry as an .xlsx workbook, and the empty template to import from.

Both use the columns of ``enterprises.imports``, so an exported file imports again
as updates in place. The export goes the project's one export path (files.xlsx:
write-only, read in chunks, so 100,000 sites take little memory); its phone numbers
are masked for a reader who sees them masked on the list (accounts.personal_data).
"""

import tempfile
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.personal_data import SITE_PERSONAL_FIELDS, mask_phone, user_may_see_personal_data
from accounts.selectors import grid_list
from files import xlsx

from .models import Site
from .selectors import category_list, site_list
from .spreadsheets import COLUMNS, NO, STATUS_LABELS, YES, Column
from .validators import credit_code_check_character

EXPORT_SHEET_TITLE = "场所台账"
RISK_COLOUR_HEADER = "风险等级"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")


def _example_row(*, grid_label: str) -> list[Any]:
    """A site the template shows as an example. It lives on the instructions sheet, never on
    the data sheet, so that an untouched template imports nothing by mistake."""
    body = "91510100MA6CQ8B2X"
    values = {
        "name": "望江兰庭便利店",
        "credit_code": body + credit_code_check_character(body),
        "category": "XS01",
        "grid": grid_label,
        "address": "郭家桥北街1号",
        "latitude": "30.630000",
        "longitude": "104.080000",
        "responsible_person": "张三",
        "responsible_phone": "13800138000",
        "safety_contact": "李四",
        "safety_contact_phone": "028-85551234",
        "floor_area": "80",
        "storeys": "1",
        "staff_count": "3",
        "opening_hours": "08:00-22:00",
        "extinguisher_count": "4",
        "hydrant_count": "0",
        "has_fire_alarm_system": NO,
        "has_sprinklers": NO,
        "exit_count": "1",
        "has_kitchen": NO,
        "uses_lpg": NO,
        "uses_piped_gas": NO,
        "has_ebike_charging": NO,
        "stores_flammables": NO,
        "status": STATUS_LABELS[Site.Status.OPERATING],
    }
    return [values.get(column.field, "") for column in COLUMNS]


def template_filename() -> str:
    return "场所导入模板.xlsx"


def _cell_value(site: Site, *, column: Column) -> Any:
    value = getattr(site, column.field)
    if value is None or value == "":
        return None
    if column.kind == "category":
        return value.name
    if column.kind == "grid":
        # "社区 网格": readable, and unique within a street (the import reads it back).
        return str(value)
    if column.kind == "boolean":
        return YES if value else NO
    if column.kind == "status":
        return STATUS_LABELS.get(value, value)
    if isinstance(value, Decimal):
        # Whole numbers as integers, so that 80.0 m² reads 80 in the sheet.
        return int(value) if value == value.to_integral_value() else value
    return value


def _data_sheet(workbook: Workbook, title: str):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    return sheet


def _save(workbook: Workbook) -> IO[bytes]:
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return target


def site_export_columns(*, user: User) -> list[xlsx.Column]:
    """The registry's import columns, then the risk colour (which an import ignores: grading sets it)."""
    columns = []
    for column in COLUMNS:
        value = partial(_cell_value, column=column)
        if column.field in SITE_PERSONAL_FIELDS:
            value = partial(_personal_value, column=column, user=user)
        columns.append(xlsx.Column(column.header, value, width=column.width, emphasis=column.required))
    columns.append(xlsx.Column(RISK_COLOUR_HEADER, _risk_colour, width=8))
    return columns


def _risk_colour(site: Site) -> str:
    return site.get_risk_colour_display() if site.risk_colour else _("Not graded")


def _personal_value(site: Site, *, column: Column, user: User) -> Any:
    value = _cell_value(site, column=column)
    if value and not user_may_see_personal_data(user=user, site=site):
        return mask_phone(value)
    return value


def site_columns(*, site_of: Callable[[Any], Site]) -> list[xlsx.Column]:
    """Where a row of another list (a hazard, an inspection, an incident) is: its site, street,
    community, grid and category. The rows' query selects ``site__grid__community__street`` and
    ``site__category``."""
    return [
        xlsx.Column(gettext_lazy("Site"), lambda row: site_of(row).name, width=28),
        xlsx.Column(gettext_lazy("Street"), lambda row: site_of(row).grid.community.street.name, width=12),
        xlsx.Column(gettext_lazy("Community"), lambda row: site_of(row).grid.community.name, width=12),
        xlsx.Column(gettext_lazy("Grid"), lambda row: site_of(row).grid.name, width=12),
        xlsx.Column(gettext_lazy("Category"), lambda row: site_of(row).category.name, width=14),
    ]


def site_export_source(request) -> xlsx.ExportSource:
    """The registry list of ``request`` (its user's scope, its filters), one row per site, personal data
    masked as the list masks it for that user."""
    from .filters import SiteFilter

    return xlsx.filtered_source(
        request,
        filterset_class=SiteFilter,
        queryset=site_list(user=request.user),
        title=EXPORT_SHEET_TITLE,
        columns=site_export_columns(user=request.user),
        related=("category", "grid__community"),
    )


def site_import_template(*, user: User) -> IO[bytes]:
    """An empty data sheet with the headers, and a sheet explaining each column with the user's grids and the categories."""
    workbook = Workbook(write_only=True)
    _data_sheet(workbook, EXPORT_SHEET_TITLE)
    guide = workbook.create_sheet(_("Instructions"))
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 70
    guide.column_dimensions["C"].width = 28

    def heading(text: str) -> list:
        cell = WriteOnlyCell(guide, value=text)
        cell.font = HEADER_FONT
        return [cell]

    wrap = Alignment(wrap_text=True, vertical="top")

    def line(*values) -> list:
        cells = []
        for value in values:
            cell = WriteOnlyCell(guide, value=value)
            cell.alignment = wrap
            cells.append(cell)
        return cells

    guide.append(heading(_("How to fill in the first sheet")))
    guide.append(
        line(
            _(
                "One site per row below the header row. Columns in red are required. A row whose credit code is "
                "already in the registry updates that site; without a credit code, a site with the same name and "
                "address is updated; any other row creates a new site. A column left out keeps the current values."
            )
        )
    )
    guide.append([])
    guide.append(heading(_("Columns")))
    notes = {
        "credit_code": _("18 characters (GB 32100). Leave empty for residential courtyards and buildings."),
        "category": _("A category code or name from the list below."),
        "grid": _("A grid code or name from the list below."),
        "latitude": _("Decimal degrees, e.g. 30.630000."),
        "longitude": _("Decimal degrees, e.g. 104.080000."),
        "responsible_phone": _("A mobile number of 11 digits or a landline with its area code."),
        "safety_contact_phone": _("A mobile number of 11 digits or a landline with its area code."),
        "floor_area": _("Square metres."),
        "capacity": _("Seats for diners, or beds, where the category counts them."),
        "has_fire_alarm_system": _("是 (yes) or 否 (no)."),
        "has_sprinklers": _("是 (yes) or 否 (no)."),
        **{
            field: _("是 (yes) or 否 (no).")
            for field in ("has_kitchen", "uses_lpg", "uses_piped_gas", "has_ebike_charging", "stores_flammables")
        },
        "status": _("营业, 停业 or 关闭 (operating, suspended or closed); empty means operating."),
    }
    for column in COLUMNS:
        note = notes.get(column.field, "")
        if column.required:
            guide.append(line(column.header, _("Required. %(note)s") % {"note": note} if note else _("Required.")))
        else:
            guide.append(line(column.header, _("Optional. %(note)s") % {"note": note} if note else _("Optional.")))
    guide.append([])
    guide.append(heading(_("Example row")))
    guide.append(line(*[column.header for column in COLUMNS]))
    grids = list(grid_list(user=user))
    guide.append(line(*_example_row(grid_label=str(grids[0]) if grids else "")))
    guide.append([])
    guide.append(heading(_("Categories")) + line(_("Code"), _("Name")))
    for category in category_list():
        guide.append(line("", category.code, category.name))
    guide.append([])
    guide.append(heading(_("Your grids")) + line(_("Code"), _("Name")))
    for grid in grids:
        guide.append(line("", grid.code, str(grid)))
    return _save(workbook)
