"""Rows -> accounts: classification, record building, merge/duplicate rules, account rules, counters.

``parse_export`` reads only the head of the file eagerly (sniffing, header detection, the
required-columns check) and returns an :class:`ImportResult`. Rows are read when the accepted accounts
are iterated (``iter_account_chunks``), so memory stays bounded:

* per-account layouts keep only the set of account keys seen (duplicate rule) -- O(accounts) strings;
* merge layouts (OpenEMR per pid, Dentrix Ascend per guarantor) keep one draft per account until the
  end of the file -- O(accounts), never O(rows) -- and emit the merged accounts after the last row;
* rejected rows are kept as (row number, key, reason) triples (bounded by ``max_rejected_rows``; the
  counters stay exact beyond it).

The counters are final once the iteration has finished (``result.finished``); ``accounts``,
``summary()`` and ``run()`` drive the iteration themselves for small files and tests.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from itertools import chain
from typing import Any

from balances.imports.codes import FileError, ImportWarning, RejectReason
from balances.imports.layouts import (
    PRESETS,
    ColumnPlan,
    Layout,
    detect_header,
    header_key,
    layout_from_mapping,
    plan_columns,
)
from balances.imports.parsers import (
    InvalidValue,
    age_on,
    email_or_empty,
    normalize_state,
    parse_date,
    parse_money,
    parse_zip,
    phone_digits,
    split_name,
)
from balances.imports.sniff import SniffedFile, SniffError, sniff

__all__ = ["MAX_CELL_CHARS", "Account", "ImportResult", "Phone", "RejectedRow", "parse_export"]

#: Rows searched for the header.
HEADER_SEARCH_ROWS = 30
#: A kept cell longer than this rejects the row (VALUE_TOO_LONG): no real name/address is this long.
MAX_CELL_CHARS = 1000
ADULT_AGE = 18

_PHONE_KIND = {"phone": "unknown", "phone_home": "home", "phone_mobile": "mobile", "phone_work": "work"}
_FOOTER = re.compile(
    r"\s*(?:(?:report|grand|sub|page|final|account|practice|clinic|provider|location|guarantor)[\s-]*)?totals?\b"
    r"|\s*page\s*\d+|\s*number\s+of\b|\s*(?:count|end\s+of\s+report|printed|run\s+date|report\s+date)\b",
    re.IGNORECASE,
)
_NAME_LIKE = re.compile(r"[^\W\d_][\w'.\- ]*,\s*[^\W\d_]")
_PATNUM_PREFIX = re.compile(r"\s*(\d+)\s+-\s+(.*)", re.DOTALL)
_MONEYISH = re.compile(r"[\s$(),.\-\d]*")
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D+")


@dataclass(slots=True, frozen=True)
class Phone:
    number: str  # 10 digits, no punctuation
    kind: str  # "mobile", "home", "work" or "unknown" (as the layout says)


@dataclass(slots=True)
class Account:
    """One accepted (or, internally, candidate) account with canonical fields."""

    row_number: int  # physical line / sheet row where the (first) record starts
    account_key: str
    full_name: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    patient_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    dob: date | None = None
    amount_cents: int = 0
    total_balance_cents: int | None = None
    insurance_estimate_cents: int | None = None
    writeoff_estimate_cents: int | None = None
    bal_0_30_cents: int | None = None
    bal_31_60_cents: int | None = None
    bal_61_90_cents: int | None = None
    bal_over_90_cents: int | None = None
    last_payment_date: date | None = None
    last_payment_cents: int | None = None
    last_statement_date: date | None = None
    first_service_date: date | None = None
    last_service_date: date | None = None
    date_balance_began: date | None = None
    location: str | None = None
    language: str | None = None
    source_records: int = 1  # records merged into this account (invoices, locations)
    warnings: tuple[ImportWarning, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True, frozen=True)
class RejectedRow:
    row_number: int
    account_key: str
    reason: RejectReason


@dataclass(slots=True)
class _Draft:
    acc: Account
    amount_invalid: bool = False
    name_missing: bool = False
    too_long: bool = False
    phone_invalid: bool = False
    email_invalid: bool = False
    zip_restored: bool = False
    question_mark: bool = False
    dob_warn: bool = False
    date_warn: bool = False


# --------------------------------------------------------------------------- result


@dataclass
class ImportResult:
    preset: str = ""
    file_error: FileError | None = None
    file_error_detail: str = ""
    dropped_columns: list[str] = field(default_factory=list)
    column_map: dict[str, str] = field(default_factory=dict)  # header in file -> canonical field
    notices: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    data_records: int = 0
    nondata_lines_skipped: int = 0
    malformed_rows: int = 0
    duplicate_records_rejected: int = 0
    accounts_after_merge: int = 0
    accounts_imported: int = 0
    accounts_rejected: Counter[str] = field(default_factory=Counter)
    total_imported_cents: int = 0
    warnings_on_imported_accounts: Counter[str] = field(default_factory=Counter)
    balance_only_stats: dict[str, int] | None = None
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_rows_truncated: bool = False
    finished: bool = False
    _chunks: Iterator[list[Account]] | None = field(default=None, repr=False)
    _accounts: list[Account] | None = field(default=None, repr=False)
    _started: bool = field(default=False, repr=False)

    @property
    def accounts_rejected_total(self) -> int:
        return sum(self.accounts_rejected.values())

    def iter_account_chunks(self) -> Iterator[list[Account]]:
        """Accepted accounts in lists of at most ``chunk_rows``; drives the parse. Single use."""
        if self._started:
            raise RuntimeError("the accounts of this result were already iterated")
        self._started = True
        if self._chunks is None:
            self.finished = True
            return
        yield from self._chunks

    def iter_accounts(self) -> Iterator[Account]:
        for chunk in self.iter_account_chunks():
            yield from chunk

    @property
    def accounts(self) -> list[Account]:
        """All accepted accounts (parses the rest of the file and keeps them in memory)."""
        if self._accounts is None:
            self._accounts = list(self.iter_accounts())
        return self._accounts

    def run(self) -> ImportResult:
        self.accounts  # noqa: B018 - drives the parse
        return self

    def parse_state(self) -> dict[str, Any]:
        """What the parse found (counters, report, rejections), without the row iterator: what a
        child process that ran the parse sends back to the parent (see `absorb`)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def absorb(self, state: dict[str, Any]) -> None:
        """Take over the state of this same parse, run to the end in another process."""
        for name, value in state.items():
            setattr(self, name, value)
        self._started, self._chunks = True, None

    def summary(self) -> dict[str, Any]:
        """Counters with the keys of shared/samples/expected_results.json."""
        self.run() if not self._started else None
        return {
            "file_error": self.file_error.value if self.file_error else None,
            "nondata_lines_skipped": self.nondata_lines_skipped,
            "data_records": self.data_records,
            "duplicate_records_rejected": self.duplicate_records_rejected,
            "accounts_after_merge": self.accounts_after_merge,
            "accounts_imported": self.accounts_imported,
            "accounts_rejected": dict(sorted(self.accounts_rejected.items())),
            "accounts_rejected_total": self.accounts_rejected_total,
            "total_imported_cents": self.total_imported_cents,
            "warnings_on_imported_accounts": dict(sorted(self.warnings_on_imported_accounts.items())),
        }


