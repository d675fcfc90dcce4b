from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from practices.models import Membership, Practice


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "pm_system", "fee_model", "baa_signed_on"]
    list_filter = ["status", "pm_system", "fee_model"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
