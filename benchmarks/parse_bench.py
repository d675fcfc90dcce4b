"""Parse throughput of the import pipeline on a generated generic-layout CSV.

    .venv/bin/python benchmarks/parse_bench.py [N_ROWS]     # default 1,000,000

Writes N rows to a temporary file, parses them with ``parse_export`` chunk by chunk (the way the
persistence layer consumes them) and prints rows/s and peak RSS (``resource.getrusage``).
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from balances.imports import parse_export

HEADER = [
    "Account Number", "Patient Name", "Address 1", "Address 2", "City", "State", "Zip", "Mobile Phone",
    "Home Phone", "Email", "DOB", "Patient Balance", "Ins Est", "Last Payment Date", "Last Stmt", "SSN",
]  # fmt: skip
FIRST = ["Mary", "John", "Ana-María", "Chloé", "Robert", "Linda", "Kevin", "Sophia", "Luis", "Grace"]
LAST = ["Smith", "O'Brien", "Müller", "Nguyen", "Garcia", "Johnson", "St. Clair", "Patel", "Brown", "Lee"]
CITIES = [
    ("Portland", "OR", "97201"),
    ("Boston", "MA", "2134"),
    ("Austin", "TX", "78701"),
    ("Tacoma", "WA", "98402"),
]


def generate(path: str, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            city, st, z = rnd.choice(CITIES)
            bal = rnd.randint(-5000, 250000)
            w.writerow(
                [
                    f"{100000 + i}",
                    f"{rnd.choice(LAST)}, {rnd.choice(FIRST)} {rnd.choice('ABCDE')}",
                    f"{rnd.randint(1, 9999)} Oak St",
                    rnd.choice(["", "Apt 4", ""]),
                    city,
                    st,
                    z if rnd.random() > 0.1 else f"{z}-1234",
                    f"({rnd.randint(200, 999)}) 555-{rnd.randint(100, 199):04d}",
                    rnd.choice(["", "503.555.0142", "555-0142"]),
                    rnd.choice(["", f"user{i}@example.com", "broken at example.com"]),
                    f"{rnd.randint(1, 12)}/{rnd.randint(1, 28)}/{rnd.randint(1930, 2015)}",
                    f"${bal / 100:,.2f}" if bal >= 0 else f"(${-bal / 100:,.2f})",
                    f"{rnd.randint(0, 5000) / 100:.2f}",
                    rnd.choice(["", "3/1/2025", "12/18/24", "2024-06-30"]),
                    rnd.choice(["", "02/15/2025"]),
                    f"9{rnd.randint(10, 99)}-{rnd.randint(10, 99)}-{rnd.randint(1000, 9999)}",
                ]
            )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "generic.csv")
        t0 = time.perf_counter()
        generate(path, n)
        size = os.path.getsize(path)
        print(f"generated {n:,} rows ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        result = parse_export(path, as_of=date(2025, 3, 14))
        accepted = 0
        for chunk in result.iter_account_chunks():
            accepted += len(chunk)
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        print(f"preset={result.preset} file_error={result.file_error} dropped={result.dropped_columns}")
        print(
            f"data_records={result.data_records:,} imported={result.accounts_imported:,} "
            f"rejected={result.accounts_rejected_total:,} duplicates={result.duplicate_records_rejected:,}"
        )
        print(f"parse: {dt:.2f} s, {result.data_records / dt:,.0f} rows/s")
        print(f"peak RSS: {peak / 1024:.0f} MB (before parse: {rss_before / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
