"""Consumer time zones: ZIP, straddling area codes, state fallback, DST and offset comparison."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from compliance.regf import timezones as tz
from compliance.regf.engine import possible_zones
from compliance.regf.parse import parse_decide
from compliance.tests.regf_helpers import doc

DATA = Path(tz.__file__).resolve().parent / "data" / "area_code_zones.json"


def test_zip_gives_its_zone() -> None:
    assert tz.zones_for_zip("90012") == {"America/Los_Angeles"}
    assert tz.zones_for_zip("32501") == {"America/Chicago"}  # Pensacola: the Central panhandle
    assert tz.zones_for_zip("not-a-zip") == frozenset()


@pytest.mark.parametrize(
    ("number", "offsets_july"),
    [
        ("+18505550142", {-5, -4}),  # 850: Eastern and Central Florida panhandle
        ("+12705550142", {-5, -4}),  # 270: western Kentucky is Central
        ("+15415550142", {-7, -6}),  # 541: Malheur County OR is Mountain
        ("+12085550142", {-7, -6}),  # 208: north Idaho is Pacific
        ("+14045550142", {-4}),
        ("+18085550142", {-10}),
    ],
)
def test_area_codes_that_straddle_a_zone_line_give_every_zone(number: str, offsets_july: set[int]) -> None:
    probe = datetime(2026, 7, 15, 12, tzinfo=ZoneInfo("UTC"))
    offsets = {
        int(tz.local(probe, z).utcoffset().total_seconds() // 3600) for z in tz.zones_for_phone(number)
    }
    assert offsets == offsets_july


def test_phonenumbers_alone_misses_straddling_zones_so_the_table_adds_them() -> None:
    table = json.loads(DATA.read_text())["area_codes"]
    assert "America/Chicago" in table["850"]["zones"]
    assert "America/Boise" in table["541"]["zones"]


def test_non_geographic_codes_give_no_zone() -> None:
    assert tz.zones_for_phone("+15005550100") == frozenset()  # 5XX personal communications
    assert tz.zones_for_phone("+18005551212") == frozenset()  # toll-free
    assert tz.zones_for_phone("12345") == frozenset()


def test_noise_from_cross_border_zips_is_dropped_but_real_minorities_stay() -> None:
    assert tz.zones_for_area_code("770") == {"America/New_York"}
    assert "America/Adak" in tz.zones_for_area_code("907")


def test_state_fallback_when_zip_unknown() -> None:
    assert tz.zones_for_postal("00000", "AZ") == {"America/Phoenix"}
    assert {"America/New_York", "America/Chicago"} <= tz.zones_for_postal(None, "IN")


def test_possible_zones_union_of_postal_and_phone() -> None:
    inp = parse_decide(
        doc(
            {"at": "2026-07-15T12:00:00-04:00"},
            consumer={},
            contact_points=[
                {"id": "cell", "kind": "phone", "number": "+14045550142", "type": "mobile"},
                {"id": "home", "kind": "postal", "zip": "90012", "state": "CA", "place": "home"},
            ],
        )
    )
    assert possible_zones(inp, inp.action.at) == ["America/Los_Angeles", "America/New_York"]


def test_stated_location_replaces_derived_zones_until_its_end() -> None:
    consumer = {
        "stated_location": {
            "time_zone": "Pacific/Honolulu",
            "at": "2026-07-01T10:00:00-04:00",
            "until": "2026-07-10",
        }
    }
    inp = parse_decide(doc({"at": "2026-07-05T12:00:00-04:00"}, consumer=consumer))
    assert possible_zones(inp, inp.action.at) == ["Pacific/Honolulu"]
    later = datetime(2026, 7, 11, 12, tzinfo=ZoneInfo("America/New_York"))
    assert possible_zones(inp, later) == ["America/New_York"]


def test_offsets_not_names_decide_distinctness_and_change_with_dst() -> None:
    winter = datetime(2026, 1, 15, 17, tzinfo=ZoneInfo("UTC"))
    summer = datetime(2026, 7, 15, 17, tzinfo=ZoneInfo("UTC"))
    # Arizona keeps MST: same offset as Denver in winter, as Los Angeles in summer.
    assert len(tz.distinct_by_offset(["America/Phoenix", "America/Denver"], winter)) == 1
    assert len(tz.distinct_by_offset(["America/Phoenix", "America/Los_Angeles"], summer)) == 1
    assert len(tz.distinct_by_offset(["America/Phoenix", "America/Denver"], summer)) == 2


def test_local_dates_follow_dst() -> None:
    at = tz.at_local(date(2026, 3, 8), datetime.min.time().replace(hour=8), "America/Los_Angeles")
    assert at.utcoffset().total_seconds() == -7 * 3600  # already PDT at 08:00 on the change day
