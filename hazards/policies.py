"""Who may take which step of a hazard's loop: one table, read by the services (which refuse)
and by the pages and the API (which offer only the steps a user may take)."""

from django.utils.translation import gettext as _

from accounts.models import User
from riskplatform.exceptions import PermissionDeniedError

from .models import Hazard

# Step -> roles that may take it. Grid workers find hazards, record the site's rectification
# and review it on site (复查); the street office issues notices and handles major hazards.
FIELD_AND_OFFICE = frozenset({User.Role.GRID_WORKER, User.Role.STREET_STAFF, User.Role.ADMIN})
OFFICE = frozenset({User.Role.STREET_STAFF, User.Role.ADMIN})

ROLES = {
    "raise": FIELD_AND_OFFICE,
    "notify": OFFICE,
    "rectify": FIELD_AND_OFFICE,
    "review": FIELD_AND_OFFICE,
    "close_on_spot": FIELD_AND_OFFICE,
    # Finding a hazard not fixed on re-inspection (an inspection's answer), whatever its level.
    "reinspect": FIELD_AND_OFFICE,
    "plan": OFFICE,
    "supervise": OFFICE,
    "close_out": OFFICE,
}
# The statuses a step starts from.
FROM = {
    "notify": {Hazard.Status.FOUND},
    "rectify": {Hazard.Status.NOTIFIED},
    "review": {Hazard.Status.RECTIFIED},
    "close_on_spot": {Hazard.Status.FOUND},
    "reinspect": {Hazard.Status.NOTIFIED, Hazard.Status.RECTIFIED},
    "plan": set(Hazard.OPEN_STATUSES),
    "supervise": set(Hazard.OPEN_STATUSES),
    "close_out": {Hazard.Status.REVIEWED},
}
MAJOR_ONLY = {"plan", "supervise", "close_out"}
GENERAL_ONLY = {"close_on_spot"}


def role_of(user: User) -> str:
    return User.Role.ADMIN if user.is_admin else user.role


def role_may(*, user: User, step: str, hazard: Hazard | None = None) -> bool:
    """Whether the user's role may take ``step`` (a major hazard is reviewed by the office only)."""
    if not (user.is_authenticated and user.is_active):
        return False
    roles = ROLES[step]
    if step == "review" and hazard is not None and hazard.level == Hazard.Level.MAJOR:
        roles = OFFICE
    return role_of(user) in roles


def ensure_role(*, user: User, step: str, hazard: Hazard | None = None) -> None:
    """Refuse a user whose role may not take ``step`` (of this hazard). The services call it, and the
    pages and the API call it before they read the input, so that such a user is told so at once."""
    if role_may(user=user, step=step, hazard=hazard):
        return
    if step == "raise":
        raise PermissionDeniedError(_("Your role may not record hazards."))
    raise PermissionDeniedError(_("Your role may not take this step of the hazard's rectification."))


def state_allows(*, step: str, hazard: Hazard) -> bool:
    """Whether the hazard's status and level allow ``step`` now."""
    if step in MAJOR_ONLY and hazard.level != Hazard.Level.MAJOR:
        return False
    if step in GENERAL_ONLY and hazard.level != Hazard.Level.GENERAL:
        return False
    if step == "supervise" and hazard.supervised_at is not None:
        return False
    return hazard.status in FROM[step]


def steps_for(*, user: User, hazard: Hazard) -> list[str]:
    """The steps the user may take on the hazard now, in the order a page offers them."""
    order = ["notify", "rectify", "review", "close_on_spot", "plan", "supervise", "close_out"]
    return [step for step in order if role_may(user=user, step=step, hazard=hazard) and state_allows(step=step, hazard=hazard)]


def user_may_grade(*, user: User) -> bool:
    """Street office staff (and admins) add, adjust and remove a site's risk factors."""
    return user.is_authenticated and user.is_active and role_of(user) in OFFICE
