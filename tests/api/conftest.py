import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client signed in (by session) as the given persona, or anonymous."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for
