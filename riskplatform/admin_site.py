"""The admin site: the platform's one sign-in (with its code step), and the second step enforced.

A user who enrolled an authenticator (or an admin, when OTP_REQUIRED_FOR_ADMINS is on) reaches
the admin only from a session that passed the code step (accounts.otp.session_passed_otp).
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        from accounts.otp import session_passed_otp

        return super().has_permission(request) and session_passed_otp(request=request)

    def login(self, request, extra_context=None):
        """Sign in through the platform's login page, which asks for the code; never the admin's own form."""
        from accounts.otp import session_passed_otp

        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if user.is_active and user.is_staff and not session_passed_otp(request=request):
            return redirect_to_login(next_url, login_url=reverse("login-otp"))
        return super().login(request, extra_context)
