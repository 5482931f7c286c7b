"""The project's URLs, plus a page and an API view that crash: what a crash answers and logs.

Used with ``@pytest.mark.urls("tests.urls_crash")``; Django's error handlers are the
project's, so a crash is answered as it would be in production.
"""

from django.db import OperationalError
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny

from riskplatform.urls import handler400, handler403, handler404, handler500
from riskplatform.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class Crash(Exception):
    """A bug: nothing in the product catches it."""


def page_that_crashes(request):
    raise Crash("the page crashed")


@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_view_that_crashes(request):
    raise Crash("the API view crashed")


def page_without_its_database(request):
    raise OperationalError("connection failed: Connection refused")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_view_without_its_database(request):
    raise OperationalError("connection failed: Connection refused")


urlpatterns = [
    path("crash/", page_that_crashes),
    path("api/crash/", api_view_that_crashes),
    path("database-away/", page_without_its_database),
    path("api/database-away/", api_view_without_its_database),
    *project_urlpatterns,
]
