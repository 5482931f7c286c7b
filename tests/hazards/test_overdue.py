"""A hazard past its deadline: marked overdue, escalated to the community and then to the street,
the people who answer for it told, the site's colour raised with the reason; with the clock moved
forward (time-machine), each sweep run twice, and once by a real Celery worker."""

import datetime
import time

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from accounts.models import Notification, User
from hazards import services
from hazards.models import GradeChange, Hazard, HazardLog
from hazards.reasons import reason_texts
from hazards.selectors import hazard_list
from hazards.services.risk import raised
from tests.factories import UserFactory
from tests.hazards.conftest import in_days, photo


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak the active language; these tests read their English."""
    with translation.override("en"):
        yield


ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, the platform's time zone


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment of a day as the street office lives it."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


@pytest.fixture
def neighbour_worker(neighbour_grid):
    """The grid worker of the other grid of the same community."""
    return UserFactory(username="neighbour", full_name="邻格", role=User.Role.GRID_WORKER, grids=[neighbour_grid])


@pytest.fixture
def everyone(grid_worker, colleague, neighbour_worker, outsider, staff, operator, admin_user, stranger):
    retired = UserFactory(username="retired", role=User.Role.STREET_STAFF, street=staff.street, is_active=False)
    return {
        "grid_worker": grid_worker,
        "colleague": colleague,
        "neighbour_worker": neighbour_worker,
        "outsider": outsider,
        "staff": staff,
        "operator": operator,
        "admin_user": admin_user,
        "stranger": stranger,
        "retired": retired,
    }


def told(everyone) -> dict[str, int]:
    """How many overdue notices each persona holds."""
    counts = {name: Notification.objects.filter(user=user, kind="hazard_overdue").count() for name, user in everyone.items()}
    return {name: count for name, count in counts.items() if count}


def kinds(hazard) -> list[str]:
    return list(hazard.log.values_list("kind", flat=True))


def colour(hazard) -> str:
    hazard.site.refresh_from_db()
    return hazard.site.risk_colour


def test_an_overdue_hazard_is_escalated_to_the_community_then_the_street_once_each(notified, everyone):
    hazard = notified
    deadline = hazard.deadline
    before = colour(hazard)
    assert told(everyone) == {}

    # On the deadline day itself the hazard is not late yet.
    with time_machine.travel(at(deadline, 23), tick=False):
        assert services.hazards_overdue_sweep() == 0
    hazard.refresh_from_db()
    assert hazard.escalation == Hazard.Escalation.NONE and hazard.overdue_at is None

    # The first day past it: overdue, escalated to the community, its grid workers told.
    with time_machine.travel(at(deadline + datetime.timedelta(days=1), 1), tick=False):
        assert services.hazards_overdue_sweep() == 1
        hazard.refresh_from_db()
        assert hazard.is_overdue
        assert hazard.escalation == Hazard.Escalation.COMMUNITY
        assert hazard.overdue_at == timezone.now()
        assert list(hazard_list(user=everyone["staff"]).filter(pk=hazard.pk).values_list("pk", flat=True)) == [hazard.pk]
        assert services.hazards_overdue_sweep() == 0  # run twice: nothing twice
    assert kinds(hazard)[-2:] == [HazardLog.Kind.OVERDUE, HazardLog.Kind.ESCALATED]
    assert all(entry.actor is None for entry in hazard.log.filter(kind__in=["overdue", "escalated"]))
    assert told(everyone) == {"grid_worker": 1, "colleague": 1, "neighbour_worker": 1}
    notice = Notification.objects.filter(user=everyone["grid_worker"]).get()
    assert notice.link == hazard.get_absolute_url() and hazard.site.name in notice.title

    # The site's colour went up a level, and the grade history says why.
    assert colour(hazard) == raised(before, settings.RISK_RULES["overdue_raises_levels"]) != before
    change = GradeChange.objects.filter(site=hazard.site).first()
    assert (change.from_colour, change.to_colour) == (before, colour(hazard))
    assert {"code": "overdue_hazards", "params": {"count": 1}} in change.reasons
    assert "1 hazard past its deadline" in reason_texts(change.reasons)
    changes = GradeChange.objects.count()

    # A few days on, still within the community's time: nothing new.
    with time_machine.travel(at(deadline + datetime.timedelta(days=settings.HAZARD_STREET_ESCALATION_DAYS - 1)), tick=False):
        assert services.hazards_overdue_sweep() == 0

    # HAZARD_STREET_ESCALATION_DAYS past the deadline: the street, its office staff told as well.
    with time_machine.travel(at(deadline + datetime.timedelta(days=settings.HAZARD_STREET_ESCALATION_DAYS)), tick=False):
        assert services.hazards_overdue_sweep() == 1
        assert services.hazards_overdue_sweep() == 0
    hazard.refresh_from_db()
    assert hazard.escalation == Hazard.Escalation.STREET
    assert kinds(hazard).count(HazardLog.Kind.OVERDUE) == 1
    assert kinds(hazard).count(HazardLog.Kind.ESCALATED) == 2
    assert told(everyone) == {"grid_worker": 2, "colleague": 2, "neighbour_worker": 2, "staff": 1}
    # The colour was raised once for being overdue, not again for the wider escalation.
    assert GradeChange.objects.count() == changes


def test_a_hazard_long_past_its_deadline_goes_to_the_street_at_once(notified, everyone):
    late = notified.deadline + datetime.timedelta(days=settings.HAZARD_STREET_ESCALATION_DAYS + 3)
    with time_machine.travel(at(late), tick=False):
        assert services.hazards_overdue_sweep() == 1
        assert services.hazards_overdue_sweep() == 0
    notified.refresh_from_db()
    assert notified.escalation == Hazard.Escalation.STREET
    assert kinds(notified)[-2:] == [HazardLog.Kind.OVERDUE, HazardLog.Kind.ESCALATED]
    assert told(everyone) == {"grid_worker": 1, "colleague": 1, "neighbour_worker": 1, "staff": 1}


def test_a_rectified_hazard_is_no_longer_overdue_and_a_new_notice_starts_again(notified, everyone, grid_worker, staff):
    hazard = notified
    before = colour(hazard)
    first_late_day = hazard.deadline + datetime.timedelta(days=1)
    with time_machine.travel(at(first_late_day), tick=False):
        services.hazards_overdue_sweep()
    assert colour(hazard) != before

    # Rectified late: no longer overdue, no longer listed so, the colour back down.
    with time_machine.travel(at(first_late_day + datetime.timedelta(days=1)), tick=False):
        services.hazard_rectify(hazard=hazard, acting_user=grid_worker, note="已增配", uploads=[photo()])
        hazard.refresh_from_db()
        assert not hazard.is_overdue
        assert not hazard_list(user=staff).filter(pk=hazard.pk).filter(status="notified", deadline__lt=timezone.localdate())
        assert colour(hazard) == before
        assert services.hazards_overdue_sweep() == 0

        # The review on site fails: a new notice, a new deadline, the escalation starts over.
        services.hazard_review(hazard=hazard, acting_user=staff, passed=False, comment="仍只有1具", new_deadline=in_days(3))
        new_deadline = in_days(3)
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.NOTIFIED and hazard.deadline == new_deadline
    assert hazard.escalation == Hazard.Escalation.NONE and hazard.overdue_at is None
    assert hazard.notices.count() == 2

    with time_machine.travel(at(new_deadline), tick=False):
        assert services.hazards_overdue_sweep() == 0
    with time_machine.travel(at(new_deadline + datetime.timedelta(days=1)), tick=False):
        assert services.hazards_overdue_sweep() == 1
        assert services.hazards_overdue_sweep() == 0
    hazard.refresh_from_db()
    assert hazard.escalation == Hazard.Escalation.COMMUNITY
    assert kinds(hazard).count(HazardLog.Kind.OVERDUE) == 2
    assert told(everyone) == {"grid_worker": 2, "colleague": 2, "neighbour_worker": 2}


def test_hazards_not_notified_are_never_overdue(found, hazard_in, everyone):
    major = hazard_in("major_found")
    closed = hazard_in("closed")
    with time_machine.travel(at(timezone.localdate() + datetime.timedelta(days=400)), tick=False):
        assert services.hazards_overdue_sweep() == 0
    for hazard in (found, major, closed):
        hazard.refresh_from_db()
        assert hazard.escalation == Hazard.Escalation.NONE and not hazard.is_overdue
    assert told(everyone) == {}


# --- In a real Celery worker --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_in_a_real_worker_escalates_once(site, grid_worker, colleague, staff, celery_worker):
    from hazards.tasks import hazards_overdue_sweep_task

    # The worker keeps the real clock: the notice was issued days ago, so its deadline has passed.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        hazard = services.hazard_raise(site=site, acting_user=grid_worker, description="疏散通道堆放杂物")
        services.hazard_notify(hazard=hazard, acting_user=staff, deadline=in_days(1))
    hazard.refresh_from_db()
    assert hazard.deadline < timezone.localdate() and hazard.escalation == Hazard.Escalation.NONE

    name = "hazards.tasks.hazards_overdue_sweep_task"
    before = celery_worker.processed().get(name, 0)
    hazards_overdue_sweep_task.delay()
    hazards_overdue_sweep_task.delay()
    deadline = time.monotonic() + 30
    while celery_worker.processed().get(name, 0) < before + 2:
        assert time.monotonic() < deadline, "the worker did not run both sweeps"
        time.sleep(0.2)

    hazard.refresh_from_db()
    assert hazard.escalation == Hazard.Escalation.COMMUNITY
    assert hazard.log.filter(kind=HazardLog.Kind.OVERDUE).count() == 1
    assert hazard.log.filter(kind=HazardLog.Kind.ESCALATED).count() == 1
    assert set(Notification.objects.filter(kind="hazard_overdue").values_list("user__username", flat=True)) == {
        "liudong",
        "colleague",
    }
    assert Notification.objects.filter(kind="hazard_overdue").count() == 2
    assert GradeChange.objects.filter(site=site, reasons__contains=[{"code": "overdue_hazards"}]).count() == 1
