"""Plain-English explanations of every import code, for the practice manager's report."""

from __future__ import annotations

from balances.imports.codes import FileError, ImportWarning, RejectReason

REJECT_REASONS: dict[str, str] = {
    RejectReason.MISSING_NAME: "No responsible party's name, so we cannot address anyone.",
    RejectReason.INVALID_BALANCE: "The balance is not a readable dollar amount.",
    RejectReason.NON_POSITIVE_BALANCE: "The balance is zero or a credit: nothing to collect.",
    RejectReason.DEBTOR_MINOR: "The responsible party is under 18; minors are never contacted for a debt.",
    RejectReason.NO_CONTACT: "No mailing address, valid phone or valid e-mail: no way to reach them.",
    RejectReason.DUPLICATE_RECORD: "The same account appears again in the file; only the first was kept.",
    RejectReason.MISSING_ACCOUNT_KEY: "The row has no account number.",
    RejectReason.VALUE_TOO_LONG: "A cell is far longer than any real name or address (damaged row).",
    RejectReason.MALFORMED_ROW: "The row could not be read (broken quotes or columns).",
}

WARNINGS: dict[str, str] = {
    ImportWarning.NO_MAILING_ADDRESS: "No complete mailing address: letters cannot be sent until one is added.",
    ImportWarning.STATE_MISSING: "The state is blank; we use the ZIP code for time zones and state rules.",
    ImportWarning.ZIP_LEADING_ZERO_RESTORED: "A ZIP lost its leading zero in a spreadsheet; we restored it.",
    ImportWarning.PHONE_INVALID_DROPPED: "Every phone number was invalid and was left out.",
    ImportWarning.EMAIL_INVALID_DROPPED: "The e-mail address was invalid and was left out.",
    ImportWarning.NON_ASCII_REPLACED_BY_QUESTION_MARK: "Accented letters were damaged by the export (shown as ?).",
    ImportWarning.DOB_INVALID_IGNORED: "The date of birth was unreadable or in the future and was ignored.",
    ImportWarning.DATE_INVALID_IGNORED: "A date was unreadable or in the future and was ignored.",
    ImportWarning.AMOUNT_INCLUDES_INSURANCE: "The file has no patient portion; the full balance was used.",
}

FILE_ERRORS: dict[str, str] = {
    FileError.EMPTY_FILE: "The file has no data rows.",
    FileError.NOT_A_TABLE: "This is not a spreadsheet or a CSV/text export.",
    FileError.UNREADABLE_FILE: "The spreadsheet could not be opened; it may be damaged or password-protected.",
    FileError.UNSUPPORTED_FORMAT: "Old Excel (.xls) files are not supported: save it as .xlsx or CSV.",
    FileError.NO_HEADER_FOUND: "We could not find the column headings. Tell us which column is which.",
    FileError.MISSING_REQUIRED_COLUMNS: (
        "The file lacks columns we need to place accounts (a name, a balance, and an address, phone or e-mail). "
        "Export a report that includes contact details, or map the columns yourself."
    ),
    FileError.UNKNOWN_PRESET: "That layout name is not one we know.",
    FileError.INVALID_MAPPING: "The column mapping is not valid.",
    FileError.NOT_A_PLACEMENT_FILE: "This is a transaction file, not a list of balances to place.",
}


def explain(table: dict[str, str], code: str) -> str:
    return table.get(code, code.replace("_", " ").capitalize())
