"""Every write to the ledger. Imports: create a batch from an upload, run it (all or nothing), confirm.

The parse itself is pure (`balances.imports`); this module turns accepted accounts into encrypted
rows chunk by chunk with bulk SQL: one look-up of existing keys per chunk, then bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from balances.import_rows import (
    ACCOUNT_COLUMNS,
    CONSUMER_COLUMNS,
    ENTRY_COLUMNS,
    PHONE_COLUMNS,
    AccountSealer,
    SealedAccount,
)
from balances.imports import ImportResult, parse_export
from balances.models import (
    Account,
    AccountStatus,
    Consumer,
    ConsumerPhone,
    EntryKind,
    ImportBatch,
    ImportMode,
    ImportRejection,
    ImportStatus,
    ImportUploadChunk,
    LedgerEntry,
)
from compliance.audit import audit_record
from compliance.models import AuditAction
from kinum import crypto
from kinum.bulk import allocate_ids, column_in, copy_rows, insert_rows
from kinum.encrypted_stream import ChunkReader, encrypt_chunks
from kinum.forked import ForkedProducer, fork_available
from kinum.progress import progress_set
from kinum.run_ahead import run_ahead
from practices.models import Practice

logger = logging.getLogger(__name__)

UPLOAD_PURPOSE = "balances.ImportUploadChunk"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class _RefusedAfterReading(Exception):
    """Rolls the batch back when the file turns out unusable only once all rows were read."""


class ImportRefused(Exception):
    """The upload itself is unacceptable (too large, empty); nothing was stored."""


def progress_key(batch_id: int) -> str:
    return f"import-{batch_id}"


# --------------------------------------------------------------------------- create


@transaction.atomic
def import_batch_create(
    *,
    actor: User | None,
    practice: Practice,
    data: bytes | IO[bytes],
    filename: str,
    as_of: dt.date,
    mode: str = ImportMode.PLACEMENT,
    preset: str = "auto",
    mapping: dict | None = None,
    enqueue: bool = True,
) -> ImportBatch:
    """Store the upload encrypted, 1 MiB at a time (never whole in memory), and queue the import."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    batch = ImportBatch.objects.create(
        practice=practice,
        uploaded_by=actor,
        mode=mode,
        file_sha256="",
        original_filename=filename[-255:],
        requested_preset=preset,
        mapping=mapping or {},
        as_of=as_of,
    )
    reader = _HashingReader(source)
    for index, sealed in encrypt_chunks(reader, purpose=_upload_purpose(batch.pk)):
        ImportUploadChunk.objects.create(batch=batch, index=index, blob=sealed)
        if reader.size > MAX_UPLOAD_BYTES:
            break
    size = reader.size
    if size == 0:
        raise ImportRefused("The file is empty.")  # rolls the batch back: nothing stored
    if size > MAX_UPLOAD_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    batch.file_sha256, batch.file_size = reader.digest.hexdigest(), size
    batch.save(update_fields=["file_sha256", "file_size"])
    if enqueue:
        from balances.tasks import import_batch_run_task

        transaction.on_commit(lambda: import_batch_run_task.delay(batch.pk))
    return batch


