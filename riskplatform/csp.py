"""The Content Security Policy of every page (django-csp), and the one view that needs more.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: scripts, styles and
everything else from this origin only, no inline script or handler anywhere (the
pages' code lives in ``static/js/``; ``json_script`` blocks are data, never run).
This module adds what settings cannot know, the WebSocket origin of the request's own
host, and relaxes the policy's styles for the one page of others that needs it, Swagger UI (the Django
admin runs under the policy as it is).
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware, PolicyParts
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
        parts.update = update
        return parts


# Swagger UI (drf-spectacular-sidecar, served from our origin) sets inline styles on the
# elements it draws; its script runs from a file (SpectacularSwaggerSplitView), never inline.
swagger_csp = csp_update({"style-src": [UNSAFE_INLINE], "img-src": [SELF, "data:"]})
