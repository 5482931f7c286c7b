"""Reads of hazards and risk grades, already narrowed to what the acting user may see."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import Site
from regulations.lec import CONSEQUENCE_CHOICES, EXPOSURE_CHOICES, LIKELIHOOD_CHOICES

from . import policies
from .models import GradeChange, Hazard, HazardLog, RectificationNotice, RemediationPlan, SiteRiskFactor
from .reasons import reason_texts


def hazard_list(*, user: User) -> QuerySet[Hazard]:
    """Hazards of the sites in the user's scope, with what a list row shows loaded in the same query."""
    return (
        Hazard.objects.filter(grid_scope_q(user=user, prefix="site__grid__"))
        .select_related("site__category", "site__grid__community", "clause__basis", "basis")
        .order_by("-found_at", "-pk")
    )


def hazard_get_for_user(*, user: User, pk) -> Hazard:
    try:
        return hazard_list(user=user).get(pk=pk)
    except (Hazard.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such hazard.")) from None


@dataclass
class HazardPage:
    hazard: Hazard
    timeline: list[HazardLog]
    notices: list[RectificationNotice]
    plan: RemediationPlan | None
    steps: list[str]


def hazard_page(*, user: User, pk) -> HazardPage:
    """A hazard with its timeline (each step's actor and photos), notices, plan, and the steps the user may take."""
    hazard = hazard_get_for_user(user=user, pk=pk)
    timeline = list(hazard.log.select_related("actor").prefetch_related("photos"))
    notices = list(hazard.notices.select_related("issued_by"))
    plan = RemediationPlan.objects.filter(hazard=hazard).first()
    return HazardPage(
        hazard=hazard, timeline=timeline, notices=notices, plan=plan, steps=policies.steps_for(user=user, hazard=hazard)
    )


def hazard_photo_get_for_user(*, user: User, hazard_pk, photo_pk):
    """A photo of a hazard (found, or evidence of one of its steps) in the user's scope, or 404."""
    from files.models import Photo

    hazard = hazard_get_for_user(user=user, pk=hazard_pk)
    found = Hazard.photos.through.objects.filter(hazard=hazard, photo_id=OuterRef("pk"))
    evidence = HazardLog.photos.through.objects.filter(hazardlog__hazard=hazard, photo_id=OuterRef("pk"))
    try:
        return Photo.objects.filter(Exists(found) | Exists(evidence)).get(pk=photo_pk)
    except (Photo.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(_("No such photo.")) from None


def notice_get_for_user(*, user: User, pk) -> RectificationNotice:
    notices = RectificationNotice.objects.filter(grid_scope_q(user=user, prefix="hazard__site__grid__"))
    try:
        return notices.select_related("hazard__site", "issued_by").get(pk=pk)
    except (RectificationNotice.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such notice.")) from None


def overdue_q(*, today: datetime.date | None = None) -> Q:
    return Q(status=Hazard.Status.NOTIFIED, deadline__lt=today or timezone.localdate())


# --- Statistics ---------------------------------------------------------------------------------

GROUPINGS = {
    "community": ("site__grid__community_id", "site__grid__community__name"),
    "grid": ("site__grid_id", "site__grid__name"),
    "category": ("site__category_id", "site__category__name"),
}


def period_bounds(*, year: int, quarter: int | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end (exclusive) of a year or one of its quarters, in the platform's time zone."""
    zone = timezone.get_current_timezone()
    first_month = 1 if quarter is None else 3 * (quarter - 1) + 1
    start = datetime.datetime(year, first_month, 1, tzinfo=zone)
    if quarter is None or quarter == 4:
        end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    else:
        end = datetime.datetime(year, first_month + 3, 1, tzinfo=zone)
    return start, end


def hazard_statistics(*, user: User, year: int, quarter: int | None = None, by: str = "community") -> list[dict]:
    """Hazards of a year or quarter by community, grid or category, in one query:
    found, closed (of those found), rectification rate, overdue (open past their deadline), major.
    """
    key, label = GROUPINGS[by]
    start, end = period_bounds(year=year, quarter=quarter)
    rows = (
        hazard_list(user=user)
        .filter(found_at__gte=start, found_at__lt=end)
        .order_by()
        .values(group=F(key), name=F(label))
        .annotate(
            found=Count("pk"),
            closed=Count("pk", filter=Q(status=Hazard.Status.CLOSED)),
            overdue=Count("pk", filter=overdue_q()),
            major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
        )
        .order_by("name")
    )
    result = []
    for row in rows:
        row["rate"] = round(100 * row["closed"] / row["found"], 1) if row["found"] else None
        result.append(row)
    return result


# --- The site file's sections (composed by dashboards) -----------------------------------------


@dataclass
class SiteHazardSection:
    open_hazards: list[Hazard]
    closed_count: int
    major_open: int
    overdue_open: int
    can_raise: bool


def site_hazard_section(*, site: Site, user: User) -> SiteHazardSection:
    """The hazards part of a site's file: its open hazards and how many it has closed."""
    hazards = hazard_list(user=user).filter(site=site)
    open_hazards = list(hazards.filter(status__in=Hazard.OPEN_STATUSES))
    counts = hazards.aggregate(closed=Count("pk", filter=Q(status=Hazard.Status.CLOSED)))
    return SiteHazardSection(
        open_hazards=open_hazards,
        closed_count=counts["closed"],
        major_open=sum(1 for hazard in open_hazards if hazard.level == Hazard.Level.MAJOR),
        overdue_open=sum(1 for hazard in open_hazards if hazard.is_overdue),
        can_raise=policies.role_may(user=user, step="raise"),
    )


@dataclass
class SiteRiskSection:
    colour: str
    factors: list[SiteRiskFactor]
    # (grade change, its reasons in the reader's language), newest first
    changes: list[tuple[GradeChange, list[str]]]
    inspection_interval_days: int
    can_grade: bool
    lec: dict


def site_risk_section(*, site: Site, user: User) -> SiteRiskSection:
    """The risk part of a site's file: its colour, its active factors with their scores, its grade
    history with the reasons of each change, and whether the user may change the factors."""
    factors = list(SiteRiskFactor.objects.filter(site=site, is_active=True).order_by("pk"))
    changes = [(change, reason_texts(change.reasons)) for change in GradeChange.objects.filter(site=site)[:50]]
    return SiteRiskSection(
        colour=site.risk_colour,
        factors=factors,
        changes=changes,
        inspection_interval_days=inspection_interval_days(site=site),
        can_grade=policies.user_may_grade(user=user),
        lec={"likelihood": LIKELIHOOD_CHOICES, "exposure": EXPOSURE_CHOICES, "consequence": CONSEQUENCE_CHOICES},
    )


def inspection_interval_days(*, site: Site) -> int:
    """How many days may pass between two inspections of this site: by its colour
    (settings.INSPECTION_INTERVAL_DAYS), never longer than MPS order 61 art. 26 allows
    (settings.INSPECTION_MAX_INTERVAL_DAYS)."""
    by_colour = settings.INSPECTION_INTERVAL_DAYS.get(site.risk_colour or "red")
    category = site.category
    if category.group == "residential":
        cap = settings.INSPECTION_MAX_INTERVAL_DAYS["residential"]
    elif category.code == "GG03":
        cap = settings.INSPECTION_MAX_INTERVAL_DAYS["government_body"]
    else:
        cap = settings.INSPECTION_MAX_INTERVAL_DAYS["unit"]
    return min(by_colour, cap) if cap else by_colour


def hazard_counts(*, user: User) -> dict:
    """Open, overdue and major hazards in the user's scope (navigation badges, overviews)."""
    return (
        hazard_list(user=user)
        .filter(status__in=Hazard.OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            overdue=Coalesce(Count("pk", filter=overdue_q()), 0),
            major=Count("pk", filter=Q(level=Hazard.Level.MAJOR)),
        )
    )


def clause_choices() -> QuerySet:
    """The clauses a hazard may cite, with their documents, for the raise form."""
    from regulations.models import Clause

    return Clause.objects.select_related("basis").order_by("basis__code", "sort_key")
