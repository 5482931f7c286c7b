"""Trigram indexes so the registry search (substring match on name, address and
contacts) stays fast at 100,000 sites. PostgreSQL only; SQLite searches by scan."""

from django.db import migrations

SEARCHED_COLUMNS = ["name", "address", "responsible_person", "safety_contact"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS site_{column}_trgm_idx ON enterprises_site USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS site_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_seed_categories")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
