"""The library's filters, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.models import Category

from .models import ChecklistItem, LegalBasis, RiskFactorTemplate, Severity
from .selectors import checklist_item_category_q


class ChecklistItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Code or requirement"))
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        field_name="current_version__categories",
        queryset=Category.objects.order_by("code"),
        method="applies_to",
        empty_label=_("All categories"),
        help_text=_("Items that apply to this category: those naming it and those for every category."),
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), field_name="current_version__severity", choices=Severity.choices, empty_label=_("Any severity")
    )
    basis = django_filters.ModelChoiceFilter(
        label=_("Legal basis"),
        field_name="current_version__basis",
        queryset=LegalBasis.objects.order_by("code"),
        empty_label=_("All documents"),
    )

    class Meta:
        model = ChecklistItem
        fields = ["q", "category", "severity", "basis"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(current_version__requirement__icontains=value))

    def applies_to(self, queryset, name, value):
        return queryset.filter(checklist_item_category_q(category_id=value.pk))


class RiskFactorFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.order_by("code"), empty_label=_("All categories")
    )

    class Meta:
        model = RiskFactorTemplate
        fields = ["category"]
