"""Workflows: the chains from a raw leak (or a pseudonymised table) to a result, one call each.

This is where the two sides of the privacy boundary meet, on purpose and nowhere else: a
workflow reads and classifies a raw leak (``toolkit.raw``), crosses the boundary
(``toolkit.boundary``), and hands only the safe table to the safe and publication sides. The
kind of input is always explicit: a function takes a raw leak or a pseudonymised table, and
:func:`input_kind` tells them apart by their content (a Parquet file starts and ends with
``PAR1``), never by a file suffix.

* :func:`inspect_file`, :func:`verify_file`: what ``inspect`` and ``verify`` print;
* :func:`pseudonymise_file`: a leak -> its safe table on disk (``pseudonymise``);
* :func:`verify_and_pseudonymise`: both at once on a leak already read (``demo``);
* the publication workflows are in ``toolkit.app.publishing`` (they load the charting stack);
* :func:`identifiers_of`: a leak's identifiers for the tripwire.

A leak read here may leave private copies on disk (``toolkit.raw.ingest``): each workflow that
returns a result computed from them deletes them before it returns (``Ingested.close``); the
ones that return the leak itself (:func:`read_and_classify`, :func:`inspect_file`) leave that to
the caller, the end of the command's ``toolkit.shared.scratch`` session, or the process exit.
``read_options`` (``ingest.ReadOptions``) carries the user's archive limits and whether to keep
the quarantine file.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from toolkit.boundary import keys, pseudonymise, tripwire
from toolkit.boundary.safe_table import DEFAULT_SAFE_TABLE, Provenance, write_safe_table
from toolkit.boundary.tripwire import Identifiers
from toolkit.raw import claims, ingest, schema, verify
from toolkit.raw.ingest import Ingested, ReadOptions
from toolkit.raw.schema import Schema
from toolkit.shared import paths
from toolkit.shared.case import Case, load_case
from toolkit.shared.errors import InputError
from toolkit.shared.gazetteer import RESOLUTIONS

InputKind = Literal["leak", "safe_table"]

_PARQUET_MAGIC = b"PAR1"


def input_kind(path: str | Path) -> InputKind:
    """``"safe_table"`` for a Parquet file (``PAR1`` at both ends), else ``"leak"``."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path)
    with path.open("rb") as fh:
        head = fh.read(4)
        if head != _PARQUET_MAGIC or path.stat().st_size < 12:
            return "leak"
        fh.seek(-4, 2)
        return "safe_table" if fh.read(4) == _PARQUET_MAGIC else "leak"


# --- reading a leak ------------------------------------------------------------------------------


def is_synthetic(leak: str | Path) -> bool:
    """Whether ``leak`` is a synthetic leak: the embedded default, or a file the generator
    wrote (its ``<file>.truth.json`` lies beside it). Its outputs then say « Données
    fictives », so that a chart shared alone never passes fiction off as a real leak."""
    path = Path(leak)
    if path.resolve() == paths.DEFAULT_LEAK.resolve():
        return True
    return path.with_name(path.name + ".truth.json").exists()


def read_and_classify(
    leak: str | Path,
    *,
    overrides: dict[str, str] | None = None,
    progress: bool = False,
    read_options: ReadOptions | None = None,
) -> tuple[Ingested, Schema]:
    """Read a raw leak and classify its columns (``overrides``: forced categories).

    The caller closes the leak (``Ingested.close``) when done with it. A quarantine file kept at
    the user's request is named on stderr (its path, never its content).
    """
    options = read_options or ReadOptions()
    raw = ingest.read_leak(leak, progress=progress, **options.arguments())
    try:
        classes = schema.classify(raw.frame, overrides)
    except BaseException:
        raw.close()
        raise
    if options.keep_quarantine and raw.quarantine_path is not None:
        print(f"leak-toolkit: {raw.rows_quarantined} quarantined rows kept in "
              f"{raw.quarantine_path} (raw personal data, readable by you only)",
              file=sys.stderr)  # fmt: skip
    return raw, classes


def inspect_file(
    leak: str | Path,
    *,
    overrides: dict[str, str] | None = None,
    progress: bool = False,
    read_options: ReadOptions | None = None,
) -> tuple[Ingested, Schema]:
    """What ``inspect`` reports on: the leak as read and its columns' categories."""
    return read_and_classify(
        leak, overrides=overrides, progress=progress, read_options=read_options
    )


def verify_file(
    leak: str | Path,
    *,
    overrides: dict[str, str] | None = None,
    progress: bool = False,
    read_options: ReadOptions | None = None,
    case: Case | str | os.PathLike[str] | None = None,
) -> tuple[verify.VerifyReport, pl.DataFrame]:
    """Verify a leak (counts only) and check the claims published about ``case`` against it
    (``toolkit.shared.case``; default: the 2021 leak)."""
    case = load_case(case)  # a bad case file fails before the leak is read
    raw, classes = read_and_classify(
        leak, overrides=overrides, progress=progress, read_options=read_options
    )
    with raw:
        report = verify.verify(raw, classes, progress=progress)
    return report, claims.check_claims(report, case=case)


