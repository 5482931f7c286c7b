"""The demo street's smoke detectors: one integration per carrier platform, a few thousand
NB-IoT detectors on its sites, a second micro fire station and who answers first where.

``seed_alarm_demo`` runs after the registry (``manage.py seed_demo``). Like the registry
(enterprises.demo) everything comes from one fixed seed: the detectors are planned over the
registry's own list of demo sites (``enterprises.demo.demo_site_rows``), so every run on every
machine plans the same detectors with the same IMEIs, platform ids and places, and a run adds
only the ones missing (by integration and platform device id). Only what must stay secret is
random: each integration's ingest key and secret.

1. One integration per platform ("演示 OneNET 账户", ...), reading unregistered devices with the
   platform's preset device model.
2. A second station, 磨子桥社区微型消防站, covering the east half of the street, with its operator
   ``station2`` (the demo password). Each community gets an assignment: the nearer station
   answers first, the other backs it up (the street's station covers every grid already,
   enterprises.demo).
3. The street staff member ``staff`` is the street's duty officer.
4. The detectors: how many a site has depends on its category (several per room-like unit in
   small hotels, rentals, old courtyards and care homes; none where a fire alarm system is
   required anyway), each with its model's platform, a valid IMEI, its building, floor and room,
   installation date, battery, signal and a recent report.
"""

import datetime
import hashlib
import importlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Community, FireStation, Grid, Street, User
from enterprises import demo as registry_demo
from enterprises.models import Site

from .models import Device, DeviceModel, DutyOfficer, Integration, Platform, StationAssignment
from .services import integration_create

SEED = 20240617
BATCH_SIZE = 2000
DAY = 24 * 3600

INTEGRATIONS = [
    (Platform.ONENET, "演示 OneNET 账户"),
    (Platform.CTWING, "演示 CTWing 账户"),
    (Platform.WEBHOOK, "演示 Webhook 账户"),
]

SECOND_STATION_NAME = "磨子桥社区微型消防站"
SECOND_STATION_PHONE = "028-85550121"
SECOND_OPERATOR = registry_demo.DemoUser("station2", "罗志强", User.Role.STATION_OPERATOR, "13540012233")
DUTY_OFFICER_USERNAME = "staff"

# The communities by their index in enterprises.demo.COMMUNITIES. They lie on a 4 x 2 layout,
# west to east (grid_places); the street's station stands on 望江路 in the west, the second at
# 磨子桥 in the east, each a few minutes' run from its half ("1-3-5", DOMAIN.md).
WEST_COMMUNITIES = (0, 1, 4, 5)  # 望江楼, 郭家桥, 红瓦寺, 电信路
EAST_COMMUNITIES = (2, 3, 6, 7)  # 新南路, 九眼桥, 共和路, 磨子桥

# Which platform a category's detectors report through: the street bought them in batches,
# the courtyards and rentals on China Mobile's OneNET, the small shops, restaurants and
# hazardous-goods sellers on China Telecom's CTWing, the institutions from a vendor whose
# cloud forwards to our generic webhook.
PLATFORM_BY_GROUP = {
    "ZZ": Platform.ONENET,
    "XS": Platform.CTWING,
    "WH": Platform.CTWING,
    "RM": Platform.WEBHOOK,
    "GY": Platform.WEBHOOK,
    "GG": Platform.WEBHOOK,
}

# Per category: the share of its sites fitted with NB-IoT detectors and how many a fitted site
# has. Independent detectors go where no fire alarm system is required: the nine kinds of small
# places, rentals, old courtyards (per stairwell), care homes and old wooden buildings; malls and
# office towers report through their own systems and get none.
FITTING: dict[str, tuple[float, int, int]] = {
    "XS01": (0.7, 1, 2), "XS02": (0.9, 1, 3), "XS03": (1.0, 4, 16), "XS04": (0.9, 2, 6), "XS05": (0.7, 1, 3),
    "XS06": (1.0, 2, 6), "XS07": (1.0, 2, 8), "XS08": (0.9, 2, 6), "XS09": (1.0, 1, 2),
    "RM01": (0.3, 2, 6), "RM02": (0.2, 4, 10), "RM03": (0.5, 2, 6), "RM04": (0.3, 2, 6), "RM05": (0.3, 4, 12),
    "RM06": (1.0, 6, 20), "RM07": (0.5, 4, 10), "RM08": (0.8, 3, 8), "RM09": (0.3, 2, 6), "RM10": (1.0, 2, 5),
    "RM11": (0.0, 0, 0), "RM12": (0.0, 0, 0),
    "ZZ01": (0.95, 3, 8), "ZZ02": (0.5, 2, 6), "ZZ03": (1.0, 2, 6), "ZZ04": (1.0, 1, 4),
    "GY01": (0.3, 2, 6), "GY02": (0.9, 2, 8), "GY03": (0.3, 2, 4),
    "WH01": (0.5, 1, 2), "WH02": (1.0, 1, 3), "WH03": (0.9, 1, 4), "WH04": (1.0, 1, 3),
    "GG01": (0.5, 2, 5), "GG02": (0.8, 3, 10), "GG03": (0.3, 2, 6), "GG04": (1.0, 2, 6),
}  # fmt: skip

