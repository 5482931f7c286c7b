"""Every write to the registry. Each function is one transaction and records who changed what."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Grid, User
from accounts.selectors import grid_scope_q, user_can_edit_registry
from riskplatform.exceptions import ApplicationError, PermissionDeniedError

from .models import Category, Site, SiteChange, SiteDocument
from .validators import normalize_credit_code, normalize_phone

# The fields of a site file a person edits; their changes are recorded one by one.
SITE_FIELDS = [
    "name",
    "credit_code",
    "category",
    "grid",
    "address",
    "latitude",
    "longitude",
    "responsible_person",
    "responsible_phone",
    "safety_contact",
    "safety_contact_phone",
    "floor_area",
    "storeys",
    "staff_count",
    "capacity",
    "opening_hours",
    "extinguisher_count",
    "hydrant_count",
    "has_fire_alarm_system",
    "has_sprinklers",
    "exit_count",
    "facilities_note",
    "status",
]


def site_field_display(site: Site, field: str) -> Any:
    """A JSON-friendly, human-readable value of a field, as the change history shows it."""
    value = getattr(site, field)
    model_field = Site._meta.get_field(field)
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def site_check_rules(site: Site, *, database_checks: bool = True) -> None:
    """Rules of a site file beyond one field's format; raises ValidationError by field.

    1. Every field's own validators (credit code per GB 32100, phone numbers, uniqueness).
    2. Enterprises need a credit code; residential courtyards and buildings have none.
    3. A small venue (九小场所) must stay within its category's size limit (DOMAIN.md).

    ``database_checks=False`` skips the checks that cost a query each (category and
    grid exist, credit code unique), for a caller that resolved them in bulk.
    """
    errors: dict[str, list[str]] = {}
    try:
        if database_checks:
            site.full_clean()
        else:
            site.full_clean(exclude=["category", "grid"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    category = site.category if site.category_id else None
    if category is not None:
        if category.requires_credit_code and not site.credit_code and "credit_code" not in errors:
            errors["credit_code"] = [
                _("A unit of category %(category)s needs its unified social credit code.") % {"category": category.name}
            ]
        if category.limit_kind:
            field = {
                Category.LimitKind.FLOOR_AREA: "floor_area",
                Category.LimitKind.SEATS: "capacity",
                Category.LimitKind.BEDS: "capacity",
                Category.LimitKind.STAFF: "staff_count",
            }[category.limit_kind]
            value = getattr(site, field)
            if value is not None and value > category.limit_value and field not in errors:
                errors[field] = [
                    _("%(category)s: %(unit)s may be at most %(limit)s, this one has %(value)s. Choose another category.")
                    % {
                        "category": category.name,
                        "limit": category.limit_value,
                        "unit": category.get_limit_kind_display(),
                        "value": value,
                    }
                ]
    if errors:
        raise ValidationError(errors)


def site_normalize_input(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "credit_code" in data:
        data["credit_code"] = normalize_credit_code(data["credit_code"]) or None
    for field in ("responsible_phone", "safety_contact_phone"):
        if field in data:
            data[field] = normalize_phone(data[field])
    for field in ("name", "address", "responsible_person", "safety_contact", "opening_hours"):
        if isinstance(data.get(field), str):
            data[field] = data[field].strip()
    return data


def _ensure_may_write(*, acting_user: User, grid: Grid | None) -> None:
    if not user_can_edit_registry(acting_user):
        raise PermissionDeniedError(_("Only street office staff may change the registry."))
    if grid is not None and not Grid.objects.filter(grid_scope_q(user=acting_user), pk=grid.pk).exists():
        raise ApplicationError(
            _("That grid is outside your area."), field_errors={"grid": [_("That grid is outside your area.")]}
        )


def site_apply_fields(site: Site, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``data`` on ``site`` and return {field: [old, new]} for the fields that changed."""
    before = {field: site_field_display(site, field) for field in SITE_FIELDS} if site.pk else {}
    unknown = set(data) - set(SITE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for field, value in data.items():
        setattr(site, field, value)
    after = {field: site_field_display(site, field) for field in SITE_FIELDS}
    return {field: [before.get(field, ""), after[field]] for field in SITE_FIELDS if before.get(field, "") != after[field]}


@transaction.atomic
def site_create(*, acting_user: User, data: dict[str, Any]) -> Site:
    data = site_normalize_input(data)
    _ensure_may_write(acting_user=acting_user, grid=data.get("grid"))
    site = Site()
    changes = site_apply_fields(site, data)
    try:
        site_check_rules(site)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(
            error, _("The site file was not saved; correct the fields marked.")
        ) from error
    site.save()
    SiteChange.objects.create(site=site, actor=acting_user, action=SiteChange.Action.CREATED, changes=changes)
    return site


@transaction.atomic
def site_update(*, site: Site, acting_user: User, data: dict[str, Any], action: str = SiteChange.Action.UPDATED) -> Site:
    """Change a site file; a save that changes nothing records nothing."""
    data = site_normalize_input(data)
    _ensure_may_write(acting_user=acting_user, grid=data.get("grid", site.grid))
    site = Site.objects.select_for_update().get(pk=site.pk)
    changes = site_apply_fields(site, data)
    if not changes:
        return site
    try:
        site_check_rules(site)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(
            error, _("The site file was not saved; correct the fields marked.")
        ) from error
    site.save(update_fields=[*data.keys(), "updated_at"])
    SiteChange.objects.create(site=site, actor=acting_user, action=action, changes=changes)
    return site


ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


def _sniff_document(upload) -> str:
    """The real type of an uploaded document from its first bytes, not from what the client claims."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""


@transaction.atomic
def site_document_add(
    *, site: Site, acting_user: User, kind: str, upload, title: str = "", number: str = "", valid_until=None
) -> SiteDocument:
    from django.conf import settings

    _ensure_may_write(acting_user=acting_user, grid=None)
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("The file is %(size).1f MB; documents may be at most %(max)d MB.")
            % {"size": upload.size / (1024 * 1024), "max": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)},
            field_errors={"file": [_("File too large.")]},
        )
    content_type = _sniff_document(upload)
    if not content_type:
        message = _("Upload a PDF, JPEG or PNG file; this file is none of them.")
        raise ApplicationError(message, field_errors={"file": [message]})
    if content_type != "application/pdf":
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            message = _("The image is damaged and cannot be read.")
            raise ApplicationError(message, field_errors={"file": [message]}) from error
        upload.seek(0)
    if kind not in SiteDocument.Kind.values:
        raise ApplicationError(_("Choose the kind of document."), field_errors={"kind": [_("Choose the kind of document.")]})
    document = SiteDocument(
        site=site,
        kind=kind,
        title=(title or upload.name)[:200],
        content_type=content_type,
        size=upload.size,
        number=number,
        valid_until=valid_until,
        uploaded_by=acting_user,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    SiteChange.objects.create(
        site=site,
        actor=acting_user,
        action=SiteChange.Action.DOCUMENT_ADDED,
        changes={"document": ["", f"{document.get_kind_display()}: {document.title}"]},
    )
    return document


@transaction.atomic
def site_document_remove(*, document: SiteDocument, acting_user: User) -> None:
    _ensure_may_write(acting_user=acting_user, grid=None)
    SiteChange.objects.create(
        site=document.site,
        actor=acting_user,
        action=SiteChange.Action.DOCUMENT_REMOVED,
        changes={"document": [f"{document.get_kind_display()}: {document.title}", ""]},
    )
    stored = document.file
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
