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
