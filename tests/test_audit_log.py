"""The audit log (django-auditlog, riskplatform/audit.py): every write says who, when, what and from
where, in the writer's own transaction; a write of a task is the system's."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alarms.models import Device
from alarms.services import integration_create
from alarms.tasks import devices_offline_check_task
from enterprises.services import site_update
from tests.alarms.conftest import preset
from tests.enterprises.test_site_file import form_data


def entries_of(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_a_site_edit_records_who_what_and_the_clients_address(client, staff, site):
    client.force_login(staff)
    data = form_data(site.grid, name=site.name, credit_code=site.credit_code, address=site.address, extinguisher_count="4")
    # The address is the one the ASGI server resolved (REMOTE_ADDR); a forwarded header it did not believe is no address.
    response = client.post(
        reverse("enterprises:site-edit", args=[site.pk]), data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert response.status_code == 302
    entry = entries_of(site).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff
    assert entry.remote_addr == "203.0.113.7"
    assert entry.changes_dict["extinguisher_count"] == ["0", "4"]
    assert timezone.now() - entry.timestamp < datetime.timedelta(minutes=1)


def test_a_rolled_back_write_leaves_no_entry(staff, site):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic(), set_actor(staff, remote_addr="203.0.113.7"):
        site_update(site=site, acting_user=staff, data={"extinguisher_count": 9})
        # Written in the same transaction as the site ...
        assert entries_of(site).filter(action=LogEntry.Action.UPDATE).count() == 1
        raise Refused
    # ... and gone with it.
    assert not entries_of(site).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_task_write_is_recorded_as_the_systems(site):
    onenet = integration_create(acting_user=None, platform="onenet", name="OneNET")
    device = Device.objects.create(
        integration=onenet.integration, platform_device_id="2016617", model=preset("onenet"), site=site, room="厨房"
    )
    Device.objects.filter(pk=device.pk).update(last_seen=timezone.now() - datetime.timedelta(days=30))

    devices_offline_check_task.apply()

    entry = entries_of(device).get(action=LogEntry.Action.UPDATE)
    assert entry.actor is None and entry.remote_addr is None
    assert entry.changes_dict["online"] == ["True", "False"]


def test_the_admin_lists_the_entries_read_only(client, admin_user, staff, site):
    with set_actor(staff):
        site_update(site=site, acting_user=staff, data={"extinguisher_count": 9})
    client.force_login(admin_user)
    response = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200
    assert site.name in response.content.decode()
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403


def test_no_secret_reaches_the_log(admin_user):
    """An integration's secret is shown once, to the admin who made it; the log, kept for years, never holds it."""
    from alarms.services import integration_rotate

    with set_actor(admin_user):
        created = integration_create(acting_user=admin_user, platform="onenet", name="OneNET 望江路")
        rotated = integration_rotate(integration=created.integration, acting_user=admin_user)
    entries = entries_of(created.integration)
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "rotated_at" in entries[1].changes_dict
    for entry in entries:
        text = f"{entry.changes} {entry.changes_text} {entry.serialized_data}"
        for secret in (created.secret, rotated.secret):
            assert secret not in text


def test_entries_written_before_lose_their_secrets(admin_user):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("alarms.migrations.0004_audit_log_without_secrets")
    created = integration_create(acting_user=admin_user, platform="onenet", name="OneNET 望江路")
    entry = entries_of(created.integration).get()
    entry.changes = {**entry.changes_dict, "secret": ["None", created.secret], "aes_key": ["None", "k" * 43]}
    entry.save(update_fields=["changes"])

    migration.forget_secrets(django_apps, None)

    entry.refresh_from_db()
    assert "secret" not in entry.changes_dict and "aes_key" not in entry.changes_dict
    assert entry.changes_dict["name"] == ["None", "OneNET 望江路"]
