"""Likelihood scores: the prior's shape, excluded features, segments, reasons, calibration, the task."""

from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from balances.models import Account, AccountScore, AccountStatus, Consumer, ScoringModel, Segment
from balances.scoring.features import INPUT_COLUMNS, Flag, compute_features
from balances.scoring.model import LikelihoodModel, fit
from balances.scoring.prior import PRIOR_VERSION, prior_probability
from balances.scoring.score import score_frame
from balances.scoring.segments import reasons
from balances.scoring.selectors import accounts_for_outreach
from balances.scoring.services import account_exclusion_set, scoring_run, segment_exclusion_set
from balances.tests.scoring_helpers import import_sample
from compliance.models import AuditEvent

REF = pd.Timestamp("2025-03-14")


def _frame(n: int = 1, **overrides) -> pd.DataFrame:
    base = {
        "amount_cents": 8_500,
        "insurance_estimate_cents": None,
        "total_balance_cents": None,
        "last_payment_on": None,
        "last_statement_on": None,
        "first_service_on": None,
        "last_service_on": None,
        "balance_began_on": REF - pd.Timedelta(days=40),
        "aging_days": None,
        "ref_date": REF,
        "has_mobile": True,
        "has_email": True,
        "has_mailing_address": True,
        "in_plan": False,
    }
    base.update(overrides)
    return pd.DataFrame({k: [v] * n if not isinstance(v, list) else v for k, v in base.items()})


def test_prior_matches_the_anchor_midpoints_and_never_rises_with_age_or_amount():
    assert prior_probability(np.array([45]), np.array([10_000]))[0] == pytest.approx(0.575)
    assert prior_probability(np.array([105]), np.array([10_000]))[0] == pytest.approx(0.325)
    over_200 = (
        prior_probability(np.array([75]), np.array([50_000]))[0]
        / prior_probability(np.array([75]), np.array([10_000]))[0]
    )
    assert 0.6 <= over_200 <= 0.8
    ages = np.arange(0, 400)
    assert np.all(np.diff(prior_probability(ages, np.full(400, 10_000))) <= 0)
    amounts = np.linspace(1_000, 500_000, 400)
    assert np.all(np.diff(prior_probability(np.full(400, 60), amounts)) <= 0)


def test_model_score_is_monotonic_in_age_and_amount():
    model = LikelihoodModel()
    days = list(range(20, 300, 7))
    by_age = score_frame(
        _frame(len(days), balance_began_on=[REF - pd.Timedelta(days=d) for d in days]), model
    )
    assert np.all(np.diff(by_age["probability"].to_numpy()) <= 1e-12)
    amounts = list(range(2_000, 300_000, 5_000))
    by_amount = score_frame(_frame(len(amounts), amount_cents=amounts), model)
    assert np.all(np.diff(by_amount["probability"].to_numpy()) <= 1e-12)
    assert by_amount["expected_cents"].iloc[0] == round(by_amount["probability"].iloc[0] * 2_000)


def test_excluded_inputs_cannot_reach_the_score():
    model = LikelihoodModel()
    frame = _frame(3, amount_cents=[8_500, 45_000, 120_000])
    one = frame.assign(
        dob=[dt.date(1950, 1, 1)] * 3,
        zip3=["606"] * 3,
        full_name=["Ann Smith"] * 3,
        language=["es"] * 3,
        sex=["F"] * 3,
    )
    two = frame.assign(
        dob=[dt.date(2001, 9, 9)] * 3,
        zip3=["100"] * 3,
        full_name=["Bo Jones"] * 3,
        language=["en"] * 3,
        sex=["M"] * 3,
    )
    pd.testing.assert_frame_equal(score_frame(one, model), score_frame(two, model))
    assert not {"dob", "zip3", "full_name", "language", "sex"} & set(INPUT_COLUMNS)


