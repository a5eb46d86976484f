"""Read a leaked delimited text file robustly, lazily, and account for every row.

A leak arrives as whatever its source exported: cp1252 or UTF-8 (with or without BOM) or UTF-16,
``;`` or ``,`` or tab or ``|``, quoted fields holding newlines, ragged rows, sometimes zipped or
gzipped. :func:`read_leak` turns it into a :class:`Ingested`: a Polars ``LazyFrame`` where every
column is text (postcodes, NIR and phone numbers keep their leading zeros), plus the accounting
``rows_read == rows_parsed + rows_quarantined``.

How (and why this way):

1. One streaming pass over the raw bytes computes the input's sha256 and detects the encoding
   (BOM, then strict UTF-8, else cp1252, or latin-1 if a byte undefined in cp1252 occurs).
2. Archives are extracted and non-UTF-8 text transcoded, chunk by chunk, into the interim folder,
   because Polars' lazy reader accepts only UTF-8 (a file of at most ``IN_MEMORY_BYTES`` is
   transcoded in memory instead, and no copy of it is written).
3. The accounting pass reads the UTF-8 file in blocks, each block as one text column of physical
   lines (Polars, no quoting), and finds records and their field counts with vectorised string
   expressions: a record starts on a line where the number of quotes seen so far is even. Polars
   itself would silently pad short rows with nulls, so ragged records must be found before it
   parses them. Bad records go to a quarantine file, with their physical line number and reason.
4. ``frame`` scans the file (or, when some records were quarantined, a copy without them) with
   Polars' own reader, all columns as String. Up to ``IN_MEMORY_BYTES`` the records are parsed
   once, there, and kept in memory: every later stage reads them without parsing again.

The quarantine and interim copies hold raw personal data: they are written only under
``data/interim/`` (or the caller's ``interim_dir``), private (0600) from their creation, and
deleted when the reading ends (``Ingested.close``, the end of a ``toolkit.shared.scratch``
session, or the end of the process; the quarantine stays only if asked for with
``keep_quarantine``); nothing here prints a cell value. An archive is inflated in a stream with
limits on its size and ratio (``max_inflated_bytes``, ``max_ratio``): a bomb is refused as it
inflates, not after.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import os
import re
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np
import polars as pl
from tqdm import tqdm

from toolkit.shared import paths, scratch
from toolkit.shared.errors import InputError, ToolkitError

#: Delimiters tried when sniffing, in order of preference on a tie (French exports favour ``;``).
DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
#: Why a record can be quarantined (the keys of ``Ingested.quarantine_reasons``).
REASONS: tuple[str, ...] = (
    "too_many_fields",
    "too_few_fields",
    "blank_line",
    "undecodable",
    "stray_quote",
    "unterminated_quote",
)
#: Archive members read as delimited text, by preference.
TEXT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".psv", ".txt", ".tab", ".dat")

QUOTE = '"'
_CHUNK = 16 << 20  # bytes per read in the streaming passes: bounded memory
_BLOCK = 64 << 20  # bytes per block in the accounting pass (one Polars frame of lines)
_SAMPLE = 1 << 20  # bytes used to sniff delimiter and header
#: UTF-8 text up to this size is parsed once and kept in memory (about 3 times its size in RAM):
#: classification, verification and pseudonymisation then read it from memory instead of parsing
#: the file again each (three parses at 491,840 rows cost more than the bare read itself).
#: Larger files stay scanned lazily and are streamed by every stage, in bounded memory.
IN_MEMORY_BYTES = 256 << 20
#: An archive member may inflate to at most this many bytes (``max_inflated_bytes``; the command
#: line's ``--max-inflated``): five times a 33 M-row leak of 13 GB.
MAX_INFLATED_BYTES = 64 << 30
#: ... nor to more than this many times its compressed size (``max_ratio``; ``--max-ratio``),
#: once it has inflated past ``RATIO_FLOOR``: delimited text compresses 4 to 20 times, a bomb
#: (zeros, one line repeated) about 1,000 times. Small archives are never refused for their ratio.
MAX_RATIO = 100.0
RATIO_FLOOR = 64 << 20
#: The names of the copies this module writes in its interim folder (``purge`` finds them):
#: ``<file>-<sha256 prefix>[.<pid>].extracted|utf8.csv|clean.csv|quarantine.csv`` and the
#: unfinished ``<file>.<pid>.utf8.partial``.
COPY_NAMES = re.compile(
    r"^.+-[0-9a-f]{12}(\.\d+)?\.(extracted|utf8\.csv|clean\.csv|quarantine\.csv)$"
    r"|^.+\.\d+\.utf8\.partial$"
)
# A byte that never occurs in the file splits it into physical lines with Polars' reader.
_SENTINELS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")
# cp1252 leaves these five bytes undefined: a file holding them is latin-1 (or broken).
_CP1252_UNDEFINED = tuple(bytes([b]) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


@dataclass
class Ingested:
    """A leak read as text: lazy frame of the good records plus the row accounting.

    The copies written to read it (an archive's member, a UTF-8 copy, a clean copy, the
    quarantine) are deleted by :meth:`close`, at the end of a ``with`` block, at the end of the
    ``toolkit.shared.scratch`` session it was read in, or when the process exits, whichever
    comes first; ``frame`` may scan them until then.
    """

    path: Path
    member: str | None
    encoding: str
    delimiter: str
    columns: list[str]
    frame: pl.LazyFrame
    rows_read: int
    rows_parsed: int
    rows_quarantined: int
    quarantine_reasons: dict[str, int]
    quarantine_path: Path | None
    sha256: str
    has_header: bool = True
    source_path: Path = field(default=Path(), repr=False)
    #: Whether ``frame`` holds the records in memory (parsed once) rather than scanning a file.
    in_memory: bool = False
    #: The copies still on disk that :meth:`close` deletes (a kept quarantine is not one).
    copies: list[Path] = field(default_factory=list, repr=False)

    def describe(self) -> dict:
        """Counts and file facts for reports (JSON-ready): never a cell value."""
        return {
            "file": self.path.name,
            "member": self.member,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header": self.has_header,
            "rows": self.rows_read,
            "rows_parsed": self.rows_parsed,
            "quarantined": {
                "total": self.rows_quarantined,
                "reasons": dict(self.quarantine_reasons),
            },
            "columns": list(self.columns),
        }

    def close(self) -> None:
        """Delete the copies of the leak written to read it (``frame`` may no longer scan them
        unless it was read in memory). Closing twice is harmless."""
        for path in reversed(self.copies):
            scratch.discard(path)
        self.copies.clear()

    def __enter__(self) -> Ingested:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class ReadOptions:
    """What a workflow passes on to :func:`read_leak` from the user: archive limits, quarantine."""

    max_inflated_bytes: int | None = MAX_INFLATED_BYTES
    max_ratio: float | None = MAX_RATIO
    keep_quarantine: bool = False

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`read_leak`."""
        return {
            "max_inflated_bytes": self.max_inflated_bytes,
            "max_ratio": self.max_ratio,
            "keep_quarantine": self.keep_quarantine,
        }


