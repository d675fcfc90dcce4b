"""Vendor layout presets, canonical fields, header detection and explicit mappings.

A :class:`Layout` says how one vendor export maps onto :data:`CANONICAL_FIELDS`: the header tokens
that identify it, the column -> field map, the account key, the amount-to-place rule, the
merge/duplicate rule and the columns to discard (minimum necessary: SSN, policy/member numbers,
provider ids, diagnosis/procedure codes ...). Every layout also understands the generic synonyms
(``Patient Balance``, ``Pat Bal``, ``Guar Port``, ``Amount Due``, ``Responsible Party``,
``Address 1``, ``Mobile Phone`` ...), so a practice that adds a column to a known report still gets it.

Header matching works on :func:`header_key`: lower-case, BOM / leading ``'`` stripped, every character
except letters, digits and ``# $ = + < >`` removed (``'-Ins Est`` == ``Ins Est``; ``=Patient`` stays
distinct from ``Patient``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "CANONICAL_FIELDS",
    "FIELD_NAMES",
    "GENERIC",
    "PRESETS",
    "ColumnPlan",
    "Layout",
    "detect_header",
    "header_key",
    "layout_from_mapping",
    "plan_columns",
]

#: Canonical fields a column can map to, with a one-line description each.
CANONICAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("account_key", "Practice's account / guarantor number, kept as text (leading zeros survive)"),
    (
        "full_name",
        "Debtor (guarantor / responsible party) name in one cell: 'Last, First M' or 'First M Last'",
    ),
    ("last_name", "Debtor last name, when the file splits the name"),
    ("first_name", "Debtor first name"),
    ("middle_name", "Debtor middle name or initial"),
    ("patient_name", "Patient name when different from the debtor (one cell)"),
    ("patient_first_name", "Patient first name when different from the debtor"),
    ("patient_last_name", "Patient last name when different from the debtor"),
    ("address1", "Mailing address, street line"),
    ("address2", "Mailing address, apartment / suite line"),
    ("city", "Mailing address, city"),
    ("state", "Mailing address, state (2-letter code or name)"),
    ("zip", "Mailing address, ZIP or ZIP+4 (read as text)"),
    ("phone", "Phone of unknown type"),
    ("phone_home", "Home phone"),
    ("phone_mobile", "Mobile / cell / wireless phone"),
    ("phone_work", "Work phone"),
    ("email", "E-mail address"),
    ("dob", "Debtor date of birth (four-digit year required)"),
    ("amount", "Amount to place: the patient / guarantor portion (money)"),
    ("total_balance", "Total balance before the insurance estimate (money)"),
    ("insurance_estimate", "Expected insurance payment, aggregate amount only (money)"),
    ("writeoff_estimate", "Expected insurance write-off (money)"),
    ("bal_0_30", "Aging bucket 0-30 days / current (money)"),
    ("bal_31_60", "Aging bucket 31-60 days (money)"),
    ("bal_61_90", "Aging bucket 61-90 days (money)"),
    ("bal_over_90", "Aging bucket over 90 days (money)"),
    ("charge", "Invoice charge, invoice-grain files (money)"),
    (
        "adjustment",
        "Invoice adjustment, invoice-grain files; the sign is ignored and it is subtracted (money)",
    ),
    ("paid", "Invoice payments, invoice-grain files (money)"),
    ("last_payment_date", "Date of the last patient payment"),
    ("last_payment_amount", "Amount of the last patient payment (money)"),
    ("last_statement_date", "Date of the last statement sent"),
    ("service_date", "Date of service (earliest and latest are kept per account)"),
    ("date_balance_began", "Date the balance began / date of first delinquency"),
    ("location", "Clinic / practice location"),
    ("language", "Debtor's preferred language"),
)
FIELD_NAMES = frozenset(name for name, _ in CANONICAL_FIELDS)
#: Fields that may be mapped from several columns (each column adds one phone).
MULTI_FIELDS = frozenset({"phone", "phone_home", "phone_mobile", "phone_work"})
PHONE_FIELDS = ("phone", "phone_home", "phone_mobile", "phone_work")
MONEY_FIELDS = frozenset(
    {
        "amount", "total_balance", "insurance_estimate", "writeoff_estimate", "bal_0_30", "bal_31_60",
        "bal_61_90", "bal_over_90", "charge", "adjustment", "paid", "last_payment_amount",
    }
)  # fmt: skip
DATE_FIELDS = frozenset(
    {"dob", "last_payment_date", "last_statement_date", "service_date", "date_balance_began"}
)

_KEY_DROP = re.compile(r"[^a-z0-9#$=+<>]")


def header_key(text: str) -> str:
    """Normalised header token used for every header comparison."""
    return _KEY_DROP.sub("", text.strip().lstrip("\ufeff").strip().lstrip("'").lower())


# Generic synonyms: field -> header spellings, best first. A header listed under several fields is
# resolved by the order of this table (first field wins).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "account_key": (
        "Account #", "Account", "Account No", "Account Number", "Account ID", "Acct", "Acct #", "Acct No",
        "AcctNum", "Acct ID", "Acct Number", "Guarantor ID", "Guarantor #", "Guarantor No",
        "Guarantor Number", "Guar ID", "Responsible Party ID", "PatNum", "Patient ID", "Patient #",
        "Patient No", "Patient Number", "Chart", "Chart #", "Chart No", "Chart Number", "ChartNumber",
        "MRN", "Debtor Reference", "Reference", "Ref #", "Pt ID", "Pt #",
    ),
    "full_name": (
        "Responsible Party", "Responsible Party Name", "Guarantor", "Guarantor Name", "Guar Name",
        "Debtor", "Debtor Name", "Name", "Full Name", "Account Name", "Primary Guarantor",
    ),
    "last_name": ("Last Name", "LName", "Last", "Surname", "Family Name", "Guarantor Last Name"),
    "first_name": ("First Name", "FName", "First", "Given Name", "Guarantor First Name"),
    "middle_name": ("Middle Name", "Middle Initial", "MiddleI", "MI", "Middle"),
    "patient_name": ("Patient Name", "Patient", "Pat Name", "Pt Name"),
    "patient_first_name": ("Patient First Name", "PatientFirstName"),
    "patient_last_name": ("Patient Last Name", "PatientLastName"),
    "address1": (
        "Address", "Address 1", "Address1", "Addr", "Addr1", "Street", "Street Address", "Address Line 1",
        "Mailing Address", "Guarantor Address",
    ),
    "address2": ("Address 2", "Address2", "Addr2", "Address Line 2", "Apt", "Suite", "Unit"),
    "city": ("City", "Town", "Guarantor City"),
    "state": ("State", "ST", "State/Province", "Province", "Guarantor State"),
    "zip": ("Zip", "Zip Code", "ZipCode", "Zip+4", "Postal Code", "PostalCode", "Postcode", "Guarantor Zip"),
    "phone_mobile": (
        "Mobile Phone", "Mobile", "Cell Phone", "Cell", "Cellular", "Wireless Phone", "WirelessPhone",
        "Wireless", "Mobile Number", "Cell Number",
    ),
    "phone_home": ("Home Phone", "HmPhone", "Home", "Phone Home", "Home Number"),
    "phone_work": ("Work Phone", "WkPhone", "Work", "Business Phone", "Office Phone", "Work Number"),
    "phone": (
        "Phone", "Phone Number", "Phone #", "Telephone", "Tel", "Primary Phone", "Contact Phone",
        "Guarantor Phone", "Debtor Phone",
    ),
    "email": ("Email", "E-mail", "Email Address", "E-mail Address", "EmailAddress"),
    "dob": (
        "DOB", "Birthdate", "Birth Date", "Date of Birth", "Birthday", "Guarantor DOB", "Debtor DOB",
        "Debtor Date of Birth",
    ),
    "amount": (
        "Patient Balance", "Pat Bal", "Patient Bal", "Pt Balance", "Pt Bal", "Patient Portion",
        "Pat Portion", "$PatPortion", "PatPortion", "Guar Port", "Guarantor Portion", "Guar Portion",
        "Amount Due", "Amt Due", "Patient Due", "Patient Amount", "Pat Amt", "=Patient",
        "Patient Responsibility", "Pt Resp", "Balance Due", "Amount to Place", "Placement Amount",
        "Self Pay", "Self Pay Balance", "Self-Pay Balance", "Amount Owed",
    ),
    "total_balance": (
        "Balance", "Total Balance", "Total", "BalTotal", "Account Balance", "Current Balance", "Total Due",
        "Outstanding Balance", "Bal",
    ),
    "insurance_estimate": (
        "Ins Est", "InsEst", "Insurance Estimate", "Est Insurance", "Est. Insurance", "Estimated Insurance",
        "INSR Est", "INSR Estimate", "Ins Bal", "Insurance Balance", "Ins Pending", "Insurance Pending",
        "Insurance Portion", "Ins Portion", "Ins Amt", "Pending Insurance",
    ),
    "writeoff_estimate": ("W/O Est", "WO Est", "InsWoEst", "Write-off Estimate", "W/O Change"),
    "bal_0_30": ("0-30", "0-30 Days", "Current", "0 to 30", "Bal_0_30", "BalCur", "Curr", "Bal 0-30"),
    "bal_31_60": ("31-60", "31-60 Days", "31 to 60", "Bal_31_60", "Bal30", "Bal 31-60", "30 Days"),
    "bal_61_90": ("61-90", "61-90 Days", "61 to 90", "Bal_61_90", "Bal60", "Bal 61-90", "60 Days"),
    "bal_over_90": (
        "> 90 Days", "> 90", ">90", "91+", "90+", "Over 90", "Over 90 Days", "BalOver90", "Bal90",
        "91+ Days", "90 Days", "Bal 91+",
    ),
    "last_payment_date": (
        "Last Pay Date", "Last Payment Date", "Last Pmt Date", "DateLastPay", "Last Paid", "Date Last Pay",
        "Last Pmt Dt", "Date of Last Pay", "Date of Last Payment",
    ),
    "last_payment_amount": (
        "Last Pmt Amt", "Last Payment Amount", "Last Pay Amount", "Last Pay Amt", "Last Pmt",
        "Last Payment",
    ),
    "last_statement_date": (
        "Last Stmt", "Last Statement", "Last Statement Date", "DateLastStatement", "Last Stmt Date",
        "Date Last Statement",
    ),
    "service_date": (
        "DOS", "Date of Service", "Service Date", "Last Proc", "Last Visit", "Last Service Date",
    ),
    "date_balance_began": (
        "Date Bal Began", "DateBalBegan", "Date of Debt", "Date of First Delinquency", "DOFD",
        "Delinquency Date", "Balance Began",
    ),
    "location": (
        "Location", "Clinic", "Office", "Loc Name", "Location Name", "Clinic Name", "Site", "Practice",
    ),
    "language": ("Language", "Preferred Language"),
}  # fmt: skip

#: Headers that are always dropped (minimum necessary), under any layout, unless explicitly mapped.
SENSITIVE_HEADERS: tuple[str, ...] = (
    "SSN", "Social Security", "Social Security Number", "SocialSecurity", "Social_Security", "Patient SSN",
    "Debtor SSN", "PatientSSN", "Guarantor SSN", "Diagnosis", "Diagnosis Code", "Dx", "ICD", "ICD10",
    "ICD-10", "CPT", "CDT", "Procedure", "Procedure Code", "ProcCode", "Proc Code", "Procedure Description",
    "Tooth", "Tooth #", "Member ID", "Member #", "Prim Member ID", "Policy", "Policy #", "Policy Number",
    "Group Number", "Group #", "Subscriber ID", "Medicaid ID", "Drivers License", "Driver's License",
    "Provider", "NPI", "Referrer", "Referring Provider", "Rendering", "Rendering Provider", "Prov",
    "Notes", "Comment", "Comments", "Medical History", "Medications", "Treatment Plan",
)  # fmt: skip


def _keys(headers: Sequence[str]) -> frozenset[str]:
    return frozenset(header_key(h) for h in headers)


_SENSITIVE_KEYS = _keys(SENSITIVE_HEADERS)
_GENERIC_MAP: dict[str, str] = {}
for _field, _headers in _SYNONYMS.items():
    for _h in _headers:
        _GENERIC_MAP.setdefault(header_key(_h), _field)
_ADDRESS_SET = ("address1", "city", "zip")

AmountRule = tuple[tuple[str, str], ...]  # ((op, field), ...); op "+", "-" or "-abs"
_DEFAULT_AMOUNT: tuple[AmountRule, ...] = (
    (("+", "amount"),),
    (("+", "total_balance"), ("-", "insurance_estimate")),
    (
        ("+", "bal_0_30"),
        ("+", "bal_31_60"),
        ("+", "bal_61_90"),
        ("+", "bal_over_90"),
        ("-", "insurance_estimate"),
    ),
)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    status: str  # "verified", "partial", "unverified", "generic" or "mapping"
    #: header text -> canonical field (preset-specific, checked before the generic synonyms)
    columns: Mapping[str, str] = field(default_factory=dict)
    #: each group is a tuple of alternatives; every group must be present in the header row
    signature: tuple[tuple[str, ...], ...] = ()
    #: header texts always dropped for this layout (beyond SENSITIVE_HEADERS)
    discard: tuple[str, ...] = ()
    #: amount-to-place alternatives: the first whose first field is mapped is used; components after the
    #: first count as 0 when empty or unmapped
    amount: tuple[AmountRule, ...] = _DEFAULT_AMOUNT
    #: "column" (account_key column, else derived from name + phone), "patnum_prefix" (``1234 - Name``),
    #: "invoice_pid" (``pid.encounter``), "name_phone"
    key: str = "column"
    grain: str = "account"  # "account", "invoice" or "account_location"
    merge: bool = False  # sum records with the same account key into one account
    duplicate_fields: tuple[str, ...] = ("account_key",)  # () = no duplicate rule
    second_header: tuple[str, ...] = ()  # Dentrix: captions of the second header line
    second_line: Mapping[str, str] = field(default_factory=dict)  # second-line caption -> field
    second_line_positions: Mapping[int, str] = field(default_factory=dict)  # fallback: index -> field
    date_order: str = "mdy"
    ascii_only: bool = False  # TSI: Encoding.ASCII wrote every non-ASCII letter as "?"
    use_generic_synonyms: bool = True
    not_placement: str = ""  # recognised, but refused with NOT_A_PLACEMENT_FILE and this detail
    account_warnings: tuple[str, ...] = ()  # ImportWarning values added to every imported account
    notes: str = ""

    def column_map(self) -> dict[str, str]:
        m = {header_key(h): f for h, f in self.columns.items()}
        if self.use_generic_synonyms:
            for k, f in _GENERIC_MAP.items():
                m.setdefault(k, f)
        return m

    def discard_keys(self) -> frozenset[str]:
        return _keys(self.discard) | _SENSITIVE_KEYS


_OD_BUCKETS = {
    "0-30 Days": "bal_0_30",
    "31-60 Days": "bal_31_60",
    "61-90 Days": "bal_61_90",
    "> 90 Days": "bal_over_90",
    "Total": "total_balance",
    "-W/O Est": "writeoff_estimate",
    "-W/O Change": "writeoff_estimate",
    "-Ins Est": "insurance_estimate",
    "=Patient": "amount",
}

_PRESET_LIST: tuple[Layout, ...] = (
    Layout(
        name="opendental_aging",
        title="Open Dental - Aging of A/R report export (tab-separated .txt/.xls)",
        status="verified",
        columns={
            "Guarantor": "full_name",
            "Patient": "full_name",
            **_OD_BUCKETS,
            "Last Pay Date": "last_payment_date",
        },
        signature=(("0-30 Days",), ("> 90 Days",), ("=Patient",), ("Guarantor", "Patient")),
        discard=("Column1",),
        key="patnum_prefix",
        use_generic_synonyms=False,
        notes="Per guarantor (or patient). Key = PatNum prefix of the name cell ('Show PatNum'), else name. "
        "No address, phone or e-mail: refused for placement (MISSING_REQUIRED_COLUMNS), balance-only stats.",
    ),
    Layout(
        name="opendental_ar_manager",
        title="Open Dental - A/R Manager (TSI) grid export (quoted, tab-separated)",
        status="verified",
        columns={
            "Guarantor": "full_name",
            "Clinic": "location",
            **_OD_BUCKETS,
            "Last Paid": "last_payment_date",
            "Last Proc": "service_date",
            "Date Bal Began": "date_balance_began",
        },
        signature=(
            ("=Patient",),
            ("-Ins Est",),
            ("Date Bal Began", "PayPlan Due", "Days Bal Began", "Last Proc"),
        ),
        discard=("Prov", "Billing Type", "PayPlan Due", "DateTime Suspended", "Days Bal Began"),
        key="patnum_prefix",
        notes="Per guarantor; balances and dates only (no contact columns) unless Display Fields added them.",
    ),
    Layout(
        name="opendental_user_query",
        title="Open Dental - User Query export (tab-separated, patient table column names)",
        status="verified",
        columns={
            "AcctNum": "account_key",
            "PatNum": "account_key",
            "LName": "last_name",
            "FName": "first_name",
            "MiddleI": "middle_name",
            "Address": "address1",
            "Address2": "address2",
            "City": "city",
            "State": "state",
            "Zip": "zip",
            "HmPhone": "phone_home",
            "WkPhone": "phone_work",
            "WirelessPhone": "phone_mobile",
            "Email": "email",
            "Birthdate": "dob",
            "Clinic": "location",
            "ClinicNum": "location",
            "Bal_0_30": "bal_0_30",
            "Bal_31_60": "bal_31_60",
            "Bal_61_90": "bal_61_90",
            "BalOver90": "bal_over_90",
            "BalTotal": "total_balance",
            "InsEst": "insurance_estimate",
            "InsWoEst": "writeoff_estimate",
            "$PatPortion": "amount",
            "DateLastPay": "last_payment_date",
            "DateLastStatement": "last_statement_date",
            "DateBalBegan": "date_balance_began",
        },
        signature=(
            ("LName",),
            ("FName",),
            ("BalTotal", "$PatPortion", "Bal_0_30", "HmPhone", "WirelessPhone"),
        ),
        discard=("BillingType", "PatStatus", "PriProv", "Preferred", "Gender", "Position", "PayPlanDue"),
        notes="Header = SQL aliases. Amount = $PatPortion, else BalTotal - InsEst. "
        "'Birthdate' 1/1/0001 = none.",
    ),
    Layout(
        name="tsi_placement",
        title="Transworld Systems (TSI) placement file as Open Dental writes it (pipe-separated, ASCII)",
        status="verified",
        columns={
            "DEBTOR REFERENCE": "account_key",
            "DEBTOR NAME": "full_name",
            "ADDRESS": "address1",
            "ADDRESS2": "address2",
            "CITY": "city",
            "STATE": "state",
            "ZIP": "zip",
            "DEBTOR PHONE": "phone_home",
            "SECONDARY PHONE": "phone_mobile",
            "DEBTOR DATE OF BIRTH": "dob",
            "PATIENTFIRSTNAME": "patient_first_name",
            "PATIENTLASTNAME": "patient_last_name",
            "LANGUAGE": "language",
            "DATE OF DEBT": "date_balance_began",
            "AMOUNT DUE": "amount",
            "DATE OF LAST PAY": "last_payment_date",
        },
        signature=(("DEBTOR REFERENCE",), ("DEBTOR NAME",), ("AMOUNT DUE",)),
        discard=(
            "CLIENT NUMBER",
            "TRANSMITTAL NUMBER",
            "DEBTOR SSN",
            "PATIENTTYPE",
            "PATIENTPHONE1",
            "PATIENTPHONE2",
            "PATIENTDOB",
            "PATIENTSSN",
            "PATIENTADDRESS",
            "PATIENTADDRESS2",
            "PATIENTCITY",
            "PATIENTSTATE",
            "PATIENTZIP",
            "PATIENTCOUNTRY",
            "SERVICETYPE",
            "SERVICECODE",
            "COMMENTS",
        ),
        ascii_only=True,
        use_generic_synonyms=False,
        notes="Dates MMddyyyy ('01010001' = never). Both SSN columns and the patient's own contact data are "
        "dropped (patient = guarantor in the A/R Manager).",
    ),
    Layout(
        name="tsi_transactions",
        title="Transworld Systems (TSI) update / transaction file",
        status="verified",
        signature=(("TRANSACTION TYPE",), ("TRANSACTION AMOUNT",), ("NEW BALANCE",)),
        use_generic_synonyms=False,
        not_placement="TSI transaction (update) file: agency-to-practice feedback, not a placement list",
    ),
    Layout(
        name="openemr_collections",
        title="OpenEMR - Collections Report CSV (one row per invoice)",
        status="verified",
        columns={
            "Name": "full_name",
            "DOB": "dob",
            "Phone": "phone",
            "City": "city",
            "Invoice": "account_key",
            "DOS": "service_date",
            "Charge": "charge",
            "Adjust": "adjustment",
            "Paid": "paid",
        },
        signature=(("Invoice",), ("Charge",), ("Adjust",), ("Paid",), ("Name",)),
        discard=("Insurance", "Pubpid", "Balance", "Aging Days", "Error"),
        amount=((("+", "charge"), ("-abs", "adjustment"), ("-", "paid")),),
        key="invoice_pid",
        grain="invoice",
        merge=True,
        duplicate_fields=(),
        use_generic_synonyms=False,
        notes="Invoice = pid.encounter; invoices are summed per pid. csvEscape strips leading '-', so the "
        "amount is Charge - |Adjust| - Paid, never the Balance column. Name/DOB are the patient's.",
    ),
    Layout(
        name="dentrix_aging",
        title="Dentrix G-series / Enterprise - Aging Report, two lines per guarantor (spreadsheet re-save)",
        status="partial",
        columns={
            "Guarantor": "full_name",
            "Phone": "phone",
            "Last Pmt": "last_payment_amount",
            "0-30": "bal_0_30",
            "31-60": "bal_31_60",
            "61-90": "bal_61_90",
            "91+": "bal_over_90",
            "INSR Est": "insurance_estimate",
            "Guar Port": "amount",
            "Balance": "total_balance",
        },
        signature=(("Guarantor",), ("INSR Est", "INSR Estimate"), ("Guar Port", "Guarantor Portion")),
        discard=("Bill Type", "Billing Type", "Pmt Agr"),
        key="name_phone",
        second_header=("Last Stmt", "Pmt Agr", "Pmt Date"),
        second_line={"Last Stmt": "last_statement_date", "Pmt Date": "last_payment_date"},
        second_line_positions={1: "last_statement_date", 3: "last_payment_date"},
        notes="No account number: key = (guarantor name, phone digits). Line 2 (last statement, agreed "
        "payment, last payment date) is merged into line 1. Header text is an assumption (PARTIAL).",
    ),
    Layout(
        name="dentrix_ascend_multi_location",
        title="Dentrix Ascend - Multi-location Aged Receivables (.xlsx/.csv)",
        status="partial",
        columns={
            "Guarantor ID": "account_key",
            "Guarantor": "full_name",
            "Primary Guarantor": "full_name",
            "Location": "location",
            "Total Balance": "amount",
            "Total": "amount",
        },
        signature=(("Guarantor ID", "Guarantor #"), ("Location",), ("Total Balance",)),
        discard=("Unapplied Credits", "Unapplied"),
        grain="account_location",
        merge=True,
        duplicate_fields=("account_key", "location"),
        account_warnings=("AMOUNT_INCLUDES_INSURANCE",),
        notes="One row per guarantor per location, summed per Guarantor ID; a repeated (ID, Location) is a "
        "duplicate. The total includes insurance-pending money: every account is flagged. "
        "Headers UNVERIFIED.",
    ),
    Layout(
        name="eaglesoft_aging",
        title="Eaglesoft - Aging by Responsible Party (Excel 'CSV UTF-8' re-save)",
        status="partial",
        columns={
            "Account #": "account_key",
            "Responsible Party": "full_name",
            "Address": "address1",
            "Address 2": "address2",
            "City": "city",
            "State": "state",
            "Zip": "zip",
            "Home Phone": "phone_home",
            "Cell Phone": "phone_mobile",
            "Work Phone": "phone_work",
            "Email": "email",
            "Birth Date": "dob",
            "Last Pmt Amt": "last_payment_amount",
            "Last Pmt Date": "last_payment_date",
            "Current": "bal_0_30",
            "31-60": "bal_31_60",
            "61-90": "bal_61_90",
            "Over 90": "bal_over_90",
            "Est. Insurance": "insurance_estimate",
            "Total Balance": "total_balance",
        },
        signature=(("Responsible Party",), ("Est. Insurance", "Estimated Insurance"), ("Total Balance",)),
        discard=("Contract Balance",),
        amount=((("+", "total_balance"), ("-", "insurance_estimate")),),
        notes="Amount = Total Balance - Est. Insurance (Contract Balance is not yet due and is dropped).",
    ),
    Layout(
        name="eaglesoft_patient_table",
        title="Eaglesoft - patient table columns (database / report-writer export)",
        status="partial",
        columns={
            "patient_id": "account_key",
            "responsible_party": "account_key",
            "last_name": "last_name",
            "first_name": "first_name",
            "middle_initial": "middle_name",
            "address_1": "address1",
            "address_2": "address2",
            "city": "city",
            "state": "state",
            "zipcode": "zip",
            "home_phone": "phone_home",
            "work_phone": "phone_work",
            "cell_phone": "phone_mobile",
            "email_address": "email",
            "birth_date": "dob",
            "current_bal": "bal_0_30",
            "thirty_day": "bal_31_60",
            "sixty_day": "bal_61_90",
            "ninety_day": "bal_over_90",
            "estimated_insurance": "insurance_estimate",
        },
        signature=(("current_bal",), ("estimated_insurance",), ("last_name", "responsible_party")),
        discard=(
            "social_security",
            "drivers_license",
            "medicaid_id",
            "prim_member_id",
            "contract_balance",
            "prim_outstanding_balance",
            "sec_outstanding_balance",
            "preferred_name",
            "responsible_party_status",
        ),
        notes="Amount = current + 30 + 60 + 90 buckets - estimated_insurance. UNVERIFIED as an export shape.",
    ),
    Layout(
        name="nextgen_statement_run",
        title="NextGen Enterprise PM - Statement Run Report",
        status="verified",
        columns={
            "Account Number": "account_key",
            "Guarantor": "full_name",
            "Pat Bal": "amount",
            "Ins Bal": "insurance_estimate",
            "Practice Name": "location",
            "Next Print Date": "",
        },
        signature=(("Account Number",), ("Pat Bal",), ("Stmt Counter", "Generate Stmt Next Run?", "Ins Bal")),
        discard=(
            "Generate Stmt Next Run?",
            "Next Print Date",
            "Credit Bal",
            "Stmt Counter",
            "Is Patient Portal?",
            "Stmt Format",
            "CC on File",
            "APC Enabled",
            "EDI Upload",
        ),
        notes="16-digit account numbers with leading zeros are kept as text. Balances only: refused for "
        "placement unless contact columns were added.",
    ),
    Layout(
        name="nextgen_statements",
        title="NextGen Enterprise PM - Statements report",
        status="verified",
        columns={
            "Acct ID": "account_key",
            "Guar Name": "full_name",
            "Loc Name": "location",
            "Pat Name": "patient_name",
            "Pat Amt": "amount",
            "Ins Amt": "insurance_estimate",
            "Crt Dt": "last_statement_date",
        },
        signature=(("Acct ID",), ("Guar Name",), ("Pat Amt",)),
        discard=(
            "Prac Name",
            "User Name",
            "Rendering",
            "Per Nbr",
            "Exported/Printed",
            "Next Stmt Date",
            "Stmt Counter",
            "Is Patient Portal?",
            "Portal Enrollment",
            "Patient Enrollment Response",
            "Stmt Format",
            "Enc Nbr",
        ),
    ),
)

GENERIC = Layout(
    name="generic",
    title="Generic table: columns mapped by synonym",
    status="generic",
    notes="Any CSV/TSV/XLSX with a header row; columns mapped by the synonym table. No account column: the "
    "key is derived from name + phone (+ ZIP).",
)

PRESETS: dict[str, Layout] = {p.name: p for p in (*_PRESET_LIST, GENERIC)}


# ------------------------------------------------------------------ column plan


@dataclass
class ColumnPlan:
    layout: Layout
    header_row_index: int  # 0-based index among the rows read
    header: list[str]
    fields: dict[str, int]  # single-valued canonical field -> column index
    phones: list[tuple[int, str]]  # (column index, phone field) in column order
    dropped_columns: list[str]
    second_line: dict[int, str]  # Dentrix continuation line: column index -> field
    second_header_keys: frozenset[str]
    amount_rule: AmountRule | None
    notices: list[str]

    def missing_required(self) -> list[str]:
        missing = []
        if not ({"full_name", "last_name"} & self.fields.keys()):
            missing.append("debtor name")
        if self.amount_rule is None:
            missing.append("amount to place")
        if not self.has_contact_columns():
            missing.append("a contact column (street + city + ZIP, a phone, or an e-mail)")
        return missing

    def has_contact_columns(self) -> bool:
        return bool(self.phones) or "email" in self.fields or all(f in self.fields for f in _ADDRESS_SET)


def _resolve_amount(layout: Layout, fields: Mapping[str, int]) -> AmountRule | None:
    for rule in layout.amount:
        if rule[0][1] in fields:
            return tuple((op, f) for op, f in rule if f in fields)
    return None


def plan_columns(
    layout: Layout, header: list[str], header_row_index: int, second_header: list[str] | None
) -> ColumnPlan:
    preset_map = {header_key(h): f for h, f in layout.columns.items()}
    layout_discard = _keys(layout.discard)
    assigned: list[tuple[int, str, str]] = []  # (index, raw header, field)
    dropped: list[str] = []
    notices: list[str] = []
    for i, raw in enumerate(header):
        k = header_key(raw)
        f = ""
        if k in layout_discard:
            f = ""
        elif k in preset_map:
            f = preset_map[k]
        elif k in _SENSITIVE_KEYS:
            f = ""
        elif layout.use_generic_synonyms:
            f = _GENERIC_MAP.get(k, "")
        if f:
            assigned.append((i, raw.strip(), f))
        elif raw.strip():
            dropped.append(raw.strip())
    if not any(f in ("full_name", "last_name") for _, _, f in assigned):
        # A lone "Patient" / "Patient Name" column names the debtor (per-patient reports).
        assigned = [(i, r, "full_name" if f == "patient_name" else f) for i, r, f in assigned]
    fields: dict[str, int] = {}
    phones: list[tuple[int, str]] = []
    for i, raw, f in assigned:
        if f in MULTI_FIELDS:
            phones.append((i, f))
        elif f in fields:
            notices.append(f"column {raw!r} ignored: {f} already comes from {header[fields[f]].strip()!r}")
            dropped.append(raw)
        else:
            fields[f] = i
    second: dict[int, str] = {}
    sh_keys: frozenset[str] = frozenset()
    if layout.second_header:
        sh_keys = _keys(layout.second_header)
        if second_header is not None:
            smap = {header_key(h): f for h, f in layout.second_line.items()}
            for i, raw in enumerate(second_header):
                k = header_key(raw)
                if k in smap:
                    second[i] = smap[k]
                elif k:
                    dropped.append(raw.strip())
        else:
            second = dict(layout.second_line_positions)
    return ColumnPlan(
        layout=layout,
        header_row_index=header_row_index,
        header=header,
        fields=fields,
        phones=phones,
        dropped_columns=dropped,
        second_line=second,
        second_header_keys=sh_keys,
        amount_rule=_resolve_amount(layout, fields),
        notices=notices,
    )


# ------------------------------------------------------------------ detection


def _signature_matches(layout: Layout, keys: set[str]) -> bool:
    return bool(layout.signature) and all(
        any(header_key(a) in keys for a in group) for group in layout.signature
    )


def _generic_score(keys: list[str]) -> tuple[int, bool]:
    fields = {_GENERIC_MAP[k] for k in keys if k in _GENERIC_MAP}
    # An account number stands in for the name so a de-identified export (analysis mode) is found too.
    has_core = bool(
        fields & {"full_name", "last_name", "patient_name", "account_key"}
        and fields & {"amount", "total_balance", "bal_0_30", "bal_over_90"}
    )
    return len(fields), has_core


def detect_header(rows: Sequence[list[str]], preset: str = "auto") -> tuple[int, Layout] | None:
    """Find the header row among ``rows`` (the first ~30 of a file) and the layout it belongs to.

    ``preset="auto"``: the row matching a preset signature with the most recognised columns wins;
    otherwise the row with the most generic synonyms (at least a name and an amount column). A named
    preset only looks for its own signature (``generic`` uses the synonym score).
    """
    best: tuple[int, int, Layout] | None = None  # (score, -row, layout)
    candidates = [p for p in _PRESET_LIST if preset in ("auto", p.name)]
    for idx, row in enumerate(rows):
        keys = [header_key(c) for c in row if c]
        keyset = set(keys)
        if not keyset:
            continue
        for layout in candidates:
            if _signature_matches(layout, keyset):
                cmap = layout.column_map()
                score = 1000 + sum(1 for k in keyset if k in cmap)
                if best is None or (score, -idx) > (best[0], best[1]):
                    best = (score, -idx, layout)
    if best is not None:
        return -best[1], best[2]
    if preset not in ("auto", "generic"):
        return None
    gbest: tuple[int, int] | None = None
    for idx, row in enumerate(rows):
        keys = [header_key(c) for c in row if c]
        score, core = _generic_score(keys)
        if core and score >= 2 and (gbest is None or score > gbest[0]):
            gbest = (score, idx)
    if gbest is None:
        return None
    return gbest[1], GENERIC


def layout_from_mapping(mapping: Mapping[str, object]) -> tuple[Layout | None, str]:
    """``{"columns": {"<header in file>": "<canonical field>" | "" | "discard"}}`` -> a Layout.

    Optional keys: ``"date_order"`` (``mdy``/``dmy``/``ymd``) and ``"merge"`` (sum rows per account).
    Returns ``(None, error detail)`` for an invalid mapping.
    """
    cols = mapping.get("columns") if isinstance(mapping, Mapping) else None
    if not isinstance(cols, Mapping) or not cols:
        return None, 'mapping must be {"columns": {"<header in file>": "<canonical field>"}}'
    columns: dict[str, str] = {}
    discard: list[str] = []
    seen: dict[str, str] = {}
    for header, fname in cols.items():
        if not isinstance(header, str) or not isinstance(fname, str | type(None)):
            return None, "mapping keys and values must be strings"
        if not fname or fname == "discard":
            discard.append(header)
            continue
        if fname not in FIELD_NAMES:
            return None, f"unknown canonical field {fname!r} for column {header!r}"
        if fname in seen and fname not in MULTI_FIELDS:
            return None, f"{fname!r} is mapped twice ({seen[fname]!r} and {header!r})"
        seen[fname] = header
        columns[header] = fname
    date_order = mapping.get("date_order", "mdy")
    if date_order not in ("mdy", "dmy", "ymd"):
        return None, "date_order must be mdy, dmy or ymd"
    merge = bool(mapping.get("merge", False))
    return (
        Layout(
            name="mapping",
            title="Explicit column mapping",
            status="mapping",
            columns=columns,
            signature=tuple((h,) for h in columns),
            discard=tuple(discard),
            date_order=str(date_order),
            merge=merge,
            use_generic_synonyms=False,
        ),
        "",
    )
