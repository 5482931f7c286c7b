"""What every benchmark shares: its own database on the server of DATABASE_URL, made and dropped
around the run; requests measured through Django's test client; ``name: value`` lines.

A benchmark script does::

    from common import main_in_own_database
    ...
    if __name__ == "__main__":
        sys.exit(main_in_own_database(suffix="_bench_things", run=run))

where ``run(failures)`` sets Django up, measures, and appends what failed to ``failures``.
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WARM_UPS = 2
RUNS = 15


class BenchmarkFailure(Exception):
    pass


def database_urls(url: str, *, suffix: str) -> tuple[str, str, str]:
    """(benchmark database URL, its name, maintenance database URL) on the server of ``url``."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/riskplatform")
    name = parts.path.lstrip("/") or "riskplatform"
    bench_name = f"{name}{suffix}"
    bench_url = urlunsplit(parts._replace(path=f"/{bench_name}"))
    maintenance_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return bench_url, bench_name, maintenance_url


def recreate_database(maintenance_url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def report(name: str, value) -> None:
    print(f"{name}: {value:.1f}" if isinstance(value, float) else f"{name}: {value}", flush=True)


class Measurer:
    """Requests pages as the street staff user through Django's test client, as a browser would over HTTPS."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, params: dict | None = None, *, json: bool = False):
        response = self.client.get(path, params or {}, secure=True, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise BenchmarkFailure(f"GET {path} {params or ''} answered HTTP {response.status_code}")
        if not response.content.strip():
            raise BenchmarkFailure(f"GET {path} {params or ''} answered an empty body")
        if json:
            body = response.json()
            if not isinstance(body, dict) or "results" not in body:
                raise BenchmarkFailure(f"GET {path} did not answer a paginated list (no 'results')")
            if not body["results"]:
                raise BenchmarkFailure(f"GET {path} {params or ''} answered no sites")
        return response

    def queries(self, path: str, params: dict | None = None, *, json: bool = False) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.get(path, params, json=json)  # the first request may fill caches; count a steady one
        with CaptureQueriesContext(connection) as context:
            self.get(path, params, json=json)
        return len(context.captured_queries)

    def median_ms(self, path: str, params: dict | None = None, *, json: bool = False) -> float:
        for _warm_up in range(WARM_UPS):
            self.get(path, params, json=json)
        timings = []
        for _run in range(RUNS):
            started = time.perf_counter()
            self.get(path, params, json=json)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)


def measure(failures: list[str], name: str, function, *args, **kwargs) -> None:
    try:
        report(name, function(*args, **kwargs))
    except BenchmarkFailure as failure:
        failures.append(f"{name}: {failure}")
        print(f"{name}: failed ({failure})", flush=True)


def median_ms(function, *, warm_ups: int = WARM_UPS, runs: int = RUNS) -> float:
    """The median time of ``function()`` in milliseconds, after warm-ups."""
    for _warm_up in range(warm_ups):
        function()
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main_in_own_database(*, suffix: str, run: Callable[[list[str]], None]) -> int:
    """Run a benchmark in a database of its own (the name of DATABASE_URL's + ``suffix``), with
    stored files in a temporary folder; drop both at the end. Exit status: 0, 1 (a measurement
    failed) or 2 (the services are not configured)."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL; see benchmarks/README.md.", file=sys.stderr)
        return 2
    bench_url, bench_name, maintenance_url = database_urls(database_url, suffix=suffix)
    recreate_database(maintenance_url, bench_name, create=True)
    # Django reads the database from the environment when it starts, so point it at the copy first.
    os.environ["DATABASE_URL"] = bench_url
    # Production settings refuse to start without a key; this throwaway database needs no lasting one.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskplatform.settings")
    media = tempfile.TemporaryDirectory(prefix=f"bench{suffix}-media-")
    os.environ["MEDIA_ROOT"] = media.name
    # The project's root first: its apps, not this folder's scripts of the same names.
    sys.path.insert(0, str(ROOT))
    failures: list[str] = []
    try:
        run(failures)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, bench_name, create=False)
        media.cleanup()
    if failures:
        print("\n".join(["", "FAILED:", *failures]), file=sys.stderr)
        return 1
    return 0
