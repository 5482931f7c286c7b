"""Inspection schedules (reads): when each site is due, "my tasks", and coverage per grid and community.

A site is due for a routine check ``inspection_interval_days`` after its last routine check
(hazards.selectors: by its colour, capped by MPS order 61 art. 26 by its category); a site
never checked is due now. Only routine checks count for the schedule: a re-inspection looks
only at open hazards and a campaign at a few items. Suspended and closed sites are not due.

Every function here costs a fixed number of queries, whatever the number of sites: the
dates come from one query each, the intervals are computed in Python from the rows loaded.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import RiskColour, Site
from hazards.models import Hazard
from hazards.selectors import inspection_interval_days

from .models import Campaign, Inspection

# A notified hazard becomes a re-inspection task this many days before its deadline.
REINSPECTION_LEAD_DAYS = 3
KIND_RANK = {Inspection.Kind.REINSPECTION: 0, Inspection.Kind.ROUTINE: 1, Inspection.Kind.CAMPAIGN: 2}
COLOUR_RANK = {colour: rank for rank, colour in enumerate(RiskColour.values)}  # red first


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the platform's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_due_on(*, site: Site, last_inspected_on: datetime.date | None, today: datetime.date) -> datetime.date:
    """When the site is next due for a routine check: its interval after the last one, or now if never checked."""
    if last_inspected_on is None:
        return today
    return last_inspected_on + datetime.timedelta(days=inspection_interval_days(site=site))


def _last_routine(*, before: datetime.datetime | None = None) -> Subquery:
    inspections = Inspection.objects.filter(site=OuterRef("pk"), kind=Inspection.Kind.ROUTINE)
    if before is not None:
        inspections = inspections.filter(finished_at__lt=before)
    return Subquery(inspections.order_by("-finished_at").values("finished_at")[:1])


def scheduled_sites(*, user: User) -> QuerySet[Site]:
    """The operating sites in the user's scope, with what a schedule needs to compute their dates."""
    return (
        Site.objects.filter(grid_scope_q(user=user, prefix="grid__"), status=Site.Status.OPERATING)
        .select_related("category", "grid__community")
        .order_by("pk")
    )


# --- My tasks ---------------------------------------------------------------------------------------------


@dataclass
class Task:
    """Something to inspect: a site due (or overdue) for a routine check, its hazards awaiting
    re-inspection, or a running campaign that includes it."""

    site: Site
    kind: str
    due_on: datetime.date
    today: datetime.date
    last_inspected_on: datetime.date | None = None
    interval_days: int | None = None
    hazards: list[Hazard] = field(default_factory=list)
    campaign: Campaign | None = None

    @property
    def overdue_days(self) -> int:
        return max((self.today - self.due_on).days, 0)

    @property
    def is_overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def urgency(self) -> tuple:
        return (
            self.due_on,
            KIND_RANK[self.kind],
            COLOUR_RANK.get(self.site.risk_colour or "red", 0),
            self.site.name,
            self.site.pk,
        )

    @property
    def checklist_url(self) -> str:
        """The API address of the checklist this task starts."""
        query = {"site": self.site.pk, "kind": self.kind}
        if self.campaign is not None:
            query["campaign"] = self.campaign.pk
        return f"{reverse('inspection-checklist')}?{urlencode(query)}"

    def as_dict(self) -> dict:
        site = self.site
        return {
            "site": {
                "id": site.pk,
                "name": site.name,
                "address": site.address,
                "category": site.category.name,
                "risk_colour": site.risk_colour,
                "grid": site.grid.name,
                "community": site.grid.community.name,
            },
            "kind": self.kind,
            "campaign": {"id": self.campaign.pk, "name": self.campaign.name} if self.campaign else None,
            "due_on": self.due_on.isoformat(),
            "overdue_days": self.overdue_days,
            "last_inspected_on": self.last_inspected_on.isoformat() if self.last_inspected_on else None,
            "interval_days": self.interval_days,
            "hazards": [
                {
                    "id": hazard.pk,
                    "description": hazard.description,
                    "status": hazard.status,
                    "level": hazard.level,
                    "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
                }
                for hazard in self.hazards
            ],
            "checklist_url": self.checklist_url,
        }


