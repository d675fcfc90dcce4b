"""Validation notices from a real imported sample account: content, PDF letter, HTML e-mail,
delivery result and re-send with a new validation period."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from balances.models import Account
from balances.services import import_batch_create, import_batch_run
from compliance.models import AuditAction, AuditEvent
from compliance.regf.rules import Verdict
from outreach.models import NoticeDelivery, NoticeMethod, ValidationNotice
from outreach.notices import (
    notice_content,
    validation_notice_content,
    validation_notice_email_subject,
    validation_notice_html,
    validation_notice_pdf,
    validation_notice_result_record,
    validation_notice_send,
    validation_notice_text,
)
from outreach.services import contact_points_from_ledger, template_check

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "samples" / "opendental_user-query_collections-list.txt"
)
SENT = dt.datetime(2026, 1, 16, 18, 0, tzinfo=dt.UTC)  # Fri Jan 16: MLK Day is skipped (REGF.md worked value)


@pytest.fixture
def imported(practice_a) -> list[Account]:
    if not SAMPLE.exists():
        pytest.skip("shared samples not present")
    batch = import_batch_create(
        actor=None, practice=practice_a, data=SAMPLE.read_bytes(), filename=SAMPLE.name,
        as_of=dt.date(2025, 3, 14), enqueue=False,
    )  # fmt: skip
    import_batch_run(batch_id=batch.pk)
    accounts = list(
        Account.objects.filter(practice=practice_a)
        .select_related("consumer", "practice", "import_batch")
        .order_by("id")
    )
    assert accounts
    contact_points_from_ledger(consumer_ids=[a.consumer_id for a in accounts])
    return accounts


def _first_with_address(accounts: list[Account]) -> Account:
    return next(a for a in accounts if a.consumer.has_mailing_address and a.consumer.state == "WA")


def _pdf_text(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        if shutil.which("pdftotext"):
            return subprocess.run(
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode()
        pytest.skip("no PDF text extractor (pip install pypdf, or apt-get install poppler-utils)")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_content_comes_from_the_ledger(imported):
    account = _first_with_address(imported)
    content = validation_notice_content(account=account, provided_on=SENT.date())
    assert content.current_amount_cents == account.balance_cents
    assert content.amount_on_itemization_cents + content.fees_cents - content.payments_credits_cents == (
        content.current_amount_cents
    )
    assert content.itemization_date == account.last_payment_on and content.itemization_basis == "last payment"
    assert content.period_end == dt.date(2026, 2, 25)
    assert content.consumer_name and content.consumer_address
    assert content.creditor_name == account.practice.patient_facing_name


def test_pdf_letter_renders_the_required_content(imported):
    account = _first_with_address(imported)
    content = validation_notice_content(account=account, provided_on=SENT.date())
    pdf = validation_notice_pdf(content)
    assert pdf.startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf).split())
    money = f"${account.balance_cents / 100:,.2f}"
    for needle in (
        "is a debt collector",
        "We are trying to collect a debt that you owe to Alpha Dental",
        "Our information shows",
        "you owed",
        "You were charged this amount in interest",
        "You were charged this amount in fees",
        "You paid or were credited this amount toward the debt",
        "Total amount of the debt now",
        money,
        "Call or write to us by February 25, 2026",
        "original creditor",
        "How do you want to respond?",
        "This is not my debt",
        "www.cfpb.gov/debt-collection",
        "Póngase en contacto con nosotros para solicitar una copia de este formulario en español",
        content.consumer_name,
        content.reference,
    ):
        assert needle in text, needle


def test_email_and_text_versions_pass_the_template_check(imported):
    account = _first_with_address(imported)
    content = validation_notice_content(account=account, provided_on=SENT.date(), electronic=True)
    html = validation_notice_html(content, email=True)
    assert "How do you want to respond?" in html and content.reference in html
    assert "Alpha Dental" in validation_notice_email_subject(content)
    check = template_check(kind="email", text=validation_notice_text(content), purpose="validation_notice", send_at=SENT,
                           subject=validation_notice_email_subject(content))  # fmt: skip
    assert check.verdict is Verdict.ALLOW, check.reasons


def test_send_records_the_notice_and_an_undeliverable_one_is_resent_with_a_new_period(imported):
    account = _first_with_address(imported)
    notice, gated = validation_notice_send(
        actor=None, account=account, method=NoticeMethod.MAIL, sent_at=SENT
    )
    assert notice is not None and gated.allowed and gated.contact.channel == "letter"
    assert notice.period_end == dt.date(2026, 2, 25) and notice.delivery == NoticeDelivery.SENT
    assert notice_content(notice).current_amount_cents == account.balance_cents
    assert AuditEvent.objects.filter(action=AuditAction.VALIDATION_NOTICE_SEND).count() == 1

    returned = SENT + dt.timedelta(days=5)  # Wed Jan 21
    new = validation_notice_result_record(
        actor=None,
        notice=notice,
        delivery=NoticeDelivery.UNDELIVERABLE,
        at=returned,
        resend_method=NoticeMethod.MAIL,
    )
    assert new is not None and new.replaces_id == notice.pk
    assert new.provided_on == returned.date() and new.period_end == dt.date(2026, 2, 27)
    notice.refresh_from_db()
    assert notice.delivery == NoticeDelivery.UNDELIVERABLE
    # The result is set once: a second report changes nothing.
    assert (
        validation_notice_result_record(actor=None, notice=notice, delivery="delivered", at=returned) is None
    )
    assert ValidationNotice.objects.filter(consumer=account.consumer).count() == 2
