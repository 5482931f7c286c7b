"""Dispatch: notices to the stations covering a site, the console push, the notifiers, and the timers.

The rows are the record (ARCHITECTURE.md, "Never lose one"): a notice not yet pushed to its
console has ``delivered_at`` empty, a message not yet sent is a pending NotifierAttempt, an
escalation or a repeat call is a Timer with a due time. Whatever runs after a commit (the
push, the sends) is also found and done again by the sweep, so a worker killed between the
commit and the push delays the push, never loses it.
"""

import datetime
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import FireStation, User
from accounts.services import notifications_send
from enterprises.models import Site

from ..models import DispatchNotice, DutyOfficer, Incident, IncidentStep, Notifier, NotifierAttempt, StationAssignment, Timer
from ..notifiers import NoticeMessage, TransportError, notifier_send

logger = logging.getLogger(__name__)


def station_group_name(*, station_id: int) -> str:
    """The channel-layer group of one station's consoles (the console consumer joins it)."""
    return f"station-{station_id}"


def stations_for_site(*, site: Site) -> tuple[FireStation | None, FireStation | None]:
    """The primary and backup station of a site: its grid's assignment, else its community's, else the covering stations."""
    assignment = (
        StationAssignment.objects.select_related("primary", "backup")
        .filter(Q(grid=site.grid_id) | Q(community=site.grid.community_id))
        .order_by(F("grid").asc(nulls_last=True))
        .first()
    )
    if assignment is not None:
        return assignment.primary, assignment.backup
    covering = list(FireStation.objects.filter(grids=site.grid_id).order_by("name")[:2])
    return (covering[0] if covering else None), (covering[1] if len(covering) > 1 else None)


def step_record(*, incident: Incident, kind: str, actor: User | None = None, note: str = "", at=None) -> IncidentStep:
    return IncidentStep.objects.create(incident=incident, kind=kind, actor=actor, note=note[:2000], at=at or timezone.now())


# --- What the console shows ------------------------------------------------------------------------


def incident_console_payload(*, incident: Incident, notice: DispatchNotice | None = None, reason: str = "new") -> dict:
    """The message a station console gets (the consumer sends it to the page as it is).

    Texts are in the street office's language: the console shows them as they are.
    """
    site = incident.site
    device = incident.device
    with translation.override(settings.LANGUAGE_CODE):
        payload = {
            "type": "console.incident",
            "reason": reason,
            "incident": {
                "id": incident.pk,
                "status": incident.status,
                "status_label": str(incident.get_status_display()),
                "opened_at": incident.opened_at.isoformat(),
                "last_alarm_at": incident.last_alarm_at.isoformat(),
                "acknowledged_at": _iso(incident.acknowledged_at),
                "delivered_at": _iso(incident.delivered_at),
                "confirmed_at": _iso(incident.confirmed_at),
                "dispatched_at": _iso(incident.dispatched_at),
                "on_scene_at": _iso(incident.on_scene_at),
                "resolved_at": _iso(incident.resolved_at),
                "real": incident.real,
                "cause": incident.cause,
                "cause_label": str(incident.get_cause_display()) if incident.cause else "",
                "outcome": incident.outcome,
                "url": reverse("alarms:incident-detail", args=[incident.pk]),
                "site": {
                    "id": site.pk,
                    "name": site.name,
                    "url": reverse("dashboards:site-file", args=[site.pk]),
                    "address": site.address,
                    "category": site.category.name,
                    "risk_colour": site.risk_colour,
                    "risk_colour_label": str(site.get_risk_colour_display()) if site.risk_colour else "",
                    "responsible_person": site.responsible_person,
                    "responsible_phone": site.responsible_phone,
                    "safety_contact": site.safety_contact,
                    "safety_contact_phone": site.safety_contact_phone,
                    "latitude": str(site.latitude) if site.latitude is not None else None,
                    "longitude": str(site.longitude) if site.longitude is not None else None,
                },
                "device": {
                    "id": device.pk,
                    "imei": device.imei,
                    "building": device.building,
                    "floor": device.floor,
                    "room": device.room,
                    "place": device.place,
                },
            },
        }
    if notice is not None:
        payload["notice"] = {"id": notice.pk, "role": notice.role, "station": notice.station_id}
    return payload


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _incident_for_push(incident_id: int) -> Incident:
    return Incident.objects.select_related("site__category", "device").get(pk=incident_id)


