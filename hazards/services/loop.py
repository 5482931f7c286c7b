"""The closed loop of a hazard (DOMAIN.md, 隐患排查治理): one service per step.

Each step, in one transaction: lock the hazard (within the acting user's scope),
check the user's role and the hazard's state (hazards.policies), write the change,
record it in HazardLog with the actor, the time, the comment and the evidence, and
reassess the site's grade (hazards.services.risk.reassess_site). An illegal move is a
ConflictError with a sentence saying why; a role that may not is a PermissionDeniedError.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from accounts.services import notifications_send
from enterprises.models import Site
from files.services import photo_store
from riskplatform.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

from .. import policies
from ..models import Hazard, HazardLog, NoticeCounter, RectificationNotice, RemediationPlan
from .risk import reassess_site


def _locked(*, hazard: Hazard, acting_user: User | None) -> Hazard:
    """The hazard locked for this transaction, or NotFoundError outside the user's scope."""
    hazards = Hazard.objects.select_for_update(of=("self",)).select_related("site__grid__community__street")
    if acting_user is not None:
        hazards = hazards.filter(grid_scope_q(user=acting_user, prefix="site__grid__"))
    try:
        return hazards.get(pk=hazard.pk)
    except Hazard.DoesNotExist:
        raise NotFoundError(_("No such hazard.")) from None


def _ensure(*, acting_user: User, step: str, hazard: Hazard) -> None:
    policies.ensure_role(user=acting_user, step=step, hazard=hazard)
    if not policies.state_allows(step=step, hazard=hazard):
        raise ConflictError(
            _("This hazard is %(status)s; that step is not possible now.") % {"status": hazard.get_status_display()}
        )


