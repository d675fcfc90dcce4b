"""Presentation helpers for the projection page: chart series and the PDF for the practice owner."""

from __future__ import annotations

from django.template.loader import render_to_string


def chart_data(projection: dict) -> dict:
    """Series for static/js/projection.js (passed with json_script; no inline script under the CSP)."""
    months = [f"Month {m}" for m in range(1, 7)]
    cumulative = projection["by_month_cumulative"]
    ages = projection["by_age"]
    return {
        "months": months,
        "monthly": [c / 100 for c in projection["by_month"]],
        "cumulative": {k: [c / 100 for c in v] for k, v in cumulative.items()},
        "segments": {
            "labels": [row["label"] for row in projection["by_segment"].values()],
            "placed": [row["placed_cents"] / 100 for row in projection["by_segment"].values()],
            "expected": [row["expected_cents"] / 100 for row in projection["by_segment"].values()],
        },
        "ages": {
            "labels": [row["bucket"] for row in ages],
            "rate": [
                round(100 * row["expected_cents"] / row["placed_cents"], 1) if row["placed_cents"] else 0
                for row in ages
            ],
        },
        "commercial": [
            {"label": f"{p['days']} days", "rate": round(100 * p["rate"], 1)}
            for p in projection["commercial_collectability"]
        ],
    }


def projection_pdf_bytes(context: dict) -> bytes:
    """The projection as a PDF (WeasyPrint), charts drawn as plain HTML bars so no script is needed."""
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    projection = context["projection"]
    top = max([projection["expected_cents"]["p90"], 1])
    cumulative = projection["by_month_cumulative"]
    bars = [
        {
            "label": f"Month {i + 1}",
            "p50": cumulative["p50"][i],
            "width": round(100 * cumulative["p50"][i] / top, 1),
        }
        for i in range(6)
    ]
    html = render_to_string("reporting/projection_pdf.html", {**context, "bars": bars})
    return HTML(string=html).write_pdf()