# --------------------------------------------------------------------------- entry point


def parse_export(
    source: Any,
    *,
    as_of: date,
    preset: str = "auto",
    mapping: dict[str, Any] | None = None,
    chunk_rows: int = 50_000,
    max_rejected_rows: int = 1_000_000,
    deidentified: bool = False,
) -> ImportResult:
    """Sniff, detect and check ``source`` (bytes, a binary file object, or a path).

    ``preset``: ``"auto"`` or a name from :data:`~balances.imports.layouts.PRESETS`; ``mapping``
    (``{"columns": {"<header in file>": "<canonical field>"}}``) overrides the preset. File-level
    problems are reported in ``file_error`` (never raised). ``deidentified``: an export for the
    no-obligation analysis, names and contact details removed; only the amount is required and
    MISSING_NAME / NO_CONTACT do not apply (nobody is contacted from it). Rows are parsed while the accepted accounts
    are iterated (see the module docstring).
    """
    result = ImportResult()
    try:
        sniffed = sniff(source)
    except SniffError as exc:
        result.file_error, result.file_error_detail = exc.code, exc.detail
        return result
    result.encoding = sniffed.encoding
    result.notices.extend(sniffed.notices)

    forced: Layout | None = None
    if mapping is not None:
        forced, err = layout_from_mapping(mapping)
        if forced is None:
            result.file_error, result.file_error_detail = FileError.INVALID_MAPPING, err
            sniffed.close()
            return result
    elif preset != "auto" and preset not in PRESETS:
        result.file_error = FileError.UNKNOWN_PRESET
        result.file_error_detail = f"unknown preset {preset!r}; known: {', '.join(sorted(PRESETS))}"
        sniffed.close()
        return result

    found = _find_header(sniffed, preset, forced)
    if found is None:
        result.file_error = FileError.NO_HEADER_FOUND
        result.file_error_detail = (
            f"none of the first {HEADER_SEARCH_ROWS} rows has the mapped headers"
            if forced
            else f"no known header in the first {HEADER_SEARCH_ROWS} rows; choose a preset or map the columns"
        )
        sniffed.close()
        return result
    layout, header_idx, rows_iter, buffered, sheet, delimiter = found
    result.preset = layout.name
    result.sheet, result.delimiter = sheet, delimiter
    if sheet and len(sniffed.sheets) > 1:
        result.notices.append(f"workbook has {len(sniffed.sheets)} sheets; read sheet {sheet!r}")
    if layout.not_placement:
        result.file_error, result.file_error_detail = FileError.NOT_A_PLACEMENT_FILE, layout.not_placement
        sniffed.close()
        return result

    header_line, header = buffered[header_idx]
    header = header or []
    second_header = None
    rest = buffered[header_idx + 1 :]
    if layout.second_header and rest and rest[0][1] is not None:
        sh_keys = {header_key(h) for h in layout.second_header}
        cand = rest[0][1] or []
        if {header_key(c) for c in cand if c.strip()} & sh_keys:
            second_header = cand
    plan = plan_columns(layout, header, header_idx, second_header)
    result.header_row = header_line
    result.dropped_columns = plan.dropped_columns
    result.notices.extend(plan.notices)
    result.column_map = {header[i].strip(): f for f, i in plan.fields.items()}
    result.column_map.update({header[i].strip(): f for i, f in plan.phones})

    missing = [m for m in plan.missing_required() if not deidentified or m == "amount to place"]
    balance_only = False
    if missing:
        result.file_error = FileError.MISSING_REQUIRED_COLUMNS
        result.file_error_detail = "missing " + "; ".join(missing)
        if missing == ["a contact column (street + city + ZIP, a phone, or an e-mail)"]:
            balance_only = True  # still count rows and balances (balance updates of placed accounts)
        else:
            sniffed.close()
            return result

    remaining = chain(((ln, r) for ln, r in rest), rows_iter)
    # Header line itself (and anything above it) are non-data lines.
    result.nondata_lines_skipped = header_idx + 1
    worker = _Worker(result, plan, as_of, chunk_rows, max_rejected_rows, balance_only, deidentified)
    result._chunks = worker.run(remaining, sniffed)
    if balance_only:
        result.run()
    return result


