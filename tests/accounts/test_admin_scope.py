"""The Django admin keeps to the same scope rules as the pages and the API.

Street staff given admin access see and offer only their street; they cannot hand
out admin rights. A superuser sees everything. A refusal of the registry service
while saving in the admin is the 403 page with the service's words, not a 500.
"""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import Permission

from accounts.models import User
from enterprises.models import Site, SiteChange
from tests.factories import CommunityFactory, GridFactory, SiteFactory, StreetFactory, UserFactory


def grant(user: User, *codenames: str) -> User:
    """Admin access with the given model permissions ("enterprises.change_site", ...)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return User.objects.get(pk=user.pk)  # without the cached permissions


REGISTRY_ADMIN = (
    "enterprises.view_site",
    "enterprises.change_site",
    "enterprises.add_site",
    "accounts.view_grid",
    "accounts.view_user",
    "accounts.change_user",
)


@pytest.fixture
def other_street_grid(db):
    street = StreetFactory(name="九眼桥街道", code="JYQ")
    return GridFactory(community=CommunityFactory(street=street, name="九眼桥社区"), name="第五网格")


@pytest.fixture
def other_street_site(other_street_grid):
    return SiteFactory(grid=other_street_grid, name="九眼桥茶馆", address="九眼桥路3号")


@pytest.fixture
def other_street_worker(other_street_grid):
    return UserFactory(username="jiuyanqiao", full_name="九眼桥网格员", role=User.Role.GRID_WORKER, grids=[other_street_grid])


@pytest.fixture
def browser(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def staff_admin(browser, staff):
    """Street staff of 望江路街道 with admin access to sites, grids and users."""
    browser.force_login(grant(staff, *REGISTRY_ADMIN))
    return browser


def listed_names(response, field: str = "name") -> set[str]:
    assert response.status_code == 200
    return {str(getattr(row, field)) for row in response.context["cl"].result_list}


def post_data(response) -> dict:
    """What the browser would send back for the change form as it was shown."""
    data: dict = {}
    forms_shown = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_shown += [inline.formset.management_form, *inline.formset.forms]
    for form in forms_shown:
        for bound in form:
            if bound.field.disabled:
                continue
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            elif isinstance(value, datetime.datetime):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


# --- Sites -----------------------------------------------------------------------------


def test_street_staff_see_only_their_streets_sites(staff_admin, site, neighbour_site, far_site, other_street_site):
    response = staff_admin.get("/admin/enterprises/site/")
    assert listed_names(response) == {"望江兰庭便利店", "川味小面馆", "远方五金店"}


def test_another_streets_site_does_not_exist_for_street_staff(staff_admin, other_street_site):
    response = staff_admin.get(f"/admin/enterprises/site/{other_street_site.pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "doesn’t exist" in response.content.decode()
    assert "九眼桥茶馆" not in response.content.decode()


def test_the_add_form_offers_only_their_streets_grids(staff_admin, grid, neighbour_grid, far_grid, other_street_grid):
    response = staff_admin.get("/admin/enterprises/site/add/")
    assert response.status_code == 200
    offered = response.context["adminform"].form.fields["grid"].queryset
    assert {g.name for g in offered} == {"第一网格", "第二网格", "第九网格"}

    # The grid picker searches the same grids.
    found = staff_admin.get(
        "/admin/autocomplete/", {"app_label": "enterprises", "model_name": "site", "field_name": "grid", "term": ""}
    )
    assert found.status_code == 200
    assert {row["id"] for row in found.json()["results"]} == {str(g.pk) for g in (grid, neighbour_grid, far_grid)}


def test_street_staff_cannot_move_a_site_to_another_street(staff_admin, site, other_street_grid):
    page = staff_admin.get(f"/admin/enterprises/site/{site.pk}/change/")
    data = {**post_data(page), "grid": str(other_street_grid.pk)}

    response = staff_admin.post(f"/admin/enterprises/site/{site.pk}/change/", data)

    assert response.status_code == 200
    assert "grid" in response.context["adminform"].form.errors
    site.refresh_from_db()
    assert site.grid.name == "第一网格"


def test_street_staff_change_a_site_and_the_change_is_recorded(staff_admin, staff, site):
    page = staff_admin.get(f"/admin/enterprises/site/{site.pk}/change/")
    data = {**post_data(page), "name": "望江兰庭超市"}

    response = staff_admin.post(f"/admin/enterprises/site/{site.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    site.refresh_from_db()
    assert site.name == "望江兰庭超市"
    change = SiteChange.objects.get(site=site)
    assert change.actor == staff
    assert change.changes["name"] == ["望江兰庭便利店", "望江兰庭超市"]


def test_a_superuser_sees_every_site(browser, admin_user, site, neighbour_site, far_site, other_street_site):
    browser.force_login(admin_user)
    response = browser.get("/admin/enterprises/site/")
    assert listed_names(response) == {"望江兰庭便利店", "川味小面馆", "远方五金店", "九眼桥茶馆"}
    assert browser.get(f"/admin/enterprises/site/{other_street_site.pk}/change/").status_code == 200


def test_a_grid_worker_in_the_admin_is_refused_with_the_registry_rule(browser, grid_worker, site):
    browser.force_login(grant(grid_worker, "enterprises.view_site", "enterprises.change_site"))
    page = browser.get(f"/admin/enterprises/site/{site.pk}/change/")
    assert page.status_code == 200
    data = {**post_data(page), "name": "改了名字"}

    response = browser.post(f"/admin/enterprises/site/{site.pk}/change/", data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html
    assert "Only street office staff may change the registry." in html
    site.refresh_from_db()
    assert site.name == "望江兰庭便利店"
    assert not SiteChange.objects.exists()


def test_a_grid_worker_in_the_admin_cannot_add_a_site_either(browser, grid_worker, grid):
    browser.force_login(grant(grid_worker, "enterprises.view_site", "enterprises.add_site"))
    page = browser.get("/admin/enterprises/site/add/")
    data = {
        **post_data(page),
        "name": "锦江小厨",
        "category": str(page.context["adminform"].form.fields["category"].queryset.get(code="ZZ01").pk),
        "grid": str(grid.pk),
        "address": "望江路8号",
        "responsible_person": "李四",
        "responsible_phone": "13900000000",
    }

    response = browser.post("/admin/enterprises/site/add/", data)

    assert response.status_code == 403
    assert "Only street office staff may change the registry." in response.content.decode()
    assert not Site.objects.exists()


# --- People ----------------------------------------------------------------------------


def test_street_staff_see_only_the_people_of_their_street(
    staff_admin, grid_worker, colleague, outsider, operator, admin_user, other_street_worker
):
    response = staff_admin.get("/admin/accounts/user/")
    assert listed_names(response, "username") == {"renshen", "liudong", "colleague", "outsider", "operator"}
    assert staff_admin.get(f"/admin/accounts/user/{other_street_worker.pk}/change/", follow=True).redirect_chain[-1][0] == (
        "/admin/"
    )


def test_street_staff_cannot_make_anyone_a_superuser(staff_admin, grid_worker):
    page = staff_admin.get(f"/admin/accounts/user/{grid_worker.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert field not in form.fields
    assert 'name="is_superuser"' not in page.content.decode()

    data = {**post_data(page), "full_name": "刘东东", "is_superuser": "on", "is_staff": "on"}
    response = staff_admin.post(f"/admin/accounts/user/{grid_worker.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    grid_worker.refresh_from_db()
    assert grid_worker.full_name == "刘东东"
    assert not grid_worker.is_superuser and not grid_worker.is_staff


def test_street_staff_cannot_make_anyone_an_administrator_by_role(staff_admin, staff, grid_worker):
    page = staff_admin.get(f"/admin/accounts/user/{grid_worker.pk}/change/")
    assert User.Role.ADMIN not in dict(page.context["adminform"].form.fields["role"].choices)

    for person in (grid_worker, staff):
        page = staff_admin.get(f"/admin/accounts/user/{person.pk}/change/")
        response = staff_admin.post(f"/admin/accounts/user/{person.pk}/change/", {**post_data(page), "role": User.Role.ADMIN})
        assert response.status_code == 200
        assert "role" in response.context["adminform"].form.errors
        person.refresh_from_db()
        assert not person.is_admin


def test_street_staff_cannot_change_an_administrator_of_their_street(staff_admin, street):
    chief = UserFactory(username="chief", role=User.Role.ADMIN, street=street)
    superuser = UserFactory(username="root", role=User.Role.STREET_STAFF, street=street, is_staff=True, is_superuser=True)
    for person in (chief, superuser):
        page = staff_admin.get(f"/admin/accounts/user/{person.pk}/change/")
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        # Nor set their password, which would let street staff sign in as them.
        new_password = {"password1": "n3w-Passw0rd!x", "password2": "n3w-Passw0rd!x"}
        assert staff_admin.post(f"/admin/accounts/user/{person.pk}/password/", new_password).status_code == 403
        person.refresh_from_db()
        assert not person.check_password("n3w-Passw0rd!x")


def test_a_superuser_sees_everyone(browser, admin_user, staff, grid_worker, other_street_worker):
    browser.force_login(admin_user)
    response = browser.get("/admin/accounts/user/")
    assert listed_names(response, "username") >= {"admin", "renshen", "liudong", "jiuyanqiao"}
    page = browser.get(f"/admin/accounts/user/{grid_worker.pk}/change/")
    assert "is_superuser" in page.context["adminform"].form.fields
