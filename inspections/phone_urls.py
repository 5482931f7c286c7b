"""The grid worker's inspection pages on the phone (inspections.phone_views); /sw.js is routed at the site's root."""

from django.urls import path

from . import phone_views

app_name = "inspections-phone"

urlpatterns = [
    path("tasks/", phone_views.inspection_tasks, name="tasks"),
    path("new/", phone_views.inspection_new, name="new"),
]
