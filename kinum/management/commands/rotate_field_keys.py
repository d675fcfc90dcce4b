from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kinum import crypto
from kinum.keyrotation import encrypted_models, rotate_model


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the first key of KINUM_FIELD_KEYS. Works in batches, "
        "one transaction each; interrupt it at any time and run it again to resume."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--max-batches", type=int, default=None, help="stop after this many batches per model"
        )

    def handle(self, *args: Any, batch_size: int, max_batches: int | None, **options: Any) -> None:
        self.stdout.write(f"Target key: {crypto.keyring().current_id}")
        for model in encrypted_models():
            report = rotate_model(
                model, batch_size=batch_size, max_batches=max_batches, progress=self.stdout.write
            )
            self.stdout.write(
                f"{report.model_label}: scanned {report.rows_scanned}, re-encrypted {report.rows_rewritten}"
            )
