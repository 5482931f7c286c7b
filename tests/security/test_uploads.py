"""Every upload path, side by side: a file is taken for what its content is, never for its name, and
refused over its size, its pixels or what it unpacks to, with a message and nothing stored.

The paths: a phone's photo (POST /api/photos/), a site's document, the registry's import, the device
import and the territory boundaries. Each path's own tests go further (tests/files/test_photo_store.py,
tests/enterprises/test_site_file.py and test_import.py, tests/accounts/test_boundary_import.py); this
table is where a new upload path shows what it refuses.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from alarms.models import Device
from enterprises.models import SiteDocument, SiteImport
from files.models import Photo
from tests.files.pictures import encoded, evidence_jpeg, noise, png_claiming
from tests.security.world import png_bytes

# Marked, not only given the database by the fixtures a case asks for lazily: unmarked tests run after the
# transactional ones, whose truncation has removed the categories a site needs by then.
pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.django_db]

PNG = png_bytes()
PDF_LOOKALIKE = b"%PDF-1.7\n<html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


@dataclass(frozen=True)
class Path:
    persona: str
    send: Callable  # (client, world fixtures, file) -> response
    stored: Callable[[], int]


def _page_client(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def send_photo(client, user, request, upload):
    api = APIClient()
    api.force_login(user)
    return api.post("/api/photos/", {"photo": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def send_document(client, user, request, upload):
    site = request.getfixturevalue("site")
    return _page_client(client, user).post(
        reverse("enterprises:site-document-upload", args=[site.pk]), {"kind": SiteDocument.Kind.OTHER, "file": upload}
    )


def send_site_import(client, user, request, upload):
    return _page_client(client, user).post(reverse("enterprises:site-import"), {"file": upload})


def send_device_import(client, user, request, upload):
    return _page_client(client, user).post(reverse("alarms:device-import"), {"file": upload})


def send_boundaries(client, user, request, upload):
    return _page_client(client, user).post(reverse("boundary-import"), {"file": upload, "level": "grid", "match": "code"})


PATHS = {
    "photo": Path("grid_worker", send_photo, lambda: Photo.objects.count()),
    "document": Path("staff", send_document, lambda: SiteDocument.objects.count()),
    "site import": Path("staff", send_site_import, lambda: SiteImport.objects.count()),
    "device import": Path("staff", send_device_import, lambda: Device.objects.count()),
    "boundaries": Path("staff", send_boundaries, lambda: 0),
}

# What each path takes, disguised: another kind of file under the name it expects.
DISGUISED = {
    "photo": [("IMG_0001.jpg", b"GIF89a" + b"\x00" * 40), ("IMG_0002.jpg", b"not a picture"), ("evil.png", EXE)],
    "document": [("licence.pdf", PDF_LOOKALIKE), ("licence.png", EXE), ("licence.jpg", b"<svg onload=alert(1)>")],
    "site import": [("sites.xlsx", PNG), ("sites.csv", PNG), ("sites.xlsx", b"name,category\nA,B\n")],
    "device import": [("devices.xlsx", PNG), ("devices.csv", PNG), ("devices.xlsx", b"imei,site\n1,2\n")],
    "boundaries": [("grids.geojson", PNG), ("grids.geojson", b"<FeatureCollection/>")],
}


def refused(response) -> bool:
    """A refusal the user can read: the API's error shape, or the form again with the file's error."""
    if response.status_code == 400 and response.get("Content-Type", "").startswith("application/json"):
        return "errors" in response.json() or "detail" in response.json()
    return response.status_code in (200, 400) and 'class="errorlist' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "name", "content"), [(path, name, content) for path, files in DISGUISED.items() for name, content in files]
)
def test_a_file_is_taken_for_its_content_not_its_name(request, client, grid, path, name, content):
    target = PATHS[path]
    before = target.stored()
    response = target.send(client, request.getfixturevalue(target.persona), request, SimpleUploadedFile(name, content))
    assert refused(response), (path, name, response.status_code)
    assert target.stored() == before


SIZE_SETTINGS = {
    "photo": "PHOTO_MAX_BYTES",
    "document": "DOCUMENT_MAX_BYTES",
    "site import": "IMPORT_MAX_BYTES",
    "device import": "IMPORT_MAX_BYTES",
    "boundaries": "BOUNDARY_IMPORT_MAX_BYTES",
}


def a_good_file(path: str, grid) -> SimpleUploadedFile:
    if path == "photo":
        return SimpleUploadedFile("IMG_0001.jpg", evidence_jpeg(size=(400, 300)))
    if path == "document":
        return SimpleUploadedFile("licence.png", encoded(noise((120, 90)), "PNG"))
    if path == "boundaries":
        ring = [[104.0, 30.0], [104.01, 30.0], [104.01, 30.01], [104.0, 30.0]]
        feature = {"type": "Feature", "properties": {"code": grid.code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        return SimpleUploadedFile("grids.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}).encode())
    rows = "\n".join(f"名称{n},XS01,{grid.code},路{n}号" for n in range(200))
    return SimpleUploadedFile("rows.csv", f"名称,类别,网格,地址\n{rows}\n".encode())


@pytest.mark.parametrize("path", PATHS)
def test_a_file_over_its_paths_size_limit_is_refused(request, client, settings, grid, path):
    target = PATHS[path]
    upload = a_good_file(path, grid)
    setattr(settings, SIZE_SETTINGS[path], upload.size - 1)
    before = target.stored()
    response = target.send(client, request.getfixturevalue(target.persona), request, upload)
    assert refused(response), (path, response.status_code)
    assert target.stored() == before


@pytest.mark.parametrize("path", ["photo", "document"])
def test_a_picture_over_the_pixel_limit_is_refused(request, client, settings, path):
    settings.PHOTO_MAX_PIXELS = 100 * 80
    target = PATHS[path]
    response = target.send(
        client, request.getfixturevalue(target.persona), request, SimpleUploadedFile("big.png", encoded(noise((101, 80)), "PNG"))
    )
    assert refused(response), (path, response.status_code)
    assert "pixels" in response.content.decode()
    assert target.stored() == 0


@pytest.mark.parametrize("path", ["photo", "document"])
def test_a_picture_claiming_billions_of_pixels_is_refused_unread(request, client, path):
    target = PATHS[path]
    response = target.send(
        client, request.getfixturevalue(target.persona), request, SimpleUploadedFile("bomb.png", png_claiming(60_000, 60_000))
    )
    assert refused(response), (path, response.status_code)
    assert target.stored() == 0


def zip_bomb(name: str, header: list[str]) -> SimpleUploadedFile:
    """A workbook of a few hundred KB whose one cell unpacks to 150 MB of text."""
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    workbook.active.append(["PLACEHOLDER"] * len(header))
    plain = io.BytesIO()
    workbook.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename).replace(b"PLACEHOLDER", b"a" * (150 * 1024 * 1024), 1)
            target.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return SimpleUploadedFile(name, bomb.getvalue())


@pytest.mark.parametrize("path", ["site import", "device import"])
def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_unpacked(request, client, path):
    target = PATHS[path]
    upload = zip_bomb("bomb.xlsx", ["名称", "类别", "网格", "地址"])
    assert upload.size < 1024 * 1024
    response = target.send(client, request.getfixturevalue(target.persona), request, upload)
    assert refused(response), (path, response.status_code)
    assert "unpacks to more than 100 MB" in response.content.decode()
    assert target.stored() == 0


def test_a_document_is_served_so_that_it_can_run_nothing(client, staff, grid_worker, site):
    upload = SimpleUploadedFile("licence.png", encoded(noise((60, 40)), "PNG"))
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:site-document-upload", args=[site.pk]), {"kind": SiteDocument.Kind.OTHER, "file": upload}
    )
    assert response.status_code == 302
    document = site.documents.get()
    client.force_login(grid_worker)
    response = client.get(reverse("enterprises:site-document-download", args=[site.pk, document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in response["Content-Security-Policy"]