def console_push(*, station_id: int, payload: dict) -> None:
    """Send ``payload`` to every console of the station: ``{"type": "console.incident", "event": payload}``."""
    async_to_sync(get_channel_layer().group_send)(
        station_group_name(station_id=station_id), {"type": "console.incident", "event": payload}
    )


def notice_deliver(*, notice_id: int, reason: str = "new") -> bool:
    """Push a notice to its station's consoles and record when; False when the push failed (the sweep tries again)."""
    # One query for all the push shows, before it: each alarm waits for the one before on the critical worker.
    notice = (
        DispatchNotice.objects.select_related("incident__site__category", "incident__device", "station")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.station_id is None:
        return False
    incident = notice.incident
    try:
        console_push(
            station_id=notice.station_id, payload=incident_console_payload(incident=incident, notice=notice, reason=reason)
        )
    except Exception:
        logger.exception("Console push of notice %s failed; the sweep tries again.", notice_id)
        return False
    now = timezone.now()
    with transaction.atomic():
        if DispatchNotice.objects.filter(pk=notice_id, delivered_at__isnull=True).update(delivered_at=now):
            if Incident.objects.filter(pk=incident.pk, delivered_at__isnull=True).update(delivered_at=now):
                step_record(
                    incident=incident, kind=IncidentStep.Kind.DELIVERED, note=notice.station.name if notice.station else ""
                )
    return True


def incident_push_update(*, incident_id: int, reason: str) -> None:
    """Tell every console that has the incident what changed (an acknowledgement, a step)."""
    incident = _incident_for_push(incident_id)
    for notice in incident.notices.filter(station__isnull=False):
        try:
            console_push(
                station_id=notice.station_id, payload=incident_console_payload(incident=incident, notice=notice, reason=reason)
            )
        except Exception:
            logger.exception("Console update of incident %s failed.", incident_id)


# --- Notices, messages and timers --------------------------------------------------------------------


def _notifiers_for(notice: DispatchNotice) -> list[Notifier]:
    notifiers = Notifier.objects.filter(active=True)
    if notice.station_id:
        notifiers = notifiers.filter(stations=notice.station_id)
    elif notice.officer_id:
        notifiers = notifiers.filter(duty_officers=notice.officer_id)
    else:
        return []
    return list(notifiers.distinct())


def _attempts_create(*, notice: DispatchNotice, round_number: int) -> list[NotifierAttempt]:
    now = timezone.now()
    attempts = [
        NotifierAttempt(notice=notice, notifier=notifier, round=round_number, attempt=1, next_try_at=now)
        for notifier in _notifiers_for(notice)
    ]
    return NotifierAttempt.objects.bulk_create(attempts, ignore_conflicts=True)


def _after_commit_send(notice_ids: list[int], attempt_round: int | None = None, reason: str = "new") -> None:
    """After commit: push the notices and start their messages (the sweep does it again if this is lost)."""

    def run():
        from ..tasks import notifier_send_task

        for notice_id in notice_ids:
            notice_deliver(notice_id=notice_id, reason=reason)
        attempts = NotifierAttempt.objects.filter(notice__in=notice_ids, status=NotifierAttempt.Status.PENDING)
        if attempt_round is not None:
            attempts = attempts.filter(round=attempt_round)
        for attempt_id in attempts.values_list("pk", flat=True):
            try:
                notifier_send_task.apply_async((attempt_id,), retry=False)
            except Exception:
                logger.exception("Could not enqueue notifier attempt %s; the sweep will.", attempt_id)

    transaction.on_commit(run, robust=True)


def notice_create(
    *, incident: Incident, role: str, station: FireStation | None = None, officer: User | None = None
) -> DispatchNotice | None:
    """A notice with its first round of messages; None when that station or officer already has one."""
    lookup = {"station": station} if station is not None else {"officer": officer}
    if DispatchNotice.objects.filter(incident=incident, **lookup).exists():
        return None
    notice = DispatchNotice.objects.create(incident=incident, role=role, **lookup)
    _attempts_create(notice=notice, round_number=1)
    return notice


def timers_arm(*, incident: Incident, now: datetime.datetime) -> None:
    Timer.objects.bulk_create(
        [
            Timer(
                kind=Timer.Kind.ESCALATE,
                incident=incident,
                due_at=now + datetime.timedelta(seconds=settings.ALARM_ESCALATE_SECONDS),
            ),
            Timer(
                kind=Timer.Kind.REPEAT, incident=incident, due_at=now + datetime.timedelta(seconds=settings.ALARM_REPEAT_SECONDS)
            ),
        ]
    )


def incident_dispatch_first(*, incident: Incident, now: datetime.datetime) -> list[int]:
    """A new incident's notice to its primary station, its timers; straight to escalation without a station."""
    primary, _backup = stations_for_site(site=incident.site)
    if primary is None:
        step_record(incident=incident, kind=IncidentStep.Kind.ESCALATED, note=_("No station covers this site."))
        return escalate(incident=incident, now=now)
    notice = notice_create(incident=incident, role=DispatchNotice.Role.PRIMARY, station=primary)
    timers_arm(incident=incident, now=now)
    ids = [notice.pk] if notice else []
    _after_commit_send(ids)
    return ids


def escalate(*, incident: Incident, now: datetime.datetime) -> list[int]:
    """The backup station and the street's duty officer get the call; the unanswered notices are marked escalated."""
    DispatchNotice.objects.filter(incident=incident, status=DispatchNotice.Status.PENDING).update(
        status=DispatchNotice.Status.ESCALATED, escalated_at=now
    )
    created = []
    _primary, backup = stations_for_site(site=incident.site)
    if backup is not None:
        notice = notice_create(incident=incident, role=DispatchNotice.Role.BACKUP, station=backup)
        if notice:
            created.append(notice)
    duty = DutyOfficer.objects.select_related("user").filter(street=incident.site.grid.community.street_id).first()
    if duty is not None and duty.user.is_active:
        notice = notice_create(incident=incident, role=DispatchNotice.Role.ESCALATION, officer=duty.user)
        if notice:
            created.append(notice)
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Fire alarm not acknowledged: %(site)s") % {"site": incident.site.name}
                body = _("%(address)s. No station has acknowledged it yet; call the site and the stations.") % {
                    "address": incident.site.address
                }
            notifications_send(
                user_ids=[duty.user_id], kind="alarm.escalated", title=title, body=body, link=f"/alarms/incidents/{incident.pk}/"
            )
    if not Timer.objects.filter(incident=incident, kind=Timer.Kind.REPEAT, done_at__isnull=True).exists():
        Timer.objects.create(
            kind=Timer.Kind.REPEAT, incident=incident, due_at=now + datetime.timedelta(seconds=settings.ALARM_REPEAT_SECONDS)
        )
    names = ", ".join(str(notice.station or notice.officer) for notice in created)
    step_record(incident=incident, kind=IncidentStep.Kind.ESCALATED, note=names)
    ids = [notice.pk for notice in created]
    _after_commit_send(ids, reason="escalated")
    return ids


def repeat(*, incident: Incident, now: datetime.datetime) -> None:
    """Call and message again every notice nobody acknowledged, and arm the next repeat."""
    notices = list(incident.notices.exclude(status__in=[DispatchNotice.Status.ACKNOWLEDGED, DispatchNotice.Status.CLOSED]))
    rounds = {}
    for notice in notices:
        last = notice.attempts.order_by("-round").values_list("round", flat=True).first() or 0
        rounds[notice.pk] = last + 1
        _attempts_create(notice=notice, round_number=last + 1)
    Timer.objects.create(
        kind=Timer.Kind.REPEAT, incident=incident, due_at=now + datetime.timedelta(seconds=settings.ALARM_REPEAT_SECONDS)
    )
    step_record(incident=incident, kind=IncidentStep.Kind.REPEATED)

    def run():
        from ..tasks import notifier_send_task

        for notice in notices:
            if notice.station_id:
                try:
                    payload = incident_console_payload(incident=_incident_for_push(incident.pk), notice=notice, reason="reminder")
                    console_push(station_id=notice.station_id, payload=payload)
                except Exception:
                    logger.exception("Console reminder of incident %s failed.", incident.pk)
            pending = NotifierAttempt.objects.filter(
                notice=notice, round=rounds[notice.pk], status=NotifierAttempt.Status.PENDING
            )
            for attempt_id in pending.values_list("pk", flat=True):
                try:
                    notifier_send_task.apply_async((attempt_id,), retry=False)
                except Exception:
                    logger.exception("Could not enqueue notifier attempt %s; the sweep will.", attempt_id)

    transaction.on_commit(run, robust=True)


def timers_stop(*, incident: Incident, now: datetime.datetime) -> None:
    """Someone answered: no more escalation, repeat calls or unsent messages for this incident."""
    Timer.objects.filter(incident=incident, done_at__isnull=True).update(done_at=now, cancelled=True)
    NotifierAttempt.objects.filter(notice__incident=incident, status=NotifierAttempt.Status.PENDING).update(
        status=NotifierAttempt.Status.CANCELLED
    )


def timer_fire(*, timer_id: int, now: datetime.datetime | None = None) -> bool:
    """Fire one due timer, once: the row is locked (others skip it) and marked done in the same transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        timer = (
            Timer.objects.select_for_update(skip_locked=True)
            .filter(pk=timer_id, done_at__isnull=True, due_at__lte=now)
            .select_related("incident__site__grid__community")
            .first()
        )
        if timer is None:
            return False
        timer.done_at = now
        timer.save(update_fields=["done_at"])
        incident = Incident.objects.select_for_update().select_related("site__grid__community").get(pk=timer.incident_id)
        if incident.acknowledged_at is not None or not incident.is_open:
            timer.cancelled = True
            timer.save(update_fields=["cancelled"])
            return False
        if timer.kind == Timer.Kind.ESCALATE:
            escalate(incident=incident, now=now)
        elif timer.kind == Timer.Kind.REPEAT:
            repeat(incident=incident, now=now)
    return True


# --- Sending one message ------------------------------------------------------------------------------


def _message_for(attempt: NotifierAttempt) -> NoticeMessage:
    notice = attempt.notice
    incident = notice.incident
    site = incident.site
    if attempt.notifier.phones:
        phones = [phone.strip() for phone in attempt.notifier.phones.split(",") if phone.strip()]
    elif notice.station_id:
        phones = [notice.station.phone] if notice.station.phone else []
    else:
        duty = DutyOfficer.objects.filter(user=notice.officer_id).first()
        phone = (duty.phone if duty else "") or notice.officer.phone
        phones = [phone] if phone else []
    with translation.override(settings.LANGUAGE_CODE):
        text = _("[Fire alarm] %(site)s, %(address)s, %(place)s. Contact %(person)s %(phone)s. Incident %(id)s.") % {
            "site": site.name,
            "address": site.address,
            "place": incident.device.place or "-",
            "person": site.responsible_person,
            "phone": site.responsible_phone,
            "id": incident.pk,
        }
    return NoticeMessage(
        text=text,
        phones=phones,
        incident_id=incident.pk,
        notice_id=notice.pk,
        payload=incident_console_payload(incident=incident, notice=notice),
    )


def notifier_attempt_send(*, attempt_id: int) -> str:
    """Send one message, once: claim it, send it outside any transaction, record the outcome; retry with backoff."""
    now = timezone.now()
    hold = datetime.timedelta(seconds=settings.ALARM_NOTIFIER_TIMEOUT_SECONDS * 2 + 10)
    claimed = (
        NotifierAttempt.objects.filter(pk=attempt_id, status=NotifierAttempt.Status.PENDING, next_try_at__lte=now)
        .filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
        .update(claim_until=now + hold)
    )
    if claimed != 1:
        return "skipped"  # sent, cancelled, not due yet, or another worker has it
    attempt = NotifierAttempt.objects.select_related(
        "notifier", "notice__station", "notice__officer", "notice__incident__site__category", "notice__incident__device"
    ).get(pk=attempt_id)
    incident = attempt.notice.incident
    if incident.acknowledged_at is not None or not incident.is_open:
        NotifierAttempt.objects.filter(pk=attempt_id).update(status=NotifierAttempt.Status.CANCELLED)
        return "cancelled"
    try:
        notifier_send(notifier=attempt.notifier, message=_message_for(attempt))
    except TransportError as error:
        _attempt_failed(attempt=attempt, error=error)
        return "failed"
    with transaction.atomic():
        NotifierAttempt.objects.filter(pk=attempt_id).update(status=NotifierAttempt.Status.SENT, sent_at=timezone.now(), error="")
        Notifier.objects.filter(pk=attempt.notifier_id).update(consecutive_failures=0, last_success_at=timezone.now())
        step_record(incident=incident, kind=IncidentStep.Kind.NOTIFIED, note=attempt.notifier.name)
    return "sent"


def _attempt_failed(*, attempt: NotifierAttempt, error: TransportError) -> None:
    now = timezone.now()
    backoff = settings.ALARM_NOTIFIER_BACKOFF_SECONDS or [5]
    give_up = error.permanent or attempt.attempt >= settings.ALARM_NOTIFIER_MAX_ATTEMPTS
    with transaction.atomic():
        NotifierAttempt.objects.filter(pk=attempt.pk).update(status=NotifierAttempt.Status.FAILED, error=str(error)[:1000])
        Notifier.objects.filter(pk=attempt.notifier_id).update(
            consecutive_failures=F("consecutive_failures") + 1, last_error=str(error)[:1000], last_failure_at=now
        )
        failures = Notifier.objects.values_list("consecutive_failures", flat=True).get(pk=attempt.notifier_id)
        if give_up:
            step_record(
                incident=attempt.notice.incident, kind=IncidentStep.Kind.NOTIFY_FAILED, note=f"{attempt.notifier.name}: {error}"
            )
        else:
            delay = backoff[min(attempt.attempt - 1, len(backoff) - 1)]
            NotifierAttempt.objects.create(
                notice=attempt.notice,
                notifier=attempt.notifier,
                round=attempt.round,
                attempt=attempt.attempt + 1,
                next_try_at=now + datetime.timedelta(seconds=delay),
            )
        if failures == settings.ALARM_NOTIFIER_FAILING_AFTER:
            # Once, as it starts failing: the people who can fix it are told; the notifier list shows it in red.
            admins = User.objects.filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True), is_active=True).values_list(
                "pk", flat=True
            )
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Notifier failing: %(name)s") % {"name": attempt.notifier.name}
            notifications_send(
                user_ids=admins, kind="alarm.notifier_failing", title=title, body=str(error), link="/alarms/notifiers/"
            )
    logger.warning("Notifier %s failed (%s)%s.", attempt.notifier.name, error, "; giving up" if give_up else "; will retry")
