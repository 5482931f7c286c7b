"""Writes to the library: only administrators, every input checked once in the services, each
change recorded."""

import pytest

from regulations import services
from regulations.models import ChecklistItem, Clause, LegalBasis, LibraryChange, RiskFactorTemplate
from riskplatform.exceptions import ApplicationError, PermissionDeniedError
from tests.factories import category

from .conftest import item_data

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["grid_worker", "staff", "operator"]


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_only_administrators_change_the_library(request, persona, extinguisher_standard, two_per_unit, fire_law):
    user = request.getfixturevalue(persona)
    item = ChecklistItem.objects.get(code="EXT-01")
    template = RiskFactorTemplate.objects.get(code="RF-XS02-01")
    attempts = [
        lambda: services.checklist_item_create(acting_user=user, data={"code": "X-1", **item_data(extinguisher_standard)}),
        lambda: services.checklist_item_revise(item=item, acting_user=user, data={"threshold": "3"}),
        lambda: services.checklist_item_retire(item=item, acting_user=user),
        lambda: services.legal_basis_create(acting_user=user, data={"kind": "law", "code": "X", "title": "X"}),
        lambda: services.legal_basis_update(basis=fire_law, acting_user=user, data={"edition": "2030"}),
        lambda: services.clause_create(basis=fire_law, acting_user=user, data={"number": "第一条", "text": "x"}),
        lambda: services.clause_update(clause=two_per_unit, acting_user=user, data={"text": "x"}),
        lambda: services.risk_factor_template_update(template=template, acting_user=user, data={"likelihood": "1"}),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert item.versions.count() == 1
    assert not LibraryChange.objects.exists()


def refused(function, **kwargs) -> dict:
    with pytest.raises(ApplicationError) as error:
        function(**kwargs)
    return error.value.field_errors


def test_a_count_rule_needs_a_threshold(admin_user, extinguisher_standard):
    errors = refused(
        services.checklist_item_create,
        acting_user=admin_user,
        data={"code": "T-1", **item_data(extinguisher_standard, threshold=None)},
    )
    assert list(errors) == ["threshold"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"threshold": "2.5"}, "threshold"),  # a count is whole
        ({"threshold": "-1", "rule_kind": "measure_min"}, "threshold"),
        ({"rule_kind": "yes_no"}, "threshold"),  # yes/no has none
        ({"rule_kind": "sometimes"}, "rule_kind"),
        ({"requirement": "  "}, "requirement"),
        ({"basis": None}, "basis"),
        ({"severity": "major"}, "severity"),  # major only citing GB 35181
        ({"rule_kind": "choice", "threshold": None, "choices": [{"value": "A级", "passes": True}]}, "choices"),
        ({"conditions": [{"attribute": "colour_of_door", "op": "eq", "value": "red"}]}, "conditions"),
        ({"conditions": [{"attribute": "storeys", "op": "is_true"}]}, "conditions"),
        ({"conditions": [{"attribute": "storeys", "op": "gte", "value": "many"}]}, "conditions"),
        ({"conditions": [{"attribute": "status", "op": "eq", "value": "burning"}]}, "conditions"),
        ({"categories": [999999]}, "categories"),
    ],
)
def test_bad_input_is_refused_on_its_field(admin_user, extinguisher_standard, overrides, field):
    data = {"code": "T-1", **item_data(extinguisher_standard, **overrides)}
    errors = refused(services.checklist_item_create, acting_user=admin_user, data=data)
    assert field in errors
    assert not ChecklistItem.objects.filter(code="T-1").exists()


def test_a_clause_of_another_document_is_refused(admin_user, extinguisher_standard, fire_law):
    article = Clause.objects.get(basis=fire_law, number="第二十八条")
    errors = refused(
        services.checklist_item_create,
        acting_user=admin_user,
        data={"code": "T-1", **item_data(extinguisher_standard, article)},
    )
    assert "第二十八条" in errors["clause"][0] and "中华人民共和国消防法" in errors["clause"][0]


def test_an_unknown_attribute_in_a_condition_names_the_allowed_ones(admin_user, extinguisher_standard):
    data = {"code": "T-1", **item_data(extinguisher_standard, conditions=[{"attribute": "height", "op": "gt", "value": 24}])}
    errors = refused(services.checklist_item_create, acting_user=admin_user, data=data)
    assert "height" in errors["conditions"][0] and "storeys" in errors["conditions"][0]


def test_major_items_cite_gb_35181(admin_user):
    gb35181 = LegalBasis.objects.get(code="GB 35181-2025")
    item = services.checklist_item_create(
        acting_user=admin_user,
        data={"code": "MAJ-99", **item_data(gb35181, rule_kind="yes_no", threshold=None, severity="major")},
    )
    assert item.current_version.severity == "major"


