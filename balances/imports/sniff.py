"""Bytes -> rows. Sniffs by content, never by file name.

* ``PK\\x03\\x04`` -> XLSX, read with openpyxl ``read_only`` (streaming); every sheet is offered, the
  pipeline picks the one with a detectable header.
* ``D0 CF 11 E0`` -> legacy binary .xls: refused with ``UNSUPPORTED_FORMAT``.
* Otherwise delimited text. Encoding: BOM (UTF-8 / UTF-16 / UTF-32) -> strict UTF-8 over the whole file
  -> cp1252 (never a silent latin-1). Delimiter: comma, tab, pipe or semicolon, whichever gives the
  most rows with the same (>= 2) field count.
* NUL bytes or a high share of control characters -> ``NOT_A_TABLE``; nothing but whitespace ->
  ``EMPTY_FILE``.

Rows come out as ``list[str]`` (XLSX cells are converted to text: integral floats lose their ``.0``,
dates become ``YYYY-MM-DD``), with the 1-based physical line (or sheet row) where the row starts.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from balances.imports.codes import FileError

__all__ = ["DELIMITERS", "SniffError", "SniffedFile", "cell_to_text", "open_source", "sniff"]

DELIMITERS = (",", "\t", "|", ";")
_HEAD_BYTES = 64 * 1024
_BLOCK = 1 << 20
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")


class SniffError(Exception):
    def __init__(self, code: FileError, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


Source = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]


def open_source(source: Any) -> tuple[IO[bytes], bool]:
    """Return a seekable binary stream and whether the caller must close it.

    ``bytes`` are wrapped, paths are opened, seekable file objects are used as they are, and
    non-seekable streams are spooled to a temporary file (memory up to 8 MiB, then disk).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source)), True
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True
    if hasattr(source, "read"):
        seekable = getattr(source, "seekable", None)
        if seekable is not None and seekable():
            source.seek(0)
            return source, False
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        shutil.copyfileobj(source, spool)
        spool.seek(0)
        return spool, True  # type: ignore[return-value]
    raise TypeError(f"unsupported source type {type(source).__name__}")


def cell_to_text(value: Any) -> str:
    """XLSX cell -> text as a CSV export would show it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class SniffedFile:
    kind: str  # "text" or "xlsx"
    stream: IO[bytes]
    encoding: str | None = None
    delimiter: str | None = None
    sheets: tuple[str, ...] = ()
    notices: list[str] = field(default_factory=list)
    delimiter_candidates: tuple[str, ...] = ()
    _workbook: Any = None

    # -- text -------------------------------------------------------------
    def iter_text_rows(self, delimiter: str | None = None) -> Iterator[tuple[int, list[str] | None]]:
        """Yield ``(start_line, row)``; ``row`` is ``None`` for a physical row csv could not read."""
        self.stream.seek(0)
        text = io.TextIOWrapper(
            self.stream,
            encoding=self.encoding or "utf-8",
            errors="replace" if self.encoding == "cp1252" else "strict",
            newline="",
        )
        try:
            reader = csv.reader(text, delimiter=delimiter or self.delimiter or ",", strict=False)
            prev = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    # e.g. a cell over csv.field_size_limit(): the reader skips to the next line.
                    yield prev + 1, None
                    prev = reader.line_num
                    continue
                yield prev + 1, row
                prev = reader.line_num
        finally:
            # Hand the stream back unclosed. An abandoned parse (finished in a child process, or a
            # preview that read only the head) may find it already closed by its owner: nothing to do.
            with contextlib.suppress(ValueError):
                text.detach()

    # -- xlsx -------------------------------------------------------------
    def iter_sheet_rows(self, sheet: str) -> Iterator[tuple[int, list[str] | None]]:
        ws = self._workbook[sheet]
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield n, [cell_to_text(v) for v in values]

    def iter_rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[str] | None]]:
        if self.kind == "xlsx":
            return self.iter_sheet_rows(sheet or self.sheets[0])
        return self.iter_text_rows()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


def _detect_encoding(stream: IO[bytes], head: bytes) -> tuple[str, list[str]]:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, []
    stream.seek(0)
    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while block := stream.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return "utf-8", []
    except UnicodeDecodeError:
        pass
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    try:
        while block := stream.read(_BLOCK):
            decoder.decode(block)
        return "cp1252", ["decoded as Windows-1252 (not valid UTF-8)"]
    except UnicodeDecodeError:
        return "cp1252", ["decoded as Windows-1252; undefined bytes replaced by U+FFFD"]


def _sniff_delimiter(sample: str) -> tuple[str, ...]:
    """Delimiters ranked best first (only those that split rows at all)."""
    lines = sample.splitlines()[:200]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    scored: list[tuple[int, int, str]] = []
    for d in DELIMITERS:
        try:
            counts = [
                len(r) for r in csv.reader(lines, delimiter=d, strict=False) if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode >= 2:
            scored.append((freq * (mode - 1), -DELIMITERS.index(d), d))
    scored.sort(reverse=True)
    return tuple(d for _, _, d in scored)


def sniff(source: Any) -> SniffedFile:
    """Open and classify ``source``; raise :class:`SniffError` for file-level problems."""
    stream, _ = open_source(source)
    head = stream.read(_HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise SniffError(FileError.EMPTY_FILE, "the file is empty")
    if head.startswith(_XLSX_MAGIC):
        return _sniff_xlsx(stream)
    if head.startswith(_OLE_MAGIC):
        raise SniffError(
            FileError.UNSUPPORTED_FORMAT,
            "legacy binary Excel (.xls); save it as .xlsx or CSV and upload again",
        )
    encoding, notices = _detect_encoding(stream, head)
    if not encoding.startswith(("utf-16", "utf-32")):
        if b"\x00" in head:
            raise SniffError(
                FileError.NOT_A_TABLE, "binary content (NUL bytes): not a CSV, text or XLSX file"
            )
        controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
        if controls > max(8, len(head) // 100):
            raise SniffError(FileError.NOT_A_TABLE, "binary content: not a CSV, text or XLSX file")
    sample = head.decode(encoding, errors="replace")
    if encoding.startswith(("utf-16", "utf-32")):
        sample = sample.lstrip("\ufeff")
    if "\ufffd" in sample and sample.count("\ufffd") > max(8, len(sample) // 50):
        raise SniffError(FileError.NOT_A_TABLE, "binary content: not a CSV, text or XLSX file")
    candidates = _sniff_delimiter(sample)
    sniffed = SniffedFile(
        kind="text",
        stream=stream,
        encoding=encoding,
        delimiter=candidates[0] if candidates else ",",
        delimiter_candidates=candidates or (",",),
        notices=notices,
    )
    return sniffed


def _sniff_xlsx(stream: IO[bytes]) -> SniffedFile:
    import zipfile

    from openpyxl import load_workbook

    stream.seek(0)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SniffError(
            FileError.UNREADABLE_FILE, f"zip/XLSX file that cannot be opened ({type(exc).__name__})"
        ) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise SniffError(
            FileError.UNREADABLE_FILE, f"XLSX file that cannot be opened ({type(exc).__name__})"
        ) from exc
    sheets = tuple(ws.title for ws in wb.worksheets)
    if not sheets:
        wb.close()
        raise SniffError(FileError.EMPTY_FILE, "the workbook has no worksheet")
    return SniffedFile(kind="xlsx", stream=stream, sheets=sheets, _workbook=wb)
