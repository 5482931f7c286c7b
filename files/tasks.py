"""Celery tasks of the photo path: thin, idempotent, each calls a service (STYLE.md)."""

from celery import shared_task


@shared_task(acks_late=True)
def photo_files_sweep_task() -> int:
    """Hourly: remove stored photo files that no photo refers to (their transaction rolled back)."""
    from .services import photo_files_sweep

    return photo_files_sweep()
