"""Two writers of hazards at once, each on its own database connection: the first grading and a
hazard on a new site, two overdue sweeps (two workers), two notices of one street."""

import datetime
import threading

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from enterprises.models import Site
from hazards import services
from hazards.models import GradeChange, Hazard, HazardLog, SiteRiskFactor
from regulations.selectors import risk_factor_templates_for
from tests.enterprises.test_concurrency import Worker, waiting_for_locks
from tests.hazards.conftest import in_days

pytestmark = pytest.mark.django_db(transaction=True)


def run_held(first, second, *, waiting: int = 1):
    """Run ``first`` in a transaction held open until ``second`` waits for a lock, then let both finish."""
    done, release = threading.Event(), threading.Event()

    def held():
        with transaction.atomic():
            result = first()
            done.set()
            release.wait(10)
        return result

    def then():
        done.wait(10)
        return second()

    one, two = Worker(held), Worker(then)
    one.start()
    two.start()
    waiting_for_locks(waiting)
    release.set()
    one.join(15)
    two.join(15)
    assert one.error is None and two.error is None, (one.error, two.error)
    return one.result, two.result


def test_a_hazard_on_a_new_site_while_the_first_grading_runs_adds_its_factors_once(site, grid_worker):
    run_held(
        lambda: services.sites_grade_new(), lambda: services.hazard_raise(site=site, acting_user=grid_worker, description="x")
    )
    assert SiteRiskFactor.objects.filter(site=site).count() == len(risk_factor_templates_for(category=site.category))
    assert Site.objects.get(pk=site.pk).risk_colour == "yellow"


def test_the_first_grading_while_a_hazard_on_a_new_site_is_recorded_adds_its_factors_once(site, grid_worker):
    graded, _ = run_held(
        lambda: services.hazard_raise(site=site, acting_user=grid_worker, description="x"), lambda: services.sites_grade_new()
    )
    assert SiteRiskFactor.objects.filter(site=site).count() == len(risk_factor_templates_for(category=site.category))
    assert GradeChange.objects.filter(site=site).count() == 1


def test_two_overdue_sweeps_at_once_escalate_once(notified):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9)):
        first, second = run_held(services.hazards_overdue_sweep, services.hazards_overdue_sweep)
    assert sorted([first, second]) == [0, 1]
    assert HazardLog.objects.filter(hazard=notified, kind__in=["overdue", "escalated"]).count() == 2
    assert Hazard.objects.get(pk=notified.pk).escalation == Hazard.Escalation.COMMUNITY


def test_two_notices_at_once_get_two_numbers(found, site, grid_worker, staff):
    other = services.hazard_raise(site=site, acting_user=grid_worker, description="疏散指示标志损坏")
    first, second = run_held(
        lambda: services.hazard_notify(hazard=found, acting_user=staff, deadline=in_days(5)),
        lambda: services.hazard_notify(hazard=other, acting_user=staff, deadline=in_days(5)),
    )
    assert (first.number[-6:], second.number[-6:]) == ("第0001号", "第0002号")
