"""Pages to import sites from a spreadsheet and to export the registry. Thin: the work is in
``enterprises.imports`` and ``enterprises.exports``; errors are mapped in riskplatform.pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import ensure_registry_editor
from files.models import ListExport
from files.views import list_export_answer
from files.xlsx import XLSX_CONTENT_TYPE
from riskplatform.forms import ApplicationErrorFormMixin

from . import exports, imports
from .models import SiteImport
from .selectors import site_import_get_for_user, site_import_list
from .spreadsheets import COLUMNS
from .views import RegistryEditorFormView

# Errors shown on the preview page; a file with more has the same mistake throughout.
PREVIEW_ERROR_LIMIT = 1000


class SiteImportForm(ApplicationErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (.csv), UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def add_application_error(self, error) -> None:
        # Whatever is wrong with an uploaded file is said beside the file field.
        self.add_error("file", error.message)


class SiteImportView(RegistryEditorFormView):
    form_class = SiteImportForm
    template_name = "enterprises/site_import.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "columns": COLUMNS,
            "recent_imports": site_import_list(user=self.request.user)[:10],
            "template_url": f"{reverse('enterprises:site-export')}?template=1",
        }

    def perform(self, form):
        site_import = imports.site_import_create(acting_user=self.request.user, upload=form.cleaned_data["file"])
        return redirect("enterprises:site-import-preview", pk=site_import.pk)


def _preview_context(site_import: SiteImport) -> dict:
    errors = site_import.errors
    return {
        "site_import": site_import,
        "errors": errors[:PREVIEW_ERROR_LIMIT],
        "hidden_error_count": max(len(errors) - PREVIEW_ERROR_LIMIT, 0),
        "bad_row_count": len({error["row"] for error in errors}),
        "unchanged_count": site_import.row_count - site_import.create_count - site_import.update_count,
        "can_commit": site_import.can_commit,
        "progress": imports.site_import_progress(site_import=site_import)
        if site_import.status == SiteImport.Status.QUEUED
        else None,
    }


@login_required
@require_GET
def site_import_preview(request, pk: int):
    ensure_registry_editor(user=request.user)
    site_import = site_import_get_for_user(user=request.user, pk=pk)
    return render(request, "enterprises/site_import_preview.html", _preview_context(site_import))


@login_required
@require_GET
def site_import_progress(request, pk: int):
    """The progress bar of a background commit, polled by htmx; the whole page again once it is done."""
    ensure_registry_editor(user=request.user)
    site_import = site_import_get_for_user(user=request.user, pk=pk)
    response = render(request, "enterprises/_site_import_progress.html", _preview_context(site_import))
    if site_import.status != SiteImport.Status.QUEUED:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def site_import_commit(request, pk: int):
    ensure_registry_editor(user=request.user)
    site_import = site_import_get_for_user(user=request.user, pk=pk)
    site_import = imports.site_import_commit(site_import=site_import, acting_user=request.user)
    if site_import.status == SiteImport.Status.COMMITTED:
        messages.success(
            request,
            _("Import committed. Sites created: %(created)d; sites updated: %(updated)d.")
            % {"created": site_import.create_count, "updated": site_import.update_count},
        )
    return redirect("enterprises:site-import-preview", pk=site_import.pk)


@login_required
@require_GET
def site_export(request):
    """The filtered registry as .xlsx (same query parameters as the list page), or with ?template=1 the import template."""
    if request.GET.get("template"):
        return FileResponse(
            exports.site_import_template(user=request.user),
            as_attachment=True,
            filename=exports.template_filename(),
            content_type=XLSX_CONTENT_TYPE,
        )
    return list_export_answer(request, kind=ListExport.Kind.SITES)
