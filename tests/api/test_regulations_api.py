"""The regulation library through the API: read-only, for every signed-in user, through the
selectors; filters by category; in the OpenAPI schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regulations import services
from regulations.models import ChecklistItem, LegalBasis, RiskFactorTemplate
from tests.factories import category

pytestmark = pytest.mark.django_db

READERS = ["grid_worker", "staff", "operator", "admin_user"]
ENDPOINTS = ["/api/regulations/bases/", "/api/regulations/checklist-items/", "/api/regulations/risk-factors/"]


@pytest.mark.parametrize("persona", READERS)
def test_every_signed_in_user_reads_the_library(request, api, persona):
    client = api(request.getfixturevalue(persona))
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] > 0, url


def test_anonymous_clients_are_refused(api):
    for url in ENDPOINTS:
        response = api().get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["staff", "admin_user"])
def test_the_api_never_writes(request, api, persona):
    client = api(request.getfixturevalue(persona))
    item = ChecklistItem.objects.get(code="EXT-01")
    assert client.post("/api/regulations/checklist-items/", {"code": "X"}, format="json").status_code == 405
    assert client.patch(f"/api/regulations/checklist-items/{item.pk}/", {"is_active": False}, format="json").status_code == 405
    assert client.delete(f"/api/regulations/bases/{item.current_version.basis_id}/").status_code == 405
    assert ChecklistItem.objects.get(pk=item.pk).is_active


def test_a_basis_comes_with_its_clauses_in_order(api, staff):
    basis = LegalBasis.objects.get(code="GB 50140-2005")
    body = api(staff).get(f"/api/regulations/bases/{basis.pk}/").json()
    assert (body["code"], body["title"], body["in_force_from"]) == ("GB 50140-2005", "建筑灭火器配置设计规范", "2005-10-01")
    numbers = [clause["number"] for clause in body["clauses"]]
    assert numbers[:3] == ["4.2.1", "5.1.1", "5.1.2"] and "6.1.1" in numbers
    old = LegalBasis.objects.get(code="GB 35181-2017")
    assert api(staff).get(f"/api/regulations/bases/{old.pk}/").json()["superseded_by"]["code"] == "GB 35181-2025"


def test_a_checklist_item_at_its_current_version(api, grid_worker, admin_user):
    item = ChecklistItem.objects.get(code="EXT-01")
    services.checklist_item_revise(item=item, acting_user=admin_user, data={"threshold": "3"})
    body = api(grid_worker).get(f"/api/regulations/checklist-items/{item.pk}/").json()
    assert body["code"] == "EXT-01" and body["version"] == 2
    assert (body["rule_kind"], body["threshold"], body["unit"]) == ("count_min", "3.000", "具")
    assert body["basis"]["code"] == "GB 50140-2005" and body["clause"]["number"] == "6.1.1"
    assert body["citation"] == "GB 50140-2005 §6.1.1"
    assert body["categories"] == [] and body["conditions"] == []


def test_conditions_choices_and_categories_are_shown(api, staff):
    gas = ChecklistItem.objects.get(code="GAS-03")
    body = api(staff).get(f"/api/regulations/checklist-items/{gas.pk}/").json()
    assert body["conditions"] == [{"attribute": "uses_lpg", "op": "is_true"}]
    assert "XS02" in [c["code"] for c in body["categories"]]
    choice = ChecklistItem.objects.get(code="CON-09")
    body = api(staff).get(f"/api/regulations/checklist-items/{choice.pk}/").json()
    assert {"value": "A级", "passes": True} in body["choices"] and body["threshold"] is None


def test_checklist_items_filter_by_category(api, staff):
    construction = category("GG01")
    body = api(staff).get("/api/regulations/checklist-items/", {"category": construction.pk, "page_size": 500}).json()
    codes = {row["code"] for row in body["results"]}
    assert {"CON-01", "CON-09", "EXT-01", "LAW-04"} <= codes
    assert not {"GAS-12", "HR-01", "WHS-05"} & codes
    bad = api(staff).get("/api/regulations/checklist-items/", {"category": 987654})
    assert bad.status_code == 400 and "category" in bad.json()["errors"]


def test_retired_items_are_not_listed(api, staff, admin_user):
    item = ChecklistItem.objects.get(code="EXT-02")
    services.checklist_item_retire(item=item, acting_user=admin_user)
    body = api(staff).get("/api/regulations/checklist-items/", {"page_size": 500}).json()
    assert "EXT-02" not in {row["code"] for row in body["results"]}


def test_risk_factors_filter_by_category_with_scores_and_colours(api, staff):
    restaurant = category("XS02")
    body = api(staff).get("/api/regulations/risk-factors/", {"category": restaurant.pk}).json()
    rows = {row["code"]: row for row in body["results"]}
    assert set(rows) == set(RiskFactorTemplate.objects.filter(category=restaurant).values_list("code", flat=True))
    lpg = rows["RF-XS02-01"]
    assert (lpg["likelihood"], lpg["exposure"], lpg["consequence"], lpg["score"], lpg["risk_colour"]) == (
        "3.0",
        "6.0",
        "15.0",
        "270.00",
        "orange",
    )
    assert lpg["category"]["code"] == "XS02"


def test_list_query_count_does_not_grow_with_page_size(api, staff):
    client = api(staff)

    def count(page_size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/regulations/checklist-items/", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert count(5) == count(100)


def test_the_library_is_in_the_schema(api, staff):
    schema = api(staff).get("/api/schema/").content.decode()
    for path in ("/api/regulations/bases/", "/api/regulations/checklist-items/{id}/", "/api/regulations/risk-factors/"):
        assert path in schema
