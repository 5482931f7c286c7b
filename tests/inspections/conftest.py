"""Fixtures of the inspection tests: sites of several categories, hazards awaiting re-inspection,
photos uploaded ahead, and an inspection's body as the phone's queue sends it."""

import datetime
import uuid

import pytest
from django.utils import timezone

from hazards import services as hazard_services
from regulations.models import ChecklistItemVersion
from tests.factories import SiteFactory, category
from tests.files.pictures import evidence_jpeg, upload


@pytest.fixture(autouse=True)
def _photos_in_a_temporary_folder(media):
    """Inspection tests store photos; they go to a temporary folder."""
    return media


@pytest.fixture
def api():
    """An API client signed in (by session) as the given persona, or anonymous."""
    from rest_framework.test import APIClient

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def stranger(db):
    """Street office staff of another street: the whole of their own street, nothing of ours."""
    from accounts.models import User
    from tests.factories import StreetFactory, UserFactory

    return UserFactory(
        username="stranger", full_name="陌生人", role=User.Role.STREET_STAFF, street=StreetFactory(name="九眼桥街道", code="JYQ")
    )


@pytest.fixture
def restaurant(grid):
    """A small restaurant cooking on bottled LPG (九小场所, XS02)."""
    return SiteFactory(grid=grid, name="川味小餐馆", category=category("XS02"), has_kitchen=True, uses_lpg=True)


@pytest.fixture
def courtyard(grid):
    """A residential courtyard of twelve storeys where e-bikes are parked (ZZ01, no credit code)."""
    return SiteFactory(
        grid=grid,
        name="望江兰庭小区",
        category=category("ZZ01"),
        credit_code=None,
        storeys=12,
        has_ebike_charging=True,
        floor_area=55997,
    )


def version_of(code: str) -> ChecklistItemVersion:
    """The current version of a library item, by its code (EXT-01, ...)."""
    return ChecklistItemVersion.objects.select_related("item", "basis", "clause").get(current_for__code=code)


def photo_upload():
    return upload(evidence_jpeg())


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def uploaded(api, grid_worker):
    """Photos the grid worker uploaded ahead (POST /api/photos/), by the ids the phone made."""
    from files.models import Photo
    from files.services import photo_store

    def make(count: int = 1, user=None) -> list[str]:
        ids = []
        for _ in range(count):
            photo = photo_store(upload=photo_upload(), acting_user=user or grid_worker, photo_id=uuid.uuid4())
            ids.append(str(photo.pk))
        assert Photo.objects.filter(pk__in=ids).count() == count
        return ids

    return make


@pytest.fixture
def awaiting(site, grid_worker, staff):
    """Hazards of the site in each state a re-inspection meets: notified, rectified; and one found, one closed."""

    def raised(description: str, **options):
        return hazard_services.hazard_raise(site=site, acting_user=grid_worker, description=description, **options)

    notified = raised("疏散指示标志损坏", clause=version_of("MPS-04").clause or None)
    hazard_services.hazard_notify(hazard=notified, acting_user=staff, deadline=in_days(2))
    rectified = raised("灭火器只有1具，少于2具", clause=version_of("EXT-01").clause)
    hazard_services.hazard_notify(hazard=rectified, acting_user=staff, deadline=in_days(7))
    hazard_services.hazard_rectify(hazard=rectified, acting_user=grid_worker, note="已增配", uploads=[photo_upload()])
    found = raised("插线板串接使用")
    closed = raised("杂物堵塞通道")
    hazard_services.hazard_close_on_spot(hazard=closed, acting_user=grid_worker, note="当场清理", uploads=[photo_upload()])
    for hazard in (notified, rectified, found, closed):
        hazard.refresh_from_db()
    return {"notified": notified, "rectified": rectified, "found": found, "closed": closed}


def answers_for(versions, *, failing: set[str] = frozenset()) -> list[dict]:
    """A passing answer for every version (a failing one for the item codes in ``failing``), as the phone sends them."""
    items = []
    for version in versions:
        fail = version.item.code in failing
        items.append({"id": str(uuid.uuid4()), "version": version.pk, "answer": answer(version, passes=not fail)})
    return items


def answer(version: ChecklistItemVersion, *, passes: bool = True):
    """An answer to ``version`` that passes its rule (or fails it)."""
    from decimal import Decimal

    kind = version.rule_kind
    if kind == "yes_no":
        return version.pass_answer if passes else not version.pass_answer
    if kind == "choice":
        return next(choice["value"] for choice in version.choices if bool(choice.get("passes")) == passes)
    threshold = version.threshold
    if kind in ("count_min", "measure_min"):
        value = threshold if passes else threshold - (1 if kind == "count_min" else Decimal("0.01"))
        return max(value, 0) if passes else value
    value = threshold if passes else threshold + (1 if kind == "count_max" else Decimal("0.01"))
    return value


def body(site, items, *, kind="routine", campaign=None, **extra) -> dict:
    """An inspection as the phone's queue sends it (JSON-ready), started now: after the sites of the
    test were made, as a real inspection starts after its site's file was last changed."""
    now = timezone.now()
    numbers = {}
    for item in items:
        value = item.get("answer")
        if not isinstance(value, bool) and value is not None and not isinstance(value, str):
            numbers[item["id"]] = float(value) if value != int(value) else int(value)
    return {
        "id": str(uuid.uuid4()),
        "site": site.pk,
        "kind": kind,
        "campaign": campaign,
        "started_at": now.isoformat(),
        "finished_at": now.isoformat(),
        "latitude": 30.6534,
        "longitude": 104.0824,
        "accuracy_m": 12.5,
        "signature_photo_id": None,
        "signer_name": "",
        "items": [{**item, "answer": numbers.get(item["id"], item.get("answer"))} for item in items],
        **extra,
    }
