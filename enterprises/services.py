"""Every write to the registry. Each function is one transaction, checks the acting user's
role and scope itself, and records who changed what.

Input is normalised and validated here, once, so a page, the API, the admin and an
import give the same answer to the same input (``site_normalize_input`` then
``site_check_rules``). The database keeps the invariants (unique credit code, no
twin courtyards, numbers in range); a write that loses a race to one of them is
answered with the same field error as the check before it.
"""

import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Grid, User
from accounts.selectors import ensure_registry_editor, grid_scope_q
from files.storage import delete_if_older, walk
from riskplatform.exceptions import ApplicationError, NotFoundError

from .documents import sniff_document
from .models import Category, RiskColour, Site, SiteChange, SiteDocument, SiteImport
from .validators import normalize_credit_code, normalize_phone

logger = logging.getLogger(__name__)

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
    "has_kitchen",
    "uses_lpg",
    "uses_piped_gas",
    "has_ebike_charging",
    "stores_flammables",
    "status",
]
TEXT_FIELDS = ["name", "address", "responsible_person", "safety_contact", "opening_hours", "facilities_note"]
# Decimal places each decimal field keeps; map tools give more, the registry keeps these.
DECIMAL_PLACES = {"latitude": 6, "longitude": 6, "floor_area": 1}

SITE_NOT_SAVED = gettext_lazy("The site file was not saved; correct the fields marked.")
CREDIT_CODE_TAKEN = gettext_lazy("Another site file already has this credit code.")
NAME_ADDRESS_TAKEN = gettext_lazy(
    "Another site file without a credit code has this name and address; open that file instead of making a twin."
)
GRID_OUTSIDE_AREA = gettext_lazy("That grid is outside your area.")
NO_SUCH_SITE = gettext_lazy("No such site.")


def site_field_display(*, site: Site, field: str) -> Any:
    """A JSON-friendly, human-readable value of a field, as the change history shows it."""
    model_field = Site._meta.get_field(field)
    if model_field.is_relation:
        return str(getattr(site, field)) if getattr(site, model_field.attname) is not None else ""
    value = getattr(site, field)
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def site_normalize_input(*, data: dict[str, Any]) -> dict[str, Any]:
    """The registry's spelling of what a person typed: the one normalisation every front end shares.

    Credit codes in capitals without spaces (empty: none), phone numbers without
    spaces or +86, text trimmed and without NUL characters (which PostgreSQL refuses),
    decimals rounded to the places the registry keeps.
    """
    data = dict(data)
    for field in TEXT_FIELDS:
        if isinstance(data.get(field), str):
            data[field] = data[field].replace("\x00", "").strip()
    if "credit_code" in data:
        data["credit_code"] = normalize_credit_code(data["credit_code"] or "") or None
    for field in ("responsible_phone", "safety_contact_phone"):
        if field in data:
            data[field] = normalize_phone(data[field] or "")
    for field, places in DECIMAL_PLACES.items():
        if data.get(field) is not None:
            data[field] = _rounded(data[field], places)
    return data


def _rounded(value: Any, places: int) -> Any:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return value  # not a number: the field's own validation says so
    if not number.is_finite():
        return value
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def site_check_rules(*, site: Site, database_checks: bool = True) -> None:
    """Rules of a site file beyond one field's format; raises ValidationError by field.

    1. Every field's own validators: credit code per GB 32100, phone numbers, the
       ranges of SITE_BOUNDS, and (with ``database_checks``) a unique credit code.
    2. Enterprises need a credit code; residential courtyards and buildings have none.
    3. A small venue (九小场所) must stay within its category's size limit (DOMAIN.md).
    4. With ``database_checks``, no second file without a credit code has the same
       name and address.

    ``database_checks=False`` skips the checks that cost a query each (category and
    grid exist, uniqueness), for a caller that resolved them in bulk (the import).
    """
    errors: dict[str, list[str]] = {}
    try:
        if database_checks:
            site.full_clean(validate_constraints=False)
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
            if value is not None and field not in errors and value > category.limit_value:
                errors[field] = [
                    _("%(category)s: %(unit)s may be at most %(limit)s, this one has %(value)s. Choose another category.")
                    % {
                        "category": category.name,
                        "limit": category.limit_value,
                        "unit": category.get_limit_kind_display(),
                        "value": value,
                    }
                ]
    if database_checks and not site.credit_code and site.name and site.address and "name" not in errors:
        twins = Site.objects.filter(credit_code__isnull=True, name=site.name, address=site.address).exclude(pk=site.pk)
        if twins.exists():
            errors["name"] = [str(NAME_ADDRESS_TAKEN)]
    if errors:
        raise ValidationError(errors)


