"""A safety report's file, from the figures of dashboards.reports: the PDF through the project's one PDF path
(files.pdf, the template dashboards/report_pdf.html, charts as SVG from dashboards.report_charts), or an
.xlsx workbook with one sheet per table, each table closed by its totals row.

Both speak the active language: the build runs them in the office's (settings.LANGUAGE_CODE).
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enterprises.models import RiskColour
from files.pdf import render_pdf

from . import report_charts
from .reports import UNGRADED
from .views import duration_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def colour_label(colour: str) -> str:
    return _("Not graded") if colour == UNGRADED else str(RiskColour(colour).label)


def unit_label(level: str) -> str:
    """The heading of the table by unit: a street's report lists its communities, a community's its grids."""
    return _("Community") if level == "community" else _("Grid")


def report_title(*, street: str, community: str, period: str) -> str:
    """ "望江路街道 望江社区 2026年第4季度安全生产报告" in the active language."""
    name = f"{street} {community}".strip()
    return _("%(scope)s safety report, %(period)s") % {"scope": name, "period": period}


def _figures_title(figures: dict) -> str:
    scope = figures["scope"]
    return report_title(street=scope["street"], community=scope["community"], period=figures["period"]["label"])


def report_filename(*, title: str, extension: str) -> str:
    # The title without spaces or commas: a file name the office's computers show whole.
    return f"{title.replace(' ', '').replace(',', '').replace('，', '')}.{extension}"


# --- PDF ------------------------------------------------------------------------------------------------------


def report_pdf(*, figures: dict, requested_by: str = "") -> bytes:
    """The report as a PDF: the tables of ``figures`` and their charts."""
    sites = figures["sites"]
    context = {
        "figures": figures,
        "title": _figures_title(figures),
        "requested_by": requested_by,
        "unit_label": unit_label(figures["unit_level"]),
        "colours": [
            {"key": colour, "label": colour_label(colour), "count": count, "share": sites["shares"][colour]}
            for colour, count in sites["by_colour"].items()
        ],
        "colour_labels": [colour_label(colour) for colour in sites["by_colour"]],
        "grade_colour_labels": [colour_label(colour) for colour in RiskColour.values],
        "grade_changes": [{**line, "label": colour_label(line["from"])} for line in figures["grade_changes"]["matrix"]],
        "alarm_times": {key: duration_text(figures["alarms"][key]) for key in ("ack_p50", "ack_p95", "scene_p50", "scene_p95")},
        "charts": {
            "grades": report_charts.grade_distribution_chart(by_colour=figures["sites"]["by_colour"]),
            "hazards": report_charts.hazards_by_month_chart(months=figures["hazards"]["months"]),
            "incidents": report_charts.incidents_by_month_chart(months=figures["alarms"]["months"]),
        },
    }
    return render_pdf(template_name="dashboards/report_pdf.html", context=context)


# --- Workbook -------------------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(bold=True, size=13)


class _Sheet:
    """One table on a sheet of its own: a title line, the header row, the rows, the totals row."""

    def __init__(self, workbook: Workbook, title: str, heading: str, columns: list[tuple[str, int]]):
        # A sheet's name is at most 31 characters and excludes []:*?/\ (Excel's rule).
        safe = "".join(" " if character in "[]:*?/\\" else character for character in title)[:31]
        self.sheet = workbook.create_sheet(safe)
        self.sheet.append([heading])
        self.sheet.cell(row=1, column=1).font = TITLE_FONT
        self.sheet.append([name for name, _width in columns])
        for index, (_name, width) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
            cell = self.sheet.cell(row=2, column=index)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        self.sheet.freeze_panes = "B3"

    def row(self, *values) -> None:
        self.sheet.append([_value(value) for value in values])
        for cell in self.sheet[self.sheet.max_row]:
            # Text always as text: a name typed as "=HYPERLINK(...)" never becomes a live formula (OWASP).
            if isinstance(cell.value, str):
                cell.data_type = "s"

    def total(self, *values) -> None:
        self.row(*values)
        for cell in self.sheet[self.sheet.max_row]:
            cell.font, cell.fill = TOTAL_FONT, TOTAL_FILL

    def note(self, text: str) -> None:
        self.sheet.append([])
        self.sheet.append([text])
        self.sheet.cell(row=self.sheet.max_row, column=1).data_type = "s"


def _value(value):
    """A cell's value: numbers and dates as they are, a rate of nothing as an empty cell."""
    if value is None:
        return None
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return value


