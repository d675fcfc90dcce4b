"""Pure parsing half of the PM-software import pipeline (no Django models, no database).

Entry point: :func:`balances.imports.pipeline.parse_export`. See the module docstrings of
``sniff`` (bytes -> rows), ``parsers`` (one value -> canonical value), ``layouts`` (vendor presets,
header detection, explicit mappings) and ``pipeline`` (rows -> accounts, counters, rejections).
"""

from __future__ import annotations

from balances.imports.codes import FileError, ImportWarning, RejectReason
from balances.imports.layouts import CANONICAL_FIELDS, PRESETS
from balances.imports.pipeline import Account, ImportResult, Phone, RejectedRow, parse_export

__all__ = [
    "CANONICAL_FIELDS",
    "PRESETS",
    "Account",
    "FileError",
    "ImportResult",
    "ImportWarning",
    "Phone",
    "RejectReason",
    "RejectedRow",
    "parse_export",
]
