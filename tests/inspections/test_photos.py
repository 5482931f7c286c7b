"""The phone's photo step: POST /api/photos/ ahead of the inspection that names the photos. A picture
resized on the phone (through a canvas) has no EXIF: the time and place the phone reports are kept
instead, never over what the camera wrote. The issue's pictures, through the same endpoint."""

import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from files.models import Photo
from tests.files.pictures import encoded, evidence_jpeg, halves, noise, png_claiming, upload

PHONE_TIME = "2026-11-24T10:15:00+08:00"


def send(user, picture: bytes, name: str = "IMG_0001.jpg", **fields):
    client = APIClient()
    client.force_login(user)
    data = {"id": str(uuid.uuid4()), "photo": upload(picture, name=name), **fields}
    return client.post("/api/photos/", data, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_a_resized_picture_without_exif_keeps_the_phones_time_and_place(grid_worker):
    resized = encoded(halves((1600, 1200)), "JPEG", quality=80)
    response = send(grid_worker, resized, taken_at=PHONE_TIME, latitude="30.6534123", longitude="104.0824")
    assert response.status_code == 201, response.content
    photo = Photo.objects.get(pk=response.json()["id"])
    assert photo.taken_at.isoformat() == "2026-11-24T02:15:00+00:00"
    assert (photo.latitude, photo.longitude) == (Decimal("30.653412"), Decimal("104.082400"))


def test_the_cameras_own_time_and_place_win_over_the_phones(grid_worker):
    response = send(grid_worker, evidence_jpeg(), taken_at=PHONE_TIME, latitude="1", longitude="2")
    photo = Photo.objects.get(pk=response.json()["id"])
    assert photo.taken_at.isoformat() == "2026-11-03T06:25:07+00:00"
    assert photo.latitude == Decimal("30.653428")


def test_a_camera_time_without_a_place_takes_the_phones_place(grid_worker):
    response = send(grid_worker, evidence_jpeg(gps=False), taken_at=PHONE_TIME, latitude="30.5", longitude="104.1")
    photo = Photo.objects.get(pk=response.json()["id"])
    assert photo.taken_at.isoformat() == "2026-11-03T06:25:07+00:00"
    assert (photo.latitude, photo.longitude) == (Decimal("30.500000"), Decimal("104.100000"))


def test_half_a_position_or_one_out_of_range_is_refused(grid_worker):
    resized = encoded(halves((80, 60)), "JPEG")
    response = send(grid_worker, resized, latitude="30.5")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"longitude"}
    response = send(grid_worker, resized, latitude="91", longitude="104")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"latitude"}
    response = send(grid_worker, resized, taken_at="yesterday")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"taken_at"}
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("case", "status"),
    [("real_jpeg", 201), ("png", 201), ("text_named_jpg", 400), ("oversized", 400), ("decompression_bomb", 400)],
)
def test_the_issues_pictures_through_the_phones_upload(grid_worker, settings, case, status):
    settings.PHOTO_MAX_BYTES = 200_000
    picture = {
        "real_jpeg": lambda: evidence_jpeg(size=(640, 480)),
        "png": lambda: encoded(noise((120, 90)), "PNG"),
        "text_named_jpg": lambda: "检查记录：灭火器2具".encode(),
        "oversized": lambda: encoded(noise((600, 600)), "PNG"),
        "decompression_bomb": lambda: png_claiming(60_000, 60_000),
    }[case]()
    response = send(grid_worker, picture)
    assert response.status_code == status, response.content
    if status == 400:
        assert set(response.json()["errors"]) == {"photo"} and not Photo.objects.exists()
    else:
        photo = Photo.objects.get()
        assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith("-thumb.jpg")
