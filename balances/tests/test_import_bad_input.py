"""Bad input never raises: each case gets a clear file error or a per-row reason."""

from __future__ import annotations

import io
import os
import random
from datetime import date

import pytest
from openpyxl import Workbook

from balances.imports import FileError, ImportWarning, RejectReason, parse_export
from balances.imports.pipeline import MAX_CELL_CHARS

AS_OF = date(2025, 3, 14)
HEADER = "Account #,Patient Name,Address,City,State,Zip,Mobile Phone,Email,DOB,Patient Balance\r\n"
GOOD = '1001,"Smith, Mary A",12 Oak St,Portland,OR,97201,(503) 555-0142,mary@example.com,4/7/1980,$120.50\r\n'


def _parse(data: bytes | str, **kw):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse_export(data, as_of=AS_OF, **kw).run()


def _xlsx(sheets: dict[str, list[list[object]]], merge: dict[str, str] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if merge and title in merge:
            ws.merge_cells(merge[title])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- file-level errors


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n  \r\n"])
def test_empty_file(data):
    r = _parse(data)
    assert r.file_error is FileError.EMPTY_FILE
    assert r.accounts == []


def test_binary_garbage():
    rnd = random.Random(3)
    r = _parse(bytes(rnd.getrandbits(8) for _ in range(4096)))
    assert r.file_error in (FileError.NOT_A_TABLE, FileError.NO_HEADER_FOUND)
    assert r.accounts == []


def test_binary_with_nul_bytes_and_pdf():
    assert _parse(b"\x00\x01\x02binary\x00" * 100).file_error is FileError.NOT_A_TABLE
    assert _parse(os.urandom(16) + b"\x00" * 64).file_error is FileError.NOT_A_TABLE


def test_legacy_xls_signature():
    r = _parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert r.file_error is FileError.UNSUPPORTED_FORMAT


def test_zip_that_is_not_xlsx():
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert _parse(buf.getvalue()).file_error is FileError.UNREADABLE_FILE
    assert _parse(b"PK\x03\x04 truncated").file_error is FileError.UNREADABLE_FILE


def test_text_without_a_header():
    r = _parse("hello world\nthis is not a table\n")
    assert r.file_error is FileError.NO_HEADER_FOUND


def test_header_only_is_a_zero_row_file():
    r = _parse(HEADER)
    assert r.file_error is FileError.EMPTY_FILE
    assert r.data_records == 0
    r = _parse(HEADER + ",,,,,,,,,\r\n\r\nReport Totals,,,,,,,,,$0.00\r\n")
    assert r.file_error is FileError.EMPTY_FILE


def test_missing_required_columns_checked_before_rows():
    # No contact column at all: refused, with balance-only stats.
    r = _parse('Account #,Patient Name,Patient Balance\r\n1,"Smith, Mary",$10.00\r\n2,"Doe, Jo",($5.00)\r\n')
    assert r.file_error is FileError.MISSING_REQUIRED_COLUMNS
    assert "contact" in r.file_error_detail
    assert r.accounts == []
    assert r.balance_only_stats["rows_with_positive_amount"] == 1
    # No amount column: refused without reading rows.
    r = _parse('Account #,Patient Name,Phone,Balance Notes\r\n1,"Smith, Mary",5035550142,x\r\n')
    assert r.file_error in (FileError.MISSING_REQUIRED_COLUMNS, FileError.NO_HEADER_FOUND)
    assert r.data_records == 0


def test_unknown_preset_and_invalid_mapping():
    assert _parse(HEADER + GOOD, preset="nope").file_error is FileError.UNKNOWN_PRESET
    assert (
        _parse(HEADER + GOOD, mapping={"columns": {"Zip": "zipcode"}}).file_error is FileError.INVALID_MAPPING
    )
    assert _parse(HEADER + GOOD, mapping={"cols": {}}).file_error is FileError.INVALID_MAPPING
    r = _parse(HEADER + GOOD, mapping={"columns": {"Not There": "amount"}})
    assert r.file_error is FileError.NO_HEADER_FOUND


def test_tsi_transaction_file_is_not_a_placement():
    data = (
        "CLIENT NUMBER|TRANSMITTAL/REFERENCE NUMBER|TRANSACTION TYPE|TRANSACTION DATE|TRANSACTION AMOUNT"
        "|NEW BALANCE\r\n"
    )
    r = _parse(data + "X1|1234|PL|03142025|10.00|10.00")
    assert r.preset == "tsi_transactions"
    assert r.file_error is FileError.NOT_A_PLACEMENT_FILE


# ---------------------------------------------------------------- per-row problems


def test_ragged_rows_short_and_long():
    short = '1002,"Doe, Jo",,,,,(503) 555-0143\r\n'  # no email/DOB/amount cells at all
    long_ = '1003,"Roe, Al",1 Elm St,Salem,OR,97301,,,,$5.00,extra,cells,here\r\n'
    r = _parse(HEADER + GOOD + short + long_)
    assert r.file_error is None
    assert r.accounts_imported == 2
    assert r.accounts_rejected == {RejectReason.INVALID_BALANCE: 1}
    assert [x.row_number for x in r.rejected_rows] == [3]


def test_extremely_long_cells():
    huge = "A" * (MAX_CELL_CHARS + 5)
    r = _parse(HEADER + GOOD + f'1004,"Long, {huge}",1 Elm St,Salem,OR,97301,,,,$5.00\r\n')
    assert r.accounts_imported == 1
    assert r.accounts_rejected == {RejectReason.VALUE_TOO_LONG: 1}
    # Over the csv module's field limit (128 KiB): the physical row is reported, parsing goes on.
    giant = "B" * 200_000
    r = _parse(HEADER + f'1005,"{giant}",x\r\n' + GOOD.replace("1001", "1006"))
    assert r.accounts_imported == 1
    assert r.malformed_rows == 1
    assert any(x.reason is RejectReason.MALFORMED_ROW for x in r.rejected_rows)


@pytest.mark.parametrize("amount", ["NaN", "inf", "-Infinity", "1e5", "1.5E+03", '"12,34.00"', "abc", ""])
def test_bad_amounts_are_invalid_balance(amount):
    r = _parse(HEADER + GOOD.replace("$120.50", amount))
    assert r.accounts_rejected == {RejectReason.INVALID_BALANCE: 1}
    assert r.rejected_rows[0].reason is RejectReason.INVALID_BALANCE


def test_future_and_sentinel_dates():
    future_dob = GOOD.replace("4/7/1980", "4/7/2031")
    r = _parse(HEADER + future_dob)
    (acc,) = r.accounts
    assert acc.dob is None
    assert ImportWarning.DOB_INVALID_IGNORED in acc.warnings
    r = _parse(HEADER + GOOD.replace("4/7/1980", "1/1/0001"))
    assert r.accounts[0].dob is None and ImportWarning.DOB_INVALID_IGNORED not in r.accounts[0].warnings
    r = _parse(HEADER + GOOD.replace("4/7/1980", "4/7/80"))  # two-digit year: never for a DOB
    assert r.accounts[0].dob is None and ImportWarning.DOB_INVALID_IGNORED in r.accounts[0].warnings


def test_minor_debtor_rejected_and_rules_order():
    minor = GOOD.replace("4/7/1980", "4/7/2010")
    credit_minor = minor.replace("1001", "1002").replace("$120.50", "($3.00)")
    no_name = GOOD.replace("1001", "1003").replace('"Smith, Mary A"', "")
    r = _parse(HEADER + minor + credit_minor + no_name)
    assert r.accounts_rejected == {
        RejectReason.DEBTOR_MINOR: 1,
        RejectReason.NON_POSITIVE_BALANCE: 1,
        RejectReason.MISSING_NAME: 1,
    }


def test_duplicate_header_names():
    header = "Account #,Patient Name,Phone,Phone,Patient Balance,Patient Balance\r\n"
    r = _parse(header + '7,"Smith, Mary",555-0142,(503) 555-0199,$10.00,$99.00\r\n')
    assert r.file_error is None
    (acc,) = r.accounts
    assert acc.amount_cents == 1000
    assert [p.number for p in acc.phones] == ["5035550199"]
    assert any("ignored" in n for n in r.notices)


def test_duplicate_account_rows_and_missing_key():
    r = _parse(HEADER + GOOD + GOOD + GOOD.replace("1001", ""))
    assert r.accounts_imported == 1
    assert r.duplicate_records_rejected == 1
    assert r.accounts_rejected == {RejectReason.MISSING_ACCOUNT_KEY: 1}


def test_cp1252_and_semicolon_and_pipe():
    text = HEADER.replace(",", ";") + GOOD.replace('"Smith, Mary A"', "Müller Renée").replace(",", ";")
    r = _parse(text.encode("cp1252"))
    assert r.delimiter == ";" and r.encoding == "cp1252"
    assert r.accounts[0].last_name == "Renée"
    r = _parse((HEADER + GOOD.replace('"Smith, Mary A"', "Smith Mary")).replace(",", "|").encode("utf-16"))
    assert r.delimiter == "|" and r.accounts_imported == 1


# ---------------------------------------------------------------- XLSX


def test_xlsx_several_sheets_picks_the_one_with_a_header():
    head = HEADER.strip().split(",")
    rows = [
        ["Aging Report (merged title)"],
        [],
        head,
        [
            1001,
            "Smith, Mary A",
            "12 Oak St",
            "Boston",
            "MA",
            2134,
            5035550142,
            "m@example.com",
            date(1980, 4, 7),
            120.5,
        ],
        [1002, "Doe, Jo", "1 Elm St", "Salem", "OR", "97301", "", "", "", -3.25],
        [None, None, None, None, None, None, None, None, None, 117.25],  # formula total row
    ]
    data = _xlsx({"Notes": [["just some notes"], ["more"]], "Aging": rows}, merge={"Aging": "A1:J1"})
    r = _parse(data)
    assert r.file_error is None
    assert r.sheet == "Aging"
    assert any("sheets" in n for n in r.notices)
    assert r.data_records == 2
    (acc,) = r.accounts
    assert acc.amount_cents == 12050
    assert acc.zip == "02134" and ImportWarning.ZIP_LEADING_ZERO_RESTORED in acc.warnings
    assert acc.phones[0].number == "5035550142" and acc.phones[0].kind == "mobile"
    assert acc.dob == date(1980, 4, 7)
    assert r.accounts_rejected == {RejectReason.NON_POSITIVE_BALANCE: 1}


def test_xlsx_without_any_header_and_empty_workbook():
    assert _parse(_xlsx({"S": [["a", "b"], [1, 2]]})).file_error is FileError.NO_HEADER_FOUND
    assert _parse(_xlsx({"S": []})).file_error is FileError.NO_HEADER_FOUND


def test_xlsx_numeric_edge_cells():
    head = HEADER.strip().split(",")
    rows = [head, [1, "Smith, Mary", "1 Elm", "Salem", "OR", "97301", "", "", "", float("nan")]]
    r = _parse(_xlsx({"S": rows}))
    assert r.file_error is None
    assert r.accounts_rejected_total == 1


def test_iter_account_chunks_bounded_and_single_use():
    rows = "".join(GOOD.replace("1001", str(2000 + i)) for i in range(25))
    r = parse_export((HEADER + rows).encode(), as_of=AS_OF, chunk_rows=10)
    sizes = [len(c) for c in r.iter_account_chunks()]
    assert sizes == [10, 10, 5]
    assert r.finished and r.accounts_imported == 25
    with pytest.raises(RuntimeError):
        list(r.iter_account_chunks())


def test_file_object_and_path_sources(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes((HEADER + GOOD).encode())
    assert parse_export(p, as_of=AS_OF).run().accounts_imported == 1
    assert parse_export(str(p), as_of=AS_OF).run().accounts_imported == 1
    with open(p, "rb") as fh:
        assert parse_export(fh, as_of=AS_OF).run().accounts_imported == 1


def test_a_parse_abandoned_after_its_stream_closed_is_collected_quietly(monkeypatch):
    """The import's child process finishes the parse; the parent's copy is dropped after the upload
    stream was closed, and must not raise while being garbage-collected."""
    import gc
    import sys

    rows = "".join(f'{i},"Doe, Jo",1 Main St,Portland,OR,97201,,,,10.00\r\n' for i in range(500))
    stream = io.BufferedReader(io.BytesIO((HEADER + rows).encode()))  # as the upload reader
    result = parse_export(stream, as_of=AS_OF, chunk_rows=2)
    chunks = result.iter_account_chunks()
    assert len(next(chunks)) == 2
    stream.close()
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    del chunks, result
    gc.collect()
    assert unraisable == []
