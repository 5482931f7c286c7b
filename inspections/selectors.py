"""Reads of inspections, already narrowed to what the acting user may see.

- ``checklist_for_site``: the checklist the system makes for a site (routine, campaign or
  re-inspection), as plain data the phone's page and the API both serialise.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import Site
from hazards.models import Hazard
from regulations.models import ChecklistItemVersion
from regulations.rules import describe_rule, format_number
from regulations.selectors import checklist_versions_for_site
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .models import Campaign, Inspection, InspectionItem
from .schedules import SiteSchedule, site_schedule

# Grid workers inspect the sites of their grids; street staff and admins may inspect any site they see.
INSPECTOR_ROLES = frozenset({User.Role.GRID_WORKER, User.Role.STREET_STAFF, User.Role.ADMIN})
# The hazards a re-inspection (复查) confirms fixed or not: notified, and rectified awaiting review.
AWAITING_REINSPECTION = (Hazard.Status.NOTIFIED, Hazard.Status.RECTIFIED)


# --- Who may do what -----------------------------------------------------------------------------


def user_can_inspect(*, user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or user.role in INSPECTOR_ROLES


def ensure_inspector(*, user: User) -> None:
    """Refuse (403) a role that never inspects (a fire station operator), whatever site it names."""
    if not user_can_inspect(user=user):
        raise PermissionDeniedError(_("Your role may not inspect sites."))


def user_can_manage_campaigns(*, user: User) -> bool:
    """Street office staff (and admins) define special campaigns."""
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.STREET_STAFF)


def ensure_campaign_manager(*, user: User) -> None:
    if not user_can_manage_campaigns(user=user):
        raise PermissionDeniedError(_("Only street office staff may define special campaigns."))


def site_in_scope(*, pk, user: User) -> Site:
    """The site with its category and grid, or NotFoundError outside the user's scope."""
    try:
        return (
            Site.objects.select_related("category", "grid__community").filter(grid_scope_q(user=user, prefix="grid__")).get(pk=pk)
        )
    except (Site.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("No such site.")) from None


# --- Campaigns -------------------------------------------------------------------------------------


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    """Campaigns that include a site in the user's scope (an admin sees every campaign)."""
    campaigns = Campaign.objects.select_related("created_by")
    if not (user.is_authenticated and user.is_active):
        return campaigns.none()
    if not user.is_admin:
        in_scope = Site.objects.filter(grid_scope_q(user=user, prefix="grid__"), campaigns=OuterRef("pk"))
        campaigns = campaigns.filter(Exists(in_scope))
    return campaigns.order_by("-starts_on", "-pk")


