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
    client.cookies["django_language"] = "en"
    page = client.get(site.get_absolute_url()).content.decode()
    assert "Fire extinguishers: <del>0</del> → 4" in page


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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    client.get(site.get_absolute_url())
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(site.get_absolute_url()).status_code == 200
    for n in range(30):
        site_update(site=site, acting_user=staff, data={"extinguisher_count": n + 1})
    # A fixed number per section of the file (registry, inspections, hazards, risk, alarms),
    # whatever the length of its history.
    with django_assert_max_num_queries(len(fresh)):
        assert client.get(site.get_absolute_url()).status_code == 200
    assert len(fresh) <= 24


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


# --- History, form, documents and scope (the second pass) -------------------------------------


def test_history_of_a_new_file_lists_the_values_given_not_every_empty_field(staff, grid):
    site = site_create(
        acting_user=staff,
        data={
            "name": "蓉城五金店",
            "credit_code": credit_code(9001),
            "category": category("XS01"),
            "grid": grid,
            "address": "望江路35号",
            "responsible_person": "李四",
            "responsible_phone": "13900139000",
            "extinguisher_count": 3,
            "hydrant_count": 0,
            "status": Site.Status.OPERATING,
        },
    )
    recorded = site.changes.get().changes
    assert set(recorded) == {
        "name",
        "credit_code",
        "category",
        "grid",
        "address",
        "responsible_person",
        "responsible_phone",
        "extinguisher_count",
    }
    assert recorded["extinguisher_count"] == ["", 3]


def test_history_shows_a_stored_zero_as_zero(client, staff, site):
    site_update(site=site, acting_user=staff, data={"extinguisher_count": 2})
    site_update(site=site, acting_user=staff, data={"extinguisher_count": 0})
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(site.get_absolute_url()).content.decode()
    assert "Fire extinguishers: <del>2</del> → 0" in page


def test_site_form_is_grouped_as_the_file_page_groups_the_profile(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("enterprises:site-create")).content.decode()
    legends = ["Identity", "Place and people", "Building", "Fire facilities"]
    positions = [html.index(f"<legend>{legend}</legend>") for legend in legends]
    assert positions == sorted(positions)
    # Each field sits in its group: the credit code before "Place and people", exits after "Fire facilities".
    assert html.index('data-field="credit_code"') < positions[1]
    assert html.index('data-field="exit_count"') > positions[3]


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload_document(client, site, name: str, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("enterprises:site-document-upload", args=[site.pk]),
        {"kind": SiteDocument.Kind.BUSINESS_LICENCE, "file": SimpleUploadedFile(name, content), **fields},
    )


def test_a_title_with_a_slash_downloads_whole_with_its_extension(client, staff, site, media):
    client.force_login(staff)
    assert upload_document(client, site, "scan.pdf", pdf_bytes(), title="营业执照（正本/副本）").status_code == 302
    document = site.documents.get()
    response = client.get(reverse("enterprises:site-document-download", args=[site.pk, document.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    from urllib.parse import quote

    assert quote("营业执照（正本_副本）.pdf") in disposition
    # A stored document may be shown but never run a script or reach out.
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_html_that_starts_like_a_pdf_is_refused(client, staff, site, media):
    client.force_login(staff)
    fake = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    response = upload_document(client, site, "licence.pdf", fake)
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    # Even with a PDF's last line pasted on, it has no page a PDF reader can open.
    response = upload_document(client, site, "licence.pdf", fake + b"startxref\n0\n%%EOF\n")
    assert response.status_code == 400
    assert not site.documents.exists()


def test_a_real_pdf_is_accepted(client, staff, site, media):
    client.force_login(staff)
    assert upload_document(client, site, "licence.pdf", pdf_bytes()).status_code == 302
    assert site.documents.get().content_type == "application/pdf"


def test_services_check_the_scope_of_the_acting_user_themselves(site, media):
    """A future caller that forgets the view's checks still cannot reach outside the user's scope."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.services import site_document_add, site_document_remove
    from riskplatform.exceptions import NotFoundError
    from tests.factories import StreetFactory, UserFactory

    stranger = UserFactory(role="street_staff", street=StreetFactory(name="九眼桥街道", code="JYQ"))
    with pytest.raises(NotFoundError):
        site_update(site=site, acting_user=stranger, data={"name": "改名"})
    with pytest.raises(NotFoundError):
        site_document_add(
            site=site, acting_user=stranger, kind=SiteDocument.Kind.OTHER, upload=SimpleUploadedFile("a.png", png_bytes())
        )
    owner = UserFactory(role="street_staff", street=site.grid.community.street)
    document = site_document_add(
        site=site, acting_user=owner, kind=SiteDocument.Kind.OTHER, upload=SimpleUploadedFile("a.png", png_bytes())
    )
    with pytest.raises(NotFoundError):
        site_document_remove(document=document, acting_user=stranger)
    site.refresh_from_db()
    assert site.name != "改名" and site.documents.count() == 1


def test_a_document_whose_transaction_rolls_back_leaves_no_file_behind(staff, site, media, settings):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from enterprises.services import site_document_add, stored_files_sweep

    kept = site_document_add(
        site=site, acting_user=staff, kind=SiteDocument.Kind.OTHER, upload=SimpleUploadedFile("kept.png", png_bytes())
    )

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        lost = site_document_add(
            site=site, acting_user=staff, kind=SiteDocument.Kind.OTHER, upload=SimpleUploadedFile("lost.png", png_bytes())
        )
        raise Abandoned
    storage = kept.file.storage
    assert storage.exists(lost.file.name), "written before the row, as it must be"
    # A file younger than any transaction could run is left alone: its row may still come.
    assert stored_files_sweep() == 0
    assert stored_files_sweep(older_than=datetime.timedelta(0)) == 1
    assert not storage.exists(lost.file.name)
    assert storage.exists(kept.file.name)


@pytest.mark.parametrize("path", ["/sites/?q=%00", "/sites/my-grid/?q=%00", "/sites/export.xlsx?q=%00", "/api/sites/?q=%00"])
def test_a_nul_byte_in_a_search_box_is_never_a_server_error(client, staff, site, path):
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code in (200, 302, 400), response.status_code


def test_the_uses_checklists_depend_on_are_recorded_and_shown(client, staff, grid):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    data = form_data(grid, category=category("XS02").pk, floor_area="60", has_kitchen="on", uses_lpg="on")
    assert client.post(reverse("enterprises:site-create"), data).status_code == 302
    site = Site.objects.get(name="蓉城五金店")
    assert (site.has_kitchen, site.uses_lpg, site.uses_piped_gas, site.has_ebike_charging) == (True, True, False, False)
    html = client.get(site.get_absolute_url()).content.decode()
    assert "Kitchen or open flame" in html and "Bottled LPG" in html and "Piped gas" not in html
    assert set(site.changes.get().changes) >= {"has_kitchen", "uses_lpg"}
