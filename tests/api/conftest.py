import pytest
from rest_framework.test import APIClient


class HttpsAPIClient(APIClient):
    """Talks HTTPS, as clients of a deployment do (without DEBUG, plain HTTP is redirected)."""

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=True, **extra):
        return super().generic(method, path, data, content_type, secure=secure, **extra)


@pytest.fixture
def api():
    """An API client signed in (by session) as the given persona, or anonymous."""

    def client_for(user=None) -> APIClient:
        client = HttpsAPIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for
