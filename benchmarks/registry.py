"""Registry benchmark: the list page and the sites API at 1,662 and at 100,000 sites.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/registry.py

The database named in DATABASE_URL is never touched: the benchmark creates its
own database on the same server (that name + "_bench"), migrates it, loads the
demo street, measures, grows the registry to 100,000 sites, measures again and
drops the database at the end. Results are printed as ``name: value`` lines.
"""

import os
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_SITES = 100_000
WARM_UPS = 2
RUNS = 15


class BenchmarkFailure(Exception):
    pass


def database_urls(url: str) -> tuple[str, str, str]:
    """(benchmark database URL, its name, maintenance database URL) on the server of ``url``."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/riskplatform")
    name = parts.path.lstrip("/") or "riskplatform"
    bench_name = f"{name}_bench"
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


def run(failures: list[str]) -> None:
    import django

    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from accounts.models import User
    from enterprises import demo
    from enterprises.models import Site

    call_command("migrate", verbosity=0, interactive=False)

    started = time.perf_counter()
    demo.seed_demo()
    report("seed_demo_s", time.perf_counter() - started)

    # DEBUG stays off, as in production; only the host name and static files differ
    # (no collectstatic manifest is built for the benchmark).
    with override_settings(
        ALLOWED_HOSTS=["127.0.0.1"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        client = Client()
        client.force_login(User.objects.get(username="staff"))
        measurer = Measurer(client)
        list_url = reverse("enterprises:site-list")
        api_url = "/api/sites/"

        count = Site.objects.count()
        measure(failures, f"registry_list_queries_{count}", measurer.queries, list_url)
        measure(failures, f"registry_list_ms_{count}", measurer.median_ms, list_url)
        measure(failures, f"sites_api_queries_{count}", measurer.queries, api_url, json=True)
        measure(failures, f"sites_api_ms_{count}", measurer.median_ms, api_url, json=True)

        started = time.perf_counter()
        demo.generate_sites(TARGET_SITES - count, start=demo.DEMO_SITE_COUNT)
        report("generate_sites_s", time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        count = Site.objects.count()
        report("sites", count)

        measure(failures, f"registry_list_queries_{count}", measurer.queries, list_url)
        measure(failures, f"registry_list_ms_{count}", measurer.median_ms, list_url)
        measure(failures, f"sites_api_queries_{count}", measurer.queries, api_url, json=True)
        measure(failures, f"sites_api_ms_{count}", measurer.median_ms, api_url, json=True)

        # The query count must not grow with the page size or the page number (no N+1).
        measure(failures, f"registry_list_page_1_queries_{count}", measurer.queries, list_url, {"page": 1})
        measure(failures, f"registry_list_page_2_queries_{count}", measurer.queries, list_url, {"page": 2})
        measure(failures, f"sites_api_page_size_10_queries_{count}", measurer.queries, api_url, {"page_size": 10}, json=True)
        measure(failures, f"sites_api_page_size_100_queries_{count}", measurer.queries, api_url, {"page_size": 100}, json=True)

        # Searching and filtering, as staff do all day.
        measure(failures, f"registry_search_ms_{count}", measurer.median_ms, list_url, {"q": "兰庭"})
        last_page = -(-count // settings.REGISTRY_PAGE_SIZE)
        measure(failures, f"registry_list_last_page_ms_{count}", measurer.median_ms, list_url, {"page": last_page})
        measure(failures, f"sites_api_search_ms_{count}", measurer.median_ms, api_url, {"q": "五金"}, json=True)


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL; see benchmarks/README.md.", file=sys.stderr)
        return 2
    bench_url, bench_name, maintenance_url = database_urls(database_url)
    recreate_database(maintenance_url, bench_name, create=True)
    # Django reads the database from the environment when it starts, so point it at the copy first.
    os.environ["DATABASE_URL"] = bench_url
    # Production settings refuse to start without a key; this throwaway database needs no lasting one.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskplatform.settings")
    sys.path.insert(0, str(ROOT))
    failures: list[str] = []
    try:
        run(failures)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_database(maintenance_url, bench_name, create=False)
    if failures:
        print("\n".join(["", "FAILED:", *failures]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
