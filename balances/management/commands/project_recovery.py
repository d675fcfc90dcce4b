"""`project_recovery --practice SLUG --batch ID`: the recovery projection of a batch as one JSON object.

Keys: accounts, placed_cents, expected_cents {p10, p50, p90}, by_month (six values of expected
cents), by_segment (segment -> accounts, placed_cents, expected_cents), model_version; `--full` adds
everything the projection page shows.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balances.analysis import batch_projection
from balances.models import ImportBatch
from practices.models import Practice


class Command(BaseCommand):
    help = "Print the recovery projection (P10/P50/P90, by month, by segment) of an imported batch as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--practice", required=True, help="practice slug")
        parser.add_argument(
            "--batch", required=True, type=int, help="import batch id (import_balances prints it)"
        )
        parser.add_argument("--runs", type=int, default=2000, help="Monte Carlo runs (default 2000)")
        parser.add_argument(
            "--full", action="store_true", help="include every section of the projection page"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        practice = Practice.objects.filter(slug=opts["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with slug {opts['practice']!r}")
        batch = (
            ImportBatch.objects.filter(pk=opts["batch"], practice=practice).select_related("practice").first()
        )
        if batch is None:
            raise CommandError(f"No batch {opts['batch']} at practice {practice.slug}")
        projection = batch_projection(batch, runs=opts["runs"])
        if opts["full"]:
            out = projection
        else:
            out = {
                "accounts": projection["accounts"],
                "placed_cents": projection["placed_cents"],
                "expected_cents": {k: projection["expected_cents"][k] for k in ("p10", "p50", "p90")},
                "by_month": projection["by_month"],
                "by_segment": {
                    seg: {k: row[k] for k in ("accounts", "placed_cents", "expected_cents")}
                    for seg, row in projection["by_segment"].items()
                },
                "model_version": projection["model_version"],
            }
        self.stdout.write(json.dumps(out, sort_keys=True))
