from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import Role
from compliance.models import AuditAction
from compliance.selectors import audit_events_for_user
from kinum.types import AuthedHttpRequest
from practices.selectors import practices_for_user


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in {Role.COMPLIANCE_OFFICER, Role.ADMIN}:
        raise PermissionDenied
    practice_slug = request.GET.get("practice", "")
    action = request.GET.get("action", "")
    if action and action not in AuditAction.values:
        action = ""
    events = audit_events_for_user(user, practice_slug=practice_slug, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "practices": practices_for_user(user).only("slug", "name"),
        "actions": AuditAction.choices,
        "selected_practice": practice_slug,
        "selected_action": action,
    }
    return render(request, "compliance/audit_log.html", context)
