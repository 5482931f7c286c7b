"""Importing sites from a spreadsheet (.xlsx or .csv), checked into a preview, then committed at once.

1. ``read_sheet`` turns the uploaded bytes into a header map and raw rows. A file
   that cannot be read as a table of sites (wrong type, damaged, empty, missing
   columns, too many rows) raises ApplicationError with one clear message.
2. ``_Plan`` parses every row, checks it with the rules of the site form
   (``services.site_check_rules``), finds rows repeated in the file, and matches
   each row to an existing site by credit code, or by name + address where the row
   has none. Categories, the grids in the user's area and the matching sites are
   loaded up front, so the number of queries does not grow with the rows.
3. ``site_import_create`` stores the file and its preview (counts and every row
   error); ``site_import_commit`` plans again from the stored file in one
   transaction, since the registry may have changed, and writes all rows or none.
   A large file is committed by a Celery task (enterprises.tasks), its progress
   shown on the import's page.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grid, User
from accounts.selectors import ensure_registry_editor, grid_list
from riskplatform.exceptions import ApplicationError

from .models import Category, Site, SiteChange, SiteImport
from .services import integrity_error_as_field_error, site_apply_fields, site_check_rules, site_normalize_input
from .spreadsheets import (
    COLUMN_BY_FIELD,
    FALSE_WORDS,
    NO,
    STATUS_WORDS,
    TRUE_WORDS,
    YES,
    Column,
    Sheet,
    read_sheet,
)

logger = logging.getLogger(__name__)

# Lookups by credit code or name stay below every database's limit on query parameters.
LOOKUP_CHUNK = 2000
# How often (in rows) the progress of a background commit is reported.
PROGRESS_EVERY = 500

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


class _CellError(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # PostgreSQL refuses NUL characters; a spreadsheet cell never means one.
        return value.replace("\x00", "").strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into Excel become numbers: 13800138000.0.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise _CellError(_("Enter a number.")) from None
    if not number.is_finite():
        raise _CellError(_("Enter a number."))
    # Far beyond every bound of the registry (SITE_BOUNDS): refused before rounding it (which cannot) or
    # making it a whole number (which would take the time and memory of its digits, 1e9999999 has ten million).
    if number.adjusted() > 15:
        raise _CellError(_("The number is too large."))
    return number


def _parse(column: Column, value: Any, *, lookups: "_Lookups") -> Any:
    """The field value of one cell, or _CellError; an empty cell gives None."""
    text = _text(value)
    if text == "":
        return None
    if column.kind == "text":
        return text
    if column.kind == "decimal":
        return _decimal(text)
    if column.kind == "coordinate":
        # Range and rounding are the service's, as for the page and the API.
        return _decimal(text)
    if column.kind == "integer":
        number = _decimal(text)
        if number != number.to_integral_value():
            raise _CellError(_("Enter a whole number."))
        return int(number)
    if column.kind == "boolean":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise _CellError(_("Enter 是 (yes) or 否 (no)."))
    if column.kind == "status":
        status = STATUS_WORDS.get(text) or lookups.status_by_word.get(text.lower())
        if status is None:
            raise _CellError(_("Enter 营业, 停业 or 关闭 (operating, suspended or closed)."))
        return status
    if column.kind == "category":
        category = lookups.category(text)
        if category is None:
            raise _CellError(_("Unknown category “%(value)s”; enter a category code such as XS01 or its name.") % {"value": text})
        return category
    if column.kind == "grid":
        return lookups.grid(text)
    raise AssertionError(column.kind)


# --- Planning: lookups, rows, matching ---------------------------------------------------


class _Lookups:
    """Categories and the grids in the user's area, loaded once for the whole file."""

    def __init__(self, *, user: User):
        self.categories_by_code: dict[str, Category] = {}
        self.categories_by_name: dict[str, Category] = {}
        for category in Category.objects.all():
            self.categories_by_code[category.code.upper()] = category
            self.categories_by_name[category.name] = category
        self.grid_ids: set[int] = set()
        self.grids_by_code: dict[str, Grid] = {}
        self.grids_by_label: dict[str, list[Grid]] = {}
        for grid in grid_list(user=user):
            self.grid_ids.add(grid.pk)
            self.grids_by_code[grid.code.upper()] = grid
            # "望江社区 第一网格" (as the export writes it), "望江社区第一网格" or just "第一网格".
            for label in {grid.name, f"{grid.community.name}{grid.name}"}:
                self.grids_by_label.setdefault(label, []).append(grid)
        self.status_by_word = {}
        for value, label in Site.Status.choices:
            self.status_by_word[value] = value
            self.status_by_word[str(label).lower()] = value

    def category(self, text: str) -> Category | None:
        return self.categories_by_code.get(text.upper()) or self.categories_by_name.get(text)

    def grid(self, text: str) -> Grid:
        grid = self.grids_by_code.get(text.upper())
        if grid is not None:
            return grid
        matches = self.grids_by_label.get("".join(text.split()), [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise _CellError(
                _("Several grids in your area are called “%(value)s”; enter the grid code or the community name before it.")
                % {"value": text}
            )
        raise _CellError(
            _("No grid “%(value)s” in your area; enter the code or name of one of your grids (see the template).")
            % {"value": text}
        )


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Fields whose cell was unreadable: their model error would only repeat the first one.
    bad_fields: set[str] = field(default_factory=set)

    def error(self, column_field: str, message: str) -> None:
        column = COLUMN_BY_FIELD.get(column_field)
        self.errors.append({"row": self.number, "column": column.header if column else "", "message": str(message)})
        self.bad_fields.add(column_field)


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sites_by_pk(pks: list[int], *, lock: bool) -> list[Site]:
    """The sites, each loaded once; with ``lock``, locked in ascending primary-key order.

    One order for every commit, so two commits that share sites wait for each other
    instead of deadlocking.
    """
    sites = []
    for chunk in _chunks(sorted(pks)):
        queryset = Site.objects.select_related("category", "grid__community").filter(pk__in=chunk).order_by("pk")
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        sites.extend(queryset)
    return sites


@dataclass
class _Plan:
    """What committing a file would do: the sites to create and update, and every row error."""

    row_count: int = 0
    creates: list[tuple[Site, dict]] = field(default_factory=list)
    updates: list[tuple[Site, dict]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, *, sheet: Sheet, user: User, lock: bool = False, progress: Progress | None = None) -> "_Plan":
        """1. parse every row; 2. load the sites the file may name; 3. match and check each row."""
        lookups = _Lookups(user=user)
        rows = [cls._parse_row(number, values, sheet=sheet, lookups=lookups) for number, values in sheet.rows]
        by_code, by_name_address = cls._existing(rows, lock=lock)
        plan = cls(row_count=len(rows))
        first_row_of_code: dict[str, int] = {}
        first_row_of_name_address: dict[tuple[str, str], int] = {}
        first_row_of_site: dict[int, int] = {}
        for row in rows:
            code = row.data.get("credit_code") or ""
            name_address = (row.data.get("name") or "", row.data.get("address") or "")
            if code and code in first_row_of_code:
                row.error("credit_code", _("The same credit code as row %(row)d.") % {"row": first_row_of_code[code]})
            elif all(name_address) and name_address in first_row_of_name_address:
                earlier = first_row_of_name_address[name_address]
                row.error("name", _("The same name and address as row %(row)d.") % {"row": earlier})
            if code:
                first_row_of_code.setdefault(code, row.number)
            if all(name_address):
                first_row_of_name_address.setdefault(name_address, row.number)
            site = plan._match(
                row, code=code, name_address=name_address, by_code=by_code, by_name_address=by_name_address, lookups=lookups
            )
            if site is not None and site.pk:
                if site.pk in first_row_of_site:
                    row.error("name", _("This row names the same site as row %(row)d.") % {"row": first_row_of_site[site.pk]})
                    site = None
                else:
                    first_row_of_site[site.pk] = row.number
            if site is not None:
                plan._check(row, site)
            plan.errors.extend(row.errors)
            if progress is not None and row.number % PROGRESS_EVERY == 0:
                progress("checking", len(plan.creates) + len(plan.updates) + plan.unchanged, plan.row_count)
        return plan

    @staticmethod
    def _parse_row(number: int, values: tuple, *, sheet: Sheet, lookups: _Lookups) -> _Row:
        row = _Row(number=number, data={})
        for field_name, index in sheet.columns.items():
            column = COLUMN_BY_FIELD[field_name]
            try:
                value = _parse(column, values[index] if index < len(values) else None, lookups=lookups)
            except _CellError as error:
                row.error(field_name, str(error))
                continue
            if value is None:
                model_field = Site._meta.get_field(field_name)
                if column.kind in ("category", "grid"):
                    row.error(field_name, _("This column may not be empty."))
                    continue
                if model_field.null:
                    value = None
                elif model_field.has_default():
                    # An empty count, yes/no or status keeps the site's value (or the default for a new site).
                    continue
                else:
                    value = ""
            row.data[field_name] = value
        row.data = site_normalize_input(data=row.data)
        return row

    @staticmethod
    def _existing(rows: list[_Row], *, lock: bool) -> tuple[dict[str, Site], dict[tuple[str, str], list[Site]]]:
        """The registry's sites the file may name, by credit code and by name + address, anywhere.

        A match outside the user's area is an error of its row (``_match``), not a new
        site: the database allows no twin (a unique credit code; a unique name and
        address among files without one).
        """
        codes = sorted({row.data["credit_code"] for row in rows if row.data.get("credit_code")})
        names = sorted({row.data["name"] for row in rows if row.data.get("name") and row.data.get("address")})
        pks: set[int] = set()
        for chunk in _chunks(codes):
            pks.update(Site.objects.filter(credit_code__in=chunk).values_list("pk", flat=True))
        for chunk in _chunks(names):
            pks.update(Site.objects.filter(name__in=chunk).values_list("pk", flat=True))
        by_code: dict[str, Site] = {}
        by_name_address: dict[tuple[str, str], list[Site]] = {}
        # Read again (locked, at commit), so the matching below sees the rows as they are now.
        for site in _sites_by_pk(list(pks), lock=lock):
            if site.credit_code:
                by_code[site.credit_code] = site
            by_name_address.setdefault((site.name, site.address), []).append(site)
        return by_code, by_name_address

    def _match(self, row: _Row, *, code: str, name_address, by_code, by_name_address, lookups: _Lookups) -> Site | None:
        """The site this row updates, a new unsaved site, or None when the row cannot be matched."""
        if code and code in by_code:
            site = by_code[code]
            if site.grid_id not in lookups.grid_ids:
                row.error(
                    "credit_code",
                    _("A site with this credit code is registered outside your area; it cannot be changed from here."),
                )
                return None
            return site
        candidates = by_name_address.get(name_address, [])
        if code:
            # A site recorded without its code (or before it was known) gets the code now rather than a twin.
            candidates = [site for site in candidates if not site.credit_code]
        if len(candidates) > 1:
            row.error(
                "name",
                _(
                    "Several sites in the registry have this name and address; "
                    "enter the credit code or correct the registry first."
                ),
            )
            return None
        if candidates:
            site = candidates[0]
            if site.grid_id not in lookups.grid_ids:
                row.error(
                    "name",
                    _("A site with this name and address is registered outside your area; it cannot be changed from here."),
                )
                return None
            if not code:
                # A row without a code never erases the code the registry already has.
                row.data.pop("credit_code", None)
            return site
        return Site()

    def _check(self, row: _Row, site: Site) -> None:
        """Apply the row to the site and check it with the rules of the site form."""
        is_new = site.pk is None
        if is_new and ("category" not in row.data or "grid" not in row.data):
            # A new site without its category or grid cannot be shown in the history;
            # its other fields are still checked so the user sees every error at once.
            for name, value in row.data.items():
                if name not in ("category", "grid"):
                    setattr(site, name, value)
            changes = None
        else:
            changes = site_apply_fields(site=site, data=row.data)
        # Category, grid and credit-code uniqueness were resolved for the whole file up front.
        try:
            site_check_rules(site=site, database_checks=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in row.bad_fields:
                    continue
                for message in messages:
                    row.error(name if name in COLUMN_BY_FIELD else "", message)
        if row.errors:
            return
        if is_new:
            self.creates.append((site, changes))
        elif changes:
            self.updates.append((site, changes))
        else:
            self.unchanged += 1

    def write(self, *, acting_user: User, progress: Progress | None = None) -> None:
        """Save the planned creates and updates with their history, in bulk."""
        now = timezone.now()
        total = len(self.creates) + len(self.updates)
        new_sites = [site for site, _changes in self.creates]
        for start in range(0, len(new_sites), 1000):
            Site.objects.bulk_create(new_sites[start : start + 1000])
            if progress is not None:
                progress("writing", min(start + 1000, len(new_sites)), total)
        changed_sites = []
        changed_fields: set[str] = set()
        for site, changes in self.updates:
            site.updated_at = now
            changed_sites.append(site)
            changed_fields.update(changes)
        if changed_sites:
            # Every field changed in some row is written for all changed sites; the sites
            # were locked when planned, so the unchanged values written back are current.
            Site.objects.bulk_update(changed_sites, [*sorted(changed_fields), "updated_at"], batch_size=500)
        history = [
            SiteChange(site=site, actor=acting_user, action=SiteChange.Action.CREATED, changes=changes)
            for site, changes in self.creates
        ] + [
            SiteChange(site=site, actor=acting_user, action=SiteChange.Action.IMPORTED, changes=changes)
            for site, changes in self.updates
        ]
        SiteChange.objects.bulk_create(history, batch_size=1000)


# --- Services ----------------------------------------------------------------------------


def _preview_fields(site_import: SiteImport, plan: _Plan) -> None:
    site_import.row_count = plan.row_count
    site_import.create_count = len(plan.creates)
    site_import.update_count = len(plan.updates)
    site_import.errors = plan.errors


def site_import_create(*, acting_user: User, upload) -> SiteImport:
    """Check an uploaded file into a preview: counts and every row error. Writes no site.

    A file that cannot be read as a table of sites raises ApplicationError and
    leaves nothing behind: neither an import row nor a stored file.
    """
    ensure_registry_editor(user=acting_user)
    # Refused by its size before it is read into memory.
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(max)d MB; split it into smaller files.")
            % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    content = upload.read()
    original_name = Path(upload.name or "").name
    sheet = read_sheet(content=content, name=original_name)
    plan = _Plan.build(sheet=sheet, user=acting_user)
    site_import = SiteImport(original_name=original_name[:255], uploaded_by=acting_user)
    _preview_fields(site_import, plan)
    # The file is kept so that the commit reads it again; a random name keeps the
    # client's file name out of the path (the original is kept in original_name).
    site_import.file.save(f"{uuid.uuid4().hex}{Path(original_name).suffix.lower()}", ContentFile(content), save=False)
    try:
        site_import.save()
    except BaseException:
        site_import.file.delete(save=False)
        raise
    return site_import


def site_import_commit(*, site_import: SiteImport, acting_user: User) -> SiteImport:
    """Write every row of a previewed import, or nothing; a large file in the background.

    A file of more than IMPORT_BACKGROUND_ROWS rows is marked queued and committed by
    a Celery task (``site_import_run_commit``) once this transaction commits; its page
    shows the progress. A smaller one is committed now. Either way the import
    returned says how it went: committed, queued, or back to its preview with
    ``commit_error`` saying why nothing was saved (the registry changed meanwhile).
    """
    ensure_registry_editor(user=acting_user)
    _ensure_committable(site_import)
    if site_import.row_count <= settings.IMPORT_BACKGROUND_ROWS:
        _commit(site_import_id=site_import.pk, acting_user=acting_user)
        site_import.refresh_from_db()
        return site_import
    from .tasks import site_import_commit_task

    with transaction.atomic():
        # Only one click queues it; a second finds it queued already.
        queued = SiteImport.objects.filter(pk=site_import.pk, status=SiteImport.Status.PREVIEWED).update(
            status=SiteImport.Status.QUEUED, committed_by=acting_user, commit_error=""
        )
        if queued != 1:
            raise ApplicationError(_("This import is already being committed."))
        transaction.on_commit(lambda: site_import_commit_task.delay(site_import.pk))
    _report_progress(site_import.pk, "queued", 0, site_import.row_count)
    site_import.refresh_from_db()
    return site_import


def _ensure_committable(site_import: SiteImport) -> None:
    if site_import.status == SiteImport.Status.COMMITTED:
        raise ApplicationError(_("This import was already committed."))
    if site_import.status == SiteImport.Status.QUEUED:
        raise ApplicationError(_("This import is already being committed."))
    if site_import.errors:
        raise ApplicationError(
            _("Errors in the file: %(count)d. Correct them and upload the file again; nothing was saved.")
            % {"count": len(site_import.errors)}
        )


def site_import_run_commit(*, site_import_id: int) -> None:
    """The background commit of a queued import (enterprises.tasks). Safe to run twice:
    an import no longer queued (committed, or handed back with errors) is left alone."""
    site_import = SiteImport.objects.select_related("committed_by").filter(pk=site_import_id).first()
    if site_import is None or site_import.status != SiteImport.Status.QUEUED or site_import.committed_by is None:
        return
    _commit(site_import_id=site_import_id, acting_user=site_import.committed_by)


class _RegistryChanged(Exception):
    def __init__(self, plan: _Plan):
        super().__init__("registry changed")
        self.plan = plan


def _commit(*, site_import_id: int, acting_user: User) -> None:
    """Plan the stored file anew and write it, all or nothing; record the outcome on the import.

    1. In one transaction: lock the import, then (in _Plan.build) the sites it
       matches, in primary-key order; read the stored file again and plan it against
       the registry as it is now.
    2. Any row error now (the registry changed since the preview) rolls everything
       back; the import then shows those errors and why nothing was saved.
    3. Otherwise create and update the sites with their history and mark it committed.
    """

    def progress(stage: str, done: int, total: int) -> None:
        _report_progress(site_import_id, stage, done, total)

    try:
        with transaction.atomic():
            locked = SiteImport.objects.select_for_update().get(pk=site_import_id)
            if locked.status == SiteImport.Status.COMMITTED:
                return
            sheet = read_sheet(content=_stored_content(locked), name=locked.original_name)
            plan = _Plan.build(sheet=sheet, user=acting_user, lock=True, progress=progress)
            if plan.errors:
                raise _RegistryChanged(plan)
            plan.write(acting_user=acting_user, progress=progress)
            _preview_fields(locked, plan)
            locked.status = SiteImport.Status.COMMITTED
            locked.committed_at = timezone.now()
            locked.committed_by = acting_user
            locked.commit_error = ""
            locked.save()
    except _RegistryChanged as changed:
        rows = len({error["row"] for error in changed.plan.errors})
        message = _(
            "The registry has changed since the preview; rows that no longer pass: %(count)d. "
            "Nothing was saved; see the errors below."
        ) % {"count": rows}
        _hand_back(site_import_id, message, plan=changed.plan)
    except IntegrityError as error:
        # Someone registered one of the file's sites between the check and the write.
        detail = integrity_error_as_field_error(error=error)
        message = _("The registry changed while the import was being saved; nothing was saved. Commit again.")
        if detail.field_errors:
            message = f"{message} {next(iter(detail.field_errors.values()))[0]}"
        _hand_back(site_import_id, message)
    except ApplicationError as error:
        _hand_back(site_import_id, error.message)
    except Exception:
        logger.exception("Import %s could not be committed", site_import_id)
        _hand_back(site_import_id, _("The import could not be committed because of an error on the server; nothing was saved."))
        raise
    finally:
        cache.delete(_progress_key(site_import_id))


def _hand_back(site_import_id: int, message: str, *, plan: _Plan | None = None) -> None:
    """Return an import to its preview with why nothing was saved (and the new row errors)."""
    site_import = SiteImport.objects.get(pk=site_import_id)
    if plan is not None:
        _preview_fields(site_import, plan)
    site_import.status = SiteImport.Status.PREVIEWED
    site_import.commit_error = str(message)
    site_import.save(update_fields=["row_count", "create_count", "update_count", "errors", "status", "commit_error"])


def _stored_content(site_import: SiteImport) -> bytes:
    try:
        with site_import.file.open("rb") as stored:
            return stored.read()
    except (FileNotFoundError, ValueError) as error:
        raise ApplicationError(_("The uploaded file is no longer available; upload it again.")) from error


# --- Progress of a background commit ---------------------------------------------------------
# Kept in the cache (Redis in production), since the commit's own transaction shows
# nothing to others until it ends.


def _progress_key(site_import_id: int) -> str:
    return f"site-import-progress:{site_import_id}"


def _report_progress(site_import_id: int, stage: str, done: int, total: int) -> None:
    cache.set(_progress_key(site_import_id), {"stage": stage, "done": done, "total": total}, timeout=3600)


def site_import_progress(*, site_import: SiteImport) -> dict[str, Any]:
    """How far a queued import's commit is: {"stage", "done", "total", "percent"}."""
    state = cache.get(_progress_key(site_import.pk)) or {"stage": "queued", "done": 0, "total": site_import.row_count}
    total = state["total"] or 1
    return {**state, "percent": min(100, round(100 * state["done"] / total))}
