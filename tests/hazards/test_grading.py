"""Graded risk control: a site's colour from its risk factors (LEC) and what is happening there,
every change recorded with its reasons and shown on the site's file; the factors changed by
the street office only; two reassessments at once never lose a reason or leave a stale colour."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from enterprises.models import RiskColour, Site
from hazards import services
from hazards.models import GradeChange, RiskEvent, SiteRiskFactor, SiteRiskFactorChange
from hazards.reasons import reason_texts
from hazards.services.risk import grade_for, raised, sites_reassess_many
from hazards.tasks import risk_events_expire_task
from regulations.lec import lec_score
from regulations.selectors import risk_factor_templates_for
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from tests.enterprises.test_concurrency import Worker, waiting_for_locks
from tests.factories import SiteFactory, category
from tests.hazards.conftest import in_days, photo


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak the active language; these tests read their English."""
    with translation.override("en"):
        yield


# The small shop's library factors (regulations.library): 3 x 6 x 7 = 126 is the highest, yellow.
SHOP_TOP = ("电气线路老化、私拉乱接", "126")


def colour_of(site) -> str:
    return Site.objects.get(pk=site.pk).risk_colour


def last_change(site) -> GradeChange:
    return GradeChange.objects.filter(site=site).first()


@pytest.fixture
def graded(site):
    """The shop graded as a new site is: its library factors, then its colour (yellow)."""
    with translation.override("en"):
        services.sites_grade_new()
    site.refresh_from_db()
    return site


# --- The first grading ---------------------------------------------------------------------------


def test_a_new_site_gets_its_categorys_factors_and_a_first_colour(site, neighbour_site):
    neighbour_site.category = category("XS02")  # a small restaurant: LPG leaks, 3 x 6 x 15 = 270
    neighbour_site.save(update_fields=["category"])
    assert colour_of(site) == ""

    with translation.override("en"):
        assert services.sites_grade_new() == 2

    templates = list(risk_factor_templates_for(category=site.category))
    factors = list(SiteRiskFactor.objects.filter(site=site).order_by("pk"))
    assert [(f.name, f.likelihood, f.exposure, f.consequence, f.template_id) for f in factors] == [
        (t.name, t.likelihood, t.exposure, t.consequence, t.pk) for t in templates
    ]
    assert all(change.action == "added" for factor in factors for change in factor.changes.all())
    assert colour_of(site) == "yellow" and colour_of(neighbour_site) == "orange"
    change = last_change(site)
    assert (change.from_colour, change.to_colour, change.trigger) == ("", "yellow", "First grading")
    assert reason_texts(change.reasons) == [f"Highest risk factor: {SHOP_TOP[0]}, D = {SHOP_TOP[1]} (Yellow: general risk)"]
    # Graded once: the next run finds nothing to do.
    assert services.sites_grade_new() == 0
    assert GradeChange.objects.count() == 2


def test_a_site_with_a_hazard_before_its_first_grading_still_gets_its_factors(site, grid_worker):
    """A hazard recorded in the minute between registering a site and its first grading."""
    services.hazard_raise(site=site, acting_user=grid_worker, description="灭火器过期")
    services.sites_grade_new()
    assert SiteRiskFactor.objects.filter(site=site).count() == len(risk_factor_templates_for(category=site.category))
    assert colour_of(site) == "yellow"


# --- The LEC bands at each boundary, through reassess_site ----------------------------------------


@pytest.fixture
def bare(graded):
    """The graded shop (yellow) whose library factors the office ruled out, not yet reassessed."""
    SiteRiskFactor.objects.filter(site=graded).update(is_active=False)
    return graded


@pytest.mark.parametrize(
    ("score", "expected"),
    [("69.9", "blue"), ("70", "yellow"), ("159.9", "yellow"), ("160", "orange"), ("319.9", "orange"), ("320", "red")],
)
def test_a_factor_scoring_a_band_boundary_gives_its_colour(bare, score, expected):
    # Off the LEC scale on purpose, so that the score lands exactly on the boundary: written directly.
    SiteRiskFactor.objects.create(site=bare, name="边界", likelihood=Decimal(score), exposure=Decimal(1), consequence=Decimal(1))
    change = services.reassess_site(site=bare, reason="test")
    assert colour_of(bare) == expected
    if expected == "yellow":
        assert change is None  # it was yellow already
    else:
        assert change.reasons == [{"code": "factor", "params": {"name": "边界", "score": score, "colour": expected}}]