def _routine_tasks(*, user: User, today: datetime.date) -> list[Task]:
    # No interval is shorter than the shortest colour's: a site checked more recently is never due.
    shortest = min(settings.INSPECTION_INTERVAL_DAYS.values())
    recent = day_start(today - datetime.timedelta(days=shortest - 1))
    sites = scheduled_sites(user=user).annotate(last_inspected_at=_last_routine())
    sites = sites.filter(Q(last_inspected_at__isnull=True) | Q(last_inspected_at__lt=recent))
    tasks = []
    for site in sites:
        last = local_date(site.last_inspected_at)
        due_on = next_due_on(site=site, last_inspected_on=last, today=today)
        if due_on <= today:
            interval = inspection_interval_days(site=site)
            tasks.append(
                Task(
                    site=site,
                    kind=Inspection.Kind.ROUTINE,
                    due_on=due_on,
                    today=today,
                    last_inspected_on=last,
                    interval_days=interval,
                )
            )
    return tasks


def _reinspection_tasks(*, user: User, today: datetime.date) -> list[Task]:
    """Sites whose hazards await re-inspection: rectified (due since the rectification), or notified
    with the deadline near or past (due on the deadline)."""
    near = today + datetime.timedelta(days=REINSPECTION_LEAD_DAYS)
    hazards = (
        Hazard.objects.filter(grid_scope_q(user=user, prefix="site__grid__"))
        .filter(Q(status=Hazard.Status.RECTIFIED) | Q(status=Hazard.Status.NOTIFIED, deadline__lte=near))
        .select_related("site__category", "site__grid__community")
        .order_by("site_id", "deadline", "pk")
    )
    by_site: dict[int, Task] = {}
    for hazard in hazards:
        if hazard.status == Hazard.Status.RECTIFIED:
            due_on = local_date(hazard.rectified_at) or today
        else:
            due_on = hazard.deadline
        task = by_site.get(hazard.site_id)
        if task is None:
            task = by_site[hazard.site_id] = Task(site=hazard.site, kind=Inspection.Kind.REINSPECTION, due_on=due_on, today=today)
        task.hazards.append(hazard)
        task.due_on = min(task.due_on, due_on)
    return list(by_site.values())


def _campaign_tasks(*, user: User, today: datetime.date) -> list[Task]:
    """Sites of the user's scope in a campaign running today, not yet inspected for it (due by its end)."""
    through = Campaign.sites.through
    done = Inspection.objects.filter(site=OuterRef("site_id"), campaign=OuterRef("campaign_id"))
    rows = (
        through.objects.filter(
            grid_scope_q(user=user, prefix="site__grid__"),
            site__status=Site.Status.OPERATING,
            campaign__is_active=True,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        )
        .exclude(Exists(done))
        .select_related("campaign", "site__category", "site__grid__community")
    )
    return [
        Task(site=row.site, kind=Inspection.Kind.CAMPAIGN, due_on=row.campaign.ends_on, today=today, campaign=row.campaign)
        for row in rows
    ]


def inspection_task_list(*, user: User, today: datetime.date | None = None) -> list[Task]:
    """My tasks: the user's sites due or overdue for a routine check, the sites with hazards awaiting
    re-inspection, and the sites of running campaigns not yet inspected for them; most urgent first
    (the earliest due date; on one day re-inspections first, then the higher colour). Four queries."""
    today = today or timezone.localdate()
    tasks = _routine_tasks(user=user, today=today) + _reinspection_tasks(user=user, today=today)
    tasks += _campaign_tasks(user=user, today=today)
    return sorted(tasks, key=lambda task: task.urgency)


# --- Coverage ---------------------------------------------------------------------------------------------

COVERAGE_GROUPS = ("grid", "community")
COVERAGE_STATUSES = ("due", "done", "overdue")


@dataclass
class SiteCoverage:
    """One site over a period: when it was due, whether it was checked, whether it is overdue."""

    site: Site
    due_on: datetime.date
    last_before: datetime.date | None
    done_on: datetime.date | None
    is_due: bool
    is_overdue: bool

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def has(self, status: str) -> bool:
        return {"due": self.is_due, "done": self.is_done, "overdue": self.is_overdue}[status]


