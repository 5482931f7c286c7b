from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from accounts.models import User
from riskplatform.api import error_response, is_api_request


@login_required
def home(request):
    """Grid workers start on their own grid; everyone else on the registry."""
    if request.user.role == User.Role.GRID_WORKER and not request.user.is_admin:
        return redirect("enterprises:my-grid")
    return redirect("enterprises:site-list")


def locked_out(request, original_response=None, credentials=None):
    """What a client locked out by django-axes (too many failed sign-ins) is answered: a 429."""
    minutes = _lockout_minutes()
    message = ngettext(
        "Too many failed sign-ins from this address; try again in %(minutes)d minute or ask an administrator.",
        "Too many failed sign-ins from this address; try again in %(minutes)d minutes or ask an administrator.",
        minutes,
    ) % {"minutes": minutes}
    if is_api_request(request):
        return error_response(code="locked_out", detail=message, status_code=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def _lockout_minutes() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def client_address(request) -> str | None:
    """The client's address as the ASGI server resolved it (it trusts only FORWARDED_ALLOW_IPS)."""
    return request.META.get("REMOTE_ADDR")
