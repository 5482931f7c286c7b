"""The incident list's and the device list's filters, shared by the pages and their exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.filters import DaySinceFilter, DayUntilFilter, TerritoryFilterSet, community_filter, grid_filter, street_filter
from accounts.personal_data import reads_by_program
from enterprises.models import Site
from enterprises.selectors import site_search_q

from .models import Device, Incident, Integration
from .setup_forms import IntegrationChoiceField

# The incident status filter's choice for every incident not resolved yet.
OPEN = "open"


class IncidentFilter(TerritoryFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, pgettext_lazy("incident", "Open")), *Incident.Status.choices],
        method="filter_status",
        empty_label=_("All"),
    )
    real = django_filters.ChoiceFilter(
        label=_("Verdict"),
        choices=[("1", _("Real fire")), ("0", _("False alarm"))],
        method="filter_real",
        empty_label=_("All"),
    )
    since = DaySinceFilter(label=_("Received on or after"), field_name="opened_at")
    until = DayUntilFilter(label=_("Received on or before"), field_name="opened_at")
    street = street_filter(grid_path="site__grid")
    community = community_filter(grid_path="site__grid")
    grid = grid_filter(grid_path="site__grid")

    class Meta:
        model = Incident
        fields = ["status", "real", "since", "until", "street", "community", "grid"]

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=Incident.OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_real(self, queryset, name, value):
        return queryset.filter(real=value == "1")


def _integrations(request):
    # Names and platforms only: a filter has no business loading the secrets.
    return Integration.objects.only("pk", "name", "platform", "active").order_by("name")


class IntegrationChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IntegrationChoiceField


class DeviceFilter(TerritoryFilterSet):
    q = django_filters.CharFilter(label=_("Site or device"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Device.Status.choices, empty_label="—")
    integration = IntegrationChoiceFilter(label=_("Integration"), queryset=_integrations, empty_label="—")
    street = street_filter(grid_path="site__grid")
    community = community_filter(grid_path="site__grid")
    grid = grid_filter(grid_path="site__grid")

    class Meta:
        model = Device
        fields = ["q", "status", "integration", "street", "community", "grid"]

    def search(self, queryset, name, value):
        text = value.replace("\x00", "").strip()
        if not text:
            return queryset
        if self.request is None:
            return queryset.none()
        # By a site's phone number only where the user sees it in full (accounts.personal_data).
        sites = Site.objects.filter(site_search_q(text=text, user=self.request.user, by_program=reads_by_program(self.request)))
        return queryset.filter(Q(site__in=sites) | Q(imei__startswith=text) | Q(platform_device_id__iexact=text))
