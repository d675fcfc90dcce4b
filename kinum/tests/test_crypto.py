from __future__ import annotations

import base64
import datetime as dt
import os
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from kinum import crypto
from kinum.fields import Sealed
from kinum.tests.crypto_app.models import SecretNote

pytestmark = pytest.mark.django_db


def _raw(note: SecretNote, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM crypto_app_secretnote WHERE id = %s", [note.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def swap_keys(settings):
    """Replace the key ring for one test and restore the cache afterwards."""

    def swap(field_keys: str) -> None:
        settings.KINUM_FIELD_KEYS = field_keys
        crypto.reset_keyring_cache()

    yield swap
    crypto.reset_keyring_cache()


def test_stored_column_holds_no_plaintext_and_reads_back():
    note = SecretNote.objects.create(
        title="Jane Q. Patient", body="12 Oak St Apt 4", dob=dt.date(1980, 5, 17)
    )
    for column, plain in [("title", "Jane Q. Patient"), ("body", "Oak St"), ("dob", "1980-05-17")]:
        stored = _raw(note, column)
        assert stored.startswith("v1:test1:")
        assert plain not in stored
    fresh = SecretNote.objects.get(pk=note.pk)
    assert fresh.title == "Jane Q. Patient"
    assert fresh.body == "12 Oak St Apt 4"
    assert fresh.dob == dt.date(1980, 5, 17)


def test_same_plaintext_encrypts_differently_each_time():
    a = SecretNote.objects.create(title="Same")
    b = SecretNote.objects.create(title="Same")
    assert _raw(a, "title") != _raw(b, "title")


def test_value_copied_to_another_column_fails_to_decrypt():
    note = SecretNote.objects.create(title="Jane", body="Body")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE crypto_app_secretnote SET body = title WHERE id = %s", [note.pk])
    fresh = SecretNote.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError):
        _ = fresh.body
    assert fresh.title == "Jane"


def test_value_copied_to_another_row_fails_to_decrypt():
    source = SecretNote.objects.create(title="Jane")
    target = SecretNote.objects.create(title="John")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crypto_app_secretnote SET title = %s WHERE id = %s", [_raw(source, "title"), target.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        _ = SecretNote.objects.get(pk=target.pk).title


def test_tampered_ciphertext_fails():
    note = SecretNote.objects.create(title="Jane")
    stored = _raw(note, "title")
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE crypto_app_secretnote SET title = %s WHERE id = %s", [flipped, note.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = SecretNote.objects.get(pk=note.pk).title


def test_encrypted_column_cannot_be_filtered_or_bulk_updated():
    SecretNote.objects.create(title="Jane")
    with pytest.raises(TypeError, match="encrypted"):
        list(SecretNote.objects.filter(title="Jane"))
    with pytest.raises(TypeError, match="encrypted"):
        SecretNote.objects.update(title="Plain")


def test_bulk_create_encrypts_too():
    SecretNote.objects.bulk_create([SecretNote(title=f"Name {i}") for i in range(3)])
    for note in SecretNote.objects.all():
        assert "Name" not in _raw(note, "title")
        assert note.title.startswith("Name ")


def test_untouched_ciphertext_is_not_reencrypted_on_save():
    note = SecretNote.objects.create(title="Jane", body="B")
    before = _raw(note, "title")
    fresh = SecretNote.objects.get(pk=note.pk)
    fresh.body = "Changed"
    fresh.save()
    assert _raw(note, "title") == before


def test_rotation_reencrypts_everything_and_old_values_stay_readable(swap_keys, settings):
    old = settings.KINUM_FIELD_KEYS
    notes = [SecretNote.objects.create(title=f"Patient {i}", dob=dt.date(1970, 1, 1 + i)) for i in range(25)]
    swap_keys(f"new2:{_key()},{old}")
    # Readable before rotation (old key still in the ring) ...
    assert SecretNote.objects.get(pk=notes[0].pk).title == "Patient 0"
    # ... interrupted after two batches of 5, then resumed.
    call_command("rotate_field_keys", batch_size=5, max_batches=2, stdout=open(os.devnull, "w"))
    rotated = [n for n in notes if _raw(n, "title").startswith("v1:new2:")]
    assert len(rotated) == 10
    call_command("rotate_field_keys", batch_size=5, stdout=open(os.devnull, "w"))
    assert all(
        _raw(n, "title").startswith("v1:new2:") and _raw(n, "dob").startswith("v1:new2:") for n in notes
    )
    # The old key can now be retired: everything still reads.
    swap_keys(settings.KINUM_FIELD_KEYS.split(",")[0])
    assert [SecretNote.objects.get(pk=n.pk).title for n in notes] == [f"Patient {i}" for i in range(25)]


