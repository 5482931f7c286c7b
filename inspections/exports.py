"""The inspection list as an .xlsx workbook (files.xlsx): the filtered rows the list shows. The list
shows no personal data of the sites (the signer's name stays on the record), nor does its export."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.exports import site_columns
from files import xlsx

from .models import Inspection


def inspection_export_columns() -> list[xlsx.Column]:
    return [
        *site_columns(site_of=lambda inspection: inspection.site),
        xlsx.field_column(Inspection, "kind", width=10),
        xlsx.Column(_("Campaign"), lambda inspection: inspection.campaign.name if inspection.campaign else None, width=20),
        xlsx.Column(_("Inspector"), lambda inspection: inspection.inspector.display_name, width=12),
        xlsx.field_column(Inspection, "started_at", width=17),
        xlsx.field_column(Inspection, "finished_at", width=17),
        xlsx.field_column(Inspection, "passed_count", width=8),
        xlsx.field_column(Inspection, "failed_count", width=8),
        xlsx.field_column(Inspection, "not_applicable_count", width=8),
        xlsx.field_column(Inspection, "hazards_raised_count", width=8),
    ]


def inspection_export_response(*, inspections: QuerySet[Inspection]):
    """A download of ``inspections`` (already scoped and filtered by the list's filters), newest first."""
    rows = xlsx.rows_of(inspections.select_related("site__category", "site__grid__community__street", "inspector", "campaign"))
    return xlsx.xlsx_response(title=_("Inspections"), columns=inspection_export_columns(), rows=rows)