def _find_header(
    sniffed: SniffedFile, preset: str, forced: Layout | None
) -> (
    tuple[
        Layout,
        int,
        Iterator[tuple[int, list[str] | None]],
        list[tuple[int, list[str] | None]],
        str | None,
        str | None,
    ]
    | None
):
    """Try sheets / delimiters until a header is found. Returns the live row iterator too."""
    best: tuple[Any, ...] | None = None
    attempts: list[tuple[str | None, str | None]] = (
        [(s, None) for s in sniffed.sheets]
        if sniffed.kind == "xlsx"
        else [(None, d) for d in sniffed.delimiter_candidates]
    )
    for sheet, delim in attempts:
        it = sniffed.iter_sheet_rows(sheet) if sheet else sniffed.iter_text_rows(delim)
        buffered: list[tuple[int, list[str] | None]] = []
        for item in it:
            buffered.append(item)
            if len(buffered) >= HEADER_SEARCH_ROWS:
                break
        rows = [r or [] for _, r in buffered]
        if forced is not None:
            hit = _find_forced(rows, forced)
        else:
            hit = detect_header(rows, preset)
        if hit is None:
            continue
        idx, layout = hit
        score = (layout.status != "generic", len(plan_columns(layout, rows[idx], idx, None).fields))
        if best is None or score > best[0]:
            if best is not None:
                best[3].close()
            best = (score, layout, idx, it, buffered, sheet, delim)
            if sniffed.kind != "xlsx":
                break
        else:
            it.close()  # type: ignore[attr-defined]
    if best is None:
        return None
    _, layout, idx, it, buffered, sheet, delim = best
    return layout, idx, it, buffered, sheet, delim


