"""Shared pieces of the JSON API: pagination and the one error shape."""

from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from riskplatform.exceptions import ApplicationError, PermissionDeniedError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """Answer every ApplicationError as ``{"detail": ..., "errors": {field: [...]}}``."""
    if isinstance(exc, ApplicationError):
        code = status.HTTP_403_FORBIDDEN if isinstance(exc, PermissionDeniedError) else status.HTTP_400_BAD_REQUEST
        return Response({"detail": exc.message, "errors": exc.field_errors}, status=code)
    return drf_exception_handler(exc, context)
