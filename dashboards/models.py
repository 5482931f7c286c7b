"""A safety report requested by the street office: a street's or a community's quarter or year, as a
PDF or a workbook, built from the figures of dashboards.reports and stored through the storage API.

Rows are written only by dashboards.services: requested there, then built (at once, or by a Celery
task for a large scope) while ``status`` and ``progress`` say how far it is.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street


def report_file_name(instance: "SafetyReport", filename: str) -> str:
    # A random name of our own: the scope's name stays out of the path; the download names the file.
    return f"reports/{timezone.localtime(instance.requested_at):%Y/%m}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix}"


class SafetyReport(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", _("PDF document")
        XLSX = "xlsx", _("Excel workbook")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    IN_PROGRESS = (Status.QUEUED, Status.BUILDING)

    # The report's street, always; and the community when the report is of one community.
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # 1 to 4; none for the whole year.
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Percent done, written by the build as it goes.
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=report_file_name, max_length=200, blank=True)
    # Why the build failed, in the office's language.
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("safety report")
        verbose_name_plural = _("safety reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="safetyreport_quarter_1_to_4"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="safetyreport_progress_percent"),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="safetyreport_ready_has_file"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(error=""), name="safetyreport_failed_says_why"),
        ]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="safetyreport_requester_idx")]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.period_label}"

    @property
    def scope_name(self) -> str:
        return self.community.name if self.community_id else self.street.name

    @property
    def period_label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}
        return _("Year %(year)d") % {"year": self.year}

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS
