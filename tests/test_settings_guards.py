"""What the settings refuse and what they choose, read from the environment as at start-up.

- With DEBUG off and no SECRET_KEY the platform does not start: every host would
  otherwise invent its own key (sessions and signed links would break between hosts).
- On PostgreSQL, connections come from psycopg's pool (CONN_MAX_AGE 0), sized by
  settings: under ASGI a request may run in any thread, and persistent per-thread
  connections would pile up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

PRINT_DATABASE = (
    "import json; from django.conf import settings; "
    "database = settings.DATABASES['default']; "
    "print(json.dumps({'ENGINE': database['ENGINE'], 'CONN_MAX_AGE': database['CONN_MAX_AGE'], "
    "'OPTIONS': database.get('OPTIONS', {})}))"
)


def environment(tmp_path, **values: str) -> dict[str, str]:
    """The production settings' environment: nothing of the test run's settings module or key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL"} and not key.startswith("DATABASE_POOL_")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "riskplatform.settings", "VAR_DIR": str(tmp_path / "var")}, **values)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# --- SECRET_KEY ------------------------------------------------------------------------


def test_without_a_secret_key_production_refuses_to_start(tmp_path):
    result = manage("check", env=environment(tmp_path, DEBUG="0"))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "ImproperlyConfigured" in result.stderr
    # No key was made up on the side.
    assert not (tmp_path / "var" / "secret_key").exists()


def test_an_empty_secret_key_is_no_key(tmp_path):
    result = manage("check", env=environment(tmp_path, DEBUG="0", SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_demo_generates_its_key_once_and_keeps_it(tmp_path):
    env = environment(tmp_path, DEBUG="1")
    show_key = ("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")

    first = manage(*show_key, env=env)

    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    # The next start reads the same key: sessions survive a restart.
    second = manage(*show_key, env=env)
    assert second.stdout.strip() == key


def test_a_configured_key_is_used_as_is(tmp_path):
    env = environment(tmp_path, DEBUG="0", SECRET_KEY="a-long-random-production-key-" + "y" * 40)
    result = manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-long-random-production-key-" + "y" * 40
    assert not (tmp_path / "var" / "secret_key").exists()


# --- The database connection pool ------------------------------------------------------


def database_settings(tmp_path, **values: str) -> dict:
    env = environment(tmp_path, DEBUG="0", SECRET_KEY="k" * 50, **values)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_DATABASE}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_uses_a_pool_sized_by_settings(tmp_path):
    database = database_settings(
        tmp_path,
        DATABASE_URL="postgres://riskplatform@db.example:5432/riskplatform",
        DATABASE_POOL_MIN_SIZE="3",
        DATABASE_POOL_MAX_SIZE="7",
        DATABASE_POOL_TIMEOUT="2.5",
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 3, "max_size": 7, "timeout": 2.5, "reconnect_timeout": 5.0}


def test_postgresql_pool_has_defaults(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL="postgres://riskplatform@db.example:5432/riskplatform")

    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10.0, "reconnect_timeout": 5.0}


def test_options_in_the_url_are_kept_beside_the_pool(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL="postgres://riskplatform@db.example:5432/riskplatform?sslmode=require")

    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["OPTIONS"]["pool"]["max_size"] == 10


def test_the_sqlite_demo_has_no_pool(tmp_path):
    database = database_settings(tmp_path)

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in database["OPTIONS"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's")
def test_queries_of_this_run_go_through_the_pool(db):
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    assert "pool" in connection.settings_dict["OPTIONS"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

    assert connection.pool is not None
    assert connection.pool.max_size == connection.settings_dict["OPTIONS"]["pool"]["max_size"]
