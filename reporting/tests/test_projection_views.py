"""The projection page, its PDF, approve / decline end to end, segments and exclusions, the calculator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balances.models import Account, AnalysisAccount, AnalysisDecision, AnalysisReview, Segment
from balances.scoring.services import scoring_run
from balances.tests.scoring_helpers import USER_QUERY, import_sample
from balances.tests.test_analysis import ANALYSIS_ACCOUNTS
from compliance.models import AuditEvent
from conftest import verified_client
from practices.models import PracticeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(practice_a, manager_a):
    return import_sample(practice_a, USER_QUERY, analysis=True, actor=manager_a)


def _url(name, practice, batch):
    return reverse(f"reporting:{name}", kwargs={"practice_slug": practice.slug, "batch_id": batch.pk})


def test_manager_sees_the_projection_with_charts_data(client_a, practice_a, analysis):
    response = client_a.get(_url("projection", practice_a, analysis))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="projection-data"' in body and "js/projection.js" in body and "<script>" not in body
    assert "Quick win" in body and "Approve and start" in body and "Contingency" in body


def test_outsider_gets_404_everywhere(client_outsider, practice_a, analysis):
    for name in ("projection", "projection_pdf"):
        assert client_outsider.get(_url(name, practice_a, analysis)).status_code == 404
    for name in ("projection_approve", "projection_decline"):
        assert client_outsider.post(_url(name, practice_a, analysis)).status_code == 404
    assert AnalysisAccount.objects.filter(batch=analysis).count() == ANALYSIS_ACCOUNTS


def test_another_practices_batch_is_a_404(client_outsider, practice_b, analysis):
    url = reverse("reporting:projection", kwargs={"practice_slug": practice_b.slug, "batch_id": analysis.pk})
    assert client_outsider.get(url).status_code == 404


def test_pdf_for_the_practice_owner(client_a, practice_a, analysis):
    response = client_a.get(_url("projection_pdf", practice_a, analysis))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_approve_activates_the_practice_and_is_audited(client_a, practice_a, analysis):
    assert practice_a.status == PracticeStatus.PROSPECT
    response = client_a.post(_url("projection_approve", practice_a, analysis))
    assert response.status_code == 302
    practice_a.refresh_from_db()
    assert practice_a.status == PracticeStatus.ACTIVE
    review = AnalysisReview.objects.get(batch=analysis)
    assert review.decision == AnalysisDecision.APPROVED and review.summary["accounts"] == ANALYSIS_ACCOUNTS
    event = AuditEvent.objects.get(action="analysis.approve")
    assert event.practice_id == practice_a.pk and event.after["practice_status"] == "active"
    # deciding twice is refused
    client_a.post(_url("projection_decline", practice_a, analysis))
    assert AnalysisReview.objects.get(batch=analysis).decision == AnalysisDecision.APPROVED


def test_decline_purges_the_analysis_and_is_audited(client_a, practice_a, analysis):
    response = client_a.post(_url("projection_decline", practice_a, analysis))
    assert response.status_code == 302
    assert not AnalysisAccount.objects.filter(batch=analysis).exists()
    practice_a.refresh_from_db()
    assert practice_a.status == PracticeStatus.PROSPECT
    assert AuditEvent.objects.get(action="analysis.decline").after == {"purged_accounts": ANALYSIS_ACCOUNTS}
    page = client_a.get(_url("projection", practice_a, analysis))
    assert page.status_code == 200 and "data has been deleted" in page.content.decode()
    assert client_a.get(_url("projection_pdf", practice_a, analysis)).status_code == 404


def test_collector_cannot_decide(collector_a, practice_a, analysis):
    client = verified_client(collector_a)
    assert client.post(_url("projection_approve", practice_a, analysis)).status_code == 403
    assert AnalysisReview.objects.get(batch=analysis).decision == AnalysisDecision.PENDING


def test_segments_page_explains_and_excludes(client_a, practice_a, manager_a):
    import_sample(practice_a)
    Account.objects.filter(practice=practice_a).update(aging_days=45)  # this export has only aging buckets
    scoring_run(practice_id=practice_a.pk)
    page = client_a.get(reverse("reporting:segments", kwargs={"practice_slug": practice_a.slug}))
    assert page.status_code == 200 and "Quick win" in page.content.decode()
    detail = client_a.get(
        reverse(
            "reporting:segment_accounts", kwargs={"practice_slug": practice_a.slug, "segment": "quick_win"}
        )
    )
    assert "Quick win: $" in detail.content.decode() and "45 days old" in detail.content.decode()
    account = Account.objects.filter(practice=practice_a, score__segment=Segment.QUICK_WIN).first()
    client_a.post(
        reverse(
            "reporting:account_exclude", kwargs={"practice_slug": practice_a.slug, "account_id": account.pk}
        ),
        {"excluded": "1", "reason": "family friend"},
    )
    account.refresh_from_db()
    assert account.excluded_from_outreach and account.excluded_by == manager_a
    client_a.post(
        reverse(
            "reporting:segment_exclude", kwargs={"practice_slug": practice_a.slug, "segment": "long_shot"}
        ),
        {"excluded": "1"},
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"account.exclude", "segment.exclude"} <= actions


def test_outsider_cannot_exclude(client_outsider, practice_a):
    import_sample(practice_a)
    account = Account.objects.filter(practice=practice_a).first()
    url = reverse(
        "reporting:account_exclude", kwargs={"practice_slug": practice_a.slug, "account_id": account.pk}
    )
    assert client_outsider.post(url, {"excluded": "1"}).status_code == 404
    account.refresh_from_db()
    assert not account.excluded_from_outreach


def test_write_off_calculator_works_without_javascript(client):
    page = client.get(reverse("landing"), {"per_month": "15", "average": "100"})
    body = page.content.decode()
    assert "15 balances/month x $100 x 12 months = $18,000" in body
    assert "See your own numbers" in body and "js/calculator.js" in body
    assert (
        "Enter two positive numbers" in client.get(reverse("landing"), {"per_month": "-3"}).content.decode()
    )
