from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from balances.analysis import AnalysisDecisionError, analysis_approve, analysis_decline, batch_projection
from balances.models import AnalysisDecision, ImportMode, ImportStatus, Segment
from balances.scoring.segments import CADENCES, SMS_NOTE, cadence_summary, reasons
from balances.scoring.selectors import (
    account_get_for_practice,
    accounts_in_segment,
    analysis_batch_get_for_practice,
    analysis_review_for,
    segment_summary,
)
from balances.scoring.services import account_exclusion_set, segment_exclusion_set
from kinum.types import AuthedHttpRequest
from practices.models import Practice
from practices.selectors import practice_get_for_user, practices_for_user
from reporting.projection import chart_data, projection_pdf_bytes


@login_required
def portal_home(request: AuthedHttpRequest) -> HttpResponse:
    """A practice manager with one practice goes straight to it; with several, picks one."""
    practices = list(practices_for_user(request.user).only("slug", "name"))
    if len(practices) == 1:
        return redirect("reporting:portal", practice_slug=practices[0].slug)
    return render(request, "reporting/portal_pick.html", {"practices": practices})


@login_required
def portal(request: AuthedHttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    return render(request, "reporting/portal.html", {"practice": practice})


# --------------------------------------------------------------------------- recovery projection


def _require_manager(user: User, practice: Practice) -> None:
    """Decisions (approve, decline, exclusions) belong to the practice's managers (and admins)."""
    if user.role == Role.ADMIN:
        return
    if not (
        user.role == Role.PRACTICE_MANAGER and practice.memberships.filter(user=user, is_active=True).exists()
    ):
        raise PermissionDenied("Only the practice's managers can do this")


def _projection_context(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> dict:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    batch = analysis_batch_get_for_practice(practice, batch_id=batch_id)
    review = analysis_review_for(batch)
    declined = review is not None and review.decision == AnalysisDecision.DECLINED
    projection = None if declined else batch_projection(batch)
    return {
        "practice": practice,
        "batch": batch,
        "review": review,
        "pending": batch.mode == ImportMode.ANALYSIS
        and batch.status == ImportStatus.IMPORTED
        and (review is None or review.decision == AnalysisDecision.PENDING),
        "projection": projection,
        "segments": list((projection or {}).get("by_segment", {}).values()),
        "chart_data": chart_data(projection) if projection else None,
        "can_decide": request.user.role in {Role.PRACTICE_MANAGER, Role.ADMIN},
    }


@login_required
def projection(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    return render(request, "reporting/projection.html", _projection_context(request, practice_slug, batch_id))


@login_required
def projection_pdf(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    context = _projection_context(request, practice_slug, batch_id)
    if context["projection"] is None:
        raise Http404("This analysis was declined and its data purged")
    pdf = projection_pdf_bytes(context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="recovery-projection-{context["batch"].pk}.pdf"'
    return response


@login_required
@require_POST
def projection_approve(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    batch = analysis_batch_get_for_practice(practice, batch_id=batch_id)
    _require_manager(request.user, practice)
    try:
        analysis_approve(actor=request.user, batch=batch)
    except AnalysisDecisionError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:projection", practice_slug=practice.slug, batch_id=batch.pk)
    messages.success(
        request,
        "Approved. Your practice is active: next, upload your placement file (the full export for outreach).",
    )
    return redirect(_placement_upload_url(practice))


@login_required
@require_POST
def projection_decline(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    batch = analysis_batch_get_for_practice(practice, batch_id=batch_id)
    _require_manager(request.user, practice)
    try:
        analysis_decline(actor=request.user, batch=batch)
    except AnalysisDecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Declined. The analysis data has been deleted; nothing else changes.")
    return redirect("reporting:projection", practice_slug=practice.slug, batch_id=batch.pk)


def _placement_upload_url(practice: Practice) -> str:
    """The lead's upload page when it exists, else the portal."""
    for name in ("balances:upload", "balances:import_upload"):
        try:
            return reverse(name, kwargs={"practice_slug": practice.slug})
        except NoReverseMatch:
            continue
    return reverse("reporting:portal", kwargs={"practice_slug": practice.slug})


# --------------------------------------------------------------------------- segments and exclusions


@login_required
def segments(request: AuthedHttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    rows = segment_summary(practice=practice)
    for row in rows:
        row["label"] = Segment(row["segment"]).label
        row["cadence"] = cadence_summary(row["segment"])
    return render(
        request, "reporting/segments.html", {"practice": practice, "rows": rows, "all_segments": Segment}
    )


@login_required
def segment_accounts(request: AuthedHttpRequest, practice_slug: str, segment: str) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    if segment not in Segment.values:
        raise Http404("No such segment")
    accounts = [
        {
            "account": account,
            "reasons": reasons(
                segment=account.score.segment,
                amount_cents=account.balance_cents,
                age_days=account.score.age_days,
                flags=account.score.flags,
            ),
        }
        for account in accounts_in_segment(practice=practice, segment=segment)
    ]
    return render(
        request,
        "reporting/segment_accounts.html",
        {
            "practice": practice,
            "segment": Segment(segment),
            "accounts": accounts,
            "steps": CADENCES[segment],
            "sms_note": SMS_NOTE,
        },
    )


@login_required
@require_POST
def segment_exclude(request: AuthedHttpRequest, practice_slug: str, segment: str) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    if segment not in Segment.values:
        raise Http404("No such segment")
    _require_manager(request.user, practice)
    excluded = request.POST.get("excluded") == "1"
    segment_exclusion_set(
        actor=request.user,
        practice=practice,
        segment=segment,
        excluded=excluded,
        reason=request.POST.get("reason", "")[:200],
    )
    messages.success(
        request, f"{Segment(segment).label}: {'excluded from' if excluded else 'back in'} outreach."
    )
    return redirect("reporting:segments", practice_slug=practice.slug)


@login_required
@require_POST
def account_exclude(request: AuthedHttpRequest, practice_slug: str, account_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, slug=practice_slug)
    account = account_get_for_practice(practice, account_id=account_id)
    _require_manager(request.user, practice)
    excluded = request.POST.get("excluded") == "1"
    account_exclusion_set(
        actor=request.user,
        account=account,
        excluded=excluded,
        reason=request.POST.get("reason", "")[:200],
    )
    messages.success(
        request, f"Account #{account.pk}: {'excluded from' if excluded else 'back in'} outreach."
    )
    return redirect(
        "reporting:segment_accounts",
        practice_slug=practice.slug,
        segment=getattr(getattr(account, "score", None), "segment", "standard"),
    )
