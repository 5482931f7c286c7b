"""Celery tasks of the registry: thin, idempotent, each calls a service (STYLE.md)."""

from celery import shared_task


@shared_task(acks_late=True)
def site_import_commit_task(site_import_id: int) -> None:
    """Commit a queued import of many rows; a second run finds it committed and returns."""
    from .imports import site_import_run_commit

    site_import_run_commit(site_import_id=site_import_id)


@shared_task(acks_late=True)
def stored_files_sweep_task() -> int:
    """Hourly: remove stored uploads that no row refers to (their transaction rolled back)."""
    from .services import stored_files_sweep

    return stored_files_sweep()