def _text(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


def _required_text(value: str, *, field: str, message: str) -> str:
    text = _text(value)
    if not text:
        raise ApplicationError(message, field_errors={field: [message]})
    return text


def _photos(photos: Iterable, *, uploads: Iterable = (), acting_user: User | None, required: bool) -> list:
    """The evidence of a step: photos already stored (by their phone-made ids), and uploads stored
    now through the project's one photo path (files.services.photo_store), in this transaction."""
    photos = list(photos or [])
    for upload in uploads or []:
        try:
            photos.append(photo_store(upload=upload, acting_user=acting_user))
        except ApplicationError as error:
            raise ApplicationError(error.message, field_errors={"photos": [error.message]}) from error
    if required and not photos:
        message = _("Add at least one photo as evidence.")
        raise ApplicationError(message, field_errors={"photos": [message]})
    return photos


def _deadline(value, *, field: str = "deadline") -> datetime.date:
    today = timezone.localdate()
    if not isinstance(value, datetime.date):
        message = _("Enter the deadline.")
        raise ApplicationError(message, field_errors={field: [message]})
    if value < today:
        message = _("The deadline cannot be in the past.")
        raise ApplicationError(message, field_errors={field: [message]})
    if value > today + datetime.timedelta(days=settings.HAZARD_MAX_DEADLINE_DAYS):
        message = _("The deadline may be at most %(days)d days away.") % {"days": settings.HAZARD_MAX_DEADLINE_DAYS}
        raise ApplicationError(message, field_errors={field: [message]})
    return value


def _log(hazard: Hazard, kind: str, *, actor: User | None, comment: str = "", deadline=None, photos=()) -> HazardLog:
    entry = HazardLog.objects.create(hazard=hazard, kind=kind, actor=actor, comment=comment, deadline=deadline)
    if photos:
        entry.photos.set(photos)
    return entry


def _site_in_scope(*, site: Site, acting_user: User) -> Site:
    try:
        return Site.objects.filter(grid_scope_q(user=acting_user, prefix="grid__")).get(pk=site.pk)
    except Site.DoesNotExist:
        raise NotFoundError(_("No such site.")) from None


# --- Found --------------------------------------------------------------------------------------

SYSTEM_SOURCES = {Hazard.Source.DEVICE_HEALTH, Hazard.Source.ALARM_PATTERN}


@transaction.atomic
def hazard_raise(
    *,
    site: Site,
    acting_user: User | None,
    description: str,
    level: str = Hazard.Level.GENERAL,
    source: str = Hazard.Source.STAFF_REPORT,
    basis=None,
    clause=None,
    photos: Iterable = (),
    uploads: Iterable = (),
    source_key: str = "",
    reassess: bool = True,
) -> Hazard:
    """Record a hazard found at a site, citing the rule it breaks.

    ``acting_user`` is None only for what the system finds itself (device health, alarm
    patterns). A ``source_key`` names what found it (an inspection answer, a device and
    its fault); while a hazard of that key is open, raising it again returns that hazard.
    ``reassess=False`` leaves the site's grade to the caller, which reassesses it once
    after several steps (an inspection that raises many hazards).
    """
    if acting_user is None:
        if source not in SYSTEM_SOURCES:
            raise PermissionDeniedError(_("Only device health and alarm patterns raise hazards without a person."))
    else:
        policies.ensure_role(user=acting_user, step="raise")
        site = _site_in_scope(site=site, acting_user=acting_user)
    description = _required_text(description, field="description", message=_("Say what was found."))
    if level not in Hazard.Level.values:
        raise ApplicationError(_("Choose the level."), field_errors={"level": [_("Choose the level.")]})
    if source not in Hazard.Source.values:
        raise ApplicationError(_("Choose the source."), field_errors={"source": [_("Choose the source.")]})
    if clause is not None:
        if basis is not None and clause.basis_id != basis.pk:
            message = _("That clause belongs to another document.")
            raise ApplicationError(message, field_errors={"clause": [message]})
        basis = clause.basis
    source_key = _text(source_key)[:120]
    if source_key:
        existing = Hazard.objects.filter(site=site, source_key=source_key).exclude(status=Hazard.Status.CLOSED).first()
        if existing is not None:
            return existing
    hazard = Hazard(
        site=site,
        description=description,
        level=level,
        source=source,
        basis=basis,
        clause=clause,
        source_key=source_key,
        found_by=acting_user,
    )
    try:
        with transaction.atomic():
            hazard.save()
    except IntegrityError:
        # Another report of the same thing got there first: that hazard is the one.
        return Hazard.objects.get(site=site, source_key=source_key, status__in=Hazard.OPEN_STATUSES)
    photos = _photos(photos, uploads=uploads, acting_user=acting_user, required=False)
    if photos:
        hazard.photos.set(photos)
    _log(hazard, HazardLog.Kind.FOUND, actor=acting_user, comment=description, photos=photos)
    if reassess:
        reassess_site(site=site, reason=_("Hazard found: %(what)s") % {"what": description[:80]})
    return hazard


# --- Notified ----------------------------------------------------------------------------------


def _next_notice_number(*, site: Site) -> str:
    """The next number of the street's notices this year, e.g. 望江路街道安整〔2026〕第0007号.

    The street's counter row is locked, so two notices issued at once never share a number.
    """
    street = site.grid.community.street
    year = timezone.localdate().year
    NoticeCounter.objects.bulk_create([NoticeCounter(street=street, year=year)], ignore_conflicts=True)
    counter = NoticeCounter.objects.select_for_update().get(street=street, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{street.name}安整〔{year}〕第{counter.last:04d}号"


def _issue_notice(*, hazard: Hazard, acting_user: User, deadline: datetime.date, requirements: str) -> RectificationNotice:
    site = hazard.site
    clause = hazard.clause
    return RectificationNotice.objects.create(
        hazard=hazard,
        number=_next_notice_number(site=site),
        office=f"{site.grid.community.street.name}办事处",
        site_name=site.name,
        site_address=site.address,
        finding=hazard.description,
        citation=hazard.citation,
        citation_text=clause.text if clause is not None else "",
        requirements=requirements,
        deadline=deadline,
        issued_by=acting_user,
    )


@transaction.atomic
def hazard_notify(*, hazard: Hazard, acting_user: User, deadline: datetime.date, requirements: str = "") -> RectificationNotice:
    """Issue the rectification notice (整改通知书): a number, the deadline, the clause, signed by the office."""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="notify", hazard=hazard)
    deadline = _deadline(deadline)
    notice = _issue_notice(hazard=hazard, acting_user=acting_user, deadline=deadline, requirements=_text(requirements))
    hazard.status = Hazard.Status.NOTIFIED
    hazard.deadline = deadline
    hazard.overdue_at = None
    hazard.escalation = Hazard.Escalation.NONE
    hazard.save(update_fields=["status", "deadline", "overdue_at", "escalation"])
    _log(hazard, HazardLog.Kind.NOTIFIED, actor=acting_user, comment=notice.number, deadline=deadline)
    reassess_site(site=hazard.site, reason=_("Rectification notice %(number)s issued") % {"number": notice.number})
    return notice


# --- Rectified, reviewed, closed -------------------------------------------------------------


@transaction.atomic
def hazard_rectify(
    *, hazard: Hazard, acting_user: User, note: str, photos: Iterable = (), uploads: Iterable = (), reassess: bool = True
) -> Hazard:
    """Record the site's rectification, with photos as evidence; it then awaits review on site.
    (``reassess`` as for hazard_raise.)"""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="rectify", hazard=hazard)
    note = _required_text(note, field="note", message=_("Say what was done."))
    photos = _photos(photos, uploads=uploads, acting_user=acting_user, required=True)
    hazard.status = Hazard.Status.RECTIFIED
    hazard.rectified_at = timezone.now()
    hazard.save(update_fields=["status", "rectified_at"])
    _log(hazard, HazardLog.Kind.RECTIFIED, actor=acting_user, comment=note, photos=photos)
    if reassess:
        reassess_site(site=hazard.site, reason=_("Hazard rectified"))
    return hazard


