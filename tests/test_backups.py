"""The backup procedure of README.md ("Backups") works: ``pg_dump -Fc`` of the database, ``pg_restore``
into a new, empty database, and the rows are there.

Run against this run's test database with the PostgreSQL client binaries of the machine.
"""

import os
import shutil
import subprocess

import psycopg
import pytest
from django.db import connection

from alarms.models import Delivery, Event
from alarms.services import integration_create
from enterprises.models import Site

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump and pg_restore are not installed (Debian: apt-get install postgresql-client)",
    ),
]


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """The connection of the test database as libpq's environment variables, as the README's commands take them."""
    values = {
        "PGHOST": settings_dict["HOST"],
        "PGPORT": str(settings_dict["PORT"] or ""),
        "PGUSER": settings_dict["USER"],
        "PGPASSWORD": settings_dict["PASSWORD"],
    }
    return {key: value for key, value in values.items() if value}


def run(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_a_dump_restored_into_a_new_database_has_the_rows(tmp_path, site):
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is PostgreSQL's")
    integration = integration_create(acting_user=None, platform="webhook", name="模拟器").integration
    Delivery.objects.create(integration=integration, received_at=site.created_at, body=b"{}", outcome=Delivery.Outcome.ACCEPTED)
    settings_dict = connection.settings_dict
    env = libpq_environment(settings_dict)
    source = settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "riskplatform.dump"

    run("pg_dump", "-Fc", "--no-owner", "-d", source, "-f", str(dump), env=env)
    run("dropdb", "--if-exists", restored, env=env)
    run("createdb", restored, env=env)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump), env=env)

        with psycopg.connect(
            dbname=restored, **{k: v for k, v in connection.get_connection_params().items() if k != "dbname"}
        ) as db:
            names = [row[0] for row in db.execute(f"SELECT name FROM {Site._meta.db_table}").fetchall()]
            deliveries = db.execute(f"SELECT count(*) FROM {Delivery._meta.db_table}").fetchone()[0]
            events = db.execute(f"SELECT count(*) FROM {Event._meta.db_table}").fetchone()[0]
            migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    finally:
        run("dropdb", "--if-exists", restored, env=env)

    assert names == [site.name]
    assert (deliveries, events) == (1, 0)
    assert migrations > 0
