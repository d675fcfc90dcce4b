"""Generate compliance/regf/data/area_code_zones.json from the `zipcodes` package's bundled data.

Why: phonenumbers maps an area code to the zone(s) of its carrier-registered rate centres and so misses
zones for codes that straddle a zone line (850 Florida panhandle, 270 western Kentucky, 541 Malheur
County OR). zipcodes lists, for every ZIP, the area codes that serve it and the ZIP's IANA zone, so
the union over the ZIPs of an area code gives the zones that code reaches.

The ZIP data is noisy (a handful of ZIPs just across a state line list a neighbour's area code: six
Alabama ZIPs list Atlanta's 770). A zone is dropped as noise only when every one of its ZIPs lies
outside the code's main state AND it holds less than MIN_SHARE of the code's ZIPs and fewer than
MIN_COUNT. A small in-state zone (Adak in 907) is real and always kept, because dropping a real zone
would let a call through at 7:30 a.m. somewhere.
Zones are grouped by their UTC offsets in January and July (America/Boise behaves like Denver,
America/Indiana/Indianapolis like New_York); each group is represented by its most common IANA name.
The counts are written too, so a reviewer can see what was dropped.

Run: .venv/bin/python scripts/gen_area_code_zones.py
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import zipcodes

MIN_SHARE = 0.03
MIN_COUNT = 15
OUT = Path(__file__).resolve().parents[1] / "compliance" / "regf" / "data" / "area_code_zones.json"
_PROBES = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


def _offset_key(zone: str) -> tuple[float, ...] | None:
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # e.g. "Napakiak": not an IANA zone, a data error
    return tuple(p.astimezone(tz).utcoffset().total_seconds() for p in _PROBES)  # type: ignore[union-attr]


def build() -> dict[str, dict[str, object]]:
    per_code: dict[str, Counter[str]] = defaultdict(Counter)
    states: dict[str, Counter[str]] = defaultdict(Counter)
    zone_states: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in zipcodes.list_all():
        zone = row.get("timezone") or ""
        if row.get("country") != "US" or not zone:
            continue
        for code in row.get("area_codes") or []:
            per_code[str(code)][zone] += 1
            states[str(code)][row["state"]] += 1
            zone_states[(str(code), zone)].add(row["state"])

    table: dict[str, dict[str, object]] = {}
    for code in sorted(per_code):
        counts = per_code[code]
        groups: dict[tuple[float, ...], Counter[str]] = defaultdict(Counter)
        for zone, n in counts.items():
            key = _offset_key(zone)
            if key is not None:
                groups[key][zone] += n
        total = sum(sum(g.values()) for g in groups.values())
        if not total:
            continue
        main_state = states[code].most_common(1)[0][0]
        kept: list[str] = []
        dropped: list[str] = []
        for group in groups.values():
            n = sum(group.values())
            representative = group.most_common(1)[0][0]
            in_main_state = any(main_state in zone_states[(code, zone)] for zone in group)
            noise = not in_main_state and n < MIN_COUNT and n / total < MIN_SHARE
            (dropped if noise else kept).append(representative)
        table[code] = {"zones": sorted(kept), "dropped_as_noise": sorted(dropped), "zip_counts": dict(counts)}
    return table


def main() -> None:
    table = build()
    payload = {
        "source": f"zipcodes {zipcodes.__version__}: union of ZIP time zones per listed area code",
        "min_share": MIN_SHARE,
        "min_count": MIN_COUNT,
        "area_codes": table,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(table)} area codes to {OUT}")


if __name__ == "__main__":
    main()
