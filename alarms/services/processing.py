"""Processing stored events: fire alarms into incidents, telemetry into device health, the sweep.

Every run starts with a claim by conditional update (STYLE.md): an event is taken only while
``processed_at`` is empty and no live claim holds it, and is marked processed in the same
transaction as its effects. A second run, or a run after a killed worker's claim expired,
finds it processed and returns.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notifications_send
from enterprises.models import Site
from hazards.models import Hazard
from hazards.services import hazard_close_by_source, hazard_raise

from ..models import Device, DispatchNotice, Event, EventType, Incident, IncidentStep, NotifierAttempt, Timer
from .dispatch import incident_dispatch_first, incident_push_update, notice_deliver, step_record, timer_fire

logger = logging.getLogger(__name__)

TELEMETRY_BATCH = 500


def _claim_until(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.ALARM_CLAIM_SECONDS)


def _free_q(now: datetime.datetime) -> Q:
    return Q(processed_at__isnull=True) & (Q(claim_until__isnull=True) | Q(claim_until__lt=now))


# --- Fire alarms ------------------------------------------------------------------------------------


def event_process(*, event_id: int) -> Incident | None:
    """Process one event: a fire alarm joins or opens an incident; anything else goes the telemetry way.

    1. Claim it (another worker may hold it: then return).
    2. Lock the site, so that two alarms of one site at once open one incident, not two.
    3. Join the site's open incident whose last alarm is within ALARM_GROUP_WINDOW_SECONDS,
       or open one: a notice to the primary station, its messages, the escalation and
       repeat timers.
    4. Mark the event processed, in the same transaction; push and send after commit.
    """
    now = timezone.now()
    claimed = Event.objects.filter(_free_q(now), pk=event_id).update(claim_until=_claim_until(now), attempts=F("attempts") + 1)
    if claimed != 1:
        return None  # processed already, or another worker got there first
    event = Event.objects.select_related("device__site__grid__community", "device__model").get(pk=event_id)
    if event.type != EventType.FIRE_ALARM:
        _telemetry(events=[event])
        return None
    return _fire_alarm(event=event)


def _fire_alarm(*, event: Event) -> Incident | None:
    with transaction.atomic():
        # Our claim may have expired while we waited for the lock and another worker finished it.
        if not Event.objects.select_for_update().filter(pk=event.pk, processed_at__isnull=True).exists():
            return None
        now = timezone.now()
        device = event.device
        if device is None:
            Event.objects.filter(pk=event.pk).update(processed_at=now)
            _flag_unknown_fire_alarm(event=event)
            return None
        site = Site.objects.select_for_update(of=("self",), no_key=True).select_related("grid__community").get(pk=device.site_id)
        # A detector that alarms is alive: its last report is this one (the offline check reads it).
        # Not at any cost: while a telemetry batch holds the detector's row, that batch is writing
        # its reports of the same detector, and waiting for it would hold up the alarm (up to a
        # batch's whole transaction), so the row is skipped then.
        Device.objects.filter(
            Q(last_seen__isnull=True) | Q(last_seen__lt=event.occurred_at),
            pk__in=Device.objects.select_for_update(skip_locked=True, no_key=True).filter(pk=device.pk).order_by().values("pk"),
        ).update(last_seen=event.occurred_at)
        window = datetime.timedelta(seconds=settings.ALARM_GROUP_WINDOW_SECONDS)
        incident = (
            Incident.objects.select_for_update()
            .filter(site=site, status__in=Incident.OPEN_STATUSES, last_alarm_at__gte=event.occurred_at - window)
            .order_by("-last_alarm_at")
            .first()
        )
        if incident is not None:
            if event.occurred_at > incident.last_alarm_at:
                incident.last_alarm_at = event.occurred_at
                incident.save(update_fields=["last_alarm_at"])
            Event.objects.filter(pk=event.pk).update(processed_at=now, incident=incident)
            step_record(incident=incident, kind=IncidentStep.Kind.JOINED, note=device.place or str(device), at=event.received_at)
            transaction.on_commit(lambda: incident_push_update(incident_id=incident.pk, reason="joined"), robust=True)
            return incident
        incident = Incident.objects.create(
            site=site, device=device, opened_at=event.received_at, last_alarm_at=event.occurred_at, kind=Incident.Kind.FIRE
        )
        Event.objects.filter(pk=event.pk).update(processed_at=now, incident=incident)
        step_record(incident=incident, kind=IncidentStep.Kind.RECEIVED, note=device.place or str(device), at=event.received_at)
        incident_dispatch_first(incident=incident, now=now)
    return incident


def _flag_unknown_fire_alarm(*, event: Event) -> None:
    """A fire alarm from a device nobody registered: it reaches no station, so those who register
    devices (admins and street staff) are told at once."""
    registrars = User.objects.filter(
        Q(role__in=[User.Role.ADMIN, User.Role.STREET_STAFF]) | Q(is_superuser=True), is_active=True
    ).values_list("pk", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Fire alarm from an unregistered device %(device)s") % {"device": event.platform_device_id}
        body = _("Register the device with its site so that its alarms reach a station.")
    notifications_send(user_ids=registrars, kind="alarm.unknown_device", title=title, body=body, link="/alarms/events/unknown/")


# --- Telemetry --------------------------------------------------------------------------------------


def telemetry_process(*, event_ids: list[int] | None = None, limit: int = TELEMETRY_BATCH) -> int:
    """Process telemetry in batches: claim up to ``limit`` pending non-fire events (oldest first) and apply them.

    Whichever task runs first takes what is waiting, so a flood of heartbeats is a few large
    transactions rather than one per heartbeat; the task of a later push finds its events done.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Event.objects.select_for_update(skip_locked=True)
            .filter(_free_q(now))
            .exclude(type=EventType.FIRE_ALARM)
            .order_by("received_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        Event.objects.filter(pk__in=ids).update(claim_until=_claim_until(now), attempts=F("attempts") + 1)
    events = list(Event.objects.filter(pk__in=ids).select_related("device__model", "device__site").order_by("occurred_at", "pk"))
    _telemetry(events=events)
    return len(events)


HEALTH_PROBLEMS = {
    "offline": gettext_lazy("The smoke detector %(device)s at %(place)s is offline: it has not reported as it should."),
    "low_battery": gettext_lazy("The smoke detector %(device)s at %(place)s reports a low battery: replace the battery."),
    "fault": gettext_lazy("The smoke detector %(device)s at %(place)s reports a fault: have it repaired or replaced."),
    "tamper": gettext_lazy("The smoke detector %(device)s at %(place)s was removed or tampered with: put it back in place."),
}


def _telemetry(*, events: list[Event]) -> None:
    """Apply claimed telemetry events in one transaction: device state, health hazards, incident notes."""
    by_device: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.device_id:
            by_device[event.device_id].append(event)
    changes: list[tuple[Device, str, bool]] = []
    now = timezone.now()
    with transaction.atomic():
        # Lock the devices in a fixed order: two batches touching the same devices never deadlock.
        # NO KEY UPDATE: a batch changes no key, so events and incidents naming these devices can
        # still be stored meanwhile (their foreign-key checks take KEY SHARE, which FOR UPDATE blocks).
        devices = {
            device.pk: device
            for device in Device.objects.select_for_update(of=("self",), no_key=True)
            .select_related("model", "site")
            .filter(pk__in=sorted(by_device))
            .order_by("pk")
        }
        dirty = []
        for device_id, device_events in by_device.items():
            device = devices.get(device_id)
            if device is None:
                continue
            before = {problem: _problem(device, problem) for problem in HEALTH_PROBLEMS}
            for event in sorted(device_events, key=lambda e: (e.occurred_at, e.pk)):
                _apply(device=device, event=event)
            device.status = Device.status_for(
                online=device.online, tamper=device.tamper, fault=device.fault, low_battery=device.low_battery
            )
            dirty.append(device)
            for problem, was in before.items():
                if _problem(device, problem) != was:
                    changes.append((device, problem, not was))
        if dirty:
            _devices_save_health(dirty)
        _incident_notes(events=[event for event in events if event.type in NOTE_TYPES and event.device_id])
        Event.objects.filter(pk__in=[event.pk for event in events], processed_at__isnull=True).update(processed_at=now)
        for device, problem, raised in changes:
            device_health_changed(device=device, problem=problem, raised=raised)


HEALTH_FIELDS = ("last_seen", "battery", "signal", "online", "low_battery", "fault", "tamper", "status")


def _devices_save_health(devices: list[Device]) -> None:
    """Write the health fields of ``devices`` (locked by the caller): one UPDATE by primary key, sent for all at once.

    Not ``bulk_update``: it builds one CASE per field with a branch per device, which for a batch
    of 500 devices is a 200 KB statement costing the worker over half a second of CPU to build
    and the database a plan that grows with the square of the batch.
    """
    fields = [Device._meta.get_field(name) for name in HEALTH_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Device._meta.db_table)} SET {assignments} WHERE {quote(Device._meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(device, field.attname), connection) for field in fields] + [device.pk]
        for device in devices
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _problem(device: Device, problem: str) -> bool:
    if problem == "offline":
        return not device.online
    return bool(getattr(device, problem))


