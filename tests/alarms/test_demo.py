"""The demo street's smoke detectors (alarms.demo, `manage.py seed_demo`): one integration per platform,
a few thousand detectors on the street's own sites with valid, unique IMEIs, two stations sharing the
street, a duty officer; the same rows on every load and nothing added on a second run."""

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import FireStation, User
from alarms import demo
from alarms.models import Device, DutyOfficer, Integration, StationAssignment
from alarms.services import stations_for_site
from enterprises import demo as registry_demo
from enterprises.models import Site


def demo_devices():
    return Device.objects.filter(integration__name__in=[name for _platform, name in demo.INTEGRATIONS])


def device_digest() -> str:
    """A fingerprint of the detectors: what each is, where it hangs, on which site (last_seen counts from now)."""
    rows = demo_devices().values_list(
        "integration__platform", "platform_device_id", "imei", "site__name", "site__address", "building", "floor", "room",
        "installed_on", "battery", "signal",
    )  # fmt: skip
    return hashlib.sha256("\n".join(sorted("|".join(map(str, row)) for row in rows)).encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo street with its detectors, loaded once for this module inside a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        registry_demo.seed_demo()
        yield demo.seed_alarm_demo()
        transaction.set_rollback(True)


def test_one_integration_per_platform_with_its_preset_model(seeded, db):
    integrations = {integration.platform: integration for integration in demo.demo_integrations()}
    assert {platform: integration.name for platform, integration in integrations.items()} == {
        "onenet": "演示 OneNET 账户",
        "ctwing": "演示 CTWing 账户",
        "webhook": "演示 Webhook 账户",
    }
    for platform, integration in integrations.items():
        assert integration.active and integration.default_model.platform == platform
        assert set(integration.devices.values_list("model__platform", flat=True)) == {platform}
    # Only the secrets are random: each integration has its own.
    assert len({integration.secret for integration in integrations.values()}) == 3
    assert all(item.new_secret for item in seeded.integrations)


def test_a_few_thousand_detectors_by_category(seeded, db):
    assert seeded.created["devices"] == seeded.devices == demo_devices().count() == len(demo.demo_device_plan())
    assert 3000 <= seeded.devices <= 6000
    per_platform = dict(demo_devices().values_list("integration__platform").annotate(n=Count("pk")))
    assert min(per_platform.values()) >= 300
    # Several in a small hotel or an old courtyard; none in an office tower with its own alarm system.
    hotels = Site.objects.filter(category__code="XS03", devices__isnull=False).distinct()
    assert all(site.devices.count() >= 4 for site in hotels)
    assert not demo_devices().filter(site__category__code__in=["RM11", "RM12"]).exists()
    assert not demo_devices().filter(site__status=Site.Status.CLOSED).exists()


def test_every_detector_hangs_on_a_site_of_the_demo_street(seeded, db):
    assert not demo_devices().exclude(site__grid__community__street__code=registry_demo.STREET_CODE).exists()
    assert not demo_devices().filter(room="").exists()
    for floor, storeys in demo_devices().exclude(floor="-1层").values_list("floor", "site__storeys"):
        assert 1 <= int(floor.removesuffix("层")) <= storeys


def test_imeis_are_valid_and_unique(seeded, db):
    imeis = list(demo_devices().values_list("imei", flat=True))
    assert all(demo.imei_valid(imei) for imei in imeis)
    assert len(set(imeis)) == len(imeis)
    # 3GPP TS 23.003's example IMEI, and one digit changed.
    assert demo.imei_valid("490154203237518") and not demo.imei_valid("490154203237519")


def test_platform_ids_look_like_each_platforms(seeded, db):
    for platform, device_id in demo_devices().values_list("integration__platform", "platform_device_id"):
        if platform == "onenet":
            assert device_id.isdigit() and len(device_id) == 9
        elif platform == "ctwing":
            assert len(device_id) == 32 and int(device_id, 16) >= 0
        else:
            assert device_id.startswith("YG-")


def test_every_detector_is_healthy_and_reported_within_its_heartbeat(seeded, db):
    now = timezone.now()
    for device in demo_devices().select_related("model"):
        assert device.online and device.status == Device.Status.ONLINE
        assert device.battery > device.model.low_battery_percent and -120 < device.signal < -50
        assert device.installed_on < now.date()
        assert (now - device.last_seen).total_seconds() < device.heartbeat_interval()


def test_two_stations_share_the_street_each_backing_the_other_up(seeded, db):
    street_station = FireStation.objects.get(name=registry_demo.STATION_NAME)
    second = FireStation.objects.get(name=demo.SECOND_STATION_NAME)
    assert second.grids.count() == 20
    assignments = StationAssignment.objects.filter(community__street__code=registry_demo.STREET_CODE)
    assert assignments.count() == 8
    assert {(a.primary, a.backup) for a in assignments} == {(street_station, second), (second, street_station)}
    west = Site.objects.filter(grid__community__code="WJL01", devices__isnull=False).first()
    east = Site.objects.filter(grid__community__code="WJL08", devices__isnull=False).first()
    assert stations_for_site(site=west) == (street_station, second)
    assert stations_for_site(site=east) == (second, street_station)


def test_the_second_station_has_an_operator_who_signs_in(seeded, db, client):
    operator = User.objects.get(username="station2")
    assert (operator.role, operator.station.name) == (User.Role.STATION_OPERATOR, demo.SECOND_STATION_NAME)
    assert client.login(request=HttpRequest(), username="station2", password=registry_demo.DEMO_PASSWORD)
    assert seeded.created_usernames == ["station2"]


def test_street_staff_is_the_duty_officer(seeded, db):
    assert DutyOfficer.objects.get(street__code=registry_demo.STREET_CODE).user.username == "staff"


def test_a_second_run_adds_nothing(seeded, db):
    digest = device_digest()
    counts = (Integration.objects.count(), FireStation.objects.count(), StationAssignment.objects.count())

    result = demo.seed_alarm_demo()

    assert not result.anything_created
    assert not any(item.new_secret for item in result.integrations)
    assert device_digest() == digest
    assert (Integration.objects.count(), FireStation.objects.count(), StationAssignment.objects.count()) == counts


def test_missing_detectors_come_back_the_same(seeded, db):
    digest = device_digest()
    demo_devices().filter(site__category__code="ZZ03").delete()

    result = demo.seed_alarm_demo()

    assert result.created["devices"] > 0
    assert device_digest() == digest


def test_the_plan_is_the_same_on_every_call(db):
    assert demo.demo_device_plan() == demo.demo_device_plan()


def test_command_prints_the_ingest_urls_with_the_logins(seeded, db):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    output = out.getvalue()
    assert re.search(rf"station2\s+/ {registry_demo.DEMO_PASSWORD}", output)
    for integration in demo.demo_integrations():
        assert integration.ingest_url() in output
        # Shown only when created.
        assert integration.secret not in output
