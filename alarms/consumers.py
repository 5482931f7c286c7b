"""The station console's live channel (``ws/console/``).

Who listens to what: a station operator to their station's group (``station-<pk>``), street
staff to every station of their street, an admin to every station. Anyone else is refused
with a close code: 4401 when not signed in (the page asks them to sign in again), 4403 when
signed in without a console (the page stops retrying).

On connecting the consumer first joins the groups, then sends the open incidents as they
stand (``{"type": "console.snapshot", "incidents": [...]}``), then every push as it comes
(``console.incident``, alarms.services.incident_console_payload). Joining first means nothing
pushed while the snapshot is read is lost; at worst an incident arrives in both, and the page
keeps one card per incident id. A reconnecting page gets the snapshot again: that is its
catch-up. A client may send ``{"type": "ping"}`` and is answered ``{"type": "pong"}``.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.consumers import CLOSE_UNAUTHENTICATED

from .selectors import console_incident_list, console_station_ids
from .services import incident_console_payload, station_group_name

# Like HTTP 403: signed in, but this user has no console.
CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _stations(user) -> list[int] | None:
    return console_station_ids(user=user)


@database_sync_to_async
def _snapshot(user) -> list[dict]:
    return [
        incident_console_payload(incident=incident, reason="open")["incident"] for incident in console_incident_list(user=user)
    ]


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        user = self.scope["user"]
        # Accept first, then close: a refused handshake reaches the browser as a bare failure,
        # a close code tells the page why.
        if not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        station_ids = await _stations(user)
        if station_ids is None:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.groups_joined = tuple(station_group_name(station_id=station_id) for station_id in station_ids)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "console.snapshot", "incidents": await _snapshot(user)})

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def console_incident(self, message: dict) -> None:
        """A group message of type ``console.incident``: hand its event to the page as it is."""
        await self.send_json(message["event"])
