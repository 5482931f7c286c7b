"""The console's actions on an incident, one service each, called by every front end (STYLE.md).

Each locks the incident, checks who may (station operators of a station that got a notice
for it, the street's staff, admins, and the duty officer it was escalated to) and whether the
incident's state allows the step (ConflictError otherwise), records the time and the actor
on the incident and its timeline, and pushes the change to the consoles after commit.

The order of steps (DOMAIN.md, the incident timeline): new -> acknowledged -> confirmed
real or false (by phone) -> dispatched -> on scene -> resolved. A false alarm is resolved
after confirmation; a station may dispatch before confirming.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from hazards.models import Hazard
from hazards.services import hazard_raise, risk_event_record
from riskplatform.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

from ..models import DispatchNotice, Incident, IncidentStep
from .dispatch import incident_push_update, step_record, timers_stop


def _locked(*, incident: Incident, acting_user: User) -> Incident:
    from ..selectors import incident_list

    if not incident_list(user=acting_user).filter(pk=incident.pk).exists():
        raise NotFoundError(_("No such incident."))
    locked = Incident.objects.select_for_update(of=("self",)).select_related("site__grid__community").get(pk=incident.pk)
    ensure_may_act(incident=locked, user=acting_user)
    return locked


def ensure_may_act(*, incident: Incident, user: User) -> None:
    """Refuse (403) someone who sees the incident but may not act on it. The services call it, and the
    pages and the API call it before they read the input, so that such a user is told so at once."""
    if not user_may_act(incident=incident, user=user):
        raise PermissionDeniedError(_("Only the stations called to this alarm, the street's staff and admins may do this."))


def user_may_act(*, incident: Incident, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role == User.Role.STREET_STAFF and user.street_id == incident.site.grid.community.street_id:
        return True
    notices = DispatchNotice.objects.filter(incident=incident)
    if user.role == User.Role.STATION_OPERATOR and user.station_id and notices.filter(station=user.station_id).exists():
        return True
    return notices.filter(officer=user.pk).exists()


def incident_steps_possible(*, incident: Incident) -> list[str]:
    """The console's steps the incident's state allows now, in the timeline's order (the one rule of it)."""
    status, Status = incident.status, Incident.Status
    steps = []
    if status == Status.NEW:
        steps.append("acknowledge")
    if status == Status.ACKNOWLEDGED:
        steps.append("confirm")
    if status == Status.ACKNOWLEDGED or (status == Status.CONFIRMED and incident.real):
        steps.append("dispatch")
    if status == Status.DISPATCHED:
        steps.append("on_scene")
    if status in (Status.CONFIRMED, Status.DISPATCHED, Status.ON_SCENE):
        steps.append("resolve")
    return steps


def _ensure_possible(incident: Incident, step: str) -> None:
    if step not in incident_steps_possible(incident=incident):
        raise _refuse(incident)


def _refuse(incident: Incident) -> ConflictError:
    return ConflictError(
        _("This incident is %(status)s; that step is not possible now.") % {"status": incident.get_status_display()}
    )


