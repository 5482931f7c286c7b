"""The closed loop through the services: every step legal and illegal, for every role."""

import pytest

from hazards import services
from hazards.models import Hazard, HazardLog, RectificationNotice
from riskplatform.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from tests.hazards.conftest import in_days, photo


def kinds(hazard) -> list[str]:
    return list(hazard.log.values_list("kind", flat=True))


def test_found_notified_rectified_reviewed_closed(found, staff, grid_worker, two_per_unit):
    assert found.status == Hazard.Status.FOUND and found.found_by == grid_worker
    assert found.clause == two_per_unit and found.basis == two_per_unit.basis
    assert found.citation == "GB 50140-2005 §6.1.1"
    assert found.photos.count() == 1

    notice = services.hazard_notify(hazard=found, acting_user=staff, deadline=in_days(10), requirements="增配灭火器")
    found.refresh_from_db()
    assert found.status == Hazard.Status.NOTIFIED and found.deadline == in_days(10)
    assert notice.number.startswith("望江路街道安整〔") and notice.number.endswith("第0001号")
    assert notice.citation == "GB 50140-2005 §6.1.1" and notice.citation_text == two_per_unit.text

    services.hazard_rectify(hazard=found, acting_user=grid_worker, note="已增配", uploads=[photo()])
    services.hazard_review(hazard=found, acting_user=grid_worker, passed=True, comment="现场核实2具")
    found.refresh_from_db()
    assert found.status == Hazard.Status.CLOSED and found.closed_at is not None
    assert kinds(found) == ["found", "notified", "rectified", "review_passed", "closed"]
    assert list(found.log.values_list("actor__username", flat=True)) == ["liudong", "renshen", "liudong", "liudong", "liudong"]


def test_notice_numbers_count_up_per_street_and_year(found, staff, site, grid_worker):
    other = services.hazard_raise(site=site, acting_user=grid_worker, description="疏散指示标志损坏")
    first = services.hazard_notify(hazard=found, acting_user=staff, deadline=in_days(5))
    second = services.hazard_notify(hazard=other, acting_user=staff, deadline=in_days(5))
    assert (first.number[-6:], second.number[-6:]) == ("第0001号", "第0002号")


def test_a_failed_review_issues_a_new_notice_with_a_new_deadline(rectified, staff):
    services.hazard_review(hazard=rectified, acting_user=staff, passed=False, comment="仍只有1具", new_deadline=in_days(3))
    rectified.refresh_from_db()
    assert rectified.status == Hazard.Status.NOTIFIED and rectified.deadline == in_days(3)
    assert RectificationNotice.objects.filter(hazard=rectified).count() == 2
    assert kinds(rectified)[-2:] == ["review_failed", "notified"]


def test_a_grid_worker_cannot_fail_a_review_since_that_issues_a_notice(rectified, grid_worker):
    with pytest.raises(PermissionDeniedError):
        services.hazard_review(hazard=rectified, acting_user=grid_worker, passed=False, comment="不合格", new_deadline=in_days(3))
    rectified.refresh_from_db()
    assert rectified.status == Hazard.Status.RECTIFIED


def test_a_general_hazard_fixed_on_the_spot_is_closed_at_once_with_evidence(found, grid_worker):
    with pytest.raises(ApplicationError) as missing:
        services.hazard_close_on_spot(hazard=found, acting_user=grid_worker, note="当场增配")
    assert "photos" in missing.value.field_errors
    services.hazard_close_on_spot(hazard=found, acting_user=grid_worker, note="当场增配", uploads=[photo()])
    found.refresh_from_db()
    assert found.status == Hazard.Status.CLOSED and kinds(found)[-1] == "closed_on_spot"


def test_rectification_needs_a_note_and_a_photo(notified, grid_worker):
    with pytest.raises(ApplicationError) as refused:
        services.hazard_rectify(hazard=notified, acting_user=grid_worker, note="", uploads=[])
    assert "note" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.hazard_rectify(hazard=notified, acting_user=grid_worker, note="已整改", uploads=[])
    assert "photos" in refused.value.field_errors


def test_a_photo_that_is_no_picture_is_refused_and_nothing_is_recorded(notified, grid_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ApplicationError) as refused:
        services.hazard_rectify(
            hazard=notified, acting_user=grid_worker, note="已整改", uploads=[SimpleUploadedFile("a.jpg", b"text")]
        )
    assert "photos" in refused.value.field_errors
    notified.refresh_from_db()
    assert notified.status == Hazard.Status.NOTIFIED


@pytest.mark.parametrize(
    ("step", "call"),
    [
        ("rectify", lambda h, u: services.hazard_rectify(hazard=h, acting_user=u, note="x", uploads=[photo()])),
        ("review", lambda h, u: services.hazard_review(hazard=h, acting_user=u, passed=True)),
        ("close_out", lambda h, u: services.hazard_close_out(hazard=h, acting_user=u)),
    ],
)
def test_illegal_moves_are_refused_with_a_conflict(found, staff, step, call):
    with pytest.raises(ConflictError):
        call(found, staff)
    found.refresh_from_db()
    assert found.status == Hazard.Status.FOUND and kinds(found) == ["found"]


def test_a_closed_hazard_takes_no_further_step(rectified, grid_worker, staff):
    services.hazard_review(hazard=rectified, acting_user=grid_worker, passed=True)
    for call in (
        lambda: services.hazard_notify(hazard=rectified, acting_user=staff, deadline=in_days(3)),
        lambda: services.hazard_review(hazard=rectified, acting_user=staff, passed=True),
        lambda: services.hazard_close_on_spot(hazard=rectified, acting_user=staff, note="x", uploads=[photo()]),
    ):
        with pytest.raises(ConflictError):
            call()


