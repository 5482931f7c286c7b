"""Fixtures of the alarm pipeline: integrations per platform, preset device models, a detector at the shop,
and helpers that push as each platform does (payloads shaped as the platforms' documents show)."""

import base64
import hashlib
import hmac
import importlib
import json
import time

import pytest

from accounts.models import User
from alarms import ingest
from alarms.models import Device, DeviceModel, DutyOfficer, StationAssignment
from alarms.services import integration_create
from tests.factories import FireStationFactory, UserFactory

presets = importlib.import_module("alarms.migrations.0002_device_model_presets")


def preset(platform: str) -> DeviceModel:
    """A preset device model (the data migration's; transactional tests truncate it, so it is made again here)."""
    data = next(item for item in presets.PRESETS if item["platform"] == platform)
    model, _ = DeviceModel.objects.get_or_create(name=data["name"], defaults=data)
    return model


@pytest.fixture(autouse=True)
def _fresh_ingest_state(settings, tmp_path):
    """Each test starts with no integration in memory, no rate history and a spool of its own."""
    settings.ALARM_SPOOL_DIR = tmp_path / "spool"
    ingest.integrations.clear()
    ingest.rate_limiter.clear()
    ingest.database_watch.clear()
    ingest.broker_watch.clear()
    yield
    ingest.integrations.clear()
    ingest.rate_limiter.clear()
    ingest.database_watch.clear()
    ingest.broker_watch.clear()


@pytest.fixture
def onenet(db):
    return integration_create(acting_user=None, platform="onenet", name="OneNET 望江路")


@pytest.fixture
def ctwing(db):
    return integration_create(acting_user=None, platform="ctwing", name="CTWing 望江路")


@pytest.fixture
def webhook(db):
    return integration_create(acting_user=None, platform="webhook", name="模拟器")


@pytest.fixture
def detector(onenet, site):
    """A OneNET NB-IoT smoke detector in the shop's kitchen (dev_id as in OneNET's examples)."""
    return Device.objects.create(
        integration=onenet.integration,
        platform_device_id="2016617",
        imei="865820060031939",
        model=preset("onenet"),
        site=site,
        building="1栋",
        floor="1层",
        room="厨房",
    )


@pytest.fixture
def ctwing_detector(ctwing, site):
    return Device.objects.create(
        integration=ctwing.integration,
        platform_device_id="d01308047f864601a821e02dc328eab4",
        imei="161941770261953",
        model=preset("ctwing"),
        site=site,
        room="仓库",
    )


@pytest.fixture
def webhook_detector(webhook, site):
    return Device.objects.create(
        integration=webhook.integration, platform_device_id="SIM-0001", model=preset("webhook"), site=site, room="前厅"
    )


@pytest.fixture
def backup_station(street, grid):
    return FireStationFactory(street=street, name="郭家桥微型消防站", phone="028-85550120")


@pytest.fixture
def assignment(grid, station, backup_station):
    return StationAssignment.objects.create(grid=grid, primary=station, backup=backup_station)


@pytest.fixture
def duty_officer(street):
    officer = UserFactory(username="duty", full_name="值班员", role=User.Role.STREET_STAFF, street=street, phone="13900000001")
    DutyOfficer.objects.create(street=street, user=officer)
    return officer


@pytest.fixture
def backup_operator(backup_station):
    return UserFactory(username="backup-op", full_name="备站消防员", role=User.Role.STATION_OPERATOR, station=backup_station)


# --- Pushing as the platforms do ---------------------------------------------------------------------


def onenet_signature(token: str, nonce: str, msg: str) -> str:
    return base64.b64encode(hashlib.md5((token + nonce + msg).encode()).digest()).decode()


def onenet_body(msg, token: str, *, nonce: str = "abcdefgh") -> bytes:
    """A plain-mode OneNET push: {"msg": ..., "msg_signature": ..., "nonce": ...}, signed over msg as it stands in the body."""
    text = json.dumps(msg, ensure_ascii=False, indent=4)
    body = f'{{\n\t"msg": {text},\n\t"msg_signature": "{onenet_signature(token, nonce, text)}",\n\t"nonce": "{nonce}"\n}}'
    return body.encode()


def data_point(ds_id: str, value, *, at: int = 1466133706841, dev_id: int = 2016617) -> dict:
    """OneNET message type 1 (a data point), as example 1 of OneNET's HTTP push guide."""
    return {"type": 1, "dev_id": dev_id, "ds_id": ds_id, "at": at, "value": value}


def webhook_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Riskplatform-Timestamp": timestamp, "X-Riskplatform-Signature": f"sha256={mac}"}


def push(integration_secret, body: bytes, headers: dict | None = None):
    integration = integration_secret.integration
    return ingest.ingest_push(
        platform=integration.platform,
        key=integration.ingest_key,
        body=body,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def webhook_push(integration_secret, events, *, timestamp: int | None = None):
    body = json.dumps({"events": events}).encode()
    return push(integration_secret, body, webhook_headers(integration_secret.secret, body, timestamp=timestamp))
