"""A signed-in user's own live channel (``ws/notifications/``).

Whatever the platform pushes to one user with ``accounts.services.user_notify``
reaches each page they have open, as JSON. A client may send ``{"type": "ping"}``
and is answered ``{"type": "pong"}``, to check the line is alive.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.services import user_group_name

# Like HTTP 401; codes 4000-4999 are the application's own (RFC 6455, 7.4.2).
CLOSE_UNAUTHENTICATED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            # Accept first: a refused handshake reaches the browser as a bare failure,
            # while a close code tells the page to sign in again rather than retry.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = user_group_name(user_id=user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def user_notify(self, message: dict) -> None:
        """A group message of type ``user.notify``: hand its event to the page."""
        await self.send_json(message["event"])
