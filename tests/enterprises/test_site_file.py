"""Creating and editing a site file, its rules, and the change history it shows."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from enterprises.models import Site, SiteChange, SiteDocument
from enterprises.services import site_create, site_update
from riskplatform.exceptions import ApplicationError, PermissionDeniedError
from tests.factories import category, credit_code


def form_data(grid, **overrides):
    data = {
        "name": "蓉城五金店",
        "credit_code": credit_code(9001),
        "category": category("XS01").pk,
        "grid": grid.pk,
        "address": "望江路35号",
        "responsible_person": "李四",
        "responsible_phone": "13900139000",
        "floor_area": "120",
        "extinguisher_count": "2",
        "hydrant_count": "0",
        "exit_count": "1",
        "status": Site.Status.OPERATING,
    }
    data.update(overrides)
    return data


def test_staff_creates_a_site_file_and_history_records_it(client, staff, grid):
    client.force_login(staff)
    response = client.post(reverse("enterprises:site-create"), form_data(grid))
    site = Site.objects.get(name="蓉城五金店")
    assert response.status_code == 302 and response.url == site.get_absolute_url()
    change = site.changes.get()
    assert change.action == SiteChange.Action.CREATED and change.actor == staff
    page = client.get(site.get_absolute_url()).content.decode()
    assert "蓉城五金店" in page and "任参" in page


def test_wrong_check_character_is_shown_beside_the_field(client, staff, grid):
    client.force_login(staff)
    bad = credit_code(9001)[:17] + ("0" if credit_code(9001)[17] != "0" else "1")
    response = client.post(reverse("enterprises:site-create"), form_data(grid, credit_code=bad))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not Site.objects.exists()


def test_bad_phone_is_a_field_error(client, staff, grid):
    client.force_login(staff)
    response = client.post(reverse("enterprises:site-create"), form_data(grid, responsible_phone="12345"))
    assert "responsible_phone" in response.context["form"].errors


def test_enterprise_needs_a_credit_code_but_a_courtyard_does_not(client, staff, grid):
    client.force_login(staff)
    response = client.post(reverse("enterprises:site-create"), form_data(grid, credit_code=""))
    assert "credit_code" in response.context["form"].errors
    response = client.post(
        reverse("enterprises:site-create"),
        form_data(grid, name="望江兰庭", credit_code="", category=category("ZZ01").pk, floor_area="55997"),
    )
    assert response.status_code == 302
    assert Site.objects.get(name="望江兰庭").credit_code is None


def test_small_shop_over_its_size_limit_is_refused(client, staff, grid):
    client.force_login(staff)
    response = client.post(reverse("enterprises:site-create"), form_data(grid, floor_area="450"))
    errors = response.context["form"].errors
    assert "floor_area" in errors and "300" in errors["floor_area"][0]


def test_duplicate_credit_code_is_refused(client, staff, grid, site):
    client.force_login(staff)
    response = client.post(reverse("enterprises:site-create"), form_data(grid, credit_code=site.credit_code))
    assert "credit_code" in response.context["form"].errors
    assert Site.objects.count() == 1


def test_edit_records_each_changed_field_old_and_new(client, staff, site):
    client.force_login(staff)
    data = form_data(site.grid, name=site.name, credit_code=site.credit_code, address=site.address, extinguisher_count="4")
    response = client.post(reverse("enterprises:site-edit", args=[site.pk]), data)
    assert response.status_code == 302
    change = site.changes.get(action=SiteChange.Action.UPDATED)
    assert change.actor == staff
    assert change.changes["extinguisher_count"] == [0, 4]
    assert change.changes["responsible_person"] == ["张三", "李四"]
    page = client.get(site.get_absolute_url()).content.decode()
    assert "灭火器" in page or "Fire extinguishers" in page


def test_saving_without_changes_records_nothing(staff, site):
    site_update(site=site, acting_user=staff, data={"name": site.name})
    assert not site.changes.exists()


def test_grid_worker_may_not_edit(client, grid_worker, site):
    client.force_login(grid_worker)
    assert client.get(reverse("enterprises:site-edit", args=[site.pk])).status_code == 403
    with pytest.raises(PermissionDeniedError):
        site_update(site=site, acting_user=grid_worker, data={"name": "新名字"})


def test_staff_may_not_move_a_site_to_another_street(staff, site):
    from tests.factories import GridFactory

    foreign_grid = GridFactory()
    with pytest.raises(ApplicationError) as error:
        site_update(site=site, acting_user=staff, data={"grid": foreign_grid})
    assert "grid" in error.value.field_errors


def test_create_service_refuses_bad_data_and_saves_nothing(staff, grid):
    with pytest.raises(ApplicationError) as error:
        site_create(acting_user=staff, data={"name": "", "grid": grid, "category": category("XS01")})
    assert {"name", "address", "responsible_person"} <= set(error.value.field_errors)
    assert not Site.objects.exists()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_staff_uploads_a_licence_and_the_grid_worker_opens_it(client, staff, grid_worker, site, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    upload = SimpleUploadedFile("营业执照.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("enterprises:site-document-upload", args=[site.pk]),
        {"kind": SiteDocument.Kind.BUSINESS_LICENCE, "file": upload, "number": "JY-001"},
    )
    assert response.status_code == 302
    document = site.documents.get()
    assert document.content_type == "image/png"
    assert site.changes.filter(action=SiteChange.Action.DOCUMENT_ADDED).exists()
    client.force_login(grid_worker)
    download = client.get(reverse("enterprises:site-document-download", args=[site.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == png_bytes()


def test_outsider_cannot_download_a_document(client, staff, outsider, site, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    client.post(
        reverse("enterprises:site-document-upload", args=[site.pk]),
        {"kind": SiteDocument.Kind.OTHER, "file": SimpleUploadedFile("a.png", png_bytes())},
    )
    document = site.documents.get()
    client.force_login(outsider)
    assert client.get(reverse("enterprises:site-document-download", args=[site.pk, document.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,content",
    [("licence.pdf", b"not a pdf at all"), ("photo.png", b"\x89PNG\r\n\x1a\n" + b"broken"), ("virus.exe", b"MZ\x90\x00")],
)
def test_bad_upload_is_refused_with_a_message(client, staff, site, media, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    response = client.post(
        reverse("enterprises:site-document-upload", args=[site.pk]),
        {"kind": SiteDocument.Kind.OTHER, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    assert not site.documents.exists()


def test_file_page_shows_every_section_with_empty_states(client, grid_worker, site):
    client.force_login(grid_worker)
    page = client.get(site.get_absolute_url())
    html = page.content.decode()
    for anchor in ["profile", "facilities", "documents", "inspections", "hazards", "risk", "devices", "alarms", "history"]:
        assert f'id="{anchor}"' in html


def test_file_page_query_count_does_not_grow_with_history(client, staff, site, django_assert_max_num_queries):
    for n in range(30):
        site_update(site=site, acting_user=staff, data={"extinguisher_count": n + 1})
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get(site.get_absolute_url()).status_code == 200


def test_an_expired_licence_is_marked(client, staff, site, media):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    for valid_until in ["2020-01-31", "2099-12-31"]:
        client.post(
            reverse("enterprises:site-document-upload", args=[site.pk]),
            {
                "kind": SiteDocument.Kind.BUSINESS_LICENCE,
                "file": SimpleUploadedFile("l.png", png_bytes()),
                "valid_until": valid_until,
            },
        )
    expired, valid = sorted(site.documents.all(), key=lambda d: d.valid_until)
    assert expired.valid_until == datetime.date(2020, 1, 31) and expired.is_expired
    assert not valid.is_expired
    assert client.get(site.get_absolute_url()).content.decode().count("badge-expired") == 1
