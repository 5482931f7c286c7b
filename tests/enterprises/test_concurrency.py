"""Two writers at once, each on its own database connection: the database keeps the registry's
invariants and the services answer the loser with a clear error, never a 500 or a twin."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import translation

from enterprises.imports import site_import_commit, site_import_create
from enterprises.models import Site, SiteImport
from enterprises.services import site_create
from riskplatform.exceptions import ApplicationError
from tests.enterprises.test_import import courtyard_row, site_row, xlsx_file
from tests.factories import SiteFactory, category, credit_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]


class Worker(threading.Thread):
    """Runs ``function`` on a connection of its own; keeps its result or the exception it raised."""

    def __init__(self, function):
        super().__init__(daemon=True)
        self.function = function
        self.result = None
        self.error = None

    def run(self):
        try:
            with translation.override("en"):
                self.result = self.function()
        except Exception as error:  # the test inspects it
            self.error = error
        finally:
            connections.close_all()


def waiting_for_locks(count: int, timeout: float = 10) -> None:
    """Wait until ``count`` other connections wait for a lock (pg_locks is live, not a snapshot)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} connections never waited for a lock")


def shop(grid, n: int, code: str) -> dict:
    return {
        "name": f"并发小店{n}",
        "credit_code": code,
        "category": category("XS01"),
        "grid": grid,
        "address": f"并发路{n}号",
        "responsible_person": "李四",
        "responsible_phone": "13900139000",
    }


def test_two_sites_with_one_credit_code_at_once_end_in_one_site_and_a_field_error(staff, grid):
    code = credit_code(424242)
    inserted, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            site = site_create(acting_user=staff, data=shop(grid, 1, code))
            inserted.set()
            # Still uncommitted: the second writer's check cannot see this site.
            release.wait(10)
        return site

    def second():
        inserted.wait(10)
        return site_create(acting_user=staff, data=shop(grid, 2, code))

    one, two = Worker(first), Worker(second)
    one.start()
    two.start()
    waiting_for_locks(1)
    release.set()
    one.join(10)
    two.join(10)

    assert one.error is None and one.result.pk
    assert isinstance(two.error, ApplicationError), two.error
    assert list(two.error.field_errors) == ["credit_code"]
    assert Site.objects.filter(credit_code=code).count() == 1


def _previewed(user, rows) -> SiteImport:
    site_import = site_import_create(acting_user=user, upload=xlsx_file(rows))
    assert not site_import.errors, site_import.errors
    return site_import


def test_two_imports_of_one_new_courtyard_at_once_create_no_twin(staff, grid):
    first_import = _previewed(staff, [courtyard_row(grid)])
    second_import = _previewed(staff, [courtyard_row(grid, **{"负责人": "周敏"})])
    written, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            site_import_commit(site_import=first_import, acting_user=staff)
            written.set()
            release.wait(10)

    def second():
        written.wait(10)
        return site_import_commit(site_import=second_import, acting_user=staff)

    one, two = Worker(first), Worker(second)
    one.start()
    two.start()
    waiting_for_locks(1)
    release.set()
    one.join(10)
    two.join(10)

    assert one.error is None and two.error is None, (one.error, two.error)
    assert Site.objects.filter(name="幸福里院落", address="幸福里3号").count() == 1
    second_import.refresh_from_db()
    assert second_import.status == SiteImport.Status.PREVIEWED
    assert "nothing was saved" in second_import.commit_error
    # Committed again, the same file now updates the courtyard the first import created.
    second_import = site_import_commit(site_import=second_import, acting_user=staff)
    assert second_import.status == SiteImport.Status.COMMITTED
    assert Site.objects.get(name="幸福里院落").responsible_person == "周敏"


def test_two_imports_sharing_sites_in_opposite_order_both_commit_without_deadlock(staff, grid):
    a = SiteFactory(grid=grid, name="甲店", address="甲路1号", credit_code=credit_code(61))
    b = SiteFactory(grid=grid, name="乙店", address="乙路2号", credit_code=credit_code(62))
    by_code = {"统一社会信用代码": ""}
    # The first file names A by its code and B by name and address; the second the other way round.
    first_import = _previewed(
        staff,
        [
            site_row(grid, 61, **{"名称": "甲店", "地址": "甲路1号", "统一社会信用代码": a.credit_code, "负责人": "一号"}),
            site_row(grid, 62, **{"名称": "乙店", "地址": "乙路2号", **by_code, "负责人": "一号"}),
        ],
    )
    second_import = _previewed(
        staff,
        [
            site_row(grid, 62, **{"名称": "乙店", "地址": "乙路2号", "统一社会信用代码": b.credit_code, "负责人": "二号"}),
            site_row(grid, 61, **{"名称": "甲店", "地址": "甲路1号", **by_code, "负责人": "二号"}),
        ],
    )
    commits = [
        Worker(lambda: site_import_commit(site_import=first_import, acting_user=staff)),
        Worker(lambda: site_import_commit(site_import=second_import, acting_user=staff)),
    ]
    # Hold B while both commits start, so each has taken what it takes first before B is free.
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=b.pk)
        for worker in commits:
            worker.start()
        waiting_for_locks(2)
    for worker in commits:
        worker.join(20)

    assert [worker.error for worker in commits] == [None, None]
    for site_import in (first_import, second_import):
        site_import.refresh_from_db()
        assert site_import.status == SiteImport.Status.COMMITTED, site_import.commit_error
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.responsible_person == b.responsible_person


def test_a_stored_import_file_is_read_again_at_commit(staff, grid):
    site_import = site_import_create(acting_user=staff, upload=SimpleUploadedFile("s.xlsx", xlsx_file([site_row(grid)]).read()))
    site_import.file.storage.delete(site_import.file.name)
    with translation.override("en"):
        site_import = site_import_commit(site_import=site_import, acting_user=staff)
    assert site_import.status == SiteImport.Status.PREVIEWED
    assert "no longer available" in site_import.commit_error
    assert not Site.objects.exists()
