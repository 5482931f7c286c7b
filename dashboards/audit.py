"""The audit log as admins read it: who wrote what, when and from where, for every app.

django-auditlog writes the entries (riskplatform/audit.py, AUDITLOG_INCLUDE_TRACKING_MODELS); this
module reads them, for administrators only, and puts each entry's changes in words: a field by its
name in the reader's language, a choice by its label, a yes or no, a time in the platform's time
zone, a related row by its name (one query per kind of related row on a page, whatever its length).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from files import xlsx
from riskplatform.exceptions import PermissionDeniedError

ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Read"),
}
# auditlog writes a missing value as the text "None".
NOTHING = "None"
M2M_OPERATIONS = {
    "add": gettext_lazy("added"),
    "delete": gettext_lazy("removed"),
    "clear": gettext_lazy("cleared"),
}


def user_may_read_audit_log(*, user: User) -> bool:
    """Administrators read the audit log (issue 11: "readable by admins"); it spans every street."""
    return bool(user.is_authenticated and user.is_active and user.is_admin)


def ensure_audit_reader(*, user: User) -> None:
    if not user_may_read_audit_log(user=user):
        raise PermissionDeniedError(_("Only administrators may read the audit log."))


def audit_entry_list(*, user: User) -> QuerySet[LogEntry]:
    """Every entry, newest first, with who wrote it and the kind of row it is about."""
    ensure_audit_reader(user=user)
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def audited_content_types() -> QuerySet[ContentType]:
    """The kinds of rows the audit log records, for its filter."""
    types = ContentType.objects.get_for_models(*auditlog.get_models())
    return ContentType.objects.filter(pk__in=[content_type.pk for content_type in types.values()])


def content_type_label(content_type: ContentType | None) -> str:
    model = content_type.model_class() if content_type else None
    if model is None:
        return content_type.model if content_type else ""
    return capfirst(model._meta.verbose_name)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def entries_with_changes(entries: Iterable[LogEntry]) -> list[LogEntry]:
    """The entries, each with ``change_list`` (its changes in words) and ``action_label``.

    1. Read every entry's changes, and note the related rows they name, by model.
    2. Read those rows, one query per model, with their own related rows (a grid's community).
    3. Put each change in words.
    """
    entries = list(entries)
    parsed, wanted = [], {}
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        changes = entry.changes_dict if isinstance(entry.changes_dict, dict) else {}
        fields = {name: _field(model, name) for name in changes}
        for name, values in changes.items():
            field = fields[name]
            if _points_to_one(field) and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(value for value in values if value not in (None, NOTHING))
        parsed.append((entry, changes, fields))
    names = {model: _names_of(model, keys) for model, keys in wanted.items()}
    for entry, changes, fields in parsed:
        entry.action_label = str(ACTION_LABELS.get(entry.action, entry.action))
        entry.type_label = content_type_label(entry.content_type)
        entry.change_list = [
            _change(name, values, fields[name], names) for name, values in changes.items() if _shown(fields[name])
        ]
    return entries


def _points_to_one(field) -> bool:
    return field is not None and field.concrete and bool(field.many_to_one or field.one_to_one)


def _shown(field) -> bool:
    """The primary key is the record's own number, shown beside it; the rows that point to a new row
    (its reverse relations, which auditlog lists on a creation) are not its fields."""
    if field is None:
        return True
    return field.concrete and not field.primary_key


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _names_of(model, keys: set) -> dict[str, str]:
    pks = []
    for key in keys:
        try:
            pks.append(model._meta.pk.to_python(key))
        except Exception:  # a value auditlog wrote in an older form: shown as it is
            continue
    related = [field.name for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one]
    rows = model._default_manager.select_related(*related).in_bulk(pks)
    return {str(pk): str(row) for pk, row in rows.items()}


def _change(name: str, values, field, names: dict) -> Change:
    label = capfirst(str(field.verbose_name)) if field is not None and hasattr(field, "verbose_name") else name
    if isinstance(values, dict):
        # A many-to-many change: {"type": "m2m", "operation": "add", "objects": [...]}.
        operation = M2M_OPERATIONS.get(values.get("operation"), values.get("operation", ""))
        objects = "、".join(str(item) for item in values.get("objects", []))
        return Change(label, "", f"{operation}: {objects}" if objects else str(operation))
    before, after = (list(values) + [NOTHING, NOTHING])[:2]
    return Change(label, _value(before, field, names), _value(after, field, names))


def _value(value, field, names: dict) -> str:
    if value is None or value == NOTHING or value == "":
        return "—"
    value = str(value)
    if field is None:
        return value
    if _points_to_one(field):
        name = names.get(field.related_model, {}).get(value)
        return f"{name} (#{value})" if name else f"#{value}"
    if getattr(field, "flatchoices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(value, value))
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return _("Yes") if value == "True" else _("No") if value == "False" else value
    if internal == "DateTimeField":
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_fixed_timezone(0))
            return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
    return value


def changes_text(entry: LogEntry) -> str:
    """An entry's changes on one line, for the export: "名称: 甲 → 乙; 状态: 营业 → 停业"."""
    parts = []
    for change in entry.change_list:
        values = change.after if not change.before else f"{change.before} → {change.after}"
        parts.append(f"{change.field}: {values}")
    return "; ".join(parts)


def audit_export_columns() -> list[xlsx.Column]:
    """The export's columns, headed in the office's language (files.xlsx writes them in it)."""
    return [
        xlsx.Column(gettext_lazy("Time"), lambda entry: entry.timestamp, width=17),
        xlsx.Column(gettext_lazy("Who"), lambda entry: entry.actor.display_name if entry.actor else _("The system"), width=12),
        xlsx.Column(gettext_lazy("User name"), lambda entry: entry.actor.username if entry.actor else None, width=12),
        xlsx.Column(gettext_lazy("Action"), lambda entry: entry.action_label, width=8),
        xlsx.Column(gettext_lazy("Kind of record"), lambda entry: entry.type_label, width=14),
        xlsx.Column(gettext_lazy("Record ID"), lambda entry: entry.object_pk, width=10),
        xlsx.Column(gettext_lazy("Record"), lambda entry: entry.object_repr, width=24),
        xlsx.Column(gettext_lazy("Changes"), changes_text, width=60),
        xlsx.Column(gettext_lazy("From address"), lambda entry: entry.remote_addr, width=16),
    ]


def audit_export_source(request) -> xlsx.ExportSource:
    """The audit log of ``request`` (administrators only, its filters), newest first, with each entry's changes in words."""
    from .filters import AuditFilter

    return xlsx.filtered_source(
        request,
        filterset_class=AuditFilter,
        queryset=audit_entry_list(user=request.user),
        title=gettext_lazy("Audit log"),
        columns=audit_export_columns(),
        read=entries_in_batches,
    )


def entries_in_batches(entries: QuerySet[LogEntry], *, size: int = 1000) -> Iterator[LogEntry]:
    """Every entry of a long list with its changes in words, read ``size`` at a time (the export)."""
    batch = []
    for entry in entries.iterator(chunk_size=size):
        batch.append(entry)
        if len(batch) == size:
            yield from entries_with_changes(batch)
            batch = []
    yield from entries_with_changes(batch)