class _Copies:
    """The copies one reading writes: private, tracked, and all deleted if the reading fails."""

    def __init__(self, work: Path):
        self.work = work
        self.paths: list[Path] = []

    def name(self, stem: str, suffix: str) -> Path:
        """``<stem>.<suffix>`` in the interim folder, or ``<stem>.<pid>.<suffix>`` if taken (by
        another command reading the same leak, which will delete it when it ends)."""
        plain = self.work / f"{stem}.{suffix}"
        return plain if not os.path.lexists(plain) else self.work / f"{stem}.{os.getpid()}.{suffix}"

    def open(self, path: Path, mode: str = "wb", **text: Any) -> IO[Any]:
        handle = scratch.open_private(path, mode, **text)
        self.paths.append(scratch.track(path))
        return handle

    def rename(self, old: Path, new: Path) -> Path:
        old.replace(new)
        scratch.forget(old)
        self.paths = [p for p in self.paths if p != old]
        self.paths.append(scratch.track(new))
        return new

    def discard(self, path: Path) -> None:
        scratch.discard(path)
        self.paths = [p for p in self.paths if p != path]

    def keep(self, path: Path) -> None:
        scratch.forget(path)
        self.paths = [p for p in self.paths if p != path]


def read_leak(
    path: str | Path,
    *,
    member: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
    interim_dir: str | Path | None = None,
    in_memory: bool | None = None,
    max_inflated_bytes: int | None = MAX_INFLATED_BYTES,
    max_ratio: float | None = MAX_RATIO,
    keep_quarantine: bool = False,
    progress: bool = False,
) -> Ingested:
    """Read a leaked delimited file (plain, .zip or .gz) as all-text, with row accounting.

    ``member`` names the file to read inside a zip; ``encoding``, ``delimiter`` and
    ``has_header`` override detection; ``interim_dir`` (default ``data/interim/ingest``) receives
    the copies that must be written (private, deleted by ``Ingested.close`` or at the end of
    the session or process; the quarantine file is kept if ``keep_quarantine``).
    ``in_memory`` parses the records once and keeps them in memory (default: when the text is
    at most ``IN_MEMORY_BYTES``); otherwise ``frame`` scans a file lazily. An archive member
    that inflates past ``max_inflated_bytes``, or past ``max_ratio`` times its compressed size
    (beyond ``RATIO_FLOOR``), is refused while it inflates (None: no limit). Raises
    :class:`InputError` on unusable input, and then leaves no copy behind.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path)
    if path.is_dir():
        raise InputError("is a folder, not a file", path)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"the delimiter must be one character, got {len(delimiter)}", path)
    if encoding is not None:
        encoding = _codec_name(encoding, path)
    copies = _Copies(Path(interim_dir) if interim_dir is not None else paths.INTERIM / "ingest")
    try:
        return _read(
            path, copies, member=member, encoding=encoding, delimiter=delimiter,
            has_header=has_header, in_memory=in_memory, limits=(max_inflated_bytes, max_ratio),
            keep_quarantine=keep_quarantine, progress=progress,
        )  # fmt: skip
    except BaseException:
        for copy in reversed(copies.paths):
            scratch.discard(copy)
        raise


def _read(
    path: Path,
    copies: _Copies,
    *,
    member: str | None,
    encoding: str | None,
    delimiter: str | None,
    has_header: bool | None,
    in_memory: bool | None,
    limits: tuple[int | None, float | None],
    keep_quarantine: bool,
    progress: bool,
) -> Ingested:
    kind = _archive_kind(path)
    if kind is None and member is not None:
        raise InputError("member= is only for .zip archives", path)
    text_source: Path | bytes
    if kind is None:
        text_source = path
        probe = _probe(path, path, progress, encoding=encoding, sha=True)
        sha256 = probe.sha256
        single_byte = sha256 is None
    else:
        sha256 = _sha256(path, progress)
        # Held in memory when small enough to be read in memory: no copy on disk at all.
        memory = -1 if in_memory is False else None if in_memory else IN_MEMORY_BYTES
        try:
            with _ArchiveMember(path, kind, member, *limits) as inside:
                member = inside.name
                target = copies.name(f"{path.name}-{sha256[:12]}", "extracted")
                text_source = _extract(inside, target, copies, memory, progress)
        except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile):
            raise InputError(f"the {kind} archive is damaged or truncated", path) from None
        except RuntimeError:  # zipfile's way of saying the member is encrypted
            raise InputError("the archive is password-protected", path) from None
        probe = _probe(text_source, path, progress, encoding=encoding, sha=False)
        single_byte = probe.sha256 is None

    detected, lossy, sentinel = probe.encoding, probe.lossy, probe.sentinel
    if in_memory is None:
        in_memory = _size(text_source) <= IN_MEMORY_BYTES
    utf8: Path | bytes
    if detected in ("utf-8", "utf-8-sig") and not probe.cr_only:
        utf8 = text_source
    else:
        # A small file is transcoded in memory: no UTF-8 copy of raw personal data on disk. A
        # large one is named after the input's sha256 once known (hashed while transcoded).
        partial = copies.work / f"{path.name}.{os.getpid()}.utf8.partial"
        with io.BytesIO() if in_memory else copies.open(partial, "w+b") as out:
            if single_byte:
                detected, sha, sentinel = _transcode_single_byte(
                    text_source, out, progress, probe.cr_only, hash_input=kind is None
                )
                sha256 = sha or sha256
                lossy = False
            else:
                lossy, sentinel = _transcode(text_source, out, detected, progress, probe.cr_only)
            utf8 = out.getvalue() if isinstance(out, io.BytesIO) else partial
        if isinstance(utf8, Path):
            utf8 = copies.rename(utf8, copies.name(f"{path.name}-{sha256[:12]}", "utf8.csv"))
        if kind is not None and isinstance(text_source, Path):
            copies.discard(text_source)
    stem = f"{path.name}-{sha256[:12]}"
    if sentinel is None:
        raise InputError("does not look like a text file (binary content)", path)

    sample = _sample_text(utf8, path)
    delim = delimiter or _sniff_delimiter(sample)
    header_text = _first_record(sample, delim)
    header_fields = header_text if header_text is not None else []
    if not header_fields:
        raise InputError("its first line cannot be read as delimited text", path)
    if has_header is None:
        has_header = _looks_like_header(header_fields, sample, delim)
    columns = _unique_columns(header_fields if has_header else [""] * len(header_fields))

    account = _account(
        utf8,
        expected_fields=len(columns),
        delimiter=delim,
        header_records=1 if has_header else 0,
        lossy=lossy,
        sentinel=sentinel,
        quarantine=copies.name(stem, "quarantine.csv"),
        # The clean copy of a file read in memory stays in memory.
        clean=None if in_memory else copies.name(stem, "clean.csv"),
        copies=copies,
        progress=progress,
        shown=path,
    )
    if account.rows_read == 0:
        raise InputError("has a header but no data rows", path)

    source = account.clean if account.clean is not None else utf8
    options = {
        "has_header": False,
        "skip_rows": 1 if has_header else 0,
        "separator": delim,
        "quote_char": QUOTE,
        "schema": dict.fromkeys(columns, pl.String),
        "encoding": "utf8",
    }
    if isinstance(source, bytes):
        frame = _parsed(lambda: pl.read_csv(source, **options), path)
    elif in_memory:
        frame = _parsed(lambda: pl.scan_csv(source, **options).collect(), path)
    else:
        frame = pl.scan_csv(source, **options)
    if in_memory:
        # The records are in memory now: no copy of them needs to stay on disk.
        for copy in list(copies.paths):
            if copy != account.quarantine_path:
                copies.discard(copy)
    if keep_quarantine and account.quarantine_path is not None:
        copies.keep(account.quarantine_path)
    return Ingested(
        path=path,
        member=member,
        encoding=detected,
        delimiter=delim,
        columns=columns,
        frame=frame,
        rows_read=account.rows_read,
        rows_parsed=account.rows_read - sum(account.reasons.values()),
        rows_quarantined=sum(account.reasons.values()),
        quarantine_reasons=dict(account.reasons),
        quarantine_path=account.quarantine_path,
        sha256=sha256,
        has_header=has_header,
        source_path=source if isinstance(source, Path) and source.exists() else path,
        in_memory=bool(in_memory),
        copies=list(copies.paths),
    )


def _size(source: Path | bytes) -> int:
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def _parsed(read: Callable[[], pl.DataFrame], shown: Path) -> pl.LazyFrame:
    """The records parsed now by ``read``, as a lazy frame over memory."""
    try:
        return read().lazy()
    except pl.exceptions.PolarsError as error:
        # Polars' message may quote the offending line: only its kind is said, never a value.
        raise InputError(
            f"cannot be parsed as delimited text (Polars: {type(error).__name__})", shown
        ) from None


# --- archives -------------------------------------------------------------------------------


def _archive_kind(path: Path) -> str | None:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        return "zip"
    if magic.startswith(b"\x1f\x8b"):
        return "gz"
    return None


class _ArchiveMember:
    """Context manager giving the delimited file inside an archive, with its inflation limits."""

    def __init__(
        self, path: Path, kind: str, member: str | None, max_bytes: int | None,
        max_ratio: float | None,
    ):  # fmt: skip
        self.path, self.kind, self.member = path, kind, member
        self.max_bytes, self.max_ratio = max_bytes, max_ratio
        self._closers: list = []

    def __enter__(self) -> _Member:
        try:
            return self._open()
        except BaseException:
            self.__exit__()
            raise

    def _open(self) -> _Member:
        if self.kind == "gz":
            stream = gzip.open(self.path, "rb")  # noqa: SIM115 - closed by __exit__
            self._closers.append(stream)
            # A gzip stream does not tell its size reliably (modulo 4 GiB, and per member):
            # only what it inflates to, counted as it goes, can be checked.
            inflation = _Inflation(self.path, "the gzip content", self.path.stat().st_size,
                                   self.max_bytes, self.max_ratio)  # fmt: skip
            return _Member(stream, None, inflation, None)
        try:
            archive = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile:
            raise InputError("is not a readable zip archive", self.path) from None
        self._closers.append(archive)
        name = self.member or _pick_member(archive, self.path)
        if name not in archive.namelist():
            raise InputError(f"the archive has no member named {name!r}", self.path)
        info = archive.getinfo(name)
        inflation = _Inflation(self.path, f"member {name!r}", info.compress_size,
                               self.max_bytes, self.max_ratio)  # fmt: skip
        # Refused on its declared size before a byte is inflated (zipfile never inflates past
        # the declared size: a member that lies fails its CRC, as damaged).
        inflation.check(info.file_size, declared=True)
        stream = archive.open(name)
        self._closers.append(stream)
        return _Member(stream, name, inflation, info.file_size)

    def __exit__(self, *exc: object) -> None:
        for closer in reversed(self._closers):
            closer.close()
        self._closers.clear()


@dataclass
class _Inflation:
    """How far an archive member may inflate: at most ``max_bytes``, and at most ``max_ratio``
    times its compressed size once past ``RATIO_FLOOR`` (None: no such limit)."""

    path: Path
    what: str  # "member 'x.csv'" or "the gzip content"
    compressed: int
    max_bytes: int | None
    max_ratio: float | None

    def check(self, inflated: int, *, declared: bool = False) -> None:
        """Raise :class:`InputError` (one line) if ``inflated`` bytes are past a limit."""
        ratio = inflated / max(self.compressed, 1)
        size = (f"declares {_bytes_text(inflated)} inflated" if declared
                else f"inflates to more than {_bytes_text(inflated)}")  # fmt: skip
        of = f"{ratio:,.0f} times its compressed size of {_bytes_text(self.compressed)}"
        if self.max_bytes is not None and inflated > self.max_bytes:
            raise InputError(
                f"{self.what} {size} ({of}), past the limit of {_bytes_text(self.max_bytes)}: "
                "refused; raise the limit with --max-inflated (max_inflated_bytes= in Python)",
                self.path,
            )
        if self.max_ratio is not None and inflated > RATIO_FLOOR and ratio > self.max_ratio:
            raise InputError(
                f"{self.what} {size}, {of}, past the limit of {self.max_ratio:g} times: refused "
                "as a possible archive bomb; raise the limit with --max-ratio (max_ratio= in "
                "Python)",
                self.path,
            )


@dataclass
class _Member:
    stream: BinaryIO
    name: str | None
    inflation: _Inflation
    declared: int | None  # the inflated size a zip declares; None for a gzip


def _bytes_text(n: int) -> str:
    """A size in binary units, for messages: ``1.0 GiB``, ``3.6 MiB``, ``512 B``."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f} {unit}"


