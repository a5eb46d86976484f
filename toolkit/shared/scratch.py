"""Files that hold personal data on disk: private from their creation, gone when the command ends.

A leak's records are sometimes written to disk on their way through the toolkit: an archive's
extracted member, the UTF-8 copy of a large cp1252 file, the clean copy of a ragged file and its
quarantine, verification's Parquet copy of derived columns, a temporary safe table. Every such
file is created here:

* *private*: mode 0600 given to ``os.open`` at creation, so there is no moment when another
  user can read it, whatever the umask; an existing file of the same name is replaced, never
  reused with its old mode; temporary folders are 0700;
* *tracked*: deleted when the current :func:`session` ends (the command line opens one around
  every verb and turns SIGTERM into an exception, so it ends on success, on an error, on Ctrl-C
  and on a kill), or, outside any session, when the Python process exits. Signals are held back
  while files are deleted, so that a second Ctrl-C cannot leave half of them behind.

A file the user asked for (``pseudonymise --out``, a quarantine kept with ``--keep-quarantine``)
is private too, and simply not tracked (:func:`forget`). A process killed outright (SIGKILL, a
power cut) cannot clean up: ``python -m toolkit purge`` lists and deletes what it left.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from toolkit.shared import paths

#: The mode of every file that holds personal or pseudonymised data: its owner only.
PRIVATE_FILE = 0o600
#: The mode of the folders the toolkit creates for such files.
PRIVATE_FOLDER = 0o700

_lock = threading.Lock()
#: Paths tracked outside any session: deleted when the process exits.
_outside: list[Path] = []
#: Open sessions, innermost last; each holds the paths tracked while it is innermost.
_sessions: list[list[Path]] = []
_HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def private_folder(path: str | Path) -> Path:
    """Create ``path`` (and its parents) if missing; a folder created here is 0700."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return path


def open_private(path: str | Path, mode: str = "wb", **text: Any) -> IO[Any]:
    """Create ``path`` readable and writable by its owner only (0600), and open it.

    ``mode`` is a writing mode of :func:`open` (``"wb"``, ``"w+b"``, ``"w"``); ``text`` its text
    options (``encoding``, ``newline``). The mode is set at creation (``O_CREAT | O_EXCL``): a
    file or link already there is removed first, never opened with its old mode.
    """
    path = Path(path)
    private_folder(path.parent)
    flags = os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_RDWR if "+" in mode else os.O_WRONLY
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileExistsError:
        path.unlink()
        fd = os.open(path, flags, PRIVATE_FILE)
    return os.fdopen(fd, mode, **text)


def reserve_private(path: str | Path) -> Path:
    """An empty private file at ``path`` for another writer (Polars) to fill in place.

    Polars truncates and writes an existing file without changing its mode, so the data it
    writes is private from the first byte.
    """
    open_private(path).close()
    return Path(path)


def sink_private(frame: Any, path: str | Path) -> Path:
    """Stream a LazyFrame into a private Parquet file (0600) with Polars' streaming engine:
    an intermediate table too large to be held in memory. Delete it (or its folder) after."""
    frame.sink_parquet(reserve_private(path), engine="streaming")
    return Path(path)


def track(path: str | Path) -> Path:
    """Delete ``path`` (a file or a folder) when the current session ends, or at exit."""
    path = Path(path)
    with _lock:
        (_sessions[-1] if _sessions else _outside).append(path)
    return path


def forget(path: str | Path) -> None:
    """Stop tracking ``path``: it is kept (the user asked for it)."""
    path = Path(path)
    with _lock:
        for tracked in (_outside, *_sessions):
            tracked[:] = [p for p in tracked if p != path]


def discard(path: str | Path) -> None:
    """Delete ``path`` now (a file or a whole folder; a missing one is fine) and forget it."""
    forget(path)
    _delete([Path(path)])


@contextmanager
def session() -> Iterator[None]:
    """Delete, when the block ends however it ends, every path tracked inside it."""
    tracked: list[Path] = []
    with _lock:
        _sessions.append(tracked)
    try:
        yield
    finally:
        with _lock:
            # By identity: two sessions' lists may be equal.
            index = next(i for i, s in enumerate(_sessions) if s is tracked)
            del _sessions[index]
        _delete(tracked)


@contextmanager
def temporary_folder(prefix: str, parent: str | Path | None = None) -> Iterator[Path]:
    """A new private folder (0700) under ``parent`` (default ``data/interim/``), deleted with
    everything in it when the block ends (and tracked, in case the block is never left)."""
    root = private_folder(paths.INTERIM if parent is None else parent)
    folder = track(tempfile.mkdtemp(prefix=prefix, dir=root))
    try:
        yield folder
    finally:
        discard(folder)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back until the block ends, then deliver the first one.

    Python runs signal handlers in the main thread whichever thread the signal reached, so the
    handlers themselves are swapped for one that only notes the signal (main thread only:
    elsewhere a handler cannot be set, and none runs).
    """
    caught: list[int] = []
    try:
        with signal_handlers(_HELD_SIGNALS, lambda signum, frame: caught.append(signum)):
            yield
    finally:
        if caught:
            signal.raise_signal(caught[0])  # now handled as it would have been


@contextmanager
def signal_handlers(numbers: Iterable[int], handler: Any) -> Iterator[None]:
    """``handler`` for the signals ``numbers`` while the block runs, the previous ones after.

    Main thread only (Python sets handlers there alone): elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handler) for number in numbers}
    try:
        yield
    finally:
        for number, handler_before in previous.items():
            signal.signal(number, handler_before)


def _delete(tracked: list[Path]) -> None:
    """Delete the paths, last tracked first; say on stderr what could not be deleted."""
    with _signals_held():
        for path in reversed(tracked):
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            except OSError as error:
                print(f"leak-toolkit: could not delete {path} ({error.strerror or error}): "
                      "run `python -m toolkit purge`", file=sys.stderr)  # fmt: skip
        tracked.clear()


def _at_exit() -> None:
    with _lock:
        pending = [*_outside, *(p for s in _sessions for p in s)]
        _outside.clear()
    _delete(pending)


atexit.register(_at_exit)

__all__ = [
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "signal_handlers",
    "discard",
    "forget",
    "open_private",
    "private_folder",
    "reserve_private",
    "sink_private",
    "session",
    "temporary_folder",
    "track",
]
