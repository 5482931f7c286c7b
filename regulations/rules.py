"""What a checklist item's rule and conditions mean, in one table.

A condition tests one attribute of a site (its file in the registry) with one operator.
The services validate conditions against CONDITION_ATTRIBUTES and OPERATORS before a
version is made; the selectors evaluate them when they pick the items for a site. Both
read this module, so a condition the library accepts is one the selectors understand.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.models import Category, Site

NUMBER, FLAG, CHOICE = "number", "flag", "choice"

# The attributes of a site a condition may test, and what kind of value each holds.
CONDITION_ATTRIBUTES = {
    "floor_area": NUMBER,
    "storeys": NUMBER,
    "staff_count": NUMBER,
    "capacity": NUMBER,
    "extinguisher_count": NUMBER,
    "hydrant_count": NUMBER,
    "exit_count": NUMBER,
    "has_fire_alarm_system": FLAG,
    "has_sprinklers": FLAG,
    "has_kitchen": FLAG,
    "uses_lpg": FLAG,
    "uses_piped_gas": FLAG,
    "has_ebike_charging": FLAG,
    "stores_flammables": FLAG,
    "status": CHOICE,
    # Not a field of Site: the group of the site's category.
    "category_group": CHOICE,
}
OPERATORS = {
    NUMBER: ["eq", "ne", "gt", "gte", "lt", "lte"],
    FLAG: ["is_true", "is_false"],
    CHOICE: ["eq", "ne", "in", "not_in"],
}
SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
MAX_CONDITIONS = 10


class ConditionError(ValueError):
    """A condition the library cannot accept; the message says why, in the user's language."""


def attribute_label(attribute: str) -> str:
    if attribute == "category_group":
        return str(_("category group"))
    return str(Site._meta.get_field(attribute).verbose_name)


def attribute_choices(attribute: str) -> list[tuple[str, str]]:
    if attribute == "status":
        return list(Site.Status.choices)
    if attribute == "category_group":
        return list(Category.Group.choices)
    return []


def format_number(value) -> str:
    """A number as people write it: 2, 1.5, 0.08 (never 2.000 or 1E+2)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return text


def _number(value) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise InvalidOperation
    number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation
    return number


def _json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def normalize_condition(raw) -> dict:
    """The canonical form of one condition, or ConditionError.

    {"attribute": "storeys", "op": "gte", "value": 10}; flags take no value
    ({"attribute": "uses_lpg", "op": "is_true"}); "in" and "not_in" take a list.
    """
    if not isinstance(raw, dict):
        raise ConditionError(gettext("A condition names an attribute, an operator and (except yes/no) a value."))
    attribute = str(raw.get("attribute", "")).strip()
    op = str(raw.get("op", "")).strip()
    kind = CONDITION_ATTRIBUTES.get(attribute)
    if kind is None:
        raise ConditionError(
            gettext("Unknown site attribute %(attribute)s; use one of: %(allowed)s.")
            % {"attribute": attribute or "—", "allowed": ", ".join(CONDITION_ATTRIBUTES)}
        )
    if op not in OPERATORS[kind]:
        raise ConditionError(
            gettext("%(attribute)s cannot be tested with %(op)s; use one of: %(allowed)s.")
            % {"attribute": attribute, "op": op or "—", "allowed": ", ".join(OPERATORS[kind])}
        )
    if kind == FLAG:
        return {"attribute": attribute, "op": op}
    value = raw.get("value")
    if kind == NUMBER:
        try:
            number = _number(value)
        except (InvalidOperation, ValueError, TypeError):
            raise ConditionError(
                gettext("%(attribute)s %(op)s needs a number, not %(value)s.")
                % {"attribute": attribute, "op": op, "value": value if value not in (None, "") else "—"}
            ) from None
        return {"attribute": attribute, "op": op, "value": _json_number(number)}
    allowed = [choice for choice, _label in attribute_choices(attribute)]
    values = value if isinstance(value, list) else [value]
    if op in ("in", "not_in") and not isinstance(value, list):
        values = [part.strip() for part in str(value or "").split(",") if part.strip()]
    values = [str(item).strip() for item in values]
    unknown = [item for item in values if item not in allowed]
    if not values or unknown:
        raise ConditionError(
            gettext("%(attribute)s takes one of: %(allowed)s.") % {"attribute": attribute, "allowed": ", ".join(allowed)}
        )
    if op in ("in", "not_in"):
        return {"attribute": attribute, "op": op, "value": sorted(set(values))}
    if len(values) != 1:
        raise ConditionError(gettext("%(attribute)s %(op)s takes a single value.") % {"attribute": attribute, "op": op})
    return {"attribute": attribute, "op": op, "value": values[0]}


def normalize_conditions(raw) -> list[dict]:
    """Canonical conditions, or ConditionError naming the first bad one (counted from 1)."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, (list, tuple)):
        raise ConditionError(gettext("Conditions are a list."))
    if len(raw) > MAX_CONDITIONS:
        raise ConditionError(gettext("At most %(count)d conditions.") % {"count": MAX_CONDITIONS})
    conditions = []
    for index, condition in enumerate(raw, start=1):
        try:
            conditions.append(normalize_condition(condition))
        except ConditionError as error:
            raise ConditionError(gettext("Condition %(number)d: %(error)s") % {"number": index, "error": error}) from None
    return conditions


