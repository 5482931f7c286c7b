"""Writes and pushes of the accounts app."""

from collections.abc import Iterable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.boundaries import BoundaryFeature, BoundaryFileError, boundary_file_read, problem, problems_summary
from accounts.models import Community, Grid, Notification, Street, User
from riskplatform.exceptions import ApplicationError, PermissionDeniedError

# The levels of the territory, from the top, by the name pages and files use.
TERRITORY_LEVELS = {"street": Street, "community": Community, "grid": Grid}


def user_group_name(*, user_id: int) -> str:
    """The channel-layer group of one user's open pages (accounts.consumers.NotificationConsumer)."""
    return f"user-{user_id}"


def user_notify(*, user_id: int, event: dict) -> None:
    """Push ``event`` (JSON-serialisable) to every page the user has open, as it is.

    A user with no page open misses it: the push is a hint to look, never the record
    of what happened. Call it after the transaction that made the news has committed
    (``transaction.on_commit``), so that the page that reacts finds the new rows.
    """
    async_to_sync(get_channel_layer().group_send)(user_group_name(user_id=user_id), {"type": "user.notify", "event": event})


def notifications_send(*, user_ids: Iterable[int], kind: str, title: str, body: str = "", link: str = "") -> list[Notification]:
    """Record a notification for each user (active ones only) and, once committed, push it to their open pages.

    Callers pass the text in the language of the street office (the notification is a
    record, read later); the push carries only what the page needs to fetch it.
    """
    users = list(User.objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", flat=True))
    notifications = Notification.objects.bulk_create(
        [Notification(user_id=user_id, kind=kind, title=title[:200], body=body, link=link) for user_id in users]
    )

    def push() -> None:
        for notification in notifications:
            user_notify(
                user_id=notification.user_id,
                event={"type": "notification", "id": notification.pk, "kind": kind, "title": notification.title, "link": link},
            )

    # A push that fails (Redis away) is logged, never undoes or fails what was recorded.
    transaction.on_commit(push, robust=True)
    return notifications


def notification_mark_read(*, notification: Notification, acting_user: User) -> None:
    """Mark one of the user's own notifications read (someone else's is not theirs to touch)."""
    Notification.objects.filter(pk=notification.pk, user=acting_user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, acting_user: User) -> int:
    return Notification.objects.filter(user=acting_user, read_at__isnull=True).update(read_at=timezone.now())


# --- Territory boundaries -------------------------------------------------------------------------


@dataclass
class BoundaryImportResult:
    """What an import changed: the territories given a new outline, and those of the level (in the
    importer's scope) still without one."""

    level: str
    updated: list[str]
    missing: list[str]


def user_may_import_boundaries(*, user: User | None) -> bool:
    """Admins draw any territory; street office staff their own street, its communities and grids."""
    if user is None:
        return True  # the system: manage.py boundaries_import, the demo
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_admin or (user.role == User.Role.STREET_STAFF and bool(user.street_id)))
    )


def boundary_territories(*, user: User | None, level: str) -> QuerySet:
    """The territories of ``level`` whose boundary ``user`` may set (None: the system, every one)."""
    model = TERRITORY_LEVELS[level]
    queryset = model.objects.all()
    if level == "grid":
        queryset = queryset.select_related("community")
    if user is None or user.is_admin:
        return queryset
    if not user_may_import_boundaries(user=user):
        return queryset.none()
    street = {"street": "pk", "community": "street_id", "grid": "community__street_id"}[level]
    return queryset.filter(**{street: user.street_id})


def _territory_label(territory) -> str:
    return str(territory)


def _match(features: list[BoundaryFeature], *, territories: list, level: str, match: str) -> tuple[dict, list[tuple[int, str]]]:
    """{territory: feature} for the features that name one territory of the scope; the problems of the others,
    as (feature number, message)."""
    label = str(TERRITORY_LEVELS[level]._meta.verbose_name)
    by_key: dict[str, list] = {}
    for territory in territories:
        keys = {territory.code} if match == "code" else {territory.name, str(territory)}
        for key in keys:
            by_key.setdefault(key, []).append(territory)
    matched: dict = {}
    first_feature: dict = {}
    problems = []
    for feature in features:
        found = by_key.get(feature.key, [])
        if not found:
            if match == "code":
                text = _("there is no %(level)s with the code %(key)s in your scope.")
            else:
                text = _("there is no %(level)s named %(key)s in your scope.")
            problems.append((feature.number, problem(feature.where, text % {"level": label, "key": feature.key})))
            continue
        if len(found) > 1:
            text = _("%(count)d %(levels)s are named %(key)s in your scope (%(names)s); match them by code instead.") % {
                "count": len(found),
                "levels": TERRITORY_LEVELS[level]._meta.verbose_name_plural,
                "key": feature.key,
                "names": "、".join(_territory_label(territory) for territory in found),
            }
            problems.append((feature.number, problem(feature.where, text)))
            continue
        territory = found[0]
        if territory.pk in first_feature:
            text = _("feature %(number)d already outlines %(territory)s.") % {
                "number": first_feature[territory.pk],
                "territory": _territory_label(territory),
            }
            problems.append((feature.number, problem(feature.where, text)))
            continue
        first_feature[territory.pk] = feature.number
        matched[territory] = feature
    return matched, problems


@transaction.atomic
def territory_boundaries_import(
    *, acting_user: User | None, level: str, data: bytes, match: str = "code", property_name: str = ""
) -> BoundaryImportResult:
    """Set the boundaries of the territories of ``level`` ("street", "community", "grid") from a GeoJSON file.

    Each feature of the FeatureCollection outlines one territory of the importer's scope, found by
    its ``property_name`` property (by default "code" or "name", as ``match`` says) equal to the
    territory's code, or its name (a grid's name alone where it is the only one of that name,
    else "community grid"). Nothing is saved unless every feature is right; every problem is said
    at once (ApplicationError, its messages on the form's file field). ``acting_user`` None is
    the system (the management command and the demo), which may set any territory's boundary.
    """
    if not user_may_import_boundaries(user=acting_user):
        raise PermissionDeniedError(_("Only administrators and street office staff may import territory boundaries."))
    if level not in TERRITORY_LEVELS:
        raise ApplicationError(_("Choose a street, community or grid level."), field_errors={"level": [_("Choose a level.")]})
    if match not in ("code", "name"):
        raise ApplicationError(_("Match by code or by name."), field_errors={"match": [_("Match by code or by name.")]})
    property_name = (property_name or match).strip()
    try:
        features, problems = boundary_file_read(data=data, property_name=property_name)
    except BoundaryFileError as error:
        raise _file_error(error.problems) from None
    territories = list(boundary_territories(user=acting_user, level=level))
    matched, unmatched = _match(features, territories=territories, level=level, match=match)
    if problems or unmatched:
        raise _file_error([text for _number, text in sorted([*problems, *unmatched], key=lambda item: item[0])])
    now = timezone.now()
    for territory, feature in sorted(matched.items(), key=lambda item: item[1].number):
        territory.boundary = feature.geometry
        territory.boundary_updated_at = now
        # One save each, so that the audit log records who outlined which territory.
        territory.save(update_fields=["boundary", "boundary_updated_at"])
    return BoundaryImportResult(
        level=level,
        updated=[_territory_label(territory) for territory in matched],
        missing=[_territory_label(territory) for territory in territories if territory not in matched and not territory.boundary],
    )


def _file_error(problems: list[str]) -> ApplicationError:
    lines = problems_summary(problems)
    return ApplicationError(lines[0], field_errors={"file": lines}, code="invalid_boundaries")
