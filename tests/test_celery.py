from django.conf import settings

from riskplatform.celery import app


def test_every_task_of_ours_has_a_queue_route():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    unrouted = [name for name in ours if name not in settings.CELERY_TASK_ROUTES]
    assert unrouted == []


def test_routes_name_known_queues():
    queues = {"default", "critical", "telemetry"}
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= queues
