from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from compliance.models import AuditEvent, PhiAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "action", "actor_label", "practice", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "request_id"]


@admin.register(PhiAccess)
class PhiAccessAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "user_label", "practice", "subject_type", "subject_id", "reason"]
    list_filter = ["reason"]
