"""The demo street of `manage.py seed_demo`: what it holds, that every file passes the
registry's rules, and that running it again changes nothing."""

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from accounts.models import Community, FireStation, Grid, Street, User
from enterprises import demo
from enterprises.models import Category, Site, SiteChange
from enterprises.services import site_check_rules
from enterprises.validators import validate_credit_code

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def demo_sites():
    return Site.objects.filter(grid__community__street__code=demo.STREET_CODE)


def digest(rows) -> str:
    """A fingerprint of the registry: each site's name, credit code and address."""
    lines = sorted(f"{name}|{code or ''}|{address}" for name, code, address in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def registry_digest() -> str:
    return digest(demo_sites().values_list("name", "credit_code", "address"))


def remove_demo_street() -> None:
    demo_sites().delete()
    User.objects.filter(username__in=[user.username for user in demo.DEMO_USERS]).delete()
    FireStation.objects.filter(name=demo.STATION_NAME).delete()
    Grid.objects.filter(community__street__code=demo.STREET_CODE).delete()
    Community.objects.filter(street__code=demo.STREET_CODE).delete()
    Street.objects.filter(code=demo.STREET_CODE).delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo street, loaded once for this module and removed after it."""
    with django_db_blocker.unblock():
        result = demo.seed_demo()
        try:
            yield result
        finally:
            remove_demo_street()


def test_demo_street_has_its_territory_station_and_1662_sites(seeded, db):
    street = Street.objects.get(code="WJL")
    assert street.name == "望江路街道"
    assert Community.objects.filter(street=street).count() == 8
    grids = Grid.objects.filter(community__street=street)
    assert grids.count() == 40
    station = FireStation.objects.get(name="望江路街道微型消防站")
    assert set(station.grids.all()) == set(grids)
    assert demo_sites().count() == 1662
    assert demo_sites().values("category").distinct().count() == Category.objects.count() == 36
    assert seeded.created == {"streets": 1, "communities": 8, "grids": 40, "stations": 1, "users": 4, "sites": 1662}


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("gridworker", User.Role.GRID_WORKER),
        ("staff", User.Role.STREET_STAFF),
        ("station", User.Role.STATION_OPERATOR),
        ("admin", User.Role.ADMIN),
    ],
)
def test_every_role_signs_in_with_the_demo_password(db, seeded, client, username, role):
    user = User.objects.get(username=username)
    assert user.role == role
    # django-axes counts sign-ins by the request they come with, as the login page passes it.
    assert client.login(request=HttpRequest(), username=username, password=demo.DEMO_PASSWORD)


def test_demo_users_have_their_scope(seeded, db):
    worker = User.objects.get(username="gridworker")
    assert worker.full_name == "刘东"
    assert [grid.code for grid in worker.grids.order_by("code")] == ["WJL0101", "WJL0102"]
    staff = User.objects.get(username="staff")
    assert (staff.full_name, staff.street.code) == ("任参", "WJL")
    assert User.objects.get(username="station").station.name == "望江路街道微型消防站"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_credit_codes_are_valid_unique_and_only_where_the_category_needs_one(seeded, db):
    codes = []
    for code, needs_code in demo_sites().values_list("credit_code", "category__requires_credit_code"):
        if needs_code:
            validate_credit_code(code)
            codes.append(code)
        else:
            assert code is None
    assert len(codes) == len(set(codes)) == demo_sites().filter(category__requires_credit_code=True).count()


def test_every_site_passes_the_registry_rules(seeded, db):
    failures = {}
    for site in demo_sites().select_related("category", "grid__community"):
        try:
            site_check_rules(site=site)
        except Exception as error:  # noqa: BLE001 - collect every failure, then show them together
            failures[site.name] = error
        assert MOBILE.match(site.responsible_phone)
        assert site.safety_contact_phone == "" or MOBILE.match(site.safety_contact_phone)
    assert failures == {}


def test_most_sites_operate_and_coordinates_lie_around_wangjiang_road(seeded, db):
    statuses = {status: demo_sites().filter(status=status).count() for status in Site.Status.values}
    assert statuses[Site.Status.OPERATING] > 0.85 * 1662
    assert statuses[Site.Status.SUSPENDED] > 0 and statuses[Site.Status.CLOSED] > 0
    for latitude, longitude in demo_sites().values_list("latitude", "longitude"):
        assert 30.60 < latitude < 30.66 and 104.05 < longitude < 104.11


def test_each_site_file_starts_its_history_with_its_creation(seeded, db):
    changes = SiteChange.objects.filter(site__in=demo_sites())
    assert changes.count() == 1662
    assert changes.filter(action=SiteChange.Action.CREATED, actor=None).count() == 1662
    site = demo_sites().select_related("category").first()
    entry = site.changes.get()
    assert entry.changes["name"] == ["", site.name]
    assert entry.changes["category"] == ["", site.category.name]


def test_a_second_run_changes_nothing(seeded, db):
    before = registry_digest()
    change_count = SiteChange.objects.count()
    user_rows = list(User.objects.order_by("username").values_list("username", "password", "role"))

    result = demo.seed_demo()

    assert not result.anything_created
    assert registry_digest() == before
    assert SiteChange.objects.count() == change_count
    assert list(User.objects.order_by("username").values_list("username", "password", "role")) == user_rows
    assert (Street.objects.count(), Community.objects.count(), Grid.objects.count()) == (1, 8, 40)


def test_the_same_seed_gives_the_same_rows(seeded, db):
    rows = demo.demo_site_rows()
    assert rows == demo.demo_site_rows()
    assert registry_digest() == digest((row["name"], row["credit_code"], row["address"]) for row in rows)


def test_a_fresh_load_recreates_the_same_sites(seeded, db):
    before = registry_digest()
    demo_sites().delete()

    result = demo.seed_demo()

    assert result.created["sites"] == 1662
    assert registry_digest() == before


def test_command_prints_the_logins_also_when_already_loaded(seeded, db):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    output = out.getvalue()
    for username in ("gridworker", "staff", "station", "admin"):
        assert re.search(rf"{username}\s+/ {demo.DEMO_PASSWORD}", output)


def test_command_says_when_a_demo_password_was_changed(seeded, db, settings, tmp_path):
    # The command also loads the street's hazard history, with its photos.
    settings.MEDIA_ROOT = tmp_path
    user = User.objects.get(username="station")
    user.set_password("another-secret-99")
    user.save(update_fields=["password"])
    out = StringIO()
    call_command("seed_demo", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("station"))
    assert demo.DEMO_PASSWORD not in line


def test_generated_sites_follow_the_same_rules(seeded, db):
    created = demo.generate_sites(60, start=demo.DEMO_SITE_COUNT, batch_size=25)

    assert created == 60
    new_sites = demo_sites().order_by("-pk")[:60]
    for site in new_sites.select_related("category"):
        site_check_rules(site=site)
    assert SiteChange.objects.filter(site__in=new_sites).count() == 60


def test_profiles_match_the_seeded_categories(db):
    categories = {category.code: category for category in Category.objects.all()}
    assert set(demo.CATEGORY_COUNTS) == set(demo.PROFILES) == set(categories)
    assert demo.DEMO_SITE_COUNT == 1662
    for code, profile in demo.PROFILES.items():
        assert bool(profile.code_types) == categories[code].requires_credit_code, code
