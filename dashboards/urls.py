from django.urls import path

from . import report_views, trend_views, views

app_name = "dashboards"

urlpatterns = [
    path("sites/<int:pk>/", views.site_file, name="site-file"),
    # The overview of the user's scope, and the drill-down street -> community -> grid -> site file.
    path("overview/", views.overview, name="overview"),
    path("overview/street/<int:pk>/", views.overview, {"level": "street"}, name="overview-street"),
    path("overview/community/<int:pk>/", views.overview, {"level": "community"}, name="overview-community"),
    path("overview/grid/<int:pk>/", views.overview, {"level": "grid"}, name="overview-grid"),
    # The trends of the same scopes, week by week or month by month.
    path("trends/", trend_views.trends, name="trends"),
    path("trends/street/<int:pk>/", trend_views.trends, {"level": "street"}, name="trends-street"),
    path("trends/community/<int:pk>/", trend_views.trends, {"level": "community"}, name="trends-community"),
    path("trends/grid/<int:pk>/", trend_views.trends, {"level": "grid"}, name="trends-grid"),
    # Safety reports: request, follow and download.
    path("reports/", report_views.SafetyReportsView.as_view(), name="reports"),
    path("reports/<int:pk>/row/", report_views.safety_report_row, name="report-row"),
    path("reports/<int:pk>/download/", report_views.safety_report_download, name="report-download"),
]
