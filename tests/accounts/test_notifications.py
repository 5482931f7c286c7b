"""A signed-in user's live channel (ws/notifications/), through uvicorn and the Redis channel layer."""

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from accounts.consumers import CLOSE_UNAUTHENTICATED
from accounts.services import user_notify

# The server signs the user in from a session it reads from its own connection.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


def receive(socket) -> dict:
    return json.loads(socket.recv(timeout=TIMEOUT))


def ping(socket) -> dict:
    socket.send(json.dumps({"type": "ping"}))
    return receive(socket)


def test_signed_in_user_gets_pong_and_their_notifications(asgi_server, grid_worker):
    with asgi_server.websocket("ws/notifications/", user=grid_worker) as socket:
        assert ping(socket) == {"type": "pong"}

        user_notify(user_id=grid_worker.pk, event={"type": "hazard.overdue", "hazard": 7, "text": "整改已逾期"})

        assert receive(socket) == {"type": "hazard.overdue", "hazard": 7, "text": "整改已逾期"}


def test_notification_reaches_every_page_of_the_user(asgi_server, grid_worker):
    with (
        asgi_server.websocket("ws/notifications/", user=grid_worker) as phone,
        asgi_server.websocket("ws/notifications/", user=grid_worker) as laptop,
    ):
        ping(phone), ping(laptop)

        user_notify(user_id=grid_worker.pk, event={"type": "site.updated", "site": 1})

        assert receive(phone) == receive(laptop) == {"type": "site.updated", "site": 1}


def test_another_users_notification_never_reaches_this_user(asgi_server, grid_worker, colleague):
    with (
        asgi_server.websocket("ws/notifications/", user=grid_worker) as mine,
        asgi_server.websocket("ws/notifications/", user=colleague) as theirs,
    ):
        ping(mine), ping(theirs)

        user_notify(user_id=colleague.pk, event={"type": "private", "for": "colleague"})
        user_notify(user_id=grid_worker.pk, event={"type": "private", "for": "liudong"})

        assert receive(theirs) == {"type": "private", "for": "colleague"}
        # Sent after the colleague's: had the colleague's reached this socket, it would come first.
        assert receive(mine) == {"type": "private", "for": "liudong"}


def test_anonymous_client_is_refused(asgi_server):
    with asgi_server.websocket("ws/notifications/") as socket, pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=TIMEOUT)

    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_UNAUTHENTICATED


def test_deactivated_user_is_refused(asgi_server, grid_worker):
    grid_worker.is_active = False
    grid_worker.save(update_fields=["is_active"])

    with asgi_server.websocket("ws/notifications/", user=grid_worker) as socket, pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=TIMEOUT)

    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_UNAUTHENTICATED


def test_page_of_another_site_cannot_open_the_channel(asgi_server, grid_worker):
    # A page elsewhere could otherwise open it with the user's cookie (cross-site WebSocket hijacking).
    with pytest.raises(InvalidStatus) as refused:
        asgi_server.websocket("ws/notifications/", user=grid_worker, origin="https://evil.example.com")

    assert refused.value.response.status_code == 403