def _extract(
    inside: _Member, target: Path, copies: _Copies, memory: int | None, progress: bool
) -> Path | bytes:
    """The member inflated, in a stream checked against its limits as it goes: kept in memory
    up to ``memory`` bytes (None: any size; -1: never), else written to the private ``target``.
    """
    if memory is not None and inside.declared is not None and inside.declared > memory:
        memory = -1  # a zip says beforehand that it will not fit
    held: list[bytes] = []
    out: IO[Any] | None = None
    size = 0
    try:
        with _bar(None, progress, "extracting") as bar:
            while chunk := inside.stream.read(_CHUNK):
                size += len(chunk)
                inside.inflation.check(size)
                bar.update(len(chunk))
                if out is None and (memory is None or size <= memory):
                    held.append(chunk)
                    continue
                if out is None:
                    out = copies.open(target)
                    out.writelines(held)
                    held.clear()
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return target if out is not None else b"".join(held)


def _pick_member(archive: zipfile.ZipFile, path: Path) -> str:
    names = [
        info.filename
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]
    for suffix in TEXT_SUFFIXES:
        for name in names:
            if name.lower().endswith(suffix) and _member_is_delimited(archive, name):
                return name
    raise InputError(
        f"the archive holds no delimited text file ({len(names)} files inside); "
        "name one with member=",
        path,
    )