def test_the_highest_factor_sets_the_colour_and_is_named(bare):
    for name, lec in (("低", ("1", "1", "1")), ("高", ("3", "6", "15")), ("中", ("3", "6", "7"))):
        SiteRiskFactor.objects.create(site=bare, name=name, likelihood=lec[0], exposure=lec[1], consequence=lec[2])
    change = services.reassess_site(site=bare, reason="test")
    assert change.to_colour == "orange"
    assert change.reasons[0]["params"] == {"name": "高", "score": "270", "colour": "orange"}


def test_grade_for_raises_in_order_and_a_major_hazard_makes_red():
    factor = [("f", lec_score(likelihood=3, exposure=6, consequence=7))]  # 126, yellow
    assert grade_for(factors=[], major=0, overdue=0, events=[]).colour == "blue"
    assert grade_for(factors=factor, major=0, overdue=1, events=[]).colour == "orange"
    assert grade_for(factors=factor, major=0, overdue=2, events=["real_fire", "real_fire"]).colour == "red"
    assert grade_for(factors=[], major=1, overdue=0, events=[]).colour == "red"
    assert grade_for(factors=factor, major=0, overdue=0, events=["real_fire", "repeated_false_alarms"]).reasons[-1] == {
        "code": "risk_events",
        "params": {"kinds": ["real_fire", "repeated_false_alarms"]},
    }


# --- What raises a colour and lowers it again -------------------------------------------------------


def test_a_major_hazard_makes_the_site_red_and_its_close_out_brings_it_back(graded, hazard_in, client_for, staff):
    with translation.override("en"):
        major = hazard_in("major_reviewed")
    assert colour_of(graded) == "red"
    opened = GradeChange.objects.filter(site=graded, to_colour="red").get()
    assert opened.from_colour == "yellow" and opened.trigger.startswith("Hazard found: 安全出口上锁")
    assert "1 open major hazard" in reason_texts(opened.reasons)

    with translation.override("en"):
        services.hazard_close_out(hazard=major, acting_user=staff, note="同意销号")
    assert colour_of(graded) == "yellow"
    closed = last_change(graded)
    assert (closed.from_colour, closed.to_colour, closed.trigger) == ("red", "yellow", "Major hazard closed out")
    assert reason_texts(closed.reasons) == [f"Highest risk factor: {SHOP_TOP[0]}, D = {SHOP_TOP[1]} (Yellow: general risk)"]

    # The site's file shows the history with both changes and their reasons.
    html = client_for(staff).get(graded.get_absolute_url()).content.decode()
    history = html[html.index('data-testid="grade-history"') :]
    assert history.index("Major hazard closed out") < history.index("Hazard found: 安全出口上锁") < history.index("First grading")
    for reason in (*reason_texts(opened.reasons), *reason_texts(closed.reasons)):
        assert escape(reason) in history


def test_an_overdue_hazard_raises_the_colour_one_level(graded, notified):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=False):
        change = services.reassess_site(site=graded, reason="nightly")
    assert change.to_colour == raised("yellow", settings.RISK_RULES["overdue_raises_levels"]) == "orange"
    assert {"code": "overdue_hazards", "params": {"count": 1}} in change.reasons


