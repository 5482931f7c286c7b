"""How a stored photo or a made PDF is answered to a browser.

``files`` has no URL of its own, and no idea who may see a photo or a PDF: the app
that owns it (a hazard's evidence, an inspection answer, a report) checks the user's
scope in its own view, through its own selector, and returns ``photo_response`` or
``pdf_response`` from there. A photo is never served from MEDIA_URL.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .models import Photo

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
