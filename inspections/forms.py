"""Forms of the staff pages: they parse what a person chose, nothing more; the rules are the services'."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import community_list
from enterprises.models import Category, Site
from enterprises.selectors import site_list
from regulations.models import ChecklistItem
from riskplatform.forms import ApplicationErrorFormMixin

from .schedules import COVERAGE_GROUPS


class CampaignForm(ApplicationErrorFormMixin, forms.Form):
    """A campaign's name, dates and items; its sites chosen by category and community, one by one, or both."""

    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    items = forms.ModelMultipleChoiceField(
        label=_("Checklist items"), queryset=ChecklistItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Sites of these categories"),
        queryset=Category.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("With communities chosen too, only the sites of both."),
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Sites of these communities"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("And these sites"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        items = ChecklistItem.objects.filter(is_active=True, current_version__isnull=False).select_related("current_version")
        self.fields["items"].queryset = items.order_by("code")
        self.fields["items"].label_from_instance = lambda item: f"{item.code} {item.current_version.requirement}"
        self.fields["communities"].queryset = community_list(user=user)
        self.fields["sites"].queryset = site_list(user=user)
        self.fields["sites"].label_from_instance = lambda site: f"{site.name} · {site.grid.community.name} {site.grid.name}"

    def chosen_sites(self) -> list[Site]:
        """The sites chosen one by one, and the operating sites of the chosen categories and communities."""
        data = self.cleaned_data
        chosen = {site.pk: site for site in data.get("sites") or []}
        categories, communities = data.get("categories"), data.get("communities")
        if categories or communities:
            matching = site_list(user=self.user).filter(status=Site.Status.OPERATING)
            if categories:
                matching = matching.filter(category__in=categories)
            if communities:
                matching = matching.filter(grid__community__in=communities)
            chosen.update((site.pk, site) for site in matching)
        return list(chosen.values())


class CoverageForm(forms.Form):
    """The period and grouping of the coverage page; this month by default."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=_("By"), required=False, choices=[("grid", _("Grid")), ("community", _("Community"))], initial="grid"
    )

    def period(self) -> tuple[datetime.date, datetime.date, str]:
        """(start, end, by): the month so far unless given; an end before the start, or a period
        longer than a year, falls back to the default."""
        today = timezone.localdate()
        start, end, by = today.replace(day=1), today, "grid"
        if self.is_valid():
            data = self.cleaned_data
            start, end = data.get("start") or start, data.get("end") or end
            by = data.get("by") if data.get("by") in COVERAGE_GROUPS else "grid"
            if end < start or (end - start).days > 366:
                start, end = today.replace(day=1), today
        return start, end, by
