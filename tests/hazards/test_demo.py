"""The demo street's history of hazards and grades (`manage.py seed_demo`, hazards.demo): every state
of the loop, a few major hazards, all four colours, each hazard citing a clause that applies to its
site, its steps in time order, the same rows on a fresh load, nothing added on a second run."""

import datetime
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import Notification, User
from alarms.models import Device
from enterprises import demo as registry_demo
from enterprises.models import RiskColour, Site
from files.models import Photo
from hazards import demo
from hazards.models import GradeChange, Hazard, HazardLog, NoticeCounter, RectificationNotice
from hazards.services.risk import grade_for, raised
from regulations.selectors import checklist_versions_for_site


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak the active language; these tests read their English."""
    with translation.override("en"):
        yield


def street_hazards():
    return Hazard.objects.filter(site__grid__community__street__code=registry_demo.STREET_CODE)


def street_sites():
    return Site.objects.filter(grid__community__street__code=registry_demo.STREET_CODE)


def hazard_digest() -> str:
    """A fingerprint of the history: each hazard's site, what was found, its level and status."""
    rows = street_hazards().values_list("site__name", "site__address", "description", "level", "status")
    return hashlib.sha256("\n".join(sorted("|".join(row) for row in rows)).encode()).hexdigest()


def counts() -> dict[str, int]:
    return {
        "hazards": street_hazards().count(),
        "steps": HazardLog.objects.count(),
        "notices": RectificationNotice.objects.count(),
        "grade_changes": GradeChange.objects.count(),
        "notifications": Notification.objects.count(),
        "photos": Photo.objects.count(),
    }


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo street with its history, loaded once by the command for this module.

    It is loaded inside a transaction that is rolled back when the module is done, so
    nothing is left for the other tests; each test runs in a savepoint of it.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        with transaction.atomic():
            out = StringIO()
            with translation.override("en"):
                call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def test_every_state_of_the_loop_is_there(history, db):
    statuses = set(street_hazards().values_list("status", flat=True))
    assert statuses == set(Hazard.Status.values)
    assert 100 <= street_hazards().count() <= 150
    kinds = set(HazardLog.objects.filter(hazard__in=street_hazards()).values_list("kind", flat=True))
    expected = {
        HazardLog.Kind.FOUND,
        HazardLog.Kind.NOTIFIED,
        HazardLog.Kind.RECTIFIED,
        HazardLog.Kind.REVIEW_PASSED,
        HazardLog.Kind.REVIEW_FAILED,
        HazardLog.Kind.CLOSED_ON_SPOT,
        HazardLog.Kind.CLOSED,
        HazardLog.Kind.OVERDUE,
        HazardLog.Kind.ESCALATED,
        HazardLog.Kind.PLAN_RECORDED,
        HazardLog.Kind.SUPERVISED,
        HazardLog.Kind.CLOSED_OUT,
    }
    assert expected <= kinds


def test_the_grid_worker_has_work_in_their_grids(history, db):
    worker = User.objects.get(username="gridworker")
    theirs = street_hazards().filter(site__grid__workers=worker)
    assert theirs.count() > street_hazards().count() / 3
    open_statuses = set(theirs.exclude(status=Hazard.Status.CLOSED).values_list("status", flat=True))
    # Hazards to be notified by the office, to record rectification of, and to review on site.
    assert {Hazard.Status.FOUND, Hazard.Status.NOTIFIED, Hazard.Status.RECTIFIED} <= open_statuses
    assert Notification.objects.filter(user=worker, kind="hazard_overdue").exists()


def test_overdue_hazards_are_escalated_and_raise_their_sites(history, db):
    today = timezone.localdate()
    overdue = street_hazards().filter(status=Hazard.Status.NOTIFIED, deadline__lt=today)
    assert overdue.count() >= 5
    for hazard in overdue.select_related("site"):
        assert hazard.overdue_at is not None
        # The first day past the deadline: the sweep ran then (or now, for yesterday's deadline).
        assert timezone.localdate(hazard.overdue_at) == hazard.deadline + datetime.timedelta(days=1)
        late = (today - hazard.deadline).days
        expected = Hazard.Escalation.STREET if late >= 7 else Hazard.Escalation.COMMUNITY
        assert hazard.escalation == expected
        # Raised a level above what its risk factors alone give it (red stays red).
        factors = [(factor.name, factor.score) for factor in hazard.site.risk_factors.filter(is_active=True)]
        base = grade_for(factors=factors, major=0, overdue=0, events=[]).colour
        assert hazard.site.risk_colour == raised(base, 1)
    assert {Hazard.Escalation.COMMUNITY, Hazard.Escalation.STREET} <= set(overdue.values_list("escalation", flat=True))


