"""Small pure value parsers: money, dates, ZIP, US phone, e-mail, state, names.

Every parser takes one cell (``str``, or a Python number/date for XLSX cells) and returns the canonical
value, ``None`` for "empty / no value", or raises :class:`InvalidValue` when a value is present but
unusable. They are written for a tight per-row loop: compiled regexes, fast paths, and caches where the
value space is small (dates).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "MAX_CENTS",
    "ZERO_PAD_STATES",
    "InvalidValue",
    "age_on",
    "email_or_empty",
    "normalize_state",
    "parse_date",
    "parse_email",
    "parse_money",
    "parse_phone",
    "parse_zip",
    "phone_digits",
    "split_name",
]


class InvalidValue(ValueError):
    """A value is present but cannot be used (the caller decides: reject the row or warn)."""


# ---------------------------------------------------------------- money

#: Ten billion dollars. Anything larger is a broken cell, not a patient balance.
MAX_CENTS = 10**12

_MONEY_FAST = re.compile(r"(-?)(\d{1,13})\.(\d\d)")
_MONEY = re.compile(
    r"""
    (?P<open>\()?\s*
    (?P<sign1>[-+\u2212])?\s*
    (?P<cur>\$)?\s*
    (?P<sign2>[-+\u2212])?\s*
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)?
    (?:\.(?P<frac>\d*))?
    \s*(?P<sign3>-|CR|cr|Cr)?\s*
    (?P<close>\))?
    """,
    re.VERBOSE,
)
_CENT = Decimal("0.01")
_MAX_DOLLARS = Decimal(MAX_CENTS) / 100


def _cents_from_decimal(d: Decimal) -> int:
    if not d.is_finite():
        raise InvalidValue("not a finite amount")
    if abs(d) > _MAX_DOLLARS:
        raise InvalidValue("amount out of range")
    cents = int(d.quantize(_CENT, rounding=ROUND_HALF_EVEN).scaleb(2))
    if abs(cents) > MAX_CENTS:
        raise InvalidValue("amount out of range")
    return cents


def parse_money(value: object) -> int | None:
    """Money cell -> integer cents (``None`` when empty).

    Accepts ``1,234.56``, ``1234.56``, ``$1,234.56``, ``($45.00)``, ``-$45.00``, ``$-45.00``, ``-45.00``,
    ``45.00-``, ``45.00 CR``, the Excel accounting zero `` $-   `` (and a bare ``-``), and numeric cells
    (rounded half-even to cents). NaN, infinity, exponents, letters and misplaced separators raise
    :class:`InvalidValue`.
    """
    if type(value) is str:
        m = _MONEY_FAST.fullmatch(value)
        if m:
            cents = int(m.group(2)) * 100 + int(m.group(3))
            if cents > MAX_CENTS:
                raise InvalidValue("amount out of range")
            return -cents if m.group(1) else cents
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidValue("boolean is not an amount")
    if isinstance(value, int):
        if abs(value) * 100 > MAX_CENTS:
            raise InvalidValue("amount out of range")
        return value * 100
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue("not a finite amount")
        return _cents_from_decimal(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _cents_from_decimal(value)
    if not isinstance(value, str):
        raise InvalidValue(f"unsupported type {type(value).__name__}")
    s = value.strip()
    if not s:
        return None
    m = _MONEY_FAST.fullmatch(s)
    if m:
        cents = int(m.group(2)) * 100 + int(m.group(3))
        if cents > MAX_CENTS:
            raise InvalidValue("amount out of range")
        return -cents if m.group(1) else cents
    m = _MONEY.fullmatch(s)
    if not m:
        raise InvalidValue("not an amount")
    intpart, frac = m.group("int"), m.group("frac")
    if bool(m.group("open")) != bool(m.group("close")):
        raise InvalidValue("unbalanced parentheses")
    signs = [g for g in (m.group("sign1"), m.group("sign2"), m.group("sign3")) if g]
    if not intpart and not frac:
        # Excel accounting zero " $-   " or a bare "-": zero. Anything else (e.g. "$", "()") is invalid.
        if frac is None and len(signs) == 1 and signs[0] in "-\u2212" and not m.group("open"):
            return 0
        raise InvalidValue("no digits")
    if len(signs) > 1:
        raise InvalidValue("more than one sign")
    negative = bool(m.group("open")) or (bool(signs) and signs[0] != "+")
    if frac is None or len(frac) <= 2:
        cents = int((intpart or "0").replace(",", "")) * 100 + int((frac or "").ljust(2, "0"))
        if cents > MAX_CENTS:
            raise InvalidValue("amount out of range")
        return -cents if negative else cents
    try:
        d = Decimal(f"{(intpart or '0').replace(',', '')}.{frac or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex only lets digits through
        raise InvalidValue("not an amount") from exc
    cents = _cents_from_decimal(d)
    return -cents if negative else cents


# ---------------------------------------------------------------- dates

#: Years before this are "no date" (.NET DateTime.MinValue is 1/1/0001; Open Dental blanks < 1880).
MIN_YEAR = 1880

_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
)
_MDY = re.compile(
    r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
)
_DIGITS8 = re.compile(r"\d{8}")
_DIGITS6 = re.compile(r"\d{6}")
_ZERO_DATES = frozenset({"0000-00-00", "00/00/0000", "00000000", "0/0/0000", "0000-00-00 00:00:00"})
_TEXT_FORMATS = (
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
)

_INVALID = object()


def _make_date(y: int, m: int, d: int) -> date | object | None:
    if y < MIN_YEAR:
        return None if 1 <= m <= 12 or m == 0 else _INVALID
    try:
        return date(y, m, d)
    except ValueError:
        return _INVALID


def _pivot(yy: int, pivot_year: int) -> int:
    y = 2000 + yy
    return y - 100 if y > pivot_year else y


@lru_cache(maxsize=65_536)
def _parse_date_text(s: str, order: str, allow_two_digit_year: bool, pivot_year: int) -> object:
    if s in _ZERO_DATES:
        return None
    m = _ISO.fullmatch(s)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MDY.fullmatch(s)
    if m:
        a, b, ytext = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(ytext) == 2:
            if not allow_two_digit_year:
                return _INVALID
            y = _pivot(int(ytext), pivot_year)
        else:
            y = int(ytext)
        mo, d = (b, a) if order == "dmy" else (a, b)
        return _make_date(y, mo, d)
    if _DIGITS8.fullmatch(s):
        if s.endswith("0001") or s == "00000000":
            return None  # MMddyyyy DateTime.MinValue ("01010001"), TSI "never paid"
        y1, m1, d1 = int(s[:4]), int(s[4:6]), int(s[6:])
        if order == "ymd" or (MIN_YEAR <= y1 <= 2200 and 1 <= m1 <= 12 and 1 <= d1 <= 31):
            return _make_date(y1, m1, d1)
        if order == "dmy":
            return _make_date(int(s[4:]), int(s[2:4]), int(s[:2]))
        return _make_date(int(s[4:]), int(s[:2]), int(s[2:4]))  # MMddyyyy (TSI)
    if _DIGITS6.fullmatch(s) and allow_two_digit_year:  # MMDDYY (OpenEMR fixed-width)
        return _make_date(_pivot(int(s[4:]), pivot_year), int(s[:2]), int(s[2:4]))
    if s[:1].isalpha() or (s[:1].isdigit() and any(c.isalpha() for c in s)):
        for fmt in _TEXT_FORMATS:
            if fmt.endswith("%y") and not allow_two_digit_year:
                continue
            try:
                return _make_date(*datetime.strptime(s, fmt).timetuple()[:3])
            except ValueError:
                continue
    return _INVALID


def parse_date(
    value: object,
    *,
    order: str = "mdy",
    allow_two_digit_year: bool = False,
    pivot_year: int | None = None,
) -> date | None:
    """Date cell -> ``date`` (``None`` for empty and the "no date" sentinels).

    Formats: ``YYYY-MM-DD`` (optionally with a time), ``M/D/YYYY`` / ``MM-DD-YYYY`` / ``M.D.YYYY``
    (optionally with ``12:00:00 AM``), ``MMddyyyy`` and ``yyyyMMdd``, ``Mar 14, 2025`` and
    ``14-Mar-2025``; ``order="dmy"`` for day-first files. Two-digit years (``m/d/yy``, ``MMDDYY``) only
    when ``allow_two_digit_year`` (never for a DOB); they pivot to the latest year <= ``pivot_year``
    (default: this year). Sentinels ``1/1/0001``, ``01010001``, ``0000-00-00`` and any year < 1880 mean
    "no date". Impossible dates raise :class:`InvalidValue`. Whether a future date is acceptable is the
    caller's decision (it knows the as-of date).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InvalidValue("not a date")
    s = value.strip()
    if not s:
        return None
    if len(s) > 40:
        raise InvalidValue("not a date")
    py = pivot_year if pivot_year is not None else date.today().year
    r = _parse_date_text(s, order, allow_two_digit_year, py)
    if r is _INVALID:
        raise InvalidValue("not a date")
    return r  # type: ignore[return-value]  # date | None by construction


