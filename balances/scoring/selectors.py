"""Reads for scoring, segments and projections: frames of allowed columns, fetched set-based."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from balances.models import (
    Account,
    AccountScore,
    AccountStatus,
    AnalysisAccount,
    AnalysisReview,
    ConsumerPhone,
    ImportBatch,
    ImportMode,
    ScoringModel,
    SegmentExclusion,
)
from balances.scoring.features import INPUT_COLUMNS, LEDGER_FIELDS
from balances.scoring.model import LikelihoodModel
from practices.models import Practice

#: Accounts the scorer keeps up to date (resolved and recalled accounts keep their last score).
OPEN_STATUSES = (AccountStatus.REVIEW, AccountStatus.PLACED, AccountStatus.IN_PLAN, AccountStatus.DISPUTED)
_ACCOUNT_COLUMNS = (
    "id",
    "balance_cents",
    "insurance_estimate_cents",
    "total_balance_cents",
    "last_payment_on",
    "last_statement_on",
    "first_service_on",
    "last_service_on",
    "balance_began_on",
    "aging_days",
    "placed_at",
    "import_batch__as_of",
    "consumer__has_mobile",
    "consumer__has_email",
    "consumer__has_mailing_address",
    "status",
)


def _frame(queryset: QuerySet, columns: tuple[str, ...]) -> pd.DataFrame:
    """One SQL round trip straight into pandas (no model instances)."""
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY ... TO STDOUT and pandas' C parser: several times faster than fetching row tuples.
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return pd.DataFrame(columns=list(columns))
            frame = pd.read_csv(
                buffer, header=None, names=list(columns), true_values=["t"], false_values=["f"]
            )
            return frame
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=list(columns))


def _account_inputs(raw: pd.DataFrame) -> pd.DataFrame:
    placed = pd.to_datetime(raw["placed_at"], errors="coerce", utc=True).dt.tz_localize(None).dt.normalize()
    as_of = pd.to_datetime(raw["import_batch__as_of"], errors="coerce")
    frame = pd.DataFrame(
        {
            "amount_cents": raw["balance_cents"],
            "insurance_estimate_cents": raw["insurance_estimate_cents"],
            "total_balance_cents": raw["total_balance_cents"],
            "last_payment_on": raw["last_payment_on"],
            "last_statement_on": raw["last_statement_on"],
            "first_service_on": raw["first_service_on"],
            "last_service_on": raw["last_service_on"],
            "balance_began_on": raw["balance_began_on"],
            "aging_days": raw["aging_days"],
            "ref_date": placed.fillna(as_of),
            "has_mobile": raw["consumer__has_mobile"],
            "has_email": raw["consumer__has_email"],
            "has_mailing_address": raw["consumer__has_mailing_address"],
            "in_plan": raw["status"] == AccountStatus.IN_PLAN,
        }
    )
    frame.index = raw["id"].to_numpy()
    return frame[list(INPUT_COLUMNS)]


def account_input_chunks(*, practice_id: int, chunk_size: int = 100_000) -> Iterator[pd.DataFrame]:
    """Open accounts of a practice in id order, `chunk_size` at a time (keyset pagination on the
    primary key, so memory stays bounded however many accounts there are)."""
    after = 0
    base = Account.objects.filter(practice_id=practice_id, status__in=OPEN_STATUSES, balance_cents__gt=0)
    while True:
        raw = _frame(base.filter(id__gt=after).order_by("id")[:chunk_size], _ACCOUNT_COLUMNS)
        if raw.empty:
            return
        yield _account_inputs(raw)
        after = int(raw["id"].iloc[-1])
        if len(raw) < chunk_size:
            return


def batch_inputs(batch: ImportBatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(inputs for scoring, channels for cadence counts: letter/email/call per account) of a batch."""
    if batch.mode == ImportMode.ANALYSIS:
        raw = _frame(
            AnalysisAccount.objects.filter(batch=batch).order_by("id"),
            (
                "id",
                *LEDGER_FIELDS,
                "has_mobile",
                "has_email",
                "has_mailing_address",
                "has_phone",
            ),
        )
        raw["ref_date"] = pd.Timestamp(batch.as_of)
        raw["in_plan"] = False
        raw.index = raw["id"].to_numpy()
        channels = pd.DataFrame(
            {
                "letter": raw["has_mailing_address"],
                "email": raw["has_email"],
                "call": raw["has_phone"] | raw["has_mobile"],
            },
            index=raw.index,
        )
        return raw[list(INPUT_COLUMNS)], channels.astype(bool)
    queryset = (
        Account.objects.filter(import_batch=batch)
        .annotate(has_phone=Exists(ConsumerPhone.objects.filter(consumer_id=OuterRef("consumer_id"))))
        .order_by("id")
    )
    raw = _frame(queryset, (*_ACCOUNT_COLUMNS, "has_phone"))
    inputs = _account_inputs(raw)
    channels = pd.DataFrame(
        {
            "letter": raw["consumer__has_mailing_address"].to_numpy(),
            "email": raw["consumer__has_email"].to_numpy(),
            "call": raw["has_phone"].to_numpy(),
        },
        index=inputs.index,
    )
    return inputs, channels.astype(bool)


