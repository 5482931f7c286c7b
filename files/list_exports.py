"""Which list each export of a list page writes: its kind (ListExport.Kind), the function that reads its rows
for a user and the list's filters (each app's ``exports`` module), and the list page it belongs to.

A source takes what a list page takes, a request-like object with ``user`` and ``GET`` (the list's query
string), and returns an ``xlsx.ExportSource`` or raises ``xlsx.ExportFiltersInvalid``. The same source
serves the download within the request and the background export, so both hold the same rows.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.module_loading import import_string

from accounts.models import User

from . import xlsx
from .models import ListExport


@dataclass(frozen=True)
class ListExportKind:
    source: str  # dotted path of the app's source function
    list_url_name: str


LIST_EXPORTS = {
    ListExport.Kind.SITES: ListExportKind("enterprises.exports.site_export_source", "enterprises:site-list"),
    ListExport.Kind.HAZARDS: ListExportKind("hazards.exports.hazard_export_source", "hazards:hazard-list"),
    ListExport.Kind.INSPECTIONS: ListExportKind("inspections.exports.inspection_export_source", "inspections:inspection-list"),
    ListExport.Kind.INCIDENTS: ListExportKind("alarms.exports.incident_export_source", "alarms:incident-list"),
    ListExport.Kind.DEVICES: ListExportKind("alarms.exports.device_export_source", "alarms:device-list"),
    ListExport.Kind.AUDIT: ListExportKind("dashboards.audit.audit_export_source", "dashboards:audit-log"),
}


@dataclass(frozen=True)
class ListRequest:
    """What a source reads of a list page's request: a page's user (never a program's token) and the filters."""

    user: User
    GET: QueryDict


def export_source(kind: str, *, user: User, query: QueryDict) -> xlsx.ExportSource:
    return import_string(LIST_EXPORTS[kind].source)(ListRequest(user=user, GET=query))
