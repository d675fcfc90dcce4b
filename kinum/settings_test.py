"""Settings for the test suite: the normal settings, with fresh random keys and fast hashing.

Keys are generated per test process (never committed); tests run in transactions, so nothing
encrypted outlives the process that could read it.
"""

import base64
import os
import tempfile
from pathlib import Path

os.environ["KINUM_ENV"] = "test"
os.environ.setdefault("KINUM_FIELD_KEYS", "test1:" + base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("KINUM_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())

from kinum.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Each test process keeps its own progress files: ids restart in every test database.
KINUM_PROGRESS_DIR = Path(tempfile.mkdtemp(prefix="kinum-progress-"))
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

# A test-only app with a model that uses every encrypted field type (kinum/tests/crypto_app).
INSTALLED_APPS = [*INSTALLED_APPS, "kinum.tests.crypto_app"]  # noqa: F405
