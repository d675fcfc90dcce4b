"""A test-only model exercising the encrypted fields independently of the ledger."""

from django.db import models

from kinum.fields import BlindIndexField, EncryptedDateField, EncryptedModel, EncryptedTextField


class SecretNote(EncryptedModel):
    title = EncryptedTextField(blank=True, null=True)
    body = EncryptedTextField(blank=True, null=True)
    dob = EncryptedDateField(blank=True, null=True)
    email_index = BlindIndexField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "crypto_app"
