"""Django admin of the alarm pipeline (server-rendered, staff only): integrations with their rotation,
device models and their mapping, notifiers with their health, devices, station assignments and duty officers.

A new or rotated secret is shown once, in the message after the action; the list never shows it.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Delivery,
    Device,
    DeviceModel,
    DutyOfficer,
    Event,
    Incident,
    IncidentStep,
    Integration,
    Notifier,
    StationAssignment,
)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "active", "created_at", "rotated_at"]
    list_filter = ["platform", "active"]
    fields = ["platform", "name", "aes_key", "default_model", "active"]
    actions = ["rotate"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.integration_create(acting_user=request.user, platform=obj.platform, name=obj.name, aes_key=obj.aes_key)
        obj.pk = created.integration.pk
        messages.warning(
            request,
            _("Ingest URL: %(url)s  Secret (shown once): %(secret)s") % {"url": created.ingest_url, "secret": created.secret},
        )

    @admin.action(description=_("Rotate the secret (the old one stays valid for a grace period)"))
    def rotate(self, request, queryset):
        for integration in queryset:
            rotated = services.integration_rotate(integration=integration, acting_user=request.user)
            messages.warning(
                request, _("%(name)s: new secret (shown once): %(secret)s") % {"name": integration.name, "secret": rotated.secret}
            )


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = ["name", "maker", "platform", "heartbeat_seconds", "low_battery_percent"]
    list_filter = ["platform"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "site", "integration", "model", "status", "battery", "last_seen"]
    list_filter = ["status", "integration", "model"]
    search_fields = ["platform_device_id", "imei", "site__name"]
    raw_id_fields = ["site"]
    readonly_fields = ["status", "online", "low_battery", "fault", "tamper", "battery", "signal", "last_seen"]


@admin.register(Notifier)
class NotifierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "healthy", "consecutive_failures", "last_error", "last_success_at"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["stations", "duty_officers"]
    readonly_fields = ["consecutive_failures", "last_error", "last_failure_at", "last_success_at"]

    @admin.display(boolean=True, description=_("healthy"))
    def healthy(self, notifier):
        return not notifier.failing


@admin.register(StationAssignment)
class StationAssignmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "primary", "backup"]


@admin.register(DutyOfficer)
class DutyOfficerAdmin(admin.ModelAdmin):
    list_display = ["street", "user", "phone"]


class IncidentStepInline(admin.TabularInline):
    model = IncidentStep
    extra = 0
    readonly_fields = ["kind", "at", "actor", "note"]
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["site", "status", "opened_at", "acknowledged_at", "real", "resolved_at"]
    list_filter = ["status", "real"]
    inlines = [IncidentStepInline]
    readonly_fields = [field.name for field in Incident._meta.fields]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["type", "platform_device_id", "device", "occurred_at", "received_at", "processed_at"]
    list_filter = ["type", "integration", ("device", admin.EmptyFieldListFilter)]
    readonly_fields = [field.name for field in Event._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["integration", "received_at", "outcome", "verified", "error"]
    list_filter = ["outcome", "integration"]
    readonly_fields = [field.name for field in Delivery._meta.fields if field.name != "body"]
    exclude = ["body"]
