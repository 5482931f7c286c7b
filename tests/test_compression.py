"""Pages and JSON go out compressed to a client that accepts gzip; photos and PDFs as they are."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from riskplatform.compression import CompressTextMiddleware

pytestmark = pytest.mark.django_db

BODY = ("<p>灭火器 GB 50140-2005 6.1.1</p>" * 200).encode()


def answer(content_type: str):
    middleware = CompressTextMiddleware(lambda request: HttpResponse(BODY, content_type=content_type))
    return middleware(RequestFactory().get("/", headers={"accept-encoding": "gzip, br"}))


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json", "text/csv"])
def test_text_is_compressed(content_type):
    response = answer(content_type)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == BODY and len(response.content) < len(BODY) / 5


@pytest.mark.parametrize(
    "content_type", ["image/jpeg", "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
)
def test_compressed_files_are_left_alone(content_type):
    response = answer(content_type)
    assert not response.has_header("Content-Encoding") and response.content == BODY


def test_a_page_of_the_platform_is_compressed(client, grid_worker):
    client.force_login(grid_worker)
    response = client.get("/sites/my-grid/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
