"""Pages to import sites from a spreadsheet and to export the registry. Thin: the work is in
``enterprises.imports`` and ``enterprises.exports``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riskplatform.exceptions import ApplicationError, PermissionDeniedError

from . import exports, imports
from .filters import SiteFilter
from .selectors import site_import_get_for_user, site_import_list, site_list
from .spreadsheets import COLUMNS
from .views import require_registry_editor

# Errors shown on the preview page; a file with more has the same mistake throughout.
PREVIEW_ERROR_LIMIT = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SiteImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (.csv), UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request):
    require_registry_editor(request.user)
    form = SiteImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            site_import = imports.site_import_create(acting_user=request.user, upload=form.cleaned_data["file"])
        except PermissionDeniedError as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            return redirect("enterprises:site-import-preview", pk=site_import.pk)
    context = {
        "form": form,
        "columns": COLUMNS,
        "recent_imports": site_import_list(user=request.user)[:10],
        "template_url": f"{reverse('enterprises:site-export')}?template=1",
    }
    return render(request, "enterprises/site_import.html", context)


@login_required
@require_GET
def site_import_preview(request, pk: int):
    require_registry_editor(request.user)
    site_import = site_import_get_for_user(user=request.user, pk=pk)
    errors = site_import.errors
    context = {
        "site_import": site_import,
        "errors": errors[:PREVIEW_ERROR_LIMIT],
        "hidden_error_count": max(len(errors) - PREVIEW_ERROR_LIMIT, 0),
        "bad_row_count": len({error["row"] for error in errors}),
        "unchanged_count": site_import.row_count - site_import.create_count - site_import.update_count,
        "can_commit": site_import.can_commit,
    }
    return render(request, "enterprises/site_import_preview.html", context)


@login_required
@require_POST
def site_import_commit(request, pk: int):
    require_registry_editor(request.user)
    site_import = site_import_get_for_user(user=request.user, pk=pk)
    try:
        site_import = imports.site_import_commit(site_import=site_import, acting_user=request.user)
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
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
    filterset = SiteFilter(request.GET, queryset=site_list(user=request.user), request=request)
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; correct them and export again."))
        return redirect(f"{reverse('enterprises:site-list')}?{request.GET.urlencode()}")
    return FileResponse(
        exports.site_export_workbook(sites=filterset.qs),
        as_attachment=True,
        filename=exports.export_filename(),
        content_type=XLSX_CONTENT_TYPE,
    )
