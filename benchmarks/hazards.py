"""Hazard benchmark: the hazard list, reassessing a site's colour and a rectification notice's PDF,
with 100,000 sites and 200,000 hazards.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/hazards.py

The database named in DATABASE_URL is never touched: the benchmark creates its own
database on the same server (that name + "_bench_hazards"), migrates it, loads the demo
street with its history (``seed_demo``), measures the list at that size, grows the
registry to 100,000 graded sites and the hazards to 200,000, runs ANALYZE, measures
again and drops the database at the end. The grown data is made in bulk, in realistic
states and levels: it is what is measured on, not what is measured. Results are printed
as ``name: value`` lines.
"""

import datetime
import random
import sys
import time
import warnings
from io import StringIO

from common import RUNS, WARM_UPS, BenchmarkFailure, Measurer, main_in_own_database, measure, median_ms, report

TARGET_SITES = 100_000
TARGET_HAZARDS = 200_000
# Sites that have gathered many hazards over the years, for reassess_site.
BUSY_SITES = 20
HAZARDS_PER_BUSY_SITE = 400
BATCH = 5_000
SEED = 20261125


def grade_all() -> int:
    """Grade every site without a colour, in the service's batches (factors from the library, then colours)."""
    from hazards.services import sites_grade_new

    graded = 0
    while count := sites_grade_new(limit=10_000):
        graded += count
    return graded


