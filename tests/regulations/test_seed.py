"""The seeded library (regulations/library.py): enough items for every category, each citing a
real document (and its clause where one was confirmed), well-formed rules and conditions, risk
factors for every category with plausible colours, and a seed that can run again."""

from collections import Counter
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from enterprises.models import Category, Site
from regulations import library, services
from regulations.lec import CONSEQUENCE_VALUES, EXPOSURE_VALUES, LIKELIHOOD_VALUES
from regulations.models import NUMERIC_RULES, ChecklistItem, ChecklistItemVersion, Clause, LegalBasis, RiskFactorTemplate
from regulations.rules import CONDITION_ATTRIBUTES, normalize_conditions
from regulations.selectors import checklist_versions_for_site

pytestmark = pytest.mark.django_db

seed = import_module("regulations.migrations.0002_seed_library")


def test_the_library_is_seeded():
    assert ChecklistItem.objects.count() >= 80
    assert ChecklistItem.objects.count() == len(library.ITEMS)
    assert ChecklistItemVersion.objects.count() == ChecklistItem.objects.count()
    assert all(item.current_version.version == 1 for item in ChecklistItem.objects.select_related("current_version"))
    assert LegalBasis.objects.count() == len(library.BASES)
    assert Clause.objects.count() == len(library.CLAUSES)


def test_every_clause_of_the_seed_has_a_document():
    codes = {basis[0] for basis in library.BASES}
    assert all(code in codes for code, _number, _text in library.CLAUSES)
    assert not Clause.objects.filter(basis__isnull=True).exists()
    for clause in Clause.objects.select_related("basis"):
        assert clause.basis.code and clause.number and clause.text


def test_every_basis_has_a_code_and_a_title():
    for basis in LegalBasis.objects.all():
        assert basis.code.strip() and basis.title.strip()
        assert basis.kind in LegalBasis.Kind.values


def test_every_item_cites_a_document_and_only_a_clause_of_it():
    for version in ChecklistItemVersion.objects.select_related("basis", "clause"):
        assert version.basis_id is not None
        if version.clause_id is not None:
            assert version.clause.basis_id == version.basis_id, version.item_id


def test_items_citing_the_document_alone_are_few_and_known():
    alone = sorted(ChecklistItemVersion.objects.filter(clause__isnull=True).values_list("item__code", flat=True))
    expected = sorted(spec["code"] for spec in library.ITEMS if spec["clause"] is None)
    assert alone == expected
    assert len(alone) < len(library.ITEMS) / 5


def test_every_rule_is_well_formed():
    """Each seeded version passes the services' own checks unchanged."""
    for version in ChecklistItemVersion.objects.select_related("basis", "clause").prefetch_related("categories"):
        values = services.checklist_version_input(
            data={
                "requirement": version.requirement,
                "basis": version.basis,
                "clause": version.clause,
                "rule_kind": version.rule_kind,
                "threshold": version.threshold,
                "unit": version.unit,
                "pass_answer": version.pass_answer,
                "choices": version.choices,
                "severity": version.severity,
                "categories": list(version.categories.all()),
                "conditions": version.conditions,
            }
        )
        assert values["conditions"] == version.conditions, version
        if version.rule_kind in NUMERIC_RULES:
            assert version.threshold is not None and version.unit, version
        if version.severity == "major":
            assert version.basis.code.startswith("GB 35181"), version


def test_every_condition_tests_an_attribute_of_a_site():
    fields = {field.name for field in Site._meta.get_fields()}
    for version in ChecklistItemVersion.objects.all():
        assert normalize_conditions(version.conditions) == version.conditions
        for condition in version.conditions:
            assert condition["attribute"] in CONDITION_ATTRIBUTES
            assert condition["attribute"] in fields or condition["attribute"] == "category_group"


def test_every_category_has_risk_factors_and_checklist_items(grid):
    factors = Counter(RiskFactorTemplate.objects.values_list("category__code", flat=True))
    categories = list(Category.objects.all())
    assert len(categories) == 36
    for category in categories:
        assert factors[category.code] >= 3, category.code
        specific = ChecklistItemVersion.objects.filter(categories=category)
        assert specific.exists(), category.code
        assert checklist_versions_for_site(site=Site(category=category, grid=grid)), category.code


def test_risk_factors_are_on_the_scales_with_plausible_colours():
    colours = Counter()
    for template in RiskFactorTemplate.objects.select_related("category", "basis", "clause"):
        assert template.likelihood in LIKELIHOOD_VALUES
        assert template.exposure in EXPOSURE_VALUES
        assert template.consequence in CONSEQUENCE_VALUES
        assert template.name and template.control_measures
        if template.clause_id:
            assert template.clause.basis_id == template.basis_id
        colours[template.colour] += 1
        if template.colour == "red":
            # Red by default only where the hazard is fire and explosion itself.
            assert template.category.group == Category.Group.HAZARDOUS, template
    assert colours["yellow"] + colours["blue"] > colours["orange"] + colours["red"]
    assert colours["red"] >= 3 and colours["orange"] >= 10 and colours["blue"] >= 5


def test_the_seed_runs_again_without_harm(admin_user):
    item = ChecklistItem.objects.get(code="EXT-01")
    revised = services.checklist_item_revise(item=item, acting_user=admin_user, data={"note": "复核", "unit": "具（只）"})
    counts = (
        LegalBasis.objects.count(),
        Clause.objects.count(),
        ChecklistItem.objects.count(),
        RiskFactorTemplate.objects.count(),
    )
    seed.seed_library(apps, None)
    assert counts == (
        LegalBasis.objects.count(),
        Clause.objects.count(),
        ChecklistItem.objects.count(),
        RiskFactorTemplate.objects.count(),
    )
    item.refresh_from_db()
    assert item.current_version == revised  # the seed never rewrites an administrator's revision


def test_the_seed_mends_a_changed_clause_text():
    clause = Clause.objects.get(basis__code="GB 50140-2005", number="6.1.1")
    Clause.objects.filter(pk=clause.pk).update(text="改坏了")
    seed.seed_library(apps, None)
    clause.refresh_from_db()
    assert clause.text.startswith("一个计算单元内")


def test_superseded_documents_point_to_their_successor():
    assert LegalBasis.objects.get(code="GB 35181-2017").superseded_by.code == "GB 35181-2025"
    assert LegalBasis.objects.get(code="GA 654-2006").superseded_by.code == "GB/T 40248-2021"
    gb35181 = LegalBasis.objects.get(code="GB 35181-2025")
    assert gb35181.in_force_from.isoformat() == "2025-11-01"


def test_the_extinguisher_rule_of_the_seed_story():
    """GB 50140-2005 §6.1.1: "at least two extinguishers" (the grid worker's check in the seed article)."""
    version = ChecklistItem.objects.get(code="EXT-01").current_version
    assert (version.rule_kind, version.threshold, version.citation) == ("count_min", Decimal("2"), "GB 50140-2005 §6.1.1")
