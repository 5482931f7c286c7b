"""The one photo path: what is kept, what is refused, and that a resend stores nothing twice."""

import hashlib
import re
import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import translation
from PIL import Image, ImageCms, ImageFile

import files.pdf  # noqa: F401  (WeasyPrint loaded, as in a process that also makes PDFs)
from files.models import Photo
from files.services import photo_store
from riskplatform.exceptions import ApplicationError
from tests.factories import UserFactory
from tests.files.pictures import GPS_MARK, encoded, evidence_jpeg, halves, noise, png_claiming, upload


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services called directly speak the active language; these tests read their English."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.usefixtures("media")


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def refusal(excinfo) -> str:
    """The message the user sees beside the photo field (and only there)."""
    error = excinfo.value
    assert list(error.field_errors) == ["photo"]
    assert error.field_errors["photo"] == [error.message]
    return error.message


# --- What a phone's photo keeps and loses ------------------------------------------------------


def test_phone_photo_is_stored_upright_with_its_time_and_place_as_fields(grid_worker, media):
    photo = photo_store(upload=upload(evidence_jpeg(size=(60, 40), orientation=6)), acting_user=grid_worker)

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (40, 60)
    assert photo.taken_at == datetime(2026, 11, 3, 6, 25, 7, tzinfo=UTC)
    assert (photo.latitude, photo.longitude) == (Decimal("30.653428"), Decimal("104.082439"))
    assert photo.uploaded_by == grid_worker
    with default_storage.open(photo.image.name) as handle:
        upright = Image.open(BytesIO(handle.read()))
    assert upright.size == (40, 60)
    # Orientation 6: the camera's left (red) was the top of the scene.
    top, bottom = upright.getpixel((20, 5)), upright.getpixel((20, 55))
    assert top[0] > 150 and top[2] < 100
    assert bottom[2] > 150 and bottom[0] < 100


def test_stored_image_and_thumbnail_carry_no_metadata(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)

    for stored in (photo.image, photo.thumbnail):
        with default_storage.open(stored.name) as handle:
            data = handle.read()
        picture = Image.open(BytesIO(data))
        assert picture.format == "JPEG"
        assert dict(picture.getexif()) == {}
        assert "icc_profile" not in picture.info and "comment" not in picture.info
        assert b"Exif\x00\x00" not in data
        assert GPS_MARK not in data and b"2026:11:03" not in data and b"TestPhone" not in data
        assert b"shot on a test phone" not in data


def test_stored_names_are_random_and_hash_and_size_describe_the_stored_image(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(), name="张三家后厨.jpg"), acting_user=grid_worker)

    assert re.fullmatch(rf"photos/\d{{4}}/\d{{2}}/{photo.pk}\.jpg", photo.image.name)
    assert re.fullmatch(rf"photos/\d{{4}}/\d{{2}}/{photo.pk}-thumb\.jpg", photo.thumbnail.name)
    with default_storage.open(photo.image.name) as handle:
        data = handle.read()
    assert photo.size == len(data)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()


def test_capture_time_without_offset_is_read_in_the_platform_time_zone(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(offset=None)), acting_user=grid_worker)

    assert photo.taken_at == datetime(2026, 11, 3, 6, 25, 7, tzinfo=UTC)  # 14:25:07 in Asia/Shanghai


def test_capture_time_keeps_the_offset_the_camera_wrote(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(offset="-05:00")), acting_user=grid_worker)

    assert photo.taken_at == datetime(2026, 11, 3, 19, 25, 7, tzinfo=UTC)


def test_photo_without_exif_has_no_time_or_place(grid_worker):
    photo = photo_store(upload=upload(encoded(halves((30, 20)), "JPEG")), acting_user=grid_worker)

    assert photo.taken_at is None
    assert photo.latitude is None and photo.longitude is None
    assert (photo.width, photo.height) == (30, 20)


def test_unreadable_capture_time_is_dropped_not_the_photo(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(taken="0000:00:00 00:00:00", gps=False)), acting_user=grid_worker)

    assert photo.taken_at is None and photo.latitude is None