def test_allowed_features_move_the_score_the_documented_way():
    model = LikelihoodModel()
    base = model.predict(compute_features(_frame()))[0]
    assert model.predict(compute_features(_frame(has_mobile=False)))[0] < base
    assert model.predict(compute_features(_frame(last_payment_on=REF - pd.Timedelta(days=20))))[0] > base
    assert model.predict(compute_features(_frame(in_plan=True)))[0] > base
    unanswered = _frame(
        last_statement_on=REF - pd.Timedelta(days=1), balance_began_on=REF - pd.Timedelta(days=130)
    )
    assert (
        model.predict(compute_features(unanswered))[0]
        < model.predict(compute_features(_frame(balance_began_on=REF - pd.Timedelta(days=130))))[0]
    )
    # age from the aging buckets when the export has no date
    bucketed = compute_features(_frame(balance_began_on=None, aging_days=75))
    assert bucketed["age_days"].iloc[0] == 75 and not bucketed["flags"].iloc[0] & Flag.AGE_UNKNOWN


def test_segments_and_plain_english_reasons():
    scores = score_frame(_frame(), LikelihoodModel())
    row = scores.iloc[0]
    assert row["segment"] == Segment.QUICK_WIN
    assert (
        reasons(
            segment=row["segment"], amount_cents=8_500, age_days=int(row["age_days"]), flags=int(row["flags"])
        )[0]
        == "Quick win: $85, 40 days old, mobile, email and mailing address on file"
    )
    assert reasons(segment="quick_win", amount_cents=8_500, age_days=40, flags=Flag.MOBILE | Flag.EMAIL)[
        0
    ] == ("Quick win: $85, 40 days old, mobile and email on file")
    big = score_frame(
        _frame(amount_cents=90_000, balance_began_on=REF - pd.Timedelta(days=70)), LikelihoodModel()
    )
    assert big["segment"].iloc[0] == Segment.PAYMENT_PLAN
    old = score_frame(
        _frame(
            amount_cents=30_000,
            has_mobile=False,
            has_email=False,
            balance_began_on=REF - pd.Timedelta(days=300),
        ),
        LikelihoodModel(),
    )
    assert old["segment"].iloc[0] == Segment.LONG_SHOT
    nowhere = score_frame(_frame(has_mailing_address=False, has_email=False), LikelihoodModel())
    assert nowhere["segment"].iloc[0] == Segment.HARD_TO_REACH
    text = reasons(
        segment="hard_to_reach", amount_cents=30_000, age_days=None, flags=int(Flag.AGE_UNKNOWN | 256)
    )
    assert text[0].startswith("Hard to reach: $300, age unknown, no mobile, email or mailing address on file")
    assert "balances over $200 resolve less often" in text[-1]


def test_calibration_is_a_regularised_update_of_the_prior():
    rng = np.random.default_rng(1)
    n = 3_000
    frame = _frame(
        n,
        amount_cents=rng.integers(3_000, 150_000, n).tolist(),
        balance_began_on=[REF - pd.Timedelta(days=int(d)) for d in rng.integers(30, 180, n)],
        has_mobile=(rng.random(n) < 0.6).tolist(),
    )
    features = compute_features(frame)
    truth = LikelihoodModel().predict(features) * 0.5  # this practice collects half as well as the prior says
    model = fit(features, rng.random(n) < truth)
    assert model.kind == "calibrated" and model.version.startswith("cal-3000-")
    assert model.predict(features).mean() == pytest.approx(truth.mean(), abs=0.03)


