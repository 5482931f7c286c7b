"""The Content Security Policy of every page (django-csp), and the one view that needs more.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: scripts, styles and
everything else from this origin only, no inline script or handler anywhere (the
pages' code lives in ``static/js/``; ``json_script`` blocks are data, never run).
This module adds what settings cannot know, the WebSocket origin of the request's own
host and the host of a configured base map's tiles (MAP_TILE_URL, images only), and relaxes
the policy's styles for the one page of others that needs it, Swagger UI (the Django
admin runs under the policy as it is).
"""

from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the console's and notifications' WebSockets allowed.

    CSP Level 3 lets ``connect-src 'self'`` reach ``ws:``/``wss:`` of the same host, but
    older Safari and some in-app browsers do not, so the page's own host is named with the
    WebSocket scheme matching the page's (``wss:`` behind TLS).
    """

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        socket = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), socket]
        tiles = tile_source(getattr(settings, "MAP_TILE_URL", ""))
        if tiles:
            # Leaflet shows tiles as <img> elements: only images may come from there.
            update["img-src"] = [*update.get("img-src", []), tiles]
        parts.update = update
        return parts


def tile_source(url: str) -> str | None:
    """The CSP source of a tile URL template's host: "https://tiles.example.org", or with a wildcard where the
    host has a placeholder ("https://{s}.tile.example.org" -> "https://*.tile.example.org"). None for no URL,
    or one that is not http(s) with a host; a URL on the page's own origin ("/tiles/{z}/{x}/{y}.png") needs none."""
    if not url:
        return None
    # The placeholders are not valid in a host name; take them out before parsing.
    parts = urlsplit(url.replace("{", "%7B").replace("}", "%7D"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.rsplit("@", 1)[-1].replace("%7B", "{").replace("%7D", "}")
    if "{" in host:
        labels = host.split(".")
        # CSP allows a wildcard only as the leftmost label: everything up to the last label with a placeholder goes.
        last = max(index for index, label in enumerate(labels) if "{" in label)
        rest = labels[last + 1 :]
        if len(rest) < 2:
            return None
        host = ".".join(["*", *rest])
    return f"{parts.scheme}://{host}"


# Swagger UI (drf-spectacular-sidecar, served from our origin) sets inline styles on the
# elements it draws; its script runs from a file (SpectacularSwaggerSplitView), never inline.
swagger_csp = csp_update({"style-src": [UNSAFE_INLINE], "img-src": [SELF, "data:"]})
