"""Setting the pipeline up: integrations and their secrets, devices and their models, notifiers.

Admins configure integrations, device models and notifiers; street staff (and admins)
register devices. Each write checks the role here, once, for every front end.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import Site
from riskplatform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from ..models import Device, DeviceModel, EventType, Integration, Notifier, Platform, new_secret


def _ensure_admin(user: User | None) -> None:
    """None is the command line (manage.py), which only an operator of the host can run."""
    if user is not None and not (user.is_authenticated and user.is_active and user.is_admin):
        raise PermissionDeniedError(_("Only administrators may configure integrations, device models and notifiers."))


def ensure_alarm_admin(*, user: User) -> None:
    """Refuse (403) anyone but an administrator; the API calls it before it reads the input."""
    _ensure_admin(user)


def _ensure_registrar(user: User) -> None:
    if not (user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.STREET_STAFF)):
        raise PermissionDeniedError(_("Only street office staff and administrators may register devices."))


def _text(value, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


@dataclass(frozen=True)
class IntegrationSecret:
    """What an admin sees once, when an integration is created or rotated."""

    integration: Integration
    ingest_url: str
    secret: str


@transaction.atomic
def integration_create(*, acting_user: User | None, platform: str, name: str, aes_key: str = "") -> IntegrationSecret:
    _ensure_admin(acting_user)
    if platform not in Platform.values:
        message = _("Choose the platform.")
        raise ApplicationError(message, field_errors={"platform": [message]})
    name = _text(name, 100)
    if not name:
        message = _("Name the integration.")
        raise ApplicationError(message, field_errors={"name": [message]})
    if Integration.objects.filter(name=name).exists():
        message = _("An integration of that name exists.")
        raise ApplicationError(message, field_errors={"name": [message]})
    integration = Integration.objects.create(platform=platform, name=name, aes_key=_text(aes_key, 64))
    return IntegrationSecret(integration=integration, ingest_url=integration.ingest_url(), secret=integration.secret)


@transaction.atomic
def integration_rotate(*, integration: Integration, acting_user: User | None, secret: str = "") -> IntegrationSecret:
    """A new secret; the old one keeps verifying for ALARM_SECRET_GRACE_SECONDS so pushes in flight are not lost.

    OneNET's token is set on OneNET's side too: pass the one entered there as ``secret``.
    """
    _ensure_admin(acting_user)
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    now = timezone.now()
    integration.previous_secret = integration.secret
    integration.previous_secret_until = now + datetime.timedelta(seconds=settings.ALARM_SECRET_GRACE_SECONDS)
    integration.secret = _text(secret, 128) or new_secret()
    integration.rotated_at = now
    integration.save(update_fields=["previous_secret", "previous_secret_until", "secret", "rotated_at"])
    return IntegrationSecret(integration=integration, ingest_url=integration.ingest_url(), secret=integration.secret)


@transaction.atomic
def integration_set_active(*, integration: Integration, acting_user: User | None, active: bool) -> Integration:
    _ensure_admin(acting_user)
    Integration.objects.filter(pk=integration.pk).update(active=active)
    integration.active = active
    return integration


def _rules(value) -> list[dict]:
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value or "[]")
        except ValueError:
            message = _("The rules are not valid JSON.")
            raise ApplicationError(message, field_errors={"rules": [message]}) from None
    if not isinstance(value, list):
        message = _("The rules are a list.")
        raise ApplicationError(message, field_errors={"rules": [message]})
    cleaned = []
    for number, rule in enumerate(value, start=1):
        if not isinstance(rule, dict) or not _text(rule.get("stream"), 64) or rule.get("type") not in EventType.values:
            message = _("Rule %(number)d needs a stream and one of the event types.") % {"number": number}
            raise ApplicationError(message, field_errors={"rules": [message]})
        entry = {"stream": _text(rule["stream"], 64), "type": rule["type"]}
        if rule.get("value") is not None and rule.get("value") != "":
            entry["value"] = rule["value"]
        cleaned.append(entry)
    return cleaned


@transaction.atomic
def device_model_save(*, acting_user: User | None, data: dict, model: DeviceModel | None = None) -> DeviceModel:
    """Create or edit a device model (its mapping of raw values to our event types)."""
    _ensure_admin(acting_user)
    model = model or DeviceModel()
    model.name = _text(data.get("name"), 100)
    model.maker = _text(data.get("maker"), 100)
    model.platform = data.get("platform") or ""
    model.rules = _rules(data.get("rules", []))
    model.battery_stream = _text(data.get("battery_stream"), 64)
    model.signal_stream = _text(data.get("signal_stream"), 64)
    model.heartbeat_seconds = int(data.get("heartbeat_seconds") or 24 * 3600)
    model.low_battery_percent = int(data.get("low_battery_percent") or 20)
    model.notes = _text(data.get("notes"), 2000)
    try:
        model.full_clean()
    except ValidationError as error:
        raise ApplicationError.from_validation_error(
            error, _("The device model was not saved; correct the fields marked.")
        ) from None
    model.save()
    return model


def _site_for(*, acting_user: User, site) -> Site:
    site_id = site.pk if isinstance(site, Site) else site
    try:
        return Site.objects.filter(grid_scope_q(user=acting_user, prefix="grid__")).get(pk=site_id)
    except (Site.DoesNotExist, ValueError, TypeError):
        message = _("Choose a site of your street.")
        raise ApplicationError(message, field_errors={"site": [message]}) from None


DEVICE_FIELDS = ("platform_device_id", "imei", "building", "floor", "room", "installed_on", "heartbeat_seconds")


@transaction.atomic
def device_register(*, acting_user: User, data: dict, device: Device | None = None) -> Device:
    """Register a device at a site (or change its registration): the platform's id, its IMEI, its model and place."""
    _ensure_registrar(acting_user)
    if device is not None:
        device = (
            Device.objects.select_for_update()
            .filter(grid_scope_q(user=acting_user, prefix="site__grid__"))
            .filter(pk=device.pk)
            .first()
        )
        if device is None:
            raise NotFoundError(_("No such device."))
    device = device or Device()
    integration = data.get("integration")
    model = data.get("model")
    device.integration_id = integration.pk if isinstance(integration, Integration) else integration
    device.model_id = model.pk if isinstance(model, DeviceModel) else model
    device.site = _site_for(acting_user=acting_user, site=data.get("site"))
    for name in DEVICE_FIELDS:
        if name in data:
            setattr(device, name, data[name] if name in ("installed_on", "heartbeat_seconds") else _text(data[name], 64))
    device.installed_on = device.installed_on or None
    device.heartbeat_seconds = device.heartbeat_seconds or None
    try:
        device.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error, _("The device was not saved; correct the fields marked.")) from None
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        message = _("This platform device id is registered already.")
        raise ApplicationError(message, field_errors={"platform_device_id": [message]}) from None
    return device


