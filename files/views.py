"""How a stored photo, a made PDF or a list's export is answered to a browser.

``files`` has no idea who may see a photo or a PDF: the app that owns it (a hazard's
evidence, an inspection answer, a report) checks the user's scope in its own view,
through its own selector, and returns ``photo_response`` or ``pdf_response`` from there.
A photo is never served from MEDIA_URL.

Every list page's export view returns ``list_export_answer``: the workbook at once, or,
for a long list, a redirect to "My exports" (the only pages of ``files``), where the
export's progress shows until it can be downloaded.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from riskplatform.pages import export_filters_refused

from . import services, xlsx
from .list_exports import LIST_EXPORTS
from .models import ListExport, Photo
from .selectors import list_export_get_for_user, list_export_list

# A stored picture may be shown but may never run anything or be framed.
PHOTO_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
# A PDF may be shown in the browser's viewer but may never run anything or reach out.
PDF_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
# A photo never changes (a new picture is a new photo with a new id), so the browser
# may keep it; only the user's own browser, never a shared cache.
PHOTO_MAX_AGE = 7 * 24 * 3600


def photo_response(*, photo: Photo, thumbnail: bool = False) -> FileResponse:
    """The stored JPEG (or its thumbnail) of a photo the calling view has already allowed the user to see."""
    stored = photo.thumbnail if thumbnail else photo.image
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The stored photo is missing.")) from None
    suffix = "-thumb" if thumbnail else ""
    response = FileResponse(handle, content_type="image/jpeg", filename=f"{photo.pk}{suffix}.jpg", as_attachment=False)
    response["Content-Security-Policy"] = PHOTO_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=PHOTO_MAX_AGE, immutable=True)
    return response


def pdf_response(*, pdf: bytes, filename: str, as_attachment: bool = False) -> HttpResponse:
    """A PDF made by files.pdf.render_pdf, shown in the browser (or downloaded with ``as_attachment``).

    It is made afresh from the current state of its owner, so no cache keeps an old one.
    """
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Content-Security-Policy"] = PDF_CSP
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    return response


# --- A list's export ------------------------------------------------------------------------------------

# The exports "My exports" lists, the newest first.
LIST_EXPORTS_SHOWN = 20


def list_export_answer(request, *, kind: str):
    """The answer of a list page's "Export to Excel" (``kind``: ListExport.Kind), with the list's filters."""
    try:
        export = services.list_export_request(acting_user=request.user, kind=kind, query=request.GET)
    except xlsx.ExportFiltersInvalid:
        return export_filters_refused(request, LIST_EXPORTS[kind].list_url_name)
    if isinstance(export, xlsx.ExportSource):
        return xlsx.xlsx_response(title=export.title, columns=export.columns, rows=export.read(export.rows))
    messages.success(
        request,
        ngettext(
            "The list has %(rows)s row, too many to write at once: it is being written, and this page shows how far it is.",
            "The list has %(rows)s rows, too many to write at once: they are being written, and this page shows how far it is.",
            export.rows_expected,
        )
        % {"rows": f"{export.rows_expected:,}"},
    )
    return redirect("files:list-exports")


@login_required
@require_GET
def list_exports(request):
    """One's exports of long lists: their progress, and their workbooks while they are kept."""
    context = {
        "exports": list_export_list(user=request.user)[:LIST_EXPORTS_SHOWN],
        "keep_hours": settings.LIST_EXPORT_KEEP_HOURS,
    }
    return render(request, "files/list_exports.html", context)


@login_required
@require_GET
def list_export_row(request, pk: int):
    """One export's row, polled by htmx while it is being written."""
    return render(request, "files/_list_export_row.html", {"export": list_export_get_for_user(user=request.user, pk=pk)})


@login_required
@require_GET
def list_export_download(request, pk: int):
    """The workbook of one's own ready export."""
    export = list_export_get_for_user(user=request.user, pk=pk)
    if export.status != ListExport.Status.READY:
        raise Http404(_("This export is not ready."))
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The export's file is missing; export the list again.")) from None
    with xlsx.office_language():
        filename = xlsx.export_filename(title=export.title, day=timezone.localtime(export.requested_at).date())
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=xlsx.XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    return response
