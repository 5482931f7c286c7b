"""Graded risk control (安全风险分级管控): each site's risk factors, and its colour.

A site's colour is the highest band of its active factors' LEC scores (D = L x E x C,
regulations.lec), raised by live conditions and lowered again when they end
(settings.RISK_RULES, shown to staff): an open major hazard makes it red; open overdue
hazards raise it a level; a real fire or repeated false alarms (RiskEvent) raise it a
level while they last. ``reassess_site`` is the one place that recomputes it and
records a change.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import RiskColour, Site
from enterprises.services import site_risk_colour_set, sites_risk_colour_set
from regulations.lec import CONSEQUENCE_VALUES, EXPOSURE_VALUES, LIKELIHOOD_VALUES, lec_band
from regulations.selectors import risk_factor_templates_for
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .. import policies
from ..models import GradeChange, Hazard, RiskEvent, SiteRiskFactor, SiteRiskFactorChange

# Lowest first: raising a colour by a level moves one step to the right.
LEVELS = [RiskColour.BLUE, RiskColour.YELLOW, RiskColour.ORANGE, RiskColour.RED]


def raised(colour: str, levels: int) -> str:
    return LEVELS[min(LEVELS.index(colour) + levels, len(LEVELS) - 1)]


def higher(first: str, second: str) -> str:
    return first if LEVELS.index(first) >= LEVELS.index(second) else second


# --- The colour ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    colour: str
    # [{"code": ..., "params": {...}}], said in the reader's language by hazards.reasons.
    reasons: list[dict]


def grade_for(*, factors: Iterable[tuple[str, Decimal]], major: int, overdue: int, events: Iterable[str]) -> Grade:
    """The colour a site's factors (name, D) and live conditions give it, with every reason.

    1. The base: the highest band among the factors (blue without any).
    2. Open hazards past their deadline raise it (RISK_RULES["overdue_raises_levels"]).
    3. A real fire or repeated false alarms raise it while they last.
    4. An open major hazard makes it at least RISK_RULES["open_major_hazard_colour"].
    """
    rules = settings.RISK_RULES
    colour, top = RiskColour.BLUE.value, None
    for name, score in factors:
        band = lec_band(score=score)
        if top is None or LEVELS.index(band) > LEVELS.index(colour):
            colour, top = band, (name, score)
    if top is None:
        reasons = [{"code": "no_factors", "params": {}}]
    else:
        reasons = [{"code": "factor", "params": {"name": top[0], "score": format(top[1].normalize(), "f"), "colour": colour}}]
    if overdue:
        colour = raised(colour, rules["overdue_raises_levels"])
        reasons.append({"code": "overdue_hazards", "params": {"count": overdue}})
    events = sorted(set(events))
    if events:
        colour = raised(colour, rules["risk_event_raises_levels"])
        reasons.append({"code": "risk_events", "params": {"kinds": events}})
    if major:
        colour = higher(colour, rules["open_major_hazard_colour"])
        reasons.append({"code": "major_hazards", "params": {"count": major}})
    return Grade(colour=colour, reasons=reasons)


def _open_counts(site_ids) -> dict[int, dict]:
    today = timezone.localdate()
    rows = (
        Hazard.objects.filter(site_id__in=site_ids, status__in=Hazard.OPEN_STATUSES)
        .values("site_id")
        .annotate(
            major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
            overdue=Count("pk", filter=Q(status=Hazard.Status.NOTIFIED, deadline__lt=today)),
        )
    )
    return {row["site_id"]: row for row in rows}


def _live_events(site_ids) -> dict[int, list[str]]:
    events: dict[int, list[str]] = {}
    for site_id, kind in RiskEvent.objects.filter(site_id__in=site_ids, until__gt=timezone.now()).values_list("site_id", "kind"):
        events.setdefault(site_id, []).append(kind)
    return events


@transaction.atomic
def reassess_site(*, site: Site, reason: str) -> GradeChange | None:
    """Recompute a site's colour; record and return the change, or None when the colour stays.

    The site's row, where its colour is kept, is locked first: two reassessments of one
    site run one after the other, the second seeing everything the first did, so no
    reason is lost and no stale colour is left. A different colour is written
    (enterprises.services.site_risk_colour_set) and recorded with all its reasons.
    """
    site = Site.objects.select_for_update().only("pk", "risk_colour").get(pk=site.pk)
    if not site.risk_colour:
        # Never graded yet (a hazard recorded in the minute before sites_grade_new came by): its
        # first colour counts its library factors, as sites_grade_new would have given them; that
        # task then finds the site graded and leaves it.
        site_risk_factors_assign(site_ids=[site.pk])
    factors = SiteRiskFactor.objects.filter(site=site, is_active=True).only("name", "likelihood", "exposure", "consequence")
    counts = _open_counts([site.pk]).get(site.pk, {"major": 0, "overdue": 0})
    grade = grade_for(
        factors=((factor.name, factor.score) for factor in factors),
        major=counts["major"],
        overdue=counts["overdue"],
        events=_live_events([site.pk]).get(site.pk, []),
    )
    if grade.colour == site.risk_colour:
        return None
    change = GradeChange.objects.create(
        site=site, from_colour=site.risk_colour, to_colour=grade.colour, reasons=grade.reasons, trigger=str(reason)[:200]
    )
    site_risk_colour_set(site_id=site.pk, colour=grade.colour)
    return change


@transaction.atomic
def sites_reassess_many(*, site_ids: Iterable[int], reason: str) -> int:
    """``reassess_site`` for many sites at once, in a few queries whatever their number (a new
    street, an import, the first grading): the same rules, the same records. Returns the changes."""
    ids = sorted(set(site_ids))
    sites = {
        site.pk: site for site in Site.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("pk", "risk_colour")
    }
    factors: dict[int, list] = {}
    for factor in SiteRiskFactor.objects.filter(site_id__in=ids, is_active=True).only(
        "site_id", "name", "likelihood", "exposure", "consequence"
    ):
        factors.setdefault(factor.site_id, []).append((factor.name, factor.score))
    counts, events = _open_counts(ids), _live_events(ids)
    changes, colours = [], {}
    for site_id, site in sites.items():
        count = counts.get(site_id, {"major": 0, "overdue": 0})
        grade = grade_for(
            factors=factors.get(site_id, []), major=count["major"], overdue=count["overdue"], events=events.get(site_id, [])
        )
        if grade.colour != site.risk_colour:
            changes.append(
                GradeChange(
                    site_id=site_id,
                    from_colour=site.risk_colour,
                    to_colour=grade.colour,
                    reasons=grade.reasons,
                    trigger=reason[:200],
                )
            )
            colours[site_id] = grade.colour
    GradeChange.objects.bulk_create(changes, batch_size=1000)
    sites_risk_colour_set(colours=colours)
    return len(changes)


# --- Risk factors ---------------------------------------------------------------------------------


@transaction.atomic
def site_risk_factors_assign(*, site_ids: Iterable[int]) -> int:
    """Give sites their categories' risk factors from the library (those they do not have yet);
    return how many factors were added. Done when a site is first graded (``sites_grade_new``):
    the registry, below this app, never calls up to it."""
    ids = sorted(set(site_ids))
    sites = list(Site.objects.filter(pk__in=ids).only("pk", "category_id"))
    have = set(SiteRiskFactor.objects.filter(site_id__in=ids, is_active=True).values_list("site_id", "template_id"))
    templates: dict[int, list] = {}
    new = []
    for site in sites:
        if site.category_id not in templates:
            templates[site.category_id] = list(risk_factor_templates_for(category=site.category_id))
        for template in templates[site.category_id]:
            if (site.pk, template.pk) in have:
                continue
            new.append(
                SiteRiskFactor(
                    site_id=site.pk,
                    template=template,
                    name=template.name,
                    control_measures=template.control_measures,
                    likelihood=template.likelihood,
                    exposure=template.exposure,
                    consequence=template.consequence,
                )
            )
    SiteRiskFactor.objects.bulk_create(new, batch_size=2000)
    reason = _("From the library")
    SiteRiskFactorChange.objects.bulk_create(
        [SiteRiskFactorChange(factor=factor, action=SiteRiskFactorChange.Action.ADDED, reason=reason) for factor in new],
        batch_size=2000,
    )
    return len(new)


def sites_grade_new(*, limit: int = 2000) -> int:
    """Grade sites that have no colour yet (new files, imports): their factors from the library,
    then their colour. Run every minute by a periodic task, and by the demo. Returns how many."""
    ids = list(Site.objects.filter(risk_colour="").order_by("pk").values_list("pk", flat=True)[:limit])
    graded = 0
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            # Lock the batch and look again: reassess_site (a hazard just recorded) or another run
            # of this task may have graded some of them meanwhile, factors included.
            batch = list(
                Site.objects.select_for_update()
                .filter(pk__in=ids[start : start + 500], risk_colour="")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            site_risk_factors_assign(site_ids=batch)
            sites_reassess_many(site_ids=batch, reason=_("First grading"))
        graded += len(batch)
    return graded


def _ensure_risk_editor(user: User) -> None:
    if not policies.user_may_grade(user=user):
        raise PermissionDeniedError(_("Only street office staff may change a site's risk factors."))


def _site_in_scope(*, site: Site, user: User) -> Site:
    try:
        return Site.objects.filter(grid_scope_q(user=user, prefix="grid__")).get(pk=site.pk)
    except Site.DoesNotExist:
        raise NotFoundError(_("No such site.")) from None


LEC_LETTERS = {"likelihood": "L", "exposure": "E", "consequence": "C"}


def _lec(data: dict) -> dict[str, Decimal]:
    """L, E and C from ``data``, each one of the values of the LEC scale (DOMAIN.md)."""
    values, errors = {}, {}
    for field, allowed in (("likelihood", LIKELIHOOD_VALUES), ("exposure", EXPOSURE_VALUES), ("consequence", CONSEQUENCE_VALUES)):
        try:
            value = Decimal(str(data.get(field)))
        except (InvalidOperation, ValueError, TypeError):
            value = None
        if value not in allowed:
            errors[field] = [_("Choose one of %(values)s.") % {"values": "、".join(format(v.normalize(), "f") for v in allowed)}]
        values[field] = value
    if errors:
        # The pages show this message alone (above the site's file), so it names what is wrong.
        wrong = "; ".join(f"{LEC_LETTERS[field]}: {messages[0]}" for field, messages in errors.items())
        raise ApplicationError(_("The risk factor was not saved. %(errors)s") % {"errors": wrong}, field_errors=errors)
    return values


def _clean(text) -> str:
    # PostgreSQL text holds no NUL byte; a form field of the site's file may send one.
    return str(text or "").replace("\x00", "").strip()


def _reason(text: str) -> str:
    reason = _clean(text)
    if not reason:
        message = _("Say why.")
        raise ApplicationError(message, field_errors={"reason": [message]})
    return reason


def _as_text(values: dict) -> dict:
    return {field: format(value.normalize(), "f") for field, value in values.items()}


@transaction.atomic
def site_risk_factor_add(*, site: Site, acting_user: User, name: str, data: dict, reason: str) -> SiteRiskFactor:
    """Staff add a risk factor the library does not list for this site, with L, E, C and a reason."""
    # The scope first: someone who cannot see the site learns nothing of it (404, not 403).
    site = _site_in_scope(site=site, user=acting_user)
    _ensure_risk_editor(acting_user)
    name = _clean(name)
    if not name:
        raise ApplicationError(_("Name the risk factor."), field_errors={"name": [_("Name the risk factor.")]})
    values = _lec(data)
    reason = _reason(reason)
    factor = SiteRiskFactor.objects.create(
        site=site, name=name[:100], control_measures=_clean(data.get("control_measures")), **values
    )
    SiteRiskFactorChange.objects.create(
        factor=factor, action=SiteRiskFactorChange.Action.ADDED, actor=acting_user, reason=reason, changes=_as_text(values)
    )
    reassess_site(site=site, reason=_("Risk factor added: %(name)s") % {"name": name})
    return factor


def _locked_factor(*, factor: SiteRiskFactor, user: User) -> SiteRiskFactor:
    factors = SiteRiskFactor.objects.select_for_update().filter(grid_scope_q(user=user, prefix="site__grid__"), is_active=True)
    try:
        return factors.get(pk=factor.pk)
    except SiteRiskFactor.DoesNotExist:
        raise NotFoundError(_("No such risk factor.")) from None


@transaction.atomic
def site_risk_factor_adjust(*, factor: SiteRiskFactor, acting_user: User, data: dict, reason: str) -> SiteRiskFactor:
    """Staff change a factor's L, E, C for this site, saying why; the before and after are kept."""
    factor = _locked_factor(factor=factor, user=acting_user)
    _ensure_risk_editor(acting_user)
    values = _lec(data)
    reason = _reason(reason)
    changes = {
        field: [format(getattr(factor, field).normalize(), "f"), format(value.normalize(), "f")]
        for field, value in values.items()
        if getattr(factor, field) != value
    }
    if not changes:
        return factor
    for field, value in values.items():
        setattr(factor, field, value)
    factor.save(update_fields=list(values))
    SiteRiskFactorChange.objects.create(
        factor=factor, action=SiteRiskFactorChange.Action.ADJUSTED, actor=acting_user, reason=reason, changes=changes
    )
    reassess_site(site=factor.site, reason=_("Risk factor adjusted: %(name)s") % {"name": factor.name})
    return factor