def age_on(dob: date, on: date) -> int:
    """Whole years between ``dob`` and ``on`` (birthday on Feb 29 counts on Mar 1 in common years)."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


# ---------------------------------------------------------------- US states / ZIP

STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN",
    "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
    "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
    "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
    "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT",
    "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR", "virgin islands": "VI", "us virgin islands": "VI",
    "guam": "GU", "american samoa": "AS", "northern mariana islands": "MP",
}  # fmt: skip
STATE_CODES = frozenset(STATE_NAMES.values()) | {"AA", "AE", "AP"}

#: Contract rule 6: states whose ZIPs start with 0, so a dropped leading zero may be restored.
ZERO_PAD_STATES = frozenset({"CT", "MA", "ME", "NH", "NJ", "RI", "VT", "PR", "VI"})


def normalize_state(value: str | None) -> str | None:
    """``ri`` / ``R.I.`` / ``Rhode Island`` -> ``RI``; empty -> ``None``; unknown text kept upper-cased."""
    if not value:
        return None
    s = value.strip()
    if not s:
        return None
    up = s.replace(".", "").replace(" ", "").upper() if len(s) <= 5 else ""
    if len(up) == 2:
        return up
    return STATE_NAMES.get(" ".join(s.lower().replace(".", "").split()), s.upper()[:40])


_NOT_DIGIT = re.compile(r"\D+")
_ZIP_CHARS = re.compile(r"[\d\s\-.]+")


def parse_zip(value: object, state: str | None = None) -> tuple[str | None, bool]:
    """ZIP cell -> (``NNNNN`` or ``NNNNN-NNNN`` or ``None`` when empty, leading-zero-restored flag).

    Contract rule 6: valid with 5 or 9 digits after removing punctuation; 3-4 (or 7-8) digits are
    left-padded with zeros only when ``state`` is CT, MA, ME, NH, NJ, RI, VT, PR or VI. Anything else
    raises :class:`InvalidValue`.
    """
    if value is None:
        return None, False
    if isinstance(value, bool):
        raise InvalidValue("not a ZIP")
    if isinstance(value, int | float):
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            raise InvalidValue("not a ZIP")
        value = str(int(value))
    s = str(value).strip()
    if not s:
        return None, False
    if not _ZIP_CHARS.fullmatch(s):
        raise InvalidValue("not a ZIP")
    digits = _NOT_DIGIT.sub("", s)
    n = len(digits)
    restored = False
    if n in (3, 4, 7, 8):
        if state not in ZERO_PAD_STATES:
            raise InvalidValue("ZIP too short")
        digits = digits.zfill(5 if n <= 4 else 9)
        n = len(digits)
        restored = True
    if n == 5:
        return digits, restored
    if n == 9:
        return f"{digits[:5]}-{digits[5:]}", restored
    raise InvalidValue("ZIP must have 5 or 9 digits")


# ---------------------------------------------------------------- phone

_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*\d{1,6}\s*$", re.IGNORECASE)


def parse_phone(value: object) -> str | None:
    """US phone -> 10 digits (``None`` when empty).

    Contract rule 5: keep digits, drop one leading ``1``; valid with exactly 10 digits whose area code and
    exchange do not start with 0 or 1. A trailing extension (``x12``, ``ext. 12``) is ignored.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidValue("not a phone")
    if isinstance(value, int | float):
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            raise InvalidValue("not a phone")
        value = str(int(value))
    s = str(value).strip()
    if not s:
        return None
    if len(s) > 40:
        raise InvalidValue("not a phone")
    digits = phone_digits(s)
    if not digits:
        raise InvalidValue("not a valid 10-digit US phone")
    return digits


