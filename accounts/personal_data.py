"""Who sees a site's personal data in full: the one rule, for pages and the API alike.

Personal data here are the phone numbers of a site's responsible person and safety contact
(``enterprises.Site.responsible_phone`` and ``safety_contact_phone``); the registry keeps no
ID-card numbers (a unified social credit code identifies an organisation, not a person).
"""

from django.db.models import Q, QuerySet

from accounts.models import Grid, User
from accounts.selectors import user_can_edit_registry

# The fields that are masked for those who need no full number.
SITE_PERSONAL_FIELDS = ("responsible_phone", "safety_contact_phone")


def user_may_see_personal_data(*, user: User, site, by_program: bool = False) -> bool:
    """Whether ``user`` sees ``site``'s phone numbers in full; everyone else sees them masked.

    Full numbers go to the people whose work is to phone the site (DOMAIN.md, "Who uses it"):

    1. admins, and the street office staff of the site's street: they maintain the registry,
       the numbers included, and follow hazards up with the responsible person;
    2. the grid workers of the site's grid: they call the site before and during inspections
       and re-inspections;
    3. the operators of a micro fire station covering the site's grid: they phone the site to
       confirm an alarm and inform its responsible person (GB 50440-2007 §3.0.2).

    A program reading the API with a token (``by_program``: a report, a dashboard, a data
    exchange) phones nobody, so it sees the numbers masked, unless its user maintains the
    registry (staff and admins, whose tokens synchronise the registry itself). Anyone else,
    e.g. a user whose scope does not cover the site, sees them masked too.

    The grids a user covers are read once per user object (one query per request).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if by_program and not user_can_edit_registry(user=user):
        return False
    if user.is_admin:
        return True
    return site.grid_id in _covered_grid_ids(user)


def personal_data_site_q(*, user: User, by_program: bool = False) -> Q:
    """The sites whose phone numbers ``user`` sees in full, as a filter on sites: the rule of
    user_may_see_personal_data for a query.

    A search by phone number keeps to these sites. Elsewhere the numbers are masked (138****5678),
    and a search that matched them would give them away: by prefixes, one digit at a time, and even
    by the whole number, since a mask leaves at most 10,000 numbers to try.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if by_program and not user_can_edit_registry(user=user):
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    return Q(grid__in=_covered_grids(user).values("pk"))


def reads_by_program(request) -> bool:
    """Whether ``request`` is a program's, reading the API with a token (user_may_see_personal_data's ``by_program``)."""
    from rest_framework.authentication import TokenAuthentication

    return isinstance(getattr(request, "successful_authenticator", None), TokenAuthentication)


def _covered_grid_ids(user: User) -> frozenset[int]:
    cached = getattr(user, "_personal_data_grid_ids", None)
    if cached is None:
        cached = frozenset(_covered_grids(user).values_list("pk", flat=True))
        user._personal_data_grid_ids = cached
    return cached


def _covered_grids(user: User) -> QuerySet[Grid]:
    if user.role == User.Role.GRID_WORKER:
        return Grid.objects.filter(workers=user.pk)
    if user.role == User.Role.STREET_STAFF and user.street_id:
        return Grid.objects.filter(community__street_id=user.street_id)
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        return Grid.objects.filter(fire_stations=user.station_id)
    return Grid.objects.none()


def mask_phone(phone: str) -> str:
    """A phone number with its middle hidden: 138****8000 for a mobile, 028-****1234 for a landline."""
    if not phone:
        return phone
    if "-" in phone:
        area, number = phone.split("-", 1)
        return f"{area}-{_mask_middle(number, keep_start=0)}"
    return _mask_middle(phone, keep_start=3 if len(phone) == 11 else 0)


def _mask_middle(value: str, *, keep_start: int) -> str:
    keep_end = 4 if len(value) > 4 + keep_start else 0
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * max(hidden, 4) + (value[-keep_end:] if keep_end else "")
