"""The one place that maps errors to pages.

- ``ServiceFormView``: a form page whose service refuses the input shows the form
  again with the service's messages beside the fields they name.
- ``ApplicationErrorMiddleware``: any other ApplicationError raised by a page
  becomes a 403 or 404 page (PermissionDeniedError, NotFoundError), or a message
  on the page the user came from.
- ``handler400``/``403``/``404``/``500``: Django's error pages, answered in the
  API's JSON error shape under ``/api/`` (riskplatform.api); a request that failed
  because the database is away is answered 503 with Retry-After.
- ``export_filters_refused``: a list's export whose filters are not valid goes back to
  the list, which says what is wrong.
- ``RequestBodyLimitMiddleware``: a body larger than REQUEST_MAX_BYTES is refused
  by its announced length, before Django reads it.
"""

import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.generic import FormView

from riskplatform.api import body_too_large_message, error_response, human_size, is_api_request
from riskplatform.exceptions import DATABASE_AWAY, ApplicationError, NotFoundError, PermissionDeniedError

logger = logging.getLogger(__name__)


class ServiceFormView(LoginRequiredMixin, FormView):
    """A page with a form whose valid input goes to one service (``perform``).

    ``perform(form)`` calls the service and returns the response for success. The
    service's ApplicationError is shown on the form; PermissionDeniedError and
    NotFoundError go on to the middleware (403 and 404 pages).
    """

    def form_valid(self, form):
        try:
            return self.perform(form)
        except (PermissionDeniedError, NotFoundError):
            raise
        except ApplicationError as error:
            form.add_application_error(error)
            return self.form_invalid(form)

    def perform(self, form):
        raise NotImplementedError


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or is_api_request(request):
            return None
        if isinstance(exception, PermissionDeniedError):
            return handler403(request, PermissionDenied(exception.message))
        if isinstance(exception, NotFoundError):
            return handler404(request, Http404(exception.message))
        back = _back(request)
        if request.method in ("GET", "HEAD") or back is None:
            return render(request, "400.html", {"message": exception.message}, status=400)
        # A refused action (a button, not a form): say why on the page the user came from.
        messages.error(request, exception.message)
        return redirect(back)


def _back(request) -> str | None:
    """The page of this site the user came from, if the browser said so."""
    referer = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return referer if referer and safe else None


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is announced larger than REQUEST_MAX_BYTES (413)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return request_too_large(request)
        return self.get_response(request)


def request_too_large(request, message: str | None = None):
    if message is None:
        limit = human_size(settings.REQUEST_MAX_BYTES)
        message = _("The request is larger than %(size)s; send a smaller file.") % {"size": limit}
    if is_api_request(request):
        return error_response(code="too_large", detail=message, status_code=413)
    return render(request, "400.html", {"message": message, "title": _("Too large")}, status=413)


# --- Django's error handlers (riskplatform.urls) -------------------------------------------


def handler400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # Django refused a body (without its files) over DATA_UPLOAD_MAX_MEMORY_SIZE: say that
        # limit, not REQUEST_MAX_BYTES, which this request may be well under.
        return request_too_large(request, body_too_large_message())
    if is_api_request(request):
        return error_response(code="invalid", detail=_("The request is not valid."), status_code=400)
    return render(request, "400.html", {"message": _("The request is not valid.")}, status=400)


def handler403(request, exception=None):
    if is_api_request(request):
        return error_response(code="permission_denied", detail=_("You may not do this."), status_code=403)
    message = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"message": message}, status=403)


def handler404(request, exception=None):
    if is_api_request(request):
        return error_response(code="not_found", detail=_("Not found."), status_code=404)
    return defaults.page_not_found(request, exception)


# While PostgreSQL is away the answer is 503 and says to try again, so that a load balancer and a
# person both know it is passing.
RETRY_AFTER_SECONDS = 10


def handler500(request):
    # Django calls the handler within its except block: the exception being handled is at hand.
    away = isinstance(sys.exc_info()[1], DATABASE_AWAY)
    if is_api_request(request):
        if away:
            response = error_response(
                code="unavailable",
                detail=_("The platform cannot reach its database just now; try again shortly."),
                status_code=503,
            )
        else:
            response = error_response(
                code="server_error",
                detail=_("Something went wrong on the server; it has been logged. Nothing already saved is affected."),
                status_code=500,
            )
    elif away:
        response = defaults.server_error(request, template_name="503.html")
        response.status_code = 503
    else:
        return defaults.server_error(request)
    if away:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- A list's export -------------------------------------------------------------------------


def export_filters_refused(request, list_url_name: str):
    """An export whose filters are not valid goes back to its list with the same filters, where each
    error is said beside its field: the export never holds rows the user did not filter for."""
    messages.error(request, _("The filters are not valid; correct them and export again."))
    query = request.GET.urlencode()
    return redirect(reverse(list_url_name) + (f"?{query}" if query else ""))
