"""Every write of scoring: calibrate a practice's model, score its accounts set-based, exclusions."""

from __future__ import annotations

import datetime as dt
import io
import time

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from balances.models import (
    Account,
    AccountScore,
    AccountStatus,
    EntryKind,
    LedgerEntry,
    ScoringModel,
    Segment,
    SegmentExclusion,
)
from balances.scoring.features import INPUT_COLUMNS, LEDGER_FIELDS, compute_features
from balances.scoring.model import enough_outcomes, fit
from balances.scoring.score import score_frame
from balances.scoring.selectors import account_input_chunks, scoring_model_current
from compliance.audit import audit_record
from compliance.models import AuditAction
from kinum.locks import lock_until_commit
from practices.models import Practice

OUTCOME_WINDOW_DAYS = 180


# --------------------------------------------------------------------------- calibration


def resolved_outcomes(*, practice_id: int, now: dt.datetime | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Inputs at placement and outcomes (1 = paid in full within 180 days, or on a payment plan) of the
    practice's placed accounts whose 180-day window has closed, plus those already paid."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=OUTCOME_WINDOW_DAYS)
    accounts = list(
        Account.objects.filter(practice_id=practice_id, placed_at__isnull=False)
        .filter(Q(placed_at__lte=cutoff) | Q(status=AccountStatus.PAID))
        .values_list(
            "id",
            "placed_amount_cents",
            "insurance_estimate_cents",
            "total_balance_cents",
            "last_payment_on",
            "last_statement_on",
            "first_service_on",
            "last_service_on",
            "balance_began_on",
            "aging_days",
            "placed_at",
            "consumer__has_mobile",
            "consumer__has_email",
            "consumer__has_mailing_address",
            "status",
        )
    )
    if not accounts:
        return pd.DataFrame(columns=list(INPUT_COLUMNS)), np.zeros(0)
    raw = pd.DataFrame.from_records(
        accounts,
        columns=[
            "id",
            *LEDGER_FIELDS,
            "placed_at",
            "has_mobile",
            "has_email",
            "has_mailing_address",
            "status",
        ],
    )
    raw["ref_date"] = pd.to_datetime(raw["placed_at"], utc=True).dt.tz_localize(None).dt.normalize()
    raw["in_plan"] = False
    payments = pd.DataFrame.from_records(
        LedgerEntry.objects.filter(account_id__in=raw["id"].tolist(), kind=EntryKind.PAYMENT).values_list(
            "account_id", "effective_on", "amount_cents"
        ),
        columns=["id", "effective_on", "amount_cents"],
    )
    paid = pd.Series(0.0, index=raw["id"])
    if not payments.empty:
        payments = payments.merge(raw[["id", "ref_date"]], on="id")
        in_window = pd.to_datetime(payments["effective_on"]) <= payments["ref_date"] + pd.Timedelta(
            days=OUTCOME_WINDOW_DAYS
        )
        paid = paid.add(-payments[in_window].groupby("id")["amount_cents"].sum(), fill_value=0.0)
    resolved = (raw["status"].isin([AccountStatus.PAID, AccountStatus.IN_PLAN]).to_numpy()) | (
        paid.reindex(raw["id"]).to_numpy() >= raw["amount_cents"].to_numpy()
    )
    return raw[list(INPUT_COLUMNS)], resolved.astype(float)


@transaction.atomic
def scoring_model_calibrate(*, practice_id: int, now: dt.datetime | None = None) -> ScoringModel | None:
    """Fit the practice's model on its own outcomes once there are enough; None while there are not."""
    inputs, outcome = resolved_outcomes(practice_id=practice_id, now=now)
    if not enough_outcomes(outcome):
        return None
    model = fit(compute_features(inputs), outcome, prefix=f"cal-p{practice_id}")
    row, _ = ScoringModel.objects.get_or_create(
        practice_id=practice_id,
        version=model.version,
        defaults={"kind": model.kind, "params": model.params(), "outcomes": model.outcomes},
    )
    return row


# --------------------------------------------------------------------------- scoring at scale


def scoring_run(*, practice_id: int, calibrate: bool = True, chunk_size: int = 100_000) -> dict[str, object]:
    """Score every open account of a practice: read in id-ordered chunks, score vectorised, and rewrite
    the practice's AccountScore rows in the same transaction (COPY on PostgreSQL)."""
    started = time.perf_counter()
    if calibrate:
        scoring_model_calibrate(practice_id=practice_id)
    model = scoring_model_current(practice_id=practice_id)
    scored = 0
    with transaction.atomic():
        # Two runs for one practice (an import's and the nightly one) would both delete the old
        # scores and then both COPY new ones: the second would hit the first's rows. One at a time.
        lock_until_commit(f"kinum.scoring:{practice_id}")
        stage = _ScoreStage(practice_id=practice_id, model_version=model.version, scored_at=timezone.now())
        for inputs in account_input_chunks(practice_id=practice_id, chunk_size=chunk_size):
            stage.add(score_frame(inputs, model))
            scored += len(inputs)
        updated = stage.written
    return {
        "practice_id": practice_id,
        "scored": scored,
        "updated": updated,
        "model_version": model.version,
        "seconds": round(time.perf_counter() - started, 3),
    }


class _ScoreStage:
    """Rewrites a practice's AccountScore rows: delete, then COPY (PostgreSQL) or executemany (SQLite)."""

    COLUMNS = (
        "account_id",
        "practice_id",
        "probability",
        "expected_cents",
        "segment",
        "flags",
        "age_days",
        "model_version",
        "scored_at",
    )

    def __init__(self, *, practice_id: int, model_version: str, scored_at: dt.datetime) -> None:
        self.practice_id = practice_id
        self.model_version = model_version
        self.scored_at = scored_at
        self.written = 0
        AccountScore.objects.filter(practice_id=practice_id)._raw_delete(AccountScore.objects.db)

    def add(self, scores: pd.DataFrame) -> None:
        age = scores["age_days"].astype("Int64").where(scores["age_days"] >= 0)
        frame = pd.DataFrame(
            {
                "account_id": scores.index.to_numpy(dtype=np.int64),
                "practice_id": self.practice_id,
                "probability": scores["probability"].round(6).to_numpy(),
                "expected_cents": scores["expected_cents"].to_numpy(),
                "segment": scores["segment"].to_numpy(),
                "flags": scores["flags"].to_numpy(),
                "age_days": age.to_numpy(),
                "model_version": self.model_version,
                "scored_at": self.scored_at.isoformat(),
            }
        )
        table = AccountScore._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N")
                with cursor.cursor.copy(f"COPY {table} ({', '.join(self.COLUMNS)}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                rows = [
                    tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)
                ]
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(self.COLUMNS)}) VALUES ({', '.join(['%s'] * 9)})",  # noqa: S608
                    rows,
                )
        self.written += len(frame)


