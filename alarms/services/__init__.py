"""Every write of the alarm pipeline (STYLE.md). Import from here."""

from .dispatch import (
    console_push,
    escalate,
    incident_console_payload,
    incident_push_update,
    notice_deliver,
    notifier_attempt_send,
    station_group_name,
    stations_for_site,
    timer_fire,
)
from .incidents import (
    incident_acknowledge,
    incident_confirm,
    incident_dispatch,
    incident_on_scene,
    incident_resolve,
    incident_steps_possible,
    user_may_act,
)
from .processing import alarms_sweep, device_health_changed, devices_offline_check, event_process, telemetry_process
from .retention import alarm_records_prune
from .setup import (
    DEVICE_IMPORT_COLUMNS,
    device_model_save,
    device_register,
    devices_import,
    integration_create,
    integration_rotate,
    integration_set_active,
    notifier_reset,
    notifier_save,
)

__all__ = [
    "DEVICE_IMPORT_COLUMNS",
    "alarm_records_prune",
    "alarms_sweep",
    "console_push",
    "device_health_changed",
    "device_model_save",
    "device_register",
    "devices_import",
    "devices_offline_check",
    "escalate",
    "event_process",
    "incident_acknowledge",
    "incident_confirm",
    "incident_console_payload",
    "incident_dispatch",
    "incident_on_scene",
    "incident_push_update",
    "incident_resolve",
    "incident_steps_possible",
    "integration_create",
    "integration_rotate",
    "integration_set_active",
    "notice_deliver",
    "notifier_attempt_send",
    "notifier_reset",
    "notifier_save",
    "station_group_name",
    "stations_for_site",
    "telemetry_process",
    "timer_fire",
    "user_may_act",
]
