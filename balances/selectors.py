"""Reads of the ledger for views and tasks. Tenant-owned rows are reached only through a practice the
user may see (practices.selectors), and "not yours" is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from balances.models import ImportBatch, ImportRejection
from practices.models import Practice
from practices.selectors import practice_get_for_manager


def import_batches_for_practice(practice: Practice) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(practice=practice).select_related("uploaded_by").order_by("-id")


def import_batch_get_for_user(user: User, *, practice_slug: str, batch_id: int) -> ImportBatch:
    practice = practice_get_for_manager(user, slug=practice_slug)
    batch = ImportBatch.objects.filter(practice=practice, pk=batch_id).select_related("practice").first()
    if batch is None:
        raise Http404("No such import")
    return batch


def import_rejections(batch: ImportBatch) -> QuerySet[ImportRejection]:
    return ImportRejection.objects.filter(batch=batch).order_by("row_number")
