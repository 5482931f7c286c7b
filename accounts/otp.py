"""The second sign-in step (TOTP, django-otp) and the session rules of a sign-in.

Who may use a second factor: street office staff and admins, who reach the whole street's
records and the Django admin. It is optional, unless ``OTP_REQUIRED_FOR_ADMINS`` makes it
mandatory for admins. A user with a confirmed device is asked for a code after the password,
every time; the admin site refuses a session that has not passed that step.

Wrong codes are throttled by django-otp itself (each failure doubles the wait before the
device accepts another try), and a code is accepted once only.
"""

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from riskplatform.exceptions import ApplicationError, PermissionDeniedError

DEVICE_NAME = "authenticator"
ONLY_OFFICE = _("Two-step sign-in is for street office staff and administrators.")
WRONG_CODE = _("The code is wrong or has expired; enter the six digits the app shows now.")


def user_may_use_otp(*, user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_admin or user.role == User.Role.STREET_STAFF)


def user_otp_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they enrolled one."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def user_must_use_otp(*, user: User) -> bool:
    """Whether this user's sessions must pass the second step: enrolled, or an admin when it is mandatory."""
    if user_otp_device(user=user) is not None:
        return True
    return bool(settings.OTP_REQUIRED_FOR_ADMINS) and user.is_authenticated and user.is_admin


def session_passed_otp(*, request: HttpRequest) -> bool:
    """Whether the signed-in user's session satisfies the second-step rule (OTPMiddleware sets is_verified)."""
    user = request.user
    if not user_must_use_otp(user=user):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def session_start(*, request: HttpRequest, user: User) -> None:
    """Set a new sign-in's idle timeout by role (settings: SESSION_IDLE_HOURS, SESSION_OFFICE_IDLE_MINUTES).

    Every request moves the end on (SESSION_SAVE_EVERY_REQUEST), so it is a time without use.
    """
    if user.is_admin or user.role == User.Role.STREET_STAFF:
        request.session.set_expiry(settings.SESSION_OFFICE_IDLE_MINUTES * 60)


@transaction.atomic
def totp_device_start(*, acting_user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator to scan, made once and kept until confirmed."""
    if not user_may_use_otp(user=acting_user):
        raise PermissionDeniedError(ONLY_OFFICE)
    device = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=acting_user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, acting_user: User, token: str) -> TOTPDevice:
    """Confirm the scanned authenticator with a code it shows; from now on each sign-in asks for one."""
    device = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token.strip()):
        raise ApplicationError(WRONG_CODE, field_errors={"token": [WRONG_CODE]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Older confirmed devices go: one authenticator per person, the one just scanned.
    TOTPDevice.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
    return device


@transaction.atomic
def totp_device_remove(*, acting_user: User, token: str) -> None:
    """Turn the second step off, proven with a current code; refused while it is mandatory for the user."""
    if settings.OTP_REQUIRED_FOR_ADMINS and acting_user.is_admin:
        raise PermissionDeniedError(_("Two-step sign-in is required of administrators here."))
    device = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=True).order_by("pk").first()
    if device is None or not device.verify_token(token.strip()):
        raise ApplicationError(WRONG_CODE, field_errors={"token": [WRONG_CODE]})
    TOTPDevice.objects.filter(user=acting_user).delete()


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno, as the sites' QR tags)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=True)


def totp_secret_text(*, device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