def test_a_real_fire_raises_the_colour_for_a_while_and_the_periodic_task_lowers_it(graded):
    with translation.override("en"):
        event = services.risk_event_record(site=graded, kind=RiskEvent.Kind.REAL_FIRE, note="厨房起火，已扑灭")
    assert colour_of(graded) == "orange"
    change = last_change(graded)
    assert change.trigger == "Real fire" and "Recent: Real fire" in reason_texts(change.reasons)
    assert abs(event.until - event.at - datetime.timedelta(days=settings.RISK_RULES["risk_event_days"])) < datetime.timedelta(
        seconds=1
    )

    with time_machine.travel(event.until - datetime.timedelta(minutes=1), tick=False):
        risk_events_expire_task()
    assert colour_of(graded) == "orange"

    with time_machine.travel(event.until + datetime.timedelta(minutes=5), tick=False):
        with translation.override("en"):
            risk_events_expire_task()
    assert colour_of(graded) == "yellow"
    assert last_change(graded).trigger == "A raising event ended"


def test_a_raised_colour_is_lowered_even_when_the_periodic_task_missed_a_few_runs(graded):
    """Workers restart and beat stops for a while: the task catches up with the events that ended meanwhile."""
    event = services.risk_event_record(site=graded, kind=RiskEvent.Kind.REPEATED_FALSE_ALARMS)
    assert colour_of(graded) == "orange"
    with time_machine.travel(event.until + datetime.timedelta(hours=3), tick=False):
        risk_events_expire_task()
    assert colour_of(graded) == "yellow"


def test_reassessing_twice_records_one_change(graded):
    assert services.reassess_site(site=graded, reason="again") is None
    assert GradeChange.objects.filter(site=graded).count() == 1


# --- Risk factors: the street office adds, adjusts and removes them --------------------------------

LEC_270 = {"likelihood": "3", "exposure": "6", "consequence": "15"}


def test_staff_add_adjust_and_remove_a_factor_with_reasons_and_history(graded, staff):
    with translation.override("en"):
        factor = services.site_risk_factor_add(
            site=graded,
            acting_user=staff,
            name="瓶装液化气",
            data={**LEC_270, "control_measures": "安装报警"},
            reason="现场发现液化气钢瓶",
        )
    assert colour_of(graded) == "orange" and factor.score == 270
    added = factor.changes.get()
    assert (added.action, added.actor, added.reason) == ("added", staff, "现场发现液化气钢瓶")
    assert added.changes == {"likelihood": "3", "exposure": "6", "consequence": "15"}
    assert last_change(graded).trigger == "Risk factor added: 瓶装液化气"

    with translation.override("en"):
        services.site_risk_factor_adjust(
            factor=factor, acting_user=staff, data={**LEC_270, "likelihood": "1"}, reason="已安装燃气报警切断装置"
        )
    adjusted = factor.changes.first()
    assert adjusted.action == "adjusted" and adjusted.changes == {"likelihood": ["3", "1"]}
    assert colour_of(graded) == "yellow"  # 1 x 6 x 15 = 90; the shop's own 126 is higher
    # The same values again change nothing and record nothing.
    services.site_risk_factor_adjust(factor=factor, acting_user=staff, data={**LEC_270, "likelihood": "1"}, reason="again")
    assert factor.changes.count() == 2

    top = SiteRiskFactor.objects.get(site=graded, name=SHOP_TOP[0])
    services.site_risk_factor_remove(factor=top, acting_user=staff, reason="已更换全部线路")
    top.refresh_from_db()
    assert not top.is_active and top.changes.first().action == "removed"
    assert colour_of(graded) == "yellow"  # 1 x 6 x 15 = 90 is now the highest
    assert last_change(graded) is not None


