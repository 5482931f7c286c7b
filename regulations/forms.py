"""Forms of the library pages: they turn text into values and rows, nothing more.

Checking what the values mean (a threshold for count rules, a clause of the chosen
document, known site attributes in conditions) is regulations.services' work, so that
the pages and the admin give the same answers.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Category
from riskplatform.forms import ApplicationErrorFormMixin

from .lec import CONSEQUENCE_CHOICES, EXPOSURE_CHOICES, LIKELIHOOD_CHOICES
from .models import ChecklistItemVersion, Clause, LegalBasis, RiskFactorTemplate, RuleKind, Severity
from .rules import CONDITION_ATTRIBUTES, OPERATORS, format_number

PASS_ANSWERS = [("yes", _("Yes passes")), ("no", _("No passes"))]


class LegalBasisForm(ApplicationErrorFormMixin, forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["kind", "code", "title", "edition", "in_force_from", "superseded_by", "issuer"]
        widgets = {"in_force_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = LegalBasis.objects.order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = others

    def _post_clean(self):
        # The service validates (uniqueness, supersession); the model's own checks would run twice.
        pass


class ClauseForm(ApplicationErrorFormMixin, forms.ModelForm):
    class Meta:
        model = Clause
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class ClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Clause) -> str:
        return f"{obj.basis.code} {obj.number}"


def conditions_as_text(conditions: list[dict]) -> str:
    """One condition a line: "storeys gte 10", "uses_lpg is_true", "status in operating,suspended"."""
    lines = []
    for condition in conditions:
        value = condition.get("value")
        if isinstance(value, list):
            value = ",".join(value)
        elif isinstance(value, (int, float)):
            value = format_number(value)
        lines.append(" ".join(str(part) for part in (condition["attribute"], condition["op"], value) if part is not None))
    return "\n".join(lines)


def choices_as_text(choices: list[dict]) -> str:
    """One value a line, "| pass" or "| fail" after it."""
    return "\n".join(f"{choice['value']} | {'pass' if choice['passes'] else 'fail'}" for choice in choices)


class CategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.code} {obj.name}"


class ChecklistItemForm(ApplicationErrorFormMixin, forms.Form):
    """A new checklist item (with ``code``) or a revision of one (without)."""

    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("For example EXT-17; it never changes."))
    requirement = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.ModelChoiceField(label=_("Legal basis"), queryset=LegalBasis.objects.order_by("code"))
    clause = ClauseChoiceField(
        label=_("Clause"),
        queryset=Clause.objects.select_related("basis").order_by("basis__code", "sort_key"),
        required=False,
        empty_label=_("The document as a whole"),
    )
    rule_kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices)
    threshold = forms.DecimalField(label=_("Threshold"), required=False, help_text=_("For counts and measurements."))
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    pass_answer = forms.ChoiceField(label=_("Passing answer"), choices=PASS_ANSWERS, initial="yes", help_text=_("For yes/no."))
    choices = forms.CharField(
        label=_("Values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a value from a list: one value a line, then | pass or | fail."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    categories = CategoriesField(
        label=_("Categories"),
        queryset=Category.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    conditions = forms.CharField(
        label=_("Conditions on the site"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("All must hold. One a line: attribute operator value, for example: storeys gte 10 / uses_lpg is_true."),
    )
    note = forms.CharField(label=_("Change note"), max_length=300, required=False)

    def __init__(self, *args, version: ChecklistItemVersion | None = None, **kwargs):
        if version is not None:
            kwargs["initial"] = {
                **{
                    "requirement": version.requirement,
                    "basis": version.basis_id,
                    "clause": version.clause_id,
                    "rule_kind": version.rule_kind,
                    "threshold": format_number(version.threshold) if version.threshold is not None else None,
                    "unit": version.unit,
                    "pass_answer": "no" if version.pass_answer is False else "yes",
                    "choices": choices_as_text(version.choices),
                    "severity": version.severity,
                    "categories": [category.pk for category in version.categories.all()],
                    "conditions": conditions_as_text(version.conditions),
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if version is not None:
            del self.fields["code"]
        attributes = ", ".join(f"{name} ({'/'.join(OPERATORS[kind])})" for name, kind in CONDITION_ATTRIBUTES.items())
        self.fields["conditions"].widget.attrs["title"] = attributes
        self.attribute_help = attributes

    def clean_choices(self) -> list[dict]:
        parsed = []
        for line in self.cleaned_data["choices"].splitlines():
            if not line.strip():
                continue
            value, _sep, outcome = line.rpartition("|")
            outcome = outcome.strip().lower()
            if not _sep or outcome not in ("pass", "fail"):
                raise forms.ValidationError(_("Write each value as: value | pass, or value | fail."))
            parsed.append({"value": value.strip(), "passes": outcome == "pass"})
        return parsed

    def clean_conditions(self) -> list[dict]:
        parsed = []
        for line in self.cleaned_data["conditions"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                raise forms.ValidationError(_("Write each condition as: attribute operator value."))
            attribute, op, *rest = parts
            condition = {"attribute": attribute, "op": op}
            if rest:
                value = " ".join(rest)
                condition["value"] = [part.strip() for part in value.split(",")] if op in ("in", "not_in") else value
            parsed.append(condition)
        return parsed

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["pass_answer"] = data.get("pass_answer") != "no"
        data["categories"] = list(data.get("categories") or [])
        return data


class RiskFactorTemplateForm(ApplicationErrorFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("For example RF-XS02-04; it never changes."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.order_by("code"))
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    likelihood = forms.TypedChoiceField(label=_("Likelihood (L)"), choices=LIKELIHOOD_CHOICES, coerce=str)
    exposure = forms.TypedChoiceField(label=_("Exposure (E)"), choices=EXPOSURE_CHOICES, coerce=str)
    consequence = forms.TypedChoiceField(label=_("Consequence (C)"), choices=CONSEQUENCE_CHOICES, coerce=str)
    control_measures = forms.CharField(
        label=_("Usual control measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.ModelChoiceField(label=_("Legal basis"), queryset=LegalBasis.objects.order_by("code"), required=False)
    clause = ClauseChoiceField(
        label=_("Clause"),
        queryset=Clause.objects.select_related("basis").order_by("basis__code", "sort_key"),
        required=False,
        empty_label=_("The document as a whole"),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, template: RiskFactorTemplate | None = None, **kwargs):
        if template is not None:
            kwargs["initial"] = {
                **{
                    "category": template.category_id,
                    "name": template.name,
                    "description": template.description,
                    "likelihood": format_number(template.likelihood),
                    "exposure": format_number(template.exposure),
                    "consequence": format_number(template.consequence),
                    "control_measures": template.control_measures,
                    "basis": template.basis_id,
                    "clause": template.clause_id,
                    "is_active": template.is_active,
                    "position": template.position,
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        for name in ("likelihood", "exposure", "consequence"):
            # Choices keyed by the values as written (10, 0.5), not Decimal's repr.
            self.fields[name].choices = [(format_number(value), label) for value, label in self.fields[name].choices]
        if template is not None:
            del self.fields["code"]
