"""Parsed accounts to encrypted, database-ready rows, without touching the database.

The import runs this in a producer thread (`kinum.run_ahead`) while the main thread writes the
previous chunk, so nothing here may query: row ids, which accounts already exist and the inserts
themselves are `balances.services`' job. Encryption binds each value to its row's `row_uid`, not to
its id, which is why the values can be sealed before the ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from balances.imports import Account as ParsedAccount
from balances.models import Consumer, ConsumerPhone
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


@dataclass(slots=True)
class SealedAccount:
    """One parsed account with its consumer and phone rows already encrypted (ids still to come)."""

    key_index: str
    parsed: ParsedAccount
    consumer: dict[str, Any]
    phones: list[dict[str, Any]] = field(default_factory=list)


def possible_zones(parsed: ParsedAccount) -> list[str]:
    zones = set(zones_for_postal(parsed.zip, parsed.state))
    for phone in parsed.phones:
        zones |= zones_for_area_code(phone.number[:3])
    return sorted(zones)


class AccountSealer:
    """Encrypts the accounts of one practice's import; the keys are looked up once."""

    def __init__(self, practice_id: int) -> None:
        self.practice_id = practice_id
        self._seal = {name: crypto.sealer(f"{Consumer._meta.label}.{name}") for name in CONSUMER_SECRETS}
        self._seal_phone = crypto.sealer(f"{ConsumerPhone._meta.label}.number")

    def seal_chunk(self, chunk: list[ParsedAccount]) -> list[SealedAccount]:
        row_uids = iter(crypto.new_row_uids(len(chunk) + sum(len(parsed.phones) for parsed in chunk)))
        return [self._seal_account(parsed, row_uids) for parsed in chunk]

    def _seal_account(self, parsed: ParsedAccount, row_uids: Any) -> SealedAccount:
        key_index = account_key_index(self.practice_id, parsed.account_key)
        return SealedAccount(
            key_index=key_index,
            parsed=parsed,
            consumer=self._consumer_row(parsed, key_index, next(row_uids)),
            phones=[self._phone_row(phone, next(row_uids)) for phone in parsed.phones],
        )

    def _consumer_row(self, parsed: ParsedAccount, key_index: str, row_uid: str) -> dict[str, Any]:
        plain = {
            "full_name": parsed.full_name,
            "first_name": parsed.first_name,
            "last_name": parsed.last_name,
            "address1": parsed.address1,
            "address2": parsed.address2,
            "city": parsed.city,
            "zip_code": parsed.zip,
            "email": parsed.email,
            "dob": parsed.dob.isoformat() if parsed.dob else None,
        }
        row: dict[str, Any] = {name: self._seal[name](value, row_uid) for name, value in plain.items()}
        row.update(
            row_uid=row_uid,
            practice_id=self.practice_id,
            account_key_index=key_index,
            email_index=email_index(parsed.email) if parsed.email else "",
            state=parsed.state or "",
            zip3=(parsed.zip or "")[:3],
            time_zones=possible_zones(parsed),
            has_mobile=any(p.kind == "mobile" for p in parsed.phones),
            has_email=bool(parsed.email),
            has_mailing_address=bool(parsed.address1 and parsed.city and parsed.zip),
            language=(parsed.language or "")[:16],
        )
        return row

    def _phone_row(self, phone: Any, row_uid: str) -> dict[str, Any]:
        return {
            "row_uid": row_uid,
            "practice_id": self.practice_id,
            "number": self._seal_phone(phone.number, row_uid),
            "number_index": phone_index(phone.number),
            "kind": phone.kind,
            "area_code": phone.number[:3],
        }
