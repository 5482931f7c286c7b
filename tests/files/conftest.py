"""Fixtures of the photo and PDF tests."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
