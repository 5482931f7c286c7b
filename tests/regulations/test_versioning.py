"""A checklist item is never rewritten: a revision is version n+1 and version n stays as it was;
a save that changes nothing makes no version; retired items leave new checklists."""

import pytest

from regulations import services
from regulations.models import ChecklistItemVersion, LibraryChange
from regulations.selectors import checklist_versions_for_site

pytestmark = pytest.mark.django_db


def test_a_revision_makes_the_next_version_and_keeps_the_last(make_item, admin_user):
    item = make_item()
    first = item.current_version
    second = services.checklist_item_revise(item=item, acting_user=admin_user, data={"threshold": "3", "note": "按新规"})
    item.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert item.current_version == second
    first = ChecklistItemVersion.objects.get(pk=first.pk)
    assert first.threshold == 2 and second.threshold == 3
    assert second.requirement == first.requirement and second.basis == first.basis and second.clause == first.clause
    assert second.created_by == admin_user and second.note == "按新规"
    change = LibraryChange.objects.filter(action=LibraryChange.Action.REVISED).get()
    assert change.changes["threshold"] == ["2", "3"] and change.changes["version"] == [1, 2]


def test_an_unchanged_save_makes_no_version(make_item, admin_user, restaurant):
    item = make_item(categories=[restaurant.category], conditions=[{"attribute": "uses_lpg", "op": "is_true"}])
    same = services.checklist_item_revise(
        item=item,
        acting_user=admin_user,
        data={"threshold": "2.000", "unit": " 具 ", "categories": [restaurant.category_id], "note": "只改说明"},
    )
    assert same == item.current_version
    assert item.versions.count() == 1
    assert not LibraryChange.objects.filter(action=LibraryChange.Action.REVISED).exists()


def test_categories_and_conditions_are_versioned_too(make_item, admin_user, restaurant):
    item = make_item()
    revised = services.checklist_item_revise(
        item=item, acting_user=admin_user, data={"conditions": [{"attribute": "uses_lpg", "op": "is_true"}]}
    )
    assert revised.version == 2
    assert item.versions.get(version=1).conditions == []
    assert revised.conditions == [{"attribute": "uses_lpg", "op": "is_true"}]


def test_a_version_can_be_neither_changed_nor_deleted(make_item):
    version = make_item().current_version
    version.requirement = "改写"
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()


def test_checklists_use_the_current_version_and_keep_what_they_were_given(make_item, admin_user, restaurant):
    item = make_item(categories=[restaurant.category])
    given = [v for v in checklist_versions_for_site(site=restaurant) if v.item_id == item.pk]
    assert [v.version for v in given] == [1]
    services.checklist_item_revise(item=item, acting_user=admin_user, data={"threshold": "3"})
    assert [v.version for v in checklist_versions_for_site(site=restaurant) if v.item_id == item.pk] == [2]
    # What an inspection stored still reads as it was.
    assert ChecklistItemVersion.objects.get(pk=given[0].pk).threshold == 2


def test_a_retired_item_leaves_new_checklists_and_comes_back_when_restored(make_item, admin_user, restaurant):
    item = make_item(categories=[restaurant.category])
    services.checklist_item_retire(item=item, acting_user=admin_user)
    assert item.pk not in {v.item_id for v in checklist_versions_for_site(site=restaurant)}
    services.checklist_item_restore(item=item, acting_user=admin_user)
    assert item.pk in {v.item_id for v in checklist_versions_for_site(site=restaurant)}
    actions = list(LibraryChange.objects.filter(object_id=item.pk, entity="checklist_item").values_list("action", flat=True))
    assert sorted(actions) == ["created", "restored", "retired"]


def test_retiring_twice_is_a_conflict(make_item, admin_user):
    from riskplatform.exceptions import ConflictError

    item = make_item()
    services.checklist_item_retire(item=item, acting_user=admin_user)
    with pytest.raises(ConflictError):
        services.checklist_item_retire(item=item, acting_user=admin_user)
    services.checklist_item_restore(item=item, acting_user=admin_user)
    with pytest.raises(ConflictError):
        services.checklist_item_restore(item=item, acting_user=admin_user)
