"""Pictures made in the tests, as a phone or a careless upload would send them."""

import os
import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

# Written into the GPS block of the evidence photo, so a test can look for it in stored bytes.
GPS_MARK = b"RISKPLATFORM-GPS-MARK"
TAKEN = "2026:11:03 14:25:07"


def upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def noise(size: tuple[int, int]) -> Image.Image:
    """A picture that does not compress away, like a real photo."""
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def halves(size: tuple[int, int], left=(220, 20, 20), right=(20, 20, 220)) -> Image.Image:
    """Red on the left, blue on the right: which way is up shows after rotating."""
    picture = Image.new("RGB", size, right)
    picture.paste(left, (0, 0, size[0] // 2, size[1]))
    return picture


def evidence_jpeg(
    *, size=(60, 40), orientation: int = 6, taken: str | None = TAKEN, offset: str | None = "+08:00", gps: bool = True
) -> bytes:
    """A phone's JPEG: stored sideways with an orientation, a capture time and a GPS position.

    The position is 30°39'12.34"N 104°04'56.78"E (Chengdu).
    """
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestPhone"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        details[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (IFDRational(30), IFDRational(39), IFDRational(1234, 100))
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (IFDRational(104), IFDRational(4), IFDRational(5678, 100))
        position[ExifTags.GPS.GPSMapDatum] = GPS_MARK.decode()
    buffer = BytesIO()
    halves(size).save(buffer, "JPEG", quality=95, exif=exif, comment=b"shot on a test phone")
    return buffer.getvalue()


def encoded(picture: Image.Image, kind: str, **options) -> bytes:
    buffer = BytesIO()
    picture.save(buffer, kind, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims width x height grey pixels.

    Its one IDAT holds a few compressed bytes: whatever decoded it would fail, so a
    refusal for its size proves nothing was decoded.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
