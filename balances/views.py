"""The practice manager's import journey: upload -> preview (or map columns) -> progress -> report ->
confirm placement. Thin views: one access call, one service or selector, render."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from balances import explanations, selectors, services
from balances.forms import MappingForm, UploadForm
from balances.models import ImportMode, ImportStatus
from kinum.progress import progress_get
from kinum.types import AuthedHttpRequest
from practices.selectors import practice_get_for_manager

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_get_for_manager(request.user, slug=practice_slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                actor=request.user,
                practice=practice,
                data=upload,
                filename=upload.name,
                as_of=form.cleaned_data["as_of"],
                mode=form.cleaned_data["mode"],
                preset=form.cleaned_data["preset"],
                enqueue=False,  # the manager starts it from the preview
            )
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            saved = services.saved_mapping_for(batch=batch)
            if saved and batch.requested_preset == "auto":
                batch.mapping = saved
                batch.save(update_fields=["mapping"])
            return redirect("balances:import_preview", practice_slug=practice.slug, batch_id=batch.pk)
    batches = selectors.import_batches_for_practice(practice)[:20]
    return render(request, "balances/upload.html", {"practice": practice, "form": form, "batches": batches})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    if not batch.awaiting_start:
        return redirect("balances:import_detail", practice_slug=practice_slug, batch_id=batch.pk)
    preview = services.import_preview(batch=batch)
    if request.method == "POST" and preview.file_error is None:
        services.import_batch_start(batch=batch)
        return redirect("balances:import_detail", practice_slug=practice_slug, batch_id=batch.pk)
    context = {
        "practice": batch.practice,
        "batch": batch,
        "preview": preview,
        "file_error_text": explanations.explain(explanations.FILE_ERRORS, preview.file_error or ""),
        "can_map": preview.file_error in {"NO_HEADER_FOUND", "MISSING_REQUIRED_COLUMNS"}
        and bool(preview.header),
    }
    return render(request, "balances/preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    if not batch.awaiting_start:
        return redirect("balances:import_detail", practice_slug=practice_slug, batch_id=batch.pk)
    preview = services.import_preview(batch=batch)
    headers = preview.header
    initial = {
        h: f for h, f in (batch.mapping or {}).get("columns", preview.column_map).items() if f != "discard"
    }
    form = MappingForm(request.POST or None, headers=headers, initial_map=initial)
    if request.method == "POST" and form.is_valid():
        services.import_batch_set_mapping(actor=request.user, batch=batch, columns=form.columns())
        messages.success(
            request, "Mapping saved: we will use it for this practice's files of the same layout."
        )
        return redirect("balances:import_preview", practice_slug=practice_slug, batch_id=batch.pk)
    return render(
        request, "balances/mapping.html", {"practice": batch.practice, "batch": batch, "form": form}
    )


@login_required
def import_detail(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    report = batch.report or {}
    context = {
        "practice": batch.practice,
        "batch": batch,
        "progress": progress_get(services.progress_key(batch.pk)) or {"percent": 0, "stage": "queued"},
        "rejected": [
            (code, count, explanations.explain(explanations.REJECT_REASONS, code))
            for code, count in sorted((report.get("accounts_rejected") or {}).items(), key=lambda kv: -kv[1])
        ],
        "warnings": [
            (code, count, explanations.explain(explanations.WARNINGS, code))
            for code, count in sorted(
                (report.get("warnings_on_imported_accounts") or {}).items(), key=lambda kv: -kv[1]
            )
        ],
        "file_error_text": explanations.explain(explanations.FILE_ERRORS, batch.error_code)
        if batch.error_code
        else "",
        "report": report,
        "is_analysis": batch.mode == ImportMode.ANALYSIS,
    }
    return render(request, "balances/detail.html", context)


@login_required
def import_progress(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    """The progress bar, polled by htmx; tells the page to reload itself once the import is done."""
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    progress = progress_get(services.progress_key(batch.pk)) or {"percent": 0, "stage": "queued"}
    response = render(
        request, "balances/_progress.html", {"practice": batch.practice, "batch": batch, "progress": progress}
    )
    if batch.is_finished:
        response["HX-Refresh"] = "true"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _neutralise(cell: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@login_required
def import_rejections_csv(
    request: AuthedHttpRequest, practice_slug: str, batch_id: int
) -> StreamingHttpResponse:
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    writer = csv.writer(_Echo())
    rows = selectors.import_rejections(batch).iterator(chunk_size=2000)

    def lines():  # type: ignore[no-untyped-def]
        yield writer.writerow(["row_number", "account_key", "reason", "explanation"])
        for rejection in rows:
            yield writer.writerow(
                [
                    rejection.row_number,
                    _neutralise(rejection.account_key or ""),
                    rejection.reason,
                    explanations.explain(explanations.REJECT_REASONS, rejection.reason),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-rejected-rows.csv"'
    return response


@login_required
@require_POST
def import_confirm(request: AuthedHttpRequest, practice_slug: str, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_get_for_user(request.user, practice_slug=practice_slug, batch_id=batch_id)
    if batch.status == ImportStatus.IMPORTED and batch.mode == ImportMode.PLACEMENT:
        placed = services.import_batch_confirm(actor=request.user, batch=batch)
        messages.success(
            request, f"{placed} accounts placed. Outreach starts within the plan's first-contact window."
        )
    return redirect("balances:import_detail", practice_slug=practice_slug, batch_id=batch.pk)
