from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import grid_list
from riskplatform.forms import ApplicationErrorFormMixin

from .models import Site, SiteDocument
from .selectors import category_list
from .services import SITE_FIELDS


class SiteForm(ApplicationErrorFormMixin, forms.ModelForm):
    """The fields of a site file; the rules beyond one field's format live in enterprises.services."""

    class Meta:
        model = Site
        fields = SITE_FIELDS
        widgets = {
            "facilities_note": forms.Textarea(attrs={"rows": 3}),
            "responsible_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "safety_contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "credit_code": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grid_list(user=user)
        self.fields["category"].queryset = category_list()
        self.fields["credit_code"].help_text = _(
            "18 characters (GB 32100). Leave empty for residential courtyards and buildings."
        )


class SiteDocumentForm(ApplicationErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    number = forms.CharField(label=_("Licence number"), max_length=100, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."))
