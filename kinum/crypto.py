"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Stored form of an encrypted value: ``v1:<key_id>:<base64url(nonce || ciphertext || tag)>``.
The associated data binds the value to its column *and* its row (``app.Model.field|row_uid``), so a
ciphertext copied to another column or another row fails authentication instead of decrypting.

Keys come from settings (``KINUM_FIELD_KEYS``: ``id:base64,...``, the first one encrypts, all decrypt;
``KINUM_INDEX_KEY``: base64). They are never derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = "v1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be authenticated: wrong key, wrong column/row, or tampering."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    ciphers: dict[str, AESGCM]
    index_key: bytes

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self.ciphers)


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: key is not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name}: key must be 32 bytes (AES-256), got {len(raw)}")
    return raw


def parse_keyring(field_keys: str, index_key: str) -> KeyRing:
    """Parse the key settings; any problem is a clear configuration error, never silent empty data."""
    if not field_keys.strip():
        raise ImproperlyConfigured(
            "KINUM_FIELD_KEYS is not set: encrypted fields cannot be read or written. "
            "For local use run `make keys` (writes a git-ignored .env); in production set the variable."
        )
    if not index_key.strip():
        raise ImproperlyConfigured("KINUM_INDEX_KEY is not set: blind indexes cannot be computed.")
    ciphers: dict[str, AESGCM] = {}
    current_id = ""
    for entry in field_keys.split(","):
        key_id, sep, material = entry.strip().partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured("KINUM_FIELD_KEYS entries must look like 'key_id:base64key'")
        if key_id in ciphers:
            raise ImproperlyConfigured(f"KINUM_FIELD_KEYS names key id {key_id!r} twice")
        ciphers[key_id] = AESGCM(_decode_key(f"KINUM_FIELD_KEYS[{key_id}]", material))
        current_id = current_id or key_id
    return KeyRing(
        current_id=current_id, ciphers=ciphers, index_key=_decode_key("KINUM_INDEX_KEY", index_key)
    )


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return parse_keyring(settings.KINUM_FIELD_KEYS, settings.KINUM_INDEX_KEY)


def reset_keyring_cache() -> None:
    """Forget the parsed keys (tests that swap keys, and key rotation, call this)."""
    keyring.cache_clear()


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def associated_data(column: str, row_uid: str) -> bytes:
    return f"{column}|{row_uid}".encode()


def sealer(column: str) -> Callable[[str | None, str], str | None]:
    """An encrypt function for one column, with the key looked up once."""
    seal_row = row_sealer([column])
    return lambda plaintext, row_uid: seal_row((plaintext,), row_uid)[0]


def row_sealer(columns: Sequence[str]) -> Callable[[Sequence[str | None], str], list[str | None]]:
    """An encrypt function for several columns of one row: ``seal(values, row_uid)`` gives the stored
    form of each value (None for an empty one), exactly as `encrypt` would. The key, the version
    prefix and the associated data's column part are prepared once: the import's hot path calls
    this for a million rows."""
    ring = keyring()
    cipher = ring.ciphers[ring.current_id]
    prefix = f"{FORMAT_VERSION}:{ring.current_id}:"
    aad_prefixes = [associated_data(column, "") for column in columns]
    urandom, b64, urlsafe = os.urandom, binascii.b2a_base64, _URLSAFE

    def seal(values: Sequence[str | None], row_uid: str) -> list[str | None]:
        uid = row_uid.encode()
        randomness = urandom(_NONCE_BYTES * len(values))  # one fresh random nonce per value
        out: list[str | None] = []
        for i, (value, aad_prefix) in enumerate(zip(values, aad_prefixes, strict=True)):
            if value is None or value == "":
                out.append(None)
                continue
            nonce = randomness[i * _NONCE_BYTES : (i + 1) * _NONCE_BYTES]
            sealed = cipher.encrypt(nonce, value.encode("utf-8"), aad_prefix + uid)
            out.append(prefix + b64(nonce + sealed, newline=False).translate(urlsafe).decode("ascii"))
        return out

    return seal


_URLSAFE = bytes.maketrans(b"+/", b"-_")  # base64 -> base64url, as base64.urlsafe_b64encode does


def new_row_uids(count: int) -> list[str]:
    """`count` random version-4 UUIDs (as strings) from one read of the OS's random source.

    The same values `uuid.uuid4()` gives, with the version and variant bits set the same way; bulk
    writers need one per encrypted row, and one system call per row costs more than the encryption.
    """
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def encrypt(plaintext: str, *, column: str, row_uid: str) -> str:
    sealed = sealer(column)(plaintext, row_uid)
    if sealed is None:
        raise ValueError("empty values are stored as NULL, not encrypted")
    return sealed


def key_id_of(stored: str) -> str:
    version, _, rest = stored.partition(":")
    if version != FORMAT_VERSION:
        raise DecryptionError("unknown ciphertext format")
    return rest.partition(":")[0]


def decrypt(stored: str, *, column: str, row_uid: str) -> str:
    try:
        version, key_id, payload = stored.split(":", 2)
    except ValueError as exc:
        raise DecryptionError(f"{column}: value is not in the encrypted format") from exc
    if version != FORMAT_VERSION:
        raise DecryptionError(f"{column}: unknown ciphertext format {version!r}")
    cipher = keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(f"{column}: encrypted with key {key_id!r}, which is not in KINUM_FIELD_KEYS")
    try:
        blob = base64.urlsafe_b64decode(payload.encode("ascii"))
        return cipher.decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated_data(column, row_uid)
        ).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError(f"{column}: value failed authentication (wrong row, column or key)") from exc


def blind_index(purpose: str, normalized_value: str) -> str:
    """Keyed HMAC-SHA256 of an already-normalised value, domain-separated by purpose.

    Equality look-ups (account number, phone, e-mail) compare these digests; the plaintext is never
    queried. Callers normalise first (digits only for phones, lower-case for e-mail).
    """
    message = f"{purpose}\x00{normalized_value}".encode()
    return hmac.new(keyring().index_key, message, hashlib.sha256).hexdigest()


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """Encrypt a blob (an uploaded file) under the current key: ``key_id \\x00 nonce ciphertext``."""
    ring = keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = ring.ciphers[ring.current_id].encrypt(nonce, data, purpose.encode())
    return ring.current_id.encode("ascii") + b"\x00" + nonce + sealed


def decrypt_bytes(blob: bytes, *, purpose: str) -> bytes:
    key_id, sep, rest = bytes(blob).partition(b"\x00")
    cipher = keyring().ciphers.get(key_id.decode("ascii", "replace")) if sep else None
    if cipher is None:
        raise DecryptionError(f"{purpose}: blob is not encrypted under a known key")
    try:
        return cipher.decrypt(rest[:_NONCE_BYTES], rest[_NONCE_BYTES:], purpose.encode())
    except InvalidTag as exc:
        raise DecryptionError(f"{purpose}: blob failed authentication") from exc
