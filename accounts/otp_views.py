"""Sign-in in two steps (password, then a TOTP code for those who enrolled) and the enrolment page.

The password step is Django's LoginView (django-axes throttles it); a user with a confirmed
authenticator is not signed in by it: the session only remembers who passed the password,
for a few minutes, and the code step signs them in.
"""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.otp import (
    WRONG_CODE,
    session_passed_otp,
    session_start,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    totp_qr_svg,
    totp_secret_text,
    user_may_use_otp,
    user_must_use_otp,
    user_otp_device,
)
from riskplatform.exceptions import ApplicationError, PermissionDeniedError
from riskplatform.forms import ApplicationErrorFormMixin

PENDING_KEY = "otp_pending"
# How long the code step waits after a right password.
PENDING_SECONDS = 300


class CodeForm(ApplicationErrorFormMixin, forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}),
    )


class LoginView(auth_views.LoginView):
    """The password step. Without an authenticator it signs in; with one it hands on to the code step."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if user_otp_device(user=user) is None:
            response = super().form_valid(form)
            session_start(request=self.request, user=user)
            return response
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_redirect_url(),
            "at": time.time(),
        }
        return redirect("login-otp")


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def login_otp(request):
    """The code step, for a user who passed the password step or one signed in who has not passed it yet."""
    if request.user.is_authenticated:
        if session_passed_otp(request=request):
            return redirect(_safe_next(request, request.GET.get("next", "")))
        user, pending = request.user, {"next": request.GET.get("next", ""), "backend": request.session.get(BACKEND_SESSION_KEY)}
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.info(request, _("Sign in again: the code step waits five minutes after the password."))
            return redirect("login")
    device = user_otp_device(user=user)
    if device is None:
        # Admins must enrol first when the second step is mandatory.
        return redirect("two-factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"].strip()):
            request.session.pop(PENDING_KEY, None)
            # django-otp marks the session verified when the user signs in carrying the device.
            user.otp_device = device
            auth_login(request, user, backend=pending["backend"])
            session_start(request=request, user=user)
            return HttpResponseRedirect(_safe_next(request, pending.get("next", "")))
        form.add_error("token", WRONG_CODE if allowed else _("Too many wrong codes: wait a moment, then try again."))
    return render(request, "registration/login_otp.html", {"form": form, "who": user}, status=400 if form.errors else 200)


@login_required
def two_factor(request):
    """Enrol an authenticator app (scan, confirm with a code), or turn the second step off."""
    if not user_may_use_otp(user=request.user):
        raise PermissionDeniedError(_("Two-step sign-in is for street office staff and administrators."))
    device = user_otp_device(user=request.user)
    if device is not None and not session_passed_otp(request=request):
        return redirect_to_login(request.get_full_path(), login_url=reverse("login-otp"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            if device is None:
                confirmed = totp_device_confirm(acting_user=request.user, token=token)
                from django_otp import login as otp_login

                otp_login(request, confirmed)
                messages.success(request, _("Two-step sign-in is on: each sign-in now asks for a code from the app."))
            else:
                totp_device_remove(acting_user=request.user, token=token)
                messages.success(request, _("Two-step sign-in is off."))
            return redirect("two-factor")
        except PermissionDeniedError:
            raise
        except ApplicationError as error:
            form.add_application_error(error)
    context = {"form": form, "enrolled": device is not None, "required": user_must_use_otp(user=request.user)}
    if device is None:
        pending = totp_device_start(acting_user=request.user)
        context.update(qr_svg=totp_qr_svg(device=pending), secret=totp_secret_text(device=pending))
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)