@transaction.atomic
def site_risk_factor_remove(*, factor: SiteRiskFactor, acting_user: User, reason: str) -> None:
    """Staff remove a factor that does not apply to this site; it stays in the history, inactive."""
    factor = _locked_factor(factor=factor, user=acting_user)
    _ensure_risk_editor(acting_user)
    reason = _reason(reason)
    factor.is_active = False
    factor.save(update_fields=["is_active"])
    SiteRiskFactorChange.objects.create(
        factor=factor, action=SiteRiskFactorChange.Action.REMOVED, actor=acting_user, reason=reason
    )
    reassess_site(site=factor.site, reason=_("Risk factor removed: %(name)s") % {"name": factor.name})


# --- Events that raise a grade for a while ------------------------------------------------------


@transaction.atomic
def risk_event_record(*, site: Site, kind: str, note: str = "", days: int | None = None) -> RiskEvent:
    """A real fire or repeated false alarms at a site (the alarm pipeline calls this): its grade is
    raised for RISK_RULES["risk_event_days"] days, then lowered again by ``risk_events_expire``."""
    if kind not in RiskEvent.Kind.values:
        raise ValueError(f"not a risk event: {kind!r}")
    days = settings.RISK_RULES["risk_event_days"] if days is None else days
    event = RiskEvent.objects.create(site=site, kind=kind, note=note, until=timezone.now() + datetime.timedelta(days=days))
    reassess_site(site=site, reason=str(event.get_kind_display()))
    return event


def risk_events_expire(*, since: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """Reassess the sites whose events ended between ``since`` and ``now`` (a periodic task)."""
    now = now or timezone.now()
    site_ids = set(RiskEvent.objects.filter(until__gt=since, until__lte=now).values_list("site_id", flat=True))
    for site in Site.objects.filter(pk__in=site_ids):
        reassess_site(site=site, reason=_("A raising event ended"))
    return len(site_ids)