def identifiers_of(leak: str | Path, *, read_options: ReadOptions | None = None) -> Identifiers:
    """Read and classify a raw leak, and return its identifiers for the tripwire (in memory)."""
    raw, classes = read_and_classify(leak, read_options=read_options)
    with raw:
        return tripwire.collect_identifiers(raw, classes)


def raw_input_info(raw: Ingested, records: int, *, label: str | None = None) -> dict[str, Any]:
    """The manifest's description of a raw input: sha256, rows, encoding, never a value.

    The file's name is not recorded (a leak's file name may itself hold personal data); a
    ``label`` given by the user names the input instead, and is scanned by the tripwire.
    """
    return {
        "kind": "raw leak",
        "label": label,
        "sha256": raw.sha256,
        "records": records,
        "rows_read": raw.rows_read,
        "rows_quarantined": raw.rows_quarantined,
        "quarantine_reasons": dict(sorted(raw.quarantine_reasons.items())),
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
    }


# --- crossing the boundary -----------------------------------------------------------------------


def verify_and_pseudonymise(
    raw: Ingested, classes: Schema, key: bytes, out: str | Path, *, progress: bool = False
) -> tuple[verify.VerifyReport, Path]:
    """Verify ``raw`` and write its safe table to ``out``; return the report and the path.

    Verification (counts only) and pseudonymisation read the same records and do not depend on
    each other. For a leak held in memory (``ingest.IN_MEMORY_BYTES``) they run at the same
    time, in two threads: Polars releases Python's lock while it computes, and each stage leaves
    the other's cores idle part of the time (the keyed hash runs in Python, verification ends on
    a few whole-column counts). A streamed leak runs them one after the other, so that their
    memory peaks never add up. The result is the same as running them one after the other.
    """

    provenance = Provenance(raw.sha256, keys.fingerprint(key))

    def safe_table() -> Path:
        return write_safe_table(pseudonymise.pseudonymise(raw, classes, key), out,
                                provenance=provenance)  # fmt: skip

    if not raw.in_memory:
        report = verify.verify(raw, classes, progress=progress)
        return report, safe_table()
    with ThreadPoolExecutor(max_workers=1) as background:
        checking = background.submit(verify.verify, raw, classes, progress=progress)
        path = safe_table()
        return checking.result(), path


@dataclass
class PseudonymiseResult:
    """What :func:`pseudonymise_file` did: counts only, never a value."""

    path: Path
    records: int
    persons: int
    resolution: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the terminal: records, persons, how residences were resolved."""
        lines = [f"safe table: {self.path}", f"records: {self.records}", f"persons: {self.persons}"]
        for status, n in self.resolution.items():
            share = n / self.records if self.records else 0.0
            lines.append(f"residence {status}: {n} ({share:.1%})")
        return "\n".join(lines)


def pseudonymise_file(
    leak: str | Path,
    out: str | Path = DEFAULT_SAFE_TABLE,
    *,
    key_file: str | Path | None = None,
    progress: bool = False,
    read_options: ReadOptions | None = None,
) -> PseudonymiseResult:
    """Read a leak, classify its columns, pseudonymise it and write the safe table to ``out``.

    The safe table is personal data: ``out`` is created readable by its owner only (0600).
    """
    key = keys.load_key(key_file)
    raw, classes = read_and_classify(leak, progress=progress, read_options=read_options)
    provenance = Provenance(raw.sha256, keys.fingerprint(key))
    with raw:
        path = write_safe_table(pseudonymise.pseudonymise(raw, classes, key), out,
                                provenance=provenance)  # fmt: skip
    # Counted from the file just written, streaming: the table is never whole in memory.
    written = pl.scan_parquet(path)
    records, persons = (
        written.select(pl.len(), pl.col("person_id").n_unique()).collect(engine="streaming").row(0)
    )
    counts = written.group_by("residence_resolution").len().collect(engine="streaming")
    resolution = {
        status: int(counts.filter(pl.col("residence_resolution") == status)["len"].sum())
        for status in RESOLUTIONS
    }
    if progress:
        print(f"leak-toolkit: wrote {path}", file=sys.stderr)
    return PseudonymiseResult(path=path, records=records, persons=persons, resolution=resolution)


def safe_table_of(
    leak: str | Path, key: bytes | None = None, *, read_options: ReadOptions | None = None
) -> pl.DataFrame:
    """Read, classify and pseudonymise ``leak`` in memory: its safe table as a DataFrame.

    ``key`` defaults to the project's key (``toolkit.boundary.keys.load_key``).
    """
    raw, classes = read_and_classify(leak, read_options=read_options)
    with raw:
        secret = keys.load_key() if key is None else key
        return pseudonymise.pseudonymise(raw, classes, secret).collect()


__all__ = [
    "InputKind",
    "PseudonymiseResult",
    "identifiers_of",
    "input_kind",
    "inspect_file",
    "pseudonymise_file",
    "raw_input_info",
    "read_and_classify",
    "safe_table_of",
    "verify_and_pseudonymise",
    "verify_file",
]
