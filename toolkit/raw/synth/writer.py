"""Writing a synthetic leak: the CSV chunk by chunk, then its truth file and its lab registry.

:func:`write_synthetic_leak` checks its arguments, decides the plan, builds the spellings, writes
the file in chunks of :data:`CHUNK_ROWS` rows, each from its own generator seeded with the seed and
the chunk's number, and then writes ``<file>.truth.json`` and ``<stem>.labs.csv`` beside it. The
same arguments and chunk size always give the same bytes. :data:`CHUNK_ROWS` is read from this
module at each call (the truth file records it): patch it here to change the chunk size.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from toolkit.raw.synth import modes
from toolkit.raw.synth.calibration import PUBLISHED_ROWS
from toolkit.raw.synth.chunks import chunk_frame
from toolkit.raw.synth.columns import COLUMNS
from toolkit.raw.synth.labs import lab_registry
from toolkit.raw.synth.plan import Plan, make_plan
from toolkit.raw.synth.spellings import Spellings, build_spellings
from toolkit.raw.synth.truth import build_truth, tally_chunk
from toolkit.shared.errors import ToolkitError

CHUNK_ROWS = 250_000


@dataclass
class SynthResult:
    """What :func:`write_synthetic_leak` wrote: the leak, its truth file and its lab registry."""

    path: Path
    truth_path: Path
    labs_path: Path
    rows: int
    columns: list[str]
    truth: dict[str, Any] = field(repr=False)


def _check_arguments(path: Path, rows: int, encoding: str, delimiter: str) -> str:
    """The codec to write with, once every argument is known to be usable."""
    if isinstance(rows, bool) or not isinstance(rows, int) or rows <= 0:
        raise ToolkitError(f"the number of rows must be a positive whole number, got {rows!r}")
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ToolkitError(f"unknown encoding {encoding!r} (try cp1252 or utf-8)") from None
    try:
        # Chunks are encoded one by one: the codec must leave ASCII alone (no BOM, no UTF-16)
        # and write the letters of French names and communes ("œ" is missing from Latin-1).
        usable = "a;".encode(codec) == b"a;" and "é œ".encode(codec).decode(codec) == "é œ"
    except UnicodeEncodeError:
        usable = False
    if not usable:
        raise ToolkitError(f"the encoding {encoding} cannot write this file: it needs ASCII "
                           f"bytes and French letters such as é and œ (try cp1252 or utf-8)")
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ToolkitError(f"the delimiter must be one character other than a quote or newline, "
                           f"got {delimiter!r}")
    folder = path.parent
    if not folder.is_dir():
        raise ToolkitError(f"{folder}: the output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise ToolkitError(f"{folder}: the output folder is not writable")
    if path.is_dir():
        raise ToolkitError(f"{path}: is a folder, give a file name")
    return codec


def _write_chunks(path: Path, plan: Plan, spellings: Spellings, seed: int, codec: str,
                  delimiter: str, chunk_rows: int, tallies: dict[str, int], bar: tqdm) -> None:
    """Write the file chunk by chunk, each from its own seeded generator; add up the tallies."""
    with path.open("wb") as out:
        for i, start in enumerate(range(0, plan.rows, chunk_rows)):
            stop = min(start + chunk_rows, plan.rows)
            rng = np.random.default_rng(np.random.SeedSequence([seed, 1, i]))
            frame, dirt = chunk_frame(plan, spellings, start, stop, rng)
            for key, value in {**dirt, **tally_chunk(frame, delimiter)}.items():
                tallies[key] = tallies.get(key, 0) + value
            buffer = io.BytesIO()
            frame.write_csv(buffer, separator=delimiter, include_header=(i == 0),
                            line_terminator="\r\n", quote_style="necessary")
            data = buffer.getvalue()
            # Polars writes UTF-8; the codec was checked to handle French letters and ASCII.
            out.write(data if codec == "utf-8" else data.decode("utf-8").encode(codec))
            bar.update(stop - start)


def write_synthetic_leak(path: str | os.PathLike[str], rows: int = PUBLISHED_ROWS,
                         seed: int = 2021, encoding: str = "cp1252", delimiter: str = ";",
                         progress: bool = True, mode: str = "published") -> SynthResult:
    """Write a synthetic leak, its ``<file>.truth.json`` and its ``<stem>.labs.csv``.

    ``mode`` (``toolkit.raw.synth.modes.MODES``): ``published`` (the default, calibrated on the
    published figures), ``realistic`` or ``naive`` (what a forger with Faker would write); the
    planted counts are the same in all three.
    """
    path = Path(path)
    codec = _check_arguments(path, rows, encoding, delimiter)
    modes.check_mode(mode)
    plan = make_plan(rows, seed, mode)
    spellings = build_spellings(plan)
    chunk_rows = CHUNK_ROWS
    tallies: dict[str, int] = {}
    bar = tqdm(total=rows, unit="rows", desc="synthetic leak", file=sys.stderr,
               disable=not progress, unit_scale=True)
    try:
        _write_chunks(path, plan, spellings, seed, codec, delimiter, chunk_rows, tallies, bar)
    except BaseException:
        path.unlink(missing_ok=True)  # never leave half a leak behind
        raise
    finally:
        bar.close()
    truth = build_truth(plan, seed, codec, delimiter, chunk_rows, tallies)
    truth["file_bytes"] = path.stat().st_size
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    labs_path = path.with_name(path.stem + ".labs.csv")
    lab_registry().write_csv(labs_path)
    return SynthResult(path, truth_path, labs_path, rows, list(COLUMNS), truth)


def summary_text(result: SynthResult) -> str:
    """A short human summary of a synthetic leak: size, labs, period, where the truth is."""
    t = result.truth
    size = t.get("file_bytes", result.path.stat().st_size if result.path.exists() else 0)
    return "\n".join([
        f"Synthetic leak written: {result.path}",
        f"  {result.rows:,} rows x {len(result.columns)} columns, {size / 1e6:,.1f} MB "
        f"({t['encoding']}, delimiter {t['delimiter']!r})",
        f"  {len(t['labs'])} fictional labs, samples {t['period']['first_sample']} to "
        f"{t['period']['last_sample']}",
        f"  {t['duplicates']['distinct_persons']:,} distinct persons, "
        f"{t['duplicates']['duplicate_rows']:,} duplicate rows",
        f"  truth (what was planted): {result.truth_path}",
        f"  lab registry: {result.labs_path}",
    ])