def _close(hazard: Hazard) -> None:
    hazard.status = Hazard.Status.CLOSED
    hazard.closed_at = timezone.now()
    hazard.save(update_fields=["status", "closed_at", "signed_off_by", "rectified_at"])


@transaction.atomic
def hazard_review(
    *,
    hazard: Hazard,
    acting_user: User,
    passed: bool,
    comment: str = "",
    photos: Iterable = (),
    uploads: Iterable = (),
    new_deadline: datetime.date | None = None,
    requirements: str = "",
    reassess: bool = True,
) -> Hazard:
    """The review on site (复查) of a rectified hazard.

    Passed: a general hazard is closed; a major one awaits the office's close-out.
    Failed: a new notice with a new deadline, and the hazard is notified again.
    (``reassess`` as for hazard_raise.)
    """
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="review", hazard=hazard)
    photos = _photos(photos, uploads=uploads, acting_user=acting_user, required=False)
    if passed:
        _log(hazard, HazardLog.Kind.REVIEW_PASSED, actor=acting_user, comment=_text(comment), photos=photos)
        if hazard.level == Hazard.Level.MAJOR:
            hazard.status = Hazard.Status.REVIEWED
            hazard.save(update_fields=["status"])
        else:
            _close(hazard)
            _log(hazard, HazardLog.Kind.CLOSED, actor=acting_user)
        if reassess:
            reassess_site(site=hazard.site, reason=_("Rectification passed the review"))
        return hazard
    comment = _required_text(comment, field="comment", message=_("Say what is still wrong."))
    if not policies.role_may(user=acting_user, step="notify"):
        raise PermissionDeniedError(_("A failed review needs a new notice; only the street office issues one."))
    deadline = _deadline(new_deadline, field="new_deadline")
    notice = _issue_notice(hazard=hazard, acting_user=acting_user, deadline=deadline, requirements=_text(requirements) or comment)
    _log(hazard, HazardLog.Kind.REVIEW_FAILED, actor=acting_user, comment=comment, photos=photos)
    hazard.status = Hazard.Status.NOTIFIED
    hazard.deadline = deadline
    hazard.overdue_at = None
    hazard.escalation = Hazard.Escalation.NONE
    hazard.save(update_fields=["status", "deadline", "overdue_at", "escalation"])
    _log(hazard, HazardLog.Kind.NOTIFIED, actor=acting_user, comment=notice.number, deadline=deadline)
    if reassess:
        reassess_site(site=hazard.site, reason=_("Rectification failed the review"))
    return hazard


@transaction.atomic
def hazard_close_on_spot(
    *, hazard: Hazard, acting_user: User, note: str, photos: Iterable = (), uploads: Iterable = ()
) -> Hazard:
    """A general hazard fixed while the inspector was there: closed at once, with evidence."""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="close_on_spot", hazard=hazard)
    note = _required_text(note, field="note", message=_("Say what was done."))
    photos = _photos(photos, uploads=uploads, acting_user=acting_user, required=True)
    hazard.rectified_at = timezone.now()
    _close(hazard)
    _log(hazard, HazardLog.Kind.CLOSED_ON_SPOT, actor=acting_user, comment=note, photos=photos)
    reassess_site(site=hazard.site, reason=_("Hazard fixed on the spot"))
    return hazard


