"""The encrypted balance ledger (DESIGN.md §5).

Direct identifiers live only in encrypted columns; the plaintext columns hold what the compliance
gate, scoring and reports need without decrypting (state, ZIP3, possible time zones, which channels
exist). Money is integer cents; Reg F dates are dates.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from kinum.fields import BlindIndexField, EncryptedDateField, EncryptedModel, EncryptedTextField

# Bulk pointers: a foreign key on an import-written table (one row per account, a million per file)
# that points at a practice or an import batch, when the row's parent already carries a checked FK.
# A database FK check costs PostgreSQL a trigger and a locking look-up per row: measured, the import's
# twelve checks per account took more server time than the COPYs themselves. Practices and batches
# are never deleted (PROTECT, no delete in the admin) and these ids are set by the import service
# from the batch, never from input; balances/tests/test_import_persistence.py checks that every such
# pointer agrees with its parent after imports. Django still enforces PROTECT on delete.


class Segment(models.TextChoices):
    """Explainable outreach segments (balances.scoring.segments holds the rules and cadences)."""

    QUICK_WIN = "quick_win", "Quick win"
    STANDARD = "standard", "Standard"
    PAYMENT_PLAN = "payment_plan", "Payment-plan candidate"
    LONG_SHOT = "long_shot", "Long shot"
    HARD_TO_REACH = "hard_to_reach", "Hard to reach"


class AccountStatus(models.TextChoices):
    REVIEW = "review", "Awaiting the practice's confirmation"
    PLACED = "placed", "Placed"
    IN_PLAN = "in_plan", "On a payment plan"
    DISPUTED = "disputed", "Disputed"
    PAID = "paid", "Paid"
    CLOSED = "closed", "Closed"
    RECALLED = "recalled", "Recalled by the practice"


class EntryKind(models.TextChoices):
    PLACEMENT = "placement", "Placement"
    PAYMENT = "payment", "Payment"
    ADJUSTMENT = "adjustment", "Adjustment"
    FEE = "fee", "Fee"
    RECALL = "recall", "Recall"
    WRITE_OFF = "write_off", "Write-off"


class ImportMode(models.TextChoices):
    PLACEMENT = "placement", "Placement (accounts for outreach)"
    ANALYSIS = "analysis", "No-obligation analysis (de-identified)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    IMPORTED = "imported", "Imported: awaiting review"
    CONFIRMED = "confirmed", "Placement confirmed"
    REFUSED = "refused", "Refused (file problem)"
    FAILED = "failed", "Failed (nothing imported)"
    ALREADY_IMPORTED = "already_imported", "Already imported"
    EXPIRED = "expired", "Expired: never started, upload deleted"


class ImportBatch(models.Model):
    """One uploaded export and what became of it. The report holds counts and codes, never PHI."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    mode = models.CharField(max_length=16, choices=ImportMode.choices, default=ImportMode.PLACEMENT)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(default=0)
    original_filename = models.CharField(max_length=255, blank=True)
    requested_preset = models.CharField(max_length=64, default="auto")
    mapping = models.JSONField(default=dict, blank=True)
    as_of = models.DateField()
    preset = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    accounts_imported = models.IntegerField(default=0)
    accounts_updated = models.IntegerField(default=0)
    accounts_rejected = models.IntegerField(default=0)
    total_imported_cents = models.BigIntegerField(default=0)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["practice", "file_sha256"]),
            models.Index(fields=["practice", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def awaiting_start(self) -> bool:
        """Uploaded, not yet started by the practice manager, and its file is still here."""
        return self.status == ImportStatus.QUEUED and self.upload_chunks.exists()


class ImportRejection(EncryptedModel):
    """One rejected record of a batch: row number, the file's account key (encrypted), reason code."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.IntegerField()
    account_key = EncryptedTextField(blank=True, null=True)
    reason = models.CharField(max_length=32)

    class Meta:
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"


class ColumnMapping(models.Model):
    """A practice's saved mapping for a file layout that auto-detection did not know."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="column_mappings"
    )
    header_signature = models.CharField(max_length=64, help_text="SHA-256 of the normalised header row")
    columns = models.JSONField(help_text='{"<header in file>": "<canonical field>"}')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "header_signature"], name="uniq_mapping_per_layout")
        ]

    def __str__(self) -> str:
        return f"mapping {self.header_signature[:8]} for practice {self.practice_id}"


