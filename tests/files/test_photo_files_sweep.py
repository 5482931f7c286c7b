"""Photo files whose row never committed are removed once no transaction could still want them."""

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from files.services import photo_files_sweep, photo_store
from files.tasks import photo_files_sweep_task
from tests.files.pictures import evidence_jpeg, upload

pytestmark = pytest.mark.usefixtures("media")

TWO_HOURS = 2 * 3600


def aged(name: str, seconds: int = TWO_HOURS) -> str:
    then = time.time() - seconds
    os.utime(default_storage.path(name), (then, then))
    return name


def test_sweep_removes_an_old_orphan_and_keeps_referenced_and_young_files(grid_worker):
    photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)
    aged(photo.image.name)
    aged(photo.thumbnail.name)
    orphan = aged(default_storage.save(f"photos/2026/01/{uuid.uuid4()}.jpg", ContentFile(b"x")))
    stray = aged(default_storage.save("photos/2026/01/not-a-photo-name.jpg", ContentFile(b"x")))
    young = default_storage.save(f"photos/2026/02/{uuid.uuid4()}-thumb.jpg", ContentFile(b"x"))

    assert photo_files_sweep() == 2

    assert not default_storage.exists(orphan) and not default_storage.exists(stray)
    assert default_storage.exists(young)
    assert default_storage.exists(photo.image.name) and default_storage.exists(photo.thumbnail.name)


def test_files_of_a_photo_whose_transaction_rolled_back_are_swept(grid_worker):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)
        raise Refused  # the caller's rule refused the hazard after the photo was stored

    assert default_storage.exists(photo.image.name)
    assert photo_files_sweep() == 0  # still within the grace period
    assert photo_files_sweep(older_than=timedelta(0)) == 2
    assert not default_storage.exists(photo.image.name) and not default_storage.exists(photo.thumbnail.name)


def test_sweep_without_any_photo_folder_removes_nothing(db):
    assert photo_files_sweep() == 0


def test_sweep_task_calls_the_sweep(grid_worker):
    orphan = aged(default_storage.save(f"photos/2026/03/{uuid.uuid4()}.jpg", ContentFile(b"x")))

    assert photo_files_sweep_task.apply().get() == 1
    assert not default_storage.exists(orphan)
