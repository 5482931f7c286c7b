from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import grid_list
from riskplatform.forms import ApplicationErrorFormMixin

from .models import Site, SiteDocument
from .selectors import category_list
from .services import DECIMAL_PLACES, SITE_FIELDS

# The groups of the form, as the site file page groups the profile.
SITE_FIELDSETS = [
    (_("Identity"), ["name", "credit_code", "category", "status"]),
    (
        _("Place and people"),
        [
            "grid",
            "address",
            "latitude",
            "longitude",
            "responsible_person",
            "responsible_phone",
            "safety_contact",
            "safety_contact_phone",
        ],
    ),
    (_("Building"), ["floor_area", "storeys", "staff_count", "capacity", "opening_hours"]),
    (_("Use"), ["has_kitchen", "uses_lpg", "uses_piped_gas", "has_ebike_charging", "stores_flammables"]),
    (
        _("Fire facilities"),
        ["extinguisher_count", "hydrant_count", "has_fire_alarm_system", "has_sprinklers", "exit_count", "facilities_note"],
    ),
]
assert sorted(name for _label, names in SITE_FIELDSETS for name in names) == sorted(SITE_FIELDS)


class SiteForm(ApplicationErrorFormMixin, forms.Form):
    """The fields of a site file, parsed into Python values and nothing more.

    Not a ModelForm: normalising and validating a site file is the service's work
    (enterprises.services), so that this page, the API and an import give the same
    answer. This form only turns text into numbers, choices and rows.
    """

    def __init__(self, *args, user: User, site: Site | None = None, **kwargs):
        if site is not None:
            kwargs.setdefault("initial", {name: getattr(site, name) for name in SITE_FIELDS})
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Site, fields=SITE_FIELDS, widgets=WIDGETS))
        for field in self.fields.values():
            # Lengths are checked after normalising ("9151 0100 ..." becomes 18 characters).
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        for name in ("credit_code", "responsible_phone", "safety_contact_phone"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        for name in DECIMAL_PLACES:
            # Any number of decimals: the service rounds them to what the registry keeps.
            field = self.fields[name]
            self.fields[name] = forms.DecimalField(label=field.label, required=False, help_text=field.help_text)
        self.fields["grid"].queryset = grid_list(user=user)
        self.fields["category"].queryset = category_list()
        self.fields["credit_code"].help_text = _(
            "18 characters (GB 32100). Leave empty for residential courtyards and buildings."
        )

    def fieldsets(self):
        return [(label, [self[name] for name in names]) for label, names in SITE_FIELDSETS]


WIDGETS = {
    "facilities_note": forms.Textarea(attrs={"rows": 3}),
    "responsible_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    "safety_contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
    "credit_code": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
}


class SiteDocumentForm(ApplicationErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    number = forms.CharField(label=_("Licence number"), max_length=100, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(size)d MB.") % {
            "size": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)
        }
