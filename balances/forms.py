from __future__ import annotations

import datetime as dt

from django import forms

from balances.imports import CANONICAL_FIELDS, PRESETS
from balances.models import ImportMode
from balances.services import MAX_UPLOAD_BYTES


def _preset_choices() -> list[tuple[str, str]]:
    return [
        ("auto", "Detect automatically"),
        *[(name, name.replace("_", " ").title()) for name in sorted(PRESETS)],
    ]


def _field_choices() -> list[tuple[str, str]]:
    fields = CANONICAL_FIELDS.items() if isinstance(CANONICAL_FIELDS, dict) else CANONICAL_FIELDS
    return [("", "— do not import —"), *[(name, f"{name}: {description}") for name, description in fields]]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="CSV, TSV or text export, or an Excel .xlsx workbook, straight from your practice software.",
    )
    mode = forms.ChoiceField(
        choices=ImportMode.choices,
        initial=ImportMode.PLACEMENT,
        widget=forms.RadioSelect,
        label="What is this file for?",
    )
    as_of = forms.DateField(
        label="Balances as of",
        initial=dt.date.today,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the report was run (ages and minors are judged on this date).",
    )
    preset = forms.ChoiceField(choices=_preset_choices, initial="auto", label="Layout")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return upload

    def clean_as_of(self) -> dt.date:
        as_of = self.cleaned_data["as_of"]
        if as_of > dt.date.today():
            raise forms.ValidationError("The report date cannot be in the future.")
        return as_of


class MappingForm(forms.Form):
    """One select per column heading found in the file."""

    def __init__(
        self, *args: object, headers: list[str], initial_map: dict[str, str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=_field_choices, required=False, initial=initial_map.get(header, "")
            )

    def columns(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"col_{i}", "") for i, header in enumerate(self.headers)}

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        chosen = [v for k, v in cleaned.items() if k.startswith("col_") and v]
        duplicates = {v for v in chosen if chosen.count(v) > 1 and v not in {"phone"}}
        if duplicates:
            raise forms.ValidationError(f"Each field can be chosen once: {', '.join(sorted(duplicates))}.")
        if "amount" not in chosen and not {"charge", "paid"} <= set(chosen):
            raise forms.ValidationError("Choose the column that holds the balance to collect (amount).")
        return cleaned
