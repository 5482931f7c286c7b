"""A stored photo: the re-encoded image, its thumbnail and the evidence its camera recorded.

Rows are written only by files.services.photo_store. The stored files carry no
metadata at all; what the camera said (when, where) is kept here, in fields.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _folder(instance: "Photo") -> str:
    return f"photos/{timezone.localtime(instance.uploaded_at):%Y/%m}"


def photo_image_name(instance: "Photo", filename: str) -> str:
    # A name of our own: the client's file name never reaches the path.
    return f"{_folder(instance)}/{instance.pk}.jpg"


def photo_thumbnail_name(instance: "Photo", filename: str) -> str:
    return f"{_folder(instance)}/{instance.pk}-thumb.jpg"


class Photo(models.Model):
    # Made by the phone when it takes the photo, so that a resend finds the stored photo.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    image = models.FileField(_("image"), upload_to=photo_image_name, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_thumbnail_name, max_length=200)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    # Set before the files are written: their folder is the month of the upload.
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="photo_position_pair_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}.jpg"


def list_export_file_name(instance: "ListExport", filename: str) -> str:
    return f"exports/{timezone.localtime(instance.requested_at):%Y/%m}/{instance.pk}-{uuid.uuid4().hex[:12]}.xlsx"


class ListExport(models.Model):
    """A list's export too long to write within the request: written by a Celery task, then downloaded by
    the one who asked for it, until it expires (LIST_EXPORT_KEEP_HOURS)."""

    class Kind(models.TextChoices):
        SITES = "sites", _("Sites")
        HAZARDS = "hazards", _("Hazards")
        INSPECTIONS = "inspections", _("Inspections")
        INCIDENTS = "incidents", _("Incidents")
        DEVICES = "devices", _("Devices")
        AUDIT = "audit", _("Audit log")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be written")
        BUILDING = "building", _("Being written")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    IN_PROGRESS = (Status.QUEUED, Status.BUILDING)

    kind = models.CharField(_("list"), max_length=20, choices=Kind.choices)
    # The workbook's title in the office's language (its sheet's and its file's name).
    title = models.CharField(_("title"), max_length=100)
    # The list's filters as its page's query string: the rows are read again with them, in the requester's
    # scope as it is when the export is written.
    query = models.TextField(_("filters"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Rows the list held when the export was asked for, and rows written so far.
    rows_expected = models.PositiveIntegerField(_("rows expected"))
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=list_export_file_name, max_length=200, blank=True)
    # Why it failed, in the office's language.
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        constraints = [
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="listexport_ready_has_file"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(error=""), name="listexport_failed_says_why"),
        ]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="listexport_requester_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def progress(self) -> int:
        """Percent written, never 100 before the file is stored."""
        if self.status == self.Status.READY:
            return 100
        if not self.rows_expected:
            return 0
        return min(99, self.rows_written * 100 // self.rows_expected)
