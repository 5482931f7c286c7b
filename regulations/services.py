"""Every write to the regulation library. Each function is one transaction, lets only
administrators change the library, and records who changed what.

Input is normalised and validated here, once (``checklist_version_input`` for the
versions of checklist items), so the pages, the admin and the seed give the same answer
to the same input. A checklist item is never rewritten: a revision that changes anything
is a new version, made under a lock on the item so that two revisions at once get
consecutive numbers.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from enterprises.models import Category
from riskplatform.exceptions import ApplicationError, ConflictError

from .lec import CONSEQUENCE_VALUES, EXPOSURE_VALUES, LIKELIHOOD_VALUES
from .models import (
    COUNT_RULES,
    NUMERIC_RULES,
    ChecklistItem,
    ChecklistItemVersion,
    Clause,
    LegalBasis,
    LibraryChange,
    RiskFactorTemplate,
    RuleKind,
    Severity,
)
from .numbering import clause_sort_key
from .rules import ConditionError, describe_condition, format_number, normalize_conditions
from .selectors import ensure_library_editor

BASIS_FIELDS = ["kind", "code", "title", "edition", "in_force_from", "superseded_by", "issuer"]
CLAUSE_FIELDS = ["number", "text"]
# What a checklist item version holds; a revision that changes none of these makes no version.
VERSION_FIELDS = [
    "requirement",
    "basis",
    "clause",
    "rule_kind",
    "threshold",
    "unit",
    "pass_answer",
    "choices",
    "severity",
    "categories",
    "conditions",
]
RISK_FACTOR_FIELDS = [
    "category",
    "name",
    "description",
    "likelihood",
    "exposure",
    "consequence",
    "control_measures",
    "basis",
    "clause",
    "is_active",
    "position",
]
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
# Major findings are those of a direct criterion of GB 35181 (DOMAIN.md): a major item cites it.
MAJOR_BASIS_PREFIX = "GB 35181"
MAX_CHOICES = 20

BASIS_NOT_SAVED = gettext_lazy("The legal basis was not saved; correct the fields marked.")
CLAUSE_NOT_SAVED = gettext_lazy("The clause was not saved; correct the fields marked.")
ITEM_NOT_SAVED = gettext_lazy("The checklist item was not saved; correct the fields marked.")
RISK_FACTOR_NOT_SAVED = gettext_lazy("The risk factor was not saved; correct the fields marked.")


# --- Shared helpers ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Text as the library keeps it: trimmed, without NUL characters (PostgreSQL refuses them)."""
    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()


def _instance(model, value, errors: dict, field: str, message: str):
    """``value`` as a row of ``model`` (a row, a primary key or nothing); records ``message`` if there is none."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (model.DoesNotExist, ValueError, TypeError):
        errors.setdefault(field, []).append(message)
        return None


def _shown(value: Any) -> Any:
    """A value as the change log records it: JSON-friendly and readable."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return format_number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "_meta"):
        return str(value)
    return value


def _log(*, entity: str, obj, action: str, actor: User | None, changes: dict | None = None) -> None:
    LibraryChange.objects.create(
        entity=entity, object_id=obj.pk, label=str(obj)[:200], action=action, actor=actor, changes=changes or {}
    )


def _checked(obj, *, message, exclude: list[str] | None = None, validate_unique: bool = True) -> None:
    """Run the model's own field validation; its errors become the service's field errors."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error, str(message)) from error


def _save(obj, *, message, field: str, taken: str, **kwargs) -> None:
    """Save in a savepoint; a uniqueness race lost to another writer becomes the field error."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as error:
        raise ApplicationError(str(message), field_errors={field: [taken]}) from error


def _apply(obj, data: dict, fields: list[str]) -> dict[str, list]:
    """Set ``data`` on ``obj``; {field: [old, new]} for the fields that changed."""
    changes = {}
    for field in fields:
        if field not in data:
            continue
        try:
            old = getattr(obj, field)
        except ObjectDoesNotExist:  # a relation not set yet on a new row
            old = None
        new = data[field]
        if old != new:
            changes[field] = [_shown(old), _shown(new)]
            setattr(obj, field, new)
    return changes


# --- Legal bases ------------------------------------------------------------------------------


def legal_basis_normalize_input(*, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(BASIS_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = dict(data)
    for field in ("code", "title", "edition", "issuer"):
        if field in data:
            data[field] = _text(data[field])
    if "code" in data:
        # "GB  50140-2005" and "GB 50140-2005" are one document.
        data["code"] = re.sub(r"\s+", " ", data["code"])
    if "superseded_by" in data:
        errors: dict = {}
        data["superseded_by"] = _instance(LegalBasis, data["superseded_by"], errors, "superseded_by", _("No such legal basis."))
        if errors:
            raise ApplicationError(str(BASIS_NOT_SAVED), field_errors=errors)
    return data


def _check_code_free(*, basis: LegalBasis) -> None:
    if LegalBasis.objects.filter(code=basis.code).exclude(pk=basis.pk).exists():
        raise ApplicationError(str(BASIS_NOT_SAVED), field_errors={"code": [_("Another legal basis already has this code.")]})


def _check_supersession(*, basis: LegalBasis) -> None:
    """A basis is never superseded by itself, directly or around a circle."""
    seen = {basis.pk} if basis.pk else set()
    successor = basis.superseded_by
    while successor is not None:
        if successor.pk in seen or successor is basis:
            message = _("A document cannot be superseded by itself, directly or through others.")
            raise ApplicationError(str(BASIS_NOT_SAVED), field_errors={"superseded_by": [message]})
        seen.add(successor.pk)
        successor = successor.superseded_by


@transaction.atomic
def legal_basis_create(*, acting_user: User, data: dict[str, Any]) -> LegalBasis:
    ensure_library_editor(user=acting_user)
    data = legal_basis_normalize_input(data=data)
    basis = LegalBasis()
    changes = _apply(basis, data, BASIS_FIELDS)
    _checked(basis, message=BASIS_NOT_SAVED, validate_unique=False)
    _check_code_free(basis=basis)
    _check_supersession(basis=basis)
    _save(basis, message=BASIS_NOT_SAVED, field="code", taken=_("Another legal basis already has this code."))
    _log(
        entity=LibraryChange.Entity.LEGAL_BASIS,
        obj=basis,
        action=LibraryChange.Action.CREATED,
        actor=acting_user,
        changes=changes,
    )
    return basis


@transaction.atomic
def legal_basis_update(*, basis: LegalBasis, acting_user: User, data: dict[str, Any]) -> LegalBasis:
    """Change a legal basis; a save that changes nothing records nothing."""
    ensure_library_editor(user=acting_user)
    data = legal_basis_normalize_input(data=data)
    basis = LegalBasis.objects.select_for_update().get(pk=basis.pk)
    changes = _apply(basis, data, BASIS_FIELDS)
    if not changes:
        return basis
    _checked(basis, message=BASIS_NOT_SAVED, validate_unique=False)
    _check_code_free(basis=basis)
    _check_supersession(basis=basis)
    _save(
        basis,
        message=BASIS_NOT_SAVED,
        field="code",
        taken=_("Another legal basis already has this code."),
        update_fields=[*changes, "updated_at"],
    )
    _log(
        entity=LibraryChange.Entity.LEGAL_BASIS,
        obj=basis,
        action=LibraryChange.Action.UPDATED,
        actor=acting_user,
        changes=changes,
    )
    return basis


# --- Clauses ------------------------------------------------------------------------------------


def clause_normalize_input(*, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(CLAUSE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = {field: _text(value) for field, value in data.items()}
    if "number" in data:
        # "6.1.1" as written in the standard: no section sign, no spaces.
        data["number"] = re.sub(r"\s+", "", data["number"]).lstrip("§")
    return data


CLAUSE_TAKEN = gettext_lazy("This document already has a clause with this number.")


@transaction.atomic
def clause_create(*, basis: LegalBasis, acting_user: User, data: dict[str, Any]) -> Clause:
    ensure_library_editor(user=acting_user)
    data = clause_normalize_input(data=data)
    basis = LegalBasis.objects.select_for_update().get(pk=basis.pk)
    clause = Clause(basis=basis)
    changes = _apply(clause, data, CLAUSE_FIELDS)
    _checked(clause, message=CLAUSE_NOT_SAVED, exclude=["basis"])
    clause.sort_key = clause_sort_key(clause.number)
    if Clause.objects.filter(basis=basis, number=clause.number).exists():
        raise ApplicationError(str(CLAUSE_NOT_SAVED), field_errors={"number": [str(CLAUSE_TAKEN)]})
    _save(clause, message=CLAUSE_NOT_SAVED, field="number", taken=str(CLAUSE_TAKEN))
    _log(entity=LibraryChange.Entity.CLAUSE, obj=clause, action=LibraryChange.Action.CREATED, actor=acting_user, changes=changes)
    return clause


@transaction.atomic
def clause_update(*, clause: Clause, acting_user: User, data: dict[str, Any]) -> Clause:
    """Change a clause's number or text. Versions citing it keep citing the same row."""
    ensure_library_editor(user=acting_user)
    data = clause_normalize_input(data=data)
    clause = Clause.objects.select_for_update(of=("self",)).select_related("basis").get(pk=clause.pk)
    changes = _apply(clause, data, CLAUSE_FIELDS)
    if not changes:
        return clause
    _checked(clause, message=CLAUSE_NOT_SAVED, exclude=["basis"])
    clause.sort_key = clause_sort_key(clause.number)
    if Clause.objects.filter(basis=clause.basis_id, number=clause.number).exclude(pk=clause.pk).exists():
        raise ApplicationError(str(CLAUSE_NOT_SAVED), field_errors={"number": [str(CLAUSE_TAKEN)]})
    _save(clause, message=CLAUSE_NOT_SAVED, field="number", taken=str(CLAUSE_TAKEN), update_fields=[*changes, "sort_key"])
    _log(entity=LibraryChange.Entity.CLAUSE, obj=clause, action=LibraryChange.Action.UPDATED, actor=acting_user, changes=changes)
    return clause


# --- Checklist items ----------------------------------------------------------------------------


def _threshold(value, *, kind: str, errors: dict) -> Decimal | None:
    numeric = kind in NUMERIC_RULES
    if value in (None, ""):
        if numeric:
            errors["threshold"] = [_("A count or measurement rule needs a threshold.")]
        return None
    if not numeric:
        errors["threshold"] = [_("Only count and measurement rules have a threshold.")]
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if isinstance(value, bool) or not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["threshold"] = [_("Enter a number.")]
        return None
    if number < 0:
        errors["threshold"] = [_("The threshold cannot be negative.")]
    elif kind in COUNT_RULES and number != number.to_integral_value():
        errors["threshold"] = [_("A count is a whole number.")]
    elif number != number.quantize(Decimal("0.001")) or number >= Decimal("1000000000"):
        errors["threshold"] = [_("Enter a number below one billion with at most three decimals.")]
    return number


def _choices(value, *, kind: str, errors: dict) -> list[dict]:
    if kind != RuleKind.CHOICE:
        return []
    message = _("List at least two values, at least one that passes and one that fails.")
    if not isinstance(value, (list, tuple)):
        errors["choices"] = [message]
        return []
    choices, seen = [], set()
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("passes"), bool):
            errors["choices"] = [_("Each value says whether it passes.")]
            return []
        text = _text(entry.get("value"))
        if not text or len(text) > 100:
            errors["choices"] = [_("Each value has 1 to 100 characters.")]
            return []
        if text in seen:
            errors["choices"] = [_("%(value)s is listed twice.") % {"value": text}]
            return []
        seen.add(text)
        choices.append({"value": text, "passes": entry["passes"]})
    outcomes = {choice["passes"] for choice in choices}
    if len(choices) < 2 or outcomes != {True, False}:
        errors["choices"] = [message]
    elif len(choices) > MAX_CHOICES:
        errors["choices"] = [_("At most %(count)d values.") % {"count": MAX_CHOICES}]
    return choices


def checklist_version_input(*, data: dict[str, Any]) -> dict[str, Any]:
    """What a checklist item version would hold, normalised and checked, or ApplicationError by field.

    1. Text trimmed; requirement required; a clause must belong to the chosen basis.
    2. Count and measurement rules need a threshold of 0 or more (a count: a whole
       number); yes/no and choice rules have none. Units only for numeric rules.
    3. Yes/no says which answer passes (yes unless told); a choice lists its values, at
       least one passing and one failing.
    4. Major only citing GB 35181 (a direct criterion); conditions from the fixed table of
       site attributes and operators (regulations.rules).
    """
    errors: dict[str, list[str]] = {}
    requirement = _text(data.get("requirement"))
    if not requirement:
        errors["requirement"] = [_("Write the requirement the grid worker checks.")]
    elif len(requirement) > 500:
        errors["requirement"] = [_("At most 500 characters.")]
    basis = _instance(LegalBasis, data.get("basis"), errors, "basis", _("No such legal basis."))
    if basis is None and "basis" not in errors:
        errors["basis"] = [_("Choose the document the requirement comes from.")]
    clause = _instance(Clause, data.get("clause"), errors, "clause", _("No such clause."))
    if clause is not None and basis is not None and clause.basis_id != basis.pk:
        errors["clause"] = [
            _("Clause %(number)s belongs to %(other)s, not to %(basis)s.")
            % {"number": clause.number, "other": clause.basis.code, "basis": basis.code}
        ]
    kind = _text(data.get("rule_kind"))
    if kind not in RuleKind.values:
        errors["rule_kind"] = [_("Choose how the answer is judged.")]
    threshold = _threshold(data.get("threshold"), kind=kind, errors=errors)
    unit = _text(data.get("unit")) if kind in NUMERIC_RULES else ""
    if len(unit) > 20:
        errors["unit"] = [_("At most 20 characters.")]
    pass_answer = None
    if kind == RuleKind.YES_NO:
        pass_answer = data.get("pass_answer")
        if pass_answer is None:
            pass_answer = True
        if not isinstance(pass_answer, bool):
            errors["pass_answer"] = [_("Say whether yes or no passes.")]
    choices = _choices(data.get("choices"), kind=kind, errors=errors)
    severity = _text(data.get("severity")) or Severity.GENERAL
    if severity not in Severity.values:
        errors["severity"] = [_("Choose general or major.")]
    elif severity == Severity.MAJOR and basis is not None and not basis.code.startswith(MAJOR_BASIS_PREFIX):
        errors["severity"] = [_("Major only where a direct criterion of GB 35181 applies: cite GB 35181.")]
    categories: list[Category] = []
    for value in data.get("categories") or []:
        category = _instance(Category, value, errors, "categories", _("No such category."))
        if category is not None and category.pk not in {known.pk for known in categories}:
            categories.append(category)
    categories.sort(key=lambda category: category.code)
    try:
        conditions = normalize_conditions(data.get("conditions"))
    except ConditionError as error:
        errors["conditions"] = [str(error)]
        conditions = []
    note = _text(data.get("note"))
    if len(note) > 300:
        errors["note"] = [_("At most 300 characters.")]
    if errors:
        raise ApplicationError(str(ITEM_NOT_SAVED), field_errors=errors)
    return {
        "requirement": requirement,
        "basis": basis,
        "clause": clause,
        "rule_kind": kind,
        "threshold": threshold,
        "unit": unit,
        "pass_answer": pass_answer,
        "choices": choices,
        "severity": severity,
        "categories": categories,
        "conditions": conditions,
        "note": note,
    }


def _version_values(version: ChecklistItemVersion) -> dict[str, Any]:
    """A version's content in the shape of ``checklist_version_input``, to compare and to revise from."""
    return {
        "requirement": version.requirement,
        "basis": version.basis,
        "clause": version.clause,
        "rule_kind": version.rule_kind,
        "threshold": version.threshold,
        "unit": version.unit,
        "pass_answer": version.pass_answer,
        "choices": version.choices,
        "severity": version.severity,
        "categories": sorted(version.categories.all(), key=lambda category: category.code),
        "conditions": version.conditions,
    }


def _comparable(field: str, value: Any) -> Any:
    if field == "categories":
        return sorted(category.pk for category in value)
    if hasattr(value, "_meta"):
        return value.pk
    return value


def _shown_field(field: str, value: Any) -> Any:
    if field == "categories":
        return "、".join(category.name for category in value)
    if field == "conditions":
        return "；".join(describe_condition(condition) for condition in value)
    if field == "choices":
        return "；".join(f"{choice['value']}{'✓' if choice['passes'] else '✗'}" for choice in value)
    return _shown(value)


def _make_version(*, item: ChecklistItem, number: int, values: dict[str, Any], acting_user: User) -> ChecklistItemVersion:
    version = ChecklistItemVersion(
        item=item,
        version=number,
        created_by=acting_user,
        **{field: values[field] for field in VERSION_FIELDS if field != "categories"},
        note=values["note"],
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:
        # The lock on the item makes this unreachable for revisions through this service.
        raise ApplicationError(_("The item changed while this was being saved; nothing was saved. Try again.")) from error
    version.categories.set(values["categories"])
    return version


@transaction.atomic
def checklist_item_create(*, acting_user: User, data: dict[str, Any]) -> ChecklistItem:
    """A new checklist item with its first version; ``data`` holds ``code`` and the version's fields."""
    ensure_library_editor(user=acting_user)
    data = dict(data)
    unknown = set(data) - {*VERSION_FIELDS, "note", "code"}
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    code = _text(data.pop("code", "")).upper()
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.match(code):
        errors["code"] = [_("2 to 20 capital letters, digits and hyphens, for example EXT-01.")]
    elif ChecklistItem.objects.filter(code=code).exists():
        errors["code"] = [_("Another checklist item already has this code.")]
    try:
        values = checklist_version_input(data=data)
    except ApplicationError as error:
        raise ApplicationError(error.message, field_errors={**errors, **error.field_errors}) from None
    if errors:
        raise ApplicationError(str(ITEM_NOT_SAVED), field_errors=errors)
    item = ChecklistItem(code=code)
    _save(item, message=ITEM_NOT_SAVED, field="code", taken=_("Another checklist item already has this code."))
    version = _make_version(item=item, number=1, values=values, acting_user=acting_user)
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    changes = {field: ["", _shown_field(field, values[field])] for field in VERSION_FIELDS if values[field] not in (None, "", [])}
    _log(
        entity=LibraryChange.Entity.CHECKLIST_ITEM,
        obj=item,
        action=LibraryChange.Action.CREATED,
        actor=acting_user,
        changes=changes,
    )
    return item


@transaction.atomic
def checklist_item_revise(*, item: ChecklistItem, acting_user: User, data: dict[str, Any]) -> ChecklistItemVersion:
    """Revise an item: a new version when anything changed, else the current version.

    ``data`` holds the fields to change (the rest keep the current version's values) and
    an optional ``note``. The item's row is locked first, so that a revision at the same
    moment waits and then numbers its version after this one: never two versions with one
    number. Versions already made, and the inspections that used them, are untouched.
    """
    ensure_library_editor(user=acting_user)
    unknown = set(data) - {*VERSION_FIELDS, "note"}
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    current = ChecklistItemVersion.objects.select_related("basis", "clause").get(pk=item.current_version_id)
    before = _version_values(current)
    values = checklist_version_input(data={**before, **data})
    changed = [field for field in VERSION_FIELDS if _comparable(field, before[field]) != _comparable(field, values[field])]
    if not changed:
        return current
    number = (item.versions.aggregate(highest=Max("version"))["highest"] or 0) + 1
    version = _make_version(item=item, number=number, values=values, acting_user=acting_user)
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    changes = {field: [_shown_field(field, before[field]), _shown_field(field, values[field])] for field in changed}
    changes["version"] = [current.version, version.version]
    _log(
        entity=LibraryChange.Entity.CHECKLIST_ITEM,
        obj=item,
        action=LibraryChange.Action.REVISED,
        actor=acting_user,
        changes=changes,
    )
    return version


@transaction.atomic
def checklist_item_retire(*, item: ChecklistItem, acting_user: User) -> ChecklistItem:
    """Stop using an item in new checklists; checklists already made keep it."""
    ensure_library_editor(user=acting_user)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_active:
        raise ConflictError(_("Checklist item %(code)s is already retired.") % {"code": item.code})
    item.is_active = False
    item.save(update_fields=["is_active", "updated_at"])
    _log(
        entity=LibraryChange.Entity.CHECKLIST_ITEM,
        obj=item,
        action=LibraryChange.Action.RETIRED,
        actor=acting_user,
        changes={"is_active": [True, False]},
    )
    return item


@transaction.atomic
def checklist_item_restore(*, item: ChecklistItem, acting_user: User) -> ChecklistItem:
    """Use a retired item again, at its current version."""
    ensure_library_editor(user=acting_user)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if item.is_active:
        raise ConflictError(_("Checklist item %(code)s is in use already.") % {"code": item.code})
    item.is_active = True
    item.save(update_fields=["is_active", "updated_at"])
    _log(
        entity=LibraryChange.Entity.CHECKLIST_ITEM,
        obj=item,
        action=LibraryChange.Action.RESTORED,
        actor=acting_user,
        changes={"is_active": [False, True]},
    )
    return item


# --- Risk factor templates ---------------------------------------------------------------------


def _scale_value(value, allowed: list[Decimal], field: str, errors: dict) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if isinstance(value, bool) or number is None or number not in allowed:
        errors[field] = [_("Choose a value of the scale: %(values)s.") % {"values": ", ".join(format_number(v) for v in allowed)}]
        return None
    return allowed[allowed.index(number)]


def risk_factor_normalize_input(*, data: dict[str, Any], template: RiskFactorTemplate | None = None) -> dict[str, Any]:
    """A risk factor's fields normalised and checked (L, E, C on their scales; a clause of its basis)."""
    unknown = set(data) - {*RISK_FACTOR_FIELDS, "code"}
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = dict(data)
    errors: dict[str, list[str]] = {}
    for field in ("code", "name", "description", "control_measures"):
        if field in data:
            data[field] = _text(data[field])
    if "code" in data:
        data["code"] = data["code"].upper()
        if not CODE_PATTERN.match(data["code"]):
            errors["code"] = [_("2 to 20 capital letters, digits and hyphens, for example RF-XS02-01.")]
    if "category" in data:
        data["category"] = _instance(Category, data["category"], errors, "category", _("No such category."))
    for field, allowed in (("likelihood", LIKELIHOOD_VALUES), ("exposure", EXPOSURE_VALUES), ("consequence", CONSEQUENCE_VALUES)):
        if field in data:
            data[field] = _scale_value(data[field], allowed, field, errors)
    if "basis" in data:
        data["basis"] = _instance(LegalBasis, data["basis"], errors, "basis", _("No such legal basis."))
    if "clause" in data:
        data["clause"] = _instance(Clause, data["clause"], errors, "clause", _("No such clause."))
    basis = data["basis"] if "basis" in data else (template.basis if template else None)
    clause = data["clause"] if "clause" in data else (template.clause if template else None)
    if clause is not None and basis is None and "basis" not in errors:
        # A clause names its document: take it.
        data["basis"] = basis = clause.basis
    if clause is not None and basis is not None and clause.basis_id != basis.pk:
        errors["clause"] = [
            _("Clause %(number)s belongs to %(other)s, not to %(basis)s.")
            % {"number": clause.number, "other": clause.basis.code, "basis": basis.code}
        ]
    if "is_active" in data and not isinstance(data["is_active"], bool):
        errors["is_active"] = [_("Say whether the factor is in use.")]
    if errors:
        raise ApplicationError(str(RISK_FACTOR_NOT_SAVED), field_errors=errors)
    return data


def _check_risk_factor(template: RiskFactorTemplate) -> None:
    _checked(template, message=RISK_FACTOR_NOT_SAVED, exclude=["category", "basis", "clause"], validate_unique=False)
    duplicate = RiskFactorTemplate.objects.filter(category=template.category_id, name=template.name).exclude(pk=template.pk)
    if duplicate.exists():
        message = _("This category already has a risk factor with this name.")
        raise ApplicationError(str(RISK_FACTOR_NOT_SAVED), field_errors={"name": [message]})
    if RiskFactorTemplate.objects.filter(code=template.code).exclude(pk=template.pk).exists():
        message = _("Another risk factor already has this code.")
        raise ApplicationError(str(RISK_FACTOR_NOT_SAVED), field_errors={"code": [message]})


@transaction.atomic
def risk_factor_template_create(*, acting_user: User, data: dict[str, Any]) -> RiskFactorTemplate:
    ensure_library_editor(user=acting_user)
    data = risk_factor_normalize_input(data=data)
    missing = [field for field in ("code", "category", "name", "likelihood", "exposure", "consequence") if not data.get(field)]
    if missing:
        message = _("This field is required.")
        raise ApplicationError(str(RISK_FACTOR_NOT_SAVED), field_errors={field: [message] for field in missing})
    template = RiskFactorTemplate()
    changes = _apply(template, data, ["code", *RISK_FACTOR_FIELDS])
    _check_risk_factor(template)
    _save(
        template, message=RISK_FACTOR_NOT_SAVED, field="name", taken=_("This category already has a risk factor with this name.")
    )
    _log(
        entity=LibraryChange.Entity.RISK_FACTOR,
        obj=template,
        action=LibraryChange.Action.CREATED,
        actor=acting_user,
        changes=changes,
    )
    return template


@transaction.atomic
def risk_factor_template_update(*, template: RiskFactorTemplate, acting_user: User, data: dict[str, Any]) -> RiskFactorTemplate:
    """Change a risk factor template; sites already graded keep the values they were given."""
    ensure_library_editor(user=acting_user)
    template = RiskFactorTemplate.objects.select_for_update(of=("self",)).select_related("basis", "clause").get(pk=template.pk)
    data = risk_factor_normalize_input(data=data, template=template)
    data.pop("code", None)  # The code is the template's identity for the seed; it never changes.
    changes = _apply(template, data, RISK_FACTOR_FIELDS)
    if not changes:
        return template
    _check_risk_factor(template)
    _save(
        template,
        message=RISK_FACTOR_NOT_SAVED,
        field="name",
        taken=_("This category already has a risk factor with this name."),
        update_fields=[*changes, "updated_at"],
    )
    _log(
        entity=LibraryChange.Entity.RISK_FACTOR,
        obj=template,
        action=LibraryChange.Action.UPDATED,
        actor=acting_user,
        changes=changes,
    )
    return template
