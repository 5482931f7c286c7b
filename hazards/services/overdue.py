"""Overdue hazards: marked, escalated to the community and then to the street, with notices to
the people who answer for the site (DOMAIN.md: "overdue -> escalated")."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.selectors import people_responsible_for_grid
from accounts.services import notifications_send

from ..models import Hazard, HazardLog
from .risk import reassess_site

REACH = {Hazard.Escalation.COMMUNITY: "community", Hazard.Escalation.STREET: "street"}


def _due_escalation(hazard: Hazard, today: datetime.date) -> int:
    """How far an overdue hazard should be escalated today: the community from the first day
    past its deadline, the street once it is HAZARD_STREET_ESCALATION_DAYS days past it."""
    if hazard.status != Hazard.Status.NOTIFIED or hazard.deadline is None or hazard.deadline >= today:
        return Hazard.Escalation.NONE
    if (today - hazard.deadline).days >= settings.HAZARD_STREET_ESCALATION_DAYS:
        return Hazard.Escalation.STREET
    return Hazard.Escalation.COMMUNITY


def hazards_overdue_sweep(*, now: datetime.datetime | None = None) -> int:
    """Mark and escalate every overdue hazard that is not yet where it should be; return how many moved.

    Safe to run twice, or on two workers at once: each hazard is locked and its
    escalation re-checked, so a step is taken, logged and announced once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    street_cutoff = today - datetime.timedelta(days=settings.HAZARD_STREET_ESCALATION_DAYS)
    behind = Hazard.objects.filter(status=Hazard.Status.NOTIFIED, deadline__lt=today).filter(
        Q(escalation=Hazard.Escalation.NONE) | Q(escalation=Hazard.Escalation.COMMUNITY, deadline__lte=street_cutoff)
    )
    moved = 0
    for pk in list(behind.values_list("pk", flat=True)):
        moved += _escalate(hazard_id=pk, now=now)
    return moved


@transaction.atomic
def _escalate(*, hazard_id: int, now: datetime.datetime) -> int:
    hazard = Hazard.objects.select_for_update(of=("self",)).select_related("site").filter(pk=hazard_id).first()
    if hazard is None:
        return 0
    target = _due_escalation(hazard, timezone.localdate(now))
    if target <= hazard.escalation:
        return 0  # another run got there first, or the hazard moved on meanwhile
    first_time = hazard.overdue_at is None
    if first_time:
        hazard.overdue_at = now
    hazard.escalation = target
    hazard.save(update_fields=["overdue_at", "escalation"])
    with override(settings.LANGUAGE_CODE):
        if first_time:
            HazardLog.objects.create(hazard=hazard, kind=HazardLog.Kind.OVERDUE, at=now, deadline=hazard.deadline)
        reach = hazard.get_escalation_display()
        HazardLog.objects.create(hazard=hazard, kind=HazardLog.Kind.ESCALATED, at=now, comment=reach)
        people = people_responsible_for_grid(grid_id=hazard.site.grid_id, reach=REACH[target])
        notifications_send(
            user_ids=people.values_list("pk", flat=True),
            kind="hazard_overdue",
            title=_("Overdue hazard at %(site)s") % {"site": hazard.site.name},
            body=_("The rectification deadline %(deadline)s has passed: %(what)s. %(reach)s.")
            % {"deadline": hazard.deadline.isoformat(), "what": hazard.description[:100], "reach": reach},
            link=hazard.get_absolute_url(),
        )
        if first_time:
            reassess_site(site=hazard.site, reason=_("Hazard overdue"))
    return 1
