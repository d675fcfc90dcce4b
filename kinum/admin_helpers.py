"""Admin for models holding PHI: list and filter on plaintext metadata only; encrypted columns are
never listed, searched or put on a form (a person seeing decrypted PHI must leave a PHI access row,
which the admin cannot do)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kinum.fields import EncryptedTextField


class PhiSafeAdmin(admin.ModelAdmin):
    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        encrypted = [f.name for f in self.model._meta.fields if isinstance(f, EncryptedTextField)]
        return [*(super().get_exclude(request, obj) or []), *encrypted]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from imports and services, which encrypt and audit

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
