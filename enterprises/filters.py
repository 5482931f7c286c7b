"""The registry's search and filters, shared by the list page, the export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.filters import TerritoryFilterSet, community_filter, grid_filter, street_filter
from accounts.personal_data import reads_by_program

from .models import Category, RiskColour, Site
from .selectors import site_search_q

# The risk colour filter's choice for the sites not graded yet (no colour).
NOT_GRADED = "none"


class SiteFilter(TerritoryFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name, credit code, address or contact"))
    street = street_filter(grid_path="grid")
    community = community_filter(grid_path="grid")
    grid = grid_filter(grid_path="grid")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.order_by("code"), empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Site.Status.choices, empty_label=_("Any status"))
    risk_colour = django_filters.ChoiceFilter(
        label=_("Risk colour"),
        choices=[*RiskColour.choices, (NOT_GRADED, _("Not graded"))],
        method="filter_risk_colour",
        empty_label=_("Any colour"),
    )

    class Meta:
        model = Site
        fields = ["q", "street", "community", "grid", "category", "status", "risk_colour"]

    def search(self, queryset, name, value):
        if self.request is None:
            return queryset.none()
        # By a site's phone number only where the user sees it in full (accounts.personal_data).
        return queryset.filter(site_search_q(text=value, user=self.request.user, by_program=reads_by_program(self.request)))

    def filter_risk_colour(self, queryset, name, value):
        return queryset.filter(risk_colour="" if value == NOT_GRADED else value)