def _member_is_delimited(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as fh:
        head = fh.read(64 << 10)
    if not head.strip() or b"\x00" in head:
        return False
    text = head.decode("latin-1")
    return any(d in text for d in DELIMITERS)


# --- encoding -------------------------------------------------------------------------------


def _codec_name(encoding: str, path: Path) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", path) from None
    return {"iso8859-1": "latin-1", "windows-1252": "cp1252"}.get(name, name)


def _sha256(path: Path, progress: bool) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh, _bar(path.stat().st_size, progress, "sha256") as bar:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _chunks(source: Path | bytes, progress: bool, what: str) -> Iterator[bytes]:
    """The bytes of a file, or of a member held in memory, ``_CHUNK`` at a time."""
    with _open(source) as fh, _bar(_size(source), progress, what) as bar:
        while chunk := fh.read(_CHUNK):
            bar.update(len(chunk))
            yield chunk


@dataclass
class _Probe:
    encoding: str
    lossy: bool  # some bytes are not valid in that encoding (their records are quarantined)
    sentinel: str | None  # a control character absent from the file, to split it into lines
    sha256: str | None  # None: a single-byte file, hashed while it is transcoded
    cr_only: bool = False  # old Mac line endings: a lone CR ends each line


class _Sha256:
    """sha256 computed in a background thread while the caller reads on (hashlib releases the
    GIL on large buffers: the hash of a 190 MB file costs no wall time beside its decoding)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._worker = ThreadPoolExecutor(max_workers=1)  # one worker: chunks hashed in order

    def update(self, chunk: bytes) -> None:
        self._worker.submit(self._digest.update, chunk)

    def hexdigest(self) -> str:
        self._worker.shutdown(wait=True)
        return self._digest.hexdigest()


class _Sentinels:
    """Which candidate sentinel bytes a stream of chunks holds."""

    def __init__(self) -> None:
        self.present: dict[bytes, bool] = dict.fromkeys(_SENTINELS, False)

    def update(self, chunk: bytes) -> None:
        for s, seen in self.present.items():
            if not seen and s in chunk:
                self.present[s] = True

    def free(self) -> str | None:
        return next((s.decode() for s, seen in self.present.items() if not seen), None)


def _probe(
    source: Path | bytes, shown: Path, progress: bool, *, encoding: str | None, sha: bool
) -> _Probe:
    """One pass over the bytes: sha256, encoding (BOM, strict UTF-8, cp1252 vs latin-1)."""
    with _open(source) as fh:
        head = fh.read(_SAMPLE)
    if not head.strip(b"\r\n\t \xef\xbb\xbf\xff\xfe\x00"):
        raise InputError("is empty", shown)
    detecting = encoding is None
    cr_only = b"\r" in head and b"\n" not in head
    if encoding is None:
        encoding = _encoding_from_head(head, shown)
    digest = _Sha256()
    sentinels = _Sentinels()
    check_utf8 = encoding in ("utf-8", "utf-8-sig")
    invalid = 0
    single_byte = saw_multibyte = False
    tail = b""  # an incomplete multi-byte character cut by the chunk boundary
    for chunk in _chunks(source, progress, "reading"):
        if sha:
            digest.update(chunk)
        sentinels.update(chunk)
        if check_utf8 and not invalid:
            text, tail = _complete_utf8(tail + chunk)
            if text.isascii():
                continue
            if _valid_utf8(text):
                saw_multibyte = True
                continue
            decoded = text.decode("utf-8", "replace")
            invalid = decoded.count("\ufffd") or 1
            # Bytes beyond the first of valid multi-byte characters, in this chunk.
            multibyte_extra = len(text) - len(decoded)
            # More broken bytes than valid multi-byte characters: not UTF-8 at all.
            single_byte = (
                detecting
                and encoding == "utf-8"
                and not saw_multibyte
                and multibyte_extra <= invalid
            )
        if single_byte:
            # The file must be transcoded, and that pass reads every byte anyway: it computes
            # the sha256 and tells cp1252 from latin-1 (see ``_transcode_single_byte``).
            digest.hexdigest()  # lets the hashing thread go
            return _Probe("cp1252", False, None, None, cr_only)
    invalid = invalid or (check_utf8 and bool(tail))
    return _Probe(encoding, bool(invalid), sentinels.free(), digest.hexdigest(), cr_only)


def _complete_utf8(data: bytes) -> tuple[bytes, bytes]:
    """Split off a trailing incomplete UTF-8 sequence (at most 3 bytes) to join the next chunk."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            break
        if byte >= 0xC0:  # the lead byte says how long the character is
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            if length > back:
                return data[:-back], data[-back:]
            break
    return data, b""


def _valid_utf8(data: bytes) -> bool:
    """Strict UTF-8 check, in Rust (Polars) rather than by building a Python string."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return False
    return True


def _encoding_from_head(head: bytes, shown: Path) -> str:
    """BOM, UTF-16 shape, or UTF-8 until proved otherwise; raise on binary content."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    odd, even = head[1::2], head[0::2]
    # UTF-16 without BOM: one byte in two is NUL for Latin text.
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    controls = len(head) - len(head.translate(None, delete=_CONTROL))
    if b"\x00" in head or controls > 0.01 * len(head):
        raise InputError("does not look like a text file (binary content)", shown)
    return "utf-8"


def _transcode(
    source: Path | bytes,
    out: BinaryIO,
    encoding: str,
    progress: bool,
    cr_only: bool = False,
    *,
    each_chunk: Callable[[bytes], bool] | None = None,
) -> tuple[bool, str | None]:
    """Write ``source`` as UTF-8 (CR line ends as LF); return (undecodable bytes?, sentinel).

    ``each_chunk`` sees every raw chunk first; once it returns True the rest is read for it
    alone, and nothing more is written.
    """
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    sentinels = _Sentinels()
    lossy = stopped = False
    out.seek(0)
    out.truncate()
    for chunk in _chunks(source, progress, f"transcoding {encoding} to utf-8"):
        if each_chunk is not None:
            stopped = each_chunk(chunk) or stopped
        if stopped:
            continue
        text = decoder.decode(chunk)
        if cr_only:
            text = text.replace("\r", "\n")
        lossy = lossy or "\ufffd" in text
        data = text.encode("utf-8")
        sentinels.update(data)
        out.write(data)
    out.write(decoder.decode(b"", final=True).encode("utf-8"))
    out.flush()
    return lossy, sentinels.free()


def _transcode_single_byte(
    source: Path | bytes, out: BinaryIO, progress: bool, cr_only: bool, *, hash_input: bool
) -> tuple[str, str | None, str | None]:
    """Transcode a single-byte file to UTF-8 in one pass that also hashes and checks it.

    cp1252, or latin-1 if the file holds a byte cp1252 leaves undefined (then a second pass, a
    rare case). Returns (encoding, sha256 of ``source`` if ``hash_input``, sentinel).
    """
    digest = _Sha256()
    undefined = False

    def hash_and_check(chunk: bytes) -> bool:
        nonlocal undefined
        if hash_input:
            digest.update(chunk)
        # Bytes 0x80-0x9F are printable in cp1252 (œ, €, ’) but control characters in
        # latin-1, which real text never holds: cp1252 unless a byte undefined in cp1252
        # occurs. Without one, both decode the file identically (French files: cp1252).
        # One byte search each (memchr): 15 times faster than a regex character class.
        undefined = undefined or any(byte in chunk for byte in _CP1252_UNDEFINED)
        return undefined

    _, sentinel = _transcode(source, out, "cp1252", progress, cr_only, each_chunk=hash_and_check)
    hexdigest = digest.hexdigest()  # always: it also lets the hashing thread go
    sha = hexdigest if hash_input else None
    if undefined:
        return "latin-1", sha, _transcode(source, out, "latin-1", progress, cr_only)[1]
    return "cp1252", sha, sentinel


def _open(utf8: Path | bytes) -> BinaryIO:
    """The UTF-8 text to read, from its file or from memory."""
    return utf8.open("rb") if isinstance(utf8, Path) else io.BytesIO(utf8)


# --- delimiter and header -------------------------------------------------------------------


def _sample_text(utf8: Path | bytes, shown: Path) -> str:
    with _open(utf8) as fh:
        head = fh.read(_SAMPLE)
        more = fh.read(1)
    if more:
        head = head[: head.rfind(b"\n") + 1] or head
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    if not text.strip():
        raise InputError("is empty", shown)
    return text


def _records(sample: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar=QUOTE, strict=False)
    out = []
    try:
        for row in reader:
            out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _sniff_delimiter(sample: str) -> str:
    """The candidate delimiter giving the most rows with the header's field count (> 1)."""
    best, best_score = DELIMITERS[0], (0, 0)
    for candidate in DELIMITERS:
        rows = [r for r in _records(sample, candidate) if r]
        if not rows or len(rows[0]) < 2:
            continue
        agreeing = sum(len(r) == len(rows[0]) for r in rows)
        score = (agreeing, len(rows[0]))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _first_record(sample: str, delimiter: str) -> list[str] | None:
    rows = _records(sample, delimiter, limit=1)
    return rows[0] if rows else None


_DATA_LIKE = re.compile(r"^[\d\s/.:,+()-]+$|@")


def _looks_like_header(fields: list[str], sample: str, delimiter: str) -> bool:
    """Whether the first record is a header: none of its fields looks like data.

    Data-like: a number, date, phone or postcode, an email, or a value that appears again in
    the same column further down (column names are not repeated as values; ``F``, ``Durand``
    are).
    """
    if not fields or any(_DATA_LIKE.search(f.strip()) for f in fields if f.strip()):
        return False
    below = _records(sample, delimiter)[1:]
    for j, name in enumerate(fields):
        if name.strip() and any(len(row) > j and row[j] == name for row in below):
            return False
    return True


def _unique_columns(names: list[str]) -> list[str]:
    """Header names made unique (ignoring case): blanks -> ``column_<n>``, repeats -> ``NAME_2``."""
    names = [n.strip().removeprefix("\ufeff") or f"column_{i}" for i, n in enumerate(names, 1)]
    taken = {n.casefold() for n in names}
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name.casefold()] += 1
        if seen[name.casefold()] == 1:
            out.append(name)
            continue
        n = seen[name.casefold()]
        while f"{name}_{n}".casefold() in taken:
            n += 1
        taken.add(f"{name}_{n}".casefold())
        out.append(f"{name}_{n}")
    return out


