"""The library's pages: every signed-in user reads them, only administrators get the forms (the
403 page for anyone else), and a revision shows as a new version with the old one kept."""

import pytest
from django.urls import reverse

from regulations.models import ChecklistItem, Clause, LegalBasis, LibraryChange, RiskFactorTemplate
from tests.factories import category

pytestmark = pytest.mark.django_db

READERS = ["grid_worker", "staff", "operator", "admin_user"]
NOT_ADMINS = ["grid_worker", "staff", "operator"]


def read_urls() -> list[str]:
    item = ChecklistItem.objects.get(code="EXT-01")
    basis = LegalBasis.objects.get(code="GB 50140-2005")
    return [
        reverse("regulations:index"),
        reverse("regulations:item-detail", args=[item.pk]),
        reverse("regulations:basis-list"),
        reverse("regulations:basis-detail", args=[basis.pk]),
        reverse("regulations:risk-factor-list"),
    ]


def edit_urls() -> list[str]:
    item = ChecklistItem.objects.get(code="EXT-01")
    basis = LegalBasis.objects.get(code="GB 50140-2005")
    clause = Clause.objects.get(basis=basis, number="6.1.1")
    factor = RiskFactorTemplate.objects.get(code="RF-XS02-01")
    return [
        reverse("regulations:item-create"),
        reverse("regulations:item-revise", args=[item.pk]),
        reverse("regulations:basis-create"),
        reverse("regulations:basis-edit", args=[basis.pk]),
        reverse("regulations:clause-create", args=[basis.pk]),
        reverse("regulations:clause-edit", args=[clause.pk]),
        reverse("regulations:risk-factor-create"),
        reverse("regulations:risk-factor-edit", args=[factor.pk]),
    ]


