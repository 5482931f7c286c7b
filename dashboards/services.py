"""Writes of the dashboards: safety reports requested by the street office, and their building.

A report is a row (dashboards.models.SafetyReport) and a stored file. A scope of more operating sites than
REPORT_BACKGROUND_SITES is built by a Celery task (dashboards.tasks) once the request has committed, and its
row says how far it is; a smaller one is built within the request.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.models import Site
from files.storage import delete_if_older, walk
from riskplatform.exceptions import ApplicationError

from .models import SafetyReport
from .report_files import report_pdf, report_workbook
from .reports import ReportPeriod, report_period_get, report_scope_get, safety_report_figures

logger = logging.getLogger(__name__)

# A build that has not finished this long after it started was lost (its worker died): it may be claimed again.
BUILD_TIMEOUT = datetime.timedelta(minutes=15)
# A queued report whose task has not started this long after the request lost its task (the broker was away).
QUEUE_TIMEOUT = datetime.timedelta(minutes=2)
# A stored file no report names is removed once older than any build could run (BUILD_TIMEOUT).
ORPHAN_GRACE = datetime.timedelta(hours=1)
REPORT_FOLDER = "reports"


def _parse_unit(unit: str) -> tuple[int, int | None]:
    """(street id, community id or None) from the form's "street-3" or "community-12"."""
    from accounts.models import Community

    kind, _sep, number = str(unit).partition("-")
    message = _("Choose a street or community of yours.")
    if kind not in ("street", "community") or not number.isdigit():
        raise ApplicationError(message, field_errors={"unit": [message]})
    if kind == "street":
        return int(number), None
    street_id = Community.objects.filter(pk=int(number)).values_list("street_id", flat=True).first()
    if street_id is None:
        raise ApplicationError(message, field_errors={"unit": [message]})
    return street_id, int(number)


def safety_report_request(*, acting_user: User, unit: str, year, quarter=None, format: str) -> SafetyReport:
    """Record a report of a street or community (``unit``: "street-<id>" or "community-<id>") over a year or one
    of its quarters, and build it: now for a small scope, by a Celery task after commit for a large one.

    Refused with a clear message: anyone but street office staff and admins (PermissionDeniedError), a street
    or community outside the user's scope (NotFoundError), a quarter other than 1 to 4, a year or quarter not
    begun yet, an unknown format (ApplicationError naming the field).
    """
    street_id, community_id = _parse_unit(unit)
    scope = report_scope_get(user=acting_user, street_id=street_id, community_id=community_id)
    period = report_period_get(year=year, quarter=quarter)
    if format not in SafetyReport.Format.values:
        message = _("Choose PDF or Excel.")
        raise ApplicationError(message, field_errors={"format": [message]})
    report = SafetyReport.objects.create(
        street_id=street_id,
        community_id=community_id,
        year=period.year,
        quarter=period.quarter,
        format=format,
        requested_by=acting_user,
    )
    sites = Site.objects.filter(scope.grid_filter("grid"), status=Site.Status.OPERATING).count()
    if sites > settings.REPORT_BACKGROUND_SITES:
        from .tasks import safety_report_build_task

        transaction.on_commit(partial(safety_report_build_task.delay, report.pk))
        return report
    safety_report_build(report_id=report.pk)
    report.refresh_from_db()
    return report


def _claimable(now: datetime.datetime) -> Q:
    return Q(status=SafetyReport.Status.QUEUED) | Q(status=SafetyReport.Status.BUILDING, started_at__lt=now - BUILD_TIMEOUT)


