"""The filters every list shares.

- Territory (street, community, grid): the choices are narrowed to the user's scope, so a unit
  outside it is an invalid choice, said beside the field and not applied; no filter can widen a
  list beyond what its selector returns.
- Days ("on or after", "on or before"): a calendar day of the platform's time zone, from its
  first moment to the next day's; limited to years a record can have, so that no date typed
  into the address makes a moment that cannot exist (9999-12-31's next day).
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Grid, Street
from accounts.selectors import community_list, grid_list, street_list


def _streets(request):
    return street_list(user=request.user) if request else Street.objects.none()


def _communities(request):
    return community_list(user=request.user) if request else Community.objects.none()


def _grids(request):
    return grid_list(user=request.user) if request else Grid.objects.none()


def street_filter(*, grid_path: str) -> django_filters.ModelChoiceFilter:
    """The street of the grid at ``grid_path`` ("grid", "site__grid")."""
    return django_filters.ModelChoiceFilter(
        label=_("Street"), field_name=f"{grid_path}__community__street", queryset=_streets, empty_label=_("All streets")
    )


def community_filter(*, grid_path: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Community"), field_name=f"{grid_path}__community", queryset=_communities, empty_label=_("All communities")
    )


def grid_filter(*, grid_path: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(label=_("Grid"), field_name=grid_path, queryset=_grids, empty_label=_("All grids"))


class TerritoryFilterSet(django_filters.FilterSet):
    """A filter set with a ``street`` filter, shown to admins, whose scope is every street: anyone
    else's lists hold their own street (staff's, or the few grids of a grid worker or a station), whose
    choice would only take room on a phone. The parameter works for everyone (the overview's links
    carry it). Decided by the role, so that no query is spent on it (the API reads the form too)."""

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_street_shown_checked", False):
            self._street_shown_checked = True
            field = form.fields.get("street")
            user = getattr(self.request, "user", None)
            if field is not None and not (user is not None and user.is_authenticated and user.is_admin):
                field.widget = forms.HiddenInput()
        return form


FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in the platform's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayField(forms.DateField):
    widget = DATE_INPUT

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
                code="out_of_range",
            )


class DaySinceFilter(django_filters.DateFilter):
    """Rows whose moment at ``field_name`` falls on the day or later."""

    field_class = DayField

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class DayUntilFilter(django_filters.DateFilter):
    """Rows whose moment at ``field_name`` falls on the day or earlier."""

    field_class = DayField

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": day_start(value + datetime.timedelta(days=1))})
