"""The library in Django admin: read-mostly, writes through the services, nothing deleted."""

import pytest
from django.urls import reverse

from regulations.models import ChecklistItem, LegalBasis, LibraryChange

pytestmark = pytest.mark.django_db


def test_admin_lists_every_model_of_the_library(client, admin_user):
    client.force_login(admin_user)
    for model in ("legalbasis", "clause", "checklistitem", "checklistitemversion", "riskfactortemplate", "librarychange"):
        assert client.get(reverse(f"admin:regulations_{model}_changelist")).status_code == 200, model
    item = ChecklistItem.objects.get(code="EXT-01")
    page = client.get(reverse("admin:regulations_checklistitem_change", args=[item.pk]))
    assert page.status_code == 200 and "计算单元内配置的灭火器数量" in page.content.decode()


def test_a_basis_saved_in_admin_goes_through_the_service(client, admin_user):
    client.force_login(admin_user)
    basis = LegalBasis.objects.get(code="GB 55009-2021")
    response = client.post(
        reverse("admin:regulations_legalbasis_change", args=[basis.pk]),
        {
            "kind": "national_standard",
            "code": "GB 55009-2021",
            "title": "燃气工程项目规范",
            "edition": "",
            "in_force_from": "2022-01-01",
            "superseded_by": "",
            "issuer": "住房和城乡建设部",
            "clauses-TOTAL_FORMS": "0",
            "clauses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LibraryChange.objects.get().changes == {"in_force_from": ["", "2022-01-01"]}


def test_nothing_is_deleted_and_versions_are_not_edited_in_admin(client, admin_user):
    client.force_login(admin_user)
    item = ChecklistItem.objects.get(code="EXT-01")
    assert client.get(reverse("admin:regulations_checklistitem_delete", args=[item.pk])).status_code == 403
    version = item.current_version
    page = client.get(reverse("admin:regulations_checklistitemversion_change", args=[version.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
