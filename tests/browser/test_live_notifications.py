"""A signed-in page holds its live channel open and receives what is pushed to its user."""

import pytest
from asgiref.sync import sync_to_async

from accounts.services import user_notify
from tests.browser.conftest import log_in, wait_for_true

pytestmark = [
    pytest.mark.browser,
    pytest.mark.anyio,
    # The server reads the session from its own connection: it must be committed.
    pytest.mark.django_db(transaction=True),
]

# Opens ws/notifications/ the way the pages will, and keeps every message on the window.
OPEN_CHANNEL = """() => new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${location.host}/ws/notifications/`);
    window.received = [];
    socket.onmessage = (message) => window.received.push(JSON.parse(message.data));
    socket.onopen = () => { socket.send(JSON.stringify({type: "ping"})); resolve(); };
    socket.onclose = (event) => reject(new Error(`closed with ${event.code}`));
})"""


async def received(page, message_type: str) -> None:
    await wait_for_true(page, f"window.received.some((message) => message.type === {message_type!r})")


async def test_signed_in_page_receives_its_users_notification(desktop_page, staff):
    page = desktop_page
    await log_in(page, staff)

    await page.evaluate(OPEN_CHANNEL)
    await received(page, "pong")

    await sync_to_async(user_notify)(user_id=staff.pk, event={"type": "import.finished", "created": 3})

    await received(page, "import.finished")
    assert await page.evaluate("window.received") == [{"type": "pong"}, {"type": "import.finished", "created": 3}]
