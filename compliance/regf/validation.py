"""`validation_period_end` (REGF-SCENARIOS.md section 4, RF-VAL-PERIOD)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from compliance.regf.dates import validation_period


@dataclass(frozen=True, slots=True)
class NoticeSent:
    provided_on: date  # the date part of the send timestamp, as written
    method: str = "mail"  # mail | email: same formula (Reg F has no shorter email assumption)
    delivery: str = "sent"  # sent | undeliverable


@dataclass(frozen=True, slots=True)
class ValidationPeriodAnswer:
    assumed_receipt: date | None
    end_date: date | None
    printed_end_date_ok: bool | None = None  # only when a printed date was given

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "assumed_receipt": self.assumed_receipt.isoformat() if self.assumed_receipt else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }
        if self.printed_end_date_ok is not None:
            out["printed_end_date_ok"] = self.printed_end_date_ok
        return out


def validation_period_end(
    notices: Sequence[NoticeSent], *, roll_forward: bool = False, printed_end_date: date | None = None
) -> ValidationPeriodAnswer:
    """The effective notice is the last one not undeliverable: a bounce means it was never provided and
    a re-sent notice starts a new period (comment 34(b)(5)-2)."""
    effective = next((n for n in reversed(notices) if n.delivery != "undeliverable"), None)
    if effective is None:
        return ValidationPeriodAnswer(None, None, False if printed_end_date else None)
    period = validation_period(effective.provided_on, roll_forward=roll_forward)
    ok = printed_end_date >= period.earliest_end if printed_end_date else None
    return ValidationPeriodAnswer(period.assumed_receipt, period.end_date, ok)