def _apply(*, device: Device, event: Event) -> None:
    if device.last_seen is None or event.occurred_at > device.last_seen:
        device.last_seen = event.occurred_at
    kind = event.type
    if event.signal is not None:
        device.signal = event.signal
    if event.battery is not None:
        device.battery = event.battery
        device.low_battery = event.battery <= device.model.low_battery_percent
    device.online = kind != EventType.OFFLINE
    if kind == EventType.LOW_BATTERY:
        device.low_battery = True
    elif kind == EventType.FAULT:
        device.fault = True
    elif kind == EventType.FAULT_CLEARED:
        device.fault = False
    elif kind == EventType.TAMPER:
        device.tamper = True
    elif kind == EventType.TAMPER_RESTORED:
        device.tamper = False


NOTE_TYPES = {EventType.ALARM_CLEARED, EventType.SILENCED, EventType.TEST}


def _incident_notes(*, events: list[Event]) -> None:
    """A cleared, silenced or test alarm goes on the timeline of the device's open incident, if it has one."""
    for event in events:
        incident = (
            Incident.objects.filter(site=event.device.site_id, status__in=Incident.OPEN_STATUSES)
            .order_by("-last_alarm_at")
            .first()
        )
        if incident is None:
            continue
        Event.objects.filter(pk=event.pk).update(incident=incident)
        with translation.override(settings.LANGUAGE_CODE):
            note = f"{event.get_type_display()} ({event.device.place or event.device})"
        step_record(incident=incident, kind=IncidentStep.Kind.DEVICE_REPORT, note=note, at=event.occurred_at)


