"""House rules that a grep can enforce (STYLE.md 6): views, APIs and tasks never fetch tenant-owned
rows by primary key directly; they go through the access functions in selectors."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "practices", "compliance", "balances", "outreach", "reporting"]
INTERFACE_FILES = ("views.py", "api.py", "tasks.py")
DIRECT_GET = re.compile(r"\.objects\.(get|filter)\(\s*(pk|id)\s*=")


def test_interfaces_do_not_fetch_rows_by_id_directly():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name in INTERFACE_FILES or path.parent.name in {"views", "api"}:
                for lineno, line in enumerate(path.read_text().splitlines(), 1):
                    if DIRECT_GET.search(line):
                        offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not offenders, "Use an access function from selectors.py instead:\n" + "\n".join(offenders)