class Consumer(EncryptedModel):
    """The responsible party (guarantor) at one practice."""

    # Index economy (the import writes a row per consumer): the practice FK and the key are covered by
    # the unique (practice, account key) constraint; the e-mail index by (practice, email_index).
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="consumers", db_index=False
    )
    account_key_index = BlindIndexField()
    full_name = EncryptedTextField(blank=True, null=True)
    first_name = EncryptedTextField(blank=True, null=True)
    last_name = EncryptedTextField(blank=True, null=True)
    address1 = EncryptedTextField(blank=True, null=True)
    address2 = EncryptedTextField(blank=True, null=True)
    city = EncryptedTextField(blank=True, null=True)
    zip_code = EncryptedTextField(blank=True, null=True)
    email = EncryptedTextField(blank=True, null=True)
    email_index = BlindIndexField()
    dob = EncryptedDateField(blank=True, null=True)
    # Plaintext derived fields (not identifiers on their own) that the gate and scoring read.
    state = models.CharField(max_length=2, blank=True)
    zip3 = models.CharField(max_length=3, blank=True)
    time_zones = models.JSONField(default=list, blank=True, help_text="Possible IANA zones of the consumer")
    has_mobile = models.BooleanField(default=False)
    has_email = models.BooleanField(default=False)
    has_mailing_address = models.BooleanField(default=False)
    language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account_key_index"], name="uniq_consumer_key_per_practice"
            )
        ]
        indexes = [models.Index(fields=["practice", "email_index"], name="consumer_email_idx")]

    def __str__(self) -> str:
        return f"Consumer #{self.pk}"  # never the name: str() ends up in logs


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    HOME = "home", "Home"
    WORK = "work", "Work"
    UNKNOWN = "unknown", "Unknown type"


class ConsumerPhone(EncryptedModel):
    # Denormalised from the consumer for the (practice, number) look-up. No database FK check (see
    # "Bulk pointers" above): the consumer FK is checked, and the consumer's own practice FK with it.
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="phones")
    number = EncryptedTextField()
    number_index = BlindIndexField()
    kind = models.CharField(max_length=8, choices=PhoneKind.choices)
    area_code = models.CharField(max_length=3, help_text="For the time-zone rule; not an identifier alone")

    class Meta:
        indexes = [models.Index(fields=["practice", "number_index"], name="consumerphone_number_idx")]

    def __str__(self) -> str:
        return f"Phone #{self.pk} ({self.kind})"


class Account(models.Model):
    """One placed debt (the unit Reg F counts calls against)."""

    # FK indexes that the composite indexes below already cover, or that no query uses, are left out:
    # every index costs the import a random insert per account.
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="accounts", db_index=False
    )
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="accounts")
    account_key_index = BlindIndexField()
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="accounts",
        db_index=False,
        db_constraint=False,
    )
    last_seen_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.REVIEW)
    placed_amount_cents = models.BigIntegerField()
    balance_cents = models.BigIntegerField(help_text="Cache of the sum of ledger entries")
    total_balance_cents = models.BigIntegerField(null=True, blank=True)
    insurance_estimate_cents = models.BigIntegerField(null=True, blank=True)
    last_payment_on = models.DateField(null=True, blank=True)
    last_payment_cents = models.BigIntegerField(null=True, blank=True)
    last_statement_on = models.DateField(null=True, blank=True)
    first_service_on = models.DateField(null=True, blank=True)
    last_service_on = models.DateField(null=True, blank=True)
    balance_began_on = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=120, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    placed_at = models.DateTimeField(
        null=True, blank=True, help_text="Starts the time-to-first-contact clock"
    )
    missing_since_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        help_text="A newer export did not list this account: the practice confirms paid or recalled",
    )  # fmt: skip
    aging_days = models.IntegerField(
        null=True,
        blank=True,
        help_text="Age implied by the export's aging buckets (balances.scoring.features)",
    )
    # The practice may keep an account out of outreach (audited: account.exclude / account.include).
    excluded_from_outreach = models.BooleanField(default=False)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    excluded_reason = models.CharField(max_length=200, blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account_key_index"], name="uniq_account_key_per_practice"
            ),
            models.CheckConstraint(
                condition=models.Q(placed_amount_cents__gt=0), name="placed_amount_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status"]),
            models.Index(fields=["import_batch", "status"]),
            # Only the few accounts a newer export left out are in this index.
            models.Index(
                fields=["practice"],
                condition=models.Q(missing_since_batch__isnull=False),
                name="account_missing_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Account #{self.pk}"


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Ledger entries are append-only: post a correcting entry instead")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Ledger entries are append-only: post a correcting entry instead")


