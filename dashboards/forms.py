"""Forms of the dashboards' pages: what they accept; the rules are in dashboards.services and dashboards.reports."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskplatform.forms import ApplicationErrorFormMixin

from .models import SafetyReport
from .reports import report_unit_choices

# The years the form offers, the current one first; the service accepts any year begun since reports.EARLIEST_YEAR.
YEARS_OFFERED = 6


class SafetyReportForm(ApplicationErrorFormMixin, forms.Form):
    unit = forms.ChoiceField(
        label=_("Street or community"), error_messages={"invalid_choice": _("Choose a street or community of yours.")}
    )
    year = forms.IntegerField(label=_("Year"), error_messages={"invalid": _("Enter a year as a number, such as 2026.")})
    # Checked by the service (reports.report_period_get), which says what is wrong with a quarter 5.
    quarter = forms.CharField(label=_("Period"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=SafetyReport.Format.choices, initial=SafetyReport.Format.PDF, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = report_unit_choices(user=user)
        this_year = timezone.localdate().year
        years = [(year, str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]
        self.fields["year"].widget = forms.Select(choices=years)
        self.fields["year"].initial = this_year
        quarters = [("", _("Whole year"))] + [
            (str(number), _("Quarter %(number)s") % {"number": number}) for number in range(1, 5)
        ]
        self.fields["quarter"].widget = forms.Select(choices=quarters)
        self.fields["quarter"].initial = str((timezone.localdate().month - 1) // 3 + 1)
