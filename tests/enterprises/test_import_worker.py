"""A large import is committed by a real Celery worker, taking the task from Redis."""

import time

import pytest
from django.urls import reverse

from enterprises.models import Site, SiteChange, SiteImport
from tests.enterprises.test_import import commit, site_row, upload, xlsx_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_large_import_is_committed_by_the_worker_and_its_page_follows(
    client_for, staff, grid, settings, process_env, celery_worker
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    # The worker reads the stored file from the media folder it was started with.
    settings.MEDIA_ROOT = process_env["MEDIA_ROOT"]
    client = client_for(staff)
    upload(client, xlsx_file([site_row(grid, n) for n in range(1, 8)]))
    site_import = SiteImport.objects.get()

    commit(client, site_import)
    deadline = time.monotonic() + 30
    while SiteImport.objects.get().status != SiteImport.Status.COMMITTED and time.monotonic() < deadline:
        time.sleep(0.2)

    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED, (site_import.status, site_import.commit_error)
    assert Site.objects.count() == 7
    assert set(SiteChange.objects.values_list("actor", flat=True)) == {staff.pk}
    progress = client.get(reverse("enterprises:site-import-progress", args=[site_import.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    assert celery_worker.processed().get("enterprises.tasks.site_import_commit_task") == 1
