"""Token sign-in for API clients, and the published OpenAPI schema and its docs page."""

from django.core.management import call_command

from tests.factories import PASSWORD


def test_token_obtained_with_password_reads_the_api(api, grid_worker, site, far_site):
    response = api().post("/api/auth/token/", {"username": "liudong", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = client.get("/api/sites/")
    assert listing.status_code == 200
    assert [row["name"] for row in listing.json()["results"]] == ["望江兰庭便利店"]


def test_the_same_token_is_returned_again(api, staff):
    client = api()
    first = client.post("/api/auth/token/", {"username": "renshen", "password": PASSWORD}, format="json").json()
    second = client.post("/api/auth/token/", {"username": "renshen", "password": PASSWORD}).json()
    assert first == second


def test_wrong_password_gets_no_token(api, grid_worker):
    response = api().post("/api/auth/token/", {"username": "liudong", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_inactive_user_gets_no_token(api, grid_worker):
    grid_worker.is_active = False
    grid_worker.save(update_fields=["is_active"])
    response = api().post("/api/auth/token/", {"username": "liudong", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_bad_token_is_refused(api, site):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/sites/").status_code == 401


def test_schema_is_served_to_a_signed_in_user(api, grid_worker):
    response = api(grid_worker).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/sites/{id}/" in response.content


def test_docs_page_is_served_from_local_files(api, grid_worker):
    response = api(grid_worker).get("/api/docs/")
    assert response.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in response.content


def test_schema_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/stations/" in target.read_text()
