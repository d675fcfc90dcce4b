from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from accounts import services
from accounts.forms import EmailLoginForm, TokenForm
from accounts.models import Role
from kinum.audit_hooks import request_audit
from kinum.middleware import client_ip
from kinum.types import AuthedHttpRequest

ROLE_LANDING: dict[str, str] = {
    Role.PRACTICE_MANAGER: "reporting:portal_home",
    Role.COLLECTOR: "outreach:workspace",
    Role.COMPLIANCE_OFFICER: "compliance:audit_log",
    Role.ADMIN: "admin:index",
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True


@login_required
@require_POST
def logout_view(request: AuthedHttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """Send each role to its own landing page."""
    return redirect(ROLE_LANDING.get(request.user.role, "accounts:login"))


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if services.user_has_confirmed_totp(user=user):
        return redirect("accounts:2fa_verify" if not user.is_verified() else "accounts:home")
    device = services.totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrol_confirm(
            user=user,
            device=device,
            token=form.cleaned_data["token"],
            ip=client_ip(request),
        )
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": True})
        form.add_error("token", "That code did not match. Check your phone's clock and try the newest code.")
    secret_b32 = base64.b32encode(device.bin_key).decode("ascii")
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret_b32}
    return render(request, "accounts/2fa_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect("accounts:home")
    if not services.user_has_confirmed_totp(user=user):
        return redirect("accounts:2fa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])  # static backup codes are single-use
        if device is not None:
            otp_login(request, device)
            request_audit(
                action="auth.2fa_verify",
                actor=user,
                target=user,
                after={"method": device.__class__.__name__},
                ip=client_ip(request),
            )
            return redirect(request.GET.get("next") or "accounts:home")
        request_audit(action="auth.2fa_fail", actor=user, target=user, ip=client_ip(request))
        form.add_error(
            "token", "That code did not match. Use the 6-digit code from your app or a backup code."
        )
    return render(request, "accounts/2fa_verify.html", {"form": form})


@login_required
@require_POST
def backup_codes_regenerate(request: AuthedHttpRequest) -> HttpResponse:
    codes = services.backup_codes_regenerate(user=request.user, ip=client_ip(request))
    return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": False})


@login_required
def security(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html")
