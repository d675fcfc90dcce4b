"""`import_balances`: the operators' and acceptance checks' way into the import pipeline.

Prints one JSON object on stdout (the keys of shared/samples/expected_results.json that apply, plus
`preset` and `batch_id`). Exit status 0 when the file was read, 2 when it was refused.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balances.models import ImportMode, ImportStatus
from balances.services import ImportRefused, import_batch_confirm, import_batch_create, import_batch_run
from practices.models import Practice

REPORT_KEYS = (
    "preset", "data_records", "nondata_lines_skipped", "duplicate_records_rejected", "accounts_after_merge",
    "accounts_imported", "accounts_rejected", "accounts_rejected_total", "total_imported_cents",
    "warnings_on_imported_accounts", "file_error",
)  # fmt: skip


class Command(BaseCommand):
    help = "Import a practice-management export into the encrypted ledger and print a JSON report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", help="the export (CSV, TSV, pipe/semicolon text or XLSX; sniffed by content)"
        )
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument("--preset", default="auto", help="layout preset name, or auto (default)")
        parser.add_argument(
            "--mapping", help='JSON file: {"columns": {"<header in file>": "<canonical field>"}}'
        )
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--place", action="store_true", help="confirm the placement right away")
        parser.add_argument("--analysis", action="store_true", help="de-identified analysis mode")

    def handle(self, *args: Any, **opts: Any) -> None:
        practice = Practice.objects.filter(slug=opts["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with slug {opts['practice']!r}")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = self._mapping(opts["mapping"])
        try:
            with path.open("rb") as upload:
                batch = import_batch_create(
                    actor=None,
                    practice=practice,
                    data=upload,
                    filename=path.name,
                    as_of=opts["as_of"] or dt.date.today(),
                    mode=ImportMode.ANALYSIS if opts["analysis"] else ImportMode.PLACEMENT,
                    preset=opts["preset"],
                    mapping=mapping,
                    enqueue=False,
                )
        except ImportRefused as exc:
            self._emit({"batch_id": None, "file_error": "EMPTY_FILE", "detail": str(exc)})
            sys.exit(2)
        batch = import_batch_run(batch_id=batch.pk)
        if opts["place"] and batch.status == ImportStatus.IMPORTED and not opts["analysis"]:
            import_batch_confirm(actor=None, batch=batch)
        self._emit(self._output(batch))
        if batch.status in {ImportStatus.REFUSED, ImportStatus.FAILED}:
            sys.exit(2)

    def _mapping(self, path: str | None) -> dict | None:
        if not path:
            return None
        try:
            mapping = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"--mapping: cannot read JSON from {path}: {exc}") from exc
        if not isinstance(mapping, dict) or not isinstance(mapping.get("columns"), dict):
            raise CommandError('--mapping must hold {"columns": {"<header in file>": "<canonical field>"}}')
        return mapping

    def _output(self, batch: Any) -> dict[str, Any]:
        report = batch.report or {}
        out: dict[str, Any] = {"batch_id": batch.pk, "status": batch.status}
        out.update({key: report.get(key) for key in REPORT_KEYS if key in report})
        out["preset"] = batch.preset or report.get("preset") or None
        out["file_error"] = batch.error_code or None
        if batch.status == ImportStatus.REFUSED:
            # Nothing was imported from a refused file, whatever the rows would have given.
            out.update(accounts_imported=0, accounts_rejected={}, accounts_rejected_total=0, total_imported_cents=0,
                       warnings_on_imported_accounts={})  # fmt: skip
        if batch.status == ImportStatus.ALREADY_IMPORTED:
            out["already_imported_as_batch"] = batch.duplicate_of_id
            out.update(accounts_imported=0, total_imported_cents=0)
        if batch.status == ImportStatus.FAILED:
            out["error"] = batch.error_detail
        return out

    def _emit(self, obj: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(obj, sort_keys=True))
