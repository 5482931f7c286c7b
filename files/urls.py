from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("", views.list_exports, name="list-exports"),
    path("<int:pk>/row/", views.list_export_row, name="list-export-row"),
    path("<int:pk>/download/", views.list_export_download, name="list-export-download"),
]
