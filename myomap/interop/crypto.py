"""Passphrase encryption of a backup archive: scrypt, then AES-256-GCM in sealed chunks.

The file is ``MAGIC``, a 4-byte header length, a JSON header (KDF parameters, salt, a key
check value, the nonce prefix, the chunk size) and the chunks. Each chunk's nonce is the
prefix, its 4-byte counter and a last-chunk flag; the header is authenticated with every
chunk. A wrong passphrase fails the key check before anything is decrypted; a changed byte
fails a chunk's tag; a file cut short anywhere (even between chunks) fails, because its last
chunk was sealed as not last.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"MYOMAPBK"
FORMAT = 1
CHUNK = 1024 * 1024
TAG = 16
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MAX_HEADER = 4096


class ArchiveError(Exception):
    """The archive cannot be used; the message says why and what to do."""


class WrongPassphrase(ArchiveError):
    pass


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not passphrase:
        raise ArchiveError("the passphrase is empty")
    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return material[:32], material[32:]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A binary file-like writer that seals what it is given into ``out``; call ``close()``."""

    def __init__(self, out: IO[bytes], passphrase: str) -> None:
        salt = os.urandom(16)
        key, check = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._prefix = os.urandom(7)
        header = {
            "format": FORMAT,
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode(),
            "check": base64.b64encode(check).decode(),
            "cipher": "AES-256-GCM",
            "nonce_prefix": base64.b64encode(self._prefix).decode(),
            "chunk": CHUNK,
        }
        self._header = json.dumps(header, sort_keys=True).encode()
        self._aead = AESGCM(key)
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)

    def _seal(self, data: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, data, self._header))
        self._counter += 1

    def write(self, data: bytes) -> int:
        self._buffer.extend(data)
        # Keep at least one byte back so the last chunk is always sealed by close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True
            self._out.flush()


def read_header(src: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    """The raw and parsed header; ArchiveError when this is not a Myomap backup."""
    start = src.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[: len(MAGIC)] != MAGIC:
        raise ArchiveError("this is not a Myomap backup archive (its first bytes do not match)")
    (size,) = struct.unpack(">I", start[len(MAGIC) :])
    if size > MAX_HEADER:
        raise ArchiveError("the archive's header is damaged (impossible length)")
    raw = src.read(size)
    try:
        header = json.loads(raw)
        if not isinstance(header, dict):
            raise ValueError
    except ValueError as exc:
        raise ArchiveError("the archive's header is damaged or cut short") from exc
    if header.get("format") != FORMAT:
        raise ArchiveError(
            f"the archive uses encryption format {header.get('format')!r}; this version of "
            f"Myomap reads format {FORMAT} (a newer Myomap wrote it: upgrade first)"
        )
    return raw, header


def decrypt_to(src: IO[bytes], passphrase: str, out: IO[bytes]) -> None:
    """Decrypt all of ``src`` into ``out``; raises before returning if anything fails.

    ``out`` may hold part of the plaintext when this raises: write it somewhere private and
    discard it on error.
    """
    raw, header = read_header(src)
    try:
        salt = base64.b64decode(header["salt"])
        check = base64.b64decode(header["check"])
        prefix = base64.b64decode(header["nonce_prefix"])
        chunk = int(header["chunk"])
        params = int(header["n"]), int(header["r"]), int(header["p"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ArchiveError("the archive's header is damaged (a field is missing)") from exc
    if params[0] > 2**20 or params[1] > 16 or params[2] > 4 or not 0 < chunk <= 64 * CHUNK:
        raise ArchiveError("the archive's header asks for impossible parameters")
    key, expected = _derive(passphrase, salt, *params)
    if not hmac.compare_digest(check, expected):
        raise WrongPassphrase("wrong passphrase for this archive")
    aead = AESGCM(key)
    counter = 0
    current = src.read(chunk + TAG)
    while True:
        following = src.read(chunk + TAG)
        last = not following
        if len(current) < TAG:
            raise ArchiveError("the archive is cut short (truncated)")
        try:
            out.write(aead.decrypt(_nonce(prefix, counter, last), current, raw))
        except InvalidTag as exc:
            what = "cut short (truncated)" if last else "damaged or changed"
            raise ArchiveError(
                f"the archive is {what}: part {counter + 1} fails its authentication check"
            ) from exc
        if last:
            return
        counter += 1
        current = following
