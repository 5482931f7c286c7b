"""The audit log keeps no secret: an integration's signing secret, its previous secret and its AES
key, and a notifier's token, are left out of its entries (AUDITLOG_INCLUDE_TRACKING_MODELS); the
entries written before that lose them here. A rotation is still recorded, by its time (rotated_at)."""

import json

from django.db import migrations

SECRET_FIELDS = {"integration": ("secret", "previous_secret", "aes_key"), "notifier": ("secret",)}


def forget_secrets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    for model, fields in SECRET_FIELDS.items():
        content_type = ContentType.objects.filter(app_label="alarms", model=model).first()
        if content_type is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type).iterator():
            changes = json.loads(entry.changes) if isinstance(entry.changes, str) else entry.changes
            if not isinstance(changes, dict) or not set(fields) & set(changes):
                continue
            entry.changes = {name: values for name, values in changes.items() if name not in fields}
            # The legacy text form of the changes names every field with its values: it goes too.
            entry.changes_text = ""
            entry.save(update_fields=["changes", "changes_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0003_signal_readings_are_heartbeats"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_secrets, migrations.RunPython.noop)]
