"""The base layout: sign-in, navigation by role, the user's name and scope, language."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


def test_grid_worker_logs_in_and_lands_on_my_tasks_with_my_grid_in_the_menu(client, grid_worker):
    response = client.post(reverse("login"), {"username": "liudong", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inspections-phone:tasks")
    html = response.content.decode()
    assert "刘东" in html and "望江社区 第一网格" in html
    assert f'href="{reverse("enterprises:my-grid")}"' in html


def test_wrong_password_is_refused(client, grid_worker):
    response = client.post(reverse("login"), {"username": "liudong", "password": "wrong"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_staff_land_on_the_overview_and_see_their_street(client, staff):
    client.force_login(staff)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboards:overview")
    assert "望江路街道" in response.content.decode()


@pytest.mark.parametrize(
    "persona,sees_import",
    [("grid_worker", False), ("staff", True), ("operator", False), ("admin_user", True)],
)
def test_navigation_follows_the_role(client, request, persona, sees_import):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("enterprises:site-list")).content.decode()
    assert (f'href="{reverse("enterprises:site-import")}"' in html) is sees_import


def test_logout(client, grid_worker):
    client.force_login(grid_worker)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("enterprises:my-grid")).status_code == 302


def test_language_switches_to_english_and_back(client, grid_worker):
    client.force_login(grid_worker)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("enterprises:my-grid")).content.decode()
    assert '<html lang="en"' in html and "My grid" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("enterprises:my-grid")).content.decode()
    assert '<html lang="zh-hans"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/street/",
        "/admin/accounts/community/",
        "/admin/accounts/grid/",
        "/admin/accounts/firestation/",
        "/admin/enterprises/category/",
        "/admin/enterprises/site/",
        "/admin/enterprises/sitechange/",
    ],
)
def test_admin_pages_open(client, admin_user, site, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_admin_edit_of_a_site_is_recorded(client, admin_user, site):
    client.force_login(admin_user)
    url = f"/admin/enterprises/site/{site.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: (value if value is not None else "") for name, value in form.initial.items() if name in form.fields}
    data.update(name="改名后的商店", category=site.category_id, grid=site.grid_id)
    data = {k: v for k, v in data.items() if v is not False}
    for prefix in ("documents", "changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    site.refresh_from_db()
    assert site.name == "改名后的商店"
    assert site.changes.get().actor == admin_user


def test_not_found_page_is_friendly(client, grid_worker):
    client.force_login(grid_worker)
    response = client.get("/sites/999999/")
    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()
