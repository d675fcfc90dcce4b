"""Consumer time zones from ZIP, phone area code and state (G-2), and local-time helpers.

Sources, each loaded lazily and cached:
- ZIP -> zone: the `zipcodes` package's bundled data.
- area code -> zones: the union of phonenumbers' time-zone data and data/area_code_zones.json, which
  scripts/gen_area_code_zones.py derives from zipcodes (it lists the area codes serving each ZIP).
  phonenumbers alone misses straddling codes (850, 270, 541 give one zone there).
- state -> zones: the `us` package, the fallback when a ZIP is unknown.

Zones are compared by UTC offset at the instant in question (`zoneinfo`), never by name, so DST days,
Arizona and Hawaii come out right.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The all-50-states-and-DC set used when nothing is known (PO-02, REGF-SCENARIOS 3.3 item 2).
ALL_US_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)

_DATA = Path(__file__).resolve().parent / "data" / "area_code_zones.json"
# phonenumbers answers a non-geographic NANP code (5XX, 8XX toll-free) with every zone of the plan;
# more zones than any real area code spans means "no location information".
_MAX_REAL_AREA_CODE_ZONES = 4


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local(at: datetime, zone_name: str) -> datetime:
    return at.astimezone(zone(zone_name))


def local_date(at: datetime, zone_name: str) -> date:
    return local(at, zone_name).date()


def at_local(day: date, clock: time, zone_name: str) -> datetime:
    """The instant of wall-clock `clock` on `day` in the zone (fold=0: the first of a repeated hour)."""
    return datetime.combine(day, clock, tzinfo=zone(zone_name))


def start_of_day(day: date, zone_name: str) -> datetime:
    return at_local(day, time(0, 0), zone_name)


def start_of_next_day(day: date, zone_name: str) -> datetime:
    return start_of_day(day + timedelta(days=1), zone_name)


# ---------------------------------------------------------------- data sources (lazy, cached)


@lru_cache(maxsize=4096)
def zones_for_zip(zip_code: str) -> frozenset[str]:
    import zipcodes  # imported lazily: it loads ~40k rows

    digits = "".join(ch for ch in str(zip_code) if ch.isdigit())[:5]
    if len(digits) != 5:
        return frozenset()
    try:
        rows = zipcodes.matching(digits)
    except (ValueError, TypeError):
        return frozenset()
    return frozenset(r["timezone"] for r in rows if r.get("timezone") and is_valid_zone(r["timezone"]))


@lru_cache(maxsize=128)
def zones_for_state(state: str) -> frozenset[str]:
    import us

    found = us.states.lookup(str(state or "").strip())
    if found is None or not found.time_zones:
        return frozenset()
    return frozenset(z for z in found.time_zones if is_valid_zone(z))


@lru_cache(maxsize=1)
def _area_code_table() -> dict[str, tuple[str, ...]]:
    raw = json.loads(_DATA.read_text())
    return {code: tuple(row["zones"]) for code, row in raw["area_codes"].items()}


@lru_cache(maxsize=2048)
def zones_for_area_code(area_code: str) -> frozenset[str]:
    """Every zone a NANP area code reaches; empty for non-geographic codes (5XX, toll-free)."""
    import phonenumbers
    from phonenumbers import geocoder
    from phonenumbers import timezone as pn_timezone

    derived = set(_area_code_table().get(area_code, ()))
    try:
        number = phonenumbers.parse(f"+1{area_code}5550100")
    except phonenumbers.NumberParseException:
        return frozenset(derived)
    from_pn = set(pn_timezone.time_zones_for_number(number)) - {pn_timezone.UNKNOWN_TIMEZONE}
    geographic = bool(geocoder.description_for_number(number, "en"))
    if geographic and len(from_pn) <= _MAX_REAL_AREA_CODE_ZONES:
        derived |= from_pn
    return frozenset(z for z in derived if is_valid_zone(z))


def area_code_of(number: str) -> str | None:
    """The NANP area code of an E.164 (or loosely written) US number, else None."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    return digits[:3]


def zones_for_phone(number: str) -> frozenset[str]:
    code = area_code_of(number)
    return zones_for_area_code(code) if code else frozenset()


def zones_for_postal(zip_code: str | None, state: str | None) -> frozenset[str]:
    """ZIP first; the state's zones when the ZIP is unknown (stricter, never looser)."""
    found = zones_for_zip(zip_code) if zip_code else frozenset()
    if not found and state:
        found = zones_for_state(state)
    return found


def distinct_by_offset(zones: Iterable[str], at: datetime) -> list[str]:
    """One zone per UTC offset at `at` (sorted east to west); equal offsets impose equal limits."""
    seen: dict[object, str] = {}
    for name in sorted(zones):
        offset = local(at, name).utcoffset()
        seen.setdefault(offset, name)
    return [seen[k] for k in sorted(seen, key=lambda o: -o.total_seconds())]  # type: ignore[attr-defined]
