"""The secret key behind pseudonymous person ids: where it comes from, how it is kept.

Same leak + same key -> same person ids, so a key must be kept (privately) to re-run an analysis
and get byte-identical results. The key never appears in any output: only its location is told.
Look-up order: an explicit key file, ``TOOLKIT_KEY`` (hex), ``TOOLKIT_KEY_FILE`` (a path), then
the default key file ``.key/key.bin`` at the repository root (git-ignored), created when missing.
"""

from __future__ import annotations

import contextlib
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
