"""A report carrying only the signal strength is a sign of life too: the presets' signal streams
map to a heartbeat, so the reading is kept (ingest reads ``signal_stream``) instead of the report
being left unrecognised. A preset someone has edited to map the stream already is left as it is
(a database made after this change has the rules from 0002 already)."""

from django.db import migrations

SIGNAL_RULES = {
    "NB-IoT smoke detector (OneNET data streams)": {"stream": "rssi", "type": "heartbeat"},
    "NB-IoT smoke detector (CTWing thing model)": {"stream": "signal_strength", "type": "heartbeat"},
}


def add_rules(apps, schema_editor):
    DeviceModel = apps.get_model("alarms", "DeviceModel")
    for model in DeviceModel.objects.filter(name__in=SIGNAL_RULES):
        rule = SIGNAL_RULES[model.name]
        if not any(existing.get("stream") == rule["stream"] for existing in model.rules):
            model.rules = [*model.rules, rule]
            model.save(update_fields=["rules"])


def remove_rules(apps, schema_editor):
    DeviceModel = apps.get_model("alarms", "DeviceModel")
    for model in DeviceModel.objects.filter(name__in=SIGNAL_RULES):
        model.rules = [rule for rule in model.rules if rule != SIGNAL_RULES[model.name]]
        model.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [("alarms", "0002_device_model_presets")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
