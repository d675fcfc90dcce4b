"""Ledger rows and contact points for outreach tests (no import file needed)."""

from __future__ import annotations

import datetime as dt
import itertools

from balances.import_rows import account_key_index
from balances.models import Account, AccountStatus, Consumer, ImportBatch, LedgerEntry
from outreach.models import ContactPoint, PointKind, PointType
from outreach.services import contact_point_add
from practices.models import Practice

_seq = itertools.count(1)


def batch_for(practice: Practice) -> ImportBatch:
    return ImportBatch.objects.create(
        practice=practice, file_sha256=f"{next(_seq):064d}", as_of=dt.date(2026, 3, 2)
    )


def consumer_with_accounts(
    practice: Practice,
    *,
    balances: tuple[int, ...] = (12_000, 4_500),
    zones: tuple[str, ...] = ("America/Chicago",),
    state: str = "IL",
    phone: str | None = "3125550100",
    email: str | None = "pat@gmail.com",
    batch: ImportBatch | None = None,
) -> tuple[Consumer, list[Account], dict[str, ContactPoint]]:
    batch = batch or batch_for(practice)
    n = next(_seq)
    consumer = Consumer.objects.create(
        practice=practice,
        account_key_index=account_key_index(practice.pk, f"C{n}"),
        full_name=f"Pat Example {n}",
        first_name="Pat",
        last_name="Example",
        address1="1 Main St",
        city="Springfield",
        zip_code="62701",
        state=state,
        zip3="627",
        time_zones=list(zones),
        has_mailing_address=True,
    )
    accounts = []
    for i, cents in enumerate(balances):
        account = Account.objects.create(
            practice=practice,
            consumer=consumer,
            account_key_index=account_key_index(practice.pk, f"A{n}-{i}"),
            import_batch=batch,
            last_seen_batch=batch,
            status=AccountStatus.PLACED,
            placed_amount_cents=cents,
            balance_cents=cents,
            last_service_on=dt.date(2025, 11, 3),
        )
        LedgerEntry.objects.create(
            practice=practice, account=account, kind="placement", amount_cents=cents, effective_on=batch.as_of
        )
        accounts.append(account)
    points: dict[str, ContactPoint] = {}
    if phone:
        points["mobile"] = contact_point_add(
            consumer=consumer, kind=PointKind.PHONE, value=phone, type=PointType.MOBILE
        )
    if email:
        points["email"] = contact_point_add(
            consumer=consumer, kind=PointKind.EMAIL, value=email, type=PointType.PERSONAL
        )
    return consumer, accounts, points
