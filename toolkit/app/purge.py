"""``purge``: what is left of a leak's personal data under ``data/interim/``, and deleting it.

Every command deletes the copies it wrote when it ends (``toolkit.shared.scratch``), but a
process killed outright (SIGKILL, a power cut, a full disk during clean-up), a Python session
that read a leak, ``--keep-quarantine``, ``demo --keep-safe-table`` or ``pseudonymise --out``
into the interim folder leave files there. ``purge`` finds them by name or by their first and
last four bytes (never reading more of them), and names them with their size, never their
content:

* copies written by ``toolkit.raw.ingest`` (``ingest.COPY_NAMES``: extracted members, UTF-8 and
  clean copies, quarantine files, unfinished copies), anywhere under the folder;
* the temporary folders of verification and publication (``verify-*``, ``publish-*``) at its
  top, whatever they hold;
* Parquet files (safe tables, verification copies) and unfinished ``*.partial`` files.

Key files and release ledgers are never touched, even when they are under the folder (their
names and folders are recognised), nor is anything reached through a symbolic link.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from toolkit.app.workflows import input_kind
from toolkit.boundary import keys
from toolkit.raw.ingest import COPY_NAMES
from toolkit.shared import paths

#: The temporary folders the commands create at the top of the interim folder.
TEMPORARY_FOLDERS = re.compile(r"^(verify|publish)-[A-Za-z0-9_]+$")
#: Names that belong to keys and release ledgers (``toolkit.boundary.keys``, the ledger's
#: temporary ``.releases-*``): never listed, never deleted.
_PROTECTED_NAMES = re.compile(r"^\.?releases-|^key\.bin$|\.key$")


@dataclass(frozen=True)
class Leftover:
    """A file left under the interim folder that holds personal or pseudonymised data."""

    path: Path
    #: Its path relative to the interim folder (what is printed).
    name: str
    size: int
    kind: str


def interim_dir() -> Path:
    """The interim folder purged: ``data/interim/`` (``TOOLKIT_INTERIM_DIR`` overrides it)."""
    return paths.INTERIM


def _protected_folders() -> list[Path]:
    """The folders of the key and of the release ledgers: never entered."""
    folders = [keys.DEFAULT_KEY_FILE.parent]
    location = keys.key_location()
    if location is not None:
        folders.append(location.parent)
    ledgers = os.environ.get(keys.LEDGER_DIR_ENV)
    if ledgers:
        folders.append(Path(ledgers))
    return [folder.resolve() for folder in folders]


def _kind(path: Path, name: str, in_temporary_folder: bool) -> str | None:
    """What personal data ``path`` holds, or None if it is not one of the toolkit's copies."""
    if COPY_NAMES.match(name):
        if name.endswith(".quarantine.csv"):
            return "quarantined rows (raw)"
        return "copy of a leak (raw)"
    if in_temporary_folder:
        return "temporary table"
    if name.endswith(".partial"):
        return "unfinished copy"
    if input_kind(path) == "safe_table":
        return "pseudonymised table (Parquet)"
    return None


def leftovers(interim: str | Path | None = None) -> list[Leftover]:
    """The files under ``interim`` (default: the interim folder) that hold personal data."""
    root = Path(interim) if interim is not None else interim_dir()
    if not root.is_dir():
        return []
    protected = _protected_folders()
    found = []
    for folder, dirs, files in os.walk(root):  # symbolic links to folders are not followed
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not (here / d).is_symlink() and (here / d).resolve() not in protected
            and not _PROTECTED_NAMES.search(d)
        )  # fmt: skip
        relative = here.relative_to(root)
        in_temporary = bool(relative.parts) and TEMPORARY_FOLDERS.match(relative.parts[0])
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or _PROTECTED_NAMES.search(name):
                continue
            kind = _kind(path, name, bool(in_temporary))
            if kind is not None:
                found.append(
                    Leftover(path, (relative / name).as_posix(), path.stat().st_size, kind)
                )
    return found


def purge(found: list[Leftover]) -> tuple[int, int]:
    """Delete the files found (and the temporary folders that held them): (files, bytes)."""
    files = size = 0
    folders = set()
    for leftover in found:
        leftover.path.unlink(missing_ok=True)
        files, size = files + 1, size + leftover.size
        parts = Path(leftover.name).parts
        if len(parts) > 1 and TEMPORARY_FOLDERS.match(parts[0]):
            folders.add(leftover.path.parents[len(parts) - 2])
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return files, size


def size_text(size: int) -> str:
    """A size for the terminal, in binary units: ``1.0 GiB``, ``12.3 MiB``, ``512 B``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def files_text(count: int) -> str:
    """``1 file``, ``3 files``."""
    return f"{count} file" if count == 1 else f"{count} files"


def listing_text(found: list[Leftover]) -> str:
    """What :func:`leftovers` found, one file a line (name, size, kind), and how to delete it."""
    root = interim_dir()
    if not found:
        return f"nothing personal left under {root}"
    total = sum(leftover.size for leftover in found)
    width = max(len(leftover.name) for leftover in found)
    lines = [f"personal data left under {root}: {files_text(len(found))}, {size_text(total)}"]
    lines += [f"  {f.name:<{width}}  {size_text(f.size):>10}  {f.kind}" for f in found]
    lines.append("delete them with `python -m toolkit purge --yes` (keys and ledgers are kept)")
    return "\n".join(lines)


__all__ = [
    "Leftover",
    "files_text",
    "interim_dir",
    "leftovers",
    "listing_text",
    "purge",
    "size_text",
]