def test_large_photo_is_shrunk_to_the_longest_side_and_thumbnailed(grid_worker, settings):
    settings.PHOTO_MAX_SIDE = 120
    settings.PHOTO_THUMBNAIL_SIDE = 40
    photo = photo_store(upload=upload(encoded(noise((300, 200)), "JPEG", quality=90)), acting_user=grid_worker)

    assert (photo.width, photo.height) == (120, 80)
    with default_storage.open(photo.thumbnail.name) as handle:
        assert Image.open(BytesIO(handle.read())).size == (40, 27)


def test_large_jpeg_is_decoded_at_a_reduced_scale_and_still_fills_the_longest_side(grid_worker, settings):
    settings.PHOTO_MAX_SIDE = 250
    photo = photo_store(upload=upload(encoded(noise((1200, 900)), "JPEG", quality=90)), acting_user=grid_worker)

    assert (photo.width, photo.height) == (250, 188)


def test_png_with_transparency_becomes_a_jpeg_on_white(grid_worker):
    picture = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    picture.paste((0, 128, 0, 255), (0, 0, 10, 20))
    photo = photo_store(
        upload=upload(encoded(picture, "PNG"), name="plan.png", content_type="image/png"), acting_user=grid_worker
    )

    with default_storage.open(photo.image.name) as handle:
        stored = Image.open(BytesIO(handle.read()))
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert min(stored.getpixel((17, 10))) > 240
    assert stored.getpixel((3, 10))[1] > 100 and stored.getpixel((3, 10))[0] < 60


def test_webp_is_accepted(grid_worker):
    photo = photo_store(upload=upload(encoded(halves((32, 24)), "WEBP"), name="a.webp"), acting_user=grid_worker)

    assert (photo.width, photo.height) == (32, 24)


def test_sixteen_bit_grey_png_keeps_its_tones(grid_worker):
    picture = Image.new("I;16", (16, 16), 32768)
    photo = photo_store(upload=upload(encoded(picture, "PNG"), name="grey.png"), acting_user=grid_worker)

    with default_storage.open(photo.image.name) as handle:
        grey = Image.open(BytesIO(handle.read())).getpixel((8, 8))
    assert all(120 <= channel <= 136 for channel in grey)


def test_colour_profile_is_applied_and_not_kept(grid_worker):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = photo_store(upload=upload(encoded(halves((20, 20)), "JPEG", icc_profile=srgb)), acting_user=grid_worker)

    with default_storage.open(photo.image.name) as handle:
        assert "icc_profile" not in Image.open(BytesIO(handle.read())).info


# --- What is refused ------------------------------------------------------------------------


def test_text_file_named_jpg_is_refused_on_the_photo_field(grid_worker, media):
    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(b"this is a shopping list, not a photo\n" * 20, name="photo.jpg"), acting_user=grid_worker)

    assert "JPEG, PNG or WebP" in refusal(excinfo)
    assert stored_files(media) == [] and not Photo.objects.exists()


def test_gif_is_refused_whatever_its_name(grid_worker):
    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(encoded(halves((10, 10)), "GIF"), name="photo.jpg"), acting_user=grid_worker)

    assert "JPEG, PNG or WebP" in refusal(excinfo)


class Unreadable:
    """An upload that fails the test if anyone reads it."""

    name = "huge.jpg"
    size = 2001

    def read(self, *args):
        raise AssertionError("the upload was read")

    seek = tell = open = chunks = read


def test_file_over_the_size_limit_is_refused_before_it_is_read(grid_worker, settings, media):
    settings.PHOTO_MAX_BYTES = 2000

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=Unreadable(), acting_user=grid_worker)

    assert "at most" in refusal(excinfo)
    assert stored_files(media) == []


def test_empty_file_is_refused(grid_worker):
    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(b""), acting_user=grid_worker)

    refusal(excinfo)


