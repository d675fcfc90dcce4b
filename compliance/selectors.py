from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from compliance.models import AuditEvent
from practices.selectors import practices_for_user


def audit_events_for_user(user: User, *, practice_slug: str = "", action: str = "") -> QuerySet[AuditEvent]:
    """Compliance officers and admins read every practice's trail (and agency-level rows); nobody else
    reads the audit log."""
    if user.role not in {Role.COMPLIANCE_OFFICER, Role.ADMIN}:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("practice").order_by("-id")
    if practice_slug:
        events = events.filter(practice__in=practices_for_user(user).filter(slug=practice_slug))
    if action:
        events = events.filter(action=action)
    return events
