"""Parsed accounts to encrypted, database-ready rows, without touching the database.

The import runs this ahead of the writer: in a child process for large files, in a thread for
small ones (`balances.services._persist`), so nothing here may query. Row ids, which accounts
already exist and the inserts themselves are `balances.services`' job. Encryption binds each value
to its row's `row_uid`, not to its id, which is why values can be sealed before the ids exist.

Rows are tuples in the column order below, minus the leading id columns the writer fills in, with
every column given (so `kinum.bulk.copy_rows` adds nothing per row): tuples because a million-row
import ships them between processes and streams them into COPY.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, NamedTuple

from balances.imports import Account as ParsedAccount
from balances.imports import Phone
from balances.models import AccountStatus, Consumer, ConsumerPhone, EntryKind
from balances.scoring.features import aging_days_from_buckets
from compliance.regf.timezones import zones_for_area_code, zones_for_postal
from kinum import crypto


def account_key_index(practice_id: int, account_key: str) -> str:
    return crypto.blind_index(f"account-key:{practice_id}", account_key.strip().upper())


def email_index(email: str) -> str:
    return crypto.blind_index("email", email.strip().lower())


def phone_index(digits: str) -> str:
    return crypto.blind_index("phone", digits)


CONSUMER_SECRETS = (
    "full_name",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "city",
    "zip_code",
    "email",
    "dob",
)
# The writer supplies the id columns at the front of each tuple: (id, *SealedAccount.consumer).
CONSUMER_COLUMNS = (
    "id",
    "row_uid",
    "practice_id",
    "account_key_index",
    *CONSUMER_SECRETS,
    "email_index",
    "state",
    "zip3",
    "time_zones",
    "has_mobile",
    "has_email",
    "has_mailing_address",
    "language",
    "created_at",
)
# (id, consumer_id, *SealedAccount.account)
ACCOUNT_COLUMNS = (
    "id",
    "consumer_id",
    "practice_id",
    "account_key_index",
    "import_batch_id",
    "last_seen_batch_id",
    "status",
    "placed_amount_cents",
    "balance_cents",
    "total_balance_cents",
    "insurance_estimate_cents",
    "last_payment_on",
    "last_payment_cents",
    "last_statement_on",
    "first_service_on",
    "last_service_on",
    "balance_began_on",
    "location",
    "aging_days",
    "warnings",
    "placed_at",
    "missing_since_batch_id",
    "excluded_from_outreach",
    "excluded_by_id",
    "excluded_reason",
    "excluded_at",
    "created_at",
    "updated_at",
)
# (consumer_id, *phone) for each of SealedAccount.phones
PHONE_COLUMNS = ("consumer_id", "row_uid", "practice_id", "number", "number_index", "kind", "area_code")
# (account_id, SealedAccount.amount_cents, *AccountSealer.entry_tail)
ENTRY_COLUMNS = (
    "account_id",
    "amount_cents",
    "practice_id",
    "kind",
    "effective_on",
    "import_batch_id",
    "memo",
    "created_at",
)


class SealedAccount(NamedTuple):
    """One accepted account: its look-up key, its amount and its encrypted rows (ids still to come).
    A named tuple, not a dataclass: a million of them cross a process boundary, and a dataclass
    costs ten times as much to unpickle."""

    key_index: str
    amount_cents: int
    row_number: int
    consumer: tuple[Any, ...]
    account: tuple[Any, ...]
    phones: tuple[tuple[Any, ...], ...]


@lru_cache(maxsize=65536)
def _zones_json(postal: str | None, state: str | None, area_codes: tuple[str, ...]) -> str:
    """The consumer's possible time zones (ZIP and area codes), as stored: a few thousand distinct
    combinations repeat across a file, so each is worked out and encoded once (JSON text is
    what `kinum.bulk.copy_rows` stores as is)."""
    zones = set(zones_for_postal(postal, state))
    for area_code in area_codes:
        zones |= zones_for_area_code(area_code)
    return json.dumps(sorted(zones))


@lru_cache(maxsize=1024)
def _json_list(items: tuple[str, ...]) -> str:
    """A few distinct warning lists repeat across a whole file: encode each once."""
    return json.dumps(list(items))


def _iso(day: dt.date | None) -> str | None:
    """Dates travel as ISO text (COPY reads it as is): date objects cost more to ship between processes."""
    return day.isoformat() if day else None


class AccountSealer:
    """Encrypts the accounts of one import; keys and constant columns are looked up once."""

    def __init__(self, *, practice_id: int, batch_id: int, as_of: dt.date, now: dt.datetime) -> None:
        self.practice_id, self.batch_id, self.now = practice_id, batch_id, now
        self._seal_consumer = crypto.row_sealer(
            [f"{Consumer._meta.label}.{name}" for name in CONSUMER_SECRETS]
        )
        self._seal_phone = crypto.row_sealer([f"{ConsumerPhone._meta.label}.number"])
        self.entry_tail = (practice_id, EntryKind.PLACEMENT.value, as_of, batch_id, "", now)

    def seal_chunk(self, chunk: list[ParsedAccount]) -> list[SealedAccount]:
        row_uids = iter(crypto.new_row_uids(len(chunk) + sum(len(parsed.phones) for parsed in chunk)))
        return [self._seal_account(parsed, row_uids) for parsed in chunk]

    def _seal_account(self, parsed: ParsedAccount, row_uids: Any) -> SealedAccount:
        key_index = account_key_index(self.practice_id, parsed.account_key)
        return SealedAccount(
            key_index=key_index,
            amount_cents=parsed.amount_cents,
            row_number=parsed.row_number,
            consumer=self._consumer(parsed, key_index, next(row_uids)),
            account=self._account(parsed, key_index),
            phones=tuple(self._phone(phone, next(row_uids)) for phone in parsed.phones),
        )

    def _consumer(self, parsed: ParsedAccount, key_index: str, row_uid: str) -> tuple[Any, ...]:
        plain = (
            parsed.full_name,
            parsed.first_name,
            parsed.last_name,
            parsed.address1,
            parsed.address2,
            parsed.city,
            parsed.zip,
            parsed.email,
            _iso(parsed.dob),
        )
        return (
            row_uid,
            self.practice_id,
            key_index,
            *self._seal_consumer(plain, row_uid),
            email_index(parsed.email) if parsed.email else "",
            parsed.state or "",
            (parsed.zip or "")[:3],
            _zones_json(parsed.zip, parsed.state, tuple(p.number[:3] for p in parsed.phones)),
            any(p.kind == "mobile" for p in parsed.phones),
            bool(parsed.email),
            bool(parsed.address1 and parsed.city and parsed.zip),
            (parsed.language or "")[:16],
            self.now,
        )

    def _account(self, parsed: ParsedAccount, key_index: str) -> tuple[Any, ...]:
        return (
            self.practice_id,
            key_index,
            self.batch_id,  # import_batch
            self.batch_id,  # last_seen_batch
            AccountStatus.REVIEW.value,
            parsed.amount_cents,  # placed
            parsed.amount_cents,  # balance
            parsed.total_balance_cents,
            parsed.insurance_estimate_cents,
            _iso(parsed.last_payment_date),
            parsed.last_payment_cents,
            _iso(parsed.last_statement_date),
            _iso(parsed.first_service_date),
            _iso(parsed.last_service_date),
            _iso(parsed.date_balance_began),
            (parsed.location or "")[:120],
            aging_days_from_buckets(
                parsed.bal_0_30_cents,
                parsed.bal_31_60_cents,
                parsed.bal_61_90_cents,
                parsed.bal_over_90_cents,
            ),
            _json_list(tuple(str(w) for w in parsed.warnings)),
            None,  # placed_at: set when the practice confirms the placement
            None,  # missing_since_batch
            False,  # excluded_from_outreach (and by whom, why, when)
            None,
            "",
            None,
            self.now,
            self.now,
        )

    def _phone(self, phone: Phone, row_uid: str) -> tuple[Any, ...]:
        return (
            row_uid,
            self.practice_id,
            self._seal_phone((phone.number,), row_uid)[0],
            phone_index(phone.number),
            phone.kind,
            phone.number[:3],
        )
