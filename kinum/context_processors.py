from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import Role

_NAV = {
    Role.PRACTICE_MANAGER: [("Portal", "reporting:portal_home")],
    Role.COLLECTOR: [("Workspace", "outreach:workspace")],
    Role.COMPLIANCE_OFFICER: [("Audit log", "compliance:audit_log")],
    Role.ADMIN: [("Audit log", "compliance:audit_log"), ("Admin", "admin:index")],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation links for the signed-in user's role (only once the second factor is verified)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.is_verified():
        return {"nav_links": []}
    return {"nav_links": _NAV.get(user.role, [])}
