"""Devices, integrations and the device import, in pages (alarms.setup_views)."""

app_name = "alarms"

urlpatterns: list = []