def test_value_under_an_unknown_key_is_an_error_never_empty(swap_keys):
    note = SecretNote.objects.create(title="Jane")
    swap_keys(f"other:{_key()}")
    with pytest.raises(crypto.DecryptionError, match="not in KINUM_FIELD_KEYS"):
        _ = SecretNote.objects.get(pk=note.pk).title


@pytest.mark.parametrize(
    ("field_keys", "index_key", "message"),
    [
        ("", "x", "KINUM_FIELD_KEYS is not set"),
        ("k1:" + base64.b64encode(b"short").decode(), base64.b64encode(os.urandom(32)).decode(), "32 bytes"),
        ("nocolon", base64.b64encode(os.urandom(32)).decode(), "key_id:base64key"),
        ("k1:" + base64.b64encode(os.urandom(32)).decode(), "", "KINUM_INDEX_KEY is not set"),
        ("k1:!!notbase64!!", base64.b64encode(os.urandom(32)).decode(), "not valid base64"),
    ],
    ids=["no-field-keys", "short-key", "no-key-id", "no-index-key", "not-base64"],
)
def test_bad_key_configuration_is_a_clear_error(field_keys, index_key, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.parse_keyring(field_keys, index_key)


def test_missing_key_stops_django_startup():
    """A process started without keys refuses to boot (never runs with silent empty data)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("KINUM_")}
    env.update(
        KINUM_ENV="development",
        DJANGO_SETTINGS_MODULE="kinum.settings",
        KINUM_FIELD_KEYS="",
        KINUM_INDEX_KEY="",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode != 0
    assert "KINUM_FIELD_KEYS is not set" in result.stderr


def test_blind_index_is_keyed_and_deterministic(swap_keys, settings):
    a = crypto.blind_index("email", "jane@example.com")
    assert a == crypto.blind_index("email", "jane@example.com")
    assert a != crypto.blind_index("phone", "jane@example.com")  # domain separated
    assert "jane" not in a and len(a) == 64
    settings.KINUM_INDEX_KEY = _key()
    crypto.reset_keyring_cache()
    assert crypto.blind_index("email", "jane@example.com") != a


def test_sealed_marker_survives_reads_without_decrypting():
    note = SecretNote.objects.create(title="Jane")
    fresh = SecretNote.objects.get(pk=note.pk)
    assert isinstance(fresh.__dict__["title"], Sealed)  # nothing decrypted until the attribute is read


def test_new_row_uids_are_distinct_version_4_uuids():
    uids = crypto.new_row_uids(5000)
    parsed = [uuid.UUID(u) for u in uids]
    assert len(set(uids)) == 5000
    assert all(u.version == 4 and u.variant == uuid.RFC_4122 for u in parsed)
    assert all(str(p) == u for p, u in zip(parsed, uids, strict=True))


def test_a_row_sealer_seals_each_column_for_its_row_with_fresh_nonces():
    columns = ["balances.Consumer.first_name", "balances.Consumer.city", "balances.Consumer.email"]
    seal = crypto.row_sealer(columns)
    stored = seal(["Jane", "", "jane@example.com"], "row-1")
    assert stored[1] is None  # empty is stored as NULL
    assert crypto.decrypt(stored[0], column=columns[0], row_uid="row-1") == "Jane"
    assert crypto.decrypt(stored[2], column=columns[2], row_uid="row-1") == "jane@example.com"
    with pytest.raises(crypto.DecryptionError):  # bound to its column: not readable as another one
        crypto.decrypt(stored[0], column=columns[1], row_uid="row-1")
    again = [seal(["Jane", "x", "y"], "row-1")[0] for _ in range(1000)]
    nonces = {base64.urlsafe_b64decode(s.split(":", 2)[2])[:12] for s in again}
    assert len(nonces) == 1000  # the same value twice never reuses a nonce


def test_sealer_output_decrypts_like_encrypt_and_is_bound_to_its_row():
    seal = crypto.sealer("balances.Consumer.city")
    stored = seal("Portland", "row-1")
    assert crypto.decrypt(stored, column="balances.Consumer.city", row_uid="row-1") == "Portland"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, column="balances.Consumer.city", row_uid="row-2")
    assert seal("", "row-1") is None and seal(None, "row-1") is None