def grow_hazards(count: int) -> int:
    """Add ``count`` hazards in bulk: found over the last two years, open ones mostly recent, a few
    major, some overdue; BUSY_SITES sites get HAZARDS_PER_BUSY_SITE each, the rest are spread over all sites."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from enterprises.models import Site
    from hazards.demo.findings import FINDINGS
    from hazards.models import Hazard
    from regulations.models import ChecklistItemVersion

    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    finders = list(User.objects.filter(username__in=["gridworker", "staff"]).values_list("pk", flat=True))
    cited = list(
        ChecklistItemVersion.objects.filter(current_for__isnull=False, clause__isnull=False, item__code__in=FINDINGS).values_list(
            "item__code", "basis_id", "clause_id"
        )
    )
    texts = {code: [case for case, _done in finding.cases] for code, finding in FINDINGS.items()}
    site_ids = list(Site.objects.order_by("pk").values_list("pk", flat=True))
    busy = rng.sample(site_ids, BUSY_SITES)

    def hazard(site_id: int) -> Hazard:
        code, basis_id, clause_id = rng.choice(cited)
        found_at = now - datetime.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
        found_day = timezone.localdate(found_at)
        roll = rng.random()
        major = rng.random() < 0.005
        # A street closes most of what it finds within weeks: open hazards are recent, with a
        # few old ones still waiting past their deadline.
        if (today - found_day).days > 60:
            roll = 0.3 if roll < 0.02 else 1.0
        values = {"status": Hazard.Status.CLOSED}
        if roll < 0.15:
            values = {"status": Hazard.Status.FOUND}
        elif roll < 0.45:
            deadline = found_day + datetime.timedelta(days=rng.choice((7, 15, 30)))
            values = {"status": Hazard.Status.NOTIFIED, "deadline": deadline}
            if deadline < today:
                values.update(
                    overdue_at=found_at + datetime.timedelta(days=31),
                    escalation=Hazard.Escalation.STREET if (today - deadline).days >= 7 else Hazard.Escalation.COMMUNITY,
                )
        elif roll < 0.55:
            values = {"status": Hazard.Status.RECTIFIED, "rectified_at": found_at + datetime.timedelta(days=5)}
        elif roll < 0.6 and major:
            values = {"status": Hazard.Status.REVIEWED, "rectified_at": found_at + datetime.timedelta(days=20)}
        if values["status"] == Hazard.Status.CLOSED:
            values.update(rectified_at=found_at + datetime.timedelta(days=4), closed_at=found_at + datetime.timedelta(days=6))
        return Hazard(
            site_id=site_id,
            description=rng.choice(texts[code]),
            basis_id=basis_id,
            clause_id=clause_id,
            level=Hazard.Level.MAJOR if major else Hazard.Level.GENERAL,
            source=Hazard.Source.INSPECTION,
            found_by_id=rng.choice(finders),
            found_at=found_at,
            supervised_at=found_at + datetime.timedelta(days=2) if major else None,
            **values,
        )

    def rows():
        for site_id in busy:
            for _i in range(HAZARDS_PER_BUSY_SITE):
                yield hazard(site_id)
        for _i in range(count - BUSY_SITES * HAZARDS_PER_BUSY_SITE):
            yield hazard(rng.choice(site_ids))

    made, batch = 0, []
    for row in rows():
        batch.append(row)
        if len(batch) == BATCH:
            with transaction.atomic():
                Hazard.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    if batch:
        Hazard.objects.bulk_create(batch)
        made += len(batch)
    return made


def run(failures: list[str]) -> None:
    import django

    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from enterprises import demo
    from enterprises.models import Site
    from files.pdf import render_pdf
    from hazards.models import Hazard, RectificationNotice
    from hazards.services import reassess_site

    call_command("migrate", verbosity=0, interactive=False)

    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
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
        list_url = reverse("hazards:hazard-list")

        # The query count must not grow with the number of hazards or the page number (no N+1).
        queries: dict[str, int] = {}

        def count_queries(name: str, params: dict | None = None) -> None:
            try:
                queries[name] = measurer.queries(list_url, params)
                report(name, queries[name])
            except BenchmarkFailure as failure:
                failures.append(f"{name}: {failure}")
                print(f"{name}: failed ({failure})", flush=True)

        count_queries(f"hazard_list_queries_{Hazard.objects.count()}")

        started = time.perf_counter()
        demo.generate_sites(TARGET_SITES - Site.objects.count(), start=demo.DEMO_SITE_COUNT, record_history=False)
        report("generate_sites_s", time.perf_counter() - started)
        started = time.perf_counter()
        report("sites_graded", grade_all())
        report("grade_sites_s", time.perf_counter() - started)
        started = time.perf_counter()
        grow_hazards(TARGET_HAZARDS - Hazard.objects.count())
        report("grow_hazards_s", time.perf_counter() - started)
        # Production's autovacuum would have vacuumed the freshly loaded tables (their inserts pass its
        # threshold): their visibility map lets counts read the indexes alone, as they would there.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        report("sites", Site.objects.count())
        count = Hazard.objects.count()
        report("hazards", count)

        count_queries(f"hazard_list_queries_{count}")
        count_queries(f"hazard_list_page_2_queries_{count}", {"page": 2})
        if len(set(queries.values())) > 1:
            failures.append(f"hazard_list_queries: not the same at every size and page: {queries}")
        if f"hazard_list_queries_{count}" in queries:
            report("hazard_list_queries", queries[f"hazard_list_queries_{count}"])
        measure(failures, "hazard_list_ms", measurer.median_ms, list_url)
        measure(failures, "hazard_list_open_ms", measurer.median_ms, list_url, {"open": "true"})
        measure(failures, "hazard_list_overdue_ms", measurer.median_ms, list_url, {"overdue": "true"})
        measure(failures, "hazard_list_search_ms", measurer.median_ms, list_url, {"q": "灭火器"})
        measure(failures, "hazard_list_page_100_ms", measurer.median_ms, list_url, {"page": 100})
        measure(failures, "hazard_statistics_ms", measurer.median_ms, reverse("hazards:statistics"))

        # Reassessing a site that has gathered many hazards, as every step of the loop does.
        busy = list(Site.objects.annotate(n=Count("hazards")).order_by("-n", "pk")[:BUSY_SITES])
        report("reassess_site_hazards_per_site", min(site.n for site in busy))
        # The first reassessment of each records the colour its bulk-made hazards give it (a change);
        # the later ones find the colour right, as most steps of the loop do.
        changes = iter(busy)
        report(
            "reassess_site_change_ms",
            median_ms(lambda: reassess_site(site=next(changes), reason="benchmark"), warm_ups=0, runs=BUSY_SITES),
        )
        with CaptureQueriesContext(connection) as context:
            reassess_site(site=busy[0], reason="benchmark")
        report("reassess_site_queries", len(context.captured_queries))
        sites = iter(busy * (WARM_UPS + RUNS))
        report("reassess_site_ms", median_ms(lambda: reassess_site(site=next(sites), reason="benchmark")))

        # One rectification notice, as the office prints it (Chinese text in Noto CJK).
        notice = RectificationNotice.objects.select_related("hazard__site", "issued_by").order_by("pk").first()
        pdf_url = reverse("hazards:notice-pdf", args=[notice.pk])
        response = client.get(pdf_url, secure=True, HTTP_HOST="127.0.0.1")
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            failures.append(f"notice_pdf: GET {pdf_url} answered HTTP {response.status_code}")
        report("notice_pdf_bytes", len(render_pdf(template_name="hazards/notice_pdf.html", context={"notice": notice})))
        report(
            "notice_pdf_ms",
            median_ms(lambda: render_pdf(template_name="hazards/notice_pdf.html", context={"notice": notice}), warm_ups=1),
        )
        measure(failures, "hazard_detail_ms", measurer.median_ms, reverse("hazards:hazard-detail", args=[notice.hazard_id]))


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_hazards", run=run))
