"""Money for templates (cents in, dollars out) and the landing page's write-off calculator."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def dollars(cents: int | float | None) -> str:
    if cents is None or cents == "":
        return "-"
    value = float(cents) / 100
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


@register.filter
def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * float(value):.0f}%"


@register.filter
def bps_percent(bps: int) -> str:
    return f"{int(bps) / 100:g}%"


def _positive(raw: str | None, *, maximum: float) -> float | None:
    try:
        value = float((raw or "").replace(",", "").replace("$", "").strip())
    except ValueError:
        return None
    return value if 0 < value <= maximum else None


@register.simple_tag
def writeoff_calculation(query: QueryDict) -> dict:
    """balances per month x average balance x 12 = revenue written off per year (GET form; works
    without JavaScript; static/js/calculator.js updates the same figure as the visitor types)."""
    per_month = _positive(query.get("per_month"), maximum=100_000)
    average = _positive(query.get("average"), maximum=100_000)
    result: dict[str, object] = {
        "per_month": per_month,
        "average": average,
        "submitted": "per_month" in query or "average" in query,
    }
    if per_month is not None and average is not None:
        yearly = per_month * average * 12
        result["yearly"] = f"${yearly:,.0f}"
        result["sentence"] = f"{per_month:g} balances/month x ${average:,.0f} x 12 months = ${yearly:,.0f}"
    return result
