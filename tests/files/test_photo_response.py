"""How an owning app's view answers with a photo: the stored JPEG, shown inline, never run, kept privately."""

import pytest
from django.core.files.storage import default_storage
from django.http import Http404

from files.services import photo_store
from files.views import pdf_response, photo_response
from tests.files.pictures import evidence_jpeg, upload

pytestmark = pytest.mark.usefixtures("media")


def body(response) -> bytes:
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_photo_response_serves_the_stored_jpeg_inline_with_restrictive_headers(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(), name="<script>.jpg"), acting_user=grid_worker)

    response = photo_response(photo=photo)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in response["Content-Security-Policy"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in cache_control and "public" not in cache_control
    assert any(part.startswith("max-age=") and int(part.split("=")[1]) > 0 for part in cache_control)
    with default_storage.open(photo.image.name) as handle:
        assert body(response) == handle.read()


def test_photo_response_serves_the_thumbnail(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)

    response = photo_response(photo=photo, thumbnail=True)

    assert response["Content-Disposition"] == f'inline; filename="{photo.pk}-thumb.jpg"'
    with default_storage.open(photo.thumbnail.name) as handle:
        assert body(response) == handle.read()


def test_missing_stored_file_is_a_404(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)
    default_storage.delete(photo.image.name)

    with pytest.raises(Http404):
        photo_response(photo=photo)


def test_pdf_response_shows_the_pdf_inline_and_keeps_no_stale_copy():
    response = pdf_response(pdf=b"%PDF-1.7 ...", filename="整改通知书.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert pdf_response(pdf=b"%PDF", filename="a.pdf", as_attachment=True)["Content-Disposition"].startswith("attachment")
