from django.urls import path

from . import import_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.site_list, name="site-list"),
    path("my-grid/", views.my_grid, name="my-grid"),
    path("new/", views.SiteCreateView.as_view(), name="site-create"),
    path("tag/<str:token>/", views.site_by_tag, name="site-by-tag"),
    path("qr-sheet/", views.qr_sheet, name="qr-sheet"),
    path("export.xlsx", import_views.site_export, name="site-export"),
    path("import/", import_views.SiteImportView.as_view(), name="site-import"),
    path("import/<int:pk>/", import_views.site_import_preview, name="site-import-preview"),
    path("import/<int:pk>/commit/", import_views.site_import_commit, name="site-import-commit"),
    path("import/<int:pk>/progress/", import_views.site_import_progress, name="site-import-progress"),
    path("<int:pk>/edit/", views.SiteEditView.as_view(), name="site-edit"),
    path("<int:pk>/qr/", views.site_qr, name="site-qr"),
    path("<int:pk>/qr.svg", views.site_qr_svg, name="site-qr-svg"),
    path("<int:pk>/documents/", views.SiteDocumentUploadView.as_view(), name="site-document-upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.site_document_download, name="site-document-download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.site_document_delete, name="site-document-delete"),
]
