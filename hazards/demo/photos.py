"""Small, deterministic JPEGs of what a grid worker photographs, made in memory with Pillow: a
corridor, the thing at issue, the camera app's time stamp, and the EXIF a phone writes (capture
time, position). They are stored through the services' ``uploads``, as a phone's photos are."""

import datetime
import random
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageDraw, ImageFilter, ImageFont
from PIL.TiffImagePlugin import IFDRational

from enterprises.models import Site


def _noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).convert("RGB")


def _picture(theme: str, rng: random.Random, *, when: datetime.datetime) -> Image.Image:
    """A small picture of the scene a grid worker photographs: a wall, a floor and the thing at issue."""
    width, height = 320, 240
    wall = tuple(rng.randint(196, 232) for _ in range(3))
    floor = tuple(rng.randint(120, 170) for _ in range(3))
    horizon = rng.randint(130, 160)
    picture = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, horizon, width, height), fill=floor)
    # Perspective lines of a corridor.
    draw.line((0, height, 110, horizon), fill=(90, 90, 90), width=2)
    draw.line((width, height, 210, horizon), fill=(90, 90, 90), width=2)
    x = rng.randint(40, 200)
    if theme in {"extinguisher", "hydrant"}:
        if theme == "hydrant":
            draw.rectangle((x, 60, x + 70, 150), fill=(200, 30, 30), outline=(80, 0, 0), width=3)
            draw.ellipse((x + 20, 85, x + 50, 115), outline=(255, 255, 255), width=4)
        for offset in range(2 if theme == "extinguisher" else 1):
            left = x + offset * 34 + (80 if theme == "hydrant" else 0)
            draw.rounded_rectangle((left, horizon - 30, left + 24, horizon + 40), radius=8, fill=(210, 20, 20))
            draw.rectangle((left + 6, horizon - 40, left + 18, horizon - 30), fill=(40, 40, 40))
            draw.line((left + 18, horizon - 36, left + 30, horizon + 10), fill=(20, 20, 20), width=3)
    elif theme in {"blocked", "boxes"}:
        for _ in range(rng.randint(4, 7)):
            left, top = rng.randint(60, 240), rng.randint(horizon - 50, horizon + 30)
            shade = rng.randint(150, 190)
            draw.rectangle((left, top, left + rng.randint(30, 60), top + rng.randint(25, 45)), fill=(shade, shade - 40, 80))
    elif theme in {"ebike", "charging"}:
        for offset in range(rng.randint(1, 3)):
            left = x + offset * 45
            draw.ellipse((left, horizon + 20, left + 34, horizon + 54), outline=(30, 30, 30), width=4)
            draw.ellipse((left + 50, horizon + 20, left + 84, horizon + 54), outline=(30, 30, 30), width=4)
            draw.line((left + 17, horizon + 37, left + 45, horizon + 5, left + 67, horizon + 37), fill=(40, 70, 160), width=5)
        if theme == "charging":
            draw.rectangle((20, 50, 60, 130), fill=(235, 235, 235), outline=(60, 60, 60), width=2)
            draw.rectangle((28, 60, 52, 75), fill=(40, 160, 60))
        else:
            draw.line((x + 40, horizon + 5, 300, 40), fill=(20, 20, 20), width=2)
    elif theme == "cable":
        draw.rectangle((230, 30, 300, 110), fill=(150, 180, 210), outline=(80, 80, 80), width=3)
        draw.line((260, 90, 200, 160, 120, horizon + 40), fill=(15, 15, 15), width=3)
    elif theme == "duct":
        draw.rectangle((60, 20, 260, 70), fill=(120, 110, 90), outline=(60, 50, 40), width=3)
        draw.rectangle((140, 0, 180, 20), fill=(110, 100, 80))
        for _ in range(12):
            spot = rng.randint(70, 250), rng.randint(30, 65)
            draw.ellipse((spot[0], spot[1], spot[0] + 8, spot[1] + 5), fill=(70, 55, 30))
    elif theme == "gas":
        draw.rounded_rectangle((x, 50, x + 36, 100), radius=6, fill=(245, 245, 245), outline=(90, 90, 90), width=2)
        draw.ellipse((x + 12, 60, x + 24, 72), fill=(40, 170, 60))
        draw.rounded_rectangle((x + 60, horizon - 10, x + 100, horizon + 60), radius=10, fill=(60, 120, 190))
    elif theme in {"sign", "door"}:
        draw.rectangle((110, 40, 210, horizon), fill=(110, 80, 50), outline=(60, 40, 20), width=3)
        draw.rectangle((120, 12, 200, 34), fill=(20, 150, 70))
        draw.polygon(((135, 30), (145, 16), (150, 30)), fill=(255, 255, 255))
    elif theme == "window":
        draw.rectangle((90, 30, 230, 120), fill=(170, 200, 225), outline=(80, 80, 80), width=3)
        for bar in range(100, 230, 14):
            draw.line((bar, 30, bar, 120), fill=(60, 60, 60), width=3)
    elif theme == "paper":
        draw.rectangle((100, 30, 220, 150), fill=(250, 250, 245), outline=(120, 120, 120), width=2)
        for line in range(45, 140, 12):
            draw.line((112, line, 112 + rng.randint(60, 96), line), fill=(90, 90, 110), width=2)
    elif theme == "corridor":
        draw.rectangle((130, horizon - 70, 190, horizon), fill=(110, 80, 50))
        draw.rectangle((140, horizon - 92, 180, horizon - 76), fill=(20, 150, 70))
    # "tidy" and "generic": the empty scene.
    picture = Image.blend(picture, _noise(rng, (width, height)), 0.12).filter(ImageFilter.GaussianBlur(0.6))
    # The time stamp a field camera app prints on the picture.
    stamp = when.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=14)
    draw.text((9, height - 23), stamp, fill=(0, 0, 0), font=font)
    draw.text((8, height - 24), stamp, fill=(255, 230, 90), font=font)
    return picture


def _dms(value: Decimal) -> tuple:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return IFDRational(degrees), IFDRational(minutes), IFDRational(int(seconds * 100), 100)


def demo_photo(*, theme: str, rng: random.Random, site: Site, name: str) -> SimpleUploadedFile:
    """A phone's JPEG of the scene, taken now (the travelled time) where the site is."""
    when = timezone.now()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huawei"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    local = when.astimezone(ZoneInfo(settings.TIME_ZONE))
    details[ExifTags.Base.DateTimeOriginal] = local.strftime("%Y:%m:%d %H:%M:%S")
    details[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    if site.latitude is not None and site.longitude is not None:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = _dms(Decimal(site.latitude))
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = _dms(Decimal(site.longitude))
    buffer = BytesIO()
    _picture(theme, rng, when=when).save(buffer, "JPEG", quality=80, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
