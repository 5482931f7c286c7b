from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import router as accounts_router
from accounts.otp_views import LoginView
from accounts.views import home, notification_open, notifications, notifications_read
from alarms.api import router as alarms_router
from alarms.ingest_views import ingest as alarm_ingest
from enterprises.api import router as enterprises_router
from files.api import router as files_router
from hazards.api import router as hazards_router
from inspections.api import router as inspections_router
from inspections.phone_views import service_worker
from regulations.api import router as regulations_router
from riskplatform.csp import swagger_csp

api_patterns = [
    path("", include(accounts_router.urls)),
    path("", include(alarms_router.urls)),
    path("", include(enterprises_router.urls)),
    path("", include(files_router.urls)),
    path("", include(hazards_router.urls)),
    path("", include(inspections_router.urls)),
    path("regulations/", include(regulations_router.urls)),
]

urlpatterns = [
    path("", home, name="home"),
    # Password, then a code for those who enrolled an authenticator (accounts/otp_views.py).
    path("login/", LoginView.as_view(), name="login"),
    path("", include("accounts.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", notifications, name="notifications"),
    path("notifications/read/", notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", notification_open, name="notification-open"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The site file composes every app's part of a site, so it is served by dashboards/.
    path("", include("dashboards.urls")),
    path("sites/", include("enterprises.urls")),
    path("regulations/", include("regulations.urls")),
    path("hazards/", include("hazards.urls")),
    path("inspections/", include("inspections.urls")),
    path("alarms/", include("alarms.urls")),
    path("exports/", include("files.urls")),
    # The grid worker's phone pages, and their service worker at the root so that it may serve them.
    path("inspections/", include("inspections.phone_urls")),
    path("sw.js", service_worker, name="service-worker"),
    path("admin/", admin.site.urls),
    # Carrier platforms push device events here (alarms.ingest): a plain view, before the API's routers.
    path("api/ingest/<str:platform>/<str:key>", alarm_ingest, name="alarm-ingest"),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's script is a file of its own (the split view), so only its styles need the policy relaxed.
    path("api/docs/", swagger_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler400 = "riskplatform.pages.handler400"
handler403 = "riskplatform.pages.handler403"
handler404 = "riskplatform.pages.handler404"
handler500 = "riskplatform.pages.handler500"

admin.site.site_header = gettext_lazy("Safety Risk Control Platform")
admin.site.site_title = gettext_lazy("Safety Risk Control Platform")