class _HashingReader:
    """Counts and hashes what passes through, so the upload is read only once."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        block = self._source.read(size)
        self.digest.update(block)
        self.size += len(block)
        return block


def _upload_purpose(batch_id: int) -> str:
    return f"{UPLOAD_PURPOSE}:{batch_id}"


def open_upload(batch: ImportBatch) -> IO[bytes]:
    """A seekable stream of the decrypted upload, one chunk in memory at a time (read on demand)."""
    count = _upload_chunk_count(batch)

    def load(index: int) -> bytes:
        return _upload_chunk(batch, index)

    reader = ChunkReader(load, chunk_count=count, purpose=_upload_purpose(batch.pk), size=batch.file_size)
    return io.BufferedReader(reader, buffer_size=1 << 16)


def spool_upload(batch: ImportBatch) -> IO[bytes]:
    """Like `open_upload`, but the sealed chunks are first copied to an anonymous temporary file, so
    the stream can be read from another thread without a database connection. The file holds only
    ciphertext (decryption still happens one chunk at a time in memory) and vanishes when closed."""
    count = _upload_chunk_count(batch)
    spool = tempfile.TemporaryFile()  # closed by the reader
    spans = []
    for index in range(count):
        blob = _upload_chunk(batch, index)
        spans.append((spool.tell(), len(blob)))
        spool.write(blob)

    def load(index: int) -> bytes:
        offset, length = spans[index]
        spool.seek(offset)
        return spool.read(length)

    reader = ChunkReader(
        load, chunk_count=count, purpose=_upload_purpose(batch.pk), size=batch.file_size, on_close=spool.close
    )
    return io.BufferedReader(reader, buffer_size=1 << 16)


def _upload_chunk(batch: ImportBatch, index: int) -> bytes:
    return bytes(ImportUploadChunk.objects.values_list("blob", flat=True).get(batch=batch, index=index))


def _upload_chunk_count(batch: ImportBatch) -> int:
    count = ImportUploadChunk.objects.filter(batch=batch).count()
    if count == 0:
        raise ImportUploadChunk.DoesNotExist(f"batch {batch.pk} has no upload")
    return count


def _count_lines(stream: IO[bytes]) -> int:
    lines = 0
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
    stream.seek(0)
    return max(lines, 1)


# --------------------------------------------------------------------------- run


@dataclass
class ImportCounts:
    """What an import did to the ledger (placement) or the analysis table."""

    created: int = 0
    updated: int = 0
    rows_done: int = 0


def import_batch_run(*, batch_id: int) -> ImportBatch:
    """Run a queued import. Claimed with a conditional update, so a retry never runs it twice."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("practice").get(pk=batch_id)
    if not claimed:
        return batch
    data = None
    try:
        earlier = _earlier_identical_import(batch)
        if earlier is not None:
            return _finish(batch, status=ImportStatus.ALREADY_IMPORTED, duplicate_of=earlier)
        data = spool_upload(batch)  # parsed ahead of the writer, in a thread or a child: _sealed_chunks
        total_lines = _count_lines(data)  # before parsing: the parser reads the same stream lazily
        result = parse_export(
            data,
            as_of=batch.as_of,
            preset=batch.requested_preset,
            mapping=batch.mapping or None,
            chunk_rows=5_000,
            deidentified=batch.mode == ImportMode.ANALYSIS,
        )
        if result.file_error is not None:
            result.run()  # balance-only files still count their rows for the report
            return _finish(batch, status=ImportStatus.REFUSED, result=result)
        with transaction.atomic():
            # Take the database's write lock first (SQLite has one) so id allocation cannot race.
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
            if batch.mode == ImportMode.ANALYSIS:  # de-identified: balances/analysis.py stores no identifier
                from balances.analysis import analysis_persist

                counts = analysis_persist(batch=batch, result=result)
            else:
                counts = _persist(batch, result, total_lines)
            if result.file_error is not None:  # found only after reading every row (e.g. no data rows)
                raise _RefusedAfterReading
            _record_rejections(batch, result)
            missing = _mark_missing_accounts(batch) if batch.mode == ImportMode.PLACEMENT else 0
            batch = _finish(
                batch, status=ImportStatus.IMPORTED, result=result, counts=counts, missing=missing
            )
            audit_record(
                action=AuditAction.IMPORT_RUN,
                actor=batch.uploaded_by,
                practice=batch.practice,
                target=batch,
                after={
                    "imported": counts.created,
                    "updated": counts.updated,
                    "rejected": batch.accounts_rejected,
                },
            )
            from balances.scoring.tasks import scoring_enqueue_after_import

            transaction.on_commit(lambda: scoring_enqueue_after_import(batch.practice_id))
        return batch
    except _RefusedAfterReading:
        return _finish(batch, status=ImportStatus.REFUSED, result=result)
    except Exception as exc:
        # The atomic block rolled every row back; say why without PHI (no cell values in the message).
        logger.exception("Import batch %s failed", batch_id)
        return _finish(
            batch, status=ImportStatus.FAILED, error_detail=f"{type(exc).__name__}: the import stopped"
        )
    finally:
        if data is not None:
            data.close()
        ImportUploadChunk.objects.filter(batch_id=batch_id).delete()  # the file is PHI: gone after processing


def _earlier_identical_import(batch: ImportBatch) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(
            practice=batch.practice,
            file_sha256=batch.file_sha256,
            mode=batch.mode,
            status__in=[ImportStatus.IMPORTED, ImportStatus.CONFIRMED],
        )
        .exclude(pk=batch.pk)
        .order_by("pk")
        .first()
    )


