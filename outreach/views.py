from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from practices.selectors import practices_for_user


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if request.user.role not in {Role.COLLECTOR, Role.ADMIN}:  # type: ignore[union-attr]
        raise PermissionDenied
    practices = practices_for_user(request.user).only("slug", "name")  # type: ignore[arg-type]
    return render(request, "outreach/workspace.html", {"practices": practices})