class LedgerEntry(models.Model):
    """Append-only money movement; an account's balance is the sum of its entries."""

    # Covered by the (practice, kind) and (account, effective_on) indexes. Denormalised from the
    # account (whose FK is checked); no database FK check of its own (see "Bulk pointers").
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    amount_cents = models.BigIntegerField(help_text="Signed: placements add, payments subtract")
    effective_on = models.DateField()
    # No index either: no query selects entries by batch, and batches are never deleted.
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False, db_index=False
    )
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "effective_on"]),
            models.Index(fields=["practice", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_cents} on account #{self.account_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Ledger entries are append-only")


class ImportUploadChunk(models.Model):
    """One 1 MiB piece of an uploaded file, AES-GCM encrypted (the file is PHI; see
    kinum.encrypted_stream). Kept in the database so any worker host can read it; deleted once the
    import has run."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="upload_chunks")
    index = models.PositiveIntegerField()
    blob = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="uniq_upload_chunk")]

    def __str__(self) -> str:
        return f"Upload chunk {self.index} of batch #{self.batch_id}"


class AccountScore(models.Model):
    """The latest score of an account (balances.scoring). Derived data, rewritten wholesale per practice
    by the scoring task (delete + COPY), so it lives beside Account rather than in it: rewriting a million
    of these narrow rows is cheap, rewriting a million wide, heavily indexed Account rows is not."""

    # No database-level FK checks on this derived table (db_constraint=False): a million COPYed rows
    # would each fire a constraint trigger. The rows are written only by the scorer from live accounts.
    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="score", db_constraint=False
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    probability = models.FloatField(help_text="P(resolves within 180 days)")
    expected_cents = models.BigIntegerField()
    segment = models.CharField(max_length=16, choices=Segment.choices)
    flags = models.IntegerField(default=0, help_text="Reason bits (balances.scoring.features.Flag)")
    age_days = models.IntegerField(null=True, blank=True, help_text="Age of the balance at placement")
    model_version = models.CharField(max_length=64)
    scored_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["practice", "segment"])]

    def __str__(self) -> str:
        return f"Score of account #{self.account_id}"


class ScoringModel(models.Model):
    """One version of a practice's likelihood model: the documented prior, or the prior calibrated on
    the practice's own resolved outcomes. Every score carries the `version` it was made with."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="scoring_models"
    )
    version = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, help_text="prior or calibrated")
    params = models.JSONField(default=dict, help_text="Coefficients and their covariance; no PHI")
    outcomes = models.IntegerField(default=0, help_text="Resolved outcomes the calibration used")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["practice", "version"], name="uniq_model_version")]

    def __str__(self) -> str:
        return self.version


class SegmentExclusion(models.Model):
    """The practice keeps a whole segment out of outreach (audited)."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="segment_exclusions"
    )
    segment = models.CharField(max_length=16, choices=Segment.choices)
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "segment"], name="uniq_segment_exclusion")]

    def __str__(self) -> str:
        return f"{self.segment} excluded at practice {self.practice_id}"


class AnalysisAccount(models.Model):
    """One account of a de-identified analysis upload: amounts, dates, ZIP3 and which channels exist.

    No name, street, phone, email, date of birth or account number is stored here, not even encrypted.
    Rows are purged when the practice declines the analysis.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="analysis_accounts")
    amount_cents = models.BigIntegerField()
    total_balance_cents = models.BigIntegerField(null=True, blank=True)
    insurance_estimate_cents = models.BigIntegerField(null=True, blank=True)
    last_payment_on = models.DateField(null=True, blank=True)
    last_payment_cents = models.BigIntegerField(null=True, blank=True)
    last_statement_on = models.DateField(null=True, blank=True)
    first_service_on = models.DateField(null=True, blank=True)
    last_service_on = models.DateField(null=True, blank=True)
    balance_began_on = models.DateField(null=True, blank=True)
    aging_days = models.IntegerField(null=True, blank=True, help_text="Age implied by the aging buckets")
    zip3 = models.CharField(max_length=3, blank=True)
    has_mobile = models.BooleanField(default=False)
    has_phone = models.BooleanField(default=False)
    has_email = models.BooleanField(default=False)
    has_mailing_address = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["batch"])]

    def __str__(self) -> str:
        return f"Analysis account #{self.pk}"


class AnalysisDecision(models.TextChoices):
    PENDING = "pending", "Awaiting the practice's decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined (analysis data purged)"


class AnalysisReview(models.Model):
    """The practice's answer to a projection. Holds aggregates only (no account rows, no PHI)."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.PROTECT, related_name="analysis_review")
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        max_length=16, choices=AnalysisDecision.choices, default=AnalysisDecision.PENDING
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(
        default=dict, blank=True, help_text="Projection headline figures at decision time"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Analysis review of batch {self.batch_id}: {self.decision}"
