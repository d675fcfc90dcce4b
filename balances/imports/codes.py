"""Reason, warning and file-error codes of the import contract (shared/samples/README.md).

Plain ``StrEnum`` (not Django ``TextChoices``) so the package stays importable without Django; the
values are the contract's strings, so a model field can use ``choices=[(c.value, c.value) for c in ...]``.
"""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    # Contract rule 5, in "first failure wins" order.
    MISSING_NAME = "MISSING_NAME"
    INVALID_BALANCE = "INVALID_BALANCE"
    NON_POSITIVE_BALANCE = "NON_POSITIVE_BALANCE"
    DEBTOR_MINOR = "DEBTOR_MINOR"
    NO_CONTACT = "NO_CONTACT"
    # Contract rule 2: a second record with an account key already seen.
    DUPLICATE_RECORD = "DUPLICATE_RECORD"
    # Extensions (never produced by a well-formed file; checked before MISSING_NAME):
    MISSING_ACCOUNT_KEY = "MISSING_ACCOUNT_KEY"  # the layout has a key column but this row's cell is empty
    VALUE_TOO_LONG = "VALUE_TOO_LONG"  # a kept cell is longer than MAX_CELL_CHARS
    MALFORMED_ROW = "MALFORMED_ROW"  # the CSV reader could not read the physical row at all


# Order in which account rules are evaluated (first failure wins).
ACCOUNT_RULE_ORDER = (
    RejectReason.MISSING_ACCOUNT_KEY,
    RejectReason.VALUE_TOO_LONG,
    RejectReason.MISSING_NAME,
    RejectReason.INVALID_BALANCE,
    RejectReason.NON_POSITIVE_BALANCE,
    RejectReason.DEBTOR_MINOR,
    RejectReason.NO_CONTACT,
)


class ImportWarning(StrEnum):
    # Contract rule 8 (the account is still imported).
    NO_MAILING_ADDRESS = "NO_MAILING_ADDRESS"
    STATE_MISSING = "STATE_MISSING"
    ZIP_LEADING_ZERO_RESTORED = "ZIP_LEADING_ZERO_RESTORED"
    PHONE_INVALID_DROPPED = "PHONE_INVALID_DROPPED"
    EMAIL_INVALID_DROPPED = "EMAIL_INVALID_DROPPED"
    NON_ASCII_REPLACED_BY_QUESTION_MARK = "NON_ASCII_REPLACED_BY_QUESTION_MARK"
    # Extensions (PM-EXPORTS.md §10/§11; none occurs in the samples):
    DOB_INVALID_IGNORED = (
        "DOB_INVALID_IGNORED"  # unparseable, two-digit-year or future DOB: treated as absent
    )
    DATE_INVALID_IGNORED = "DATE_INVALID_IGNORED"  # another date cell that is unparseable or after as_of
    AMOUNT_INCLUDES_INSURANCE = "AMOUNT_INCLUDES_INSURANCE"  # layout has no patient portion (Dentrix Ascend)


class FileError(StrEnum):
    EMPTY_FILE = "EMPTY_FILE"  # 0 bytes, only whitespace, or no row after the header
    NOT_A_TABLE = "NOT_A_TABLE"  # binary garbage, PDF, image, ...: not delimited text nor XLSX
    UNREADABLE_FILE = "UNREADABLE_FILE"  # looks like XLSX/zip but cannot be opened
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # legacy binary .xls (D0 CF 11 E0): re-save as .xlsx or CSV
    NO_HEADER_FOUND = "NO_HEADER_FOUND"  # no known header in the first rows (or mapping headers not found)
    MISSING_REQUIRED_COLUMNS = "MISSING_REQUIRED_COLUMNS"  # no name / amount / contact column
    UNKNOWN_PRESET = "UNKNOWN_PRESET"
    INVALID_MAPPING = "INVALID_MAPPING"
    NOT_A_PLACEMENT_FILE = "NOT_A_PLACEMENT_FILE"  # recognised, but not a placement (TSI transaction file)
