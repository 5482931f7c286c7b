"""The hazard pages render for the roles that use them, and their steps work through the forms."""

import pytest
from django.urls import reverse

from hazards.models import Hazard
from tests.hazards.conftest import in_days, photo


def test_pages_render(client_for, staff, notified):
    client = client_for(staff)
    for url in (
        reverse("hazards:hazard-list"),
        reverse("hazards:hazard-detail", args=[notified.pk]),
        reverse("hazards:statistics"),
        reverse("hazards:risk-rules"),
        f"{reverse('hazards:hazard-raise')}?site={notified.site_id}",
        notified.site.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_notice_pdf_holds_the_chinese_of_the_notice(client_for, staff, notified):
    import io

    from pypdf import PdfReader

    notice = notified.notices.get()
    response = client_for(staff).get(reverse("hazards:notice-pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert notice.number in text and "望江兰庭便利店" in text and "灭火器只有1具" in text


def test_the_grid_worker_records_the_rectification_on_the_page(client_for, grid_worker, notified):
    client = client_for(grid_worker)
    response = client.post(
        reverse("hazards:hazard-step", args=[notified.pk, "rectify"]), {"rectify-note": "已增配", "rectify-photos": [photo()]}
    )
    assert response.status_code == 302
    notified.refresh_from_db()
    assert notified.status == Hazard.Status.RECTIFIED


def test_a_refused_step_shows_the_hazard_again_with_the_reason(client_for, staff, found):
    response = client_for(staff).post(
        reverse("hazards:hazard-step", args=[found.pk, "notify"]), {"notify-deadline": in_days(-3).isoformat()}
    )
    assert response.status_code == 400
    assert "The deadline cannot be in the past." in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider"])
def test_an_outsider_gets_404(request, client_for, found, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("hazards:hazard-detail", args=[found.pk])).status_code == 404


def test_a_grid_worker_is_offered_only_a_passed_review(client_for, grid_worker, staff, rectified):
    html = client_for(grid_worker).get(reverse("hazards:hazard-detail", args=[rectified.pk])).content.decode()
    assert 'name="review-passed" value="yes"' in html and 'name="review-passed" value="no"' not in html
    assert 'name="review-new_deadline"' not in html
    html = client_for(staff).get(reverse("hazards:hazard-detail", args=[rectified.pk])).content.decode()
    assert 'name="review-passed" value="no"' in html and 'name="review-new_deadline"' in html


def test_the_notice_is_printed_in_the_offices_language_whatever_the_reader_reads(client_for, staff, notified):
    import io

    from pypdf import PdfReader

    notice = notified.notices.get()
    client = client_for(staff)  # reading the pages in English
    text = PdfReader(io.BytesIO(client.get(reverse("hazards:notice-pdf", args=[notice.pk])).content)).pages[0].extract_text()
    assert "Notice of rectification" not in text
