"""The project's one photo path, and the exports of long lists (at the end of this module).

Photos: hazard evidence, inspection answers and every later photo are stored here.

``photo_store`` takes an upload and returns a ``Photo``:

1. A resend (the ``photo_id`` of a photo the same person stored before) returns the
   stored photo and writes nothing; the same id from someone else is refused.
2. A file over PHOTO_MAX_BYTES is refused by its size, before it is read.
3. Pillow opens it by its content (never its name or the client's content type):
   JPEG, PNG or WebP.
4. Its pixels, judged from the header before anything is decoded, must be at most
   PHOTO_MAX_PIXELS (and within Pillow's own decompression-bomb limit).
5. It is decoded fully, so a truncated or damaged file is refused.
6. Capture time and GPS position are read from its EXIF and kept as fields; where the
   EXIF has none (a picture resized on the phone through a canvas keeps no EXIF), the
   time and position the phone reported beside the upload are kept instead.
7. It is turned upright (EXIF orientation), into sRGB, to RGB on white, shrunk to at
   most PHOTO_MAX_SIDE on its longest side and re-encoded as JPEG without any
   metadata; a thumbnail of PHOTO_THUMBNAIL_SIDE is made the same way.
8. Both files are written through the FileField's storage (Django's storage API),
   then the row. When anything fails after a file is written, the files go again; a
   file whose row is rolled back later by the caller's transaction is removed by the
   hourly sweep (``photo_files_sweep``).

Every refusal is an ApplicationError with the message on the field ``photo``.
"""

import hashlib
import logging
import math
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from datetime import timezone as fixed_offset
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from accounts.models import User
from riskplatform.exceptions import ApplicationError

from .models import ListExport, Photo
from .storage import delete_if_older, walk

logger = logging.getLogger(__name__)

# Pillow tries only these decoders. A phone's JPEG with a depth map or a second
# picture opens as MPO, through the JPEG decoder.
FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
JPEG_QUALITY = 85
# EXIF orientation -> the transposition that turns the picture upright (as PIL.ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
UTC_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
SIX_PLACES = Decimal("0.000001")


def _refusal(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"photo": [message]})


