from django.urls import path

from . import audit_views, map_views, report_views, trend_views, views

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
    # The map of the scope (or of one street, community or grid of it), its data, and the wall screen.
    path("map/", map_views.map_page, name="map"),
    path("map/data/", map_views.map_data_view, name="map-data"),
    path("map/<str:level>/<int:pk>/", map_views.map_page, name="map-unit"),
    path("map/<str:level>/<int:pk>/data/", map_views.map_data_view, name="map-unit-data"),
    path("wall/", map_views.wall, name="wall"),
    path("wall/panels/", map_views.wall_panels, name="wall-panels"),
    path("wall/<str:level>/<int:pk>/", map_views.wall, name="wall-unit"),
    path("wall/<str:level>/<int:pk>/panels/", map_views.wall_panels, name="wall-unit-panels"),
    # Safety reports: request, follow and download.
    path("reports/", report_views.SafetyReportsView.as_view(), name="reports"),
    path("reports/<int:pk>/row/", report_views.safety_report_row, name="report-row"),
    path("reports/<int:pk>/download/", report_views.safety_report_download, name="report-download"),
    # The audit log of every write, for administrators (dashboards.audit).
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit-export"),
]