def _text(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


def _after(incident: Incident, reason: str) -> None:
    transaction.on_commit(lambda: incident_push_update(incident_id=incident.pk, reason=reason), robust=True)


@transaction.atomic
def incident_acknowledge(*, incident: Incident, acting_user: User, note: str = "") -> Incident:
    """Someone has the call: the repeats, the escalation and the unsent messages stop at once."""
    incident = _locked(incident=incident, acting_user=acting_user)
    _ensure_possible(incident, "acknowledge")
    now = timezone.now()
    incident.status = Incident.Status.ACKNOWLEDGED
    incident.acknowledged_at = now
    incident.acknowledged_by = acting_user
    incident.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    timers_stop(incident=incident, now=now)
    mine = DispatchNotice.objects.filter(incident=incident, acknowledged_at__isnull=True)
    if acting_user.role == User.Role.STATION_OPERATOR and acting_user.station_id:
        mine.filter(station=acting_user.station_id).update(acknowledged_at=now, acknowledged_by=acting_user)
    DispatchNotice.objects.filter(incident=incident).exclude(status=DispatchNotice.Status.CLOSED).update(
        status=DispatchNotice.Status.ACKNOWLEDGED
    )
    step_record(incident=incident, kind=IncidentStep.Kind.ACKNOWLEDGED, actor=acting_user, note=_text(note), at=now)
    _after(incident, "acknowledged")
    return incident


@transaction.atomic
def incident_confirm(*, incident: Incident, acting_user: User, real: bool, cause: str = "", note: str = "") -> Incident:
    """The station phoned the site: a real fire, or a false alarm and its cause."""
    incident = _locked(incident=incident, acting_user=acting_user)
    _ensure_possible(incident, "confirm")
    cause = cause or (Incident.Cause.FIRE if real else Incident.Cause.UNKNOWN)
    if cause not in Incident.Cause.values:
        message = _("Choose the cause.")
        raise ApplicationError(message, field_errors={"cause": [message]})
    if not real and cause == Incident.Cause.FIRE:
        message = _("A false alarm needs a cause other than fire.")
        raise ApplicationError(message, field_errors={"cause": [message]})
    now = timezone.now()
    incident.status = Incident.Status.CONFIRMED
    incident.real = bool(real)
    incident.cause = cause
    incident.confirmed_at = now
    incident.confirmed_by = acting_user
    incident.save(update_fields=["status", "real", "cause", "confirmed_at", "confirmed_by"])
    with translation.override(settings.LANGUAGE_CODE):
        what = _("Real fire") if real else _("False alarm: %(cause)s") % {"cause": incident.get_cause_display()}
    step_record(
        incident=incident,
        kind=IncidentStep.Kind.CONFIRMED,
        actor=acting_user,
        note=" ".join(filter(None, [what, _text(note)])),
        at=now,
    )
    if real:
        risk_event_record(site=incident.site, kind="real_fire", note=f"#{incident.pk}")
    else:
        _false_alarm_pattern(incident=incident)
    _after(incident, "confirmed")
    return incident


def _false_alarm_pattern(*, incident: Incident) -> None:
    """GB 50440: more than ALARM_FALSE_ALARMS_PER_DAY false alarms from one site in a day call for a remediation plan.

    Raised once a day per site (the hazard's source key names the day); the site's grade is raised with it.
    """
    today = timezone.localdate(incident.confirmed_at)
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    count = Incident.objects.filter(site=incident.site, real=False, confirmed_at__gte=start).count()
    if count <= settings.ALARM_FALSE_ALARMS_PER_DAY:
        return
    key = f"site:{incident.site_id}:false-alarms:{today.isoformat()}"
    if Hazard.objects.filter(site=incident.site, source_key=key).exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        description = _(
            "%(count)d false fire alarms from this site on %(day)s (GB 50440: more than %(limit)d a day). "
            "Find the cause and submit a remediation plan."
        ) % {"count": count, "day": today.isoformat(), "limit": settings.ALARM_FALSE_ALARMS_PER_DAY}
    hazard_raise(
        site=incident.site, acting_user=None, description=description, source=Hazard.Source.ALARM_PATTERN, source_key=key
    )
    risk_event_record(site=incident.site, kind="repeated_false_alarms", note=description)


@transaction.atomic
def incident_dispatch(*, incident: Incident, acting_user: User, note: str = "") -> Incident:
    """The station's people are on their way (before confirmation too, when the station chooses to)."""
    incident = _locked(incident=incident, acting_user=acting_user)
    _ensure_possible(incident, "dispatch")
    now = timezone.now()
    incident.status = Incident.Status.DISPATCHED
    incident.dispatched_at = now
    incident.dispatched_by = acting_user
    incident.save(update_fields=["status", "dispatched_at", "dispatched_by"])
    step_record(incident=incident, kind=IncidentStep.Kind.DISPATCHED, actor=acting_user, note=_text(note), at=now)
    _after(incident, "dispatched")
    return incident


@transaction.atomic
def incident_on_scene(*, incident: Incident, acting_user: User, note: str = "") -> Incident:
    incident = _locked(incident=incident, acting_user=acting_user)
    _ensure_possible(incident, "on_scene")
    now = timezone.now()
    incident.status = Incident.Status.ON_SCENE
    incident.on_scene_at = now
    incident.on_scene_by = acting_user
    incident.save(update_fields=["status", "on_scene_at", "on_scene_by"])
    step_record(incident=incident, kind=IncidentStep.Kind.ON_SCENE, actor=acting_user, note=_text(note), at=now)
    _after(incident, "on_scene")
    return incident


@transaction.atomic
def incident_resolve(*, incident: Incident, acting_user: User, outcome: str, notes: str = "") -> Incident:
    """The end: the fire is out, or the false alarm is explained."""
    incident = _locked(incident=incident, acting_user=acting_user)
    _ensure_possible(incident, "resolve")
    if outcome not in Incident.Outcome.values:
        message = _("Choose the outcome.")
        raise ApplicationError(message, field_errors={"outcome": [message]})
    now = timezone.now()
    incident.status = Incident.Status.RESOLVED
    incident.outcome = outcome
    incident.notes = _text(notes)
    incident.resolved_at = now
    incident.resolved_by = acting_user
    incident.save(update_fields=["status", "outcome", "notes", "resolved_at", "resolved_by"])
    DispatchNotice.objects.filter(incident=incident).update(status=DispatchNotice.Status.CLOSED)
    timers_stop(incident=incident, now=now)
    with translation.override(settings.LANGUAGE_CODE):
        label = str(incident.get_outcome_display())
    step_record(
        incident=incident,
        kind=IncidentStep.Kind.RESOLVED,
        actor=acting_user,
        note=" ".join(filter(None, [label, incident.notes])),
        at=now,
    )
    _after(incident, "resolved")
    return incident
