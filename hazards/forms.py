"""Forms of the hazard pages: they parse what a person typed or photographed, nothing more;
the rules are the services' (hazards.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from riskplatform.forms import ApplicationErrorFormMixin

from .models import Hazard


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one file input (Django's documented pattern); the photo path checks each."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(item, initial) for item in files if item]


class HazardRaiseForm(ApplicationErrorFormMixin, forms.Form):
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=_("Level"), choices=Hazard.Level.choices, initial=Hazard.Level.GENERAL)
    clause = forms.ModelChoiceField(label=_("Clause it breaks"), queryset=None, required=False)
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(self, *args, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = clauses
        self.fields["clause"].label_from_instance = lambda clause: f"{clause.basis.code} {clause.number} {clause.text[:40]}"


class HazardNotifyForm(ApplicationErrorFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    requirements = forms.CharField(label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HazardRectifyForm(ApplicationErrorFormMixin, forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos of the rectification"))


class HazardReviewForm(ApplicationErrorFormMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result of the review on site"),
        choices=[("yes", _("Passed")), ("no", _("Failed the review"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = PhotosField(label=_("Photos"), required=False)
    new_deadline = forms.DateField(
        label=_("New deadline (when it failed)"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, may_fail: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_fail:
            # A failed review comes with a new notice, which only the street office issues.
            # Only the choice they may take is offered; a "failed" sent anyway is refused by the service (403).
            self.fields["passed"].widget.choices = [("yes", _("Passed"))]
            self.fields["passed"].help_text = _("If it is not fixed, tell the street office: it issues a new notice.")
            del self.fields["new_deadline"]


class HazardCloseOnSpotForm(ApplicationErrorFormMixin, forms.Form):
    note = forms.CharField(label=_("What was done on the spot"), widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("Photos of the fix"))


class RemediationPlanForm(ApplicationErrorFormMixin, forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    funds = forms.DecimalField(label=_("Funds (yuan)"), min_value=0, decimal_places=2)
    responsible_people = forms.CharField(label=_("Responsible people"))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    safety_measures = forms.CharField(
        label=_("Safety and emergency measures during remediation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(ApplicationErrorFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
