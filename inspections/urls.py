from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("<uuid:pk>/", views.inspection_detail, name="inspection-detail"),
    path("<uuid:pk>.pdf", views.inspection_pdf, name="inspection-pdf"),
    path("<uuid:pk>/photos/<uuid:photo>/", views.inspection_photo, name="inspection-photo"),
]
