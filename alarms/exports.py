"""The incident list and the device list as .xlsx workbooks (files.xlsx): the filtered rows each list
shows. Neither list shows personal data, nor do their exports."""

from django.utils.translation import gettext_lazy as _

from enterprises.exports import site_columns
from files import xlsx

from .filters import DeviceFilter, IncidentFilter
from .models import Device, Incident
from .selectors import device_list, incident_list


def _verdict(incident: Incident) -> str | None:
    if incident.real is None:
        return None
    return str(_("Real fire") if incident.real else _("False alarm"))


def incident_export_columns() -> list[xlsx.Column]:
    return [
        xlsx.Column(_("Incident no."), lambda incident: incident.pk, width=8),
        xlsx.field_column(Incident, "opened_at", width=17),
        *site_columns(site_of=lambda incident: incident.site),
        xlsx.field_column(Incident, "status", width=10),
        xlsx.Column(_("Verdict"), _verdict, width=10),
        xlsx.field_column(Incident, "cause", width=10),
        xlsx.Column(_("Alarm count"), lambda incident: incident.alarm_count, width=8),
        xlsx.field_column(Incident, "acknowledged_at", width=17),
        xlsx.field_column(Incident, "dispatched_at", width=17),
        xlsx.field_column(Incident, "on_scene_at", width=17),
        xlsx.field_column(Incident, "resolved_at", width=17),
        xlsx.field_column(Incident, "outcome", width=14),
    ]


def incident_export_source(request) -> xlsx.ExportSource:
    """The incident list of ``request`` (its user's scope, its filters), newest first."""
    return xlsx.filtered_source(
        request,
        filterset_class=IncidentFilter,
        queryset=incident_list(user=request.user),
        title=_("Incidents"),
        columns=incident_export_columns(),
        related=("site__category", "site__grid__community__street"),
    )


def device_export_columns() -> list[xlsx.Column]:
    return [
        *site_columns(site_of=lambda device: device.site),
        xlsx.Column(_("Location"), lambda device: device.place, width=16),
        xlsx.field_column(Device, "status", width=10),
        xlsx.field_column(Device, "battery", width=8),
        xlsx.field_column(Device, "last_seen", width=17),
        xlsx.field_column(Device, "model", width=16),
        xlsx.field_column(Device, "integration", width=16),
        xlsx.field_column(Device, "imei", width=17),
        xlsx.field_column(Device, "platform_device_id", width=17),
        xlsx.field_column(Device, "installed_on", width=12),
    ]


def device_export_source(request) -> xlsx.ExportSource:
    """The device list of ``request`` (its user's scope, its filters), in the list's order."""
    return xlsx.filtered_source(
        request,
        filterset_class=DeviceFilter,
        queryset=device_list(user=request.user),
        title=_("Devices"),
        columns=device_export_columns(),
        related=("site__category", "site__grid__community__street", "model", "integration"),
    )
