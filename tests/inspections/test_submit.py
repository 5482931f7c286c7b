"""Storing an inspection sent whole: the system judges every answer, failed items raise hazards citing
their clause, a resend stores nothing new, and bad input is refused by its path with nothing stored."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import Notification
from hazards.models import Hazard, HazardLog
from inspections.models import Inspection, InspectionItem
from inspections.selectors import checklist_for_site
from inspections.services import inspection_submit
from riskplatform.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from tests.factories import SiteFactory, category
from tests.inspections.conftest import answer, answers_for, body, version_of


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def checklist_versions(site, user):
    return checklist_for_site(site=site, user=user).versions


def submit(user, data) -> Inspection:
    return inspection_submit(acting_user=user, data=data)


def stored_rows() -> tuple[int, int, int, int]:
    return (Inspection.objects.count(), InspectionItem.objects.count(), Hazard.objects.count(), HazardLog.objects.count())


def test_a_routine_inspection_that_passes_everything_is_stored_with_its_verdicts(site, grid_worker):
    versions = checklist_versions(site, grid_worker)
    data = body(site, answers_for(versions))
    inspection = submit(grid_worker, data)
    assert inspection.created_now is True
    inspection.refresh_from_db()
    assert str(inspection.pk) == data["id"] and inspection.inspector == grid_worker and inspection.kind == "routine"
    assert (inspection.passed_count, inspection.failed_count, inspection.not_applicable_count) == (len(versions), 0, 0)
    assert inspection.hazards_raised_count == 0 and not Hazard.objects.exists()
    assert inspection.latitude == Decimal("30.653400") and inspection.accuracy_m == Decimal("12.5")
    assert inspection.received_at >= inspection.finished_at
    items = list(inspection.items.select_related("version__item").order_by("position"))
    assert [item.version for item in items] == versions
    assert [str(item.pk) for item in items] == [item["id"] for item in data["items"]]
    extinguishers = next(item for item in items if item.version.item.code == "EXT-01")
    assert extinguishers.answer_number == 2 and extinguishers.verdict == "pass"
    # The record is in the office's language, whatever the inspector's phone speaks.
    assert extinguishers.verdict_reason == "2 ≥ 要求的 2 具（GB 50140-2005 §6.1.1）"


def test_every_numeric_rule_is_judged_at_its_boundary(site, restaurant, courtyard, grid_worker):
    """At the threshold a minimum and a maximum both pass; a step beyond fails (GB 50140-2005 and the rest)."""
    judged = 0
    for a_site in (site, restaurant, courtyard):
        versions = [version for version in checklist_versions(a_site, grid_worker) if version.is_numeric]
        others = [version for version in checklist_versions(a_site, grid_worker) if not version.is_numeric]
        for passes in (True, False):
            items = answers_for(others) + [
                {"id": str(uuid.uuid4()), "version": version.pk, "answer": answer(version, passes=passes)} for version in versions
            ]
            inspection = submit(grid_worker, body(a_site, items))
            verdicts = dict(inspection.items.filter(version__in=versions).values_list("version__item__code", "verdict"))
            assert set(verdicts.values()) == {"pass" if passes else "fail"}, verdicts
            judged += len(verdicts)
    assert judged >= 2 * 20


@pytest.mark.parametrize(
    ("code", "given", "verdict", "reason"),
    [
        ("EXT-01", 2, "pass", "2 ≥ 要求的 2 具"),
        ("EXT-01", 1, "fail", "1 < 要求的 2 具"),
        ("EXT-02", 5, "pass", "5 ≤ 允许的 5 具"),
        ("EXT-02", 6, "fail", "6 > 允许的 5 具"),
        ("EXT-03", 1.5, "pass", "1.5 ≤ 允许的 1.5 m"),
        ("EXT-03", 1.501, "fail", "1.501 > 允许的 1.5 m"),
        ("EXT-04", 0.08, "pass", "0.08 ≥ 要求的 0.08 m"),
        ("EXT-04", 0.079, "fail", "0.079 < 要求的 0.08 m"),
    ],
)
def test_each_kind_of_numeric_rule_at_its_boundary(site, grid_worker, code, given, verdict, reason):
    items = answers_for(checklist_versions(site, grid_worker))
    target = next(item for item in items if item["version"] == version_of(code).pk)
    target["answer"] = given
    inspection = submit(grid_worker, body(site, items))
    stored = inspection.items.get(pk=target["id"])
    assert stored.verdict == verdict
    assert stored.verdict_reason.startswith(reason) and version_of(code).citation in stored.verdict_reason
    assert stored.answer_number == Decimal(str(given))


def test_a_failed_item_raises_a_hazard_citing_its_clause_with_its_photos(site, grid_worker, uploaded):
    versions = checklist_versions(site, grid_worker)
    items = answers_for(versions, failing={"EXT-01"})
    failing = next(item for item in items if item["version"] == version_of("EXT-01").pk)
    failing["answer"] = 1
    failing["note"] = "只有1具，放在收银台下"
    failing["photo_ids"] = uploaded(2)
    inspection = submit(grid_worker, body(site, items))
    assert (inspection.failed_count, inspection.hazards_raised_count) == (1, 1)
    item = inspection.items.get(pk=failing["id"])
    hazard = item.hazard
    assert item.verdict == "fail"
    assert hazard.site == site and hazard.source == "inspection" and hazard.level == "general"
    assert hazard.clause == version_of("EXT-01").clause and hazard.basis.code == "GB 50140-2005"
    assert hazard.citation == "GB 50140-2005 §6.1.1"
    assert hazard.source_key == f"inspection-item:{failing['id']}"
    assert hazard.found_by == grid_worker and hazard.status == "found"
    assert sorted(str(photo.pk) for photo in hazard.photos.all()) == sorted(failing["photo_ids"])
    assert sorted(str(photo.pk) for photo in item.photos.all()) == sorted(failing["photo_ids"])
    # The description says what was required and what was found, in the office's language.
    assert hazard.description.startswith("计算单元内配置的灭火器数量：1 < 要求的 2 具") and "只有1具" in hazard.description


def test_a_failed_major_item_raises_a_major_hazard_and_the_site_turns_red(grid, grid_worker):
    venue = SiteFactory(grid=grid, category=category("RM01"), storeys=9, has_fire_alarm_system=True)
    items = answers_for(checklist_versions(venue, grid_worker), failing={"MAJ-01"})
    inspection = submit(grid_worker, body(venue, items))
    hazard = Hazard.objects.get(site=venue)
    assert hazard.level == "major" and hazard.citation == version_of("MAJ-01").citation
    assert inspection.hazards_raised_count == 1
    venue.refresh_from_db()
    assert venue.risk_colour == "red"
    # One reassessment at the end of the inspection, not one per hazard.
    assert venue.grade_changes.count() == 1


def test_not_applicable_needs_a_reason_and_is_counted(site, grid_worker):
    items = answers_for(checklist_versions(site, grid_worker))
    items[0].update(answer=None, not_applicable=True, not_applicable_reason="该店未设置计算单元")
    inspection = submit(grid_worker, body(site, items))
    stored = inspection.items.get(pk=items[0]["id"])
    assert stored.verdict == "not_applicable" and stored.not_applicable_reason == "该店未设置计算单元"
    assert inspection.not_applicable_count == 1


def test_the_signature_and_the_signer_are_kept(site, grid_worker, uploaded):
    [signature] = uploaded(1)
    data = body(site, answers_for(checklist_versions(site, grid_worker)), signature_photo_id=signature, signer_name="张三")
    inspection = submit(grid_worker, data)
    assert str(inspection.signature_id) == signature and inspection.signer_name == "张三"


# --- Re-inspection ------------------------------------------------------------------------------------


def reinspection(site, answers: list[tuple[Hazard, bool, list[str]]]) -> dict:
    items = [
        {"id": str(uuid.uuid4()), "hazard": hazard.pk, "answer": fixed, "photo_ids": photos, "note": "复查"}
        for hazard, fixed, photos in answers
    ]
    return body(site, items, kind="reinspection")


def test_a_reinspection_closes_one_hazard_and_keeps_another_open(site, grid_worker, staff, awaiting, uploaded):
    rectified, notified = awaiting["rectified"], awaiting["notified"]
    photos = uploaded(1)
    inspection = submit(grid_worker, reinspection(site, [(rectified, True, photos), (notified, False, [])]))
    rectified.refresh_from_db()
    notified.refresh_from_db()
    assert rectified.status == "closed"
    assert list(rectified.log.values_list("kind", flat=True))[-2:] == ["review_passed", "closed"]
    assert [str(p.pk) for p in rectified.log.get(kind="review_passed").photos.all()] == photos
    assert notified.status == "notified"
    step = notified.log.get(kind="not_fixed")
    assert step.actor == grid_worker and step.comment == "复查"
    # The street office is told a new notice is needed.
    told = Notification.objects.get(user=staff, kind="hazard_not_fixed")
    assert told.link == notified.get_absolute_url()
    assert (inspection.passed_count, inspection.failed_count, inspection.hazards_raised_count) == (1, 1, 0)
    items = {item.hazard_id: item for item in inspection.items.all()}
    assert items[rectified.pk].verdict == "pass" and items[notified.pk].verdict == "fail"
    assert items[rectified.pk].version is None


def test_a_notified_hazard_found_fixed_is_rectified_then_reviewed_by_the_grid_worker(site, grid_worker, awaiting, uploaded):
    notified = awaiting["notified"]
    submit(grid_worker, reinspection(site, [(notified, True, uploaded(1))]))
    notified.refresh_from_db()
    assert notified.status == "closed"
    assert list(notified.log.values_list("kind", flat=True))[-3:] == ["rectified", "review_passed", "closed"]


def test_a_notified_hazard_found_fixed_needs_a_photo(site, grid_worker, awaiting):
    with pytest.raises(ApplicationError) as refused:
        submit(grid_worker, reinspection(site, [(awaiting["notified"], True, [])]))
    assert list(refused.value.field_errors) == ["items.0.photo_ids"]


def test_a_major_hazard_found_fixed_by_a_grid_worker_awaits_the_office_review(site, grid_worker, staff, uploaded):
    from hazards import services as hazard_services
    from tests.inspections.conftest import in_days

    major = hazard_services.hazard_raise(site=site, acting_user=staff, description="安全出口上锁", level="major")
    hazard_services.hazard_notify(hazard=major, acting_user=staff, deadline=in_days(10))
    submit(grid_worker, reinspection(site, [(major, True, uploaded(1))]))
    major.refresh_from_db()
    # Rectified on the grid worker's word and photo; the review of a major hazard is the office's.
    assert major.status == "rectified"
    submit(staff, reinspection(site, [(major, True, [])]))
    major.refresh_from_db()
    assert major.status == "reviewed"


def test_a_reinspection_answers_only_hazards_awaiting_it(site, grid_worker, awaiting):
    data = reinspection(site, [(awaiting["found"], True, []), (awaiting["closed"], False, [])])
    with pytest.raises(ApplicationError) as refused:
        submit(grid_worker, data)
    assert set(refused.value.field_errors) == {"items.0.hazard", "items.1.hazard"}
    assert not Inspection.objects.exists()


# --- Resends -------------------------------------------------------------------------------------------------


def test_a_resend_of_the_same_submission_creates_nothing_new(site, grid_worker, uploaded):
    items = answers_for(checklist_versions(site, grid_worker), failing={"EXT-01"})
    data = body(site, items)
    first = submit(grid_worker, data)
    before = stored_rows()
    again = submit(grid_worker, data)
    assert again.pk == first.pk and again.created_now is False
    assert stored_rows() == before


def test_a_resend_with_different_content_returns_the_stored_inspection(site, grid_worker):
    versions = checklist_versions(site, grid_worker)
    data = body(site, answers_for(versions))
    first = submit(grid_worker, data)
    before = stored_rows()
    changed = body(site, answers_for(versions, failing={"EXT-01", "EXT-02"}), id=data["id"])
    again = submit(grid_worker, changed)
    assert again.pk == first.pk and again.failed_count == 0 and stored_rows() == before


def test_the_same_id_from_someone_else_is_a_conflict(site, grid_worker, colleague):
    data = body(site, answers_for(checklist_versions(site, grid_worker)))
    submit(grid_worker, data)
    with pytest.raises(ConflictError):
        submit(colleague, data)


# --- Refusals ----------------------------------------------------------------------------------------------------


def test_roles_and_scope(site, operator, outsider, grid_worker):
    data = body(site, answers_for(checklist_versions(site, grid_worker)))
    with pytest.raises(PermissionDeniedError):
        submit(operator, data)
    with pytest.raises(NotFoundError):
        submit(outsider, data)
    assert not Inspection.objects.exists()


def mutate(name: str, data: dict, items: list[dict], *, other_photo: str) -> set[str]:
    """Break ``data`` one way; return the error paths expected."""
    now = timezone.now()
    if name == "no_id":
        data["id"] = "not-a-uuid"
        return {"id"}
    if name == "bad_kind":
        data["kind"] = "weekly"
        return {"kind"}
    if name == "times":
        data["started_at"], data["finished_at"] = "yesterday", (now + datetime.timedelta(hours=2)).isoformat()
        return {"started_at", "finished_at"}
    if name == "future":
        data["finished_at"] = (now + datetime.timedelta(hours=2)).isoformat()
        return {"finished_at"}
    if name == "backwards":
        data["finished_at"] = (now - datetime.timedelta(minutes=5)).isoformat()
        return {"finished_at"}
    if name == "half_a_position":
        data["longitude"] = None
        return {"longitude"}
    if name == "position_out_of_range":
        data["latitude"], data["accuracy_m"] = 91, -3
        return {"latitude", "accuracy_m"}
    if name == "campaign_on_routine":
        data["campaign"] = 1
        return {"campaign"}
    if name == "signature_without_signer":
        data["signature_photo_id"] = str(uuid.uuid4())
        return {"signer_name", "signature_photo_id"}
    if name == "no_items":
        data["items"] = []
        return {"items"}
    if name == "wrong_types":
        items[0]["answer"] = "many"
        items[1]["answer"] = None
        items[2]["not_applicable"] = True
        items[3]["photo_ids"] = ["x"]
        items[4]["id"] = items[5]["id"]
        return {
            "items.0.answer",
            "items.1.answer",
            "items.2.not_applicable_reason",
            "items.2.answer",
            "items.3.photo_ids",
            "items.5.id",
        }
    if name == "count_with_fraction":
        target = next(item for item in items if item["version"] == version_of("EXT-01").pk)
        target["answer"] = 1.5
        return {f"items.{items.index(target)}.answer"}
    if name == "yes_no_as_text":
        target = next(item for item in items if item["version"] == version_of("EXT-05").pk)
        target["answer"] = "yes"
        return {f"items.{items.index(target)}.answer"}
    if name == "unknown_choice":
        target = next(item for item in items if item["version"] == version_of("EXT-13").pk)
        target["answer"] = "沙子"
        return {f"items.{items.index(target)}.answer"}
    if name == "not_on_the_checklist":
        items[0]["version"] = version_of("KIT-01").pk
        return {"items.0.version"}
    if name == "twice":
        items[1]["version"] = items[0]["version"]
        return {"items.1.version"}
    if name == "missing":
        del items[3]
        return {"items"}
    if name == "someone_elses_photo":
        items[2]["photo_ids"] = [other_photo]
        return {"items.2.photo_ids"}
    if name == "hazard_on_routine":
        items[0]["hazard"] = 1
        return {"items.0.hazard"}
    raise AssertionError(name)


BAD = [
    "no_id",
    "bad_kind",
    "times",
    "future",
    "backwards",
    "half_a_position",
    "position_out_of_range",
    "campaign_on_routine",
    "signature_without_signer",
    "no_items",
    "wrong_types",
    "count_with_fraction",
    "yes_no_as_text",
    "unknown_choice",
    "not_on_the_checklist",
    "twice",
    "missing",
    "someone_elses_photo",
    "hazard_on_routine",
]


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_refused_by_its_path_and_nothing_is_stored(site, grid_worker, colleague, uploaded, name):
    items = answers_for(checklist_versions(site, grid_worker), failing={"EXT-02"})
    data = body(site, items)
    expected = mutate(name, data, data["items"], other_photo=uploaded(1, user=colleague)[0])
    before = stored_rows()
    with pytest.raises(ApplicationError) as refused:
        submit(grid_worker, data)
    assert set(refused.value.field_errors) == expected
    assert stored_rows() == before


# --- Offline: the phone's checklist is older than the library ------------------------------------------------


def test_an_item_revised_while_the_phone_was_offline_is_accepted_at_the_version_it_had(site, grid_worker, admin_user):
    from regulations.services import checklist_item_revise

    versions = checklist_versions(site, grid_worker)
    data = body(site, answers_for(versions))
    old = version_of("EXT-01")
    checklist_item_revise(item=old.item, acting_user=admin_user, data={"threshold": "3"})
    inspection = submit(grid_worker, data)
    item = inspection.items.get(version=old)
    assert item.verdict == "pass" and "2 具" in item.verdict_reason


def test_an_item_revised_before_the_inspection_started_must_be_answered_at_its_new_version(site, grid_worker, admin_user):
    from regulations.services import checklist_item_revise

    versions = checklist_versions(site, grid_worker)
    old = version_of("EXT-01")
    new = checklist_item_revise(item=old.item, acting_user=admin_user, data={"threshold": "3"})
    later = timezone.now() + datetime.timedelta(seconds=1)
    data = body(site, answers_for(versions), started_at=later.isoformat(), finished_at=later.isoformat())
    with pytest.raises(ApplicationError) as refused:
        submit(grid_worker, data)
    position = [item["version"] for item in data["items"]].index(old.pk)
    assert set(refused.value.field_errors) == {f"items.{position}.version"}
    assert new.pk not in [item["version"] for item in data["items"]]