def test_codes_are_unique_and_in_capitals(admin_user, extinguisher_standard, make_item):
    make_item("TST-01")
    errors = refused(
        services.checklist_item_create, acting_user=admin_user, data={"code": "tst-01", **item_data(extinguisher_standard)}
    )
    assert "code" in errors
    errors = refused(
        services.checklist_item_create, acting_user=admin_user, data={"code": "x", **item_data(extinguisher_standard)}
    )
    assert "code" in errors


def test_conditions_are_stored_in_their_canonical_form(make_item):
    item = make_item(
        conditions=[
            {"attribute": " storeys ", "op": "gte", "value": "10"},
            {"attribute": "uses_lpg", "op": "is_true", "value": "ignored"},
            {"attribute": "status", "op": "in", "value": "suspended, operating"},
            {"attribute": "floor_area", "op": "lt", "value": "300.5"},
        ]
    )
    assert item.current_version.conditions == [
        {"attribute": "storeys", "op": "gte", "value": 10},
        {"attribute": "uses_lpg", "op": "is_true"},
        {"attribute": "status", "op": "in", "value": ["operating", "suspended"]},
        {"attribute": "floor_area", "op": "lt", "value": 300.5},
    ]


def test_legal_basis_and_clauses(admin_user):
    basis = services.legal_basis_create(
        acting_user=admin_user,
        data={"kind": "local_regulation", "code": " 四川省消防条例 ", "title": "四川省消防条例", "edition": "2023年修订"},
    )
    assert basis.code == "四川省消防条例"
    for number in ("第十条", "第九条", "第二十一条"):
        services.clause_create(basis=basis, acting_user=admin_user, data={"number": number, "text": "要求"})
    assert list(basis.clauses.order_by("sort_key").values_list("number", flat=True)) == ["第九条", "第十条", "第二十一条"]
    errors = refused(services.clause_create, basis=basis, acting_user=admin_user, data={"number": "第九条", "text": "再一次"})
    assert "number" in errors
    errors = refused(
        services.legal_basis_create, acting_user=admin_user, data={"kind": "law", "code": "四川省消防条例", "title": "x"}
    )
    assert "code" in errors
    assert LibraryChange.objects.filter(entity="clause", action="created").count() == 3


def test_dotted_clause_numbers_sort_naturally(admin_user, extinguisher_standard):
    for number in ("6.1.10", "§6.1.9"):
        services.clause_create(basis=extinguisher_standard, acting_user=admin_user, data={"number": number, "text": "x"})
    numbers = list(extinguisher_standard.clauses.order_by("sort_key").values_list("number", flat=True))
    assert numbers.index("6.1.9") < numbers.index("6.1.10") < numbers.index("6.2.1")


def test_a_document_is_never_superseded_by_itself(admin_user):
    old = LegalBasis.objects.get(code="GB 35181-2017")
    new = LegalBasis.objects.get(code="GB 35181-2025")
    assert old.superseded_by == new
    errors = refused(services.legal_basis_update, basis=new, acting_user=admin_user, data={"superseded_by": old})
    assert "superseded_by" in errors
    errors = refused(services.legal_basis_update, basis=new, acting_user=admin_user, data={"superseded_by": new})
    assert "superseded_by" in errors


def test_an_unchanged_legal_basis_records_nothing(admin_user, fire_law):
    services.legal_basis_update(basis=fire_law, acting_user=admin_user, data={"edition": "2021年修正"})
    assert not LibraryChange.objects.exists()
    services.legal_basis_update(basis=fire_law, acting_user=admin_user, data={"edition": "2021年修正本"})
    assert LibraryChange.objects.get().changes == {"edition": ["2021年修正", "2021年修正本"]}


def test_risk_factor_templates(admin_user, fire_law):
    article = Clause.objects.get(basis=fire_law, number="第二十一条")
    template = services.risk_factor_template_create(
        acting_user=admin_user,
        data={
            "code": "rf-xs02-09",
            "category": category("XS02"),
            "name": "炭火烧烤明火",
            "likelihood": "3",
            "exposure": "6",
            "consequence": "7",
            "clause": article,
        },
    )
    assert template.code == "RF-XS02-09" and template.basis == fire_law  # the clause names its document
    assert (template.score, template.colour) == (126, "yellow")
    services.risk_factor_template_update(template=template, acting_user=admin_user, data={"likelihood": "6", "consequence": "15"})
    template.refresh_from_db()
    assert template.colour == "red"  # 6 x 6 x 15 = 540
    errors = refused(services.risk_factor_template_update, template=template, acting_user=admin_user, data={"exposure": "4"})
    assert "exposure" in errors
    errors = refused(
        services.risk_factor_template_create,
        acting_user=admin_user,
        data={
            "code": "RF-XS02-10",
            "category": category("XS02"),
            "name": "炭火烧烤明火",
            "likelihood": 1,
            "exposure": 1,
            "consequence": 1,
        },
    )
    assert "name" in errors