# Type allocation codes (the IMEI's first 8 digits; 86 = China) of the NB-IoT modules per platform.
TACS = {
    Platform.ONENET: ("86582006", "86941103", "86718105"),
    Platform.CTWING: ("86833104", "86926305"),
    Platform.WEBHOOK: ("86702005",),
}
# The 6-digit serial is the device's number times a multiplier coprime to 10**6: distinct numbers, distinct IMEIs.
SERIAL_SPACE = 10**6
SERIAL_MULTIPLIER = 7919
SERIAL_OFFSET = 104_729
ONENET_DEV_ID_BASE = 523_000_000

INSTALLED_FROM = datetime.date(2021, 3, 1)
INSTALLED_DAYS = 3 * 365

# Where detectors hang, by the kind of site (enterprises.demo's profile patterns and categories).
SHOP_ROOMS = ("店堂", "收银台", "仓库", "后堂", "阁楼")
FOOD_ROOMS = ("厨房", "大堂", "包间", "仓库", "收银台", "备餐间")
WORK_ROOMS = ("办公室", "走廊", "库房", "配电房", "休息室", "活动室", "值班室")
PUBLIC_ROOMS = ("配电房", "电井", "地下室", "垃圾房", "物业用房", "架空层")
CHARGING_ROOMS = ("充电棚", "车棚", "充电区")
ROOM_LIKE = {"XS03", "RM02", "RM05", "RM06", "ZZ03"}  # hotels, hospitals, care homes, rentals: numbered rooms
FOOD = {"XS02", "RM03", "WH03"}


def imei_check_digit(body: str) -> str:
    """The Luhn check digit of an IMEI's first 14 digits (3GPP TS 23.003 annex B)."""
    total = 0
    for position, char in enumerate(body):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return str((10 - total % 10) % 10)


def imei_valid(imei: str) -> bool:
    return len(imei) == 15 and imei.isdigit() and imei_check_digit(imei[:14]) == imei[14]


def demo_imei(number: int, platform: str) -> str:
    tacs = TACS[platform]
    serial = (number * SERIAL_MULTIPLIER + SERIAL_OFFSET) % SERIAL_SPACE
    body = f"{tacs[number % len(tacs)]}{serial:06d}"
    return body + imei_check_digit(body)


def platform_device_id(number: int, platform: str, imei: str) -> str:
    """The id the platform knows the device by: OneNET's numeric dev_id, CTWing's 32 hex digits, the vendor's serial."""
    if platform == Platform.ONENET:
        return str(ONENET_DEV_ID_BASE + number)
    if platform == Platform.CTWING:
        return hashlib.md5(f"{SEED}:ctwing:{imei}".encode()).hexdigest()
    return f"YG-{number + 1:06d}"


@dataclass(frozen=True)
class PlannedDevice:
    site_index: int  # in enterprises.demo.demo_site_rows()
    platform: str
    platform_device_id: str
    imei: str
    building: str
    floor: str
    room: str
    installed_on: datetime.date
    battery: int
    signal: int
    # How long before the seeding its last report came, in seconds.
    seen_ago: int
    heartbeat_seconds: int | None


