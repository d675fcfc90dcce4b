"""Read-only JSON for integrations: imports and accounts of one practice, no PHI.

Both go through `practices.api.PracticeScopedListApi`, which resolves the practice once and filters
every queryset by it (an outsider gets the same 404 as for a practice that does not exist)."""

from __future__ import annotations

from rest_framework import serializers

from balances.models import Account, ImportBatch
from practices.api import PracticeScopedListApi


class ImportBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportBatch
        fields = ["id", "mode", "status", "preset", "as_of", "accounts_imported", "accounts_rejected",
                  "total_imported_cents", "error_code", "created_at", "confirmed_at"]  # fmt: skip


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "status", "placed_amount_cents", "balance_cents", "placed_at", "last_payment_on",
                  "import_batch_id", "excluded_from_outreach"]  # fmt: skip


class ImportBatchListApi(PracticeScopedListApi):
    model = ImportBatch
    serializer_class = ImportBatchSerializer
    ordering = ("-id",)


class AccountListApi(PracticeScopedListApi):
    model = Account
    serializer_class = AccountSerializer
    ordering = ("id",)
