"""The first-login journey in a real headless Chromium: password, 2FA enrolment with the key shown
on the page, backup codes, the role's landing page, then sign-out."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp

from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_secret(secret_b32: str) -> str:
    return f"{totp(base64.b32decode(secret_b32)):06d}"


def test_first_login_enrol_2fa_and_land_on_portal(page, live_server, manager_a, practice_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(manager_a.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")  # keyboard-friendly: Enter submits

    page.wait_for_url("**/accounts/2fa/setup/")
    assert page.locator("img.qr").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    codes = page.get_by_test_id("backup-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(f"**/portal/{practice_a.slug}/")
    assert page.get_by_role("heading", name=practice_a.name).is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_a_clear_error(page, live_server, manager_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(manager_a.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert "correct" in page.get_by_role("alert").inner_text().lower()
