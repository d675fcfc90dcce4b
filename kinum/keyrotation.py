"""Re-encrypt every encrypted column under the newest key, in bounded, resumable batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from kinum import crypto
from kinum.fields import EncryptedModel, Sealed, encrypted_fields
from kinum.models import KeyRotationCheckpoint


@dataclass
class RotationReport:
    model_label: str
    rows_scanned: int
    rows_rewritten: int


def encrypted_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, EncryptedModel) and not m._meta.proxy and encrypted_fields(m)
    ]


def _rewrap(row: models.Model, fields: list, current_key: str) -> list[str]:
    """Re-encrypt this row's stale values in memory; return the names of the fields changed."""
    changed = []
    for field in fields:
        stored = row.__dict__.get(field.attname)
        if isinstance(stored, Sealed) and crypto.key_id_of(stored) != current_key:
            plain = getattr(row, field.attname)  # decrypts with the old key
            row.__dict__[field.attname] = field.seal(row, plain)
            changed.append(field.name)
    return changed


def _write_sealed(model: type[models.Model], rows: list[models.Model], fields: list) -> None:
    """One UPDATE per batch with CASE per column. (`bulk_update` would read the attributes through
    the decrypting descriptor and hand plaintext to the database layer.)"""
    updates = {}
    for field in fields:
        whens = [
            When(pk=row.pk, then=Value(row.__dict__[field.attname], output_field=field))
            for row in rows
            if row.__dict__.get(field.attname) is not None
        ]
        if whens:
            updates[field.attname] = Case(*whens, default=F(field.attname), output_field=field)
    model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**updates)


def rotate_model(
    model: type[models.Model],
    *,
    batch_size: int = 1000,
    max_batches: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> RotationReport:
    label = model._meta.label
    current_key = crypto.keyring().current_id
    checkpoint, _ = KeyRotationCheckpoint.objects.get_or_create(model_label=label, target_key_id=current_key)
    fields = encrypted_fields(model)
    scanned = rewritten = batches = 0
    while checkpoint.finished_at is None and (max_batches is None or batches < max_batches):
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update()
                .filter(pk__gt=checkpoint.last_pk)
                .order_by("pk")
                .only("pk", "row_uid", *[f.attname for f in fields])[:batch_size]
            )
            if not rows:
                checkpoint.finished_at = timezone.now()
                checkpoint.save(update_fields=["finished_at", "updated_at"])
                break
            to_update = [r for r in rows if _rewrap(r, fields, current_key)]
            if to_update:
                _write_sealed(model, to_update, fields)
            checkpoint.last_pk = rows[-1].pk
            checkpoint.rows_rewritten += len(to_update)
            checkpoint.save(update_fields=["last_pk", "rows_rewritten", "updated_at"])
        scanned += len(rows)
        rewritten += len(to_update)
        batches += 1
        if progress:
            progress(
                f"{label}: {scanned} rows scanned, {rewritten} re-encrypted (up to pk {checkpoint.last_pk})"
            )
    return RotationReport(model_label=label, rows_scanned=scanned, rows_rewritten=rewritten)