def report_workbook(*, figures: dict, requested_by: str = "") -> bytes:
    """The report as an .xlsx workbook, one sheet per table, each closed by its totals row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    title = _figures_title(figures)
    units_label = unit_label(figures["unit_level"])
    colour_keys = list(figures["sites"]["by_colour"])
    colour_labels = [colour_label(colour) for colour in colour_keys]
    rate = _("Rectification rate (%)")

    summary = _Sheet(workbook, _("Summary"), title, [(_("Figure"), 44), (_("Value"), 16)])
    period = figures["period"]
    summary.row(_("Period"), f"{period['first_day'].isoformat()} – {period['last_day'].isoformat()}")
    if period["as_at"]:
        summary.row(_("Figures as at"), period["as_at"])
    summary.row(_("Generated"), figures["generated_at"])
    if requested_by:
        summary.row(_("Requested by"), requested_by)
    for line in figures["summary"]:
        summary.row(f"{line['label']}{' (%)' if line['suffix'] == '%' else ''}", line["value"])

    sites = figures["sites"]
    categories = _Sheet(
        workbook,
        _("Units by category"),
        _("Units supervised by category and risk colour"),
        [(_("Code"), 10), (_("Category"), 28), (_("Group"), 14), (_("Sites"), 10)] + [(label, 10) for label in colour_labels],
    )
    for row in sites["categories"]:
        categories.row(row["code"], row["name"], row["group"], row["total"], *[row["colours"][key] for key in colour_keys])
    categories.total(_("Total"), "", "", sites["total"], *[sites["by_colour"][key] for key in colour_keys])

    grades = _Sheet(
        workbook, _("Grades"), _("Grade distribution"), [(_("Risk colour"), 16), (_("Sites"), 10), (_("Share (%)"), 12)]
    )
    for key, label in zip(colour_keys, colour_labels, strict=True):
        grades.row(label, sites["by_colour"][key], sites["shares"][key])
    grades.total(_("Total"), sites["total"], 100.0 if sites["total"] else None)

    changes = figures["grade_changes"]
    grade_colours = list(RiskColour.values)
    matrix = _Sheet(
        workbook,
        _("Grade changes"),
        _("Grade changes in the period, from one colour (rows) to another (columns)"),
        [(_("From"), 16)] + [(colour_label(colour), 10) for colour in grade_colours] + [(_("Total"), 10)],
    )
    for line in changes["matrix"]:
        matrix.row(colour_label(line["from"]), *[line["to"][colour] for colour in grade_colours], line["total"])
    matrix.total(_("Total"), *[changes["to_totals"][colour] for colour in grade_colours], changes["total"])
    matrix.note(
        _("Raised: %(raised)d; lowered: %(lowered)d; first graded: %(first)d.")
        % {"raised": changes["raised"], "lowered": changes["lowered"], "first": changes["first"]}
    )

    inspections = figures["inspections"]
    coverage = _Sheet(
        workbook,
        _("Inspections"),
        _("Routine inspections from %(start)s to %(end)s")
        % {"start": inspections["start"].isoformat(), "end": inspections["end"].isoformat()},
        [(_("Operating sites"), 14), (_("Due"), 10), (_("Done"), 10), (_("Overdue"), 10), (_("Done on time (%)"), 16)],
    )
    coverage.row(inspections["sites"], inspections["due"], inspections["done"], inspections["overdue"], inspections["rate"])
    visits = _Sheet(workbook, _("Inspection visits"), _("Inspection visits by kind"), [(_("Kind"), 20), (_("Visits"), 10)])
    for row in inspections["by_kind"]:
        visits.row(str(row["label"]), row["count"])
    visits.total(_("Total"), inspections["visits"])

    hazards = figures["hazards"]
    hazard_columns = [(_("Found"), 10), (pgettext("hazard", "Closed"), 10), (_("Open"), 10), (rate, 16), (_("Overdue"), 10)]
    for sheet_title, heading, key, first in (
        (_("Hazards by level"), _("Hazards found in the period, by level"), "by_level", _("Level")),
        (_("Hazards by source"), _("Hazards found in the period, by source"), "by_source", _("Source")),
    ):
        sheet = _Sheet(workbook, sheet_title, heading, [(first, 22), *hazard_columns])
        for row in hazards[key]:
            sheet.row(str(row["label"]), row["found"], row["closed"], row["open"], row["rate"], row["overdue"])
        sheet.total(_("Total"), hazards["found"], hazards["closed"], hazards["open"], hazards["rate"], hazards["overdue"])

    months = _Sheet(
        workbook,
        _("Hazards by month"),
        _("Hazards found and closed by month"),
        [(_("Month"), 12), (_("Found"), 10), (_("Closed in the month"), 16)],
    )
    for row in hazards["months"]:
        months.row(row["label"], row["found"], row["closed"])
    months.total(_("Total"), hazards["month_totals"]["found"], hazards["month_totals"]["closed"])

    major = figures["major_hazards"]
    majors = _Sheet(
        workbook,
        _("Major hazards"),
        _("Major hazards open at any time in the period"),
        [
            (_("Site"), 26),
            (_("Community and grid"), 20),
            (_("What was found"), 40),
            (_("Found on"), 12),
            (_("Status"), 16),
            (_("Under supervision since"), 14),
            (_("Closed on"), 12),
        ],
    )
    for row in major["rows"]:
        majors.row(
            row["site"],
            row["unit"],
            row["description"],
            row["found_at"],
            str(row["status"]),
            row["supervised_at"],
            row["closed_at"],
        )
    majors.total(_("Total"), major["count"])
    if major["more"]:
        majors.note(_("%(count)d more are not listed here.") % {"count": major["more"]})

    alarms = figures["alarms"]
    incidents = _Sheet(
        workbook,
        _("Alarms by month"),
        _("Fire alarms and incidents by month"),
        [(_("Month"), 12), (_("Fire alarms"), 12), (_("Incidents"), 10), (_("Real fires"), 10), (_("False alarms"), 12)],
    )
    for row in alarms["months"]:
        incidents.row(row["label"], row["alarms"], row["incidents"], row["real"], row["false"])
    totals = alarms["month_totals"]
    incidents.total(_("Total"), totals["alarms"], totals["incidents"], totals["real"], totals["false"])

    units = _Sheet(
        workbook,
        _("By %(unit)s") % {"unit": units_label},
        _("Figures by %(unit)s") % {"unit": units_label},
        [
            (units_label, 18),
            (_("Operating sites"), 10),
            (_("Red sites"), 10),
            (_("Inspection visits"), 10),
            (_("Routine inspections overdue"), 12),
            (_("Hazards found"), 10),
            (pgettext("hazard", "Closed"), 10),
            (rate, 14),
            (_("Major hazards"), 10),
            (_("Overdue"), 10),
            (_("Incidents"), 10),
            (_("Real fires"), 10),
            (_("False alarms"), 10),
        ],
    )

    def unit_values(name: str, row: dict) -> tuple:
        return (
            name,
            row["sites"],
            row["red"],
            row["inspections_done"],
            row["inspections_overdue"],
            row["hazards_found"],
            row["hazards_closed"],
            row["hazard_rate"],
            row["hazards_major"],
            row["hazards_overdue"],
            row["incidents"],
            row["real"],
            row["false"],
        )

    for row in figures["units"]:
        units.row(*unit_values(row["name"], row))
    units.total(*unit_values(_("Total"), figures["unit_totals"]))

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
