import time

import pytest
from django.conf import settings

from riskplatform.celery import app
from tests.servers import QUEUES


def test_every_task_of_ours_has_a_queue_route():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    unrouted = [name for name in ours if name not in settings.CELERY_TASK_ROUTES]
    assert unrouted == []


def test_routes_name_known_queues():
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= set(QUEUES)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_tasks_from_every_queue(celery_worker):
    # celery.accumulate is Celery's own no-op task: it returns its arguments.
    before = celery_worker.processed().get("celery.accumulate", 0)
    for queue in QUEUES:
        app.send_task("celery.accumulate", args=(queue,), queue=queue)

    deadline = time.monotonic() + 10
    while celery_worker.processed().get("celery.accumulate", 0) < before + len(QUEUES):
        assert time.monotonic() < deadline, "the worker did not run the tasks sent to its queues"
        time.sleep(0.1)
