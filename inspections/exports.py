"""The inspection list as an .xlsx workbook (files.xlsx): the filtered rows the list shows. The list
shows no personal data of the sites (the signer's name stays on the record), nor does its export."""

from django.utils.translation import gettext_lazy as _

from enterprises.exports import site_columns
from files import xlsx

from .filters import InspectionFilter
from .models import Inspection
from .selectors import inspection_list


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


def inspection_export_source(request) -> xlsx.ExportSource:
    """The inspection list of ``request`` (its user's scope, its filters), newest first."""
    return xlsx.filtered_source(
        request,
        filterset_class=InspectionFilter,
        queryset=inspection_list(user=request.user),
        title=_("Inspections"),
        columns=inspection_export_columns(),
        related=("site__category", "site__grid__community__street", "inspector", "campaign"),
    )
