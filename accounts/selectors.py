"""Who may see what: the scope rules of ARCHITECTURE.md, in one place.

Every selector of every app that returns territory-bound rows narrows them with
``grid_scope_q``, so a page and the API answer the same question the same way.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, FireStation, Grid, Notification, Street, User
from riskplatform.exceptions import PermissionDeniedError

NOTHING = Q(pk__in=[])


def grid_scope_q(*, user: User, prefix: str = "") -> Q:
    """A filter on a grid (reached through ``prefix``, e.g. ``"grid__"``) for what ``user`` may see.

    Built from ids and subqueries only, so it costs no query of its own.
    """
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_admin:
        return Q()
    role = user.role
    if role == User.Role.GRID_WORKER:
        return Q(**{f"{prefix}pk__in": Grid.objects.filter(workers=user.pk).values("pk")})
    if role == User.Role.STREET_STAFF and user.street_id:
        return Q(**{f"{prefix}community__street_id": user.street_id})
    if role == User.Role.STATION_OPERATOR and user.station_id:
        return Q(**{f"{prefix}pk__in": Grid.objects.filter(fire_stations=user.station_id).values("pk")})
    return NOTHING


def grid_list(*, user: User) -> QuerySet[Grid]:
    return Grid.objects.filter(grid_scope_q(user=user)).select_related("community").order_by("code")


def community_list(*, user: User) -> QuerySet[Community]:
    return Community.objects.filter(pk__in=grid_list(user=user).values("community_id")).order_by("code")


def street_list(*, user: User) -> QuerySet[Street]:
    return Street.objects.filter(pk__in=community_list(user=user).values("street_id")).order_by("code")


def fire_station_list(*, user: User) -> QuerySet[FireStation]:
    """Stations in the user's scope, with their covered grid ids loaded in one more query.

    An admin sees every station, street staff the stations of their street, an
    operator their own station, a grid worker the stations covering their grids.
    """
    if not user.is_authenticated or not user.is_active:
        scope = NOTHING
    elif user.is_admin:
        scope = Q()
    elif user.role == User.Role.STREET_STAFF and user.street_id:
        scope = Q(street_id=user.street_id)
    elif user.role == User.Role.STATION_OPERATOR and user.station_id:
        scope = Q(pk=user.station_id)
    elif user.role == User.Role.GRID_WORKER:
        # A subquery rather than a join, so a station covering two of the worker's grids is listed once.
        scope = Q(pk__in=FireStation.objects.filter(grids__workers=user.pk).values("pk"))
    else:
        scope = NOTHING
    return (
        FireStation.objects.filter(scope)
        .prefetch_related(Prefetch("grids", queryset=Grid.objects.only("pk").order_by("code")))
        .order_by("name")
    )


def user_list(*, user: User) -> QuerySet[User]:
    """People in the user's scope: an admin sees everyone, street staff the people of their
    street (staff, grid workers of its grids, operators of its stations), others themselves."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_admin:
        return User.objects.all()
    if user.role == User.Role.STREET_STAFF and user.street_id:
        street = user.street_id
        return User.objects.filter(
            Q(street_id=street)
            | Q(pk__in=User.objects.filter(grids__community__street_id=street).values("pk"))
            | Q(station__street_id=street)
        )
    return User.objects.filter(pk=user.pk)


REGISTRY_EDITORS_ONLY = _("Only street office staff may change the registry.")


def user_can_edit_registry(*, user: User) -> bool:
    """Street office staff maintain the registry (DOMAIN.md, "Who uses it"); admins may too."""
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.STREET_STAFF)


def ensure_registry_editor(*, user: User) -> None:
    """Refuse (PermissionDeniedError: a 403 page or API answer) anyone who does not maintain the registry."""
    if not user_can_edit_registry(user=user):
        raise PermissionDeniedError(REGISTRY_EDITORS_ONLY)


def user_scope_label(*, user: User) -> str:
    """The user's scope in words, for the page header."""
    if user.is_admin:
        return str(User.Role.ADMIN.label)
    if user.role == User.Role.GRID_WORKER:
        return "、".join(str(grid) for grid in user.grids.select_related("community"))
    if user.role == User.Role.STREET_STAFF and user.street_id:
        return user.street.name
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        return user.station.name
    return ""


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user.pk, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user=user.pk).order_by("-created_at", "-pk")


def people_responsible_for_grid(*, grid_id: int, reach: str = "grid") -> QuerySet[User]:
    """Who answers for a site of this grid, as far as ``reach`` goes (an escalation widens it):

    "grid": its grid workers; "community": the grid workers of every grid of its community;
    "street": those and the street office staff of its street.
    """
    grid = Grid.objects.filter(pk=grid_id)
    if reach == "grid":
        people = Q(role=User.Role.GRID_WORKER, grids=grid_id)
    else:
        community = grid.values("community_id")
        people = Q(role=User.Role.GRID_WORKER, grids__community_id__in=community)
        if reach == "street":
            people |= Q(role=User.Role.STREET_STAFF, street_id__in=grid.values("community__street_id"))
    return User.objects.filter(people, is_active=True).distinct()
