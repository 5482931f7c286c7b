"""Reads of the regulation library, and the two questions inspections ask of it.

- ``checklist_versions_for_site``: which item versions apply to a site (its category and
  the attributes of its file), in a stable order, in one query whatever the library's size.
- ``judge``: whether an answer passes a version's rule, with a sentence saying why.

The library is not bound to the territory: every signed-in user reads all of it; only
administrators change it (``ensure_library_editor``, checked again by every service).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from enterprises.models import Category, Site
from riskplatform.exceptions import ApplicationError, PermissionDeniedError

from .models import (
    COUNT_RULES,
    MINIMUM_RULES,
    NUMERIC_RULES,
    ChecklistItem,
    ChecklistItemVersion,
    Clause,
    LegalBasis,
    RiskFactorTemplate,
    RuleKind,
)
from .rules import conditions_hold, format_number, with_unit

LIBRARY_EDITORS_ONLY = _("Only administrators may change the regulation library.")
# Laws first, then regulations, orders, standards and other documents, in the order of LegalBasis.Kind.
KIND_RANK = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(LegalBasis.Kind.values)],
    default=Value(len(LegalBasis.Kind.values)),
    output_field=IntegerField(),
)


# --- Who may do what -------------------------------------------------------------------


def user_can_read_library(*, user: User) -> bool:
    return user.is_authenticated and user.is_active


def user_can_edit_library(*, user: User) -> bool:
    """Administrators keep the library (DOMAIN.md, "Who uses it")."""
    return user.is_authenticated and user.is_active and user.is_admin


def ensure_library_editor(*, user: User) -> None:
    """Refuse (a 403 page or API answer) anyone who is not an administrator."""
    if not user_can_edit_library(user=user):
        raise PermissionDeniedError(str(LIBRARY_EDITORS_ONLY))


# --- Legal bases and clauses -----------------------------------------------------------------


def legal_basis_list(*, user: User) -> QuerySet[LegalBasis]:
    """Every legal basis with its clauses in natural order, loaded in two more queries."""
    if not user_can_read_library(user=user):
        return LegalBasis.objects.none()
    return (
        LegalBasis.objects.select_related("superseded_by")
        .prefetch_related(Prefetch("clauses", queryset=Clause.objects.order_by("sort_key", "number")))
        .annotate(kind_rank=KIND_RANK)
        .order_by("kind_rank", "code")
    )


def legal_basis_get(*, user: User, pk) -> LegalBasis:
    try:
        return legal_basis_list(user=user).prefetch_related("supersedes").get(pk=pk)
    except (LegalBasis.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such legal basis.")) from None


def clause_get(*, user: User, pk) -> Clause:
    if not user_can_read_library(user=user):
        raise Http404(gettext("No such clause."))
    try:
        return Clause.objects.select_related("basis").get(pk=pk)
    except (Clause.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such clause.")) from None


def clause_list_for_basis(*, basis_id) -> QuerySet[Clause]:
    return Clause.objects.filter(basis_id=basis_id).order_by("sort_key", "number")


# --- Checklist items ---------------------------------------------------------------------------


def checklist_item_category_q(*, category_id) -> Q:
    """Items whose current version applies to a category (it names the category, or none)."""
    return _applies_to_category(category_id=category_id, version_ref="current_version_id")


def _applies_to_category(*, category_id, version_ref: str) -> Q:
    """A version applies to a category when it names it, or names no category at all."""
    through = ChecklistItemVersion.categories.through
    names_any = Exists(through.objects.filter(checklistitemversion_id=OuterRef(version_ref)))
    names_this = Exists(through.objects.filter(checklistitemversion_id=OuterRef(version_ref), category_id=category_id))
    return Q(names_this) | ~Q(names_any)


def checklist_item_list(
    *,
    user: User,
    category: Category | None = None,
    severity: str = "",
    basis: LegalBasis | None = None,
    search: str = "",
    include_retired: bool = False,
) -> QuerySet[ChecklistItem]:
    """Checklist items with their current version, its basis, clause and categories loaded."""
    if not user_can_read_library(user=user):
        return ChecklistItem.objects.none()
    items = ChecklistItem.objects.filter(current_version__isnull=False)
    if not include_retired:
        items = items.filter(is_active=True)
    if category is not None:
        items = items.filter(checklist_item_category_q(category_id=category.pk))
    if severity:
        items = items.filter(current_version__severity=severity)
    if basis is not None:
        items = items.filter(current_version__basis=basis)
    search = search.replace("\x00", "").strip()
    if search:
        items = items.filter(Q(code__icontains=search) | Q(current_version__requirement__icontains=search))
    return (
        items.select_related("current_version__basis", "current_version__clause")
        .prefetch_related(Prefetch("current_version__categories", queryset=Category.objects.order_by("code")))
        .order_by("code")
    )


def checklist_item_get(*, user: User, pk) -> ChecklistItem:
    """An item (retired ones too) with every version, newest first, in ``version_list``."""
    if not user_can_read_library(user=user):
        raise Http404(gettext("No such checklist item."))
    try:
        item = ChecklistItem.objects.select_related("current_version").get(pk=pk)
    except (ChecklistItem.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such checklist item.")) from None
    item.version_list = list(
        item.versions.select_related("basis", "clause", "created_by")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("code")))
        .order_by("-version")
    )
    return item


def checklist_versions_for_site(*, site: Site) -> list[ChecklistItemVersion]:
    """The current versions of the items in use that apply to ``site``, ordered by item code.

    Categories are matched in the database, conditions on the site's attributes in Python:
    one query for the whole library (and one for the site's category when a condition tests
    its group and it is not loaded yet), with each version's item, basis and clause loaded.
    An inspection stores the versions it was given, so later revisions never rewrite it.
    """
    versions = list(
        ChecklistItemVersion.objects.filter(current_for__is_active=True)
        .filter(_applies_to_category(category_id=site.category_id, version_ref="pk"))
        .select_related("item", "basis", "clause")
        .order_by("item__code")
    )
    return [version for version in versions if conditions_hold(conditions=version.conditions, site=site)]


def version_applies(*, version: ChecklistItemVersion, site: Site) -> bool:
    """Whether ``version`` applies to ``site`` by its categories and conditions (retired or not)."""
    category_ids = {category.pk for category in version.categories.all()}
    if category_ids and site.category_id not in category_ids:
        return False
    return conditions_hold(conditions=version.conditions, site=site)


# --- Judging an answer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether an answer passes a rule, and a sentence saying why with the rule and the clause."""

    passes: bool
    reason: str