def _persist(batch: ImportBatch, result: ImportResult, total_lines: int) -> ImportCounts:
    """Write the accepted accounts chunk by chunk while the next chunks are parsed and encrypted
    elsewhere (`_sealed_chunks`), so Python's work and the database's overlap."""
    counts = ImportCounts()
    key = progress_key(batch.pk)
    progress_set(key, done=0, total=total_lines, stage="importing")
    if connection.vendor == "postgresql":
        # Check foreign keys at the end of each COPY, while the producer works on the next chunk,
        # rather than all at COMMIT, when nothing is left to overlap with. Same checks, same rows.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    sealer = AccountSealer(
        practice_id=batch.practice_id, batch_id=batch.pk, as_of=batch.as_of, now=timezone.now()
    )
    for sealed in _sealed_chunks(result, sealer, total_lines):
        created, updated = _persist_chunk(batch, sealed, sealer.entry_tail)
        counts.created += created
        counts.updated += updated
        counts.rows_done = sealed[-1].row_number if sealed else counts.rows_done
        progress_set(key, done=counts.rows_done, total=total_lines, stage="importing")
    progress_set(key, done=total_lines, total=total_lines, stage="finishing")
    return counts


def _sealed_chunks(
    result: ImportResult, sealer: AccountSealer, total_lines: int
) -> Iterator[list[SealedAccount]]:
    """The parse's accepted accounts, encrypted, a chunk at a time. A large file is parsed in a
    child process (a second CPU; the parse state comes back into `result` at the end); a small one
    in a thread, which overlaps only with the database's waits but costs no fork."""
    chunks = (sealer.seal_chunk(chunk) for chunk in result.iter_account_chunks())
    if total_lines < settings.KINUM_IMPORT_PROCESS_MIN_LINES or not fork_available():
        yield from run_ahead(chunks, name="import-producer")
        return
    producer: ForkedProducer[list[SealedAccount]] = ForkedProducer(lambda: chunks, finish=result.parse_state)
    # A thread receives the child's chunks while this one writes, so the child can run ahead by a
    # few chunks instead of waiting for each COPY to end before it may hand over the next.
    yield from run_ahead(producer, depth=3, name="import-receiver")
    result.absorb(producer.outcome)


def _persist_chunk(
    batch: ImportBatch, chunk: list[SealedAccount], entry_tail: tuple[Any, ...]
) -> tuple[int, int]:
    existing = {
        row["account_key_index"]: row
        for row in Account.objects.filter(
            column_in("account_key_index", [s.key_index for s in chunk]), practice_id=batch.practice_id
        ).values("id", "account_key_index", "balance_cents")
    }
    # An account already on file keeps its consumer; the rows sealed for it in advance are dropped.
    _create_accounts(batch, [s for s in chunk if s.key_index not in existing], entry_tail)
    _update_balances(
        batch, [(existing[s.key_index], s.amount_cents) for s in chunk if s.key_index in existing]
    )
    return len(chunk) - len(existing), len(existing)


def _create_accounts(batch: ImportBatch, new: list[SealedAccount], entry_tail: tuple[Any, ...]) -> None:
    """Give the sealed consumers, accounts, phones and placement entries their ids and stream them in."""
    if not new:
        return
    consumer_ids = allocate_ids(Consumer, len(new))
    account_ids = allocate_ids(Account, len(new))
    pairs = list(zip(consumer_ids, new, strict=True))
    copy_rows(Consumer, ((cid, *sealed.consumer) for cid, sealed in pairs), columns=CONSUMER_COLUMNS)
    copy_rows(
        Account,
        ((aid, cid, *sealed.account) for aid, (cid, sealed) in zip(account_ids, pairs, strict=True)),
        columns=ACCOUNT_COLUMNS,
    )
    copy_rows(
        ConsumerPhone,
        ((cid, *phone) for cid, sealed in pairs for phone in sealed.phones),
        columns=PHONE_COLUMNS,
    )
    copy_rows(
        LedgerEntry,
        ((aid, sealed.amount_cents, *entry_tail) for aid, sealed in zip(account_ids, new, strict=True)),
        columns=ENTRY_COLUMNS,
    )


def _update_balances(batch: ImportBatch, pairs: list[tuple[Any, int]]) -> None:
    """A newer export moves balances through ledger entries: lower = payment, higher = adjustment."""
    if not pairs:
        return
    entries = []
    for row, amount_cents in pairs:
        delta = amount_cents - row["balance_cents"]
        if delta:
            entries.append(
                LedgerEntry(
                    practice_id=batch.practice_id,
                    account_id=row["id"],
                    kind=EntryKind.PAYMENT if delta < 0 else EntryKind.ADJUSTMENT,
                    amount_cents=delta,
                    effective_on=batch.as_of,
                    import_batch=batch,
                    memo="balance change reported by the practice's export",
                )
            )
    LedgerEntry.objects.bulk_create(entries)
    accounts = [
        Account(id=row["id"], balance_cents=amount_cents, last_seen_batch=batch, missing_since_batch=None)
        for row, amount_cents in pairs
    ]
    Account.objects.bulk_update(accounts, ["balance_cents", "last_seen_batch", "missing_since_batch"])