# --- accounting -----------------------------------------------------------------------------


@dataclass
class _Account:
    rows_read: int
    reasons: Counter[str]
    quarantine_path: Path | None
    clean: Path | bytes | None  # the records without the bad ones, if any was bad


def _account(
    utf8: Path | bytes,
    *,
    expected_fields: int,
    delimiter: str,
    header_records: int,
    lossy: bool,
    sentinel: str,
    quarantine: Path,
    clean: Path | None,
    copies: _Copies,
    progress: bool,
    shown: Path,
) -> _Account:
    """Split the file into records, classify each, quarantine the bad ones; count everything.

    The quarantine and the clean copy (``clean``; None: in memory) are written only if some
    record is bad, as private copies in ``copies``.
    """
    reasons: Counter[str] = Counter()
    records_seen = 0
    line_offset = 0  # physical lines before the current block
    byte_offset = 0  # bytes before the current block
    q_writer = q_file = clean_file = None
    carry = b""
    header_pending = header_records  # the header is the first record, not a row
    size = utf8.stat().st_size if isinstance(utf8, Path) else len(utf8)
    # A file kept in memory afterwards is read as one block: no block is cut and glued to the
    # next (copies of 64 MB each), and its lines take less memory than its parsed records will.
    block_size = size + 1 if size <= IN_MEMORY_BYTES else _BLOCK
    try:
        with _open(utf8) as fh, _bar(size, progress, "counting rows") as bar:
            eof = False
            while not eof:
                chunk = fh.read(block_size)
                bar.update(len(chunk))
                eof = not chunk
                if eof:
                    if not carry:
                        break
                    block, carry = carry, b""
                else:
                    cut = chunk.rfind(b"\n") + 1
                    if cut == 0:
                        carry += chunk
                        continue
                    # One copy of the block, not two: the carry is usually part of a line.
                    block = carry + chunk[:cut] if carry else chunk[:cut]
                    carry = chunk[cut:]
                result = _classify_block(
                    block, sentinel, delimiter, expected_fields, lossy, final=eof
                )
                if result.open_from is not None:  # a quoted field runs into the next block
                    carry = block[result.open_from :] + carry
                    block = block[: result.open_from]
                first = header_pending if result.records else 0
                header_pending -= first
                bad = [b for b in result.bad if b.record >= first]
                records_seen += result.records - first
                if bad and clean_file is None:
                    q_file = copies.open(quarantine, "w", encoding="utf-8", newline="")
                    q_writer = csv.writer(q_file)
                    q_writer.writerow(["line", "reason", "raw"])
                    clean_file = io.BytesIO() if clean is None else copies.open(clean)
                    with _open(utf8) as src:
                        _copy_prefix(src, clean_file, byte_offset)
                kept = 0
                for b in bad:
                    reasons[b.reason] += 1
                    raw = block[b.start : b.end].removesuffix(b"\n").removesuffix(b"\r")
                    q_writer.writerow(
                        [
                            line_offset + b.line + 1,
                            b.reason,
                            raw.decode("utf-8", "backslashreplace"),
                        ]
                    )
                    clean_file.write(block[kept : b.start])
                    kept = b.end
                if clean_file is not None:
                    clean_file.write(block[kept:])
                line_offset += result.lines
                byte_offset += len(block)
        kept_clean = clean_file.getvalue() if isinstance(clean_file, io.BytesIO) else clean
    finally:
        for fh in (q_file, clean_file):
            if fh is not None:
                fh.close()
    return _Account(
        rows_read=records_seen,
        reasons=reasons,
        quarantine_path=quarantine if clean_file is not None else None,
        clean=kept_clean if clean_file is not None else None,
    )


