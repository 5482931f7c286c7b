"""What an uploaded licence or document really is, by its content, never by its name."""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from riskplatform.exceptions import ApplicationError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# A PDF ends with its trailer: "startxref", the offset, "%%EOF", within the last kilobyte.
PDF_TRAILER = re.compile(rb"startxref\s+\d+\s+%%EOF")


def _error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"file": [message]})


def sniff_document(upload) -> str:
    """The content type of an uploaded PDF, JPEG or PNG, or ApplicationError on the file field.

    A PDF must have a PDF header, a trailer at its end and a page tree a PDF reader
    can open: an HTML page that merely starts with ``%PDF-`` is refused. An image
    must open and verify in Pillow.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        _check_pdf(upload)
        return PDF
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _check_image(upload)
    raise _error(_("Upload a PDF, JPEG or PNG file; this file is none of them."))


def _check_pdf(upload) -> None:
    damaged = _("This PDF is damaged or not really a PDF; save it again as PDF and upload it.")
    upload.seek(max(upload.size - 1024, 0))
    tail = upload.read()
    upload.seek(0)
    if not PDF_TRAILER.search(tail):
        raise _error(damaged)
    try:
        pages = len(PdfReader(upload, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise _error(damaged) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise _error(damaged)


def _check_image(upload) -> str:
    try:
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise _error(_("The image is damaged and cannot be read.")) from None
    finally:
        upload.seek(0)
    # A document is shown as it was uploaded: a picture claiming more pixels than a photo may have
    # (a decompression bomb, read from its header) would make every browser that opens it decode it.
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise _error(
            _("The image is %(width)d × %(height)d pixels; a document's image may have at most %(max)d million pixels.")
            % {"width": width, "height": height, "max": settings.PHOTO_MAX_PIXELS // 1_000_000}
        )
    if kind == "JPEG":
        return JPEG
    if kind == "PNG":
        return PNG
    raise _error(_("Upload a PDF, JPEG or PNG file; this file is none of them."))