# --------------------------------------------------------------------------- exclusions (audited)


@transaction.atomic
def account_exclusion_set(*, actor: User, account: Account, excluded: bool, reason: str = "") -> Account:
    """Keep one account out of outreach (or let it back in). The practice may say why."""
    before = {"excluded": account.excluded_from_outreach, "reason": account.excluded_reason}
    account.excluded_from_outreach = excluded
    account.excluded_by = actor if excluded else None
    account.excluded_reason = reason[:200] if excluded else ""
    account.excluded_at = timezone.now() if excluded else None
    account.save(update_fields=["excluded_from_outreach", "excluded_by", "excluded_reason", "excluded_at"])
    audit_record(
        action=AuditAction.ACCOUNT_EXCLUDE if excluded else AuditAction.ACCOUNT_INCLUDE,
        actor=actor,
        practice=account.practice,
        target=account,
        before=before,
        after={"excluded": excluded, "reason": account.excluded_reason},
    )
    return account


@transaction.atomic
def segment_exclusion_set(
    *, actor: User, practice: Practice, segment: str, excluded: bool, reason: str = ""
) -> SegmentExclusion | None:
    """Keep a whole segment out of outreach (or let it back in)."""
    segment = Segment(segment).value
    existing = SegmentExclusion.objects.filter(practice=practice, segment=segment).first()
    if excluded and existing is None:
        existing = SegmentExclusion.objects.create(
            practice=practice, segment=segment, excluded_by=actor, reason=reason[:200]
        )
    elif not excluded and existing is not None:
        existing.delete()
        existing = None
    audit_record(
        action=AuditAction.SEGMENT_EXCLUDE if excluded else AuditAction.SEGMENT_INCLUDE,
        actor=actor,
        practice=practice,
        target_label=f"segment {segment}",
        after={"segment": segment, "excluded": excluded, "reason": reason[:200] if excluded else ""},
    )
    return existing
