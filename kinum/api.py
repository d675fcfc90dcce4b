from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


class IsVerifiedUser(BasePermission):
    """Every API call needs a signed-in, active user who passed the second factor."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_verified())
