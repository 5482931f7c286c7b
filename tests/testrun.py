"""Each pytest run keeps to its own test database and its own Redis keys.

Two runs on one machine (two checkouts, or a developer's run beside CI) would
otherwise drop each other's test database and flush each other's cache, and one
run's Celery worker could take the other's tasks. Each run has an id: the
environment's RISKPLATFORM_TEST_RUN when set (to reuse a database with
``--reuse-db``, say), else the pid of the pytest process. The id names

- the test database: ``test_<name>_<run id>`` (tests/conftest.py, django_db_modify_db_settings);
- the Redis key prefix ``test-<run id>`` of the cache, the channel layer and the
  Celery broker (REDIS_KEY_PREFIX, read by the settings).

pyproject.toml loads this module with ``-p tests.testrun``, before pytest-django
reads the settings, so that the settings see the prefix. The servers and workers
the tests start inherit it through the environment.
"""

import os
import re

import pytest

_run = os.environ.get("RISKPLATFORM_TEST_RUN") or str(os.getpid())
if not re.fullmatch(r"\w+", _run, flags=re.ASCII):
    raise pytest.UsageError(f"RISKPLATFORM_TEST_RUN={_run!r}: use letters, digits and underscores only.")
# pytest-xdist starts one process per worker, each with a test database of its own.
_worker = os.environ.get("PYTEST_XDIST_WORKER")

RUN_ID = f"{_run}_{_worker}" if _worker else _run
REDIS_KEY_PREFIX = f"test-{RUN_ID}"
os.environ["REDIS_KEY_PREFIX"] = REDIS_KEY_PREFIX


def name_test_databases() -> None:
    """Give every test database this run's suffix (SQLite's are in memory, private already)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            continue
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{RUN_ID}"


def test_database_created() -> bool:
    """Whether pytest-django has created this run's test database and points the connection at it.

    It creates one only when a collected test uses the database.
    """
    from django.db import connection

    return connection.settings_dict["NAME"] == connection.settings_dict.get("TEST", {}).get("NAME")


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def delete_redis_keys(pattern: str) -> None:
    """Delete the keys matching ``pattern`` (a glob starting with this run's prefix)."""
    assert pattern.startswith(f"{REDIS_KEY_PREFIX}:"), "a run deletes only its own keys"
    client = _redis()
    try:
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
    finally:
        client.close()


def clear_cache() -> None:
    """Empty this run's cache; Django's cache.clear() would flush the whole Redis database."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.REDIS_URL:
        delete_redis_keys(f"{cache.key_prefix}:*")
    else:
        cache.clear()  # local memory: this process's own


def delete_run_keys() -> None:
    """Leave nothing of this run in Redis: cache, channel layer and broker keys."""
    from django.conf import settings

    if settings.REDIS_URL:
        delete_redis_keys(f"{REDIS_KEY_PREFIX}:*")
