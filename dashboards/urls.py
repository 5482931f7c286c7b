from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("sites/<int:pk>/", views.site_file, name="site-file"),
]