def _copy_prefix(src: BinaryIO, dst: BinaryIO, size: int) -> None:
    while size > 0:
        chunk = src.read(min(_CHUNK, size))
        if not chunk:
            break
        dst.write(chunk)
        size -= len(chunk)


@dataclass
class _Bad:
    record: int  # record index within the block
    line: int  # physical line index (0-based) within the block
    start: int  # byte range of the raw record, its final newline included
    end: int
    reason: str


@dataclass
class _BlockResult:
    records: int
    lines: int
    bad: list[_Bad]
    open_from: int | None  # byte offset where an unfinished record starts


def _quote_if(flag: pl.Series) -> pl.Expr:
    return pl.when(flag).then(pl.lit(QUOTE)).otherwise(pl.lit(""))


def _in_class(char: str) -> str:
    """``char`` written to stand for itself inside a regex character class."""
    return char if char.isalnum() or char in "\t\x1f\x1e\x1d\x1c\x01\x02" else "\\" + char


def _newlines(data: np.ndarray, step: int = 16 << 20) -> np.ndarray:
    """Offsets of the newline bytes of ``data``, found slice by slice.

    One comparison over a whole 200 MB block allocates a mask that costs ten times more to fault
    in than the same work in slices.
    """
    return np.concatenate(
        [np.flatnonzero(data[i : i + step] == 10) + i for i in range(0, len(data), step)]
        or [np.empty(0, dtype=np.int64)]
    )


