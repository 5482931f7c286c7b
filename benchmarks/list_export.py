"""List export benchmark: the registry's and the hazard list's "Export to Excel" at 100,000 rows.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/list_export.py

The database named in DATABASE_URL is never touched: the benchmark creates its own
database on the same server (that name + "_bench_export"), loads the demo street, grows
the registry to 100,000 sites and the hazards to 100,000 (benchmarks/hazards.py's
realistic states), and exports both as the street's staff through Django's test client,
reading the answer in blocks as a browser would. Lists this long are written in the
background (LIST_EXPORT_IN_REQUEST_ROWS): the request queues the export, the benchmark
does what the Celery task does in its own process (files.services.list_export_build),
then downloads the workbook. It prints, for each export, the rows in the workbook
(opened again with openpyxl), the time from the request to the downloaded workbook and
how much the process's resident memory rose above what it held before the export (the
kernel's peak, reset before each export): flat memory means a few megabytes whatever
the number of rows.
"""

import importlib.util
import sys
import tempfile
import time
import warnings
from pathlib import Path

from common import BenchmarkFailure, main_in_own_database, measure, report

TARGET_SITES = 100_000
TARGET_HAZARDS = 100_000


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise BenchmarkFailure(f"/proc/self/status has no {field}")


def export(client, path: str, params: dict) -> tuple[int, float, float]:
    """(rows below the header, seconds, peak resident memory above the start in MB) of one export."""
    import openpyxl

    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current size
    before = _rss_kb("VmRSS")
    started = time.perf_counter()
    response = client.get(path, params, secure=True, HTTP_HOST="127.0.0.1")
    if response.status_code == 302:
        # Written in the background: what the worker does, then the download from "My exports".
        from django.urls import reverse

        from files.models import ListExport
        from files.services import list_export_build

        export = ListExport.objects.latest("pk")
        list_export_build(export_id=export.pk)
        export.refresh_from_db()
        if export.status != ListExport.Status.READY:
            raise BenchmarkFailure(f"the export of {path} is {export.status}: {export.error}")
        download = reverse("files:list-export-download", args=[export.pk])
        response = client.get(download, secure=True, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise BenchmarkFailure(f"GET {path} answered HTTP {response.status_code}")
    with tempfile.TemporaryFile() as saved:
        for block in response.streaming_content:
            saved.write(block)
        seconds = time.perf_counter() - started
        peak_mb = (_rss_kb("VmHWM") - before) / 1024
        saved.seek(0)
        workbook = openpyxl.load_workbook(saved, read_only=True)
        rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True)) - 1
        workbook.close()
    return rows, seconds, peak_mb


def run(failures: list[str]) -> None:
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from accounts.models import User
    from enterprises import demo
    from enterprises.models import Site
    from hazards.models import Hazard

    spec = importlib.util.spec_from_file_location("hazards_benchmark", Path(__file__).with_name("hazards.py"))
    hazards_benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hazards_benchmark)

    call_command("migrate", verbosity=0, interactive=False)
    demo.seed_demo()
    demo.generate_sites(TARGET_SITES - Site.objects.count(), start=demo.DEMO_SITE_COUNT)
    hazards_benchmark.grow_hazards(TARGET_HAZARDS - Hazard.objects.count())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report("sites", Site.objects.count())
    report("hazards", Hazard.objects.count())

    media = tempfile.TemporaryDirectory(prefix="bench-export-")
    with (
        media,
        override_settings(
            ALLOWED_HOSTS=["127.0.0.1"],
            MEDIA_ROOT=media.name,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ),
    ):
        client = Client()
        client.force_login(User.objects.get(username="staff"))
        for name, path in (("sites", reverse("enterprises:site-export")), ("hazards", reverse("hazards:hazard-export"))):
            try:
                rows, seconds, peak_mb = export(client, path, {})
            except BenchmarkFailure as failure:
                failures.append(f"export_{name}: {failure}")
                continue
            report(f"export_{name}_rows", rows)
            report(f"export_{name}_s", seconds)
            report(f"export_{name}_peak_rss_mb", peak_mb)
        # A small export, for the memory it takes whatever the rows: the same page, one grid's sites.
        grid = Site.objects.order_by("grid_id").values_list("grid_id", flat=True).first()
        sites_url = reverse("enterprises:site-export")
        measure(failures, "export_sites_one_grid_peak_rss_mb", lambda: export(client, sites_url, {"grid": grid})[2])


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_export", run=run))
