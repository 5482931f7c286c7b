"""Two-step sign-in (TOTP, django-otp) for staff and admins, the admin site's rule, and the session rules."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import totp_device_confirm, totp_device_start
from tests.factories import PASSWORD


def code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the person's app shows now (offset: that many 30-second steps away)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrolled(user) -> TOTPDevice:
    device = totp_device_start(acting_user=user)
    return totp_device_confirm(acting_user=user, token=code(device))


def signed_in_as(client) -> str | None:
    user = client.get(reverse("notifications")).wsgi_request.user
    return user.username if user.is_authenticated else None


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_without_an_authenticator_the_password_signs_in(client, staff):
    response = sign_in(client, staff)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == staff.username


def test_with_an_authenticator_the_password_alone_does_not_sign_in(client, staff):
    enrolled(staff)
    response = sign_in(client, staff)
    assert response["Location"] == reverse("login-otp")
    assert signed_in_as(client) is None
    page = client.get(reverse("login-otp"))
    assert page.status_code == 200 and b'autocomplete="one-time-code"' in page.content


def test_the_right_code_signs_in(client, staff):
    device = enrolled(staff)
    sign_in(client, staff)
    # The enrolment used this step's code; the app shows the next one 30 seconds later.
    response = client.post(reverse("login-otp"), {"token": code(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == staff.username


def test_a_wrong_code_does_not_sign_in(client, staff, settings):
    # A minute's wait after a wrong code, so that the test does not race django-otp's clock.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrolled(staff)
    sign_in(client, staff)
    wrong = f"{(int(code(device, offset=1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("login-otp"), {"token": wrong})
    assert response.status_code == 400
    assert signed_in_as(client) is None
    # django-otp throttles the device after a failure: even the right code waits a moment.
    response = client.post(reverse("login-otp"), {"token": code(device, offset=1)})
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_the_code_step_expires(client, staff, monkeypatch):
    device = enrolled(staff)
    sign_in(client, staff)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(reverse("login-otp"), {"token": code(device, offset=1)})
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_enrolment_page_confirms_with_a_code_and_turns_the_step_on(client, staff):
    client.force_login(staff)
    page = client.get(reverse("two-factor"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.post(reverse("two-factor"), {"token": "000000" if code(device) != "000000" else "111111"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("two-factor"), {"token": code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=staff).confirmed
    # The session that enrolled counts as having passed the step.
    assert client.get(reverse("two-factor")).status_code == 200


def test_grid_workers_are_not_offered_the_second_step(client, grid_worker):
    client.force_login(grid_worker)
    assert client.get(reverse("two-factor")).status_code == 403


def test_admin_site_needs_the_code_of_an_enrolled_admin(client, admin_user):
    device = enrolled(admin_user)
    # A session signed in some other way than through the code step is sent to the code step.
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("login-otp"))
    client.post(reverse("login-otp"), {"token": code(device, offset=1)})
    assert client.get("/admin/").status_code == 200


def test_admin_site_signs_in_through_the_platform_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_admin_site_without_enrolment_is_open_to_admins_by_default(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_mandatory_second_step_for_admins(client, admin_user, staff, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302
    # The code step sends an admin without an authenticator to enrol one.
    assert client.get(reverse("login-otp"))["Location"] == reverse("two-factor")
    # Staff stay optional.
    client.force_login(staff)
    assert client.get(reverse("login-otp"))["Location"] == reverse("home")


def test_admin_cannot_turn_off_a_mandatory_step(client, admin_user, settings):
    device = enrolled(admin_user)
    settings.OTP_REQUIRED_FOR_ADMINS = True
    sign_in(client, admin_user)
    client.post(reverse("login-otp"), {"token": code(device, offset=1)})
    assert client.post(reverse("two-factor"), {"token": code(device, offset=2)}).status_code == 403
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("short-pw-1", False), ("123456789012345", False), ("renshen12345", False), ("望江路-消防-巡查-2026", True)],
)
def test_passwords_are_twelve_characters_and_not_common(staff, password, accepted):
    try:
        validate_password(password, user=staff)
    except ValidationError:
        assert not accepted
    else:
        assert accepted


def test_office_sessions_end_after_their_idle_time_and_phones_keep_theirs(client, staff, grid_worker, settings):
    sign_in(client, staff)
    assert client.session.get_expiry_age() == settings.SESSION_OFFICE_IDLE_MINUTES * 60
    client.logout()
    sign_in(client, grid_worker)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_session_cookie_is_http_only_and_same_site(client, staff):
    response = sign_in(client, staff)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
