"""Synthetic demo balances (fake people, 555-01xx phones, example.* e-mails) for the embedded demo.

They go through the real import pipeline, so the demo shows exactly what a practice would see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from balances.models import ImportBatch
from balances.services import import_batch_confirm, import_batch_create, import_batch_run
from practices.models import Practice

_FIRST = [
    "Mary",
    "John",
    "Ana",
    "Chloe",
    "Robert",
    "Linda",
    "Kevin",
    "Sophia",
    "Luis",
    "Grace",
    "Omar",
    "Mei",
]
_LAST = [
    "Smith",
    "O'Brien",
    "Mueller",
    "Nguyen",
    "Garcia",
    "Johnson",
    "Clair",
    "Patel",
    "Brown",
    "Lee",
    "Khan",
]
_STREETS = ["Oak St", "Maple Ave", "Pine Rd", "Cedar Ln", "Elm St", "Birch Way"]
HEADER = ["Account Number", "Guarantor Name", "Address 1", "City", "State", "Zip", "Mobile Phone", "Home Phone",
          "Email", "DOB", "Patient Balance", "Last Payment Date", "Last Statement Date"]  # fmt: skip


def demo_export(*, rows: int, city: str, state: str, zip_code: str, as_of: dt.date, seed: int) -> bytes:
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(rows):
        balance_cents = rnd.choices(
            [rnd.randint(5_000, 30_000), rnd.randint(30_000, 200_000), 0, -2_500], weights=[6, 3, 1, 1]
        )[0]
        writer.writerow(
            [
                f"{10_000 + i}",
                f"{rnd.choice(_LAST)}, {rnd.choice(_FIRST)}",
                f"{rnd.randint(10, 9_999)} {rnd.choice(_STREETS)}" if rnd.random() > 0.08 else "",
                city,
                state,
                zip_code,
                f"(555) 555-01{rnd.randint(0, 99):02d}" if rnd.random() > 0.3 else "",
                f"(555) 555-01{rnd.randint(0, 99):02d}" if rnd.random() > 0.7 else "",
                f"patient{i}@example.com" if rnd.random() > 0.4 else "",
                (as_of - dt.timedelta(days=rnd.randint(16 * 365, 85 * 365))).strftime("%m/%d/%Y"),
                f"{balance_cents / 100:.2f}",
                (as_of - dt.timedelta(days=rnd.randint(20, 200))).strftime("%m/%d/%Y")
                if rnd.random() > 0.5
                else "",
                (as_of - dt.timedelta(days=rnd.randint(30, 180))).strftime("%m/%d/%Y"),
            ]
        )
    return out.getvalue().encode()


def seed_demo_balances(practice: Practice, *, rows: int, seed: int, place: bool) -> ImportBatch | None:
    """Import a demo export once per practice (idempotent: skipped when the practice has imports)."""
    if practice.import_batches.exists():
        return None
    as_of = dt.date.today()
    data = demo_export(rows=rows, city=practice.city, state=practice.state, zip_code=practice.zip_code,
                       as_of=as_of, seed=seed)  # fmt: skip
    batch = import_batch_create(
        actor=None, practice=practice, data=data, filename="demo-aging-report.csv", as_of=as_of, enqueue=False
    )
    batch = import_batch_run(batch_id=batch.pk)
    if place:
        import_batch_confirm(actor=None, batch=batch)
    return batch
