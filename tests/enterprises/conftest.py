"""Fixtures shared by the registry tests."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_for(client):
    """The test client signed in as a persona, reading the pages in English."""

    def sign_in(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in