@pytest.mark.django_db
def test_scoring_run_is_set_based_and_ignores_dob_zip_and_name(practice_a):
    batch = import_sample(practice_a)
    result = scoring_run(practice_id=practice_a.pk)
    assert result["scored"] == batch.accounts_imported == 770
    assert result["model_version"] == PRIOR_VERSION
    before = dict(AccountScore.objects.filter(practice=practice_a).values_list("account_id", "probability"))
    assert len(before) == 770 and all(0 < p < 1 for p in before.values())
    # Change every excluded attribute of every consumer: the scores must not move.
    for consumer in Consumer.objects.filter(practice=practice_a):
        consumer.dob = dt.date(1960, 2, 2)
        consumer.zip3 = "999"
        consumer.zip_code = "99999"
        consumer.full_name = "Someone Else"
        consumer.last_name = "Else"
        consumer.language = "fr"
        consumer.save(update_fields=["dob", "zip3", "zip_code", "full_name", "last_name", "language"])
    scoring_run(practice_id=practice_a.pk)
    after = dict(AccountScore.objects.filter(practice=practice_a).values_list("account_id", "probability"))
    assert after == before
    assert set(AccountScore.objects.values_list("model_version", flat=True)) == {PRIOR_VERSION}


@pytest.mark.django_db
def test_scoring_calibrates_on_the_practices_own_outcomes(practice_a):
    import_sample(practice_a)
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    ids = list(Account.objects.filter(practice=practice_a).order_by("id").values_list("id", flat=True))
    Account.objects.filter(id__in=ids).update(status=AccountStatus.PLACED, placed_at=old)
    Account.objects.filter(id__in=ids[::5]).update(status=AccountStatus.PAID)  # 20 % resolved
    result = scoring_run(practice_id=practice_a.pk)
    assert result["model_version"].startswith(f"cal-p{practice_a.pk}-770-")
    assert ScoringModel.objects.filter(practice=practice_a, kind="calibrated").count() == 1
    scored = AccountScore.objects.filter(practice=practice_a, account__status=AccountStatus.PLACED)
    assert set(scored.values_list("model_version", flat=True)) == {result["model_version"]}


@pytest.mark.django_db
def test_exclusions_are_audited_and_respected(practice_a, manager_a):
    import_sample(practice_a)
    Account.objects.filter(practice=practice_a).update(aging_days=45)  # this export has only aging buckets
    scoring_run(practice_id=practice_a.pk)
    Account.objects.filter(practice=practice_a).update(status=AccountStatus.PLACED)
    account = Account.objects.filter(practice=practice_a, score__segment=Segment.STANDARD).first()
    total = accounts_for_outreach(practice=practice_a).count()
    account_exclusion_set(actor=manager_a, account=account, excluded=True, reason="family friend")
    assert accounts_for_outreach(practice=practice_a).count() == total - 1
    quick = Account.objects.filter(practice=practice_a, score__segment=Segment.QUICK_WIN).count()
    assert quick > 0
    segment_exclusion_set(actor=manager_a, practice=practice_a, segment=Segment.QUICK_WIN, excluded=True)
    assert accounts_for_outreach(practice=practice_a).count() == total - 1 - quick
    segment_exclusion_set(actor=manager_a, practice=practice_a, segment=Segment.QUICK_WIN, excluded=False)
    actions = list(AuditEvent.objects.filter(practice=practice_a).values_list("action", flat=True))
    assert {"account.exclude", "segment.exclude", "segment.include"} <= set(actions)


@pytest.mark.django_db(transaction=True)
def test_two_scoring_runs_for_one_practice_take_turns(practice_a, monkeypatch):
    """An import's run and the nightly run can overlap. Each deletes the practice's scores and
    COPYs new ones; without a lock the second would insert over the first's fresh rows."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time; the race needs PostgreSQL")
    import threading

    from balances.scoring import services as scoring_services

    import_sample(practice_a)
    expected = scoring_run(practice_id=practice_a.pk, calibrate=False)["updated"]
    assert expected > 0
    both_deleted = threading.Barrier(2, timeout=2)
    real_init = scoring_services._ScoreStage.__init__

    def init_then_wait_for_the_other(self, **kwargs):
        real_init(self, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # with the lock, the other never comes
            both_deleted.wait()

    monkeypatch.setattr(scoring_services._ScoreStage, "__init__", init_then_wait_for_the_other)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            scoring_run(practice_id=practice_a.pk, calibrate=False)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AccountScore.objects.filter(practice=practice_a).count() == expected
