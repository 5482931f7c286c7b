"""The inspection list's filters, shared by the page and the API."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Grid, User
from accounts.selectors import community_list, grid_list, user_list
from hazards.filters import AnyYesNo

from .models import Inspection

DATE = forms.DateInput(attrs={"type": "date"})


def _communities(request):
    return community_list(user=request.user) if request else Community.objects.none()


def _grids(request):
    return grid_list(user=request.user) if request else Grid.objects.none()


def _inspectors(request):
    if not request:
        return User.objects.none()
    return user_list(user=request.user).filter(role__in=[User.Role.GRID_WORKER, User.Role.STREET_STAFF, User.Role.ADMIN])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class InspectionFilter(django_filters.FilterSet):
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=django_filters.widgets.forms.HiddenInput)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Inspection.Kind.choices, empty_label=_("Any kind"))
    inspector = django_filters.ModelChoiceFilter(label=_("Inspector"), queryset=_inspectors, empty_label=_("Anyone"))
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), field_name="site__grid__community", queryset=_communities, empty_label=_("All communities")
    )
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), field_name="site__grid", queryset=_grids, empty_label=_("All grids"))
    since = django_filters.DateFilter(label=_("Finished on or after"), method="filter_since", widget=DATE)
    until = django_filters.DateFilter(label=_("Finished on or before"), method="filter_until", widget=DATE)
    failed = django_filters.BooleanFilter(
        label=_("Failed items"), method="filter_failed", widget=AnyYesNo(_("With failed items"), _("All passed"))
    )
    campaign = django_filters.NumberFilter(
        label=_("Campaign"), field_name="campaign_id", widget=django_filters.widgets.forms.HiddenInput
    )

    class Meta:
        model = Inspection
        fields = ["site", "kind", "inspector", "community", "grid", "since", "until", "failed", "campaign"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(finished_at__gte=_day_start(value)) if value else queryset

    def filter_until(self, queryset, name, value):
        return queryset.filter(finished_at__lt=_day_start(value + datetime.timedelta(days=1))) if value else queryset

    def filter_failed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(failed_count__gt=0) if value else queryset.filter(failed_count=0)