@pytest.mark.parametrize(
    ("data", "reason", "fields"),
    [
        ({**LEC_270, "likelihood": "4"}, "why", {"likelihood"}),
        ({"likelihood": "x", "exposure": "", "consequence": None}, "why", {"likelihood", "exposure", "consequence"}),
        ({**LEC_270, "consequence": "NaN"}, "why", {"consequence"}),
        (LEC_270, "  ", {"reason"}),
        (LEC_270, "\x00", {"reason"}),
    ],
)
def test_factor_values_must_be_on_the_scale_and_a_reason_given(graded, staff, data, reason, fields):
    factor = SiteRiskFactor.objects.filter(site=graded).first()
    for call in (
        lambda: services.site_risk_factor_add(site=graded, acting_user=staff, name="新因素", data=data, reason=reason),
        lambda: services.site_risk_factor_adjust(factor=factor, acting_user=staff, data=data, reason=reason),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert set(refused.value.field_errors) == fields
    assert SiteRiskFactorChange.objects.exclude(action="added", actor=None).count() == 0


@pytest.mark.parametrize(("persona", "refusal"), [("grid_worker", PermissionDeniedError), ("operator", PermissionDeniedError)])
def test_field_roles_may_not_change_factors(request, graded, persona, refusal):
    user = request.getfixturevalue(persona)
    factor = SiteRiskFactor.objects.filter(site=graded).first()
    with pytest.raises(refusal):
        services.site_risk_factor_add(site=graded, acting_user=user, name="x", data=LEC_270, reason="why")
    with pytest.raises(refusal):
        services.site_risk_factor_adjust(factor=factor, acting_user=user, data=LEC_270, reason="why")
    with pytest.raises(refusal):
        services.site_risk_factor_remove(factor=factor, acting_user=user, reason="why")


@pytest.mark.parametrize("persona", ["outsider", "stranger"])
def test_someone_who_cannot_see_the_site_is_told_it_does_not_exist(request, graded, persona):
    user = request.getfixturevalue(persona)
    factor = SiteRiskFactor.objects.filter(site=graded).first()
    with pytest.raises(NotFoundError):
        services.site_risk_factor_add(site=graded, acting_user=user, name="x", data=LEC_270, reason="why")
    with pytest.raises(NotFoundError):
        services.site_risk_factor_adjust(factor=factor, acting_user=user, data=LEC_270, reason="why")
    with pytest.raises(NotFoundError):
        services.site_risk_factor_remove(factor=factor, acting_user=user, reason="why")


# --- ... and through the forms on the site's file ---------------------------------------------------


def test_staff_change_factors_through_the_site_file(graded, client_for, staff):
    client = client_for(staff)
    file_url = graded.get_absolute_url()
    html = client.get(file_url).content.decode()
    assert f'action="{reverse("hazards:factor-add", args=[graded.pk])}"' in html

    response = client.post(
        reverse("hazards:factor-add", args=[graded.pk]),
        {"name": "瓶装液化气", **LEC_270, "control_measures": "安装报警", "reason": "现场发现液化气钢瓶"},
    )
    assert response.status_code == 302 and response["Location"] == f"{file_url}#risk"
    factor = SiteRiskFactor.objects.get(site=graded, name="瓶装液化气")
    html = client.get(file_url).content.decode()
    assert "Risk factor added." in html and "Risk factor added: 瓶装液化气" in html and colour_of(graded) == "orange"

    response = client.post(
        reverse("hazards:factor-change", args=[factor.pk, "adjust"]), {**LEC_270, "likelihood": "1", "reason": "已整改"}
    )
    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.likelihood == 1 and colour_of(graded) == "yellow"

    response = client.post(reverse("hazards:factor-change", args=[factor.pk, "remove"]), {"reason": "已拆除"})
    assert response.status_code == 302
    factor.refresh_from_db()
    assert not factor.is_active
    assert [change.action for change in factor.changes.all()] == ["removed", "adjusted", "added"]
    assert "瓶装液化气" not in client.get(file_url).content.decode().split('data-testid="grade-history"')[0].split('id="risk"')[1]


def test_a_value_off_the_scale_on_the_site_file_is_refused_with_the_reason(graded, client_for, staff):
    client = client_for(staff)
    file_url = graded.get_absolute_url()
    url = reverse("hazards:factor-add", args=[graded.pk])
    data = {"name": "瓶装液化气", **LEC_270, "likelihood": "4", "reason": "why"}

    # From the site's file: back to it, the reason on top.
    response = client.post(url, data, HTTP_REFERER=f"http://testserver{file_url}", follow=True)
    assert response.redirect_chain == [(f"http://testserver{file_url}", 302)]
    html = response.content.decode()
    assert "The risk factor was not saved. L: Choose one of 10、6、3、1、0.5、0.2、0.1." in html
    assert not SiteRiskFactor.objects.filter(name="瓶装液化气").exists()

    # Without a page to go back to: a page that says why.
    response = client.post(url, {**data, "likelihood": "3", "reason": ""})
    assert response.status_code == 400 and "Say why." in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("grid_worker", 403), ("operator", 403), ("outsider", 404), ("stranger", 404)])
