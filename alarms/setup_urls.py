"""Devices, integrations, device models, notifiers and the device import, in pages (alarms.setup_views).

Included by alarms.urls without a namespace of its own, so its names are ``alarms:<name>`` like the console's.
"""

from django.urls import path

from . import setup_views as views

urlpatterns = [
    path("devices/", views.device_list_page, name="device-list"),
    path("devices/export.xlsx", views.device_export, name="device-export"),
    path("devices/new/", views.DeviceCreateView.as_view(), name="device-create"),
    path("devices/import/", views.DeviceImportView.as_view(), name="device-import"),
    path("devices/<int:pk>/", views.device_detail, name="device-detail"),
    path("devices/<int:pk>/edit/", views.DeviceEditView.as_view(), name="device-edit"),
    path("integrations/", views.integration_list_page, name="integration-list"),
    path("integrations/new/", views.IntegrationCreateView.as_view(), name="integration-create"),
    path("integrations/<int:pk>/", views.integration_detail, name="integration-detail"),
    path("integrations/<int:pk>/rotate/", views.IntegrationRotateView.as_view(), name="integration-rotate"),
    path("integrations/<int:pk>/active/", views.integration_active, name="integration-active"),
    # The link of the admins' notification about a fire alarm from an unregistered device (alarms.services.processing).
    path("events/unknown/", views.unknown_events_page, name="unknown-events"),
    path("device-models/", views.device_model_list_page, name="device-model-list"),
    path("device-models/new/", views.DeviceModelCreateView.as_view(), name="device-model-create"),
    path("device-models/<int:pk>/", views.DeviceModelEditView.as_view(), name="device-model-edit"),
    path("notifiers/", views.notifier_list_page, name="notifier-list"),
    path("notifiers/<int:pk>/reset/", views.notifier_reset_view, name="notifier-reset"),
]