def _place(rng: random.Random, row: dict, number: int) -> tuple[str, str, str]:
    """Building, floor and room of the ``number``-th detector of a site."""
    code = row["category"]
    storeys = max(1, int(row["storeys"] or 1))
    floor_number = rng.randint(1, storeys)
    floor = f"{floor_number}层"
    if code == "ZZ01":
        # An old courtyard: a detector per stairwell, numbered by building and unit.
        buildings = max(1, int(row["floor_area"]) // 2500)
        return f"{rng.randint(1, buildings)}栋", floor, f"{rng.randint(1, 4)}单元楼道"
    if code == "ZZ02":
        return "", rng.choice(("-1层", "1层")), rng.choice(PUBLIC_ROOMS)
    if code == "ZZ04":
        return "", "1层", f"{rng.choice(CHARGING_ROOMS)}{number + 1}号位"
    if code in ROOM_LIKE:
        return "", floor, f"{floor_number}{rng.randint(1, 20):02d}室"
    if code in FOOD:
        return "", "1层" if number == 0 else floor, "厨房" if number == 0 else rng.choice(FOOD_ROOMS)
    if code.startswith("XS") or code.startswith("WH"):
        return "", floor, rng.choice(SHOP_ROOMS)
    return "", floor, rng.choice(WORK_ROOMS)


def demo_device_plan(rows: list[dict] | None = None) -> list[PlannedDevice]:
    """The detectors of the demo street, the same list on every call (a site's own generator decides its detectors)."""
    rows = registry_demo.demo_site_rows() if rows is None else rows
    planned: list[PlannedDevice] = []
    for index, row in enumerate(rows):
        rng = random.Random(f"{SEED}:{index}")
        share, low, high = FITTING.get(row["category"], (0.0, 0, 0))
        if row["status"] == Site.Status.CLOSED or rng.random() >= share:
            continue
        platform = PLATFORM_BY_GROUP[row["category"][:2]]
        installed_on = INSTALLED_FROM + datetime.timedelta(days=rng.randrange(INSTALLED_DAYS))
        places = set()
        for number in range(rng.randint(low, high)):
            device_number = len(planned)
            imei = demo_imei(device_number, platform)
            # Two detectors of a site hang in two places, as far as the site has places to tell apart.
            for _attempt in range(5):
                building, floor, room = _place(rng, row, number)
                if (building, floor, room) not in places:
                    break
            places.add((building, floor, room))
            planned.append(
                PlannedDevice(
                    site_index=index,
                    platform=platform,
                    platform_device_id=platform_device_id(device_number, platform, imei),
                    imei=imei,
                    building=building,
                    floor=floor,
                    room=room,
                    # Fitted together, now and then one replaced later.
                    installed_on=installed_on + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2, 90, 400))),
                    battery=rng.randint(45, 100),
                    # Reference signal received power in dBm, as NB-IoT modules report it.
                    signal=rng.randint(-110, -70),
                    # Within the last day's heartbeat: every detector has reported recently.
                    seen_ago=rng.randint(60, 20 * 3600),
                    # Battery detectors behind the vendor's cloud report daily too, not hourly as the preset assumes.
                    heartbeat_seconds=DAY if platform == Platform.WEBHOOK else None,
                )
            )
    return planned


# --- Writing ---------------------------------------------------------------------------------------


@dataclass
class DemoIntegration:
    integration: Integration
    # The secret (OneNET's token, the webhook's HMAC key) when this run created the integration.
    new_secret: str = ""


@dataclass
class AlarmSeedResult:
    created: dict[str, int] = field(default_factory=dict)
    integrations: list[DemoIntegration] = field(default_factory=list)
    created_usernames: list[str] = field(default_factory=list)
    devices: int = 0
    skipped_reason: str = ""  # "no_street" when the registry's demo street is missing

    @property
    def anything_created(self) -> bool:
        return any(self.created.values())


def _preset_models() -> dict[str, DeviceModel]:
    """The preset device model of each platform (the data migration's), made again if someone removed it."""
    presets = importlib.import_module("alarms.migrations.0002_device_model_presets")
    models = {}
    for preset in presets.PRESETS:
        models[preset["platform"]], _created = DeviceModel.objects.get_or_create(name=preset["name"], defaults=preset)
    return models


def _integrations(models: dict[str, DeviceModel]) -> tuple[dict[str, DemoIntegration], int]:
    names = [name for _platform, name in INTEGRATIONS]
    existing = {integration.name: integration for integration in Integration.objects.filter(name__in=names)}
    by_platform, created = {}, 0
    for platform, name in INTEGRATIONS:
        if name in existing:
            by_platform[platform] = DemoIntegration(existing[name])
            continue
        made = integration_create(acting_user=None, platform=platform, name=name)
        Integration.objects.filter(pk=made.integration.pk).update(default_model=models[platform])
        made.integration.default_model = models[platform]
        by_platform[platform] = DemoIntegration(made.integration, new_secret=made.secret)
        created += 1
    return by_platform, created


def _second_operator(station: FireStation) -> list[str]:
    """The second station's operator, so that its console has someone to answer; returns the usernames created."""
    spec = SECOND_OPERATOR
    if User.objects.filter(username=spec.username).exists():
        return []
    User.objects.create(
        username=spec.username,
        full_name=spec.full_name,
        role=spec.role,
        phone=spec.phone,
        password=make_password(registry_demo.DEMO_PASSWORD),
        station=station,
    )
    return [spec.username]


