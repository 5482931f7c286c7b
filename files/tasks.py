"""Celery tasks of the photo path and the list exports: thin, idempotent, each calls a service (STYLE.md)."""

from celery import shared_task


@shared_task(acks_late=True)
def photo_files_sweep_task() -> int:
    """Hourly: remove stored photo files that no photo refers to (their transaction rolled back)."""
    from .services import photo_files_sweep

    return photo_files_sweep()


@shared_task(acks_late=True)
def list_export_build_task(export_id: int) -> None:
    """Write a list's export; a second run finds it claimed or written and returns."""
    from .services import list_export_build

    list_export_build(export_id=export_id)


@shared_task(acks_late=True)
def list_exports_resume_task() -> int:
    """Every few minutes: queue again the exports whose task was lost."""
    from .services import list_exports_resume

    return list_exports_resume()


@shared_task(acks_late=True)
def list_exports_expire_task() -> int:
    """Hourly: remove the exports past LIST_EXPORT_KEEP_HOURS, with their files."""
    from .services import list_exports_expire

    return list_exports_expire()
