"""Two session policies every request passes through.

- `SecondFactorRequiredMiddleware`: a signed-in user without a verified second factor reaches only
  enrolment, verification, logout and static files.
- `IdleTimeoutMiddleware`: HIPAA automatic logoff after SESSION_IDLE_TIMEOUT_SECONDS without activity.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

_ALWAYS_OPEN_PREFIXES = ("/static/", "/favicon.ico", "/healthz")


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:2fa_setup"),
        reverse("accounts:2fa_verify"),
        reverse("accounts:logout"),
        *_ALWAYS_OPEN_PREFIXES,
    )


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # `is_verified` is attached to the user by django-otp's OTPMiddleware.
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(_open_paths()):  # type: ignore[union-attr]
            from accounts.services import user_has_confirmed_totp

            target = "accounts:2fa_verify" if user_has_confirmed_totp(user=user) else "accounts:2fa_setup"  # type: ignore[arg-type]
            if request.path.startswith("/api/"):
                return HttpResponse("Two-factor verification required", status=403)
            return HttpResponseRedirect(reverse(target))
        return self.get_response(request)


class IdleTimeoutMiddleware:
    SESSION_KEY = "_kinum_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(self.SESSION_KEY)
            if last_seen is not None and now - float(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                login_url = reverse(settings.LOGIN_URL)
                return HttpResponseRedirect(f"{login_url}?timeout=1")
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)