def safety_report_build(*, report_id: int) -> None:
    """Build a requested report and store its file; safe to run twice.

    1. Claim it with a conditional update: a report queued, or whose build was lost (BUILD_TIMEOUT). A report
       already built, failed, being built, or gone is left alone: another run got there first.
    2. Read its figures with its requester's scope as it is now, writing the progress to the row as each
       part is read (each in its own transaction, so that the page sees it).
    3. Draw the PDF or workbook in the office's language, store it, and mark the report ready, unless another
       run took the report over meanwhile (then its file is removed).
    A refusal (the requester may no longer report on the unit) or any error marks the report failed with why.
    """
    now = timezone.now()
    if (
        SafetyReport.objects.filter(_claimable(now), pk=report_id).update(
            status=SafetyReport.Status.BUILDING, started_at=now, progress=5, error=""
        )
        != 1
    ):
        return
    report = SafetyReport.objects.select_related("requested_by").get(pk=report_id)

    def progress(percent: int) -> None:
        SafetyReport.objects.filter(pk=report_id, started_at=now).update(progress=percent)

    try:
        # An official report is in the office's language, whoever asked and in whatever language.
        with translation.override(settings.LANGUAGE_CODE):
            scope = report_scope_get(user=report.requested_by, street_id=report.street_id, community_id=report.community_id)
            figures = safety_report_figures(
                scope=scope, period=ReportPeriod(year=report.year, quarter=report.quarter), progress=progress
            )
            requested_by = report.requested_by.display_name
            if report.format == SafetyReport.Format.PDF:
                content = report_pdf(figures=figures, requested_by=requested_by)
            else:
                content = report_workbook(figures=figures, requested_by=requested_by)
            progress(90)
            report.file.save(f"report.{report.format}", ContentFile(content), save=False)
    except ApplicationError as error:
        _fail(report_id=report_id, started_at=now, message=error.message)
        return
    except Exception:
        logger.exception("Safety report %s could not be built", report_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "The report could not be built because of an error on the server. "
                "Request it again; if it fails again, tell the administrator."
            )
        _fail(report_id=report_id, started_at=now, message=message)
        return
    finished = SafetyReport.objects.filter(pk=report_id, status=SafetyReport.Status.BUILDING, started_at=now).update(
        status=SafetyReport.Status.READY, file=report.file.name, progress=100, finished_at=timezone.now()
    )
    if finished != 1:
        report.file.delete(save=False)


def _fail(*, report_id: int, started_at: datetime.datetime, message: str) -> None:
    SafetyReport.objects.filter(pk=report_id, status=SafetyReport.Status.BUILDING, started_at=started_at).update(
        status=SafetyReport.Status.FAILED, error=message, finished_at=timezone.now()
    )


def safety_reports_resume(*, now: datetime.datetime | None = None) -> int:
    """Queue again the reports whose task was lost: queued longer than QUEUE_TIMEOUT (the broker was away when
    the request committed), or whose build stopped without finishing (BUILD_TIMEOUT). The build's claim makes
    a report queued twice built once. Returns how many were queued."""
    from .tasks import safety_report_build_task

    now = now or timezone.now()
    lost = SafetyReport.objects.filter(
        Q(status=SafetyReport.Status.QUEUED, requested_at__lt=now - QUEUE_TIMEOUT)
        | Q(status=SafetyReport.Status.BUILDING, started_at__lt=now - BUILD_TIMEOUT)
    ).values_list("pk", flat=True)
    count = 0
    for report_id in lost:
        safety_report_build_task.delay(report_id)
        count += 1
    return count


def safety_report_files_sweep(*, older_than: datetime.timedelta = ORPHAN_GRACE) -> int:
    """Delete stored report files that no report names; return how many.

    A report's file is stored before its row says it is ready. When the build dies in between, or another
    build took the report over, the file stays behind; once older than any build could run, it goes.
    """
    storage = SafetyReport._meta.get_field("file").storage
    referenced = set(SafetyReport.objects.exclude(file="").values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    for folder, files in walk(storage, REPORT_FOLDER):
        names = (f"{folder}/{name}" for name in files)
        removed += sum(delete_if_older(storage, name, cutoff=cutoff) for name in names if name not in referenced)
    if removed:
        logger.info("Removed %d stored report files that no report names.", removed)
    return removed