def _stations(street: Street) -> tuple[FireStation, int, int]:
    """The second station and each community's primary and backup; returns (the station, stations, assignments created)."""
    street_station = FireStation.objects.filter(name=registry_demo.STATION_NAME).first()
    second, second_created = FireStation.objects.get_or_create(
        name=SECOND_STATION_NAME, defaults={"street": street, "phone": SECOND_STATION_PHONE}
    )
    communities = {
        community.code: community
        for community in Community.objects.filter(street=street, code__startswith=registry_demo.STREET_CODE)
    }
    east = [communities[code] for code in map(registry_demo.community_code, EAST_COMMUNITIES) if code in communities]
    if second_created:
        second.grids.set(Grid.objects.filter(community__in=east))
    if street_station is None:
        return second, int(second_created), 0
    taken = set(StationAssignment.objects.filter(community__in=communities.values()).values_list("community_id", flat=True))
    missing = []
    for indexes, primary, backup in ((WEST_COMMUNITIES, street_station, second), (EAST_COMMUNITIES, second, street_station)):
        for index in indexes:
            community = communities.get(registry_demo.community_code(index))
            if community is not None and community.pk not in taken:
                missing.append(StationAssignment(community=community, primary=primary, backup=backup))
    StationAssignment.objects.bulk_create(missing)
    return second, int(second_created), len(missing)


def _duty_officer(street: Street) -> int:
    officer = User.objects.filter(username=DUTY_OFFICER_USERNAME, is_active=True).first()
    if officer is None or DutyOfficer.objects.filter(street=street).exists():
        return 0
    DutyOfficer.objects.create(street=street, user=officer)
    return 1


def _demo_site_ids(rows: list[dict], street: Street) -> dict[int, int]:
    """The registry row index -> the site's primary key, for the demo sites still in the database."""
    by_code, by_place = {}, {}
    for pk, code, name, address in Site.objects.filter(grid__community__street=street).values_list(
        "pk", "credit_code", "name", "address"
    ):
        if code:
            by_code[code] = pk
        else:
            by_place[(name, address)] = pk
    found = {}
    for index, row in enumerate(rows):
        pk = by_code.get(row["credit_code"]) if row["credit_code"] else by_place.get((row["name"], row["address"]))
        if pk is not None:
            found[index] = pk
    return found


def demo_logins(*, known_current: Iterable[str] = ()) -> list[registry_demo.DemoLogin]:
    """The second station's operator, if there is one, with the demo password where it still opens the account."""
    user = User.objects.filter(username=SECOND_OPERATOR.username).first()
    if user is None:
        return []
    current = user.username in known_current or check_password(registry_demo.DEMO_PASSWORD, user.password)
    return [
        registry_demo.DemoLogin(user.username, str(user.get_role_display()), registry_demo.DEMO_PASSWORD if current else None)
    ]


def demo_integrations() -> list[Integration]:
    """The demo's integrations that exist, in platform order."""
    names = [name for _platform, name in INTEGRATIONS]
    integrations = {integration.name: integration for integration in Integration.objects.filter(name__in=names)}
    return [integrations[name] for name in names if name in integrations]


@transaction.atomic
def seed_alarm_demo() -> AlarmSeedResult:
    """Create what is missing of the demo's alarm set-up (the steps are in the module's docstring)."""
    result = AlarmSeedResult()
    street = Street.objects.filter(code=registry_demo.STREET_CODE).first()
    if street is None:
        result.skipped_reason = "no_street"
        return result
    models = _preset_models()
    integrations, result.created["integrations"] = _integrations(models)
    result.integrations = [integrations[platform] for platform, _name in INTEGRATIONS]
    second, result.created["stations"], result.created["assignments"] = _stations(street)
    result.created_usernames = _second_operator(second)
    result.created["users"] = len(result.created_usernames)
    result.created["duty_officers"] = _duty_officer(street)

    rows = registry_demo.demo_site_rows()
    site_ids = _demo_site_ids(rows, street)
    integration_ids = {platform: item.integration.pk for platform, item in integrations.items()}
    existing = set(
        Device.objects.filter(integration__in=integration_ids.values()).values_list("integration_id", "platform_device_id")
    )
    now = timezone.now()
    missing = []
    for plan in demo_device_plan(rows):
        site_id = site_ids.get(plan.site_index)
        integration_id = integration_ids[plan.platform]
        if site_id is None or (integration_id, plan.platform_device_id) in existing:
            continue
        missing.append(
            Device(
                integration_id=integration_id,
                platform_device_id=plan.platform_device_id,
                imei=plan.imei,
                model=models[plan.platform],
                site_id=site_id,
                building=plan.building,
                floor=plan.floor,
                room=plan.room,
                installed_on=plan.installed_on,
                status=Device.Status.ONLINE,
                online=True,
                battery=plan.battery,
                signal=plan.signal,
                last_seen=now - datetime.timedelta(seconds=plan.seen_ago),
                heartbeat_seconds=plan.heartbeat_seconds,
            )
        )
    Device.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    result.created["devices"] = len(missing)
    result.devices = Device.objects.filter(integration__in=integration_ids.values()).count()
    return result
