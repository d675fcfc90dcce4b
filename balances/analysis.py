"""The no-obligation analysis: de-identified persistence, projection, and the practice's decision.

In analysis mode only amounts, dates, the 3-digit ZIP and which contact channels exist are kept.
Names, streets, phone numbers, emails, dates of birth and account numbers never reach the database,
not even encrypted: `analysis_persist` copies only those columns out of each parsed account, and it
blanks the account keys of rejected rows before the import records them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from balances.imports import ImportResult
from balances.imports.pipeline import RejectedRow
from balances.models import (
    AnalysisAccount,
    AnalysisDecision,
    AnalysisReview,
    ImportBatch,
    ImportMode,
    ImportStatus,
)
from balances.scoring.features import aging_days_from_buckets
from balances.scoring.projection import Fees, project_recovery
from balances.scoring.segments import DEFAULT_CONTINGENCY_BPS, DEFAULT_FIXED_FEE_CENTS
from balances.scoring.selectors import batch_inputs, scoring_model_current
from balances.services import ImportCounts
from compliance.audit import audit_record
from compliance.models import AuditAction
from practices.models import Practice, PracticeStatus


class AnalysisDecisionError(Exception):
    """The analysis cannot take this decision (not an analysis, not imported, already decided)."""


def analysis_persist(*, batch: ImportBatch, result: ImportResult) -> ImportCounts:
    """Store the accepted accounts of an analysis upload, de-identified, chunk by chunk."""
    if batch.mode != ImportMode.ANALYSIS:
        raise ValueError("analysis_persist is for analysis batches only")
    counts = ImportCounts()
    for chunk in result.iter_account_chunks():
        AnalysisAccount.objects.bulk_create(
            AnalysisAccount(
                practice_id=batch.practice_id,
                batch=batch,
                amount_cents=parsed.amount_cents,
                total_balance_cents=parsed.total_balance_cents,
                insurance_estimate_cents=parsed.insurance_estimate_cents,
                last_payment_on=parsed.last_payment_date,
                last_payment_cents=parsed.last_payment_cents,
                last_statement_on=parsed.last_statement_date,
                first_service_on=parsed.first_service_date,
                last_service_on=parsed.last_service_date,
                balance_began_on=parsed.date_balance_began,
                aging_days=aging_days_from_buckets(
                    parsed.bal_0_30_cents,
                    parsed.bal_31_60_cents,
                    parsed.bal_61_90_cents,
                    parsed.bal_over_90_cents,
                ),
                zip3=(parsed.zip or "")[:3],
                has_mobile=any(p.kind == "mobile" for p in parsed.phones),
                has_phone=bool(parsed.phones),
                has_email=bool(parsed.email),
                has_mailing_address=bool(parsed.address1 and parsed.city and parsed.zip),
            )
            for parsed in chunk
        )
        counts.created += len(chunk)
        counts.rows_done = chunk[-1].row_number if chunk else counts.rows_done
    # The import records rejected rows next; in this mode they keep their row number and reason only.
    result.rejected_rows[:] = [RejectedRow(row.row_number, "", row.reason) for row in result.rejected_rows]
    AnalysisReview.objects.get_or_create(batch=batch, defaults={"practice_id": batch.practice_id})
    return counts


def practice_fees(practice: Practice) -> Fees:
    return Fees(
        contingency_bps=practice.contingency_bps or DEFAULT_CONTINGENCY_BPS,
        fixed_fee_cents=practice.fixed_fee_cents or DEFAULT_FIXED_FEE_CENTS,
    )


def batch_projection(batch: ImportBatch, *, runs: int = 2000) -> dict:
    """The projection of a batch's accounts (analysis or placement) under the practice's current model."""
    inputs, channels = batch_inputs(batch)
    model = scoring_model_current(practice_id=batch.practice_id)
    projection = project_recovery(inputs, channels, model, fees=practice_fees(batch.practice), runs=runs)
    projection["batch_id"] = batch.pk
    projection["as_of"] = batch.as_of.isoformat()
    return projection


def _review_for_decision(batch: ImportBatch) -> AnalysisReview:
    if batch.mode != ImportMode.ANALYSIS or batch.status != ImportStatus.IMPORTED:
        raise AnalysisDecisionError("Only an imported analysis can be approved or declined.")
    review, _ = AnalysisReview.objects.select_for_update().get_or_create(
        batch=batch, defaults={"practice_id": batch.practice_id}
    )
    if review.decision != AnalysisDecision.PENDING:
        raise AnalysisDecisionError("This analysis has already been decided.")
    return review


def _headline(projection: dict) -> dict:
    return {
        "accounts": projection["accounts"],
        "placed_cents": projection["placed_cents"],
        "expected_cents": projection["expected_cents"],
        "model_version": projection["model_version"],
    }


@transaction.atomic
def analysis_approve(*, actor: User, batch: ImportBatch) -> AnalysisReview:
    """The practice accepts the projection: it becomes active and is asked for its placement file."""
    review = _review_for_decision(batch)
    summary = _headline(batch_projection(batch, runs=500))
    practice = batch.practice
    before = {"practice_status": practice.status}
    if practice.status != PracticeStatus.ACTIVE:
        practice.status = PracticeStatus.ACTIVE
        practice.save(update_fields=["status"])
    review.decision = AnalysisDecision.APPROVED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.summary = summary
    review.save(update_fields=["decision", "decided_by", "decided_at", "summary"])
    audit_record(
        action=AuditAction.ANALYSIS_APPROVE,
        actor=actor,
        practice=practice,
        target=batch,
        before=before,
        after={"practice_status": practice.status, **summary},
    )
    return review


@transaction.atomic
def analysis_decline(*, actor: User, batch: ImportBatch) -> AnalysisReview:
    """The practice declines: every analysis row of the batch is purged; the decision is kept."""
    review = _review_for_decision(batch)
    purged, _ = AnalysisAccount.objects.filter(batch=batch).delete()
    review.decision = AnalysisDecision.DECLINED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.summary = {"purged_accounts": purged}
    review.save(update_fields=["decision", "decided_by", "decided_at", "summary"])
    audit_record(
        action=AuditAction.ANALYSIS_DECLINE,
        actor=actor,
        practice=batch.practice,
        target=batch,
        after={"purged_accounts": purged},
    )
    return review
