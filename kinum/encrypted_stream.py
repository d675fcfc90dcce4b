"""Large blobs (uploaded exports) encrypted in independent 1 MiB chunks, so neither writing nor reading
ever holds the whole file in memory.

Each chunk is AES-256-GCM under the current field key with its own nonce; the associated data binds
the purpose (e.g. the import batch), the chunk's index and whether it is the last one, so chunks
cannot be swapped, reordered, moved to another upload or dropped from the end unnoticed.

`ChunkReader` is a seekable, read-only binary stream over the chunks (the import parser needs to
seek back after sniffing the file's head); it keeps one decrypted chunk in memory at a time.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import Protocol

from cryptography.exceptions import InvalidTag

from kinum import crypto

CHUNK_BYTES = 1 << 20
_NONCE = 12
_TAG = 16


def _aad(purpose: str, index: int, last: bool) -> bytes:
    return f"{purpose}|{index}|{'last' if last else 'more'}".encode()


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def encrypt_chunks(source: Readable, *, purpose: str) -> Iterator[tuple[int, bytes]]:
    """Yield (index, sealed chunk) for a binary stream; an empty stream yields one empty last chunk."""
    ring = crypto.keyring()
    cipher = ring.ciphers[ring.current_id]
    header = ring.current_id.encode("ascii") + b"\x00"
    index = 0
    current = source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES) if len(current) == CHUNK_BYTES else b""
        last = not following
        nonce = os.urandom(_NONCE)
        yield index, header + nonce + cipher.encrypt(nonce, current, _aad(purpose, index, last))
        if last:
            return
        index, current = index + 1, following


def decrypt_chunk(sealed: bytes, *, purpose: str, index: int, last: bool) -> bytes:
    key_id, sep, rest = bytes(sealed).partition(b"\x00")
    cipher = crypto.keyring().ciphers.get(key_id.decode("ascii", "replace")) if sep else None
    if cipher is None:
        raise crypto.DecryptionError(f"{purpose}: chunk {index} is not encrypted under a known key")
    try:
        return cipher.decrypt(rest[:_NONCE], rest[_NONCE:], _aad(purpose, index, last))
    except InvalidTag as exc:
        raise crypto.DecryptionError(f"{purpose}: chunk {index} failed authentication") from exc


def plaintext_size(sealed_sizes: list[int]) -> int:
    """Plaintext length from the sealed chunk sizes (each carries key id, nonce and tag)."""
    return sum(size - _NONCE - _TAG for size in sealed_sizes)


class ChunkReader(io.RawIOBase):
    """Seekable reader over sealed chunks fetched on demand by `load(index) -> sealed bytes`."""

    def __init__(
        self,
        load: Callable[[int], bytes],
        *,
        chunk_count: int,
        purpose: str,
        size: int,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._load, self._count, self._purpose, self._size = load, chunk_count, purpose, size
        self._on_close = on_close
        self._pos = 0
        self._cached_index = -1
        self._cached = b""

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed and self._on_close is not None:
            self._on_close()
        self._cached = b""
        super().close()

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if index != self._cached_index:
            sealed = self._load(index)
            self._cached = decrypt_chunk(
                sealed, purpose=self._purpose, index=index, last=index == self._count - 1
            )
            self._cached_index = index
        return self._cached

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        index, offset = divmod(self._pos, CHUNK_BYTES)
        data = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)
