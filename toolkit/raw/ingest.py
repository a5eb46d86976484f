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
``data/interim/`` (or the caller's ``interim_dir``), and nothing here prints a cell value.
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
from typing import BinaryIO

import numpy as np
import polars as pl
from tqdm import tqdm

from toolkit.shared import paths
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
# A byte that never occurs in the file splits it into physical lines with Polars' reader.
_SENTINELS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")
# cp1252 leaves these five bytes undefined: a file holding them is latin-1 (or broken).
_CP1252_UNDEFINED = tuple(bytes([b]) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


@dataclass
class Ingested:
    """A leak read as text: lazy frame of the good records plus the row accounting."""

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


def read_leak(
    path: str | Path,
    *,
    member: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
    interim_dir: str | Path | None = None,
    in_memory: bool | None = None,
    progress: bool = False,
) -> Ingested:
    """Read a leaked delimited file (plain, .zip or .gz) as all-text, with row accounting.

    ``member`` names the file to read inside a zip; ``encoding``, ``delimiter`` and
    ``has_header`` override detection; ``interim_dir`` (default ``data/interim/ingest``) receives
    transcoded copies and the quarantine file. ``in_memory`` parses the records once and keeps
    them in memory (default: when the text is at most ``IN_MEMORY_BYTES``); otherwise ``frame``
    scans the file lazily. Raises :class:`InputError` on unusable input.
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
    work = Path(interim_dir) if interim_dir is not None else paths.INTERIM / "ingest"

    kind = _archive_kind(path)
    if kind is None and member is not None:
        raise InputError("member= is only for .zip archives", path)
    if kind is None:
        text_source = path
        probe = _probe(path, path, progress, encoding=encoding, sha=True)
        sha256 = probe.sha256
        single_byte = sha256 is None
    else:
        sha256 = _sha256(path, progress)
        work.mkdir(parents=True, exist_ok=True)
        text_source = work / f"{path.name}-{sha256[:12]}.extracted"
        try:
            with _ArchiveMember(path, kind, member) as (raw, member):
                _copy(raw, text_source, progress, "extracting")
        except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile):
            raise InputError(f"the {kind} archive is damaged or truncated", path) from None
        except RuntimeError:  # zipfile's way of saying the member is encrypted
            raise InputError("the archive is password-protected", path) from None
        probe = _probe(text_source, path, progress, encoding=encoding, sha=False)
        single_byte = probe.sha256 is None

    detected, lossy, sentinel = probe.encoding, probe.lossy, probe.sentinel
    if in_memory is None:
        in_memory = text_source.stat().st_size <= IN_MEMORY_BYTES
    utf8: Path | bytes
    if detected in ("utf-8", "utf-8-sig") and not probe.cr_only:
        utf8 = text_source
    else:
        work.mkdir(parents=True, exist_ok=True)
        # A small file is transcoded in memory: no UTF-8 copy of raw personal data on disk. A
        # large one is named after the input's sha256 once known (hashed while transcoded).
        partial = work / f"{path.name}.{os.getpid()}.utf8.partial"
        try:
            with io.BytesIO() if in_memory else partial.open("w+b") as out:
                if single_byte:
                    detected, sha, sentinel = _transcode_single_byte(
                        text_source, out, progress, probe.cr_only, hash_input=kind is None
                    )
                    sha256 = sha or sha256
                    lossy = False
                else:
                    lossy, sentinel = _transcode(
                        text_source, out, detected, progress, probe.cr_only
                    )
                utf8 = out.getvalue() if isinstance(out, io.BytesIO) else partial
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if isinstance(utf8, Path):
            utf8 = utf8.replace(work / f"{path.name}-{sha256[:12]}.utf8.csv")
        if kind is not None:
            text_source.unlink()
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
        quarantine=work / f"{stem}.quarantine.csv",
        clean=work / f"{stem}.clean.csv",
        progress=progress,
        shown=path,
    )
    if account.rows_read == 0:
        raise InputError("has a header but no data rows", path)

    source = account.clean_path or utf8
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
        source_path=source if isinstance(source, Path) else path,
        in_memory=bool(in_memory),
    )


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
    """Context manager yielding (binary stream, member name) of the delimited file inside."""

    def __init__(self, path: Path, kind: str, member: str | None):
        self.path, self.kind, self.member = path, kind, member
        self._closers: list = []

    def __enter__(self) -> tuple[BinaryIO, str | None]:
        if self.kind == "gz":
            stream = gzip.open(self.path, "rb")
            self._closers.append(stream)
            return stream, None
        try:
            archive = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile:
            raise InputError("is not a readable zip archive", self.path) from None
        self._closers.append(archive)
        name = self.member or _pick_member(archive, self.path)
        if name not in archive.namelist():
            raise InputError(f"the archive has no member named {name!r}", self.path)
        stream = archive.open(name)
        self._closers.append(stream)
        return stream, name

    def __exit__(self, *exc: object) -> None:
        for closer in reversed(self._closers):
            closer.close()


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


def _copy(raw: BinaryIO, target: Path, progress: bool, what: str) -> None:
    with target.open("wb") as out, _bar(None, progress, what) as bar:
        while chunk := raw.read(_CHUNK):
            out.write(chunk)
            bar.update(len(chunk))


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


def _chunks(path: Path, progress: bool, what: str) -> Iterator[bytes]:
    with path.open("rb") as fh, _bar(path.stat().st_size, progress, what) as bar:
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


def _probe(source: Path, shown: Path, progress: bool, *, encoding: str | None, sha: bool) -> _Probe:
    """One pass over the bytes: sha256, encoding (BOM, strict UTF-8, cp1252 vs latin-1)."""
    with source.open("rb") as fh:
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
    source: Path,
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
    source: Path, out: BinaryIO, progress: bool, cr_only: bool, *, hash_input: bool
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
    clean_path: Path | None


def _account(
    utf8: Path | bytes,
    *,
    expected_fields: int,
    delimiter: str,
    header_records: int,
    lossy: bool,
    sentinel: str,
    quarantine: Path,
    clean: Path,
    progress: bool,
    shown: Path,
) -> _Account:
    """Split the file into records, classify each, quarantine the bad ones; count everything."""
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
                    quarantine.parent.mkdir(parents=True, exist_ok=True)
                    q_file = quarantine.open("w", encoding="utf-8", newline="")
                    q_writer = csv.writer(q_file)
                    q_writer.writerow(["line", "reason", "raw"])
                    clean_file = clean.open("wb")
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
    finally:
        for fh in (q_file, clean_file):
            if fh is not None:
                fh.close()
    return _Account(
        rows_read=records_seen,
        reasons=reasons,
        quarantine_path=quarantine if clean_file is not None else None,
        clean_path=clean if clean_file is not None else None,
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


__all__ = ["DELIMITERS", "IN_MEMORY_BYTES", "REASONS", "Ingested", "read_leak"]
