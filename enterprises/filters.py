"""The registry's search and filters, shared by the list page, the export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Grid
from accounts.selectors import community_list, grid_list

from .models import Category, RiskColour, Site
from .selectors import site_search_q


def _communities(request):
    return community_list(user=request.user) if request else Community.objects.none()


def _grids(request):
    return grid_list(user=request.user) if request else Grid.objects.none()


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name, credit code, address or contact"))
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), field_name="grid__community", queryset=_communities, empty_label=_("All communities")
    )
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=_grids, empty_label=_("All grids"))
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.order_by("code"), empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Site.Status.choices, empty_label=_("Any status"))
    risk_colour = django_filters.ChoiceFilter(label=_("Risk colour"), choices=RiskColour.choices, empty_label=_("Any colour"))

    class Meta:
        model = Site
        fields = ["q", "community", "grid", "category", "status", "risk_colour"]

    def search(self, queryset, name, value):
        return queryset.filter(site_search_q(text=value))