def test_who_may_not_change_factors_through_the_pages(request, graded, client_for, persona, status):
    client = client_for(request.getfixturevalue(persona))
    factor = SiteRiskFactor.objects.filter(site=graded).first()
    if status == 403:
        assert 'action="/hazards/sites/' not in client.get(graded.get_absolute_url()).content.decode()
    for url, data in (
        (reverse("hazards:factor-add", args=[graded.pk]), {"name": "x", **LEC_270, "reason": "why"}),
        (reverse("hazards:factor-change", args=[factor.pk, "adjust"]), {**LEC_270, "reason": "why"}),
        (reverse("hazards:factor-change", args=[factor.pk, "remove"]), {"reason": "why"}),
    ):
        assert client.post(url, data).status_code == status, url
    assert SiteRiskFactorChange.objects.exclude(actor=None).count() == 0
    assert SiteRiskFactor.objects.filter(site=graded, is_active=True).count() == 3


def test_an_unknown_factor_action_is_404(graded, client_for, staff):
    factor = SiteRiskFactor.objects.filter(site=graded).first()
    response = client_for(staff).post(reverse("hazards:factor-change", args=[factor.pk, "explode"]), {**LEC_270, "reason": "x"})
    assert response.status_code == 404
    assert not factor.changes.exclude(action="added").exists()


def test_nul_bytes_in_a_factor_never_reach_the_database(graded, client_for, staff):
    response = client_for(staff).post(
        reverse("hazards:factor-add", args=[graded.pk]),
        {"name": "液化\x00气", **LEC_270, "control_measures": "报\x00警", "reason": "现场\x00发现"},
    )
    assert response.status_code in (302, 400)
    for factor in SiteRiskFactor.objects.filter(site=graded):
        assert "\x00" not in factor.name + factor.control_measures


# --- Many sites at once ---------------------------------------------------------------------------


def _street_of_sites(grid, neighbour_grid, count: int) -> list[Site]:
    codes = ["XS01", "XS02", "ZZ01", "RM04", "XS09", "GG03"]
    return [SiteFactory(grid=(grid, neighbour_grid)[n % 2], category=category(codes[n % len(codes)])) for n in range(count)]


def _conditions(sites, staff):
    """Some sites with open hazards, overdue ones, a major one, a real fire."""
    services.hazard_raise(site=sites[0], acting_user=staff, description="安全出口锁闭", level="major")
    overdue = services.hazard_raise(site=sites[1], acting_user=staff, description="灭火器失效")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        services.hazard_notify(hazard=overdue, acting_user=staff, deadline=in_days(2))
    services.risk_event_record(site=sites[2], kind=RiskEvent.Kind.REAL_FIRE)
    services.hazard_raise(site=sites[3], acting_user=staff, description="插排串接")


def test_reassessing_many_sites_gives_what_reassessing_each_gives_in_a_few_queries(grid, neighbour_grid, staff):
    sites = _street_of_sites(grid, neighbour_grid, 24)
    services.site_risk_factors_assign(site_ids=[site.pk for site in sites])
    _conditions(sites, staff)
    ids = [site.pk for site in sites]

    def reset():
        Site.objects.filter(pk__in=ids).update(risk_colour="")
        GradeChange.objects.all().delete()

    def results():
        return {
            site_id: (colour, reasons)
            for site_id, colour, reasons in GradeChange.objects.filter(site_id__in=ids).values_list(
                "site_id", "to_colour", "reasons"
            )
        }, dict(Site.objects.filter(pk__in=ids).values_list("pk", "risk_colour"))

    reset()
    for site in sites:
        services.reassess_site(site=site, reason="one by one")
    one_by_one = results()

    reset()
    assert sites_reassess_many(site_ids=ids, reason="all at once") == 24
    assert results() == one_by_one
    colours = one_by_one[1]
    assert colours[sites[0].pk] == "red" and colours[sites[1].pk] != "" and len(set(colours.values())) >= 3

    def queries(site_ids) -> int:
        Site.objects.filter(pk__in=site_ids).update(risk_colour="")
        with CaptureQueriesContext(connection) as captured:
            sites_reassess_many(site_ids=site_ids, reason="count")
        return len(captured)

    # A savepoint, the locked sites, their factors, hazards and events, the changes, one update per
    # colour, the release: the same for 12 sites as for 24.
    assert queries(ids[:12]) == queries(ids) <= 7 + len(RiskColour.values)


