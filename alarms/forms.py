"""The console's step forms: they only read the input's types; the services judge it (STYLE.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskplatform.forms import ApplicationErrorFormMixin

from .models import Incident


class IncidentNoteForm(ApplicationErrorFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class IncidentConfirmForm(ApplicationErrorFormMixin, forms.Form):
    # Two buttons, "Real fire" and "False alarm", name the verdict (real=1 or real=0).
    real = forms.TypedChoiceField(
        label=_("Verdict"), choices=[("1", _("Real fire")), ("0", _("False alarm"))], coerce=lambda value: value == "1"
    )
    cause = forms.ChoiceField(label=_("Cause"), required=False, choices=[("", "—"), *Incident.Cause.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class IncidentResolveForm(ApplicationErrorFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Incident.Outcome.choices])
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


STEP_FORMS = {
    "acknowledge": IncidentNoteForm,
    "confirm": IncidentConfirmForm,
    "dispatch": IncidentNoteForm,
    "on_scene": IncidentNoteForm,
    "resolve": IncidentResolveForm,
}
