"""Celery tasks of the dashboards: thin, idempotent, each calls a service (STYLE.md)."""

from celery import shared_task


@shared_task(acks_late=True)
def safety_report_build_task(report_id: int) -> None:
    """Build a requested safety report; a second run finds it claimed or built and returns."""
    from .services import safety_report_build

    safety_report_build(report_id=report_id)


@shared_task(acks_late=True)
def safety_reports_resume_task() -> int:
    """Every few minutes: queue again the reports whose task was lost (the broker away, a worker killed)."""
    from .services import safety_reports_resume

    return safety_reports_resume()


@shared_task(acks_late=True)
def safety_report_files_sweep_task() -> int:
    """Hourly: remove stored report files that no report names (their build died before it finished)."""
    from .services import safety_report_files_sweep

    return safety_report_files_sweep()
