"""The secret key behind pseudonymous person ids: where it comes from, how it is kept.

Same leak + same key -> same person ids, so a key must be kept (privately) to re-run an analysis
and get byte-identical results. The key never appears in any output: only its location is told.
Look-up order: an explicit key file, ``TOOLKIT_KEY`` (hex), ``TOOLKIT_KEY_FILE`` (a path), then
the default key file ``.key/key.bin`` at the repository root (git-ignored), created when missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sys
from pathlib import Path

from toolkit.shared.errors import InputError
from toolkit.shared.paths import ROOT

#: Where a key is created when the user gives none (git-ignored, owner-only permissions).
DEFAULT_KEY_FILE = ROOT / ".key" / "key.bin"

#: 32 random bytes: the key size of HMAC-SHA256 and the maximum of keyed BLAKE2b.
KEY_BYTES = 32
_MIN_KEY_BYTES = 16


def _check(key: bytes, where: str) -> bytes:
    if len(key) < _MIN_KEY_BYTES:
        raise InputError(
            f"the key is too short ({len(key)} bytes, at least {_MIN_KEY_BYTES})", where
        )
    return key[:64]


def read_key_file(path: str | Path) -> bytes:
    """Read a key file: raw bytes, or one line of hex (as written by ``openssl rand -hex 32``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("key file not found", path) from None
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = data
    return _check(key, str(path))


def create_key_file(path: str | Path, *, announce: bool = True) -> bytes:
    """Create a random key in ``path``, owner-only (0600), and say where on stderr."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A shared parent folder we do not own may refuse: the file's own mode still protects it.
    with contextlib.suppress(OSError):
        path.parent.chmod(0o700)
    key = secrets.token_bytes(KEY_BYTES)
    # O_EXCL: never overwrite a key someone already relies on; the mode is set at creation so
    # that there is no moment when the key is readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.hex().encode("ascii") + b"\n")
    if announce:
        print(
            f"leak-toolkit: created a new pseudonymisation key in {path} "
            "(keep it private; the same key gives the same person ids)",
            file=sys.stderr,
        )
    return key


def load_key(
    key_file: str | Path | None = None, *, default_path: str | Path | None = None
) -> bytes:
    """The key: ``key_file``, else ``TOOLKIT_KEY`` or ``TOOLKIT_KEY_FILE``, else the default."""
    if key_file is not None:
        return read_key_file(key_file)
    hex_key = os.environ.get("TOOLKIT_KEY")
    if hex_key:
        try:
            return _check(bytes.fromhex(hex_key.strip()), "TOOLKIT_KEY")
        except ValueError:
            raise InputError("TOOLKIT_KEY is not a hexadecimal key") from None
    env_file = os.environ.get("TOOLKIT_KEY_FILE")
    if env_file:
        return read_key_file(env_file)
    path = Path(default_path) if default_path is not None else DEFAULT_KEY_FILE
    if path.exists():
        return read_key_file(path)
    return create_key_file(path)


#: Overrides the folder of release ledgers (tests, or a user who keeps ledgers elsewhere).
LEDGER_DIR_ENV = "TOOLKIT_LEDGER_DIR"
# BLAKE2b personalisation of key fingerprints, distinct from that of person ids.
_FINGERPRINT = b"leaktoolkit.kfp1"


def fingerprint(key: bytes) -> str:
    """A short public name for a key (16 hex digits); it gives nothing of the key away.

    A keyed hash of a fixed text: the same key always gives the same fingerprint, and without
    the key nobody can compute it, let alone invert it.
    """
    return hashlib.blake2b(b"key fingerprint", key=key[:64], digest_size=8,
                           person=_FINGERPRINT).hexdigest()  # fmt: skip


def key_location(key_file: str | Path | None = None) -> Path | None:
    """The file :func:`load_key` reads the key from, or None when it comes from ``TOOLKIT_KEY``."""
    if key_file is not None:
        return Path(key_file)
    if os.environ.get("TOOLKIT_KEY"):
        return None
    env_file = os.environ.get("TOOLKIT_KEY_FILE")
    return Path(env_file) if env_file else DEFAULT_KEY_FILE


def ledger_path(key_fingerprint: str, key_file: str | Path | None = None) -> Path:
    """Where the release ledger of a key lives: beside its key file, named by its fingerprint.

    ``TOOLKIT_LEDGER_DIR`` overrides the folder; a key given as ``TOOLKIT_KEY`` (no file) or
    as bytes keeps its ledger in the default key folder (``.key/``).
    """
    name = f"releases-{key_fingerprint}.json"
    folder = os.environ.get(LEDGER_DIR_ENV)
    if folder:
        return Path(folder) / name
    location = key_location(key_file)
    return (location.parent if location is not None else DEFAULT_KEY_FILE.parent) / name