@dataclass(frozen=True)
class _Prepared:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def photo_store(
    *,
    upload,
    acting_user: User,
    photo_id: uuid.UUID | None = None,
    taken_at: datetime | None = None,
    latitude=None,
    longitude=None,
) -> Photo:
    """Check, clean and store an uploaded photo (the steps are in the module's docstring).

    ``taken_at``, ``latitude`` and ``longitude`` are what the phone reported (its clock,
    the browser's geolocation), used only where the picture's own EXIF says nothing.
    """
    if photo_id is not None:
        photo_id = _as_uuid(photo_id)
        stored = _resent(photo_id=photo_id, acting_user=acting_user)
        if stored is not None:
            return stored
    reported_at = _reported_time(taken_at)
    reported_latitude, reported_longitude = _reported_position(latitude, longitude)
    prepared = _prepare(upload)
    if prepared.taken_at is None:
        prepared = replace(prepared, taken_at=reported_at)
    if prepared.latitude is None:
        prepared = replace(prepared, latitude=reported_latitude, longitude=reported_longitude)
    photo = Photo(
        id=photo_id or uuid.uuid4(),
        width=prepared.width,
        height=prepared.height,
        size=len(prepared.image),
        sha256=hashlib.sha256(prepared.image).hexdigest(),
        taken_at=prepared.taken_at,
        latitude=prepared.latitude,
        longitude=prepared.longitude,
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    try:
        photo.image.save("photo.jpg", ContentFile(prepared.image), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(prepared.thumbnail), save=False)
        with transaction.atomic():
            photo.save(force_insert=True)
    except IntegrityError:
        _discard(photo)
        if photo_id is not None:
            # Another request with the same id (the phone sent it twice at once) stored it first.
            stored = _resent(photo_id=photo_id, acting_user=acting_user)
            if stored is not None:
                return stored
        raise
    except BaseException:
        _discard(photo)
        raise
    return photo


def _reported_time(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        message = _("Give the time the photo was taken as a date and time.")
        raise ApplicationError(message, field_errors={"taken_at": [message]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _reported_position(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """The position the phone reported, in decimal degrees to 6 places: both or neither, in range."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        message = _("Give both the latitude and the longitude, or neither.")
        raise ApplicationError(message, field_errors={"latitude" if latitude is None else "longitude": [message]})
    values = []
    for field, label, value, bound in (("latitude", _("latitude"), latitude, 90), ("longitude", _("longitude"), longitude, 180)):
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or not -bound <= number <= bound:
            message = _("Give the %(field)s in degrees, from -%(bound)d to %(bound)d.") % {"field": label, "bound": bound}
            raise ApplicationError(message, field_errors={field: [message]})
        values.append(number.quantize(SIX_PLACES, rounding=ROUND_HALF_UP))
    return values[0], values[1]


def _as_uuid(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise _refusal(_("The photo's identifier is not valid.")) from None


def _resent(*, photo_id: uuid.UUID, acting_user: User) -> Photo | None:
    stored = Photo.objects.filter(pk=photo_id).first()
    if stored is None:
        return None
    if stored.uploaded_by_id != acting_user.pk:
        raise _refusal(_("Another upload already uses this photo's identifier; take the photo again."))
    return stored


def _discard(photo: Photo) -> None:
    """Delete the files this attempt wrote, unless a stored row names them.

    With a storage that overwrites (an S3 bucket can), a resend racing the first
    upload writes the same names as the stored photo: those must stay. When the
    database cannot say, the files stay too, for the sweep to judge later.
    """
    names = [name for name in (photo.image.name, photo.thumbnail.name) if name]
    if not names:
        return
    try:
        referenced = set()
        for image, thumbnail in Photo.objects.filter(pk=photo.pk).values_list("image", "thumbnail"):
            referenced.update((image, thumbnail))
    except DatabaseError:
        return
    storage = photo.image.storage
    for name in names:
        if name not in referenced:
            storage.delete(name)


# --- Checking and cleaning the picture ----------------------------------------------------------


def _prepare(upload) -> _Prepared:
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise _refusal(
            _("The photo is %(size)s; a photo may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.PHOTO_MAX_BYTES)}
        )
    if not upload.size:
        raise _refusal(_("The photo is empty."))
    not_a_photo = _("Upload a photo as JPEG, PNG or WebP; this file is none of them.")
    too_many_pixels = _("The picture has too many pixels (at most %(max)s million); take or save it smaller.") % {
        "max": f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}"
    }
    damaged = _("The photo is damaged or incomplete and cannot be read; take it again.")
    upload.seek(0)
    try:
        with Image.open(upload, formats=FORMATS) as original:
            if original.format not in ACCEPTED_FORMATS:
                raise _refusal(not_a_photo)
            width, height = original.size
            if width * height > _pixel_limit() or not width or not height:
                raise _refusal(too_many_pixels)
            # A large JPEG is decoded at a half, quarter or eighth of its size when that still
            # leaves at least the stored size: every byte is still decoded, in less memory.
            original.draft(None, _fitted(original.size, settings.PHOTO_MAX_SIDE))
            original.load()
            exif = _exif(original)
            picture = _upright(_rgb(original), exif)
    except UnidentifiedImageError:
        raise _refusal(not_a_photo) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refusal(too_many_pixels) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise _refusal(damaged) from None
    finally:
        upload.seek(0)
    picture.thumbnail((settings.PHOTO_MAX_SIDE, settings.PHOTO_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = picture.copy()
    thumbnail.thumbnail(
        (settings.PHOTO_THUMBNAIL_SIDE, settings.PHOTO_THUMBNAIL_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    latitude, longitude = _position(exif)
    return _Prepared(
        image=_jpeg(picture, progressive=True),
        thumbnail=_jpeg(thumbnail, progressive=False),
        width=picture.width,
        height=picture.height,
        taken_at=_taken_at(exif),
        latitude=latitude,
        longitude=longitude,
    )


def _pixel_limit() -> float:
    """PHOTO_MAX_PIXELS, or Pillow's decompression-bomb limit when that is lower: Pillow warns above it."""
    limit = settings.PHOTO_MAX_PIXELS
    if Image.MAX_IMAGE_PIXELS:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    return limit


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(size))
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _rgb(image: Image.Image) -> Image.Image:
    """The picture in sRGB, as RGB; transparent parts become white."""
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(BytesIO(icc_profile)),
                SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # A profile littleCMS cannot use: the colours are taken as sRGB.
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greys: Pillow's own conversion would clip everything above 255 to white.
        image = image.convert("I").point(lambda value: value / 256, "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _upright(image: Image.Image, exif: Image.Exif | None) -> Image.Image:
    method = UPRIGHT.get(exif.get(ExifTags.Base.Orientation)) if exif is not None else None
    return image.transpose(method) if method is not None else image


def _jpeg(image: Image.Image, *, progressive: bool) -> bytes:
    # A picture with no info at all: Pillow would otherwise carry over a comment (COM) of the original.
    image.info = {}
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=progressive)
    return buffer.getvalue()


# --- Evidence from EXIF -------------------------------------------------------------------------


def _exif(image: Image.Image) -> Image.Exif | None:
    try:
        return image.getexif()
    except Exception:
        # EXIF is the camera's word, not the picture: damaged metadata costs the
        # metadata, never the photo. Pillow raises many kinds of error for it.
        logger.info("Ignored unreadable EXIF of an uploaded photo.", exc_info=True)
        return None


def _taken_at(exif: Image.Exif | None) -> datetime | None:
    """DateTimeOriginal, at OffsetTimeOriginal when the camera wrote one, else in TIME_ZONE."""
    if exif is None:
        return None
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        return None
    value = details.get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and the like: a camera without a clock.
    if moment.year < 1900:
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal)
    match = UTC_OFFSET.match(offset.strip("\x00 ")) if isinstance(offset, str) else None
    if match and int(match[2]) <= 14 and int(match[3]) < 60:
        sign = -1 if match[1] == "-" else 1
        zone = fixed_offset(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    else:
        zone = ZoneInfo(settings.TIME_ZONE)
    return moment.replace(tzinfo=zone)


def _position(exif: Image.Exif | None) -> tuple[Decimal | None, Decimal | None]:
    """GPS latitude and longitude in decimal degrees, 6 places; none unless both are readable.

    A position of exactly 0, 0 is what some phones write without a fix, not a place
    anyone inspects: it is dropped.
    """
    if exif is None:
        return None, None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None, None
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90)
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, None
    return latitude, longitude


def _degrees(value, reference, positive: str, negative: str, bound: int) -> Decimal | None:
    if not isinstance(reference, str) or reference.strip("\x00 ").upper() not in (positive, negative):
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(total) or not 0 <= total <= bound:
        return None
    if reference.strip("\x00 ").upper() == negative:
        total = -total
    return Decimal(repr(total)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


# --- Stored files that no row refers to -------------------------------------------------------

PHOTO_FOLDER = "photos"
# A photo's files are written before its row commits; a file younger than this may still get its row.
ORPHAN_GRACE = timedelta(hours=1)
PHOTO_ID_IN_NAME = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def photo_files_sweep(*, older_than: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored photo files that no Photo refers to; return how many.

    A photo's files are written before its row. When the transaction that writes the
    row rolls back (the caller's, say a hazard that was refused) or the process dies
    first, the files stay behind; once older than any transaction could run, they go.
    A file's name starts with its photo's id, so each folder costs one query by
    primary key per 500 files, however many photos are stored.
    """
    storage = Photo._meta.get_field("image").storage
    cutoff = timezone.now() - older_than
    removed = 0
    for folder, files in walk(storage, PHOTO_FOLDER):
        for start in range(0, len(files), 500):
            chunk = files[start : start + 500]
            names = [f"{folder}/{file}" for file in chunk]
            ids = {match[1] for file in chunk if (match := PHOTO_ID_IN_NAME.match(file))}
            referenced = set()
            for image, thumbnail in Photo.objects.filter(pk__in=ids).values_list("image", "thumbnail"):
                referenced.update((image, thumbnail))
            removed += sum(delete_if_older(storage, name, cutoff=cutoff) for name in names if name not in referenced)
    if removed:
        logger.info("Removed %d stored photo files that no photo refers to.", removed)
    return removed


# --- Exports of lists too long to write within the request --------------------------------------------------

# A build that has not finished this long after it started was lost (its worker died): it may be claimed again.
EXPORT_BUILD_TIMEOUT = timedelta(minutes=30)
# A queued export whose task has not started this long after the request lost its task (the broker was away).
EXPORT_QUEUE_TIMEOUT = timedelta(minutes=2)
EXPORT_FOLDER = "exports"


def list_export_request(*, acting_user: User, kind: str, query):
    """A list's export for ``acting_user`` with the list's filters (``query``, a QueryDict): the rows' source
    (files.xlsx.ExportSource) to be written within the request when they are at most
    LIST_EXPORT_IN_REQUEST_ROWS, else a ListExport written by a Celery task once the request has committed.

    Raises xlsx.ExportFiltersInvalid when the filters do not validate, and whatever the list's selector raises
    for a user who may not read the list.
    """
    from . import xlsx
    from .list_exports import LIST_EXPORTS, export_source

    if kind not in LIST_EXPORTS:
        raise ApplicationError(_("There is no such list to export."))
    source = export_source(kind, user=acting_user, query=query)
    rows = source.rows.count()
    if rows <= settings.LIST_EXPORT_IN_REQUEST_ROWS:
        return source
    with xlsx.office_language():
        title = str(source.title)
    export = ListExport.objects.create(
        kind=kind, title=title, query=query.urlencode(), rows_expected=rows, requested_by=acting_user
    )
    from .tasks import list_export_build_task

    transaction.on_commit(lambda: list_export_build_task.delay(export.pk), robust=True)
    return export


def _export_claimable(now: datetime) -> Q:
    return Q(status=ListExport.Status.QUEUED) | Q(status=ListExport.Status.BUILDING, started_at__lt=now - EXPORT_BUILD_TIMEOUT)


def list_export_build(*, export_id: int) -> None:
    """Write a requested export and store its file; safe to run twice.

    1. Claim it with a conditional update: an export queued, or whose build was lost (EXPORT_BUILD_TIMEOUT).
       One already written, failed, being written, or gone is left alone: another run got there first.
    2. Read its rows again with the list's filters and its requester's scope as it is now, and write them,
       counting the rows written into the row as it goes so that the page can show how far it is.
    3. Store the workbook and mark the export ready, unless another run took it over meanwhile (then its
       file is removed). Filters no longer valid, a refusal or any error mark it failed with why.
    """
    from django.http import QueryDict

    from . import xlsx
    from .list_exports import export_source

    now = timezone.now()
    claimed = ListExport.objects.filter(_export_claimable(now), pk=export_id).update(
        status=ListExport.Status.BUILDING, started_at=now, rows_written=0, error=""
    )
    if claimed != 1:
        return
    export = ListExport.objects.select_related("requested_by").get(pk=export_id)

    def progress(rows: int) -> None:
        ListExport.objects.filter(pk=export_id, started_at=now).update(rows_written=rows)

    try:
        with xlsx.office_language():
            source = export_source(export.kind, user=export.requested_by, query=QueryDict(export.query))
            workbook = xlsx.xlsx_workbook(
                title=source.title, columns=source.columns, rows=source.read(source.rows), progress=progress
            )
            with workbook:
                export.file.save("export.xlsx", File(workbook), save=False)
    except xlsx.ExportFiltersInvalid:
        with xlsx.office_language():
            _export_fail(
                export_id=export_id, started_at=now, message=_("The filters are no longer valid; export the list again.")
            )
        return
    except ApplicationError as error:
        _export_fail(export_id=export_id, started_at=now, message=error.message)
        return
    except Exception:
        logger.exception("List export %s could not be written", export_id)
        with xlsx.office_language():
            message = _(
                "The export could not be written because of an error on the server. "
                "Export the list again; if it fails again, tell the administrator."
            )
        _export_fail(export_id=export_id, started_at=now, message=message)
        return
    finished = ListExport.objects.filter(pk=export_id, status=ListExport.Status.BUILDING, started_at=now).update(
        status=ListExport.Status.READY, file=export.file.name, finished_at=timezone.now()
    )
    if finished != 1:
        export.file.delete(save=False)


def _export_fail(*, export_id: int, started_at: datetime, message: str) -> None:
    ListExport.objects.filter(pk=export_id, status=ListExport.Status.BUILDING, started_at=started_at).update(
        status=ListExport.Status.FAILED, error=message, finished_at=timezone.now()
    )


def list_exports_resume(*, now: datetime | None = None) -> int:
    """Queue again the exports whose task was lost (the broker away at the request, a worker killed); the
    build's claim makes an export queued twice written once. Returns how many were queued."""
    from .tasks import list_export_build_task

    now = now or timezone.now()
    lost = ListExport.objects.filter(
        Q(status=ListExport.Status.QUEUED, requested_at__lt=now - EXPORT_QUEUE_TIMEOUT)
        | Q(status=ListExport.Status.BUILDING, started_at__lt=now - EXPORT_BUILD_TIMEOUT)
    ).values_list("pk", flat=True)
    count = 0
    for export_id in lost:
        list_export_build_task.delay(export_id)
        count += 1
    return count


def list_exports_expire(*, now: datetime | None = None) -> int:
    """Remove the exports asked for more than LIST_EXPORT_KEEP_HOURS ago, with their files, and the stored
    files no export names once older than any build runs (a build that died after storing its file).
    A workbook of the registry may hold personal data: it is kept only as long as it is needed to be
    downloaded. Returns how many exports were removed."""
    now = now or timezone.now()
    expired = list(ListExport.objects.filter(requested_at__lt=now - timedelta(hours=settings.LIST_EXPORT_KEEP_HOURS)))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
    ListExport.objects.filter(pk__in=[export.pk for export in expired]).delete()
    storage = ListExport._meta.get_field("file").storage
    referenced = set(ListExport.objects.exclude(file="").values_list("file", flat=True))
    cutoff = now - EXPORT_BUILD_TIMEOUT * 2
    for folder, files in walk(storage, EXPORT_FOLDER):
        for name in (f"{folder}/{name}" for name in files):
            if name not in referenced:
                delete_if_older(storage, name, cutoff=cutoff)
    if expired:
        logger.info("Removed %d expired list exports.", len(expired))
    return len(expired)
