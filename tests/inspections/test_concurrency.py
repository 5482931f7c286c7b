"""The phone's queue sends the same inspection twice at once (a retry while the first request is still
running), each on its own database connection: one inspection is stored, its hazards raised once."""

import threading

import pytest
from django.db import transaction

from hazards.models import Hazard
from inspections.models import Inspection, InspectionItem
from inspections.selectors import checklist_for_site
from inspections.services import inspection_submit
from tests.enterprises.test_concurrency import Worker, waiting_for_locks
from tests.inspections.conftest import answers_for, body

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_identical_submissions_at_once_store_one_inspection(site, grid_worker):
    data = body(site, answers_for(checklist_for_site(site=site, user=grid_worker).versions, failing={"EXT-01", "EXT-02"}))
    stored, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            inspection = inspection_submit(acting_user=grid_worker, data=data)
            stored.set()
            # Still uncommitted: the second request has checked everything and now waits on the id.
            release.wait(10)
        return inspection

    def second():
        stored.wait(10)
        return inspection_submit(acting_user=grid_worker, data=data)

    one, two = Worker(first), Worker(second)
    one.start()
    two.start()
    waiting_for_locks(1)
    release.set()
    one.join(15)
    two.join(15)
    assert one.error is None and two.error is None, (one.error, two.error)
    assert one.result.pk == two.result.pk
    assert (one.result.created_now, two.result.created_now) == (True, False)
    assert Inspection.objects.count() == 1
    assert InspectionItem.objects.count() == len(data["items"])
    assert Hazard.objects.count() == 2
