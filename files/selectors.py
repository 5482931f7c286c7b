"""Reads of stored photos and of one's list exports."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from accounts.models import User
from riskplatform.exceptions import ApplicationError, NotFoundError

from .models import ListExport, Photo


def photos_of_user(*, user: User, ids: Iterable) -> list[Photo]:
    """The photos with these ids that ``user`` uploaded, in the order given.

    A step of a hazard or an inspection names its evidence by the ids the phone made;
    naming a photo someone else uploaded (or one never uploaded) is refused.
    """
    ids = [str(value) for value in ids]
    if not ids:
        return []
    found = {str(photo.pk): photo for photo in Photo.objects.filter(pk__in=ids, uploaded_by=user.pk)}
    missing = [value for value in ids if value not in found]
    if missing:
        message = _("No uploaded photo of yours has the id %(id)s; upload it first.") % {"id": missing[0]}
        raise ApplicationError(message, field_errors={"photo_ids": [message]})
    return [found[value] for value in ids]


def list_export_list(*, user: User):
    """The exports ``user`` asked for, newest first: an export holds what its requester's scope let them see."""
    return ListExport.objects.filter(requested_by=user.pk)


def list_export_get_for_user(*, user: User, pk) -> ListExport:
    """One of ``user``'s own exports; anyone else's is not found."""
    export = list_export_list(user=user).filter(pk=pk).first()
    if export is None:
        raise NotFoundError(_("There is no such export of yours; it may have expired."))
    return export