def site_apply_fields(*, site: Site, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``data`` on ``site`` and return {field: [old, new]} for the fields that changed.

    For a new site the "changes" are the values given: every field that differs from
    an empty file, each as ["", value].
    """
    unknown = set(data) - set(SITE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before_site = site if site.pk else Site()
    before = {field: site_field_display(site=before_site, field=field) for field in SITE_FIELDS if field in data}
    for field, value in data.items():
        setattr(site, field, value)
    after = {field: site_field_display(site=site, field=field) for field in data}
    changed = [field for field in SITE_FIELDS if field in data and before[field] != after[field]]
    if site.pk:
        return {field: [before[field], after[field]] for field in changed}
    return {field: ["", after[field]] for field in changed if after[field] != ""}


def site_creation_changes(*, site: Site) -> dict[str, list[Any]]:
    """What a new file's first history entry records: its values that differ from an empty file."""
    empty = Site()
    changes = {}
    for field in SITE_FIELDS:
        value = site_field_display(site=site, field=field)
        if value != "" and value != site_field_display(site=empty, field=field):
            changes[field] = ["", value]
    return changes


def _ensure_grid_in_scope(*, acting_user: User, grid: Grid | None) -> None:
    if grid is not None and not Grid.objects.filter(grid_scope_q(user=acting_user), pk=grid.pk).exists():
        raise ApplicationError(str(GRID_OUTSIDE_AREA), field_errors={"grid": [str(GRID_OUTSIDE_AREA)]})


def _locked_site_in_scope(*, site: Site, acting_user: User) -> Site:
    """The site, locked for this transaction, or NotFoundError when it lies outside the user's scope."""
    try:
        return Site.objects.select_for_update().filter(grid_scope_q(user=acting_user, prefix="grid__")).get(pk=site.pk)
    except Site.DoesNotExist:
        raise NotFoundError(str(NO_SUCH_SITE)) from None


def _checked(*, site: Site, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply normalised ``data`` to ``site`` and check it; ApplicationError by field when it fails."""
    changes = site_apply_fields(site=site, data=data)
    try:
        site_check_rules(site=site)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error, str(SITE_NOT_SAVED)) from error
    return changes


def site_check_input(*, data: dict[str, Any], site: Site | None = None) -> None:
    """Raise the ApplicationError that saving ``data`` would raise, without saving (the admin form)."""
    draft = Site.objects.get(pk=site.pk) if site is not None and site.pk else Site()
    _checked(site=draft, data=site_normalize_input(data=data))


def integrity_error_as_field_error(*, error: IntegrityError) -> ApplicationError:
    """The field error for a write that lost a race to one of the database's invariants."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or str(error)
    if "credit_code" in constraint:
        return ApplicationError(str(SITE_NOT_SAVED), field_errors={"credit_code": [str(CREDIT_CODE_TAKEN)]})
    if "site_name_address_unique_without_code" in constraint:
        return ApplicationError(str(SITE_NOT_SAVED), field_errors={"name": [str(NAME_ADDRESS_TAKEN)]})
    logger.warning("Site write refused by the database: %s", error)
    return ApplicationError(_("The registry changed while this was being saved; nothing was saved. Try again."))


def _save(site: Site, **kwargs) -> None:
    try:
        # A savepoint, so that the transaction stays usable to answer with a clear error.
        with transaction.atomic():
            site.save(**kwargs)
    except IntegrityError as error:
        raise integrity_error_as_field_error(error=error) from error


@transaction.atomic
def site_create(*, acting_user: User, data: dict[str, Any]) -> Site:
    ensure_registry_editor(user=acting_user)
    data = site_normalize_input(data=data)
    _ensure_grid_in_scope(acting_user=acting_user, grid=data.get("grid"))
    site = Site()
    changes = _checked(site=site, data=data)
    _save(site)
    SiteChange.objects.create(site=site, actor=acting_user, action=SiteChange.Action.CREATED, changes=changes)
    return site


@transaction.atomic
def site_update(*, site: Site, acting_user: User, data: dict[str, Any], action: str = SiteChange.Action.UPDATED) -> Site:
    """Change a site file of the user's scope; a save that changes nothing records nothing."""
    ensure_registry_editor(user=acting_user)
    data = site_normalize_input(data=data)
    site = _locked_site_in_scope(site=site, acting_user=acting_user)
    if "grid" in data:
        _ensure_grid_in_scope(acting_user=acting_user, grid=data["grid"])
    changes = _checked(site=site, data=data)
    if not changes:
        return site
    _save(site, update_fields=[*changes, "updated_at"])
    SiteChange.objects.create(site=site, actor=acting_user, action=action, changes=changes)
    return site


# --- Documents ------------------------------------------------------------------------------


def _file_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"file": [message]})


