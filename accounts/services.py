"""Writes and pushes of the accounts app."""

from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, User


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
