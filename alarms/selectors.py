"""Reads of the alarm pipeline, already narrowed to what the acting user may see.

A station operator sees the devices and incidents of the sites their station covers, and
every incident their station got a notice for; street staff their street; an admin
everything; a grid worker the devices and incidents of their grids' sites. A duty officer
also sees the incidents escalated to them.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FireStation, User
from accounts.selectors import grid_scope_q
from enterprises.models import Site

from .models import (
    Delivery,
    Device,
    DeviceModel,
    DispatchNotice,
    DutyOfficer,
    Event,
    Incident,
    Integration,
    Notifier,
    StationAssignment,
)


def user_is_alarm_admin(*, user: User) -> bool:
    """Who configures integrations, device models and notifiers: admins (DOMAIN.md, "Who uses it")."""
    return bool(user.is_authenticated and user.is_active and user.is_admin)


def user_may_register_devices(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.STREET_STAFF))


def device_list(*, user: User) -> QuerySet[Device]:
    return (
        Device.objects.filter(grid_scope_q(user=user, prefix="site__grid__"))
        .select_related("site", "model", "integration")
        .order_by("site__name", "building", "floor", "room", "pk")
    )


def device_get_for_user(*, user: User, pk: int) -> Device:
    try:
        return device_list(user=user).get(pk=pk)
    except (Device.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such device.")) from None


def _incident_scope_q(*, user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    scope = grid_scope_q(user=user, prefix="site__grid__")
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        scope |= Q(pk__in=DispatchNotice.objects.filter(station=user.station_id).values("incident_id"))
    scope |= Q(pk__in=DispatchNotice.objects.filter(officer=user.pk).values("incident_id"))
    return scope


def incident_list(*, user: User) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(_incident_scope_q(user=user))
        .select_related("site__category", "site__grid__community", "device")
        .annotate(alarm_count=Count("events"))
        .order_by("-opened_at", "-pk")
    )


def incident_get_for_user(*, user: User, pk: int) -> Incident:
    """The incident with its timeline and notices, or 404 outside the user's scope."""
    try:
        incident = incident_list(user=user).get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such incident.")) from None
    incident.step_list = list(incident.steps.select_related("actor"))
    incident.notice_list = list(incident.notices.select_related("station", "officer", "acknowledged_by"))
    return incident


def station_open_incidents(*, station: FireStation) -> QuerySet[Incident]:
    """What a station's console shows on opening: the open incidents it got a notice for, newest first."""
    return (
        Incident.objects.filter(status__in=Incident.OPEN_STATUSES, notices__station=station)
        .select_related("site__category", "device")
        .distinct()
        .order_by("-opened_at")
    )


def site_alarm_section(*, site: Site, user: User) -> dict:
    """The site file's alarm section: its devices with their health and its latest incidents."""
    devices = list(device_list(user=user).filter(site=site))
    incidents = list(incident_list(user=user).filter(site=site)[:20])
    return {"devices": devices, "incidents": incidents}


def unknown_device_events(*, user: User) -> QuerySet[Event]:
    """Reports from devices nobody registered: flagged for staff (admins see them all)."""
    if not user_is_alarm_admin(user=user):
        return Event.objects.none()
    return Event.objects.filter(device__isnull=True).select_related("integration").order_by("-received_at")


def integration_list(*, user: User) -> QuerySet[Integration]:
    if not user_is_alarm_admin(user=user):
        return Integration.objects.none()
    return Integration.objects.select_related("default_model").order_by("name")


def integration_get_for_user(*, user: User, pk: int) -> Integration:
    try:
        return integration_list(user=user).get(pk=pk)
    except (Integration.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such integration.")) from None


def delivery_list(*, user: User, integration: Integration) -> QuerySet[Delivery]:
    if not user_is_alarm_admin(user=user):
        return Delivery.objects.none()
    return Delivery.objects.filter(integration=integration).defer("body").order_by("-received_at", "-pk")


def device_model_list(*, user: User) -> QuerySet[DeviceModel]:
    if not user.is_authenticated or not user.is_active:
        return DeviceModel.objects.none()
    return DeviceModel.objects.order_by("platform", "name")


def notifier_list(*, user: User) -> QuerySet[Notifier]:
    """Notifiers with their health (failing ones first): admins and street staff see them."""
    if not user_may_register_devices(user=user):
        return Notifier.objects.none()
    return Notifier.objects.prefetch_related("stations").order_by("-consecutive_failures", "name")


def station_assignment_list(*, user: User) -> QuerySet[StationAssignment]:
    if not user_may_register_devices(user=user):
        return StationAssignment.objects.none()
    return StationAssignment.objects.select_related("grid__community", "community", "primary", "backup")


def duty_officer_list(*, user: User) -> QuerySet[DutyOfficer]:
    if not user_may_register_devices(user=user):
        return DutyOfficer.objects.none()
    return DutyOfficer.objects.select_related("street", "user")


def devices_silent(*, now=None) -> QuerySet[Device]:
    """Online devices not heard from for two of their heartbeat intervals (a candidate list; exact check in Python)."""
    now = now or timezone.now()
    intervals = [
        DeviceModel.objects.order_by("heartbeat_seconds").values_list("heartbeat_seconds", flat=True).first(),
        Device.objects.filter(heartbeat_seconds__isnull=False)
        .order_by("heartbeat_seconds")
        .values_list("heartbeat_seconds", flat=True)
        .first(),
    ]
    shortest = min((interval for interval in intervals if interval), default=0)
    devices = Device.objects.filter(online=True).select_related("model", "site")
    if shortest:
        oldest = now - timezone.timedelta(seconds=2 * shortest)
        devices = devices.filter(Q(last_seen__lt=oldest) | Q(last_seen__isnull=True, created_at__lt=oldest))
    return devices
