"""The project's one way to make a PDF (a rectification notice, an inspection record, a report).

A Django template that extends ``pdf/base.html`` is rendered to HTML and laid out by
WeasyPrint, which shapes Chinese text with Pango and HarfBuzz:

- Pages: A4 with margins, a running header (the template's ``header`` block), a
  footer (``footer``) and page numbers ("第 1 页 / 共 2 页", from the catalogue).
- Fonts: Noto Sans CJK SC for text and Noto Serif CJK SC for headings, found through
  fontconfig (Debian's fonts-noto-cjk, installed by ``make run``/``make test`` and the
  Dockerfile); the glyphs used are embedded in the PDF.
- Images: ``{% load pdf %}<img src="{{ photo.image|storage_url }}">`` names a stored
  file with the ``storage:`` scheme, and the fetcher here reads it through Django's
  storage API (local disk or a bucket alike). Nothing else is fetched: no HTTP (never
  a request to ourselves), no ``file:`` URLs; ``data:`` URIs work. A stored file that
  cannot be read is left out of the PDF with a warning in the log.
- Language: the active one (the request's in a view; LANGUAGE_CODE in a Celery
  task); wrap the call in ``translation.override(...)`` for another.
- Speed: loading fontconfig's fonts costs about 100 ms, so font configurations are
  kept between calls, one per render running at the same time (Pango's font maps are
  not shared between threads).
"""

import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Importing WeasyPrint makes Pillow accept truncated images in the whole process
# (weasyprint.images). The photo path refuses truncated uploads (files.services), and
# every image a PDF shows is a whole stored photo, so Pillow is made strict again.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Photos are stored up to 2560 px; in print, 200 dots per inch is sharp and keeps a notice small.
IMAGE_DPI = 200
JPEG_QUALITY = 85

_idle_font_configurations: list[FontConfiguration] = []
_font_configurations_lock = threading.Lock()


def render_pdf(*, template_name: str, context: dict) -> bytes:
    """The PDF of a template that extends ``pdf/base.html``, rendered with ``context``."""
    html = render_to_string(template_name, context)
    with _font_configuration() as font_config:
        return HTML(string=html, url_fetcher=StorageURLFetcher()).write_pdf(
            font_config=font_config, dpi=IMAGE_DPI, jpeg_quality=JPEG_QUALITY
        )


@contextmanager
def _font_configuration() -> Iterator[FontConfiguration]:
    """A font configuration no other render is using: an idle one, or a new one when all are busy."""
    with _font_configurations_lock:
        font_config = _idle_font_configurations.pop() if _idle_font_configurations else None
    if font_config is None:
        font_config = FontConfiguration()
    try:
        yield font_config
    finally:
        with _font_configurations_lock:
            _idle_font_configurations.append(font_config)


class StorageURLFetcher(URLFetcher):
    """Fetches ``storage:<name>`` from the default storage and ``data:`` URIs; refuses everything else."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme, _, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == "storage":
            name = unquote(rest)
            with default_storage.open(name, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme == "data":
            return super().fetch(url, headers)
        raise ValueError(f"A PDF reads only stored files (storage:) and data: URIs, not {url[:80]!r}.")
