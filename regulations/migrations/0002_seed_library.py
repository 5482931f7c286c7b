"""The seeded regulation library (regulations/library.py): legal bases, clauses, checklist
items with their first version, and risk factors for every category.

Safe to run again: documents are matched by code, clauses by (document, number), items
and risk factors by code. Documents and clauses take the seed's text; an item that
exists keeps its versions (administrators revise items through the pages); a risk factor
that exists is left as the administrators last saved it. tests/reference_data.py calls
``seed_library`` with the current app registry after a transactional test emptied the
tables, so models are reached through ``apps`` only.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

from regulations import library
from regulations.numbering import clause_sort_key


def _bases(apps):
    LegalBasis = apps.get_model("regulations", "LegalBasis")
    existing = {basis.code: basis for basis in LegalBasis.objects.all()}
    new, changed = [], []
    for code, kind, title, edition, in_force_from, issuer, _successor in library.BASES:
        values = {
            "kind": kind,
            "title": title,
            "edition": edition,
            "in_force_from": date.fromisoformat(in_force_from) if in_force_from else None,
            "issuer": issuer,
        }
        basis = existing.get(code)
        if basis is None:
            new.append(LegalBasis(code=code, **values))
        elif any(getattr(basis, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(basis, field, value)
            changed.append(basis)
    LegalBasis.objects.bulk_create(new)
    LegalBasis.objects.bulk_update(changed, ["kind", "title", "edition", "in_force_from", "issuer"])
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    superseded = []
    for code, *_rest, successor in library.BASES:
        successor_id = bases[successor].pk if successor else None
        if bases[code].superseded_by_id != successor_id:
            bases[code].superseded_by_id = successor_id
            superseded.append(bases[code])
    LegalBasis.objects.bulk_update(superseded, ["superseded_by"])
    return bases


def _clauses(apps, bases):
    Clause = apps.get_model("regulations", "Clause")
    existing = {(clause.basis_id, clause.number): clause for clause in Clause.objects.all()}
    new, changed = [], []
    for code, number, text in library.CLAUSES:
        basis = bases[code]
        clause = existing.get((basis.pk, number))
        if clause is None:
            new.append(Clause(basis=basis, number=number, text=text, sort_key=clause_sort_key(number)))
        elif clause.text != text or clause.sort_key != clause_sort_key(number):
            clause.text, clause.sort_key = text, clause_sort_key(number)
            changed.append(clause)
    Clause.objects.bulk_create(new)
    Clause.objects.bulk_update(changed, ["text", "sort_key"])
    return {(clause.basis_id, clause.number): clause for clause in Clause.objects.all()}


def _items(apps, bases, clauses, categories):
    ChecklistItem = apps.get_model("regulations", "ChecklistItem")
    Version = apps.get_model("regulations", "ChecklistItemVersion")
    existing = set(ChecklistItem.objects.values_list("code", flat=True))
    specs = [spec for spec in library.ITEMS if spec["code"] not in existing]
    if not specs:
        return
    items = ChecklistItem.objects.bulk_create([ChecklistItem(code=spec["code"]) for spec in specs])
    versions = []
    for item, spec in zip(items, specs, strict=True):
        basis = bases[spec["basis"]]
        clause = clauses[(basis.pk, spec["clause"])] if spec["clause"] else None
        versions.append(
            Version(
                item=item,
                version=1,
                requirement=spec["requirement"],
                basis=basis,
                clause=clause,
                rule_kind=spec["rule_kind"],
                threshold=Decimal(spec["threshold"]) if spec["threshold"] is not None else None,
                unit=spec["unit"],
                pass_answer=spec["pass_answer"],
                choices=spec["choices"],
                severity=spec["severity"],
                conditions=spec["conditions"],
                note="初始版本",
            )
        )
    versions = Version.objects.bulk_create(versions)
    Through = Version.categories.through
    Through.objects.bulk_create(
        [
            Through(checklistitemversion_id=version.pk, category_id=categories[code].pk)
            for version, spec in zip(versions, specs, strict=True)
            for code in spec["categories"]
        ]
    )
    for item, version in zip(items, versions, strict=True):
        item.current_version_id = version.pk
    ChecklistItem.objects.bulk_update(items, ["current_version"])


def _risk_factors(apps, bases, clauses, categories):
    RiskFactorTemplate = apps.get_model("regulations", "RiskFactorTemplate")
    existing = set(RiskFactorTemplate.objects.values_list("code", flat=True))
    new = []
    positions: dict[str, int] = {}
    for code, category, name, likelihood, exposure, consequence, description, measures, basis, clause in library.RISK_FACTORS:
        positions[category] = positions.get(category, 0) + 1
        if code in existing:
            continue
        basis_row = bases[basis] if basis else None
        new.append(
            RiskFactorTemplate(
                code=code,
                category=categories[category],
                name=name,
                description=description,
                likelihood=Decimal(likelihood),
                exposure=Decimal(exposure),
                consequence=Decimal(consequence),
                control_measures=measures,
                basis=basis_row,
                clause=clauses[(basis_row.pk, clause)] if clause else None,
                position=positions[category],
            )
        )
    RiskFactorTemplate.objects.bulk_create(new)


def seed_library(apps, schema_editor):
    Category = apps.get_model("enterprises", "Category")
    categories = {category.code: category for category in Category.objects.all()}
    bases = _bases(apps)
    clauses = _clauses(apps, bases)
    _items(apps, bases, clauses, categories)
    _risk_factors(apps, bases, clauses, categories)


class Migration(migrations.Migration):
    dependencies = [
        ("regulations", "0001_initial"),
        ("enterprises", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(seed_library, migrations.RunPython.noop)]