@transaction.atomic
def site_document_add(
    *, site: Site, acting_user: User, kind: str, upload, title: str = "", number: str = "", valid_until=None
) -> SiteDocument:
    """Store a licence or other document of a site the user maintains.

    The file is checked by its content (enterprises.documents). It is written before
    the row; if anything after fails, it is removed again, and a file whose row is
    rolled back later is removed by the sweep of orphaned files (enterprises.tasks).
    """
    ensure_registry_editor(user=acting_user)
    site = _locked_site_in_scope(site=site, acting_user=acting_user)
    if kind not in SiteDocument.Kind.values:
        raise ApplicationError(_("Choose the kind of document."), field_errors={"kind": [_("Choose the kind of document.")]})
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise _file_error(
            _("The file is %(size).1f MB; documents may be at most %(max)d MB.")
            % {"size": upload.size / (1024 * 1024), "max": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}
        )
    content_type = sniff_document(upload)
    document = SiteDocument(
        site=site,
        kind=kind,
        title=(title.replace("\x00", "").strip() or upload.name)[:200],
        content_type=content_type,
        size=upload.size,
        number=number.replace("\x00", "").strip(),
        valid_until=valid_until,
        uploaded_by=acting_user,
    )
    document.file.save(upload.name, upload, save=False)
    try:
        document.save()
        SiteChange.objects.create(
            site=site,
            actor=acting_user,
            action=SiteChange.Action.DOCUMENT_ADDED,
            changes={"document": ["", f"{document.get_kind_display()}: {document.title}"]},
        )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def site_document_remove(*, document: SiteDocument, acting_user: User) -> None:
    ensure_registry_editor(user=acting_user)
    site = _locked_site_in_scope(site=document.site, acting_user=acting_user)
    SiteChange.objects.create(
        site=site,
        actor=acting_user,
        action=SiteChange.Action.DOCUMENT_REMOVED,
        changes={"document": [f"{document.get_kind_display()}: {document.title}", ""]},
    )
    stored = document.file
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Stored files that no row refers to -------------------------------------------------------

# Uploads are written before their row commits; a file younger than this may still get its row.
ORPHAN_GRACE = timedelta(hours=1)


def stored_files_sweep(*, older_than: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored documents and import files that no row refers to; return how many.

    A file is written before the row that names it is committed. When that
    transaction rolls back (or the process dies before it commits), the file stays
    behind with no row; once it is older than any transaction could run, it goes.
    """
    storage = SiteDocument._meta.get_field("file").storage
    referenced = set(SiteDocument.objects.values_list("file", flat=True))
    referenced.update(SiteImport.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    for folder in ("site-documents", "site-imports"):
        for directory, files in walk(storage, folder):
            names = (f"{directory}/{name}" for name in files)
            removed += sum(delete_if_older(storage, name, cutoff=cutoff) for name in names if name not in referenced)
    if removed:
        logger.info("Removed %d stored files that no document or import refers to.", removed)
    return removed


# --- The risk colour ------------------------------------------------------------------------


def site_risk_colour_set(*, site_id: int, colour: str) -> None:
    """Write a site's current risk colour. Only hazards.services.reassess_site calls this, inside
    its own transaction and lock, after it has recorded the grade change and its reasons."""
    if colour not in RiskColour.values:
        raise ValueError(f"not a risk colour: {colour!r}")
    Site.objects.filter(pk=site_id).update(risk_colour=colour)


def sites_risk_colour_set(*, colours: dict[int, str]) -> None:
    """``site_risk_colour_set`` for many sites at once ({site id: colour}), for the first grading of many."""
    if any(colour not in RiskColour.values for colour in colours.values()):
        raise ValueError("not a risk colour")
    # One UPDATE per colour and thousand sites: four colours make a handful of plain statements,
    # where bulk_update would build a CASE of every row.
    by_colour: dict[str, list[int]] = {}
    for pk, colour in colours.items():
        by_colour.setdefault(colour, []).append(pk)
    for colour, ids in by_colour.items():
        for start in range(0, len(ids), 1000):
            Site.objects.filter(pk__in=ids[start : start + 1000]).update(risk_colour=colour)