def scoring_model_current(*, practice_id: int) -> LikelihoodModel:
    row = ScoringModel.objects.filter(practice_id=practice_id).order_by("-id").first()
    if row is None:
        return LikelihoodModel()
    return LikelihoodModel.from_params(
        version=row.version, kind=row.kind, params=row.params, outcomes=row.outcomes
    )


def analysis_batch_get_for_practice(practice: Practice, *, batch_id: int) -> ImportBatch:
    """A finished analysis (or placement) batch of this practice, 404 otherwise. The practice must
    already come from `practice_get_for_user`."""
    try:
        return ImportBatch.objects.select_related("practice").get(pk=int(batch_id), practice=practice)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such analysis") from exc


def analysis_review_for(batch: ImportBatch) -> AnalysisReview | None:
    return AnalysisReview.objects.filter(batch=batch).select_related("decided_by").first()


def segment_summary(*, practice: Practice) -> list[dict]:
    """Per segment: accounts, dollars, expected dollars, excluded accounts, whether the segment is excluded."""
    rows = (
        AccountScore.objects.filter(practice=practice, account__status__in=OPEN_STATUSES)
        .values("segment")
        .annotate(
            accounts=Count("account_id"),
            balance_cents=Sum("account__balance_cents"),
            expected_cents=Sum("expected_cents"),
            excluded=Count("account_id", filter=Q(account__excluded_from_outreach=True)),
        )
        .order_by("segment")
    )
    excluded_segments = set(
        SegmentExclusion.objects.filter(practice=practice).values_list("segment", flat=True)
    )
    return [{**row, "segment_excluded": row["segment"] in excluded_segments} for row in rows]


def accounts_in_segment(*, practice: Practice, segment: str, limit: int = 200) -> QuerySet[Account]:
    return (
        Account.objects.filter(practice=practice, status__in=OPEN_STATUSES, score__segment=segment)
        .select_related("score")
        .only("id", "balance_cents", "excluded_from_outreach", "excluded_reason", "score")
        .order_by("-score__expected_cents", "id")[:limit]
    )


def accounts_for_outreach(*, practice: Practice) -> QuerySet[Account]:
    """Placed accounts that the practice has not excluded, one by one or by segment. The cadence
    engine starts from this."""
    excluded_segments = SegmentExclusion.objects.filter(practice=practice).values("segment")
    return Account.objects.filter(
        practice=practice, status=AccountStatus.PLACED, excluded_from_outreach=False
    ).exclude(score__segment__in=excluded_segments)


def account_get_for_practice(practice: Practice, *, account_id: int) -> Account:
    try:
        return Account.objects.get(pk=int(account_id), practice=practice)
    except (Account.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such account") from exc
