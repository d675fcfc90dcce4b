from django.apps import AppConfig


class CryptoAppConfig(AppConfig):
    name = "kinum.tests.crypto_app"
    label = "crypto_app"
