"""Comparing copies of a leak: files in, a :class:`~toolkit.safe.compare.Comparison` out.

The chain of ``python -m toolkit compare``: each copy is read and classified
(``toolkit.app.workflows.read_and_classify``), the column keys every copy shares are worked out,
each copy is turned into its keyed fingerprint frame (``toolkit.boundary.fingerprints``) and
closed at once (its private copies deleted), and the frames are compared on the safe side
(``toolkit.safe.compare``). Nothing printed holds a value from a file: the report gives file
facts, whole-copy and pair counts and verdicts; the per-lab, per-month and per-département
``differences`` (counts down to 1) are never printed nor put in the JSON.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.app.workflows import read_and_classify
from toolkit.boundary import fingerprints, tripwire
from toolkit.boundary.tripwire import Identifiers
from toolkit.raw.ingest import Ingested, ReadOptions
from toolkit.raw.schema import Schema
from toolkit.safe.compare import Comparison, Copy, compare
from toolkit.shared import formatting
from toolkit.shared.errors import InputError
from toolkit.shared.scratch import sink_private, temporary_folder
from toolkit.shared.text import plural, text


def compare_files(
    paths: list[str | Path],
    key: bytes,
    *,
    labels: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    read_options: ReadOptions | None = None,
    progress: bool = True,
    identifiers: list[Identifiers] | None = None,
) -> Comparison:
    """Read two or more copies of a leak and compare them (counts and verdicts, no value).

    ``key`` is the pseudonymisation key (``toolkit.boundary.keys.load_key``): person ids are
    those of the safe table. ``labels`` name the copies (default "A", "B"…); ``overrides``
    force columns' categories in every copy (``--map``). A copy that is empty, holds no
    readable row, or in which no column identifies a person raises ``InputError`` naming it.
    Copies are read and classified two at a time (one at a time with ``progress``, so that the
    progress bars stay readable) and held open until all are (the column keys they share
    decide what is compared), then fingerprinted two at a time, each closed (its private
    copies deleted) as soon as its fingerprints are taken. Given a list, ``identifiers``
    receives each copy's identifiers for the tripwire (in the copies' order), taken on the same
    read (publishing a comparison needs them).
    """
    if len(paths) < 2:
        raise InputError("give at least two copies to compare")

    def opened(path: str | Path) -> tuple[Path, Ingested, Schema]:
        raw, classes = read_and_classify(path, overrides=overrides, progress=progress,
                                         read_options=read_options)  # fmt: skip
        try:
            if raw.rows_parsed == 0:
                raise InputError(f"no readable record ({raw.rows_quarantined} rows set aside)",
                                 path)  # fmt: skip
            fingerprints.check_identifies_persons(classes, path)
        except BaseException:
            raw.close()
            raise
        return Path(path), raw, classes

    def fingerprinted(
        item: tuple[Path, Ingested, Schema], n: int
    ) -> tuple[Copy, Identifiers | None]:
        path, raw, classes = item
        lazy = fingerprints.fingerprints(raw, classes, key, compared=compared)
        if spill is None:
            frame: pl.DataFrame | pl.LazyFrame = lazy.collect()
        else:  # streamed to a private file of the comparison's folder
            frame = pl.scan_parquet(sink_private(lazy, spill / f"copy_{n}.parquet"))
        found = tripwire.collect_identifiers(raw, classes) if identifiers is not None else None
        raw.close()  # its private copies go as soon as its fingerprints are taken
        return Copy(
            name=path.name, sha256=raw.sha256, size=path.stat().st_size,
            rows_read=raw.rows_read, rows_quarantined=raw.rows_quarantined,
            encoding=raw.encoding, delimiter=raw.delimiter, columns=dict(classes.mapping),
            fingerprints=frame,
        ), found  # fmt: skip

    # Two at a time: what one copy runs in Python (decoding, keyed hashes) overlaps with what
    # Polars, which releases Python's lock, runs for the other.
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=2) as pool:
        readers = stack.enter_context(ThreadPoolExecutor(max_workers=1)) if progress else pool
        reading = [readers.submit(opened, path) for path in paths]
        wait(reading)
        read = []
        for future in reading:
            if future.exception() is None:
                stack.callback(future.result()[1].close)
                read.append(future.result())
        for future in reading:  # the first failure in the order given is the one reported
            future.result()
        shared = set.intersection(*(set(fingerprints.column_keys(classes, raw.columns))
                                    for _, raw, classes in read))  # fmt: skip
        compared = sorted(shared)
        # A copy too large to be held in memory is fingerprinted alone, into a private file.
        large = not all(raw.in_memory for _, raw, _ in read)
        spill = stack.enter_context(temporary_folder("compare-")) if large else None
        numbered = range(len(read))
        made = list((map if large else pool.map)(fingerprinted, read, numbered))
        if identifiers is not None:  # raw-side values: they never reach the safe-side comparison
            identifiers.extend(found for _, found in made if found is not None)
        return compare([copy for copy, _ in made], labels=labels, spill=spill)


# --- reports --------------------------------------------------------------------------------


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    """The comparison as plain data for ``--json``, without the unprotected ``differences``."""
    return {
        "copies": [asdict(c) for c in comparison.copies],
        "pairs": [
            {**asdict(p), "columns_recategorised": [list(t) for t in p.columns_recategorised]}
            for p in comparison.pairs
        ],
        "overlap": comparison.overlap.to_dicts(),
        "verdict_fr": comparison.verdict_fr,
        "verdict_en": comparison.verdict_en,
    }


def _n(value: int) -> str:
    return formatting.number(value)


def comparison_text(comparison: Comparison) -> str:
    """The French report: each copy, each pair, then all the copies (whole-copy counts only)."""
    lines = []
    for c in comparison.copies:
        lines += [
            text("compare.report.copy", label=c.label, name=c.name),
            text("compare.report.file", sha256=c.sha256, size=_n(c.size), encoding=c.encoding,
                 delimiter=c.delimiter),
            text("compare.report.rows", rows_read=_n(c.rows_read),
                 rows_quarantined=_n(c.rows_quarantined), records=_n(c.records),
                 duplicates=_n(c.duplicates), persons=_n(c.persons)),
            text("compare.report.columns", n=len(c.columns),
                 columns=", ".join(f"{h}={k}" for h, k in c.columns.items())),
        ]  # fmt: skip
    for p in comparison.pairs:
        names = {"a": p.a, "b": p.b}
        lines += [
            "",
            text("compare.report.pair", **names),
            text("compare.report.records", **names, only_a=_n(p.records_only_a),
                 only_b=_n(p.records_only_b), both=_n(p.records_both)),
            text("compare.report.persons", **names, only_a=_n(p.persons_only_a),
                 only_b=_n(p.persons_only_b), both=_n(p.persons_both)),
            text("compare.report.changed", n=_n(p.changed_records)),
        ]  # fmt: skip
        for label, only in ((p.a, p.columns_only_in_a), (p.b, p.columns_only_in_b)):
            if only:
                lines.append(text("compare.report.columns_only", label=label,
                                  columns=", ".join(only)))  # fmt: skip
        if p.columns_recategorised:
            moved = ", ".join(f"{h} ({a} -> {b})" for h, a, b in p.columns_recategorised)
            lines.append(text("compare.report.recategorised", columns=moved))
        lines.append(text("compare.report.verdict", verdict=p.verdict_fr))
    lines += ["", text("compare.report.all"),
              text("compare.report.verdict", verdict=comparison.verdict_fr)]  # fmt: skip
    for row in comparison.overlap.iter_rows(named=True):
        lines.append(text("compare.report.overlap", copies=row["copies"],
                          records=plural("compare.records", row["records"], n=_n(row["records"])),
                          persons=plural("compare.persons", row["persons"],
                                         n=_n(row["persons"]))))  # fmt: skip
    return "\n".join(lines)


__all__ = ["compare_files", "comparison_dict", "comparison_text"]
