"""The plan of the demo street's history: which hazard is found where, and every step of its loop at
its moment, as events to be run in time order (hazards.demo.seed_hazard_history runs them)."""

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from enterprises.demo import SEED, STREET_CODE
from enterprises.models import Site
from regulations.selectors import checklist_versions_for_site

from .. import services
from ..models import Hazard, SiteRiskFactor
from .findings import DEADLINE_DAYS, FINDINGS, MAJORS, NOT_APPLICABLE, OPEN_SCENARIOS, SCENARIOS, Finding, MajorCase
from .photos import demo_photo

HISTORY_DAYS = 120


@dataclass
class Story:
    """One hazard's life: where, what, who, and (once raised) the hazard itself."""

    site: Site
    version: object  # regulations.models.ChecklistItemVersion
    text: str
    done: str
    finding: Finding
    finder: User
    level: str = Hazard.Level.GENERAL
    hazard: Hazard | None = None
    photos: int = 0
    # The moment of its latest step: the next one comes after it.
    last: datetime.datetime | None = None


@dataclass(order=True)
class Event:
    at: datetime.datetime
    order: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class HistoryResult:
    graded: int = 0
    created: bool = False
    hazards: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    major: int = 0
    factors_removed: int = 0
    escalated: int = 0
    colours: dict[str, int] = field(default_factory=dict)
    skipped_reason: str = ""


