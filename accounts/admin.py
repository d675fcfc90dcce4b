from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    fields = [
        "email",
        "full_name",
        "role",
        "is_active",
        "is_staff",
        "deactivated_at",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["deactivated_at", "date_joined", "last_login"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: audit rows keep pointing at the user