def _record_rejections(batch: ImportBatch, result: ImportResult) -> None:
    """Row number, reason and the file's account key (encrypted) of every rejected record. An analysis
    upload keeps no identifier at all, not even the practice's account number."""
    keep_keys = batch.mode == ImportMode.PLACEMENT
    seal = crypto.sealer(f"{ImportRejection._meta.label}.account_key")

    def rows():  # type: ignore[no-untyped-def]
        for rejected in result.rejected_rows:
            row_uid = str(uuid.uuid4())
            key = rejected.account_key if keep_keys else None
            yield {
                "row_uid": row_uid,
                "batch_id": batch.pk,
                "row_number": rejected.row_number,
                "account_key": seal(key, row_uid),
                "reason": str(rejected.reason),
            }

    insert_rows(
        ImportRejection, rows(), columns=("row_uid", "batch_id", "row_number", "account_key", "reason")
    )


def _mark_missing_accounts(batch: ImportBatch) -> int:
    """Open accounts that this newer export no longer lists are flagged for the practice to confirm
    (paid or recalled). Nothing is closed silently."""
    return (
        Account.objects.filter(
            practice_id=batch.practice_id, status__in=[AccountStatus.REVIEW, AccountStatus.PLACED]
        )
        .exclude(last_seen_batch=batch)
        .update(missing_since_batch=batch)
    )


def _finish(
    batch: ImportBatch,
    *,
    status: str,
    result: ImportResult | None = None,
    counts: ImportCounts | None = None,
    missing: int = 0,
    duplicate_of: ImportBatch | None = None,
    error_detail: str = "",
) -> ImportBatch:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.duplicate_of = duplicate_of
    fields = ["status", "finished_at", "duplicate_of"]
    if result is not None:
        batch.preset = result.preset
        batch.error_code = result.file_error.value if result.file_error else ""
        batch.error_detail = result.file_error_detail
        batch.report = import_report(result, counts=counts, missing=missing)
        batch.accounts_imported = counts.created if counts else 0
        batch.accounts_updated = counts.updated if counts else 0
        batch.accounts_rejected = result.accounts_rejected_total
        batch.total_imported_cents = result.total_imported_cents if counts else 0
        fields += [
            "preset",
            "error_code",
            "error_detail",
            "report",
            "accounts_imported",
            "accounts_updated",
            "accounts_rejected",
            "total_imported_cents",
        ]
    if error_detail:
        batch.error_detail = error_detail
        fields.append("error_detail")
    batch.save(update_fields=fields)
    progress_set(progress_key(batch.pk), done=1, total=1, stage="done")
    return batch


def import_report(result: ImportResult, *, counts: ImportCounts | None, missing: int) -> dict:
    """The batch's report: the contract's counters plus what was dropped and changed. No PHI."""
    summary = result.summary() if result.finished or result._started else {}
    return {
        **summary,
        "preset": result.preset,
        "file_error": result.file_error.value if result.file_error else None,
        "dropped_columns": list(result.dropped_columns),
        "notices": list(result.notices),
        "accounts_created": counts.created if counts else 0,
        "accounts_updated": counts.updated if counts else 0,
        "accounts_missing_from_file": missing,
    }


# --------------------------------------------------------------------------- confirm


@transaction.atomic
def import_batch_confirm(*, actor: User | None, batch: ImportBatch) -> int:
    """The practice reviewed the report and places the accounts: `placed_at` starts the clock."""
    if batch.status != ImportStatus.IMPORTED or batch.mode != ImportMode.PLACEMENT:
        raise ValueError("Only an imported placement batch can be confirmed")
    now = timezone.now()
    placed = Account.objects.filter(import_batch=batch, status=AccountStatus.REVIEW).update(
        status=AccountStatus.PLACED, placed_at=now
    )
    batch.status = ImportStatus.CONFIRMED
    batch.confirmed_at = now
    batch.confirmed_by = actor
    batch.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit_record(
        action=AuditAction.IMPORT_CONFIRM,
        actor=actor,
        practice=batch.practice,
        target=batch,
        after={"placed": placed},
    )
    return placed


def ledger_balance_mismatches(account_ids: Iterable[int] | None = None) -> list[int]:
    """Accounts whose cached balance differs from the sum of their entries (should be none)."""
    from django.db.models import Sum

    accounts = Account.objects.annotate(ledger=Sum("entries__amount_cents"))
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    return [a.pk for a in accounts if a.ledger != a.balance_cents]


# --------------------------------------------------------------------------- preview and mapping


