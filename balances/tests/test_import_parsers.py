"""Property-based and example tests for the pure value parsers (money, dates, phone, ZIP, e-mail)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balances.imports.parsers import (
    MAX_CENTS,
    ZERO_PAD_STATES,
    InvalidValue,
    age_on,
    normalize_state,
    parse_date,
    parse_email,
    parse_money,
    parse_phone,
    parse_zip,
    split_name,
)

cents_st = st.integers(min_value=-(10**11), max_value=10**11)


def _fmt_plain(c: int) -> str:
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def _fmt_thousands(c: int) -> str:
    return f"{'-' if c < 0 else ''}{abs(c) // 100:,}.{abs(c) % 100:02d}"


def _fmt_dollar(c: int) -> str:
    body = f"${abs(c) // 100:,}.{abs(c) % 100:02d}"
    return f"({body})" if c < 0 else body


def _fmt_minus_dollar(c: int) -> str:
    return f"{'-' if c < 0 else ''}${abs(c) // 100:,}.{abs(c) % 100:02d}"


# ---------------------------------------------------------------- money


@given(cents_st, st.sampled_from([_fmt_plain, _fmt_thousands, _fmt_dollar, _fmt_minus_dollar]))
def test_money_round_trips_every_export_format(cents, fmt):
    assert parse_money(fmt(cents)) == cents
    assert parse_money(f"  {fmt(cents)} ") == cents


@given(cents_st)
def test_money_numeric_cells(cents):
    assert parse_money(cents / 100) == cents
    assert parse_money(cents // 100) == (cents // 100) * 100


@given(st.text(max_size=30))
def test_money_never_raises_anything_but_invalid_value(text):
    try:
        v = parse_money(text)
    except InvalidValue:
        return
    assert v is None or (isinstance(v, int) and abs(v) <= MAX_CENTS)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1,234.56", 123456),
        ("1234.56", 123456),
        ("$1,234.56", 123456),
        ("($45.00)", -4500),
        ("-$45.00", -4500),
        ("$-45.00", -4500),
        ("-45.00", -4500),
        ("45.00-", -4500),
        ("45.00 CR", -4500),
        (" $-   ", 0),
        ("-", 0),
        ("1234.5", 123450),
        (".5", 50),
        ("0.005", 0),  # half-even
        ("0.015", 2),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_money_examples(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e5",
        "1E+05",
        "12,34.00",
        "1.2.3",
        "$",
        "()",
        "abc",
        "--5",
        "(5",
        "5)",
    ],
)
def test_money_rejects_garbage(text):
    with pytest.raises(InvalidValue):
        parse_money(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, 1e300])
def test_money_rejects_bad_numeric_cells(value):
    with pytest.raises(InvalidValue):
        parse_money(value)


# ---------------------------------------------------------------- dates

dates_st = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates_st)
def test_date_round_trips_common_formats(d):
    for text in (
        d.isoformat(),
        f"{d.month}/{d.day}/{d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month:02d}-{d.day:02d}-{d.year}",
        f"{d.month:02d}{d.day:02d}{d.year}",
        f"{d.month}/{d.day}/{d.year} 12:00:00 AM",
        d.strftime("%b %d, %Y"),
    ):
        assert parse_date(text) == d, text


@given(st.dates(min_value=date(1926, 1, 1), max_value=date(2025, 12, 31)))
def test_two_digit_year_pivots_to_the_past(d):
    text = f"{d.month}/{d.day}/{d.year % 100:02d}"
    assert parse_date(text, allow_two_digit_year=True, pivot_year=2025) == d
    with pytest.raises(InvalidValue):
        parse_date(text)  # never for a DOB


@given(st.text(max_size=25))
def test_date_never_raises_anything_but_invalid_value(text):
    try:
        parse_date(text, allow_two_digit_year=True, pivot_year=2025)
    except InvalidValue:
        pass


@pytest.mark.parametrize(
    "text", ["", "  ", "1/1/0001", "01010001", "0000-00-00", "1/1/0001 12:00:00 AM", "00000000"]
)
def test_no_date_sentinels(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["2/30/2024", "13/1/2024", "2024-13-01", "yesterday", "1/2", "99999999"])
def test_impossible_dates_are_invalid(text):
    with pytest.raises(InvalidValue):
        parse_date(text)


def test_day_first_order():
    assert parse_date("14/03/2025", order="dmy") == date(2025, 3, 14)


def _birthday_in(year: int, dob: date) -> date:
    """The day a birthday is celebrated in `year`: Feb 29 falls on Mar 1 in common years."""
    try:
        return dob.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)), st.integers(0, 40 * 366))
def test_age_on_counts_birthdays_passed(dob, days_later):
    on = dob + timedelta(days=days_later)
    birthdays = sum(1 for year in range(dob.year + 1, on.year + 1) if _birthday_in(year, dob) <= on)
    assert age_on(dob, on) == birthdays


def test_leap_day_birthday():
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18


def test_minor_boundary():
    assert age_on(date(2007, 3, 14), date(2025, 3, 14)) == 18
    assert age_on(date(2007, 3, 15), date(2025, 3, 14)) == 17


# ---------------------------------------------------------------- phone

area_st = st.integers(200, 999)
exch_st = st.integers(200, 999)
line_st = st.integers(0, 9999)


@given(
    area_st,
    exch_st,
    line_st,
    st.sampled_from(
        [
            "({a}){e}-{n}",
            "{a}-{e}-{n}",
            "{a}.{e}.{n}",
            "{a}{e}{n}",
            "+1 {a} {e} {n}",
            "1-{a}-{e}-{n}",
            "({a}) {e}-{n} x12",
        ]
    ),
)
def test_phone_valid_formats(a, e, n, fmt):
    text = fmt.format(a=a, e=e, n=f"{n:04d}")
    assert parse_phone(text) == f"{a}{e}{n:04d}"


@given(st.integers(0, 199), exch_st, line_st)
def test_phone_area_code_starting_0_or_1_is_invalid(a, e, n):
    with pytest.raises(InvalidValue):
        parse_phone(f"{a:03d}-{e}-{n:04d}")


@given(area_st, st.integers(0, 199), line_st)
def test_phone_exchange_starting_0_or_1_is_invalid(a, e, n):
    with pytest.raises(InvalidValue):
        parse_phone(f"{a}-{e:03d}-{n:04d}")


@pytest.mark.parametrize("text", ["555-0142", "(   )555-0142", "000-000-0000", "802-555-01441", "phone", "1"])
def test_phone_invalid_examples(text):
    with pytest.raises(InvalidValue):
        parse_phone(text)


@given(st.text(max_size=30))
def test_phone_result_is_always_ten_valid_digits(text):
    try:
        v = parse_phone(text)
    except InvalidValue:
        return
    assert v is None or (len(v) == 10 and v.isdigit() and v[0] not in "01" and v[3] not in "01")


# ---------------------------------------------------------------- ZIP

states_st = st.sampled_from(["CT", "MA", "ME", "NH", "NJ", "RI", "VT", "PR", "VI", "OR", "TX", "CA", None])


@given(st.integers(0, 99999), states_st)
def test_zip5_round_trips(z, state):
    assert parse_zip(f"{z:05d}", state) == (f"{z:05d}", False)


@given(st.integers(0, 99999), st.integers(0, 9999), st.sampled_from(["{z}-{p}", "{z}{p}", "{z} {p}"]))
def test_zip9_round_trips(z, p, fmt):
    assert parse_zip(fmt.format(z=f"{z:05d}", p=f"{p:04d}"), "OR") == (f"{z:05d}-{p:04d}", False)


@given(st.integers(100, 9999), states_st)
def test_zip_leading_zero_restored_only_for_zero_states(z, state):
    text = str(z)
    if state in ZERO_PAD_STATES:
        assert parse_zip(text, state) == (text.zfill(5), True)
    else:
        with pytest.raises(InvalidValue):
            parse_zip(text, state)


@pytest.mark.parametrize("text", ["12", "123456", "K1A 0B6", "abcde", "1234567890"])
def test_zip_invalid_examples(text):
    with pytest.raises(InvalidValue):
        parse_zip(text, "MA")


def test_zip_numeric_cell_and_empty():
    assert parse_zip(2134.0, "MA") == ("02134", True)
    assert parse_zip("", "MA") == (None, False)


# ---------------------------------------------------------------- e-mail, state, names


@pytest.mark.parametrize("text", ["a@example.com", "first.last+tag@Example.ORG", "o'brien@mail.example.net"])
def test_email_valid(text):
    assert parse_email(text).endswith(text.rpartition("@")[2].lower())


@pytest.mark.parametrize(
    "text", ["a at example.com", "a@", "@example.com", "a@example", "a@@example.com", "a b@x.com"]
)
def test_email_invalid(text):
    with pytest.raises(InvalidValue):
        parse_email(text)


def test_state_normalisation():
    assert normalize_state("ri") == "RI"
    assert normalize_state(" Rhode Island ") == "RI"
    assert normalize_state("R.I.") == "RI"
    assert normalize_state("") is None


def test_split_name():
    assert split_name("Anderson, Alexis D") == ("Anderson", "Alexis", "D")
    assert split_name("Anderson, Lisa ") == ("Anderson", "Lisa", "")
    assert split_name("St. Clair, Renée L") == ("St. Clair", "Renée", "L")
    assert split_name("Mary Ann O'Brien") == ("O'Brien", "Mary", "Ann")
    assert split_name("  ") == ("", "", "")
