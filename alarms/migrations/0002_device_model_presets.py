"""Preset device models for common NB-IoT smoke detectors (editable in the pages).

Vendors name their data streams and event services differently; these presets carry the
usual names and say in their notes what to check against the vendor's thing model. The
CTWing low-battery service 1002 with battery_state is the one CTWing's subscription push
documentation shows in its eventReport example.
"""

from django.db import migrations

DAY = 24 * 3600

ONENET_RULES = [
    {"stream": "smoke_alarm", "value": 1, "type": "fire_alarm"},
    {"stream": "smoke_alarm", "value": 0, "type": "alarm_cleared"},
    {"stream": "silence", "value": 1, "type": "silenced"},
    {"stream": "test", "value": 1, "type": "test"},
    {"stream": "battery_low", "value": 1, "type": "low_battery"},
    {"stream": "fault", "value": 1, "type": "fault"},
    {"stream": "fault", "value": 0, "type": "fault_cleared"},
    {"stream": "tamper", "value": 1, "type": "tamper"},
    {"stream": "tamper", "value": 0, "type": "tamper_restored"},
    {"stream": "heartbeat", "type": "heartbeat"},
    {"stream": "battery", "type": "heartbeat"},
    {"stream": "rssi", "type": "heartbeat"},
]

CTWING_RULES = [
    {"stream": "serviceId:1001", "type": "fire_alarm"},
    {"stream": "serviceId:1002", "type": "low_battery"},
    {"stream": "serviceId:1003", "type": "fault"},
    {"stream": "serviceId:1004", "type": "tamper"},
    {"stream": "smoke_state", "value": 1, "type": "fire_alarm"},
    {"stream": "smoke_state", "value": 0, "type": "heartbeat"},
    {"stream": "alarm_cleared", "value": 1, "type": "alarm_cleared"},
    {"stream": "silence", "value": 1, "type": "silenced"},
    {"stream": "self_test", "value": 1, "type": "test"},
    {"stream": "tamper_state", "value": 0, "type": "tamper_restored"},
    {"stream": "battery_value", "type": "heartbeat"},
    {"stream": "signal_strength", "type": "heartbeat"},
]

PRESETS = [
    {
        "name": "NB-IoT smoke detector (OneNET data streams)",
        "maker": "",
        "platform": "onenet",
        "rules": ONENET_RULES,
        "battery_stream": "battery",
        "signal_stream": "rssi",
        "heartbeat_seconds": DAY,
        "notes": "Data stream ids (ds_id) as many NB-IoT smoke detectors on OneNET name them; "
        "check them against the vendor's list.",
    },
    {
        "name": "NB-IoT smoke detector (CTWing thing model)",
        "maker": "",
        "platform": "ctwing",
        "rules": CTWING_RULES,
        "battery_stream": "battery_value",
        "signal_stream": "signal_strength",
        "heartbeat_seconds": DAY,
        "notes": "serviceId 1002 (low battery) as in CTWing's eventReport example; the other event services and the "
        "dataReport keys follow the usual smoke-detector thing model: check them against the product's model on CTWing.",
    },
    {
        "name": "Webhook device (vendor or simulator)",
        "maker": "",
        "platform": "webhook",
        "rules": [],
        "battery_stream": "",
        "signal_stream": "",
        "heartbeat_seconds": 3600,
        "notes": "The generic webhook states each event's type itself; battery and signal come as fields.",
    },
]


def add_presets(apps, schema_editor):
    DeviceModel = apps.get_model("alarms", "DeviceModel")
    for preset in PRESETS:
        DeviceModel.objects.get_or_create(name=preset["name"], defaults=preset)


def remove_presets(apps, schema_editor):
    DeviceModel = apps.get_model("alarms", "DeviceModel")
    DeviceModel.objects.filter(name__in=[preset["name"] for preset in PRESETS], devices__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("alarms", "0001_initial")]

    operations = [migrations.RunPython(add_presets, remove_presets)]
