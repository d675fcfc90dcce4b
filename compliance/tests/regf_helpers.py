"""Builders for regf_evaluate documents, shared by the engine, property and command tests."""

from __future__ import annotations

import copy
from typing import Any

from compliance.regf.cli import evaluate_one

CELL = {
    "id": "cell",
    "kind": "phone",
    "number": "+14045550142",
    "type": "mobile",
    "obtained_on": "2026-03-12",
}
NOTICE = {
    "type": "validation_notice",
    "at": "2026-02-20T09:00:00-05:00",
    "debt_ids": ["M1", "M2"],
    "method": "mail",
}


def doc(
    action: dict[str, Any],
    *,
    events: list[dict[str, Any]] | None = None,
    profile: str = "product",
    consumer: dict[str, Any] | None = None,
    contact_points: list[dict[str, Any]] | None = None,
    debts: list[dict[str, Any]] | None = None,
    overlays: list[str] | None = None,
    notice: bool = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "query": "decide",
        "profile": profile,
        "consumer": consumer if consumer is not None else {"time_zones": ["America/New_York"]},
        "contact_points": contact_points if contact_points is not None else [copy.deepcopy(CELL)],
        "debts": debts
        if debts is not None
        else [
            {"id": "M1", "practice_id": "P1", "balance_cents": 64000},
            {"id": "M2", "practice_id": "P1", "balance_cents": 1000},
        ],
        "events": ([copy.deepcopy(NOTICE)] if notice else []) + (events or []),
        "action": {"contact_point": "cell", "debt_ids": ["M1"], "channel": "call", **action},
    }
    if overlays is not None:
        out["overlays"] = overlays
    return out


def decide_doc(*args: Any, **kwargs: Any) -> dict[str, Any]:
    result = evaluate_one(doc(*args, **kwargs))
    assert "error" not in result, result
    return result


def call(
    at: str, result: str = "no_answer", debt_ids: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "call",
        "at": at,
        "contact_point": "cell",
        "result": result,
        "debt_ids": debt_ids or ["M1"],
        **extra,
    }
