"""A re-inspection (复查) that finds a hazard not fixed: recorded on its timeline with the evidence, the
street office told, the hazard's status and the site's grade as they were."""

import pytest
from django.utils import translation

from accounts.models import Notification
from hazards import services
from hazards.models import Hazard
from riskplatform.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from tests.hazards.conftest import photo


def test_a_rectified_hazard_found_not_fixed_is_recorded_and_the_office_told(rectified, grid_worker, staff):
    from files.services import photo_store

    picture = photo_store(upload=photo(), acting_user=grid_worker)
    services.hazard_reinspection_not_fixed(hazard=rectified, acting_user=grid_worker, note="灭火器仍只有1具", photos=[picture])
    rectified.refresh_from_db()
    assert rectified.status == Hazard.Status.RECTIFIED
    step = rectified.log.last()
    assert (step.kind, step.actor, step.comment) == ("not_fixed", grid_worker, "灭火器仍只有1具")
    assert list(step.photos.all()) == [picture]
    told = Notification.objects.get(user=staff)
    assert told.kind == "hazard_not_fixed" and told.link == rectified.get_absolute_url()
    assert "刘东" in told.body and rectified.description in told.body
    assert not Notification.objects.filter(user=grid_worker).exists()


def test_a_notified_hazard_found_not_yet_fixed_says_its_deadline(notified, grid_worker, staff):
    services.hazard_reinspection_not_fixed(hazard=notified, acting_user=grid_worker, note="")
    told = Notification.objects.get(user=staff)
    assert notified.deadline.isoformat() in told.body


@pytest.mark.parametrize("state", ["found", "closed"])
def test_only_a_hazard_awaiting_reinspection_can_be_found_not_fixed(hazard_in, grid_worker, state):
    hazard = hazard_in(state)
    with translation.override("en"), pytest.raises(ConflictError):
        services.hazard_reinspection_not_fixed(hazard=hazard, acting_user=grid_worker, note="x")


def test_an_operator_may_not_and_an_outsider_cannot_see_it(notified, operator, outsider):
    with pytest.raises(PermissionDeniedError):
        services.hazard_reinspection_not_fixed(hazard=notified, acting_user=operator, note="x")
    with pytest.raises(NotFoundError):
        services.hazard_reinspection_not_fixed(hazard=notified, acting_user=outsider, note="x")