def _find_forced(rows: list[list[str]], layout: Layout) -> tuple[int, Layout] | None:
    wanted = {header_key(h) for h in layout.columns}
    for idx, row in enumerate(rows):
        if wanted <= {header_key(c) for c in row}:
            return idx, layout
    return None


# --------------------------------------------------------------------------- worker


class _Worker:
    def __init__(
        self,
        result: ImportResult,
        plan: ColumnPlan,
        as_of: date,
        chunk_rows: int,
        max_rejected: int,
        balance_only: bool,
        deidentified: bool = False,
    ) -> None:
        self.r = result
        self.deidentified = deidentified
        self.plan = plan
        self.layout = plan.layout
        self.as_of = as_of
        self.chunk_rows = max(1, chunk_rows)
        self.max_rejected = max_rejected
        self.balance_only = balance_only
        self.fields = list(plan.fields.items())
        self.phones = plan.phones
        self.width = len(plan.header)
        self.header_lower = [h.strip().lower() for h in plan.header]
        self.header_keys = [header_key(h) for h in plan.header]
        f = plan.fields
        self.name_idx = f.get("full_name", f.get("last_name"))
        self.key_idx = f.get("account_key")
        self.ident_idx = [i for i in (self.key_idx, self.name_idx, f.get("first_name")) if i is not None]
        self.check_idx = self.ident_idx[0] if self.ident_idx else 0
        self.money_idx = [i for n, i in f.items() if n in ("amount", "total_balance", "charge")]
        self.seen: set[Any] = set()
        self.merged: dict[str, _Draft] = {}
        self.pivot = as_of.year
        self.order = self.layout.date_order
        self.acct_warnings = tuple(ImportWarning(w) for w in self.layout.account_warnings)
        if self.key_idx is None and self.layout.key == "column":
            result.notices.append("no account-number column: account key = name + phone + ZIP")
        self.money_attrs = [(f, a) for f, a in _MONEY_ATTRS if f in plan.fields]
        self.date_cache: dict[str, object] = {}
        self.dob_cache: dict[str, object] = {}
        self.bal = {
            "rows": 0,
            "rows_with_positive_amount": 0,
            "sum_positive_amount_cents": 0,
            "rows_with_zero_or_credit_amount": 0,
        }

    # -- row classification ---------------------------------------------------
    def _is_header_repeat(self, row: list[str]) -> bool:
        i = self.check_idx
        if i >= len(row) or row[i].strip().lower() != self.header_lower[i]:
            return False
        hk = self.header_keys
        same = sum(1 for j, c in enumerate(row[: len(hk)]) if c.strip() and header_key(c) == hk[j])
        nonblank = sum(1 for c in row if c.strip())
        return same >= 2 and same * 2 >= nonblank

    def _is_nondata(self, row: list[str]) -> bool:
        """Blank rows, repeated headers, page/footer rows, and subtotal rows without identity."""
        first = ""
        for c in row:
            if c.strip():
                first = c
                break
        else:
            return True
        if self._is_header_repeat(row):
            return True
        sh = self.plan.second_header_keys
        if sh:
            keys = {header_key(c) for c in row if c.strip()}
            if keys and keys <= sh:
                return True
        if _FOOTER.match(first) and not _NAME_LIKE.match(first):
            return True
        ident = [row[i] for i in self.ident_idx if i < len(row) and row[i].strip()]
        if not ident:
            # No key and no name: a subtotal / totals line if every other cell is money-like.
            return all(_MONEYISH.fullmatch(c) for c in row)
        return False

    # -- main loop ------------------------------------------------------------
    def run(
        self, rows: Iterator[tuple[int, list[str] | None]], sniffed: SniffedFile
    ) -> Iterator[list[Account]]:
        r = self.r
        out: list[Account] = []
        pending: tuple[int, list[str]] | None = None
        pending_extra: dict[str, str] = {}
        two_line = bool(self.plan.second_line)
        width = self.width
        try:
            for line, row in rows:
                if row is None:
                    r.malformed_rows += 1
                    self._reject(line, "", RejectReason.MALFORMED_ROW)
                    continue
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                if two_line and pending is not None and self._is_continuation(row):
                    r.nondata_lines_skipped += 1
                    for i, fname in self.plan.second_line.items():
                        if i < len(row) and row[i].strip():
                            pending_extra[fname] = row[i]
                    continue
                if pending is not None:
                    self._record(pending[0], pending[1], pending_extra, out)
                    pending, pending_extra = None, {}
                    if len(out) >= self.chunk_rows:
                        yield out
                        out = []
                if self._is_nondata(row):
                    r.nondata_lines_skipped += 1
                    continue
                r.data_records += 1
                if two_line:
                    pending = (line, row)
                    continue
                self._record(line, row, None, out)
                if len(out) >= self.chunk_rows:
                    yield out
                    out = []
            if pending is not None:
                self._record(pending[0], pending[1], pending_extra, out)
            if self.merged:
                for draft in self.merged.values():
                    acc = self._finish(draft)
                    if acc is not None:
                        out.append(acc)
                        if len(out) >= self.chunk_rows:
                            yield out
                            out = []
                self.merged.clear()
            if out:
                yield out
        finally:
            sniffed.close()
            self.seen = set()
            if self.balance_only:
                r.balance_only_stats = dict(self.bal)
            if r.data_records == 0 and r.file_error is None and r.malformed_rows == 0:
                r.file_error = FileError.EMPTY_FILE
                r.file_error_detail = "no data rows after the header"
            r.finished = True

    def _is_continuation(self, row: list[str]) -> bool:
        i = self.name_idx if self.name_idx is not None else 0
        if row[i].strip():
            return False
        return any(row[j].strip() for j in self.plan.second_line) or any(c.strip() for c in row)

    def _reject(self, line: int, key: str, reason: RejectReason) -> None:
        r = self.r
        if len(r.rejected_rows) < self.max_rejected:
            r.rejected_rows.append(RejectedRow(line, key, reason))
        else:
            r.rejected_rows_truncated = True

    # -- one data record --------------------------------------------------------
    def _record(self, line: int, row: list[str], extra: dict[str, str] | None, out: list[Account]) -> None:
        raw = {fname: row[i] for fname, i in self.fields}
        if extra:
            raw.update(extra)
        if self.balance_only:
            self._balance_only(raw)
            return
        layout = self.layout
        key, name_cell = self._key(raw, row)
        if key is None:
            self._reject(line, "", RejectReason.MISSING_ACCOUNT_KEY)
            self.r.accounts_after_merge += 1
            self.r.accounts_rejected[RejectReason.MISSING_ACCOUNT_KEY] += 1
            return
        if layout.duplicate_fields:
            dkey: Any = (
                key
                if len(layout.duplicate_fields) == 1
                else (key, (raw.get("location") or "").strip().casefold())
            )
            if dkey in self.seen:
                self.r.duplicate_records_rejected += 1
                self._reject(line, key, RejectReason.DUPLICATE_RECORD)
                return
            self.seen.add(dkey)
        draft = self._build(line, key, raw, name_cell, row)
        if layout.merge:
            prev = self.merged.get(key)
            if prev is None:
                self.merged[key] = draft
            else:
                _merge_into(prev, draft)
            return
        acc = self._finish(draft)
        if acc is not None:
            out.append(acc)

    def _key(self, raw: dict[str, str], row: list[str]) -> tuple[str | None, str | None]:
        """(account key or None when required but empty, name cell override)."""
        mode = self.layout.key
        if mode == "patnum_prefix":
            cell = raw.get("full_name", "")
            m = _PATNUM_PREFIX.match(cell)
            if m:
                return m.group(1), m.group(2)
            return "name:" + _SPACES.sub(" ", cell).strip().casefold(), None
        if mode == "invoice_pid":
            v = raw.get("account_key", "").strip()
            pid = v.split(".", 1)[0].strip()
            return (pid or None), None
        if mode == "column" and self.key_idx is not None:
            v = raw.get("account_key", "").strip()
            return (v or None), None
        # name_phone (Dentrix) or a generic file without an account column
        name = raw.get("full_name") or " ".join(
            raw.get(f, "") for f in ("last_name", "first_name", "middle_name")
        )
        name = _SPACES.sub(" ", name).strip().casefold()
        phone = ""
        for i, _ in self.phones:
            phone = _NOT_DIGIT.sub("", row[i])
            if phone:
                break
        key = f"{name}|{phone}"
        if mode == "column":
            key += "|" + _NOT_DIGIT.sub("", raw.get("zip", ""))[:5]
        return key, None

    def _balance_only(self, raw: dict[str, str]) -> None:
        try:
            cents = self._amount(raw)
        except InvalidValue:
            return
        b = self.bal
        b["rows"] += 1
        if cents is not None and cents > 0:
            b["rows_with_positive_amount"] += 1
            b["sum_positive_amount_cents"] += cents
        else:
            b["rows_with_zero_or_credit_amount"] += 1

    def _amount(self, raw: dict[str, str]) -> int | None:
        rule = self.plan.amount_rule
        assert rule is not None
        total = 0
        for n, (op, fname) in enumerate(rule):
            v = parse_money(raw.get(fname))
            if v is None:
                if n == 0:
                    raise InvalidValue("no amount")
                continue
            total += v if op == "+" else (-abs(v) if op == "-abs" else -v)
        return total

    def _date(self, value: str, d: _Draft, dob: bool = False) -> date | None:
        """Cached per file: (value, is_dob) -> date, None (no date) or _BAD (invalid / future)."""
        cache = self.dob_cache if dob else self.date_cache
        dt = cache.get(value, _MISS)
        if dt is _MISS:
            try:
                dt = parse_date(value, order=self.order, allow_two_digit_year=not dob, pivot_year=self.pivot)
                if dt is not None and dt > self.as_of:
                    dt = _BAD
            except InvalidValue:
                dt = _BAD
            if len(cache) > 200_000:
                cache.clear()
            cache[value] = dt
        if dt is _BAD:
            if dob:
                d.dob_warn = True
            else:
                d.date_warn = True
            return None
        return dt  # type: ignore[return-value]

    def _money_opt(self, value: str | None) -> int | None:
        if not value:
            return None
        try:
            return parse_money(value)
        except InvalidValue:
            return None

    def _build(
        self, line: int, key: str, raw: dict[str, str], name_cell: str | None, row: list[str]
    ) -> _Draft:
        acc = Account(row_number=line, account_key=key)
        d = _Draft(acc)
        get = raw.get
        for cell in raw.values():
            if len(cell) > MAX_CELL_CHARS:
                d.too_long = True
                return d
        # names
        if "full_name" in raw:
            last, first, middle = split_name(name_cell if name_cell is not None else raw["full_name"])
        else:
            last = _SPACES.sub(" ", get("last_name", "")).strip()
            first = _SPACES.sub(" ", get("first_name", "")).strip()
            middle = _SPACES.sub(" ", get("middle_name", "")).strip()
        acc.last_name, acc.first_name, acc.middle_name = last, first, middle
        acc.full_name = " ".join(p for p in (first, middle, last) if p)
        if not acc.full_name:
            d.name_missing = True
        pn = get("patient_name") or " ".join(
            p for p in (get("patient_first_name", ""), get("patient_last_name", "")) if p
        )
        if pn and pn.strip():
            pl, pf, pm = split_name(pn)
            acc.patient_name = " ".join(p for p in (pf, pm, pl) if p)
        # amount
        try:
            amt = self._amount(raw)
            acc.amount_cents = amt or 0
        except InvalidValue:
            d.amount_invalid = True
        for fname, attr in self.money_attrs:
            cell = raw[fname]
            if cell:
                setattr(acc, attr, self._money_opt(cell))
        # dates
        v: str | None = get("dob")
        if v:
            acc.dob = self._date(v, d, dob=True)
        v = get("last_payment_date")
        if v:
            acc.last_payment_date = self._date(v, d)
        v = get("last_statement_date")
        if v:
            acc.last_statement_date = self._date(v, d)
        v = get("date_balance_began")
        if v:
            acc.date_balance_began = self._date(v, d)
        v = get("service_date")
        if v:
            acc.first_service_date = acc.last_service_date = self._date(v, d)
        # contact
        phones: list[Phone] = []
        present = False
        for i, fname in self.phones:
            cell = row[i].strip()
            if not cell:
                continue
            present = True
            num = phone_digits(cell) if len(cell) <= 40 else ""
            if num and (not phones or all(p.number != num for p in phones)):
                phones.append(Phone(num, _PHONE_KIND[fname]))
        acc.phones = tuple(phones)
        d.phone_invalid = present and not phones
        email = get("email")
        if email:
            email = email.strip()
            if email:
                acc.email = email_or_empty(email) or None
                d.email_invalid = acc.email is None
        a1 = get("address1")
        acc.address1 = _clean(a1)
        acc.address2 = _clean(get("address2"))
        acc.city = _clean(get("city"))
        state = normalize_state(get("state"))
        acc.state = state
        z = get("zip")
        if z:
            try:
                acc.zip, d.zip_restored = parse_zip(z, state)
            except InvalidValue:
                acc.zip = None
        acc.location = _clean(get("location"))
        acc.language = _clean(get("language"))
        if "?" in acc.full_name or "?" in (acc.address1 or "") or "?" in (acc.city or ""):
            d.question_mark = True
        return d

    def _finish(self, d: _Draft) -> Account | None:
        acc = d.acc
        r = self.r
        r.accounts_after_merge += 1
        reason: RejectReason | None = None
        mailing = bool(acc.address1 and acc.city and acc.zip)
        if d.too_long:
            reason = RejectReason.VALUE_TOO_LONG
        elif d.name_missing and not self.deidentified:
            reason = RejectReason.MISSING_NAME
        elif d.amount_invalid:
            reason = RejectReason.INVALID_BALANCE
        elif acc.amount_cents <= 0:
            reason = RejectReason.NON_POSITIVE_BALANCE
        elif acc.dob is not None and age_on(acc.dob, self.as_of) < ADULT_AGE:
            reason = RejectReason.DEBTOR_MINOR
        elif not (mailing or acc.phones or acc.email) and not self.deidentified:
            reason = RejectReason.NO_CONTACT
        if reason is not None:
            r.accounts_rejected[reason] += 1
            self._reject(acc.row_number, acc.account_key, reason)
            return None
        w: list[ImportWarning] = []
        if not mailing:
            w.append(ImportWarning.NO_MAILING_ADDRESS)
        elif acc.state is None:
            w.append(ImportWarning.STATE_MISSING)  # a usable street + city + ZIP, but no state
        if d.zip_restored:
            w.append(ImportWarning.ZIP_LEADING_ZERO_RESTORED)
        if d.phone_invalid:
            w.append(ImportWarning.PHONE_INVALID_DROPPED)
        if d.email_invalid:
            w.append(ImportWarning.EMAIL_INVALID_DROPPED)
        if d.question_mark:
            w.append(ImportWarning.NON_ASCII_REPLACED_BY_QUESTION_MARK)
        if d.dob_warn:
            w.append(ImportWarning.DOB_INVALID_IGNORED)
        if d.date_warn:
            w.append(ImportWarning.DATE_INVALID_IGNORED)
        w.extend(self.acct_warnings)
        acc.warnings = tuple(w)
        wc = r.warnings_on_imported_accounts
        for x in w:
            wc[x] += 1
        r.accounts_imported += 1
        r.total_imported_cents += acc.amount_cents
        return acc


