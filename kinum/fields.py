"""Encrypted model fields.

A model with encrypted fields inherits `EncryptedModel`, which gives every row a random `row_uid`
bound into each ciphertext. Values are decrypted lazily, on first attribute access, because the row
binding needs the instance (``from_db_value`` has none) and because most reads (lists, scoring,
reports) never need the plaintext at all.

Encrypted columns cannot be filtered, ordered or bulk-updated through the ORM: a plaintext reaching
the database layer outside ``save()`` / ``bulk_create()`` raises. Equality look-ups use a blind
index column (`BlindIndexField`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models

from kinum import crypto


class Sealed(str):
    """A ciphertext as read from or written to the database (never shown, never decrypted here)."""

    __slots__ = ()


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            value = self.field.unseal(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """AES-256-GCM encrypted text, bound to its model, field and row."""

    description = "Encrypted text"

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    @property
    def column_label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    # Plaintext <-> python value; subclasses change the python type.
    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    def unseal(self, instance: models.Model, sealed: str) -> Any:
        row_uid = str(instance.row_uid)  # type: ignore[attr-defined]
        return self.from_plaintext(crypto.decrypt(sealed, column=self.column_label, row_uid=row_uid))

    def seal(self, instance: models.Model, value: Any) -> Sealed:
        row_uid = str(instance.row_uid)  # type: ignore[attr-defined]
        return Sealed(crypto.encrypt(self.to_plaintext(value), column=self.column_label, row_uid=row_uid))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        raw = model_instance.__dict__.get(self.attname)
        if raw is None or raw == "" or isinstance(raw, Sealed):
            return raw  # untouched ciphertext is stored as it is
        return self.seal(model_instance, raw)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.column_label} is encrypted: it cannot be filtered, ordered or updated through a "
            "queryset. Look it up by its blind index, and write it with save() or bulk_create()."
        )

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisers (dumpdata, admin history) get the ciphertext, never the plaintext.
        return str(obj.__dict__.get(self.attname) or "")


class EncryptedDateField(EncryptedTextField):
    """An encrypted calendar date (date of birth)."""

    description = "Encrypted date"

    def to_plaintext(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            value = dt.date.fromisoformat(str(value))
        return value.isoformat()

    def from_plaintext(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)


class BlindIndexField(models.CharField):
    """Hex HMAC-SHA256 digest for equality look-ups on an encrypted value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class EncryptedModel(models.Model):
    """Base for models holding encrypted fields: `row_uid` is the row's binding in the ciphertext."""

    # Random per row and never looked up, so no (unique) index: it would cost every import a random
    # B-tree insert per row and buy nothing (uuid4 values do not collide).
    row_uid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