def _classify_block(
    block: bytes, sentinel: str, delimiter: str, expected: int, lossy: bool, final: bool
) -> _BlockResult:
    """Records of a block (starting on a record boundary) and the bad ones, vectorised.

    Per physical line, Polars counts quotes and delimiters; numpy turns quote parity into
    record boundaries and sums each record's fields with ``reduceat``. Only lines that hold a
    quote (or continue a quoted field) get the slower regex treatment.
    """
    data = np.frombuffer(block, dtype=np.uint8)
    newline_at = _newlines(data)
    ends_with_newline = block.endswith(b"\n")
    starts = np.concatenate(([0], newline_at + 1))[: len(newline_at) + (not ends_with_newline)]
    ends = np.concatenate((newline_at, [len(block)]))[: len(starts)]  # newline (or end) offsets
    lines = pl.read_csv(
        block,
        has_header=False,
        separator=sentinel,
        quote_char=None,
        infer_schema=False,
        encoding="utf8-lossy",
        new_columns=["l"],
        empty_string_is_null=False,
    )
    if lines.height != len(starts):
        raise ToolkitError(f"internal error: {lines.height} lines read, {len(starts)} expected")
    text = pl.col("l")
    counts = lines.select(
        q=text.str.count_matches(QUOTE, literal=True).cast(pl.Int64),
        u=text.str.contains("\ufffd", literal=True) if lossy else pl.lit(False),
    )
    quotes = counts["q"].to_numpy()
    undecodable = counts["u"].to_numpy()
    mostly_quoted = np.count_nonzero(quotes) > len(quotes) // 2
    # Delimiters per line; lines with quotes are counted again below, quoted parts removed.
    if mostly_quoted:
        fields = np.zeros(len(quotes), dtype=np.int64)
    else:
        fields = lines.select(text.str.count_matches(delimiter, literal=True)).to_series()
        fields = fields.cast(pl.Int64).to_numpy().copy()
    malformed = np.zeros(len(fields), dtype=bool)  # quoting that Polars would misread

    quotes_after = np.cumsum(quotes)
    in_quote_at_start = (quotes_after - quotes) % 2 == 1
    in_quote_at_end = quotes_after % 2 == 1
    open_from = None
    if len(quotes_after) and in_quote_at_end[-1] and not final:
        # The last record is still open: hand it to the next block.
        first_line = int(np.flatnonzero(~in_quote_at_start)[-1])
        open_from = int(starts[first_line])
        starts, ends = starts[:first_line], ends[:first_line]
        fields, undecodable = fields[:first_line], undecodable[:first_line]
        malformed = malformed[:first_line]
        in_quote_at_start = in_quote_at_start[:first_line]
        in_quote_at_end = in_quote_at_end[:first_line]
        quotes = quotes[:first_line]

    quoted = np.flatnonzero((quotes > 0) | in_quote_at_start)
    if len(quoted):
        # A line that starts (ends) inside a quoted field gets an opening (closing) quote, so
        # each line can be checked and counted on its own: quoted parts removed, then count.
        # Gathering most of the lines costs more than checking all of them.
        if mostly_quoted or len(quoted) > len(fields) // 2:
            quoted = np.arange(len(fields))
            subset = lines.head(len(fields))
        else:
            subset = lines[quoted]
        subset = subset.select(
            pl.concat_str(
                _quote_if(pl.Series(in_quote_at_start[quoted])),
                "l",
                _quote_if(pl.Series(in_quote_at_end[quoted])),
            )
            .str.replace_all('"[^"]*"', sentinel)
            .alias("l")
        )
        # Each quoted part is now one sentinel; a sentinel glued to anything but a delimiter
        # (or another quoted part: an escaped quote) is a quote Polars would misread.
        d, mark = _in_class(delimiter), _in_class(sentinel)
        checked = subset.select(
            d=text.str.count_matches(delimiter, literal=True),
            ok=~text.str.contains(f"[^{d}{mark}]{mark}|{mark}[^{d}{mark}]"),
        )
        fields[quoted] = checked["d"].to_numpy()
        malformed[quoted] = ~checked["ok"].to_numpy()

    record_starts = np.flatnonzero(~in_quote_at_start)
    n_records = len(record_starts)
    if not n_records:
        return _BlockResult(records=0, lines=len(starts), bad=[], open_from=open_from)
    record_fields = np.add.reduceat(fields, record_starts) + 1
    record_undecodable = np.logical_or.reduceat(undecodable, record_starts)
    record_malformed = np.logical_or.reduceat(malformed, record_starts)
    bad_mask = (record_fields != expected) | record_undecodable | record_malformed
    unterminated = final and bool(in_quote_at_end[-1])
    bad_mask[-1] |= unterminated
    bad_records = np.flatnonzero(bad_mask)
    record_ends = np.concatenate((record_starts[1:] - 1, [len(starts) - 1]))

    bad = []
    for rec in bad_records.tolist():
        first, last = int(record_starts[rec]), int(record_ends[rec])
        start, end = int(starts[first]), int(ends[last])
        raw = block[start:end]
        n = int(record_fields[rec])
        if record_undecodable[rec]:
            reason = "undecodable"
        elif unterminated and rec == n_records - 1:
            reason = "unterminated_quote"
        elif record_malformed[rec]:
            reason = "stray_quote"
        elif expected > 1 and not raw.strip(b"\r"):
            reason = "blank_line"
        elif n > expected:
            reason = "too_many_fields"
        else:
            reason = "too_few_fields"
        # The clean copy drops the record with its newline.
        bad.append(_Bad(rec, first, start, min(end + 1, len(block)), reason))
    return _BlockResult(records=n_records, lines=len(starts), bad=bad, open_from=open_from)


def _bar(total: int | None, progress: bool, what: str) -> tqdm:
    return tqdm(
        total=total,
        desc=what,
        unit="B",
        unit_scale=True,
        disable=not progress,
        file=sys.stderr,
        leave=False,
    )


__all__ = [
    "COPY_NAMES",
    "DELIMITERS",
    "IN_MEMORY_BYTES",
    "MAX_INFLATED_BYTES",
    "MAX_RATIO",
    "RATIO_FLOOR",
    "REASONS",
    "Ingested",
    "ReadOptions",
    "read_leak",
]