def site_value(site: Site, attribute: str):
    if attribute == "category_group":
        return site.category.group
    return getattr(site, attribute)


def condition_holds(*, condition: dict, value) -> bool:
    """Whether a site's ``value`` of the condition's attribute satisfies a (normalised) condition.

    A number the site file does not record (floor area left empty) satisfies no condition
    on it: the item is left out rather than judged on a guess.
    """
    op = condition["op"]
    if op == "is_true":
        return value is True
    if op == "is_false":
        return value is False
    if value is None or value == "":
        return False
    expected = condition["value"]
    if CONDITION_ATTRIBUTES[condition["attribute"]] == NUMBER:
        actual, expected = _number(value), _number(expected)
        return {
            "eq": actual == expected,
            "ne": actual != expected,
            "gt": actual > expected,
            "gte": actual >= expected,
            "lt": actual < expected,
            "lte": actual <= expected,
        }[op]
    if op == "eq":
        return value == expected
    if op == "ne":
        return value != expected
    if op == "in":
        return value in expected
    return value not in expected


def conditions_hold(*, conditions: list[dict], site: Site) -> bool:
    return all(condition_holds(condition=condition, value=site_value(site, condition["attribute"])) for condition in conditions)


def describe_condition(condition: dict) -> str:
    """A condition in words: "storeys ≥ 10", "uses bottled LPG: yes", "status is one of: Operating"."""
    attribute = condition.get("attribute", "")
    if attribute not in CONDITION_ATTRIBUTES:
        return str(condition)
    label = attribute_label(attribute)
    op = condition.get("op")
    if op == "is_true":
        return gettext("%(attribute)s: yes") % {"attribute": label}
    if op == "is_false":
        return gettext("%(attribute)s: no") % {"attribute": label}
    value = condition.get("value")
    if CONDITION_ATTRIBUTES[attribute] == NUMBER:
        return f"{label} {SYMBOLS.get(op, op)} {format_number(value)}"
    names = dict(attribute_choices(attribute))
    shown = "、".join(str(names.get(item, item)) for item in (value if isinstance(value, list) else [value]))
    if op == "in":
        return gettext("%(attribute)s is one of: %(values)s") % {"attribute": label, "values": shown}
    if op == "not_in":
        return gettext("%(attribute)s is none of: %(values)s") % {"attribute": label, "values": shown}
    return f"{label} {SYMBOLS.get(op, op)} {shown}"


def with_unit(value, unit: str) -> str:
    number = format_number(value)
    return f"{number} {unit}" if unit else number


def describe_rule(version) -> str:
    """A version's rule in a few words: "≥ 2 具", "≤ 1.5 m", "yes", "one of: ..."."""
    kind = version.rule_kind
    if kind in ("count_min", "measure_min"):
        return f"≥ {with_unit(version.threshold, version.unit)}"
    if kind in ("count_max", "measure_max"):
        return f"≤ {with_unit(version.threshold, version.unit)}"
    if kind == "yes_no":
        return gettext("must be yes") if version.pass_answer else gettext("must be no")
    passing = [choice["value"] for choice in version.choices if choice.get("passes")]
    return gettext("one of: %(values)s") % {"values": "、".join(passing)}
