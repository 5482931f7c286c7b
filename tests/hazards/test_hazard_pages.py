"""The hazard pages as each persona sees them: a hazard with its timeline, evidence, notices, plan and
the steps the user's role allows; the notice PDF; recording a hazard; the hazards section of the
site's file."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards import services
from hazards.models import Hazard
from tests.hazards.conftest import in_days, photo


def step_forms(html: str) -> list[str]:
    return re.findall(r'<details[^>]*\bdata-step="(\w+)"', html)


def timeline(html: str) -> list[tuple[str, str]]:
    """(step, who) of each timeline entry, in order."""
    section = html[html.index('id="timeline"') :]
    result = []
    for kind, body in re.findall(r'<li[^>]*\bdata-kind="(\w+)"[^>]*>(.*?)</li>', section, re.S):
        when_and_who = re.search(r'class="muted"[^>]*>([^<]*)<', body).group(1)
        result.append((kind, when_and_who.split("·")[-1].strip()))
    return result


def test_the_hazard_page_tells_the_whole_story(client_for, staff, grid_worker, rectified):
    services.hazard_review(hazard=rectified, acting_user=staff, passed=False, comment="仍只有1具", new_deadline=in_days(3))
    html = client_for(grid_worker).get(rectified.get_absolute_url()).content.decode()
    assert timeline(html) == [
        ("found", "刘东"),
        ("notified", "任参"),
        ("rectified", "刘东"),
        ("review_failed", "任参"),
        ("notified", "任参"),
    ]
    assert "仍只有1具" in html and "GB 50140-2005 §6.1.1" in html
    # The photo taken when it was found and the rectification's evidence, each through the hazard.
    photos = re.findall(rf'src="/hazards/{rectified.pk}/photos/([0-9a-f-]+)/\?thumb=1"', html)
    assert len(set(photos)) == 2
    # Both notices, each with its printable PDF.
    notices = rectified.notices.all()
    for notice in notices:
        assert f'href="{reverse("hazards:notice-pdf", args=[notice.pk])}"' in html and notice.number in html
    assert step_forms(html) == ["rectify"]


@pytest.mark.parametrize(
    ("persona", "steps"),
    [
        ("grid_worker", ["close_on_spot"]),
        ("staff", ["notify", "close_on_spot"]),
        ("admin_user", ["notify", "close_on_spot"]),
        ("operator", []),
    ],
)
def test_the_page_offers_the_steps_the_role_allows(request, client_for, found, persona, steps):
    html = client_for(request.getfixturevalue(persona)).get(found.get_absolute_url()).content.decode()
    assert step_forms(html) == steps
    assert ('id="steps"' in html) == bool(steps)


def test_a_major_hazard_page_shows_its_plan_and_who_closed_it_out(client_for, staff, hazard_in):
    major = hazard_in("major_reviewed")
    html = client_for(staff).get(major.get_absolute_url()).content.decode()
    assert 'id="plan"' in html and "恢复安全出口畅通" in html and "3000" in html
    assert step_forms(html) == ["plan", "supervise", "close_out"]
    services.hazard_close_out(hazard=major, acting_user=staff, note="同意销号")
    html = client_for(staff).get(major.get_absolute_url()).content.decode()
    assert "Closed out by" in html and "任参" in html and step_forms(html) == []


def test_the_hazard_page_query_count_does_not_grow_with_its_timeline(client_for, staff, grid_worker, notified):
    client = client_for(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(notified.get_absolute_url()).status_code == 200
        return len(queries)

    short = count()
    for _round in range(3):
        services.hazard_rectify(hazard=notified, acting_user=grid_worker, note="已整改", uploads=[photo()])
        services.hazard_review(hazard=notified, acting_user=staff, passed=False, comment="不合格", new_deadline=in_days(5))
    assert count() == short


@pytest.mark.parametrize(
    ("persona", "status"),
    [("grid_worker", 404), ("outsider", 404), ("stranger", 404), ("staff", 200), ("operator", 200), ("colleague", 404)],
)
def test_who_sees_a_hazard_page(request, client_for, neighbour_site, staff, persona, status):
    hazard = services.hazard_raise(site=neighbour_site, acting_user=staff, description="疏散指示灯不亮")
    assert client_for(request.getfixturevalue(persona)).get(hazard.get_absolute_url()).status_code == status


def test_an_unknown_hazard_is_404(client_for, staff):
    assert client_for(staff).get(reverse("hazards:hazard-detail", args=[987654])).status_code == 404


# --- Photos and the notice PDF ----------------------------------------------------------------------


def test_a_hazards_photo_is_served_to_those_who_see_the_hazard(client_for, staff, outsider, found, rectified):
    photo_id = found.photos.get().pk
    url = reverse("hazards:hazard-photo", args=[found.pk, photo_id])
    response = client_for(staff).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert client_for(staff).get(f"{url}?thumb=1").status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    # A photo of another hazard is not this hazard's, even for staff.
    other = services.hazard_raise(site=found.site, acting_user=staff, description="另一处隐患")
    assert client_for(staff).get(reverse("hazards:hazard-photo", args=[other.pk, photo_id])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("grid_worker", 200), ("colleague", 200), ("staff", 200), ("operator", 200), ("outsider", 404), ("stranger", 404)],
)
def test_who_may_print_a_notice(request, client_for, notified, persona, status):
    notice = notified.notices.get()
    response = client_for(request.getfixturevalue(persona)).get(reverse("hazards:notice-pdf", args=[notice.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_anonymous_is_sent_to_sign_in_for_every_hazard_page(client, notified):
    notice = notified.notices.get()
    for url in (
        notified.get_absolute_url(),
        reverse("hazards:notice-pdf", args=[notice.pk]),
        reverse("hazards:hazard-photo", args=[notified.pk, notified.photos.get().pk]),
        f"{reverse('hazards:hazard-raise')}?site={notified.site_id}",
        reverse("hazards:risk-rules"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


# --- Recording a hazard on a page ----------------------------------------------------------------------


def test_a_grid_worker_records_a_hazard_with_photos_from_the_site_file(client_for, grid_worker, site, two_per_unit):
    client = client_for(grid_worker)
    html = client.get(site.get_absolute_url()).content.decode()
    raise_url = f"{reverse('hazards:hazard-raise')}?site={site.pk}"
    assert f'href="{raise_url}"' in html
    response = client.post(
        raise_url, {"description": "灭火器只有1具", "level": "general", "clause": two_per_unit.pk, "photos": [photo(), photo()]}
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.found_by == grid_worker and hazard.clause == two_per_unit and hazard.photos.count() == 2
    assert "Hazard recorded." in client.get(hazard.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"description": "", "level": "general"}, "description"), ({"description": "x", "level": "huge"}, "level")],
)
def test_a_hazard_form_with_errors_is_shown_again(client_for, grid_worker, site, data, field):
    response = client_for(grid_worker).post(f"{reverse('hazards:hazard-raise')}?site={site.pk}", data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Hazard.objects.exists()


def test_a_picture_that_is_no_picture_is_refused_beside_the_photos(client_for, grid_worker, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(grid_worker).post(
        f"{reverse('hazards:hazard-raise')}?site={site.pk}",
        {"description": "x", "level": "general", "photos": [SimpleUploadedFile("a.jpg", b"not a picture", "image/jpeg")]},
    )
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not Hazard.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("operator", 403), ("outsider", 404), ("stranger", 404)])
def test_who_may_not_open_the_hazard_form(request, client_for, site, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(f"{reverse('hazards:hazard-raise')}?site={site.pk}")
    assert response.status_code == status


@pytest.mark.parametrize("site_param", ["", "abc", "\x00", "99999999"])
def test_the_hazard_form_without_a_known_site_is_404(client_for, staff, site_param):
    assert client_for(staff).get(reverse("hazards:hazard-raise"), {"site": site_param}).status_code == 404


# --- The hazards section of the site's file -----------------------------------------------------------


def test_the_site_file_lists_the_open_hazards_with_their_counts(client_for, staff, grid_worker, notified, hazard_in, site):
    import datetime

    import time_machine
    from django.utils import timezone

    hazard_in("major_found")
    hazard_in("closed")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=False):
        html = client_for(grid_worker).get(site.get_absolute_url()).content.decode()
    section = html[html.index('id="hazards"') : html.index("</section>", html.index('id="hazards"'))]
    assert "2 open hazards · 1 major · 1 overdue" in section
    assert "1 hazard closed." in section
    assert section.count('class="badge badge-expired"') == 1
    assert f'href="{notified.get_absolute_url()}"' in section
    assert f'href="{reverse("hazards:hazard-list")}?site={site.pk}"' in section


def test_a_station_operator_reads_the_hazards_section_without_recording(client_for, operator, found, site):
    html = client_for(operator).get(site.get_absolute_url()).content.decode()
    section = html[html.index('id="hazards"') :]
    assert f'href="{found.get_absolute_url()}"' in section
    assert reverse("hazards:hazard-raise") not in section
