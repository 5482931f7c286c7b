"""Uploads in an S3-compatible object store (MEDIA_S3_BUCKET): the one photo path, the scope-checked
download and the orphan sweep work through Django's storage API against a store served by the test."""

import datetime

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from files.models import Photo
from files.services import photo_files_sweep, photo_store
from riskplatform.settings import s3_storage
from tests.files.pictures import evidence_jpeg, upload
from tests.files.s3server import ObjectStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings):
    with ObjectStore() as store:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage(
                {
                    "MEDIA_S3_BUCKET": "riskplatform-media",
                    "MEDIA_S3_ENDPOINT_URL": store.url,
                    "MEDIA_S3_REGION": "cn-southwest-1",
                    "MEDIA_S3_ACCESS_KEY": "test",
                    "MEDIA_S3_SECRET_KEY": "test-secret",
                }
            ),
        }
        yield store


def test_a_photo_is_stored_in_the_bucket_and_read_back(bucket, grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg(size=(64, 48))), acting_user=grid_worker)

    keys = {key for bucket_name, key in bucket.objects if bucket_name == "riskplatform-media"}
    assert {photo.image.name, photo.thumbnail.name} <= keys
    assert type(storages["default"]).__name__ == "S3Storage"
    with Photo.objects.get(pk=photo.pk).image.open("rb") as stored:
        assert stored.read(3) == b"\xff\xd8\xff"


def test_the_orphan_sweep_walks_the_bucket(bucket, grid_worker):
    kept = photo_store(upload=upload(evidence_jpeg(size=(64, 48))), acting_user=grid_worker)
    orphan = photo_store(upload=upload(evidence_jpeg(size=(48, 64))), acting_user=grid_worker)
    Photo.objects.filter(pk=orphan.pk).delete()
    for key, (body, content_type, _modified) in list(bucket.objects.items()):
        bucket.objects[key] = (body, content_type, (timezone.now() - datetime.timedelta(days=2)).timestamp())

    assert photo_files_sweep() == 2
    keys = {key for _bucket, key in bucket.objects}
    assert keys == {kept.image.name, kept.thumbnail.name}