DEVICE_IMPORT_COLUMNS = [
    "integration",
    "platform_device_id",
    "imei",
    "model",
    "site_credit_code",
    "building",
    "floor",
    "room",
    "installed_on",
]


# The columns a file must have; the others may be left out.
DEVICE_IMPORT_REQUIRED = ("integration", "platform_device_id", "model", "site_credit_code")


@dataclass
class DeviceImportResult:
    created: int
    updated: int
    errors: list[str]


def devices_import(*, acting_user: User, text: str) -> DeviceImportResult:
    """Register devices from CSV text with the columns of DEVICE_IMPORT_COLUMNS (devices_import_rows)."""
    _ensure_registrar(acting_user)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = reader.fieldnames or []
    # reader.line_num after a row is the file's line that row ended on: the row number a person sees.
    return devices_import_rows(acting_user=acting_user, columns=columns, rows=((reader.line_num, row) for row in reader))


def devices_import_rows(*, acting_user: User, columns: list[str], rows: Iterable[tuple[int, dict]]) -> DeviceImportResult:
    """Register devices from rows (their number in the file, and a dict by the columns of DEVICE_IMPORT_COLUMNS).

    ``integration`` and ``model`` are names; a site is named by its credit code (or, for a
    courtyard without one, by ``site_id`` in that column). Rows are checked all first; nothing is
    saved while any row is wrong, and a row the registration refuses undoes the rows before it.
    """
    _ensure_registrar(acting_user)
    missing = [column for column in DEVICE_IMPORT_REQUIRED if column not in columns]
    if missing:
        raise ApplicationError(_("The file lacks the columns: %(columns)s") % {"columns": ", ".join(missing)})
    integrations = {integration.name: integration for integration in Integration.objects.all()}
    models = {model.name: model for model in DeviceModel.objects.all()}
    sites = Site.objects.filter(grid_scope_q(user=acting_user, prefix="grid__"))
    checked, errors = [], []
    for number, row in rows:
        integration = integrations.get(_text(row.get("integration"), 100))
        model = models.get(_text(row.get("model"), 100))
        code = _text(row.get("site_credit_code"), 40)
        site = sites.filter(credit_code=code).first() if code and not code.isdigit() else sites.filter(pk=code or 0).first()
        problems = []
        if integration is None:
            problems.append(_("unknown integration"))
        if model is None:
            problems.append(_("unknown device model"))
        if site is None:
            problems.append(_("no such site in your scope"))
        if not _text(row.get("platform_device_id"), 64):
            problems.append(_("no platform device id"))
        installed = _text(row.get("installed_on"), 10)
        try:
            installed_on = datetime.date.fromisoformat(installed) if installed else None
        except ValueError:
            problems.append(_("installed_on is not a date (YYYY-MM-DD)"))
            installed_on = None
        if problems:
            errors.append(_("Row %(row)d: %(problems)s") % {"row": number, "problems": "; ".join(problems)})
            continue
        data = {
            "integration": integration,
            "model": model,
            "site": site,
            "platform_device_id": row.get("platform_device_id"),
            "imei": row.get("imei") or "",
            "building": row.get("building") or "",
            "floor": row.get("floor") or "",
            "room": row.get("room") or "",
            "installed_on": installed_on,
        }
        checked.append((number, data))
    if errors:
        return DeviceImportResult(created=0, updated=0, errors=errors)
    created = updated = 0
    with transaction.atomic():
        for number, data in checked:
            existing = Device.objects.filter(
                integration=data["integration"], platform_device_id=_text(data["platform_device_id"], 64)
            ).first()
            try:
                with transaction.atomic():
                    device_register(acting_user=acting_user, data=data, device=existing)
            except PermissionDeniedError:
                raise
            except ApplicationError as error:
                details = [message for messages in error.field_errors.values() for message in messages] or [error.message]
                errors.append(_("Row %(row)d: %(problems)s") % {"row": number, "problems": "; ".join(details)})
                continue
            if existing:
                updated += 1
            else:
                created += 1
        if errors:
            # All or nothing: the rows registered before the refused one are undone with it.
            transaction.set_rollback(True)
            return DeviceImportResult(created=0, updated=0, errors=errors)
    return DeviceImportResult(created=created, updated=updated, errors=[])


@transaction.atomic
def notifier_save(*, acting_user: User | None, data: dict, notifier: Notifier | None = None) -> Notifier:
    _ensure_admin(acting_user)
    notifier = notifier or Notifier()
    notifier.kind = data.get("kind") or ""
    notifier.name = _text(data.get("name"), 100)
    notifier.endpoint = _text(data.get("endpoint"), 500)
    notifier.secret = _text(data.get("secret"), 200)
    notifier.phones = _text(data.get("phones"), 300)
    notifier.active = bool(data.get("active", True))
    try:
        notifier.full_clean()
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error, _("The notifier was not saved; correct the fields marked.")) from None
    notifier.save()
    if "stations" in data:
        notifier.stations.set(data["stations"])
    if "duty_officers" in data:
        notifier.duty_officers.set(data["duty_officers"])
    return notifier


@transaction.atomic
def notifier_reset(*, notifier: Notifier, acting_user: User | None) -> Notifier:
    """The gateway is fixed: clear the failure count (the next failure counts from one)."""
    _ensure_admin(acting_user)
    Notifier.objects.filter(pk=notifier.pk).update(consecutive_failures=0)
    notifier.consecutive_failures = 0
    return notifier
