from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from practices.selectors import practice_get_for_user, practices_for_user


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """A practice manager with one practice goes straight to it; with several, picks one."""
    practices = list(practices_for_user(request.user).only("slug", "name"))  # type: ignore[arg-type]
    if len(practices) == 1:
        return redirect("reporting:portal", practice_slug=practices[0].slug)
    return render(request, "reporting/portal_pick.html", {"practices": practices})


@login_required
def portal(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)  # type: ignore[arg-type]
    return render(request, "reporting/portal.html", {"practice": practice})