ROLES = {
    # step: personas that may, personas that may not (outsider: 404, not even a hint)
    "notify": ({"staff", "admin_user"}, {"grid_worker", "operator"}),
    "raise": ({"grid_worker", "staff", "admin_user"}, {"operator"}),
}


@pytest.mark.parametrize("persona", ["grid_worker", "staff", "admin_user", "operator"])
def test_who_may_issue_a_notice(request, found, persona):
    user = request.getfixturevalue(persona)
    allowed, refused = ROLES["notify"]
    if persona in allowed:
        services.hazard_notify(hazard=found, acting_user=user, deadline=in_days(3))
        found.refresh_from_db()
        assert found.status == Hazard.Status.NOTIFIED
    else:
        with pytest.raises(PermissionDeniedError):
            services.hazard_notify(hazard=found, acting_user=user, deadline=in_days(3))


@pytest.mark.parametrize("persona", ["grid_worker", "staff", "admin_user", "operator"])
def test_who_may_record_a_hazard(request, site, persona):
    user = request.getfixturevalue(persona)
    allowed, refused = ROLES["raise"]
    if persona in allowed:
        assert services.hazard_raise(site=site, acting_user=user, description="消防通道堵塞").pk
    else:
        with pytest.raises(PermissionDeniedError):
            services.hazard_raise(site=site, acting_user=user, description="消防通道堵塞")


def test_an_outsider_cannot_reach_a_hazard_of_another_grid(found, outsider):
    with pytest.raises(NotFoundError):
        services.hazard_rectify(hazard=found, acting_user=outsider, note="x", uploads=[photo()])


def test_a_deadline_in_the_past_or_too_far_is_refused(found, staff, settings):
    for deadline in (in_days(-1), in_days(settings.HAZARD_MAX_DEADLINE_DAYS + 1)):
        with pytest.raises(ApplicationError) as refused:
            services.hazard_notify(hazard=found, acting_user=staff, deadline=deadline)
        assert "deadline" in refused.value.field_errors
    found.refresh_from_db()
    assert found.status == Hazard.Status.FOUND


# --- Major hazards -------------------------------------------------------------------------------

PLAN = {
    "goals": "恢复安全出口畅通",
    "measures": "拆除门锁，安装推闩",
    "funds": 3000,
    "responsible_people": "张三（法定代表人）",
    "safety_measures": "整改期间安排专人值守，停止营业",
}


def test_a_major_hazard_needs_a_plan_and_is_closed_out_by_the_office(major, staff, grid_worker):
    from decimal import Decimal

    services.hazard_supervise(hazard=major, acting_user=staff, note="街道挂牌督办")
    services.hazard_notify(hazard=major, acting_user=staff, deadline=in_days(20))
    services.hazard_rectify(hazard=major, acting_user=grid_worker, note="已拆除门锁", uploads=[photo()])
    with pytest.raises(PermissionDeniedError):
        services.hazard_review(hazard=major, acting_user=grid_worker, passed=True)
    services.hazard_review(hazard=major, acting_user=staff, passed=True, comment="三人现场复查合格")
    major.refresh_from_db()
    assert major.status == Hazard.Status.REVIEWED
    with pytest.raises(ConflictError):
        services.hazard_close_out(hazard=major, acting_user=staff)
    plan = services.hazard_plan_record(
        hazard=major, acting_user=staff, data={**PLAN, "funds": Decimal("3000"), "deadline": in_days(20)}
    )
    assert plan.funds == Decimal("3000")
    services.hazard_close_out(hazard=major, acting_user=staff, note="同意销号")
    major.refresh_from_db()
    assert major.status == Hazard.Status.CLOSED and major.signed_off_by == staff and major.supervised_at
    assert kinds(major)[-1] == HazardLog.Kind.CLOSED_OUT


def test_plan_supervision_and_close_out_are_for_major_hazards_only(found, staff):
    with pytest.raises(ConflictError):
        services.hazard_supervise(hazard=found, acting_user=staff)
    with pytest.raises(ConflictError):
        services.hazard_plan_record(hazard=found, acting_user=staff, data={**PLAN, "deadline": in_days(5)})


def test_a_plan_with_missing_parts_names_them(major, staff):
    with pytest.raises(ApplicationError) as refused:
        services.hazard_plan_record(hazard=major, acting_user=staff, data={"goals": "x", "funds": -1, "deadline": in_days(-2)})
    assert {"measures", "responsible_people", "safety_measures", "funds", "deadline"} <= set(refused.value.field_errors)


# --- What the system raises and closes ------------------------------------------------------------


def test_the_system_raises_device_health_hazards_once_per_key_and_closes_them(site):
    first = services.hazard_raise(
        site=site, acting_user=None, description="烟感电量低", source="device_health", source_key="device:7:low_battery"
    )
    again = services.hazard_raise(
        site=site, acting_user=None, description="烟感电量低", source="device_health", source_key="device:7:low_battery"
    )
    assert again.pk == first.pk and Hazard.objects.count() == 1
    closed = services.hazard_close_by_source(site=site, source_key="device:7:low_battery", note="电池已更换")
    assert closed.pk == first.pk and Hazard.objects.get().status == Hazard.Status.CLOSED
    assert services.hazard_close_by_source(site=site, source_key="device:7:low_battery", note="again") is None
    # Once closed, the same fault may open a new hazard.
    assert (
        services.hazard_raise(
            site=site, acting_user=None, description="烟感电量低", source="device_health", source_key="device:7:low_battery"
        ).pk
        != first.pk
    )


def test_nobody_but_the_system_raises_without_a_person(site):
    with pytest.raises(PermissionDeniedError):
        services.hazard_raise(site=site, acting_user=None, description="x", source="staff_report")
