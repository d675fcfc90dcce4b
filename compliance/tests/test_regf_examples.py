"""Every scenario in /work/shared/regf-examples.json gives its expected answer (REGF-SCENARIOS.md 7)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from compliance.regf.cli import evaluate_one

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "regf-examples.json"


def _load() -> list[dict[str, Any]]:
    if not EXAMPLES.exists():
        return []
    return json.loads(EXAMPLES.read_text())


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def assert_matches(result: dict[str, Any], scenario: dict[str, Any]) -> None:
    """The acceptance rule of REGF-SCENARIOS.md section 7."""
    expected = scenario["expected"]
    assert "error" not in result, result
    query = scenario["query"]
    if query in ("decide", "check_template"):
        assert result["verdict"] == expected["verdict"]
        assert set(expected["rule_ids"]) <= set(result["rule_ids"])
        assert set(result["rule_ids"]) - set(expected["rule_ids"]) <= set(
            expected.get("rule_ids_optional", [])
        )
        if "next_allowed_at" in expected:
            assert _instant(result["next_allowed_at"]) == _instant(expected["next_allowed_at"])
        if "charged_debt_ids" in expected:
            assert set(result["charged_debt_ids"]) == set(expected["charged_debt_ids"])
        for flag in expected.get("flags", []):
            assert flag in result["flags"]
        if "lcm" in expected:
            assert result["lcm"] == expected["lcm"]
    elif query == "classify_inbound":
        assert set(result["classes"]) == set(expected["classes"])
        assert result["review"] == expected["review"]
    else:
        for key, value in expected.items():
            assert result[key] == value, key


@pytest.mark.skipif(not EXAMPLES.exists(), reason=f"scenario file not found at {EXAMPLES}")
@pytest.mark.parametrize("scenario", _load(), ids=lambda s: s.get("case", "?"))
def test_example(scenario: dict[str, Any]) -> None:
    assert_matches(evaluate_one(scenario), scenario)


def test_engine_never_reads_case_or_expected() -> None:
    scenarios = _load()
    if not scenarios:
        pytest.skip(f"scenario file not found at {EXAMPLES}")
    for scenario in scenarios:
        stripped = {k: v for k, v in scenario.items() if k not in ("case", "expected")}
        assert evaluate_one(stripped) == evaluate_one(scenario)