def campaign_get_for_user(*, user: User, pk) -> Campaign:
    try:
        return campaign_list(user=user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such campaign.")) from None


# --- The checklist of a site -------------------------------------------------------------------------


@dataclass
class Checklist:
    """What the system asks at a site: for a routine or campaign check, the item versions that apply
    (``versions``); for a re-inspection, the hazards awaiting it (``hazards``). ``items`` holds both
    as plain data, in the order the inspector answers them."""

    site: Site
    kind: str
    campaign: Campaign | None
    generated_at: datetime.datetime
    versions: list[ChecklistItemVersion] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The checklist as JSON-ready data: the body of GET /api/inspections/checklist/."""
        site = self.site
        return {
            "site": {
                "id": site.pk,
                "name": site.name,
                "address": site.address,
                "category": site.category.name,
                "category_code": site.category.code,
                "risk_colour": site.risk_colour,
            },
            "kind": self.kind,
            "campaign": _campaign_brief(self.campaign),
            "items": self.items,
            "generated_at": self.generated_at.isoformat(),
        }


def _campaign_brief(campaign: Campaign | None) -> dict | None:
    if campaign is None:
        return None
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
    }


def _version_entry(version: ChecklistItemVersion) -> dict:
    """One checklist item as the phone shows and judges it (the same rule as regulations.selectors.judge)."""
    return {
        "version": version.pk,
        "code": version.item.code,
        "requirement": version.requirement,
        "rule_kind": version.rule_kind,
        "threshold": format_number(version.threshold) if version.threshold is not None else None,
        "unit": version.unit,
        "choices": [
            {"value": choice["value"], "label": choice["value"], "passes": bool(choice.get("passes"))}
            for choice in version.choices
        ],
        "pass_answer": version.pass_answer,
        "rule": describe_rule(version),
        "citation": version.citation,
        "clause_text": version.clause.text if version.clause_id else "",
        "severity": version.severity,
        "hazard": None,
    }


def _hazard_entry(hazard: Hazard) -> dict:
    """An open hazard as a re-inspection item: answered yes (fixed) or no (not fixed)."""
    return {
        "version": None,
        "code": "",
        "requirement": hazard.description,
        "rule_kind": "yes_no",
        "threshold": None,
        "unit": "",
        "choices": [],
        "pass_answer": True,
        "rule": _("Fixed?"),
        "citation": hazard.citation,
        "clause_text": hazard.clause.text if hazard.clause_id else "",
        "severity": hazard.level,
        "hazard": {
            "id": hazard.pk,
            "description": hazard.description,
            "status": hazard.status,
            "citation": hazard.citation,
            "level": hazard.level,
            "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        },
    }


def campaign_check(*, campaign: Campaign | None, site: Site, today: datetime.date | None = None) -> Campaign:
    """The campaign, when it is active, runs today and covers the site; otherwise an error on "campaign"."""
    if campaign is None:
        message = _("Choose the campaign.")
        raise ApplicationError(message, field_errors={"campaign": [message]})
    today = today or timezone.localdate()
    if not campaign.runs_on(today):
        message = _("The campaign %(name)s is not running today.") % {"name": campaign.name}
        raise ApplicationError(message, field_errors={"campaign": [message]})
    if not campaign.sites.filter(pk=site.pk).exists():
        message = _("The campaign %(name)s does not include this site.") % {"name": campaign.name}
        raise ApplicationError(message, field_errors={"campaign": [message]})
    return campaign


def awaiting_reinspection(*, site: Site) -> QuerySet[Hazard]:
    """The site's hazards awaiting re-inspection, the nearest deadline first."""
    return (
        Hazard.objects.filter(site=site, status__in=AWAITING_REINSPECTION)
        .select_related("clause__basis", "basis")
        .order_by("deadline", "found_at", "pk")
    )


def checklist_for_site(
    *, site: Site, user: User, kind: str = Inspection.Kind.ROUTINE, campaign: Campaign | None = None
) -> Checklist:
    """The checklist the system makes for ``site`` (the user must inspect, and see the site).

    - routine: every item in use whose current version applies to the site's category and
      attributes (regulations.selectors.checklist_versions_for_site);
    - campaign: the campaign's items among those (the campaign active, running today and
      including the site);
    - reinspection: the site's hazards awaiting re-inspection (notified or rectified).

    Three queries at most, whatever the size of the library.
    """
    ensure_inspector(user=user)
    site = site_in_scope(pk=site.pk, user=user)
    checklist = Checklist(site=site, kind=kind, campaign=None, generated_at=timezone.now())
    if kind == Inspection.Kind.REINSPECTION:
        checklist.hazards = list(awaiting_reinspection(site=site))
        checklist.items = [_hazard_entry(hazard) for hazard in checklist.hazards]
        return checklist
    if kind == Inspection.Kind.CAMPAIGN:
        checklist.campaign = campaign_check(campaign=campaign, site=site)
        item_ids = set(campaign.items.values_list("pk", flat=True))
        checklist.versions = [version for version in checklist_versions_for_site(site=site) if version.item_id in item_ids]
    elif kind == Inspection.Kind.ROUTINE:
        checklist.versions = checklist_versions_for_site(site=site)
    else:
        message = _("Choose routine, reinspection or campaign.")
        raise ApplicationError(message, field_errors={"kind": [message]})
    checklist.items = [_version_entry(version) for version in checklist.versions]
    return checklist


# --- Inspections --------------------------------------------------------------------------------


def inspection_list(*, user: User) -> QuerySet[Inspection]:
    """Inspections of the sites in the user's scope, newest first, with what a list row shows loaded."""
    return (
        Inspection.objects.filter(grid_scope_q(user=user, prefix="site__grid__"))
        .select_related("site__category", "site__grid__community__street", "inspector", "campaign")
        .order_by("-finished_at", "-pk")
    )


def inspection_get_for_user(*, user: User, pk) -> Inspection:
    try:
        return inspection_list(user=user).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(_("No such inspection.")) from None


def inspection_record(*, user: User, pk) -> Inspection:
    """An inspection with everything its record shows: each answer's version (item, basis, clause), the
    hazard it raised or re-inspected, its photos, and the signature; ``item_list`` in answer order."""
    try:
        inspection = inspection_list(user=user).select_related("signature").get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(_("No such inspection.")) from None
    inspection.item_list = list(
        inspection.items.select_related("version__item", "version__basis", "version__clause__basis", "hazard__clause__basis")
        .select_related("hazard__basis")
        .prefetch_related("photos")
        .order_by("position")
    )
    return inspection


def inspection_photo_get_for_user(*, user: User, inspection_pk, photo_pk):
    """A photo of an inspection (an answer's, or the signature) in the user's scope, or 404."""
    from files.models import Photo

    inspection = inspection_get_for_user(user=user, pk=inspection_pk)
    of_answers = InspectionItem.photos.through.objects.filter(inspectionitem__inspection=inspection, photo_id=OuterRef("pk"))
    try:
        return Photo.objects.filter(Exists(of_answers) | Q(pk=inspection.signature_id or None)).get(pk=photo_pk)
    except (Photo.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(_("No such photo.")) from None


# --- The site file's section (composed by dashboards) ----------------------------------------------------


@dataclass
class SiteInspectionSection:
    schedule: SiteSchedule
    recent: list[Inspection]
    total: int
    awaiting_reinspection: int
    campaigns: list[Campaign]
    can_inspect: bool


def site_inspection_section(*, site: Site, user: User, today: datetime.date | None = None) -> SiteInspectionSection:
    """The inspections part of a site's file: when it was last checked and is next due, its latest
    inspections, the hazards awaiting re-inspection and the campaigns running there. Five queries."""
    today = today or timezone.localdate()
    inspections = inspection_list(user=user).filter(site=site)
    running = campaign_list(user=user).filter(sites=site, is_active=True, starts_on__lte=today, ends_on__gte=today)
    return SiteInspectionSection(
        schedule=site_schedule(site=site, today=today),
        recent=list(inspections[:5]),
        total=inspections.count(),
        awaiting_reinspection=awaiting_reinspection(site=site).count(),
        campaigns=list(running.order_by("ends_on")),
        can_inspect=user_can_inspect(user=user),
    )