def test_a_few_major_hazards_with_plans_one_closed_out_the_others_keep_their_sites_red(history, db):
    majors = street_hazards().filter(level=Hazard.Level.MAJOR).select_related("site", "plan")
    assert 3 <= majors.count() <= 5
    assert all(major.plan is not None for major in majors)
    assert majors.exclude(supervised_at=None).count() >= 2
    closed = [major for major in majors if major.status == Hazard.Status.CLOSED]
    assert len(closed) == 1
    assert closed[0].signed_off_by.username == "staff"
    assert closed[0].log.filter(kind=HazardLog.Kind.CLOSED_OUT).exists()
    for major in majors:
        if major.is_open:
            assert major.site.risk_colour == RiskColour.RED
            assert any(reason["code"] == "major_hazards" for reason in GradeChange.objects.filter(site=major.site)[0].reasons)
    # The cited rule is a direct criterion of GB 35181 (major fire hazards).
    assert {major.clause.basis.code for major in majors} == {"GB 35181-2025"}


def test_grades_spread_over_all_four_colours(history, db):
    colours = {colour: street_sites().filter(risk_colour=colour).count() for colour in RiskColour.values}
    assert all(colours.values()), colours
    assert not street_sites().filter(risk_colour="").exists()
    # The command says the spread.
    for colour, label in RiskColour.choices:
        assert f"{label}: {colours[colour]}" in history


def test_every_hazard_cites_a_clause_of_its_basis_that_applies_to_its_site(history, db):
    for hazard in street_hazards().select_related("site", "clause__basis", "basis"):
        assert hazard.clause is not None and hazard.basis is not None
        assert hazard.clause.basis_id == hazard.basis_id
        cited = {version.clause_id for version in checklist_versions_for_site(site=hazard.site)}
        assert hazard.clause_id in cited, (hazard.site.name, hazard.description, hazard.citation)


def test_each_hazards_steps_are_in_time_order_and_in_the_past(history, db):
    now = timezone.now()
    start = now - datetime.timedelta(days=demo.HISTORY_DAYS + 1)
    for hazard in street_hazards().prefetch_related("log"):
        steps = sorted(hazard.log.all(), key=lambda step: step.pk)
        times = [step.at for step in steps]
        assert times == sorted(times), hazard.pk
        assert steps[0].kind == HazardLog.Kind.FOUND and steps[0].at == hazard.found_at
        assert start < hazard.found_at and times[-1] <= now
        if hazard.status == Hazard.Status.CLOSED:
            assert hazard.closed_at == times[-1]
    # Notices are numbered in the order they were issued.
    numbers = list(RectificationNotice.objects.order_by("issued_at", "pk").values_list("number", flat=True))
    assert numbers == sorted(numbers)


def test_steps_carry_their_evidence(history, db):
    rectifications = HazardLog.objects.filter(
        hazard__in=street_hazards(), kind__in=[HazardLog.Kind.RECTIFIED, HazardLog.Kind.CLOSED_ON_SPOT]
    )
    assert rectifications.exists()
    assert not rectifications.filter(photos=None).exists()
    photo = Photo.objects.filter(pk__in=rectifications.values("photos")).first()
    # A phone's photo: small, its capture time kept from its EXIF, where the site is.
    assert (photo.width, photo.height) == (320, 240)
    assert photo.taken_at is not None and photo.latitude is not None


def test_a_second_run_adds_nothing(history, db):
    before = counts()
    digest = hazard_digest()
    colours = list(street_sites().order_by("pk").values_list("risk_colour", flat=True))

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "already has its hazards" in out.getvalue()
    assert counts() == before
    assert hazard_digest() == digest
    assert list(street_sites().order_by("pk").values_list("risk_colour", flat=True)) == colours


def test_a_fresh_load_gives_the_same_history(history, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    digest = hazard_digest()
    colours = sorted(street_sites().values_list("name", "address", "risk_colour"))
    RectificationNotice.objects.all().delete()
    street_hazards().delete()
    NoticeCounter.objects.all().delete()
    Notification.objects.all().delete()
    # The street's smoke detectors (alarms.demo) hold on to their sites.
    Device.objects.filter(site__in=street_sites()).delete()
    street_sites().delete()

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert re.search(r"hazards: 1\d\d \(", out.getvalue())
    assert hazard_digest() == digest
    assert sorted(street_sites().values_list("name", "address", "risk_colour")) == colours
