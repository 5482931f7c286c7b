"""JSON API of the regulation library, read-only: legal bases with their clauses, checklist
items at their current version, risk factors by category.

Reads go through regulations.selectors; the library is changed through the pages (admins).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import routers, serializers, viewsets

from enterprises.api import CategoryBriefSerializer
from enterprises.models import RiskColour

from .filters import ChecklistItemFilter, RiskFactorFilter
from .models import ChecklistItem, Clause, LegalBasis, RiskFactorTemplate, RuleKind, Severity
from .rules import CONDITION_ATTRIBUTES, OPERATORS
from .selectors import (
    checklist_item_get,
    checklist_item_list,
    legal_basis_get,
    legal_basis_list,
    risk_factor_template_get,
    risk_factor_template_list,
)

ALL_OPERATORS = sorted({op for ops in OPERATORS.values() for op in ops})


class ClauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = ["id", "number", "text"]


class LegalBasisBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["id", "code", "title"]


class LegalBasisSerializer(serializers.ModelSerializer):
    clauses = ClauseSerializer(many=True, read_only=True)
    superseded_by = LegalBasisBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LegalBasis
        fields = ["id", "kind", "code", "title", "edition", "in_force_from", "issuer", "superseded_by", "clauses"]


class ConditionSerializer(serializers.Serializer):
    attribute = serializers.ChoiceField(choices=list(CONDITION_ATTRIBUTES), help_text=_("An attribute of the site's file."))
    op = serializers.ChoiceField(choices=ALL_OPERATORS)
    value = serializers.JSONField(
        required=False, help_text=_("A number, a value or a list of values; absent for is_true and is_false.")
    )


class ChoiceOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    passes = serializers.BooleanField()


class ChecklistItemSerializer(serializers.ModelSerializer):
    """An item at its current version: the requirement, the rule, the citation and where it applies."""

    version = serializers.IntegerField(source="current_version.version", read_only=True)
    version_id = serializers.IntegerField(source="current_version.pk", read_only=True)
    requirement = serializers.CharField(source="current_version.requirement", read_only=True)
    rule_kind = serializers.ChoiceField(source="current_version.rule_kind", choices=RuleKind.choices, read_only=True)
    threshold = serializers.DecimalField(
        source="current_version.threshold", max_digits=12, decimal_places=3, read_only=True, allow_null=True
    )
    unit = serializers.CharField(source="current_version.unit", read_only=True)
    pass_answer = serializers.BooleanField(
        source="current_version.pass_answer", read_only=True, allow_null=True, help_text=_("For yes/no: the answer that passes.")
    )
    choices = ChoiceOptionSerializer(source="current_version.choices", many=True, read_only=True)
    severity = serializers.ChoiceField(source="current_version.severity", choices=Severity.choices, read_only=True)
    basis = LegalBasisBriefSerializer(source="current_version.basis", read_only=True)
    clause = ClauseSerializer(
        source="current_version.clause", read_only=True, allow_null=True, help_text=_("Empty: the document is cited as a whole.")
    )
    citation = serializers.CharField(source="current_version.citation", read_only=True)
    categories = CategoryBriefSerializer(
        source="current_version.categories", many=True, read_only=True, help_text=_("Empty: every category.")
    )
    conditions = ConditionSerializer(
        source="current_version.conditions", many=True, read_only=True, help_text=_("All must hold.")
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "code",
            "is_active",
            "version",
            "version_id",
            "requirement",
            "rule_kind",
            "threshold",
            "unit",
            "pass_answer",
            "choices",
            "severity",
            "basis",
            "clause",
            "citation",
            "categories",
            "conditions",
        ]


class RiskFactorSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    basis = LegalBasisBriefSerializer(read_only=True, allow_null=True)
    clause = ClauseSerializer(read_only=True, allow_null=True)
    likelihood = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, help_text=_("L, on the LEC scale."))
    exposure = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, help_text=_("E, on the LEC scale."))
    consequence = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, help_text=_("C, on the LEC scale."))
    score = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, help_text=_("D = L × E × C"))
    risk_colour = serializers.ChoiceField(source="colour", choices=RiskColour.choices, read_only=True)

    class Meta:
        model = RiskFactorTemplate
        fields = [
            "id",
            "code",
            "category",
            "name",
            "description",
            "likelihood",
            "exposure",
            "consequence",
            "score",
            "risk_colour",
            "control_measures",
            "basis",
            "clause",
            "is_active",
            "position",
        ]


class LegalBasisViewSet(viewsets.ReadOnlyModelViewSet):
    """Laws, regulations, ministry orders and standards, each with its clauses in natural order."""

    serializer_class = LegalBasisSerializer
    queryset = LegalBasis.objects.none()  # for the schema; get_queryset answers requests

    def get_queryset(self):
        return legal_basis_list(user=self.request.user)

    def get_object(self) -> LegalBasis:
        return legal_basis_get(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(list=extend_schema(description="Checklist items in use, at their current version."))
class ChecklistItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistItemSerializer
    queryset = ChecklistItem.objects.none()
    filterset_class = ChecklistItemFilter

    def get_queryset(self):
        return checklist_item_list(user=self.request.user)

    def get_object(self) -> ChecklistItem:
        item = checklist_item_get(user=self.request.user, pk=self.kwargs["pk"])
        # The detail shows the item at its current version, as the list does.
        return checklist_item_list(user=self.request.user, include_retired=True).get(pk=item.pk)


class RiskFactorViewSet(viewsets.ReadOnlyModelViewSet):
    """The risk factors in use of each category, with default L, E, C and their colour."""

    serializer_class = RiskFactorSerializer
    queryset = RiskFactorTemplate.objects.none()
    filterset_class = RiskFactorFilter

    def get_queryset(self):
        return risk_factor_template_list(user=self.request.user)

    def get_object(self) -> RiskFactorTemplate:
        return risk_factor_template_get(user=self.request.user, pk=self.kwargs["pk"])


router = routers.SimpleRouter()
router.register("bases", LegalBasisViewSet, basename="legal-basis")
router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
router.register("risk-factors", RiskFactorViewSet, basename="risk-factor")
