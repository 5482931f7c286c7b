from django.urls import path

from . import boundary_views, otp_views

urlpatterns = [
    path("login/code/", otp_views.login_otp, name="login-otp"),
    path("account/two-factor/", otp_views.two_factor, name="two-factor"),
    # Territory boundaries for the map (dashboards.maps), from a GeoJSON file.
    path("territory/boundaries/", boundary_views.BoundaryImportView.as_view(), name="boundary-import"),
]
