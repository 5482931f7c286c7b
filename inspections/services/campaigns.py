"""Special campaigns (专项检查): street office staff choose checklist items, sites and dates.

Each service checks the role (street staff and admins) and the scope (every site within the
user's area), locks the campaign it changes, and runs in one transaction.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import grid_scope_q
from enterprises.models import Site
from regulations.models import ChecklistItem
from riskplatform.exceptions import ApplicationError, ConflictError, NotFoundError

from ..models import Campaign
from ..selectors import campaign_list, ensure_campaign_manager

MAX_CAMPAIGN_DAYS = 366


def _ids(values: Iterable) -> list[int]:
    ids = []
    for value in values or []:
        pk = getattr(value, "pk", value)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            ids.append(-1)
    return list(dict.fromkeys(ids))


def _campaign_input(*, data: dict, user: User) -> dict:
    """The campaign's fields, normalised and checked, or ApplicationError by field."""
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").replace("\x00", "").strip()
    if not name:
        errors["name"] = [_("Give the campaign a name.")]
    elif len(name) > 100:
        errors["name"] = [_("At most 100 characters.")]
    description = str(data.get("description") or "").replace("\x00", "").strip()
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, datetime.date):
            errors[field] = [_("Enter a date.")]
    if isinstance(starts_on, datetime.date) and isinstance(ends_on, datetime.date):
        if ends_on < starts_on:
            errors["ends_on"] = [_("A campaign ends on or after the day it starts.")]
        elif (ends_on - starts_on).days > MAX_CAMPAIGN_DAYS:
            errors["ends_on"] = [_("A campaign lasts at most a year.")]
    item_ids = _ids(data.get("items"))
    items = list(ChecklistItem.objects.filter(pk__in=item_ids, is_active=True, current_version__isnull=False))
    if not item_ids:
        errors["items"] = [_("Choose the checklist items the campaign checks.")]
    elif len(items) != len(item_ids):
        errors["items"] = [_("Choose checklist items in use.")]
    site_ids = _ids(data.get("sites"))
    sites = list(Site.objects.filter(grid_scope_q(user=user, prefix="grid__"), pk__in=site_ids).only("pk"))
    if not site_ids:
        errors["sites"] = [_("Choose the sites the campaign covers.")]
    elif len(sites) != len(site_ids):
        errors["sites"] = [_("Some of these sites are not in your area.")]
    if errors:
        raise ApplicationError(_("The campaign was not saved; correct the fields marked."), field_errors=errors)
    return {"name": name, "description": description, "starts_on": starts_on, "ends_on": ends_on, "items": items, "sites": sites}


@transaction.atomic
def campaign_create(*, acting_user: User, data: dict) -> Campaign:
    """A new campaign: ``data`` holds name, description, starts_on, ends_on, items and sites (objects or ids)."""
    ensure_campaign_manager(user=acting_user)
    values = _campaign_input(data=data, user=acting_user)
    campaign = Campaign.objects.create(
        name=values["name"],
        description=values["description"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        created_by=acting_user,
    )
    campaign.items.set(values["items"])
    campaign.sites.set(values["sites"])
    return campaign


def _locked(*, campaign: Campaign, user: User) -> Campaign:
    try:
        return campaign_list(user=user).select_for_update(of=("self",)).get(pk=campaign.pk)
    except Campaign.DoesNotExist:
        raise NotFoundError(_("No such campaign.")) from None


@transaction.atomic
def campaign_update(*, campaign: Campaign, acting_user: User, data: dict) -> Campaign:
    """Change an open campaign's name, dates, items or sites. Inspections already made keep what they answered."""
    ensure_campaign_manager(user=acting_user)
    campaign = _locked(campaign=campaign, user=acting_user)
    if not campaign.is_active:
        raise ConflictError(_("This campaign is closed; it cannot be changed."))
    values = _campaign_input(data=data, user=acting_user)
    # Sites outside the user's area (added by an administrator) stay: the user cannot see them to choose.
    hidden = list(campaign.sites.exclude(grid_scope_q(user=acting_user, prefix="grid__")))
    for field in ("name", "description", "starts_on", "ends_on"):
        setattr(campaign, field, values[field])
    campaign.save(update_fields=["name", "description", "starts_on", "ends_on", "updated_at"])
    campaign.items.set(values["items"])
    campaign.sites.set([*values["sites"], *hidden])
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, acting_user: User) -> Campaign:
    """Close a campaign before (or after) its end: it is no longer offered, and its record stays."""
    ensure_campaign_manager(user=acting_user)
    campaign = _locked(campaign=campaign, user=acting_user)
    if not campaign.is_active:
        raise ConflictError(_("This campaign is already closed."))
    campaign.is_active = False
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["is_active", "closed_at", "updated_at"])
    return campaign
