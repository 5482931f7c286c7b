"""Reads of the alarm pipeline, already narrowed to what the acting user may see.

A station operator sees the devices and incidents of the sites their station covers, and
every incident their station got a notice for; street staff their street; an admin
everything; a grid worker the devices and incidents of their grids' sites. A duty officer
also sees the incidents escalated to them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    if user.is_admin:
        # Not Q() | ...: an empty Q drops out of an OR, which would narrow an admin to their notices.
        return Q()
    scope = grid_scope_q(user=user, prefix="site__grid__")
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        scope |= Q(pk__in=DispatchNotice.objects.filter(station=user.station_id).values("incident_id"))
    scope |= Q(pk__in=DispatchNotice.objects.filter(officer=user.pk).values("incident_id"))
    return scope


def incident_list(*, user: User) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(_incident_scope_q(user=user))
        .select_related(
            "site__category",
            "site__grid__community",
            "device",
            "acknowledged_by",
            "confirmed_by",
            "dispatched_by",
            "on_scene_by",
            "resolved_by",
        )
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


def console_station_ids(*, user: User) -> list[int] | None:
    """The stations whose consoles ``user`` watches; None for a user who has no console.

    A station operator watches their station, street staff every station of their street,
    an admin every station (DOMAIN.md: the street office oversees its micro fire stations).
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin:
        return list(FireStation.objects.order_by("pk").values_list("pk", flat=True))
    if user.role == User.Role.STREET_STAFF and user.street_id:
        return list(FireStation.objects.filter(street=user.street_id).order_by("pk").values_list("pk", flat=True))
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        return [user.station_id]
    return None


def user_has_console(*, user: User) -> bool:
    """The same rule as console_station_ids, without its query (the navigation asks on every page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(
        user.is_admin
        or (user.role == User.Role.STREET_STAFF and user.street_id)
        or (user.role == User.Role.STATION_OPERATOR and user.station_id)
    )


CONSOLE_LIMIT = 200


def console_incident_list(*, user: User) -> list[Incident]:
    """What a console shows: the open incidents, newest first (a station's: those it got a notice for)."""
    if not user_has_console(user=user):
        return []
    if user.role == User.Role.STATION_OPERATOR and not user.is_admin:
        incidents = station_open_incidents(station=user.station)
    else:
        incidents = (
            Incident.objects.filter(_incident_scope_q(user=user), status__in=Incident.OPEN_STATUSES)
            .select_related("site__category", "device")
            .order_by("-opened_at", "-pk")
        )
    return list(incidents[:CONSOLE_LIMIT])


def site_alarm_section(*, site: Site, user: User) -> dict:
    """The site file's alarm section: its devices with their health and its latest incidents."""
    devices = list(device_list(user=user).filter(site=site))
    incidents = list(incident_list(user=user).filter(site=site)[:20])
    return {"devices": devices, "incidents": incidents}


def unknown_device_events(*, user: User) -> QuerySet[Event]:
    """Reports from devices nobody registered: flagged for those who register devices (street staff and admins).

    Such a report has no site, hence no scope: every registrar sees them all."""
    if not user_may_register_devices(user=user):
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
    """Notifiers with their health (failing ones first): admins see every one, street staff those that
    serve a station or a duty officer of their own street (another street's are none of theirs)."""
    if not user_may_register_devices(user=user):
        return Notifier.objects.none()
    notifiers = Notifier.objects.all()
    if not user.is_admin:
        street = user.street_id
        serving = Notifier.objects.filter(Q(stations__street_id=street) | Q(duty_officers__street_id=street))
        notifiers = notifiers.filter(pk__in=serving.values("pk"))
    return notifiers.prefetch_related("stations").order_by("-consecutive_failures", "name")


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


# --- The incident's timeline, as the console and the record show it -----------------------------------

# DOMAIN.md, the incident timeline: received -> delivered -> acknowledged -> confirmed ->
# dispatched -> on scene -> resolved, each with its time and the seconds since the one before.
MILESTONES = (
    ("opened_at", None, gettext_lazy("Alarm received")),
    ("delivered_at", None, gettext_lazy("Delivered to the station")),
    ("acknowledged_at", "acknowledged_by", gettext_lazy("Acknowledged")),
    ("confirmed_at", "confirmed_by", gettext_lazy("Confirmed")),
    ("dispatched_at", "dispatched_by", gettext_lazy("Dispatched")),
    ("on_scene_at", "on_scene_by", gettext_lazy("On scene")),
    ("resolved_at", "resolved_by", gettext_lazy("Resolved")),
)


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    at: datetime.datetime | None
    by: User | None
    # Seconds since the milestone reached before it (None for the first and for one not reached).
    seconds: float | None


def incident_milestones(*, incident: Incident) -> list[Milestone]:
    """The incident's seven milestones with their times, who reached them and the seconds between them."""
    milestones, previous = [], None
    for field, actor_field, label in MILESTONES:
        at = getattr(incident, field)
        seconds = (at - previous).total_seconds() if at and previous else None
        by = getattr(incident, actor_field) if actor_field and at else None
        milestones.append(Milestone(key=field.removesuffix("_at"), label=str(label), at=at, by=by, seconds=seconds))
        previous = at or previous
    return milestones


def incident_page(*, user: User, pk: int) -> Incident:
    """An incident with its timeline, notices and milestones, for its record page."""
    incident = incident_get_for_user(user=user, pk=pk)
    incident.milestones = incident_milestones(incident=incident)
    return incident