def _bad_answer(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"answer": [message]})


def _answer_number(answer, *, count: bool) -> Decimal:
    if isinstance(answer, bool) or answer is None:
        raise InvalidOperation
    if isinstance(answer, Decimal):
        number = answer
    elif isinstance(answer, (int, float)):
        number = Decimal(str(answer))
    elif isinstance(answer, str):
        number = Decimal(answer.strip())
    else:
        raise InvalidOperation
    if not number.is_finite() or number < 0:
        raise InvalidOperation
    if count and number != number.to_integral_value():
        raise InvalidOperation
    return number


def judge(*, version: ChecklistItemVersion, answer) -> Verdict:
    """Judge ``answer`` by the version's rule.

    Answers: a bool for yes/no, a number (Decimal, int or a string of digits) for a count or
    a measurement, one of the listed values for a choice. Anything else is an
    ApplicationError on "answer". A minimum passes at the threshold, a maximum too.
    """
    citation = version.citation
    kind = version.rule_kind
    if kind == RuleKind.YES_NO:
        if not isinstance(answer, bool):
            raise _bad_answer(gettext("Answer yes or no."))
        passes = answer == version.pass_answer
        given = gettext("Yes") if answer else gettext("No")
        if passes:
            reason = gettext("%(answer)s, as required (%(citation)s)") % {"answer": given, "citation": citation}
        else:
            required = gettext("yes") if version.pass_answer else gettext("no")
            reason = gettext("%(answer)s, but %(required)s is required (%(citation)s)") % {
                "answer": given,
                "required": required,
                "citation": citation,
            }
        return Verdict(passes=passes, reason=reason)
    if kind in NUMERIC_RULES:
        count = kind in COUNT_RULES
        try:
            number = _answer_number(answer, count=count)
        except (InvalidOperation, ValueError, TypeError):
            message = gettext("Answer a whole number of 0 or more.") if count else gettext("Answer a number of 0 or more.")
            raise _bad_answer(message) from None
        values = {
            "answer": format_number(number),
            "threshold": with_unit(version.threshold, version.unit),
            "citation": citation,
        }
        if kind in MINIMUM_RULES:
            passes = number >= version.threshold
            if passes:
                reason = gettext("%(answer)s ≥ %(threshold)s required (%(citation)s)") % values
            else:
                reason = gettext("%(answer)s < %(threshold)s required (%(citation)s)") % values
        else:
            passes = number <= version.threshold
            if passes:
                reason = gettext("%(answer)s ≤ %(threshold)s allowed (%(citation)s)") % values
            else:
                reason = gettext("%(answer)s > %(threshold)s allowed (%(citation)s)") % values
        return Verdict(passes=passes, reason=reason)
    # A value from the list.
    outcomes = {choice["value"]: bool(choice.get("passes")) for choice in version.choices}
    if not isinstance(answer, str) or answer.strip() not in outcomes:
        raise _bad_answer(gettext("Answer one of: %(values)s.") % {"values": "、".join(outcomes)})
    answer = answer.strip()
    passes = outcomes[answer]
    if passes:
        reason = gettext("%(answer)s is acceptable (%(citation)s)") % {"answer": answer, "citation": citation}
    else:
        acceptable = "、".join(value for value, ok in outcomes.items() if ok)
        reason = gettext("%(answer)s is not acceptable; acceptable: %(allowed)s (%(citation)s)") % {
            "answer": answer,
            "allowed": acceptable,
            "citation": citation,
        }
    return Verdict(passes=passes, reason=reason)


# --- Risk factors ------------------------------------------------------------------------------


def risk_factor_templates_for(*, category: Category) -> QuerySet[RiskFactorTemplate]:
    """The risk factors in use for a category, in their order, with basis and clause loaded."""
    return (
        RiskFactorTemplate.objects.filter(category=category, is_active=True)
        .select_related("basis", "clause")
        .order_by("position", "code")
    )


def risk_factor_template_list(
    *, user: User, category: Category | None = None, include_inactive: bool = False
) -> QuerySet[RiskFactorTemplate]:
    if not user_can_read_library(user=user):
        return RiskFactorTemplate.objects.none()
    templates = RiskFactorTemplate.objects.select_related("category", "basis", "clause")
    if not include_inactive:
        templates = templates.filter(is_active=True)
    if category is not None:
        templates = templates.filter(category=category)
    return templates.order_by("category__code", "position", "code")


def risk_factor_template_get(*, user: User, pk) -> RiskFactorTemplate:
    try:
        return risk_factor_template_list(user=user, include_inactive=True).get(pk=pk)
    except (RiskFactorTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such risk factor.")) from None
