"""The hazard list as an .xlsx workbook (files.xlsx): the filtered rows the list shows, with the
dates and details a street office files. The list shows no personal data, nor does its export."""

from django.utils.translation import gettext_lazy as _

from enterprises.exports import site_columns
from files import xlsx

from .filters import HazardFilter
from .models import Hazard
from .selectors import hazard_list


def hazard_export_columns() -> list[xlsx.Column]:
    return [
        xlsx.Column(_("Hazard no."), lambda hazard: hazard.pk, width=8),
        *site_columns(site_of=lambda hazard: hazard.site),
        xlsx.field_column(Hazard, "description", width=40),
        xlsx.Column(_("Legal basis"), lambda hazard: hazard.citation, width=22),
        xlsx.field_column(Hazard, "level", width=10),
        xlsx.field_column(Hazard, "status", width=14),
        xlsx.Column(_("Overdue"), lambda hazard: xlsx.yes_no(hazard.is_overdue), width=8),
        xlsx.field_column(Hazard, "source", width=12),
        xlsx.field_column(Hazard, "found_at", width=17),
        xlsx.field_column(Hazard, "deadline", width=12),
        xlsx.field_column(Hazard, "supervised_at", width=17),
        xlsx.field_column(Hazard, "rectified_at", width=17),
        xlsx.field_column(Hazard, "closed_at", width=17),
    ]


def hazard_export_source(request) -> xlsx.ExportSource:
    """The hazard list of ``request`` (its user's scope, its filters), in the list's order."""
    return xlsx.filtered_source(
        request,
        filterset_class=HazardFilter,
        queryset=hazard_list(user=request.user),
        title=_("Hazards"),
        columns=hazard_export_columns(),
        related=("site__category", "site__grid__community__street", "clause__basis", "basis"),
    )