@dataclass
class ImportPreview:
    preset: str
    file_error: str | None
    file_error_detail: str
    column_map: dict[str, str]
    dropped_columns: list[str]
    header: list[str]
    rows: list[dict[str, str]]


def _mask(value: str | None) -> str:
    """Show enough to recognise a row, never a whole identifier: 'Jane Smith' -> 'J*** S****'."""
    if not value:
        return ""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in str(value).split())


def import_preview(*, batch: ImportBatch, rows: int = 5) -> ImportPreview:
    """What auto-detection found and the first accepted rows, identifiers masked."""
    data = open_upload(batch)
    result = parse_export(
        data,
        as_of=batch.as_of,
        preset=batch.requested_preset,
        mapping=batch.mapping or None,
        chunk_rows=rows,
        deidentified=batch.mode == ImportMode.ANALYSIS,
    )
    header = _header_row_for_mapping(data) if result.file_error else list(result.column_map)
    preview_rows: list[dict[str, str]] = []
    if result.file_error is None:
        first = next(iter(result.iter_account_chunks()), [])
        preview_rows = [
            {
                "row": str(acc.row_number),
                "name": _mask(acc.full_name),
                "address": _mask(acc.address1),
                "city": acc.city or "",
                "state": acc.state or "",
                "phone": f"***-***-{acc.phones[0].number[-4:]}" if acc.phones else "",
                "email": ("***@" + acc.email.split("@", 1)[1]) if acc.email else "",
                "amount": f"${acc.amount_cents / 100:,.2f}",
            }
            for acc in first[:rows]
        ]
    return ImportPreview(
        preset=result.preset,
        file_error=result.file_error.value if result.file_error else None,
        file_error_detail=result.file_error_detail,
        column_map=dict(result.column_map),
        dropped_columns=list(result.dropped_columns),
        header=header,
        rows=preview_rows,
    )


def _header_row_for_mapping(data: IO[bytes]) -> list[str]:
    """The first row that looks like headings (three or more non-empty text cells)."""
    from balances.imports.sniff import SniffError, sniff

    try:
        sniffed = sniff(data)
    except SniffError:
        return []
    try:
        for _, row in sniffed.iter_rows():
            cells = [c.strip() for c in (row or [])]
            if sum(1 for c in cells if c and not c.replace(".", "").replace(",", "").isdigit()) >= 3:
                return [c for c in cells if c]
            if _ > 30:
                break
    finally:
        sniffed.close()
    return []


def header_signature(headers: Iterable[str]) -> str:
    normalised = "|".join(h.strip().lower() for h in headers)
    return hashlib.sha256(normalised.encode()).hexdigest()


@transaction.atomic
def import_batch_set_mapping(*, actor: User, batch: ImportBatch, columns: dict[str, str]) -> ImportBatch:
    """Use this mapping for the batch and remember it for the practice's next file of the same layout."""
    from balances.models import ColumnMapping

    kept = {header: field for header, field in columns.items() if field}
    ColumnMapping.objects.update_or_create(
        practice=batch.practice, header_signature=header_signature(columns), defaults={"columns": kept}
    )
    batch.mapping = {"columns": {h: (f or "discard") for h, f in columns.items()}}
    batch.save(update_fields=["mapping"])
    return batch


def saved_mapping_for(*, batch: ImportBatch) -> dict | None:
    from balances.models import ColumnMapping

    header = _header_row_for_mapping(open_upload(batch))
    saved = ColumnMapping.objects.filter(
        practice=batch.practice, header_signature=header_signature(header)
    ).first()
    return {"columns": {h: saved.columns.get(h, "discard") for h in header}} if saved else None


def import_batch_start(*, batch: ImportBatch) -> None:
    """The practice manager looked at the preview and starts the import."""
    from balances.tasks import import_batch_run_task

    if batch.status == ImportStatus.QUEUED:
        transaction.on_commit(lambda: import_batch_run_task.delay(batch.pk))


def import_uploads_purge_stale(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Uploads that were never started are PHI kept for nothing: delete them and say so on the batch.
    The claim is a conditional update, so a batch started meanwhile is left alone."""
    cutoff = timezone.now() - older_than
    stale = list(
        ImportBatch.objects.filter(status=ImportStatus.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    expired = ImportBatch.objects.filter(pk__in=stale, status=ImportStatus.QUEUED).update(
        status=ImportStatus.EXPIRED,
        finished_at=timezone.now(),
        error_detail="The upload was not started within a day and was deleted; nothing was imported.",
    )
    ImportUploadChunk.objects.filter(batch_id__in=stale, batch__status=ImportStatus.EXPIRED).delete()
    return expired
