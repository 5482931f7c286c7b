"""The reference data that data migrations seed, put back after a transactional test.

A transactional test (a browser journey, anything a server or worker in another
process must see) ends with every table truncated, the seeded reference data
included: the 36 categories, later the regulation library. Each seed below names
a model that is empty when its data is missing and the data migration's function
that fills it; tests/conftest.py calls ``ensure_reference_data()`` at the start of
every transactional test and once when the test database is ready.

A new data migration that seeds reference data adds its line to SEEDS. Its
function is called with the current app registry, not the migration's historical
one, so it must reach models through ``apps.get_model`` only (as data migrations do).
"""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Seed:
    model: str  # "app_label.Model", empty when the data is missing
    migration: str  # dotted module path of the data migration
    function: str  # its RunPython function, called as function(apps, schema_editor)


SEEDS = [
    Seed(model="enterprises.Category", migration="enterprises.migrations.0002_seed_categories", function="seed_categories"),
    Seed(model="regulations.LegalBasis", migration="regulations.migrations.0002_seed_library", function="seed_library"),
]


def ensure_reference_data() -> None:
    from django.apps import apps
    from django.db import transaction

    for seed in SEEDS:
        if apps.get_model(seed.model).objects.exists():
            continue
        with transaction.atomic():
            getattr(import_module(seed.migration), seed.function)(apps, None)
