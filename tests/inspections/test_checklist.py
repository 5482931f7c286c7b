"""The checklist the system makes for a site: by its category and attributes, for a campaign, and
for a re-inspection of its open hazards; through the selector and the API, per persona."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inspections.selectors import checklist_for_site
from riskplatform.exceptions import NotFoundError, PermissionDeniedError
from tests.factories import SiteFactory, category
from tests.inspections.conftest import version_of


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def codes(checklist) -> list[str]:
    return [entry["code"] for entry in checklist.items]


def test_a_small_shop_gets_the_extinguisher_rule_with_its_clause(site, grid_worker):
    checklist = checklist_for_site(site=site, user=grid_worker)
    entry = next(entry for entry in checklist.items if entry["code"] == "EXT-01")
    assert entry == {
        "version": version_of("EXT-01").pk,
        "code": "EXT-01",
        "requirement": "计算单元内配置的灭火器数量",
        "rule_kind": "count_min",
        "threshold": "2",
        "unit": "具",
        "choices": [],
        "pass_answer": None,
        "rule": "≥ 2 具",
        "citation": "GB 50140-2005 §6.1.1",
        "clause_text": version_of("EXT-01").clause.text,
        "severity": "general",
        "hazard": None,
    }
    assert codes(checklist) == sorted(codes(checklist))
    # No kitchen, no gas, no e-bikes, no storeys recorded: none of their items.
    assert not {"KIT-01", "GAS-03", "EB-01", "HR-02"} & set(codes(checklist))


def test_a_restaurant_on_bottled_gas_gets_the_kitchen_and_gas_items(restaurant, site, grid_worker):
    shop = set(codes(checklist_for_site(site=site, user=grid_worker)))
    kitchen = set(codes(checklist_for_site(site=restaurant, user=grid_worker)))
    assert {"KIT-01", "GAS-03", "GAS-04", "EXT-12"} <= kitchen - shop
    gas = next(entry for entry in checklist_for_site(site=restaurant, user=grid_worker).items if entry["code"] == "EXT-12")
    assert (gas["rule_kind"], gas["threshold"], gas["unit"], gas["rule"]) == ("measure_max", "12", "m", "≤ 12 m")


def test_a_high_rise_courtyard_with_ebikes_gets_their_items_and_loses_them_without(courtyard, grid, grid_worker):
    items = set(codes(checklist_for_site(site=courtyard, user=grid_worker)))
    assert {"EB-01", "HR-02"} <= items
    low = SiteFactory(grid=grid, category=category("ZZ01"), credit_code=None, storeys=3, has_ebike_charging=False)
    assert not {"EB-01", "HR-02"} & set(codes(checklist_for_site(site=low, user=grid_worker)))
    # A shop's items that name only other categories are not a courtyard's.
    assert "BLD-07" not in items


def test_a_choice_item_lists_its_values_with_labels_and_which_pass(site, grid_worker):
    entry = next(entry for entry in checklist_for_site(site=site, user=grid_worker).items if entry["rule_kind"] == "choice")
    assert entry["choices"][0] == {"value": "磷酸铵盐干粉（ABC）", "label": "磷酸铵盐干粉（ABC）", "passes": True}
    assert {choice["passes"] for choice in entry["choices"]} == {True, False}


def test_a_major_item_says_so(grid, grid_worker):
    venue = SiteFactory(grid=grid, category=category("RM01"), storeys=9, has_fire_alarm_system=True)
    majors = [entry["code"] for entry in checklist_for_site(site=venue, user=grid_worker).items if entry["severity"] == "major"]
    assert {"MAJ-01", "MAJ-02"} <= set(majors)


def test_a_revised_item_is_asked_at_its_new_version(site, grid_worker, admin_user):
    from regulations.services import checklist_item_revise

    old = version_of("EXT-01")
    new = checklist_item_revise(item=old.item, acting_user=admin_user, data={"threshold": "3"})
    entry = next(entry for entry in checklist_for_site(site=site, user=grid_worker).items if entry["code"] == "EXT-01")
    assert (entry["version"], entry["threshold"]) == (new.pk, "3")


def test_a_reinspection_lists_the_hazards_awaiting_it(site, grid_worker, awaiting):
    checklist = checklist_for_site(site=site, user=grid_worker, kind="reinspection")
    hazards = [entry["hazard"] for entry in checklist.items]
    assert [hazard["id"] for hazard in hazards] == [awaiting["notified"].pk, awaiting["rectified"].pk]
    assert [hazard["status"] for hazard in hazards] == ["notified", "rectified"]
    rectified = checklist.items[1]
    assert rectified["version"] is None and rectified["rule_kind"] == "yes_no" and rectified["pass_answer"] is True
    assert rectified["citation"] == "GB 50140-2005 §6.1.1" == rectified["hazard"]["citation"]
    assert rectified["hazard"]["level"] == "general" and rectified["hazard"]["deadline"]


def test_the_checklist_costs_three_queries_whatever_the_library_holds(site, grid_worker):
    with CaptureQueriesContext(connection) as context:
        checklist = checklist_for_site(site=site, user=grid_worker)
        checklist.as_dict()
    assert len(checklist.items) > 20
    assert len(context.captured_queries) <= 3


def test_an_operator_may_not_inspect_and_an_outsider_sees_no_site(site, operator, outsider, stranger):
    with pytest.raises(PermissionDeniedError):
        checklist_for_site(site=site, user=operator)
    for user in (outsider, stranger):
        with pytest.raises(NotFoundError):
            checklist_for_site(site=site, user=user)


# --- Through the API ------------------------------------------------------------------------------------

OUTCOMES = {
    "grid_worker": 200,
    "colleague": 200,
    "staff": 200,
    "admin_user": 200,
    "operator": 403,
    "outsider": 404,
    "stranger": 404,
}


@pytest.mark.parametrize(("persona", "status"), OUTCOMES.items())
def test_the_checklist_api_per_persona(request, api, site, persona, status):
    response = api(request.getfixturevalue(persona)).get("/api/inspections/checklist/", {"site": site.pk})
    assert response.status_code == status, response.content
    body = response.json()
    if status == 200:
        assert body["site"] == {
            "id": site.pk,
            "name": "望江兰庭便利店",
            "address": "郭家桥北街1号",
            "category": "小商店",
            "category_code": "XS01",
            "risk_colour": "",
        }
        assert body["kind"] == "routine" and body["campaign"] is None and body["generated_at"]
        assert "EXT-01" in [entry["code"] for entry in body["items"]]
    else:
        assert set(body) == {"code", "detail", "errors"}


def test_the_checklist_api_refuses_anonymous_visitors(api, site):
    response = api().get("/api/inspections/checklist/", {"site": site.pk})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_checklist_api_names_bad_parameters(api, grid_worker, site):
    client = api(grid_worker)
    response = client.get("/api/inspections/checklist/", {"site": "x", "kind": "weekly"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"site", "kind"}
    response = client.get("/api/inspections/checklist/", {"site": site.pk, "kind": "campaign"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"campaign"}
    response = client.get("/api/inspections/checklist/", {"site": site.pk, "kind": "campaign", "campaign": 999999})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"campaign"}


def test_the_reinspection_checklist_api(api, grid_worker, site, awaiting):
    body = api(grid_worker).get("/api/inspections/checklist/", {"site": site.pk, "kind": "reinspection"}).json()
    assert [entry["hazard"]["id"] for entry in body["items"]] == [awaiting["notified"].pk, awaiting["rectified"].pk]


def test_the_checklist_is_in_the_schema(api, staff):
    schema = api(staff).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/inspections/checklist/" in schema["paths"]