@dataclass
class CoverageRow:
    id: int
    name: str
    sites: int = 0
    due: int = 0
    done: int = 0
    overdue: int = 0
    # Of the sites due, those checked in the period.
    due_done: int = 0

    @property
    def rate(self) -> float | None:
        """Of the sites due, the share checked in the period (in %)."""
        return round(100 * self.due_done / self.due, 1) if self.due else None


def coverage_sites(
    *,
    user: User,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    grid: int | None = None,
    community: int | None = None,
    street: int | None = None,
    status: str | None = None,
) -> list[SiteCoverage]:
    """Each operating site in scope over [start, end] (dates, inclusive), in one query:

    - due: its next routine check, counted from its last one before ``start`` (never checked:
      due from ``start``), falls on or before ``end``;
    - done: it had a routine check in the period (``done_on``, the last one);
    - overdue: due, not done, and its due date has passed (before ``end`` and before today).
    """
    today = today or timezone.localdate()
    period_start, period_end = day_start(start), day_start(end + datetime.timedelta(days=1))
    in_period = Inspection.objects.filter(
        site=OuterRef("pk"), kind=Inspection.Kind.ROUTINE, finished_at__gte=period_start, finished_at__lt=period_end
    )
    sites = scheduled_sites(user=user).annotate(
        last_before_at=_last_routine(before=period_start),
        done_at=Subquery(in_period.values("site").annotate(last=Max("finished_at")).values("last")[:1]),
    )
    if grid is not None:
        sites = sites.filter(grid_id=grid)
    if community is not None:
        sites = sites.filter(grid__community_id=community)
    if street is not None:
        sites = sites.filter(grid__community__street_id=street)
    horizon = min(end + datetime.timedelta(days=1), today)
    rows = []
    for site in sites.order_by("grid__community__code", "grid__code", "name", "pk"):
        last_before = local_date(site.last_before_at)
        due_on = next_due_on(site=site, last_inspected_on=last_before, today=start)
        done_on = local_date(site.done_at)
        is_due = due_on <= end
        row = SiteCoverage(
            site=site,
            due_on=due_on,
            last_before=last_before,
            done_on=done_on,
            is_due=is_due,
            is_overdue=is_due and done_on is None and due_on < horizon,
        )
        if status is None or row.has(status):
            rows.append(row)
    return rows


def inspection_coverage(
    *, user: User, start: datetime.date, end: datetime.date, by: str = "grid", today: datetime.date | None = None
) -> list[CoverageRow]:
    """Due, done and overdue sites per grid or community over [start, end] (coverage_sites, summed)."""
    groups: dict[int, CoverageRow] = {}
    for row in coverage_sites(user=user, start=start, end=end, today=today):
        group = row.site.grid if by == "grid" else row.site.grid.community
        summary = groups.get(group.pk)
        if summary is None:
            name = f"{group.community.name} {group.name}" if by == "grid" else group.name
            summary = groups[group.pk] = CoverageRow(id=group.pk, name=name)
        summary.sites += 1
        summary.due += row.is_due
        summary.done += row.is_done
        summary.overdue += row.is_overdue
        summary.due_done += row.is_due and row.is_done
    return list(groups.values())


def coverage_totals(*, rows: list[CoverageRow]) -> CoverageRow:
    total = CoverageRow(id=0, name="")
    for row in rows:
        total.sites += row.sites
        total.due += row.due
        total.done += row.done
        total.overdue += row.overdue
        total.due_done += row.due_done
    return total


# --- A site's schedule, for its file --------------------------------------------------------------------


@dataclass
class SiteSchedule:
    last_inspected_on: datetime.date | None
    next_due_on: datetime.date | None
    interval_days: int
    is_overdue: bool
    overdue_days: int


def site_schedule(*, site: Site, today: datetime.date | None = None) -> SiteSchedule:
    """When the site was last checked and is next due (one query)."""
    today = today or timezone.localdate()
    last_at = (
        Inspection.objects.filter(site=site, kind=Inspection.Kind.ROUTINE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    last = local_date(last_at)
    operating = site.status == Site.Status.OPERATING
    due_on = next_due_on(site=site, last_inspected_on=last, today=today) if operating else None
    overdue = due_on is not None and due_on < today
    return SiteSchedule(
        last_inspected_on=last,
        next_due_on=due_on,
        interval_days=inspection_interval_days(site=site),
        is_overdue=overdue,
        overdue_days=(today - due_on).days if overdue else 0,
    )