@transaction.atomic
def hazard_reinspection_not_fixed(*, hazard: Hazard, acting_user: User, note: str = "", photos: Iterable = ()) -> Hazard:
    """A re-inspection (复查) found a notified or rectified hazard not fixed: record it, with the
    evidence, and tell the street office, whose step the next one is (a failed review with a new
    notice for a rectified hazard; for a notified one, the deadline or its escalation). The
    hazard's status stays as it was, so the site's grade does not change.
    """
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="reinspect", hazard=hazard)
    note = _text(note)
    photos = _photos(photos, acting_user=acting_user, required=False)
    _log(hazard, HazardLog.Kind.NOT_FIXED, actor=acting_user, comment=note, photos=photos)
    site = hazard.site
    office = User.objects.filter(
        role=User.Role.STREET_STAFF, street_id=site.grid.community.street_id, is_active=True
    ).values_list("pk", flat=True)
    # A notification is a record, read later: in the office's language.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "who": acting_user.display_name,
            "what": hazard.description[:100],
            "deadline": hazard.deadline.isoformat() if hazard.deadline else "—",
        }
        if hazard.status == Hazard.Status.RECTIFIED:
            message = _(
                "%(who)s found this hazard not fixed on re-inspection, although its rectification was recorded: "
                "%(what)s. It needs a failed review and a new rectification notice."
            )
        else:
            message = _(
                "%(who)s found this hazard not yet fixed on re-inspection (deadline %(deadline)s): %(what)s. "
                "A new rectification notice may be needed."
            )
        notifications_send(
            user_ids=office,
            kind="hazard_not_fixed",
            title=_("Hazard not fixed at %(site)s") % {"site": site.name},
            body=message % values,
            link=hazard.get_absolute_url(),
        )
    return hazard


# --- Major hazards ----------------------------------------------------------------------------

PLAN_FIELDS = ["goals", "measures", "funds", "responsible_people", "deadline", "safety_measures"]


@transaction.atomic
def hazard_plan_record(*, hazard: Hazard, acting_user: User, data: dict) -> RemediationPlan:
    """Record (or revise) a major hazard's remediation plan: goals, measures, funds, people, deadline, safety."""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="plan", hazard=hazard)
    errors: dict[str, list[str]] = {}
    values = {}
    for field in ("goals", "measures", "responsible_people", "safety_measures"):
        values[field] = _text(data.get(field, ""))
        if not values[field]:
            errors[field] = [_("This field is required.")]
    funds = data.get("funds")
    if funds is None or funds < 0:
        errors["funds"] = [_("Enter the funds in yuan (0 or more).")]
    values["funds"] = funds
    try:
        values["deadline"] = _deadline(data.get("deadline"))
    except ApplicationError as error:
        errors.update(error.field_errors)
    if errors:
        raise ApplicationError(_("The plan was not saved; correct the fields marked."), field_errors=errors)
    plan, created = RemediationPlan.objects.update_or_create(hazard=hazard, defaults={**values, "recorded_by": acting_user})
    _log(hazard, HazardLog.Kind.PLAN_RECORDED, actor=acting_user, comment=values["goals"][:200], deadline=values["deadline"])
    return plan


@transaction.atomic
def hazard_supervise(*, hazard: Hazard, acting_user: User, note: str = "") -> Hazard:
    """List a major hazard for supervision (挂牌督办)."""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="supervise", hazard=hazard)
    hazard.supervised_at = timezone.now()
    hazard.save(update_fields=["supervised_at"])
    _log(hazard, HazardLog.Kind.SUPERVISED, actor=acting_user, comment=_text(note))
    return hazard


@transaction.atomic
def hazard_close_out(*, hazard: Hazard, acting_user: User, note: str = "") -> Hazard:
    """The formal close-out of a major hazard whose rectification passed the review: signed by the office."""
    hazard = _locked(hazard=hazard, acting_user=acting_user)
    _ensure(acting_user=acting_user, step="close_out", hazard=hazard)
    if not RemediationPlan.objects.filter(hazard=hazard).exists():
        raise ConflictError(_("A major hazard is closed out only after its remediation plan is recorded."))
    hazard.signed_off_by = acting_user
    _close(hazard)
    _log(hazard, HazardLog.Kind.CLOSED_OUT, actor=acting_user, comment=_text(note))
    reassess_site(site=hazard.site, reason=_("Major hazard closed out"))
    return hazard


# --- What the system closes itself --------------------------------------------------------------


@transaction.atomic
def hazard_close_by_source(*, site: Site, source_key: str, note: str) -> Hazard | None:
    """Close the open hazard the system raised under ``source_key`` once its cause is gone (a device
    back online, its battery replaced). Nothing open under that key: nothing to do."""
    hazard = (
        Hazard.objects.select_for_update()
        .filter(site=site, source_key=source_key, source__in=SYSTEM_SOURCES, status__in=Hazard.OPEN_STATUSES)
        .first()
    )
    if hazard is None:
        return None
    _close(hazard)
    _log(hazard, HazardLog.Kind.CLOSED, actor=None, comment=_text(note))
    reassess_site(site=site, reason=_text(note))
    return hazard
