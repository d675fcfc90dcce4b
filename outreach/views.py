from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from compliance.models import PhiAccessReason
from compliance.services import phi_access_record
from outreach import selectors
from outreach.selectors import consumer_contact_status, consumer_get_for_user, consumer_timeline
from practices.selectors import practices_for_user


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) not in {Role.COLLECTOR, Role.ADMIN}:
        raise PermissionDenied
    practices = practices_for_user(request.user).only("slug", "name")  # type: ignore[arg-type]
    accounts = selectors.workspace_accounts(request.user)  # type: ignore[arg-type]
    return render(request, "outreach/workspace.html", {"practices": practices, "accounts": accounts})


@login_required
def why(request: HttpRequest, practice_slug: str, consumer_id: int) -> HttpResponse:
    """Why was this patient contacted, or not? Timeline of contacts and gate decisions in words."""
    user = request.user
    consumer = consumer_get_for_user(user, practice_slug=practice_slug, consumer_id=consumer_id)  # type: ignore[arg-type]
    # The page shows the decrypted name: that is a PHI view by a person.
    reason = (
        PhiAccessReason.COMPLIANCE_REVIEW
        if user.role == Role.COMPLIANCE_OFFICER  # type: ignore[union-attr]
        else PhiAccessReason.COLLECTION_WORK
    )
    phi_access_record(
        user=user, practice=consumer.practice, subject=consumer, fields=["full_name"], reason=reason,
        ip=request.META.get("REMOTE_ADDR"),
    )  # fmt: skip
    context = {
        "consumer": consumer,
        "practice": consumer.practice,
        "name": consumer.full_name or "(no name on file)",
        "status": consumer_contact_status(consumer),
        "timeline": consumer_timeline(consumer),
    }
    return render(request, "outreach/why.html", context)