_MISS = object()
_BAD = object()
_MONEY_ATTRS = (
    ("total_balance", "total_balance_cents"),
    ("insurance_estimate", "insurance_estimate_cents"),
    ("writeoff_estimate", "writeoff_estimate_cents"),
    ("bal_0_30", "bal_0_30_cents"),
    ("bal_31_60", "bal_31_60_cents"),
    ("bal_61_90", "bal_61_90_cents"),
    ("bal_over_90", "bal_over_90_cents"),
    ("last_payment_amount", "last_payment_cents"),
)
_SUMMED = tuple(a for _, a in _MONEY_ATTRS if a != "last_payment_cents")
_FILL = (
    "address1", "address2", "city", "state", "zip", "email", "dob", "patient_name", "last_payment_date",
    "last_payment_cents", "last_statement_date", "date_balance_began", "language",
)  # fmt: skip


def _clean(v: str | None) -> str | None:
    if not v:
        return None
    s = v.strip()
    if "  " in s or "\t" in s or "\n" in s or "\r" in s:
        s = _SPACES.sub(" ", s)
    return s or None


def _merge_into(a: _Draft, b: _Draft) -> None:
    """Fold record ``b`` into account draft ``a`` (same key): amounts summed, gaps filled."""
    x, y = a.acc, b.acc
    x.source_records += 1
    x.amount_cents += y.amount_cents
    for attr in _SUMMED:
        yv = getattr(y, attr)
        if yv is not None:
            xv = getattr(x, attr)
            setattr(x, attr, yv if xv is None else xv + yv)
    for attr in _FILL:
        if getattr(x, attr) is None and getattr(y, attr) is not None:
            setattr(x, attr, getattr(y, attr))
    if y.first_service_date and (x.first_service_date is None or y.first_service_date < x.first_service_date):
        x.first_service_date = y.first_service_date
    if y.last_service_date and (x.last_service_date is None or y.last_service_date > x.last_service_date):
        x.last_service_date = y.last_service_date
    if y.last_payment_date and x.last_payment_date and y.last_payment_date > x.last_payment_date:
        x.last_payment_date, x.last_payment_cents = y.last_payment_date, y.last_payment_cents
    if y.location and x.location and y.location != x.location:
        x.location = x.location  # multi-location account: the first location names it
    existing = {p.number for p in x.phones}
    extra = tuple(p for p in y.phones if p.number not in existing)
    if extra:
        x.phones = x.phones + extra
    a.amount_invalid |= b.amount_invalid
    a.too_long |= b.too_long
    a.date_warn |= b.date_warn
    if not x.phones:
        a.phone_invalid |= b.phone_invalid
    else:
        a.phone_invalid = False
    if x.email is None:
        a.email_invalid |= b.email_invalid
    if a.name_missing and not b.name_missing:
        x.full_name, x.last_name, x.first_name, x.middle_name = (
            y.full_name,
            y.last_name,
            y.first_name,
            y.middle_name,
        )
        a.name_missing = False