# --- Two reassessments at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reassessments_at_once_lose_no_reason_and_leave_no_stale_colour(site, staff):
    services.sites_grade_new()
    assert colour_of(site) == "yellow"
    raised_by_a, release = threading.Event(), threading.Event()

    def a():
        # A real fire, held in an open transaction: yellow -> orange, not yet committed.
        with transaction.atomic():
            services.risk_event_record(site=site, kind=RiskEvent.Kind.REAL_FIRE)
            raised_by_a.set()
            release.wait(10)

    def b():
        # Meanwhile staff record a factor that alone would make the site orange.
        raised_by_a.wait(10)
        services.site_risk_factor_add(site=site, acting_user=staff, name="瓶装液化气", data=LEC_270, reason="现场发现")

    one, two = Worker(a), Worker(b)
    one.start()
    two.start()
    waiting_for_locks(1)  # B waits for the site's grade row
    release.set()
    one.join(10)
    two.join(10)
    assert one.error is None and two.error is None, (one.error, two.error)

    # Orange from the factor, raised a level by the fire: both counted.
    assert colour_of(site) == "red"
    history = list(GradeChange.objects.filter(site=site).order_by("at", "pk").values_list("from_colour", "to_colour"))
    assert history == [("", "yellow"), ("yellow", "orange"), ("orange", "red")]
    reasons = last_change(site).reasons
    assert {"code": "factor", "params": {"name": "瓶装液化气", "score": "270", "colour": "orange"}} in reasons
    assert {"code": "risk_events", "params": {"kinds": ["real_fire"]}} in reasons


@pytest.mark.django_db(transaction=True)
def test_a_major_hazard_opened_while_another_reassessment_waits_keeps_the_site_red(site, staff, grid_worker):
    services.sites_grade_new()
    opened, release = threading.Event(), threading.Event()

    def a():
        with transaction.atomic():
            services.hazard_raise(site=site, acting_user=staff, description="安全出口锁闭", level="major")
            opened.set()
            release.wait(10)

    def b():
        # A fire that alone would make the yellow site orange; computed without A's hazard it would overwrite red.
        opened.wait(10)
        services.risk_event_record(site=site, kind=RiskEvent.Kind.REAL_FIRE)

    one, two = Worker(a), Worker(b)
    one.start()
    two.start()
    waiting_for_locks(1)
    release.set()
    one.join(10)
    two.join(10)
    assert one.error is None and two.error is None, (one.error, two.error)
    assert colour_of(site) == "red"

    # When the major hazard is closed out, the fire still counts: orange, with both reasons' traces.
    major = site.hazards.get(level="major")
    services.hazard_plan_record(
        hazard=major,
        acting_user=staff,
        data={
            "goals": "g",
            "measures": "m",
            "funds": Decimal(0),
            "responsible_people": "p",
            "deadline": in_days(5),
            "safety_measures": "s",
        },
    )
    services.hazard_notify(hazard=major, acting_user=staff, deadline=in_days(5))
    services.hazard_rectify(hazard=major, acting_user=grid_worker, note="已整改", uploads=[photo()])
    services.hazard_review(hazard=major, acting_user=staff, passed=True)
    services.hazard_close_out(hazard=major, acting_user=staff)
    assert colour_of(site) == "orange"
    assert {"code": "risk_events", "params": {"kinds": ["real_fire"]}} in last_change(site).reasons
