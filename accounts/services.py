"""Writes and pushes of the accounts app."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


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