def device_health_changed(*, device: Device, problem: str, raised: bool) -> None:
    """A health problem began (a device-health hazard on the site) or ended (that hazard closed)."""
    key = f"device:{device.pk}:{problem}"
    with translation.override(settings.LANGUAGE_CODE):
        if raised:
            description = str(HEALTH_PROBLEMS[problem]) % {"device": device, "place": device.place or device.site.name}
            hazard_raise(
                site=device.site, acting_user=None, description=description, source=Hazard.Source.DEVICE_HEALTH, source_key=key
            )
        else:
            hazard_close_by_source(
                site=device.site, source_key=key, note=_("The device recovered: %(device)s") % {"device": device}
            )


def devices_offline_check(*, now: datetime.datetime | None = None) -> int:
    """Mark offline every online device silent for two heartbeat intervals, and raise its health hazard."""
    from ..selectors import devices_silent

    now = now or timezone.now()
    count = 0
    for candidate in devices_silent(now=now):
        seen = candidate.last_seen or candidate.created_at
        if now - seen < datetime.timedelta(seconds=2 * candidate.heartbeat_interval()):
            continue
        with transaction.atomic():
            device = (
                Device.objects.select_for_update(of=("self",), no_key=True).select_related("model", "site").get(pk=candidate.pk)
            )
            if not device.online or (device.last_seen and device.last_seen != candidate.last_seen):
                continue  # a report came in meanwhile
            device.online = False
            device.status = Device.Status.OFFLINE
            device.save(update_fields=["online", "status"])
            device_health_changed(device=device, problem="offline", raised=True)
        count += 1
    return count


# --- The sweep ----------------------------------------------------------------------------------------


def alarms_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Make sure what should have happened did (every few seconds, from beat):

    1. Events stored but never claimed (the enqueue after commit was lost) or whose claim
       expired (a killed worker) go to their queues again.
    2. Due timers fire, each once.
    3. Messages due (first tries the broker lost, retries after their backoff) go out.
    4. Notices whose console push was lost are pushed again.
    5. A spool left by a database outage is replayed.
    """
    from ..spool import spool_pending
    from ..tasks import fire_alarm_process_task, notifier_send_task, spool_replay_task, telemetry_process_task

    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=settings.ALARM_SWEEP_GRACE_SECONDS)
    stale = Event.objects.filter(processed_at__isnull=True).filter(
        Q(claim_until__isnull=True, received_at__lt=grace) | Q(claim_until__lt=now)
    )
    fire = list(stale.filter(type=EventType.FIRE_ALARM).order_by("received_at").values_list("pk", flat=True)[:200])
    for event_id in fire:
        fire_alarm_process_task.apply_async((event_id,), retry=False)
    telemetry = list(
        stale.exclude(type=EventType.FIRE_ALARM).order_by("received_at").values_list("pk", flat=True)[:TELEMETRY_BATCH]
    )
    if telemetry:
        telemetry_process_task.apply_async((telemetry,), retry=False)

    fired = 0
    for timer_id in (
        Timer.objects.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at").values_list("pk", flat=True)[:100]
    ):
        fired += timer_fire(timer_id=timer_id, now=now)

    due = list(
        NotifierAttempt.objects.filter(status=NotifierAttempt.Status.PENDING, next_try_at__lte=now)
        .filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
        .values_list("pk", flat=True)[:200]
    )
    for attempt_id in due:
        notifier_send_task.apply_async((attempt_id,), retry=False)

    undelivered = list(
        DispatchNotice.objects.filter(
            delivered_at__isnull=True,
            station__isnull=False,
            created_at__lt=now - datetime.timedelta(seconds=2),
            incident__status__in=Incident.OPEN_STATUSES,
        ).values_list("pk", flat=True)[:100]
    )
    for notice_id in undelivered:
        notice_deliver(notice_id=notice_id)

    spooled = spool_pending()
    if spooled:
        spool_replay_task.apply_async(retry=False)
    return {
        "fire_alarms": len(fire),
        "telemetry": len(telemetry),
        "timers": fired,
        "messages": len(due),
        "notices": len(undelivered),
        "spool": int(spooled),
    }
