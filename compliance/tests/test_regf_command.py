"""`manage.py regf_evaluate`: JSON in, JSON out, exit status by JSON validity (REGF-SCENARIOS.md 1)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _run(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> object:
    out = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("regf_evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_file_with_an_array_answers_in_order(tmp_path: Path) -> None:
    questions = [
        {"case": "x", "query": "classify_inbound", "channel": "sms", "text": "STOP", "expected": {}},
        {"query": "unknown"},
        {
            "query": "validation_period_end",
            "notices": [{"at": "2026-01-05T10:00:00-05:00", "method": "mail"}],
        },
    ]
    path = tmp_path / "q.json"
    path.write_text(json.dumps(questions))
    answers = _run(str(path))
    assert isinstance(answers, list) and len(answers) == 3
    assert answers[0] == {"classes": ["OPT_OUT"], "review": False}
    assert "error" in answers[1]
    assert answers[2] == {"assumed_receipt": "2026-01-12", "end_date": "2026-02-11"}


def test_stdin_single_object(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _run(
        "-",
        stdin=json.dumps({"query": "classify_inbound", "channel": "sms", "text": "help"}),
        monkeypatch=monkeypatch,
    )
    assert answer == {"classes": ["HELP"], "review": False}


def test_invalid_json_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    with pytest.raises(CommandError):
        call_command("regf_evaluate", "-", stdout=io.StringIO())
