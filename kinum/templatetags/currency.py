from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    """Integer cents as dollars: 123456 -> "$1,234.56"; credits keep their sign: -4500 -> "-$45.00"."""
    if value is None or value == "":
        return "—"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount) / 100:,.2f}"
