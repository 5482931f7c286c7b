"""The hazard list's search and filters, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.filters import DaySinceFilter, DayUntilFilter, TerritoryFilterSet, community_filter, grid_filter, street_filter
from enterprises.models import Category

from .models import Hazard
from .selectors import overdue_q


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "any", not django-filter's "unknown"."""

    def __init__(self, yes, no, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", yes), ("false", no))


class HazardFilter(TerritoryFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Site or what was found"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Hazard.Status.choices, empty_label=_("Any status"))
    open = django_filters.BooleanFilter(
        label=_("Open or closed"), method="filter_open", widget=AnyYesNo(_("Open"), pgettext_lazy("hazard", "Closed"))
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Hazard.Level.choices, empty_label=_("Any level"))
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=AnyYesNo(_("Overdue"), _("Not overdue"))
    )
    supervised = django_filters.BooleanFilter(
        label=_("Listed for supervision"),
        method="filter_supervised",
        widget=AnyYesNo(_("Under supervision"), _("Not under supervision")),
    )
    found_since = DaySinceFilter(label=_("Found on or after"), field_name="found_at")
    found_until = DayUntilFilter(label=_("Found on or before"), field_name="found_at")
    street = street_filter(grid_path="site__grid")
    community = community_filter(grid_path="site__grid")
    grid = grid_filter(grid_path="site__grid")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        field_name="site__category",
        queryset=Category.objects.order_by("code"),
        empty_label=_("All categories"),
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Hazard.Source.choices, empty_label=_("Any source"))
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=django_filters.widgets.forms.HiddenInput)

    class Meta:
        model = Hazard
        fields = [
            "q",
            "status",
            "open",
            "level",
            "overdue",
            "supervised",
            "found_since",
            "found_until",
            "street",
            "community",
            "grid",
            "category",
            "source",
            "site",
        ]

    def search(self, queryset, name, value):
        text = value.replace("\x00", "").strip()
        if not text:
            return queryset
        return queryset.filter(Q(site__name__icontains=text) | Q(description__icontains=text))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=Hazard.OPEN_STATUSES) if value else queryset.filter(status=Hazard.Status.CLOSED)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_supervised(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(supervised_at__isnull=not value)
