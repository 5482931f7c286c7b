"""Registry benchmark: the list page and the sites API at 1,662 and at 100,000 sites.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/registry.py

The database named in DATABASE_URL is never touched: the benchmark creates its
own database on the same server (that name + "_bench"), migrates it, loads the
demo street, measures, grows the registry to 100,000 sites, measures again and
drops the database at the end. Results are printed as ``name: value`` lines.
"""

import sys
import time
import warnings

from common import Measurer, main_in_own_database, measure, report

TARGET_SITES = 100_000


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


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench", run=run))
