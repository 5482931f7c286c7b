"""The inspection list's filters, shared by the page, the export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.filters import DaySinceFilter, DayUntilFilter, TerritoryFilterSet, community_filter, grid_filter, street_filter
from accounts.models import User
from accounts.selectors import user_list
from hazards.filters import AnyYesNo

from .models import Inspection


def _inspectors(request):
    if not request:
        return User.objects.none()
    return user_list(user=request.user).filter(role__in=[User.Role.GRID_WORKER, User.Role.STREET_STAFF, User.Role.ADMIN])


class InspectionFilter(TerritoryFilterSet):
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=django_filters.widgets.forms.HiddenInput)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Inspection.Kind.choices, empty_label=_("Any kind"))
    inspector = django_filters.ModelChoiceFilter(label=_("Inspector"), queryset=_inspectors, empty_label=_("Anyone"))
    street = street_filter(grid_path="site__grid")
    community = community_filter(grid_path="site__grid")
    grid = grid_filter(grid_path="site__grid")
    since = DaySinceFilter(label=_("Finished on or after"), field_name="finished_at")
    until = DayUntilFilter(label=_("Finished on or before"), field_name="finished_at")
    failed = django_filters.BooleanFilter(
        label=_("Failed items"), method="filter_failed", widget=AnyYesNo(_("With failed items"), _("All passed"))
    )
    campaign = django_filters.NumberFilter(
        label=_("Campaign"), field_name="campaign_id", widget=django_filters.widgets.forms.HiddenInput
    )

    class Meta:
        model = Inspection
        fields = ["site", "kind", "inspector", "street", "community", "grid", "since", "until", "failed", "campaign"]

    def filter_failed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(failed_count__gt=0) if value else queryset.filter(failed_count=0)
