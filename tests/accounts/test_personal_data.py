"""Phone numbers of a site in full only for those whose work is to phone it (accounts.personal_data)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.personal_data import mask_phone, personal_data_site_q, user_may_see_personal_data

FULL = "13800138000"
MASKED = "138****8000"
CONTACT_FULL = "028-85551234"
CONTACT_MASKED = "028-****1234"


@pytest.fixture
def shop(site):
    site.safety_contact = "李安全"
    site.safety_contact_phone = CONTACT_FULL
    site.save(update_fields=["safety_contact", "safety_contact_phone"])
    assert site.responsible_phone == FULL
    return site


# Every persona who may open the shop's file, and whether they see its phones in full there.
PAGES = {
    "grid_worker": True,  # calls the site before and while inspecting
    "colleague": True,
    "staff": True,  # maintains the registry
    "operator": True,  # confirms an alarm by phone (GB 50440)
    "admin_user": True,
}
# Through the API with a token, a program's reading: full only for the registry's maintainers.
TOKENS = {"grid_worker": False, "operator": False, "staff": True, "admin_user": True}


@pytest.mark.parametrize(("persona", "full"), PAGES.items())
def test_site_file_and_registry_pages(request, client, shop, persona, full):
    client.force_login(request.getfixturevalue(persona))
    for path in (f"/sites/{shop.pk}/", "/sites/"):
        body = client.get(path).content.decode()
        assert (f'href="tel:{FULL}"' in body) is full, path
        assert (MASKED in body) is not full, path
    body = client.get(f"/sites/{shop.pk}/").content.decode()
    assert (CONTACT_FULL in body) is full and (CONTACT_MASKED in body) is not full


@pytest.mark.parametrize(("persona", "full"), PAGES.items())
def test_api_with_a_session(request, shop, persona, full):
    client = APIClient()
    client.force_login(request.getfixturevalue(persona))
    body = client.get(f"/api/sites/{shop.pk}/").json()
    assert body["responsible_phone"] == (FULL if full else MASKED)
    assert body["safety_contact_phone"] == (CONTACT_FULL if full else CONTACT_MASKED)


@pytest.mark.parametrize(("persona", "full"), TOKENS.items())
def test_api_with_a_token(request, shop, persona, full):
    client = APIClient()
    token = Token.objects.create(user=request.getfixturevalue(persona))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    detail = client.get(f"/api/sites/{shop.pk}/").json()
    listed = next(row for row in client.get("/api/sites/").json()["results"] if row["id"] == shop.pk)
    for body in (detail, listed):
        assert body["responsible_phone"] == (FULL if full else MASKED)
        assert body["safety_contact_phone"] == (CONTACT_FULL if full else CONTACT_MASKED)


def test_outside_their_cover_the_numbers_are_masked(shop, outsider, operator, far_site, grid_worker, staff):
    assert not user_may_see_personal_data(user=outsider, site=shop)
    assert not user_may_see_personal_data(user=operator, site=far_site)
    assert not user_may_see_personal_data(user=grid_worker, site=far_site)
    assert user_may_see_personal_data(user=staff, site=far_site)


def test_the_rule_reads_the_users_grids_once(grid_worker, shop, neighbour_site, far_site):
    with CaptureQueriesContext(connection) as queries:
        for a_site in (shop, neighbour_site, far_site, shop):
            user_may_see_personal_data(user=grid_worker, site=a_site)
    assert len(queries) == 1


# --- A search by phone number cannot spell out a masked one -------------------------------------

# A prefix of each number (found digit by digit), and each whole number (a mask leaves 10,000 to try).
PHONE_SEARCHES = ["138", "1380013", FULL, "028-8555", CONTACT_FULL]


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def found_by_api(client, text: str) -> set[str]:
    response = client.get("/api/sites/", {"q": text})
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize(("persona", "full"), TOKENS.items())
@pytest.mark.parametrize("text", PHONE_SEARCHES)
def test_a_token_finds_a_site_by_phone_only_where_it_shows_the_number(request, shop, persona, full, text):
    found = found_by_api(token_client(request.getfixturevalue(persona)), text)
    assert found == ({shop.name} if full else set())


@pytest.mark.parametrize("persona", TOKENS)
def test_a_token_still_finds_a_site_by_its_name_and_contacts(request, shop, persona):
    client = token_client(request.getfixturevalue(persona))
    for text in (shop.name[:3], shop.responsible_person, "李安全", shop.credit_code):
        assert found_by_api(client, text) == {shop.name}, text


@pytest.mark.parametrize("persona", PAGES)
def test_pages_find_a_site_by_the_phone_they_show(request, client, shop, persona):
    """Those whose work is to phone the site see its numbers, and find it by them, on every search of the pages."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    session = APIClient()
    session.force_login(user)
    for text in PHONE_SEARCHES:
        assert shop.name in client.get("/sites/", {"q": text}).content.decode(), text
        assert found_by_api(session, text) == {shop.name}, text
    if persona == "grid_worker":
        assert shop.name in client.get("/sites/my-grid/", {"q": "1380013"}).content.decode()


def test_the_search_rule_is_the_display_rule(shop, far_site, outsider, operator, grid_worker, staff, admin_user):
    """personal_data_site_q is user_may_see_personal_data as a query, for every site and user, by page and by token."""
    from enterprises.models import Site

    for user in (outsider, operator, grid_worker, staff, admin_user):
        for by_program in (False, True):
            shown = {
                a_site.pk
                for a_site in Site.objects.all()
                if user_may_see_personal_data(user=user, site=a_site, by_program=by_program)
            }
            searchable = set(
                Site.objects.filter(personal_data_site_q(user=user, by_program=by_program)).values_list("pk", flat=True)
            )
            assert searchable == shown, (user.username, by_program)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13800138000", "138****8000"), ("028-85551234", "028-****1234"), ("85551234", "****1234"), ("", ""), ("110", "****")],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
