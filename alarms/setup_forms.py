"""Forms of the setup pages: they only turn the input into Python values; the services judge it (STYLE.md).

Fields are optional here so that a missing value gets the service's own message beside it.
"""

import csv
import datetime
import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.spreadsheets import XLS_SIGNATURE, _csv_rows, _is_empty, _xlsx_rows
from riskplatform.exceptions import ApplicationError
from riskplatform.forms import ApplicationErrorFormMixin

from .models import Device, DeviceModel, Integration, Platform
from .services import DEVICE_IMPORT_COLUMNS

EMPTY = [("", "—")]


class IntegrationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.active else _("%(name)s (inactive)") % {"name": obj.name}


def _integrations():
    # Names and platforms only: a form has no business loading the secrets.
    return Integration.objects.only("pk", "name", "platform", "active").order_by("name")


class DeviceForm(ApplicationErrorFormMixin, forms.Form):
    """A device's registration. The site is chosen on the page (a search, or the site file's link) and sent by its id."""

    site = forms.IntegerField(label=gettext_lazy("Site"), required=False, widget=forms.HiddenInput)
    integration = IntegrationChoiceField(
        label=gettext_lazy("Integration"), required=False, queryset=_integrations(), empty_label="—"
    )
    platform_device_id = forms.CharField(
        label=gettext_lazy("Platform device id"),
        required=False,
        help_text=gettext_lazy("The id the platform gives the device (OneNET dev_id, CTWing deviceId)."),
    )
    imei = forms.CharField(label=gettext_lazy("IMEI"), required=False)
    model = forms.ModelChoiceField(
        label=gettext_lazy("Device model"),
        required=False,
        queryset=DeviceModel.objects.only("pk", "name", "platform").order_by("platform", "name"),
        empty_label="—",
    )
    building = forms.CharField(label=gettext_lazy("Building"), required=False)
    floor = forms.CharField(label=gettext_lazy("Floor"), required=False)
    room = forms.CharField(label=gettext_lazy("Room"), required=False)
    installed_on = forms.DateField(
        label=gettext_lazy("Installed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    heartbeat_seconds = forms.IntegerField(
        label=gettext_lazy("Heartbeat interval (seconds)"),
        required=False,
        help_text=gettext_lazy("Empty: the model's."),
    )


def device_initial(device: Device) -> dict:
    return {
        "site": device.site_id,
        "integration": device.integration_id,
        "platform_device_id": device.platform_device_id,
        "imei": device.imei,
        "model": device.model_id,
        "building": device.building,
        "floor": device.floor,
        "room": device.room,
        "installed_on": device.installed_on,
        "heartbeat_seconds": device.heartbeat_seconds,
    }


# --- The device import ---------------------------------------------------------------------------


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 2016617 not 2016617.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(text) -> str:
    # Templates mark required columns with an asterisk; spacing and case vary.
    return "".join(_cell_text(text).replace("*", "").replace("＊", "").split()).lower()


def read_device_rows(*, content: bytes, name: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the rows (with their row numbers in the file) of an uploaded .xlsx or .csv (UTF-8 or GBK).

    The file is read as the registry import reads it (enterprises.spreadsheets); what the rows
    mean is devices_import_rows' business.
    """
    extension = Path(name).suffix.lower()
    if extension not in {".xlsx", ".csv"}:
        if extension == ".xls" or content.startswith(XLS_SIGNATURE):
            raise ApplicationError(_("Old Excel workbooks (.xls) cannot be read; save the file as .xlsx and upload it again."))
        raise ApplicationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if not content.strip():
        raise ApplicationError(_("The file is empty."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(max)d MB; split it into smaller files.")
            % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    raw_rows = _xlsx_rows(content) if extension == ".xlsx" else _csv_rows(content)
    header = None
    rows = []
    for number, values in raw_rows:
        if _is_empty(values):
            continue
        if header is None:
            header = [_header(value) for value in values]
            continue
        if len(rows) >= settings.IMPORT_MAX_ROWS:
            raise ApplicationError(
                _("The file has more than %(max)d rows; split it into files of at most %(max)d rows.")
                % {"max": settings.IMPORT_MAX_ROWS}
            )
        rows.append((number, {column: _cell_text(value) for column, value in zip(header, values, strict=False) if column}))
    if header is None:
        raise ApplicationError(_("The file is empty."))
    return header, rows


class DeviceImportForm(ApplicationErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (.csv), UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            columns, rows = read_device_rows(content=upload.read(), name=upload.name)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return {"name": upload.name, "columns": columns, "rows": rows}

    def add_application_error(self, error) -> None:
        # Whatever is wrong with an uploaded file as a whole is said beside the file field.
        self.add_error("file", error.message)


def device_import_template() -> str:
    """The header row of the import, as CSV text (with a BOM, so that Excel reads it as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerow(DEVICE_IMPORT_COLUMNS)
    return out.getvalue()


# --- Integrations, device models -----------------------------------------------------------------


class IntegrationForm(ApplicationErrorFormMixin, forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), required=False, choices=EMPTY + Platform.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        help_text=gettext_lazy("Which platform account this is, e.g. OneNET 望江路."),
    )
    aes_key = forms.CharField(
        label=gettext_lazy("EncodingAESKey"),
        required=False,
        help_text=gettext_lazy("OneNET safe mode only: the 43-character key set on OneNET."),
    )


class IntegrationRotateForm(ApplicationErrorFormMixin, forms.Form):
    secret = forms.CharField(
        label=gettext_lazy("New secret"),
        required=False,
        help_text=gettext_lazy("Leave empty to have one made. OneNET: the token you set on OneNET."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DeviceModelForm(ApplicationErrorFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), required=False)
    maker = forms.CharField(label=gettext_lazy("Maker"), required=False)
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), required=False, choices=EMPTY + Platform.choices)
    rules = forms.CharField(
        label=gettext_lazy("Mapping rules (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "rules-json"}),
        help_text=gettext_lazy(
            'A list in order, the first match decides: {"stream": "smoke_alarm", "value": 1, "type": "fire_alarm"}; '
            "a rule without a value matches any value."
        ),
    )
    battery_stream = forms.CharField(label=gettext_lazy("Battery stream"), required=False)
    signal_stream = forms.CharField(label=gettext_lazy("Signal stream"), required=False)
    heartbeat_seconds = forms.IntegerField(label=gettext_lazy("Heartbeat interval (seconds)"), required=False)
    low_battery_percent = forms.IntegerField(label=gettext_lazy("Low battery below (percent)"), required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
