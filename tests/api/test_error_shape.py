"""Every error the API answers has one JSON shape, with a stable code a client can switch on.

{"code": "...", "detail": "A sentence.", "errors": {"field": ["..."]}} (riskplatform.api):
validation, parsing, authentication, permission, not found, throttling, oversized
bodies and crashes alike, and the OpenAPI schema documents it.
"""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from enterprises.models import Site
from tests.factories import PASSWORD, category, credit_code

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def error(response, status: int, code: str) -> dict:
    """The body of an error answer, after checking it has the one shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "detail", "errors"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], dict), body
    for field, messages in body["errors"].items():
        assert isinstance(field, str) and messages and all(isinstance(message, str) for message in messages), body
    return body


def site_data(in_grid, **overrides) -> dict:
    data = {
        "name": "锦江小厨",
        "credit_code": credit_code(777),
        "category": category("XS02").pk,
        "grid": in_grid.pk,
        "address": "望江路8号",
        "responsible_person": "李四",
        "responsible_phone": "13900000000",
    }
    data.update(overrides)
    return data


# --- Validation ------------------------------------------------------------------------


def test_missing_fields_are_listed_by_field(api, staff):
    response = api(staff).post("/api/sites/", {"name": "无名店"}, format="json", **ENGLISH)
    body = error(response, 400, "invalid")
    assert body["detail"] == "The request is not valid; correct the fields marked."
    assert {"category", "grid", "address", "responsible_person", "responsible_phone"} <= set(body["errors"])
    assert body["errors"]["address"] == ["This field is required."]


def test_a_services_refusal_names_its_field(api, staff, grid, site):
    response = api(staff).post("/api/sites/", site_data(grid, credit_code=site.credit_code), format="json", **ENGLISH)
    body = error(response, 400, "invalid")
    assert list(body["errors"]) == ["credit_code"]
    assert body["detail"] == "The site file was not saved; correct the fields marked."
    assert not Site.objects.filter(name="锦江小厨").exists()


def test_an_invalid_filter_names_its_field(api, staff):
    body = error(api(staff).get("/api/sites/", {"status": "burning"}, **ENGLISH), 400, "invalid")
    assert list(body["errors"]) == ["status"]
    assert "burning" in body["errors"]["status"][0]


def test_wrong_password_is_one_sentence(api, grid_worker):
    response = api().post("/api/auth/token/", {"username": "liudong", "password": "wrong"}, format="json", **ENGLISH)
    body = error(response, 400, "invalid")
    assert body["detail"] == "Wrong username or password."
    assert body["errors"] == {"__all__": ["Wrong username or password."]}


# --- Authentication, permission, not found, method -------------------------------------


def test_anonymous_gets_401_with_a_challenge(api, site):
    response = api().get("/api/sites/")
    error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_gets_401(api, site):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/sites/")
    error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_grid_worker_may_not_create_a_site(api, grid_worker, grid):
    response = api(grid_worker).post("/api/sites/", site_data(grid), format="json", **ENGLISH)
    body = error(response, 403, "permission_denied")
    assert body["detail"] == "Only street office staff may change the registry."
    assert not Site.objects.exists()


def test_unknown_site_is_not_found(api, staff):
    error(api(staff).get("/api/sites/999999/"), 404, "not_found")


def test_site_outside_scope_is_not_found_the_same_way(api, grid_worker, far_site):
    outside = error(api(grid_worker).get(f"/api/sites/{far_site.pk}/"), 404, "not_found")
    unknown = error(api(grid_worker).get("/api/sites/999999/"), 404, "not_found")
    # Nothing tells a client that the site exists elsewhere.
    assert outside == unknown


def test_unknown_url_under_the_api_answers_json_not_a_page(api, staff):
    for client in (api(), api(staff)):
        body = error(client.get("/api/nothing-here/", **ENGLISH), 404, "not_found")
        assert body["detail"] == "Not found."


def test_sites_cannot_be_deleted(api, admin_user, site):
    error(api(admin_user).delete(f"/api/sites/{site.pk}/"), 405, "method_not_allowed")
    assert Site.objects.filter(pk=site.pk).exists()


def test_a_site_id_that_is_not_a_number_is_not_found(api, staff):
    error(api(staff).get("/api/sites/abc/"), 404, "not_found")


def test_a_session_write_without_the_csrf_token_is_refused(staff, grid):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    body = error(client.post("/api/sites/", site_data(grid), format="json", **ENGLISH), 403, "permission_denied")
    assert "CSRF" in body["detail"]
    assert not Site.objects.exists()


def test_a_body_of_an_unknown_type_is_refused(api, staff):
    response = api(staff).post("/api/sites/", "name: x", content_type="text/yaml")
    error(response, 415, "unsupported_media_type")


def test_an_answer_in_an_unknown_format_is_refused(api, staff):
    error(api(staff).get("/api/sites/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_a_request_for_an_unknown_host_answers_in_the_shape(api, staff):
    error(api(staff).get("/api/sites/", HTTP_HOST="evil.example"), 400, "invalid")


# --- Throttling ------------------------------------------------------------------------


@pytest.fixture
def two_token_requests_a_minute(monkeypatch):
    # DRF copies DEFAULT_THROTTLE_RATES into the throttle class when it is defined, so
    # overriding the setting in a test would change nothing: lower the class's own rates.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth-token": "2/min"})


def test_too_many_token_requests_are_throttled(api, grid_worker, two_token_requests_a_minute):
    client = api()
    for _ in range(2):
        assert client.post("/api/auth/token/", {"username": "liudong", "password": "wrong"}, format="json").status_code == 400
    response = client.post("/api/auth/token/", {"username": "liudong", "password": PASSWORD}, format="json")
    error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


# --- Bodies that cannot be parsed ------------------------------------------------------

DEEPLY_NESTED = "[" * 100_000


def test_a_deeply_nested_body_is_a_parse_error_for_anyone(api, db):
    response = api().post("/api/auth/token/", DEEPLY_NESTED, content_type="application/json", **ENGLISH)
    body = error(response, 400, "parse_error")
    assert body["detail"] == "The JSON body is nested too deeply."


def test_a_deeply_nested_body_is_a_parse_error_on_a_write(api, staff):
    response = api(staff).post("/api/sites/", DEEPLY_NESTED, content_type="application/json")
    error(response, 400, "parse_error")
    assert not Site.objects.exists()


def test_invalid_json_names_line_and_column(api, staff):
    response = api(staff).post("/api/sites/", '{\n  "name": }', content_type="application/json", **ENGLISH)
    body = error(response, 400, "parse_error")
    assert body["detail"] == "The body is not valid JSON (line 2, column 11)."


def test_invalid_json_is_explained_in_the_clients_language(api, staff):
    response = api(staff).post("/api/sites/", '{\n  "name": }', content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = error(response, 400, "parse_error")
    # Our message (translated through the catalogue), not DRF's English one quoting Python's.
    assert "JSON parse error" not in body["detail"] and "Expecting value" not in body["detail"]
    assert "2" in body["detail"] and "11" in body["detail"]


def test_nan_is_not_json(api, staff):
    response = api(staff).post("/api/sites/", '{"floor_area": NaN}', content_type="application/json", **ENGLISH)
    body = error(response, 400, "parse_error")
    assert body["detail"] == "The body is not valid JSON (NaN and Infinity are not allowed)."


def test_a_body_that_is_not_utf8_is_a_parse_error(api, staff):
    response = api(staff).post("/api/sites/", b'{"name": "\xff"}', content_type="application/json", **ENGLISH)
    body = error(response, 400, "parse_error")
    assert body["detail"] == "The body is not text in utf-8."


def test_a_multipart_body_without_a_boundary_is_a_parse_error(api, staff):
    response = api(staff).post("/api/sites/", b"--x\r\n", content_type="multipart/form-data", **ENGLISH)
    body = error(response, 400, "parse_error")
    assert body["detail"] == "The multipart form body cannot be read; send it again."


# --- Bodies that are too large ---------------------------------------------------------


def test_a_json_body_over_the_limit_is_refused_in_the_shape(api, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = '{"name": "' + "x" * 2000 + '"}'
    body = error(api(staff).post("/api/sites/", big, content_type="application/json", **ENGLISH), 413, "too_large")
    assert body["detail"] == "The request body is larger than 1 KB; send less at once."
    assert not Site.objects.exists()


def test_a_form_body_over_the_limit_is_refused_in_the_shape(api, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    form = "name=" + "x" * 2000
    response = api(staff).post("/api/sites/", form, content_type="application/x-www-form-urlencoded", **ENGLISH)
    body = error(response, 413, "too_large")
    assert body["detail"] == "The request body is larger than 1 KB; send less at once."


def test_a_body_over_the_limit_is_refused_to_a_browser_too(api, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = '{"name": "' + "x" * 2000 + '"}'
    response = api(staff).post("/api/sites/", big, content_type="application/json", HTTP_ACCEPT="text/html")
    assert response.status_code == 413
    assert not Site.objects.exists()


def test_a_form_page_body_over_the_limit_says_which_limit(client, staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post("/sites/new/", {"name": "x" * 2000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "The request body is larger than 1 KB; send less at once." in response.content.decode()
    assert not Site.objects.exists()


def test_an_announced_length_over_the_limit_is_refused_before_reading(api, staff, settings):
    settings.REQUEST_MAX_BYTES = 1024
    # The body is small; the announced length alone decides, before anything is read.
    response = api(staff).post("/api/sites/", "{}", content_type="application/json", CONTENT_LENGTH="4096", **ENGLISH)
    body = error(response, 413, "too_large")
    assert body["detail"] == "The request is larger than 1 KB; send a smaller file."


def test_an_announced_length_over_the_limit_on_a_page_is_an_html_page(client, staff, settings):
    settings.REQUEST_MAX_BYTES = 1024
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post("/sites/new/", {"name": "x"}, CONTENT_LENGTH="4096")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "The request is larger than 1 KB; send a smaller file." in response.content.decode()


# --- Crashes ---------------------------------------------------------------------------


@pytest.mark.urls("tests.urls_crash")
def test_a_crash_under_the_api_answers_500_in_the_shape(api, db):
    client = api()
    client.raise_request_exception = False
    body = error(client.get("/api/crash/", **ENGLISH), 500, "server_error")
    assert body["detail"].startswith("Something went wrong on the server")
    assert "crashed" not in body["detail"]


@pytest.mark.urls("tests.urls_crash")
def test_a_crash_on_a_page_answers_the_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.urls_crash")
def test_the_database_away_answers_503_with_retry_after_page_and_api_alike(api, client, db):
    client.raise_request_exception = False
    page = client.get("/database-away/")
    assert (page.status_code, page["Retry-After"]) == (503, "10")
    assert page["Content-Type"].startswith("text/html")
    assert "暂时无法使用" in page.content.decode() and "Connection refused" not in page.content.decode()

    api_client = api()
    api_client.raise_request_exception = False
    answer = api_client.get("/api/database-away/", **ENGLISH)
    body = error(answer, 503, "unavailable")
    assert answer["Retry-After"] == "10"
    assert body["detail"] == "The platform cannot reach its database just now; try again shortly."


# --- The schema documents the shape ----------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_schema_has_the_error_component(schema):
    component = schema["components"]["schemas"]["Error"]
    assert set(component["properties"]) == {"code", "detail", "errors"}
    assert set(component["required"]) == {"code", "detail", "errors"}
    codes = schema["components"]["schemas"]["CodeEnum"]["enum"]
    for code in (
        "invalid",
        "parse_error",
        "not_authenticated",
        "authentication_failed",
        "permission_denied",
        "not_found",
        "method_not_allowed",
        "too_large",
        "throttled",
        "locked_out",
        "server_error",
    ):
        assert code in codes


def responses(schema, path: str, method: str) -> dict:
    return schema["paths"][path][method]["responses"]


def refers_to_error(response: dict) -> bool:
    return response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_schema_documents_errors_on_reads_and_writes(schema):
    detail = responses(schema, "/api/sites/{id}/", "get")
    assert {"401", "403", "404"} <= set(detail) and "200" in detail
    assert all(refers_to_error(detail[code]) for code in ("401", "403", "404"))

    create = responses(schema, "/api/sites/", "post")
    assert {"400", "401", "403", "413", "415"} <= set(create) and "201" in create
    assert all(refers_to_error(create[code]) for code in ("400", "401", "403", "413", "415"))
    # A list has no object to miss.
    assert "404" not in responses(schema, "/api/sites/", "get")


def test_schema_documents_the_token_endpoints_errors(schema):
    token = responses(schema, "/api/auth/token/", "post")
    assert {"400", "429"} <= set(token)
    assert refers_to_error(token["400"]) and refers_to_error(token["429"])
    # It asks for no credentials and refuses no one by role.
    assert "401" not in token and "403" not in token


def test_schema_documents_throttling_only_where_there_is_a_throttle(schema):
    assert "429" not in responses(schema, "/api/sites/", "get")
    assert "429" not in responses(schema, "/api/sites/", "post")
