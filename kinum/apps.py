from django.apps import AppConfig


class KinumConfig(AppConfig):
    name = "kinum"
    verbose_name = "Kinum infrastructure"

    def ready(self) -> None:
        # Fail at start-up, not at the first encrypted read, when keys are missing or malformed.
        from kinum import crypto

        crypto.keyring()
