"""Property tests: random histories across zones, DST days and several debts never yield an unlawful ALLOW."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.regf.cli import evaluate_one

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
]
DEBTS = ["M1", "M2", "M3"]
RESULTS = ["no_answer", "voicemail", "lcm", "conversation", "busy", "third_party_conversation"]
# March 2026 spans the DST change (Sun Mar 8); the validation notice of Feb 20 ends its period on Mar 29.
START = datetime(2026, 3, 1, tzinfo=UTC)
SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

instants = st.integers(min_value=0, max_value=20 * 24 * 60).map(lambda m: START + timedelta(minutes=m))
zone_sets = st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True)
debt_sets = st.lists(st.sampled_from(DEBTS), min_size=1, max_size=2, unique=True)


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    calls = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just("call"),
                    "at": instants,
                    "contact_point": st.just("cell"),
                    "result": st.sampled_from(RESULTS),
                    "debt_ids": debt_sets,
                    "direction": st.sampled_from(["out", "out", "out", "in"]),
                }
            ),
            max_size=25,
        )
    )
    extras: list[dict[str, Any]] = []
    if draw(st.booleans()):
        extras.append({"type": "opt_out", "at": draw(instants), "contact_point": "cell", "media": ["call"]})
    if draw(st.booleans()):
        extras.append(
            {
                "type": "cease",
                "at": draw(instants),
                "written": True,
                "debt_ids": [draw(st.sampled_from(DEBTS))],
            }
        )
    if draw(st.booleans()):
        extras.append(
            {
                "type": "dispute",
                "at": draw(instants),
                "written": True,
                "debt_ids": [draw(st.sampled_from(DEBTS))],
            }
        )
    events = [
        {"type": "validation_notice", "at": "2026-02-20T09:00:00-05:00", "debt_ids": DEBTS, "method": "mail"}
    ]
    events += [{**e, "at": e["at"].isoformat()} for e in calls + extras]
    consumer: dict[str, Any] = {"time_zones": draw(zone_sets)}
    if draw(st.integers(0, 9)) == 0:
        consumer["bankruptcy"] = {"at": draw(instants).isoformat(), "filed_on": "2026-03-01"}
    return {"consumer": consumer, "events": events}


def _doc(profile: str, history: dict[str, Any], at: datetime, debt_ids: list[str]) -> dict[str, Any]:
    return {
        "query": "decide",
        "profile": profile,
        "overlays": [],
        "consumer": history["consumer"],
        "contact_points": [
            {
                "id": "cell",
                "kind": "phone",
                "number": "+14045550142",
                "type": "mobile",
                "obtained_on": "2026-02-25",
            }
        ],
        "debts": [
            {"id": d, "practice_id": "P1", "balance_cents": 1000 * (i + 1)} for i, d in enumerate(DEBTS)
        ],
        "events": history["events"],
        "action": {"channel": "call", "at": at.isoformat(), "contact_point": "cell", "debt_ids": debt_ids},
    }


def _local_date(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def _past(history: dict[str, Any], at: datetime) -> list[dict[str, Any]]:
    return [e for e in history["events"] if datetime.fromisoformat(e["at"]) <= at]


def _assert_lawful_allow(profile: str, history: dict[str, Any], at: datetime, result: dict[str, Any]) -> None:
    zones = history["consumer"]["time_zones"]
    end = time(20, 55) if profile == "product" else time(21, 0)
    for zone in zones:
        clock = at.astimezone(ZoneInfo(zone)).time()
        assert time(8, 0) <= clock <= end, (zone, clock)
    past = _past(history, at)
    assert (
        "bankruptcy" not in history["consumer"]
        or datetime.fromisoformat(history["consumer"]["bankruptcy"]["at"]) > at
    )
    assert not any(e["type"] == "opt_out" for e in past)
    charged = result["charged_debt_ids"]
    assert len(charged) == 1
    debt = charged[0]
    assert not any(e["type"] == "cease" and (profile == "product" or debt in e["debt_ids"]) for e in past)
    # Every dispute here is written and inside the validation period, and nothing verifies it.
    assert not any(e["type"] == "dispute" and debt in e["debt_ids"] for e in past)
    conv_results = {"conversation"} | ({"third_party_conversation"} if profile == "product" else set())
    for zone in zones:
        today = _local_date(at, zone)
        counted = [
            e
            for e in past
            if e["type"] == "call"
            and e["direction"] == "out"
            and e["result"] != "busy"
            and debt in e["debt_ids"]
            and today - timedelta(days=6) <= _local_date(datetime.fromisoformat(e["at"]), zone) <= today
        ]
        assert len(counted) < 7, "7-in-7 broken"
        for e in past:
            if e["type"] == "call" and e["result"] in conv_results and debt in e["debt_ids"]:
                assert today >= _local_date(datetime.fromisoformat(e["at"]), zone) + timedelta(days=7), (
                    "conversation block"
                )


@SETTINGS
@given(history=histories(), at=instants, debt_ids=debt_sets, profile=st.sampled_from(["federal", "product"]))
def test_no_allow_breaks_a_rule(
    history: dict[str, Any], at: datetime, debt_ids: list[str], profile: str
) -> None:
    result = evaluate_one(_doc(profile, history, at, debt_ids))
    assert "error" not in result
    if result["verdict"] == "ALLOW":
        _assert_lawful_allow(profile, history, at, result)
    elif result["verdict"] == "BLOCK":
        assert result["rule_ids"]
        nxt = result["next_allowed_at"]
        if nxt is not None:
            later = datetime.fromisoformat(nxt)
            assert later >= at
            # The promised instant really is allowed when nothing new happens.
            consumer = dict(history["consumer"])
            if "bankruptcy" in consumer and datetime.fromisoformat(consumer["bankruptcy"]["at"]) > at:
                del consumer["bankruptcy"]  # it had not been received at `at`: "nothing new happens"
            frozen = {"consumer": consumer, "events": _past(history, at)}
            again = evaluate_one(_doc(profile, frozen, later, debt_ids))
            assert again["verdict"] == "ALLOW", (again, nxt)


@SETTINGS
@given(
    zones=zone_sets,
    attempts=st.lists(
        st.tuples(st.integers(0, 14 * 24 * 4), debt_sets, st.sampled_from([*RESULTS[:3], "busy"])),
        max_size=60,
    ),
    profile=st.sampled_from(["federal", "product"]),
)
def test_replaying_only_allowed_calls_never_exceeds_a_cap(
    zones: list[str], attempts: list[tuple[int, list[str], str]], profile: str
) -> None:
    history: dict[str, Any] = {
        "consumer": {"time_zones": zones},
        "events": [
            {
                "type": "validation_notice",
                "at": "2026-02-20T09:00:00-05:00",
                "debt_ids": DEBTS,
                "method": "mail",
            }
        ],
    }
    placed: list[tuple[datetime, str, str]] = []
    for quarter_hours, debt_ids, outcome in sorted(attempts):
        at = START + timedelta(minutes=15 * quarter_hours)
        result = evaluate_one(_doc(profile, history, at, debt_ids))
        if result["verdict"] != "ALLOW":
            continue
        (debt,) = result["charged_debt_ids"]
        history["events"].append(
            {
                "type": "call",
                "at": at.isoformat(),
                "contact_point": "cell",
                "result": outcome,
                "debt_ids": [debt],
            }
        )
        placed.append((at, debt, outcome))
    counted = [(at, debt) for at, debt, outcome in placed if outcome != "busy"]
    for zone in zones:
        for at, _ in counted:
            day = _local_date(at, zone)

            def in_window(x: datetime, day: date = day, zone: str = zone) -> bool:
                return day - timedelta(days=6) <= _local_date(x, zone) <= day

            for debt in DEBTS:
                assert sum(1 for x, d in counted if d == debt and in_window(x)) <= 7
            if profile == "product":
                assert sum(1 for x, _ in counted if in_window(x)) <= 7
                assert sum(1 for x, _ in counted if _local_date(x, zone) == day) <= 3
    if profile == "product":
        times = sorted(at for at, _, _ in placed)
        assert all(b - a >= timedelta(seconds=300) for a, b in itertools.pairwise(times))
