"""The same input gets the same answer from the page, the API and the import: input is
normalised and validated once, in enterprises.services."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Site, SiteImport
from enterprises.spreadsheets import COLUMN_BY_FIELD
from tests.factories import category, credit_code

pytestmark = pytest.mark.usefixtures("media")


def base_input(grid, n: int) -> dict:
    return {
        "name": f"锦江小厨{n}",
        "credit_code": credit_code(8000 + n),
        "category": category("RM03"),
        "grid": grid,
        "address": f"望江路{n}号",
        "responsible_person": "李四",
        "responsible_phone": "13900139000",
        "extinguisher_count": 2,
        "hydrant_count": 0,
        "exit_count": 2,
        "status": "operating",
    }


def through_page(client, data: dict) -> tuple[Site | None, dict]:
    form = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items()}
    response = client.post(reverse("enterprises:site-create"), form)
    if response.status_code == 302:
        return Site.objects.get(name=data["name"].strip()), {}
    return None, {field: list(messages) for field, messages in response.context["form"].errors.items()}


def through_api(user, data: dict) -> tuple[Site | None, dict]:
    client = APIClient()
    client.force_login(user)
    body = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items()}
    response = client.post("/api/sites/", body, format="json")
    if response.status_code == 201:
        return Site.objects.get(pk=response.json()["id"]), {}
    assert response.status_code == 400, response.content
    return None, response.json()["errors"]


def through_import(client, data: dict) -> tuple[Site | None, dict]:
    cells = {}
    for field, value in data.items():
        if field == "category":
            value = value.code
        elif field == "grid":
            value = value.code
        elif field == "status":
            value = "营业"
        cells[COLUMN_BY_FIELD[field].header] = value
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(cells))
    sheet.append([str(value) for value in cells.values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.post(reverse("enterprises:site-import"), {"file": SimpleUploadedFile("sites.xlsx", buffer.getvalue())})
    site_import = SiteImport.objects.latest("pk")
    if site_import.errors:
        by_header = {column.header: field for field, column in COLUMN_BY_FIELD.items()}
        errors: dict[str, list[str]] = {}
        for error in site_import.errors:
            errors.setdefault(by_header.get(error["column"], "__all__"), []).append(error["message"])
        return None, errors
    client.post(reverse("enterprises:site-import-commit", args=[site_import.pk]))
    site_import.refresh_from_db()
    assert site_import.status == SiteImport.Status.COMMITTED, site_import.commit_error
    return Site.objects.get(name=data["name"].strip()), {}


@pytest.fixture
def front_ends(client, staff):
    client.force_login(staff)
    return {
        "page": lambda data: through_page(client, data),
        "api": lambda data: through_api(staff, data),
        "import": lambda data: through_import(client, data),
    }


def test_odd_but_valid_input_is_stored_alike_by_page_api_and_import(front_ends, grid):
    stored = {}
    for n, (name, submit) in enumerate(front_ends.items(), start=1):
        data = base_input(grid, n)
        code = data["credit_code"]
        data.update(
            name=f"  {data['name']}  ",
            # Lower case with spaces, as people copy it from a licence.
            credit_code=f"{code[:4]} {code[4:10]} {code[10:]}".lower(),
            responsible_phone="+86 139 0013 9000",
            safety_contact_phone="028—85551234",
            latitude="30.1234567",
            longitude="104.0654321",
            floor_area="120.45",
        )
        site, errors = submit(data)
        assert errors == {}, (name, errors)
        assert site.credit_code == code
        stored[name] = (
            site.name,
            site.responsible_phone,
            site.safety_contact_phone,
            str(site.latitude),
            str(site.longitude),
            str(site.floor_area),
        )
    assert stored["page"] == ("锦江小厨1", "13900139000", "028-85551234", "30.123457", "104.065432", "120.5")
    assert stored["api"][1:] == stored["import"][1:] == stored["page"][1:]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", "91"),
        ("longitude", "200"),
        ("storeys", "40000"),
        # Beyond PostgreSQL's integer: refused with a message, never a 500.
        ("capacity", str(2**31)),
        ("staff_count", str(2**40)),
        ("floor_area", "99999999"),
        ("extinguisher_count", "-1"),
        ("responsible_phone", "12345"),
        ("credit_code", "91510100MA6CQ8B2X0"),
    ],
)
def test_bad_input_gets_the_same_field_error_from_page_api_and_import(front_ends, grid, field, value):
    answers = {}
    for name, submit in front_ends.items():
        data = base_input(grid, 1)
        data[field] = value
        site, errors = submit(data)
        assert site is None, name
        assert field in errors, (name, errors)
        answers[name] = errors[field]
    assert answers["page"] == answers["api"] == answers["import"], answers
    assert not Site.objects.exists()


def test_the_database_refuses_out_of_range_numbers_written_past_the_services(grid):
    from django.db import IntegrityError, transaction

    site = Site(**{**base_input(grid, 1), "latitude": 91})
    with pytest.raises(IntegrityError), transaction.atomic():
        site.save()
