from __future__ import annotations

from django.db import models


class KeyRotationCheckpoint(models.Model):
    """Where `rotate_field_keys` got to, per model, so an interrupted rotation resumes."""

    model_label = models.CharField(max_length=100)
    target_key_id = models.CharField(max_length=16)
    last_pk = models.BigIntegerField(default=0)
    rows_rewritten = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_label", "target_key_id"], name="uniq_rotation_checkpoint")
        ]

    def __str__(self) -> str:
        return f"{self.model_label} → {self.target_key_id} (pk > {self.last_pk})"
