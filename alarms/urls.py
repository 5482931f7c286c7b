from django.urls import include, path

from . import views

app_name = "alarms"

urlpatterns = [
    # The micro fire station's console (wall screen and phone) and the incidents behind it.
    path("console/", views.console, name="console"),
    path("console/cards/", views.console_cards, name="console-cards"),
    path("incidents/", views.incident_list_page, name="incident-list"),
    path("incidents/export.xlsx", views.incident_export, name="incident-export"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/card/", views.incident_card, name="incident-card"),
    path("incidents/<int:pk>/<str:step>/", views.IncidentStepView.as_view(), name="incident-step"),
    # Devices, integrations and the device import (alarms.setup_views).
    path("", include("alarms.setup_urls")),
]
