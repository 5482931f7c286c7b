from django.urls import path

from . import import_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.site_list, name="site-list"),
    path("my-grid/", views.my_grid, name="my-grid"),
    path("new/", views.site_create, name="site-create"),
    path("qr-sheet/", views.qr_sheet, name="qr-sheet"),
    path("export.xlsx", import_views.site_export, name="site-export"),
    path("import/", import_views.site_import, name="site-import"),
    path("import/<int:pk>/", import_views.site_import_preview, name="site-import-preview"),
    path("import/<int:pk>/commit/", import_views.site_import_commit, name="site-import-commit"),
    path("<int:pk>/", views.site_detail, name="site-detail"),
    path("<int:pk>/edit/", views.site_edit, name="site-edit"),
    path("<int:pk>/qr/", views.site_qr, name="site-qr"),
    path("<int:pk>/qr.svg", views.site_qr_svg, name="site-qr-svg"),
    path("<int:pk>/documents/", views.site_document_upload, name="site-document-upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.site_document_download, name="site-document-download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.site_document_delete, name="site-document-delete"),
]
