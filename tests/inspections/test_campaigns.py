"""Special campaigns: staff choose items, sites and dates; a campaign inspection runs the campaign's items
that apply to the site, while the campaign runs."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from inspections.models import Campaign
from inspections.selectors import checklist_for_site
from inspections.services import campaign_close, campaign_create, campaign_update, inspection_submit
from riskplatform.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from tests.inspections.conftest import answers_for, body, in_days, version_of


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def data(sites, codes=("EXT-01", "EXT-05", "KIT-01"), **overrides) -> dict:
    return {
        "name": "燃气安全专项检查",
        "description": "",
        "starts_on": timezone.localdate(),
        "ends_on": in_days(14),
        "items": [version_of(code).item for code in codes],
        "sites": list(sites),
        **overrides,
    }


@pytest.fixture
def campaign(staff, site, restaurant):
    return campaign_create(acting_user=staff, data=data([site, restaurant]))


def test_a_campaign_checklist_holds_the_campaigns_items_that_apply_to_the_site(campaign, site, restaurant, grid_worker):
    shop = checklist_for_site(site=site, user=grid_worker, kind="campaign", campaign=campaign)
    kitchen = checklist_for_site(site=restaurant, user=grid_worker, kind="campaign", campaign=campaign)
    assert [entry["code"] for entry in shop.items] == ["EXT-01", "EXT-05"]
    assert [entry["code"] for entry in kitchen.items] == ["EXT-01", "EXT-05", "KIT-01"]
    assert shop.as_dict()["campaign"]["id"] == campaign.pk


def test_a_campaign_is_asked_only_at_its_sites_and_while_it_runs(campaign, neighbour_site, site, grid_worker, staff):
    with pytest.raises(ApplicationError) as refused:
        checklist_for_site(site=neighbour_site, user=staff, kind="campaign", campaign=campaign)
    assert "campaign" in refused.value.field_errors
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20)), pytest.raises(ApplicationError):
        checklist_for_site(site=site, user=grid_worker, kind="campaign", campaign=campaign)
    campaign_close(campaign=campaign, acting_user=staff)
    campaign.refresh_from_db()
    with pytest.raises(ApplicationError):
        checklist_for_site(site=site, user=grid_worker, kind="campaign", campaign=campaign)


def test_a_campaign_inspection_answers_the_campaigns_items(campaign, restaurant, grid_worker):
    versions = checklist_for_site(site=restaurant, user=grid_worker, kind="campaign", campaign=campaign).versions
    inspection = inspection_submit(
        acting_user=grid_worker,
        data=body(restaurant, answers_for(versions, failing={"KIT-01"}), kind="campaign", campaign=campaign.pk),
    )
    assert inspection.campaign == campaign and inspection.kind == "campaign"
    assert (inspection.passed_count, inspection.failed_count, inspection.hazards_raised_count) == (2, 1, 1)


def test_a_campaign_inspection_refuses_items_outside_the_campaign_and_needs_all_of_its_own(campaign, site, grid_worker):
    routine = checklist_for_site(site=site, user=grid_worker).versions
    items = answers_for([version for version in routine if version.item.code in ("EXT-01", "EXT-02")])
    with pytest.raises(ApplicationError) as refused:
        inspection_submit(acting_user=grid_worker, data=body(site, items, kind="campaign", campaign=campaign.pk))
    assert set(refused.value.field_errors) == {"items.1.version"}
    with pytest.raises(ApplicationError) as refused:
        inspection_submit(acting_user=grid_worker, data=body(site, items[:1], kind="campaign", campaign=campaign.pk))
    assert set(refused.value.field_errors) == {"items"} and "EXT-05" in refused.value.field_errors["items"][0]


def test_an_inspection_made_offline_before_the_campaign_closed_is_still_taken(campaign, site, grid_worker, staff):
    versions = checklist_for_site(site=site, user=grid_worker, kind="campaign", campaign=campaign).versions
    made = body(site, answers_for(versions), kind="campaign", campaign=campaign.pk)
    campaign_close(campaign=campaign, acting_user=staff)
    assert inspection_submit(acting_user=grid_worker, data=made).campaign == campaign


def test_campaign_rules(staff, site, far_site, stranger, grid_worker):
    with pytest.raises(PermissionDeniedError):
        campaign_create(acting_user=grid_worker, data=data([site]))
    with pytest.raises(ApplicationError) as refused:
        campaign_create(
            acting_user=staff, data=data([], codes=(), name=" ", ends_on=timezone.localdate() - datetime.timedelta(days=1))
        )
    assert set(refused.value.field_errors) == {"name", "ends_on", "items", "sites"}
    with pytest.raises(ApplicationError) as refused:
        campaign_create(acting_user=stranger, data=data([site]))
    assert set(refused.value.field_errors) == {"sites"}
    assert not Campaign.objects.exists()


def test_a_closed_campaign_is_not_changed(campaign, staff, site):
    campaign_close(campaign=campaign, acting_user=staff)
    with pytest.raises(ConflictError):
        campaign_update(campaign=campaign, acting_user=staff, data=data([site]))
    with pytest.raises(ConflictError):
        campaign_close(campaign=campaign, acting_user=staff)


def test_a_campaign_in_my_tasks_until_the_site_is_inspected_for_it(campaign, site, restaurant, grid_worker):
    from inspections.schedules import inspection_task_list

    def campaign_sites():
        return {task.site.name for task in inspection_task_list(user=grid_worker) if task.kind == "campaign"}

    assert campaign_sites() == {site.name, restaurant.name}
    versions = checklist_for_site(site=site, user=grid_worker, kind="campaign", campaign=campaign).versions
    inspection_submit(acting_user=grid_worker, data=body(site, answers_for(versions), kind="campaign", campaign=campaign.pk))
    assert campaign_sites() == {restaurant.name}
