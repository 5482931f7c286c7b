"""Shared pieces of the JSON API: pagination, parsers, and the one error shape.

Every error the API answers, whatever raised it (a service's ApplicationError, a
serializer, a filter, authentication, a throttle, a parser, an unknown URL or a
crash), has the same body::

    {"code": "invalid", "detail": "A sentence for people.", "errors": {"field": ["..."]}}

``code`` is stable and meant for programs; ``detail`` and ``errors`` are in the
user's language. ``errors`` is empty unless the error names fields; messages that
concern no single field are listed under ``"__all__"``.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, pagination, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import json as drf_json

from riskplatform.exceptions import ApplicationError

ERROR_CODES = [
    "invalid",
    "parse_error",
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "not_found",
    "conflict",
    "method_not_allowed",
    "not_acceptable",
    "unsupported_media_type",
    "too_large",
    "throttled",
    "locked_out",
    "server_error",
    "unavailable",
]


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


# --- The one error shape -------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The body of every error the API answers."""

    code = serializers.ChoiceField(choices=ERROR_CODES, help_text=gettext_lazy("Stable; switch on this, not on the text."))
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in the user's language."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy('Messages by field; "__all__" for those of no single field.'),
    )


def error_body(*, code: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": str(detail), "errors": errors or {}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field": [...], "items.0.name": [...], "__all__": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "__all__" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            for field, messages in _flatten(value, f"{prefix}{name}.").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix.rstrip(".") or "__all__": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, f"{prefix}{index}.").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix.rstrip(".") or "__all__": [str(detail)]}


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    errors = _flatten(exc.detail)
    # A refusal that names no field (wrong password) is the whole answer; otherwise point at the fields.
    if list(errors) == ["__all__"] and len(errors["__all__"]) == 1:
        detail = errors["__all__"][0]
    else:
        detail = _("The request is not valid; correct the fields marked.")
    return error_body(code="invalid", detail=detail, errors=errors)


def exception_handler(exc, context):
    """Answer every error raised in an API view in the one shape (module docstring)."""
    # Imported here: rest_framework.views reads the parser settings, which name this module.
    from rest_framework.views import set_rollback

    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(error_body(code=exc.code, detail=exc.message, errors=exc.field_errors), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        # DRF reads a JSON or form body through Django's request.body, which refuses one
        # over DATA_UPLOAD_MAX_MEMORY_SIZE before our parsers see it.
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if exc.args else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if exc.args else None)
    if not isinstance(exc, exceptions.APIException):
        return None  # a crash: Django's handler500 answers it in the same shape (riskplatform.pages)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(exc)
    else:
        body = error_body(code=exc.default_code, detail=str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def error_response(*, code: str, detail: str, status_code: int) -> JsonResponse:
    """The one shape outside DRF's views: unknown URLs, crashes, oversized bodies, lockouts."""
    return JsonResponse(error_body(code=code, detail=detail), status=status_code, json_dumps_params={"ensure_ascii": False})


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


# --- Parsers: every malformed body is a 400 (or 413) in the one shape --------------------


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(body_too_large_message())


def body_too_large_message() -> str:
    """Why a body (without its files) over DATA_UPLOAD_MAX_MEMORY_SIZE is refused, for the API and the pages."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _("The request body is larger than %(size)s; send less at once.") % {"size": human_size(limit)}


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a depth guard and messages in the user's language.

    DRF hands it the body through Django's ``request.body``, which has already refused
    one over DATA_UPLOAD_MAX_MEMORY_SIZE (answered as RequestTooLarge above).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        body = stream.read()
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(_("The body is not text in %(encoding)s.") % {"encoding": encoding}) from None
        try:
            return drf_json.loads(text, parse_constant=drf_json.strict_constant if self.strict else None)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply.")) from None
        except json.JSONDecodeError as error:
            message = _("The body is not valid JSON (line %(line)d, column %(column)d).")
            raise exceptions.ParseError(message % {"line": error.lineno, "column": error.colno}) from None
        except ValueError:
            raise exceptions.ParseError(_("The body is not valid JSON (NaN and Infinity are not allowed).")) from None


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError(_("The multipart form body cannot be read; send it again.")) from None