class Planner:
    def __init__(self, *, today: datetime.date, staff: User, worker: User):
        self.today = today
        self.start = today - datetime.timedelta(days=HISTORY_DAYS)
        self.yesterday = today - datetime.timedelta(days=1)
        self.staff = staff
        self.worker = worker
        self.rng = random.Random(f"{SEED}:hazards")
        self.events: list[Event] = []
        self.deadlines: set[datetime.date] = set()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.removed = 0
        self.overdue = 0
        worker_grids = set(worker.grids.values_list("pk", flat=True))
        sites = list(
            Site.objects.filter(grid__community__street__code=STREET_CODE, status=Site.Status.OPERATING)
            .select_related("category", "grid")
            .order_by("grid__code", "name", "address", "credit_code", "pk")
        )
        self.sites = sites
        self.worker_sites = [site for site in sites if site.grid_id in worker_grids]
        self.other_sites = [site for site in sites if site.grid_id not in worker_grids]
        self.versions: dict[int, list] = {}
        self.used: set[tuple[int, str]] = set()

    # Moments ----------------------------------------------------------------------------------

    def day(self, offset: int) -> datetime.date:
        return self.start + datetime.timedelta(days=offset)

    def at(self, day: datetime.date, hour: int | None = None, minute: int | None = None) -> datetime.datetime:
        """A moment of ``day`` in office hours (or at the hour given), in the street's time zone."""
        hour = self.rng.randint(9, 16) if hour is None else hour
        minute = self.rng.randint(0, 59) if minute is None else minute
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)

    def later(self, moment: datetime.datetime, low: int, high: int) -> datetime.datetime:
        return moment + datetime.timedelta(minutes=self.rng.randint(low, high))

    def between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def add(self, moment: datetime.datetime, run: Callable[[], None], story: Story | None = None) -> None:
        if story is not None:
            # Two steps planned for one day at random hours still happen in their order.
            if story.last is not None and moment <= story.last:
                moment = self.later(story.last, 20, 90)
            story.last = moment
        self.events.append(Event(moment, len(self.events), run))

    # Who and what ------------------------------------------------------------------------------

    def applicable(self, site: Site) -> list:
        if site.pk not in self.versions:
            self.versions[site.pk] = [
                version
                for version in checklist_versions_for_site(site=site)
                if version.clause_id and version.item.code in FINDINGS and version.clause.basis_id == version.basis_id
            ]
        return self.versions[site.pk]

    def story(self, *, in_workers_grid: bool) -> Story:
        pool = self.worker_sites if in_workers_grid and self.worker_sites else self.other_sites
        for _attempt in range(50):
            site = self.rng.choice(pool)
            versions = [version for version in self.applicable(site) if (site.pk, version.item.code) not in self.used]
            if not versions:
                continue
            weights = [FINDINGS[version.item.code].weight for version in versions]
            version = self.rng.choices(versions, weights=weights)[0]
            self.used.add((site.pk, version.item.code))
            found = FINDINGS[version.item.code]
            text, done = self.rng.choice(found.cases)
            finder = self.worker if site in self.worker_sites else self.staff
            return Story(site=site, version=version, text=text, done=done, finding=found, finder=finder)
        raise RuntimeError("no demo site has a checklist item with a finding")

    def photo(self, story: Story, theme: str):
        story.photos += 1
        rng = random.Random(f"{SEED}:photo:{story.site.name}:{story.site.address}:{story.text}:{story.photos}")
        return demo_photo(theme=theme, rng=rng, site=story.site, name=f"IMG_{story.photos:04d}.jpg")

    def deadline_after(self, day: datetime.date, *, beyond: datetime.date | None = None) -> datetime.date:
        choices = [days for days in DEADLINE_DAYS if beyond is None or day + datetime.timedelta(days=days) > beyond]
        days = self.rng.choice(choices or [max(DEADLINE_DAYS)])
        deadline = day + datetime.timedelta(days=days)
        self.deadlines.add(deadline)
        return deadline

    # Steps, each at its moment ------------------------------------------------------------------------

    def raise_(self, story: Story, moment: datetime.datetime, *, photo: bool) -> None:
        def run():
            uploads = [self.photo(story, story.finding.before)] if photo else []
            story.hazard = services.hazard_raise(
                site=story.site,
                acting_user=story.finder,
                description=story.text,
                level=story.level,
                source=Hazard.Source.STAFF_REPORT,
                clause=story.version.clause,
                uploads=uploads,
            )

        self.add(moment, run, story)

    def notify(self, story: Story, moment: datetime.datetime, deadline: datetime.date, requirement: str = "") -> None:
        self.add(
            moment,
            lambda: services.hazard_notify(
                hazard=story.hazard,
                acting_user=self.staff,
                deadline=deadline,
                requirements=requirement or story.finding.requirement,
            ),
            story,
        )

    def rectify(self, story: Story, moment: datetime.datetime, note: str = "") -> None:
        actor = story.finder if story.level == Hazard.Level.GENERAL else self.staff
        self.add(
            moment,
            lambda: services.hazard_rectify(
                hazard=story.hazard,
                acting_user=actor,
                note=note or story.done,
                uploads=[self.photo(story, story.finding.after)],
            ),
            story,
        )

    def review(self, story: Story, moment: datetime.datetime, *, passed: bool, new_deadline=None, photo=False) -> None:
        actor = story.finder if passed and story.level == Hazard.Level.GENERAL else self.staff

        def run():
            uploads = [self.photo(story, story.finding.after)] if photo else []
            services.hazard_review(
                hazard=story.hazard,
                acting_user=actor,
                passed=passed,
                comment="复查合格" if passed else story.finding.still,
                uploads=uploads,
                new_deadline=new_deadline,
            )

        self.add(moment, run, story)

    def office_day(self, day: datetime.date, low: int = 0, high: int = 2) -> datetime.date:
        return min(day + datetime.timedelta(days=self.rng.randint(low, high)), self.yesterday)

    # Scenarios -----------------------------------------------------------------------------------------

    def general(self, kind: str, story: Story) -> None:
        today, yesterday = self.today, self.yesterday
        photo = self.rng.random() < 0.3
        if kind == "closed_on_spot":
            found = self.at(self.between(self.day(3), yesterday))
            self.raise_(story, found, photo=True)
            self.add(
                self.later(found, 10, 40),
                lambda: services.hazard_close_on_spot(
                    hazard=story.hazard,
                    acting_user=story.finder,
                    note=story.done,
                    uploads=[self.photo(story, story.finding.after)],
                ),
                story,
            )
            return
        if kind == "found":
            self.raise_(story, self.at(self.between(today - datetime.timedelta(days=7), yesterday)), photo=photo)
            return
        if kind == "closed":
            found_day = self.between(self.day(3), today - datetime.timedelta(days=12))
            self.raise_(story, self.at(found_day), photo=photo)
            notified = self.office_day(found_day)
            deadline = self.deadline_after(notified)
            self.notify(story, self.at(notified), deadline)
            last = min(deadline - datetime.timedelta(days=1), yesterday - datetime.timedelta(days=1))
            rectified = self.between(notified + datetime.timedelta(days=1), max(last, notified + datetime.timedelta(days=1)))
            self.rectify(story, self.at(rectified))
            reviewed = self.office_day(rectified, 1, 3)
            self.review(story, self.at(reviewed), passed=True, photo=self.rng.random() < 0.2)
            return
        if kind == "closed_after_failed_review":
            found_day = self.between(self.day(3), today - datetime.timedelta(days=60))
            self.raise_(story, self.at(found_day), photo=photo)
            notified = self.office_day(found_day)
            deadline = self.deadline_after(notified)
            self.notify(story, self.at(notified), deadline)
            rectified = deadline - datetime.timedelta(days=self.rng.randint(1, 3))
            self.rectify(story, self.at(rectified))
            failed = rectified + datetime.timedelta(days=self.rng.randint(1, 2))
            new_deadline = failed + datetime.timedelta(days=self.rng.choice((7, 10)))
            self.deadlines.add(new_deadline)
            self.review(story, self.at(failed), passed=False, new_deadline=new_deadline, photo=True)
            again = new_deadline - datetime.timedelta(days=self.rng.randint(1, 4))
            self.rectify(story, self.at(again))
            self.review(story, self.at(again + datetime.timedelta(days=self.rng.randint(1, 2))), passed=True, photo=True)
            return
        if kind == "closed_late":
            found_day = self.between(self.day(3), today - datetime.timedelta(days=50))
            self.raise_(story, self.at(found_day), photo=photo)
            notified = self.office_day(found_day)
            deadline = self.deadline_after(notified)
            self.notify(story, self.at(notified), deadline)
            # Past the deadline: the sweep escalates it first (community, then the street after a week).
            rectified = deadline + datetime.timedelta(days=self.rng.randint(3, 10))
            self.rectify(story, self.at(rectified))
            self.review(story, self.at(rectified + datetime.timedelta(days=self.rng.randint(1, 2))), passed=True)
            return
        if kind == "notified":
            found_day = self.between(today - datetime.timedelta(days=25), today - datetime.timedelta(days=2))
            self.raise_(story, self.at(found_day), photo=photo)
            notified = self.office_day(found_day, 0, 1)
            self.notify(story, self.at(notified), self.deadline_after(notified, beyond=today))
            return
        if kind == "rectified":
            found_day = self.between(today - datetime.timedelta(days=30), today - datetime.timedelta(days=5))
            self.raise_(story, self.at(found_day), photo=photo)
            notified = self.office_day(found_day, 0, 1)
            deadline = self.deadline_after(notified, beyond=yesterday)
            self.notify(story, self.at(notified), deadline)
            rectified = self.between(notified + datetime.timedelta(days=1), yesterday)
            self.rectify(story, self.at(rectified))
            return
        if kind == "overdue":
            # The deadline passed between yesterday and three weeks ago: the sweep finds it past
            # due on the next day, and yesterday's runs out today.
            self.overdue += 1
            deadline = yesterday if self.overdue == 1 else self.between(today - datetime.timedelta(days=21), yesterday)
            days = self.rng.choice([days for days in DEADLINE_DAYS if days <= 20])
            notified = deadline - datetime.timedelta(days=days)
            found_day = notified - datetime.timedelta(days=self.rng.randint(0, 2))
            self.raise_(story, self.at(found_day), photo=photo)
            self.deadlines.add(deadline)
            self.notify(story, self.at(notified), deadline)
            return
        raise ValueError(kind)

    def major(self, case: MajorCase) -> Story | None:
        pool = self.worker_sites if case.in_grid_workers_grid else self.other_sites
        candidates = [site for site in pool if site.category.code == case.category]
        # Sites whose name fits the finding first, in the order of the words.
        fitting = [site for word in case.names for site in candidates if word in site.name]
        for site in fitting + candidates:
            version = next((v for v in self.applicable_major(site) if v.item.code == case.item), None)
            if version is None:
                continue
            found = Finding(((case.finding, case.done),), case.requirement, "", "blocked", "corridor")
            story = Story(
                site=site,
                version=version,
                text=case.finding,
                done=case.done,
                finding=found,
                finder=self.staff,
                level=Hazard.Level.MAJOR,
            )
            self.plan_major(story, case)
            return story
        return None

    def applicable_major(self, site: Site) -> list:
        return [
            version for version in checklist_versions_for_site(site=site) if version.clause_id and version.severity == "major"
        ]

    def plan_major(self, story: Story, case: MajorCase) -> None:
        found_day = self.today - datetime.timedelta(days=case.found_days_ago)
        self.raise_(story, self.at(found_day, 10), photo=True)
        notified = found_day + datetime.timedelta(days=1)
        days = 30 if case.ends != "notified" else 45
        deadline = notified + datetime.timedelta(days=days)
        self.deadlines.add(deadline)
        self.notify(story, self.at(notified, 9), deadline, case.requirement)
        plan = {
            "goals": case.goals,
            "measures": case.measures,
            "funds": Decimal(case.funds),
            "responsible_people": case.people,
            "deadline": deadline,
            "safety_measures": case.safety,
        }
        self.add(
            self.at(notified, 15),
            lambda: services.hazard_plan_record(hazard=story.hazard, acting_user=self.staff, data=plan),
            story,
        )
        if case.found_days_ago > 7:
            self.add(
                self.at(notified + datetime.timedelta(days=2), 10),
                lambda: services.hazard_supervise(hazard=story.hazard, acting_user=self.staff, note="街道挂牌督办，限期整改"),
                story,
            )
        if case.ends == "notified":
            return
        rectified = notified + datetime.timedelta(days=days - 6)
        self.rectify(story, self.at(rectified, 11), case.done)
        if case.ends == "rectified":
            return
        self.review(story, self.at(rectified + datetime.timedelta(days=2), 10), passed=True, photo=True)
        if case.ends == "reviewed":
            return
        self.add(
            self.at(rectified + datetime.timedelta(days=5), 16),
            lambda: services.hazard_close_out(hazard=story.hazard, acting_user=self.staff, note="经复查合格，准予销案"),
            story,
        )

    def factor_review(self) -> None:
        """The office's first review of the grades: remove what the site's file rules out."""
        factors = (
            SiteRiskFactor.objects.filter(
                site__grid__community__street__code=STREET_CODE, is_active=True, template__code__in=NOT_APPLICABLE
            )
            .select_related("site", "template")
            .order_by("site__grid__code", "site__name", "site__address", "template__code")
        )
        for factor in factors:
            attribute, reason = NOT_APPLICABLE[factor.template.code]
            if getattr(factor.site, attribute):
                continue
            moment = self.at(self.between(self.day(1), self.day(21)))

            def run(factor=factor, reason=reason):
                services.site_risk_factor_remove(factor=factor, acting_user=self.staff, reason=reason)

            self.add(moment, run)
            self.removed += 1

    def sweeps(self) -> None:
        """The hourly sweep on each past day it found a hazard newly overdue or due for the street."""
        days = set()
        for deadline in self.deadlines:
            for later in (1, settings.HAZARD_STREET_ESCALATION_DAYS):
                day = deadline + datetime.timedelta(days=later)
                if self.start < day <= self.yesterday:
                    days.add(day)
        for day in sorted(days):
            moment = self.at(day, 0, 5)
            self.add(moment, lambda moment=moment: services.hazards_overdue_sweep(now=moment))

    def plan(self) -> list[Story]:
        stories = []
        self.factor_review()
        for case in MAJORS:
            story = self.major(case)
            if story is not None:
                stories.append(story)
        kinds = [kind for kind, count in SCENARIOS.items() for _ in range(count)]
        open_index = Counter()
        for kind in kinds:
            if kind in OPEN_SCENARIOS:
                # Every other open hazard lies in the grid worker's grids: work waiting for them.
                in_grid = open_index[kind] % 2 == 0
                open_index[kind] += 1
            else:
                in_grid = self.rng.random() < 0.35
            story = self.story(in_workers_grid=in_grid)
            self.general(kind, story)
            stories.append(story)
        self.sweeps()
        return stories
