from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import notification_list
from accounts.services import notification_mark_read, notifications_mark_all_read
from riskplatform.api import error_response, is_api_request


@login_required
def home(request):
    """Street office staff and admins start on the overview of their scope, grid workers on their tasks
    (their grid is one tap away), station operators on their console, everyone else on the registry."""
    if request.user.is_admin or request.user.role == User.Role.STREET_STAFF:
        return redirect("dashboards:overview")
    if request.user.role == User.Role.GRID_WORKER and not request.user.is_admin:
        return redirect("inspections-phone:tasks")
    if request.user.role == User.Role.STATION_OPERATOR and request.user.station_id and not request.user.is_admin:
        return redirect("alarms:console")
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


@login_required
def notifications(request):
    """The user's notifications, newest first; the unread ones marked."""
    page = Paginator(notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page, "query": ""})


@login_required
def notification_open(request, pk: int):
    """Open what a notification is about, marking it read on the way."""
    notification = notification_list(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404(_("No such notification."))
    notification_mark_read(notification=notification, acting_user=request.user)
    # Links are made by the platform, but a stored one is still checked before it is followed.
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_all_read(acting_user=request.user)
    return redirect("notifications")