def phone_digits(s: str) -> str:
    """Non-raising core of :func:`parse_phone` for a stripped, non-empty string: ``""`` when invalid."""
    if "x" in s or "X" in s or "e" in s or "E" in s:
        s = _EXTENSION.sub("", s)
    digits = _NOT_DIGIT.sub("", s)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return ""
    return digits


# ---------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def parse_email(value: object) -> str | None:
    """E-mail syntax check -> address with the domain lower-cased (``None`` when empty)."""
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    e = email_or_empty(s)
    if not e:
        raise InvalidValue("not an e-mail address")
    return e


def email_or_empty(s: str) -> str:
    """Non-raising core of :func:`parse_email` for a stripped, non-empty string: ``""`` when invalid."""
    if len(s) > 254 or not _EMAIL.fullmatch(s):
        return ""
    local, _, domain = s.rpartition("@")
    if len(local) > 64:
        return ""
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------- names

_SPACES = re.compile(r"\s+")


def split_name(value: str) -> tuple[str, str, str]:
    """``Last, First M`` or ``First M Last`` -> (last, first, middle). Suffixes, apostrophes, hyphens and
    diacritics are kept as written; only whitespace is collapsed."""
    s = value.strip(" ,")
    if "  " in s or "\t" in s or "\n" in s or "\r" in s or "\xa0" in s:
        s = _SPACES.sub(" ", s).strip(" ,")
    if not s:
        return "", "", ""
    if "," in s:
        last, _, rest = s.partition(",")
        last, rest = last.strip(), rest.strip(" ,")
        first, _, middle = rest.partition(" ")
        return last, first, middle.strip()
    parts = s.split(" ")
    if len(parts) == 1:
        return parts[0], "", ""
    if len(parts) == 2:
        return parts[1], parts[0], ""
    return parts[-1], parts[0], " ".join(parts[1:-1])