@pytest.mark.parametrize("persona", READERS)
def test_every_signed_in_user_reads_the_library(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in read_urls():
        response = client.get(url)
        assert response.status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in read_urls() + edit_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_only_administrators_get_the_forms(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in edit_urls():
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Only administrators may change the regulation library." in response.content
        assert client.post(url, {"requirement": "x"}).status_code == 403, url
    item = ChecklistItem.objects.get(code="EXT-01")
    assert client.post(reverse("regulations:item-retire", args=[item.pk])).status_code == 403
    assert ChecklistItem.objects.get(code="EXT-01").is_active
    assert not LibraryChange.objects.exists()


def test_administrators_get_every_form(client_for, admin_user):
    client = client_for(admin_user)
    for url in edit_urls():
        assert client.get(url).status_code == 200, url


def test_the_navigation_leads_to_the_library(client_for, grid_worker):
    html = client_for(grid_worker).get(reverse("enterprises:my-grid")).content.decode()
    assert f'href="{reverse("regulations:index")}"' in html and "Regulations" in html


def test_the_item_list_shows_rule_clause_and_version(client_for, staff):
    html = client_for(staff).get(reverse("regulations:index")).content.decode()
    assert "EXT-01" in html and "≥ 2 具" in html and "GB 50140-2005 §6.1.1" in html and "v1" in html
    assert "New checklist item" not in html  # staff read, admins edit


def test_the_item_list_filters_by_category_severity_and_basis(client_for, staff):
    client = client_for(staff)
    construction = category("GG01")
    html = client.get(reverse("regulations:index"), {"category": construction.pk}).content.decode()
    assert "CON-01" in html and "EXT-01" in html and "GAS-12" not in html
    html = client.get(reverse("regulations:index"), {"severity": "major"}).content.decode()
    assert "MAJ-01" in html and "EXT-01" not in html
    gb50720 = LegalBasis.objects.get(code="GB 50720-2011")
    html = client.get(reverse("regulations:index"), {"basis": gb50720.pk}).content.decode()
    assert "CON-01" in html and "EXT-01" not in html
    partial = client.get(reverse("regulations:index"), {"q": "灭火器箱"}, headers={"HX-Request": "true"}).content.decode()
    assert "EXT-05" in partial and "<html" not in partial


def test_the_item_list_query_count_does_not_grow_with_the_items_shown(client_for, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)

    def count(**query) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("regulations:index"), query).status_code == 200
        return len(queries)

    assert count(severity="major") == count(severity="general")  # 4 items, then a page of 50


def test_admin_creates_an_item_from_the_form(client_for, admin_user):
    client = client_for(admin_user)
    basis = LegalBasis.objects.get(code="GB 50140-2005")
    clause = Clause.objects.get(basis=basis, number="6.1.2")
    response = client.post(
        reverse("regulations:item-create"),
        {
            "code": "ext-99",
            "requirement": "推车式灭火器数量",
            "basis": basis.pk,
            "clause": clause.pk,
            "rule_kind": "count_max",
            "threshold": "5",
            "unit": "具",
            "pass_answer": "yes",
            "severity": "general",
            "categories": [category("RM01").pk, category("RM11").pk],
            "conditions": "floor_area gt 1000\nhas_sprinklers is_false",
            "choices": "",
            "note": "",
        },
    )
    item = ChecklistItem.objects.get(code="EXT-99")
    assert response.status_code == 302 and response["Location"] == reverse("regulations:item-detail", args=[item.pk])
    version = item.current_version
    assert version.conditions == [
        {"attribute": "floor_area", "op": "gt", "value": 1000},
        {"attribute": "has_sprinklers", "op": "is_false"},
    ]
    assert sorted(version.categories.values_list("code", flat=True)) == ["RM01", "RM11"]


def test_a_refused_item_shows_the_errors_beside_the_fields(client_for, admin_user):
    client = client_for(admin_user)
    basis = LegalBasis.objects.get(code="GB 50140-2005")
    other = Clause.objects.get(basis__code="中华人民共和国消防法", number="第二十八条")
    response = client.post(
        reverse("regulations:item-create"),
        {
            "code": "EXT-98",
            "requirement": "x",
            "basis": basis.pk,
            "clause": other.pk,
            "rule_kind": "count_min",
            "threshold": "",
            "pass_answer": "yes",
            "severity": "general",
            "conditions": "height gt 24",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="clause"' in html and "belongs to 中华人民共和国消防法" in html
    assert "A count or measurement rule needs a threshold." in html
    assert "Unknown site attribute height" in html
    assert not ChecklistItem.objects.filter(code="EXT-98").exists()


def test_a_revision_shows_as_version_two_with_version_one_kept(client_for, admin_user, staff):
    item = ChecklistItem.objects.get(code="EXT-01")
    client = client_for(admin_user)
    form = client.get(reverse("regulations:item-revise", args=[item.pk]))
    assert form.status_code == 200
    initial = form.context["form"].initial
    data = {**initial, "threshold": "3", "note": "提高要求", "categories": initial["categories"]}
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(reverse("regulations:item-revise", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version.version == 2
    html = client_for(staff).get(reverse("regulations:item-detail", args=[item.pk])).content.decode()
    assert "Version 2 (current)" in html and "≥ 3 具" in html
    assert 'id="version-1"' in html and "≥ 2 具" in html and "提高要求" in html


def test_an_unchanged_revision_says_so(client_for, admin_user):
    item = ChecklistItem.objects.get(code="EXT-05")
    client = client_for(admin_user)
    initial = client.get(reverse("regulations:item-revise", args=[item.pk])).context["form"].initial
    data = {key: value for key, value in initial.items() if value is not None}
    response = client.post(reverse("regulations:item-revise", args=[item.pk]), data, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert item.versions.count() == 1


def test_admin_retires_and_restores_an_item(client_for, admin_user, staff):
    item = ChecklistItem.objects.get(code="EXT-02")
    client = client_for(admin_user)
    client.post(reverse("regulations:item-retire", args=[item.pk]))
    assert not ChecklistItem.objects.get(pk=item.pk).is_active
    assert ">EXT-02</a>" not in client_for(staff).get(reverse("regulations:index")).content.decode()
    client = client_for(admin_user)
    assert ">EXT-02</a>" in client.get(reverse("regulations:index")).content.decode()  # admins see retired items
    client.post(reverse("regulations:item-restore", args=[item.pk]))
    assert ChecklistItem.objects.get(pk=item.pk).is_active


def test_admin_adds_a_basis_and_a_clause(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("regulations:basis-create"),
        {
            "kind": "local_regulation",
            "code": "四川省消防条例",
            "title": "四川省消防条例",
            "edition": "2023年修订",
            "in_force_from": "",
        },
    )
    basis = LegalBasis.objects.get(code="四川省消防条例")
    assert response.status_code == 302
    client.post(reverse("regulations:clause-create", args=[basis.pk]), {"number": "第三十条", "text": "要求"})
    html = client.get(reverse("regulations:basis-detail", args=[basis.pk])).content.decode()
    assert "第三十条" in html and "要求" in html
    duplicate = client.post(reverse("regulations:basis-create"), {"kind": "law", "code": "四川省消防条例", "title": "x"})
    assert duplicate.status_code == 200 and "Another legal basis already has this code." in duplicate.content.decode()


def test_clause_options_follow_the_document(client_for, admin_user):
    basis = LegalBasis.objects.get(code="GB 50720-2011")
    html = client_for(admin_user).get(reverse("regulations:clause-options"), {"basis": basis.pk}).content.decode()
    assert "3.2.1" in html and "6.1.1" not in html


def test_legal_bases_are_listed_by_kind_with_superseded_ones_marked(client_for, grid_worker):
    html = client_for(grid_worker).get(reverse("regulations:basis-list")).content.decode()
    assert "National standard" in html and "GB 50140-2005" in html
    assert "Superseded by GB 35181-2025" in html


def test_risk_factors_by_category_with_their_colour(client_for, staff):
    restaurant = category("XS02")
    html = client_for(staff).get(reverse("regulations:risk-factor-list"), {"category": restaurant.pk}).content.decode()
    assert "瓶装液化气泄漏" in html and "L 3 × E 6 × C 15 = 270" in html and "badge-risk-orange" in html
    assert "电动自行车楼道停放充电" not in html


def test_admin_edits_a_risk_factor(client_for, admin_user):
    factor = RiskFactorTemplate.objects.get(code="RF-XS02-01")
    client = client_for(admin_user)
    initial = client.get(reverse("regulations:risk-factor-edit", args=[factor.pk])).context["form"].initial
    data = {key: value for key, value in initial.items() if value is not None}
    data.update({"likelihood": "6", "is_active": "on"})
    response = client.post(reverse("regulations:risk-factor-edit", args=[factor.pk]), data)
    assert response.status_code == 302
    factor.refresh_from_db()
    assert (factor.likelihood, factor.colour) == (6, "red")
