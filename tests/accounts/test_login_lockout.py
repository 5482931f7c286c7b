"""Password guessing is stopped on the login page and at the API token endpoint alike.

After AXES_FAILURE_LIMIT (5) wrong passwords for one username from one address,
that pair is refused, even with the right password, until the cool-off ends
(django-axes, accounts.views.locked_out). Other addresses and other people are not.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD

HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
LIMIT = 5


@pytest.fixture
def browser(client):
    """A browser that reads the site in English."""
    client.cookies["django_language"] = "en"
    return client


def sign_in(client, username: str, password: str, address: str = HOME):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client) -> str | None:
    """The username the client's session belongs to, as the next page sees it."""
    user = client.get(reverse("home"), REMOTE_ADDR=HOME).wsgi_request.user
    return user.username if user.is_authenticated else None


def guess_wrong(client, username: str, times: int = LIMIT, address: str = HOME) -> list[int]:
    return [sign_in(client, username, "wrong-guess", address).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_user_out_of_this_address(browser, grid_worker):
    statuses = guess_wrong(browser, "liudong")
    # The first four are answered with the form again; the fifth already with the pause.
    assert statuses == [200, 200, 200, 200, 429]

    response = sign_in(browser, "liudong", PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "try again in 15 minutes" in html
    assert signed_in_as(browser) is None


def test_the_lockout_page_is_in_chinese_by_default(client, grid_worker):
    guess_wrong(client, "liudong")
    response = sign_in(client, "liudong", PASSWORD)
    assert response.status_code == 429
    assert '<html lang="zh-hans"' in response.content.decode()


def test_the_same_user_may_still_sign_in_from_another_address(browser, grid_worker):
    guess_wrong(browser, "liudong")

    response = sign_in(browser, "liudong", PASSWORD, address=ELSEWHERE)

    assert response.status_code == 302
    assert signed_in_as(browser) == "liudong"


def test_another_user_may_still_sign_in_from_the_same_address(browser, grid_worker, colleague):
    guess_wrong(browser, "liudong")

    response = sign_in(browser, "colleague", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(browser) == "colleague"


def test_a_success_before_the_limit_starts_the_count_again(browser, grid_worker):
    guess_wrong(browser, "liudong", times=LIMIT - 1)
    assert sign_in(browser, "liudong", PASSWORD).status_code == 302
    browser.logout()

    # Four more failures are again below the limit.
    assert guess_wrong(browser, "liudong", times=LIMIT - 1) == [200] * (LIMIT - 1)
    assert sign_in(browser, "liudong", PASSWORD).status_code == 302
    assert signed_in_as(browser) == "liudong"


def test_the_lockout_ends_after_the_cool_off(browser, grid_worker, settings):
    guess_wrong(browser, "liudong")
    assert sign_in(browser, "liudong", PASSWORD).status_code == 429

    # The failures were fifteen minutes ago.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)

    assert sign_in(browser, "liudong", PASSWORD).status_code == 302


# --- The API token endpoint ------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def ask_for_token(api, username: str, password: str, address: str = HOME):
    data = {"username": username, "password": password}
    return api.post("/api/auth/token/", data, format="json", REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_the_token_endpoint_locks_out_after_five_wrong_passwords(api, grid_worker):
    statuses = [ask_for_token(api, "liudong", "wrong-guess").status_code for _ in range(LIMIT)]
    assert statuses == [400, 400, 400, 400, 429]

    response = ask_for_token(api, "liudong", PASSWORD)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert body["detail"].startswith("Too many failed sign-ins from this address; try again in 15 minutes")
    assert body["errors"] == {}
    assert "token" not in body


def test_failures_at_the_token_endpoint_lock_the_login_page_too(api, browser, grid_worker):
    for _ in range(LIMIT):
        ask_for_token(api, "liudong", "wrong-guess")
    assert sign_in(browser, "liudong", PASSWORD).status_code == 429


def test_the_token_endpoint_still_answers_another_address(api, grid_worker):
    for _ in range(LIMIT):
        ask_for_token(api, "liudong", "wrong-guess")
    response = ask_for_token(api, "liudong", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 200
    assert response.json()["token"]


def test_a_token_before_the_limit_starts_the_count_again(api, grid_worker):
    for _ in range(LIMIT - 1):
        ask_for_token(api, "liudong", "wrong-guess")
    assert ask_for_token(api, "liudong", PASSWORD).status_code == 200
    # A token handed out is a sign-in, recorded as one.
    grid_worker.refresh_from_db()
    assert grid_worker.last_login is not None
    for _ in range(LIMIT - 1):
        assert ask_for_token(api, "liudong", "wrong-guess").status_code == 400
    assert ask_for_token(api, "liudong", PASSWORD).status_code == 200