@pytest.mark.parametrize(
    "width, height",
    [
        (8000, 8000),  # 64 million: over PHOTO_MAX_PIXELS, under Pillow's own limit
        (20000, 20000),  # 400 million: Pillow's DecompressionBombError
        (1, 60_000_000),
    ],
)
def test_decompression_bomb_is_refused_from_its_header_without_decoding(grid_worker, media, width, height):
    bomb = png_claiming(width, height)
    assert len(bomb) < 200

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(bomb, name="bomb.png"), acting_user=grid_worker)

    # Decoding its few bytes would have failed as "damaged": the refusal came first.
    assert "too many pixels" in refusal(excinfo)
    assert stored_files(media) == []


def test_pixel_limit_is_a_setting(grid_worker, settings):
    settings.PHOTO_MAX_PIXELS = 100

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(encoded(halves((11, 10)), "JPEG")), acting_user=grid_worker)

    assert "too many pixels" in refusal(excinfo)


def test_pillows_decompression_bomb_warning_is_a_refusal(grid_worker, settings, monkeypatch):
    settings.PHOTO_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(encoded(halves((40, 40)), "PNG"), name="a.png"), acting_user=grid_worker)
    assert "too many pixels" in refusal(excinfo)

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(encoded(halves((100, 100)), "PNG"), name="b.png"), acting_user=grid_worker)
    assert "too many pixels" in refusal(excinfo)


def test_pillow_stays_strict_about_truncated_files_where_pdfs_are_made_too():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_jpeg_is_refused(grid_worker, media):
    whole = encoded(noise((400, 300)), "JPEG", quality=90)

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(whole[: len(whole) * 6 // 10]), acting_user=grid_worker)

    assert "damaged" in refusal(excinfo)
    assert stored_files(media) == []


def test_truncated_png_is_refused(grid_worker):
    whole = encoded(noise((200, 150)), "PNG")

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(whole[: len(whole) // 2], name="a.png"), acting_user=grid_worker)

    assert "damaged" in refusal(excinfo)


# --- Resends ----------------------------------------------------------------------------------


def test_resend_with_the_same_id_returns_the_stored_photo_and_writes_nothing(grid_worker, media):
    photo_id = uuid.uuid4()
    first = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=photo_id)
    files_after_first = stored_files(media)

    again = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=photo_id)

    assert again.pk == first.pk == photo_id
    assert stored_files(media) == files_after_first and len(files_after_first) == 2
    assert Photo.objects.count() == 1


def test_resend_is_answered_even_when_the_file_would_now_be_refused(grid_worker, settings):
    photo_id = uuid.uuid4()
    photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=photo_id)
    settings.PHOTO_MAX_BYTES = 10

    assert photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=photo_id).pk == photo_id


def test_same_id_from_someone_else_is_refused(grid_worker, colleague, media):
    photo_id = uuid.uuid4()
    photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=photo_id)
    files_before = stored_files(media)

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(evidence_jpeg()), acting_user=colleague, photo_id=photo_id)

    assert "identifier" in refusal(excinfo)
    assert stored_files(media) == files_before
    assert Photo.objects.get().uploaded_by == grid_worker


def test_id_given_as_text_is_accepted_and_nonsense_refused(grid_worker):
    photo_id = uuid.uuid4()
    assert photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id=str(photo_id)).pk == photo_id

    with pytest.raises(ApplicationError) as excinfo:
        photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker, photo_id="not-a-uuid")
    refusal(excinfo)


def test_files_are_removed_when_the_row_cannot_be_written(grid_worker, media, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Photo, "save", refuse)

    with pytest.raises(RuntimeError):
        photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)

    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_photo_at_once_store_it_once(media):
    worker = UserFactory(username="twice")
    photo_id = uuid.uuid4()
    data = encoded(noise((800, 600)), "JPEG", quality=90)
    start = threading.Barrier(2)
    answers, errors = [], []

    def send():
        try:
            start.wait()
            answers.append(photo_store(upload=upload(data), acting_user=worker, photo_id=photo_id).pk)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert answers == [photo_id, photo_id]
    assert Photo.objects.count() == 1
    photo = Photo.objects.get()
    assert stored_files(media) == sorted([photo.image.name, photo.thumbnail.name])
