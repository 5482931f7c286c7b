"""Uploading a photo ahead of the step it is evidence for, as a phone on a weak network does."""

import uuid

import pytest
from rest_framework.test import APIClient

from files.models import Photo
from files.selectors import photos_of_user
from riskplatform.exceptions import ApplicationError
from tests.files.pictures import encoded, evidence_jpeg, noise, upload

pytestmark = pytest.mark.usefixtures("media")


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_photo_is_uploaded_with_the_phones_id_and_a_resend_answers_the_stored_one(grid_worker):
    photo_id = uuid.uuid4()
    client = client_of(grid_worker)
    first = client.post("/api/photos/", {"id": str(photo_id), "photo": upload(evidence_jpeg())}, format="multipart")
    assert first.status_code == 201, first.content
    assert first.json()["id"] == str(photo_id)
    again = client.post("/api/photos/", {"id": str(photo_id), "photo": upload(evidence_jpeg())}, format="multipart")
    assert again.status_code == 200 and again.json() == first.json()
    assert Photo.objects.count() == 1


def test_a_file_that_is_no_picture_is_refused_in_the_error_shape(grid_worker):
    response = client_of(grid_worker).post("/api/photos/", {"photo": upload(b"not a picture")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "photo" in response.json()["errors"]
    assert not Photo.objects.exists()


def test_anonymous_uploads_are_refused(db):
    response = APIClient().post("/api/photos/", {"photo": upload(encoded(noise((40, 30)), "PNG"))}, format="multipart")
    assert response.status_code == 401


def test_a_step_may_name_only_photos_its_user_uploaded(grid_worker, colleague):
    mine = client_of(grid_worker).post("/api/photos/", {"photo": upload(evidence_jpeg())}, format="multipart").json()["id"]
    assert [str(photo.pk) for photo in photos_of_user(user=grid_worker, ids=[mine])] == [mine]
    with pytest.raises(ApplicationError) as refused:
        photos_of_user(user=colleague, ids=[mine])
    assert "photo_ids" in refused.value.field_errors
