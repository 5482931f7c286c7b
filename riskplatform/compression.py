"""Pages, JSON and text compressed on their way out; pictures, PDFs and workbooks as they are.

The grid worker's pages are mostly HTML (a checklist embeds its items) and travel over a weak
network: gzip makes them a sixth of their size. Django's GZipMiddleware pads each response with
random bytes against BREACH. Files that are compressed already (JPEG, PDF, xlsx) only cost CPU
to compress again, so they are left alone; static files come compressed from WhiteNoise.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


class CompressTextMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
