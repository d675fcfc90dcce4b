from __future__ import annotations

from django.contrib import admin

from balances.models import Account, Consumer, ImportBatch
from kinum.admin_helpers import PhiSafeAdmin


@admin.register(Consumer)
class ConsumerAdmin(PhiSafeAdmin):
    list_display = [
        "id",
        "practice",
        "state",
        "zip3",
        "has_mobile",
        "has_email",
        "has_mailing_address",
        "created_at",
    ]
    list_filter = ["state", "has_mobile", "has_email"]
    readonly_fields = ["practice", "account_key_index", "email_index", "row_uid"]


@admin.register(Account)
class AccountAdmin(PhiSafeAdmin):
    list_display = ["id", "practice", "status", "placed_amount_cents", "balance_cents", "placed_at"]
    list_filter = ["status"]
    raw_id_fields = ["consumer", "import_batch", "last_seen_batch", "missing_since_batch"]


@admin.register(ImportBatch)
class ImportBatchAdmin(PhiSafeAdmin):
    list_display = [
        "id",
        "practice",
        "mode",
        "status",
        "preset",
        "accounts_imported",
        "accounts_rejected",
        "created_at",
    ]
    list_filter = ["status", "mode"]
    readonly_fields = ["report", "file_sha256"]
