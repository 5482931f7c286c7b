from django.urls import path

from . import otp_views

urlpatterns = [
    path("login/code/", otp_views.login_otp, name="login-otp"),
    path("account/two-factor/", otp_views.two_factor, name="two-factor"),
]
