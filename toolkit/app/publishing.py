"""Publishing workflows: a raw leak or a pseudonymised table in, a publication bundle out.

The kind of input is explicit: :func:`publish_leak` takes a raw leak, which it reads, classifies
and pseudonymises into a temporary safe table under ``data/interim/`` (deleted when the bundle is
written or anything fails); :func:`publish_safe_table` takes a pseudonymised table (Parquet).
``toolkit.app.workflows.input_kind`` tells them apart by content, for the command line.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from toolkit.app.workflows import identifiers_of, input_kind, raw_input_info, read_and_classify
from toolkit.boundary import keys, pseudonymise, tripwire
from toolkit.boundary.safe_table import (
    SafeTable,
    read_safe_table,
    validate_safe_table,
    write_safe_table,
)
from toolkit.boundary.tripwire import Identifiers
from toolkit.publication import disclosure
from toolkit.publication.bundle import build_bundle, check_out_folder, write_bundle
from toolkit.safe.labs import locate_labs
from toolkit.shared import paths
from toolkit.shared.errors import InputError

# --- publishing ----------------------------------------------------------------------------------


@dataclass
class PublishResult:
    """What a publish workflow wrote, and the figures worth printing."""

    out: Path
    files: list[Path]
    manifest: dict[str, Any]

    def summary(self) -> str:
        """A few lines for the terminal: where the bundle is, what it holds."""
        m = self.manifest
        suppressed = sum(f["suppressed_cells"] for f in m["figures"])
        cells = sum(f["cells"] for f in m["figures"])
        lines = [
            f"bundle: {self.out} ({len(self.files)} files)",
            f"records: {m['input']['records']:,}  persons: {m['persons']:,}",
            f"figures: {len(m['figures'])}  cells suppressed: {suppressed:,} of {cells:,} "
            f"(k = {m['parameters']['k']})",
        ]
        lines += [f"left out: {o['figure']} ({o['reason']})" for o in m["left_out"]]
        return "\n".join(lines)


def _check_parameters(k: int, rounding: int | None, epsilon: float | None) -> None:
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    if rounding is not None and rounding not in (5, 10):
        raise InputError(f"rounding must be 5 or 10, got {rounding}")
    if epsilon is not None and not epsilon > 0:
        raise InputError(f"epsilon must be a positive number, got {epsilon}")


def _scratch_safe_table(scratch: ExitStack) -> Path:
    """A temporary safe table's path under ``data/interim/``, deleted when ``scratch`` closes."""
    paths.INTERIM.mkdir(parents=True, exist_ok=True)
    folder = tempfile.TemporaryDirectory(prefix="publish-", dir=paths.INTERIM)
    scratch.enter_context(folder)
    return Path(folder.name) / "safe.parquet"


def _located(labs: str | Path | pl.DataFrame | None) -> tuple[pl.DataFrame | None, dict]:
    if isinstance(labs, pl.DataFrame):
        return labs, {"registry_sha256": None, "located": labs.height}
    if labs is not None:
        return locate_labs(labs)
    return None, {"registry_sha256": None, "located": 0}


def _publish(
    safe: SafeTable,
    out: str | Path,
    *,
    info: dict[str, Any],
    identifiers: Identifiers,
    labs: str | Path | pl.DataFrame | None,
    k: int,
    rounding: int | None,
    epsilon: float | None,
    synthetic: bool,
    progress: bool,
    stages: tqdm,
) -> PublishResult:
    located, labs_info = _located(labs)
    stages.update(1)
    bundle = build_bundle(
        safe, input_info=info, identifiers=identifiers, k=k, rounding=rounding,
        epsilon=epsilon, labs=located, labs_info=labs_info, synthetic=synthetic,
        progress=progress,
    )  # fmt: skip
    written = write_bundle(bundle, out, identifiers)
    stages.update(1)
    return PublishResult(Path(out), written, bundle.manifest)


def _stages(progress: bool) -> tqdm:
    return tqdm(total=4, desc="publish", unit="stage", file=sys.stderr, disable=not progress)


def publish_leak(
    leak: str | Path,
    out: str | Path,
    *,
    key_file: str | Path | None = None,
    key: bytes | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
    epsilon: float | None = None,
    synthetic: bool = False,
    progress: bool = False,
) -> PublishResult:
    """Write the publication bundle of a raw leak into ``out``.

    The leak is read, classified and pseudonymised (key from ``key`` or ``key_file``, else
    ``toolkit.boundary.keys.load_key``) into a temporary safe table under ``data/interim/``,
    deleted when the bundle is written or anything fails; the tripwire searches every
    identifier of the leak. ``labs`` is a lab list (CSV registry or FINESS extract) or already
    located labs; without it the figures that need lab locations are left out.
    """
    _check_parameters(k, rounding, epsilon)
    leak = Path(leak)
    if not leak.exists():
        raise InputError("file not found", leak)
    check_out_folder(out)
    stages = _stages(progress)
    # The safe table lives in a temporary folder until the bundle is written, and the folder
    # goes whatever happens (an error, a tripwire hit, Ctrl-C).
    with ExitStack() as scratch:
        raw, classes = read_and_classify(leak, progress=progress)
        stages.update(1)
        identifiers = tripwire.collect_identifiers(raw, classes)
        # Streamed to Parquet and scanned back: the whole table is never in memory (33 M rows
        # would take gigabytes).
        path = _scratch_safe_table(scratch)
        write_safe_table(
            pseudonymise.pseudonymise(raw, classes, key or keys.load_key(key_file)), path
        )
        safe = read_safe_table(path)
        info = raw_input_info(raw, pl.scan_parquet(path).select(pl.len()).collect().item())
        stages.update(1)
        result = _publish(
            safe, out, info=info, identifiers=identifiers, labs=labs, k=k, rounding=rounding,
            epsilon=epsilon, synthetic=synthetic, progress=progress, stages=stages,
        )  # fmt: skip
    stages.close()
    return result


def publish_safe_table(
    safe_table: str | Path,
    out: str | Path,
    *,
    leak: str | Path | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    k: int = disclosure.DEFAULT_K,
    rounding: int | None = None,
    epsilon: float | None = None,
    synthetic: bool = False,
    progress: bool = False,
) -> PublishResult:
    """Write the publication bundle of a pseudonymised table (Parquet) into ``out``.

    Give ``leak`` (the raw file it came from) so that the tripwire searches its identifiers;
    without it only NIR-, phone- and email-shaped strings are searched.
    """
    _check_parameters(k, rounding, epsilon)
    source = Path(safe_table)
    if not source.exists():
        raise InputError("file not found", source)
    if input_kind(source) != "safe_table":
        raise InputError("not a pseudonymised table (Parquet): publish the leak instead", source)
    check_out_folder(out)
    stages = _stages(progress)
    # Kept lazy: the aggregates stream from the file, whatever its size.
    safe = validate_safe_table(read_safe_table(source))
    with source.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    info: dict[str, Any] = {
        "kind": "safe table",
        "file_name": source.name,
        "sha256": digest,
        "records": safe.select(pl.len()).collect().item(),
        "rows_read": None,
        "rows_quarantined": None,
    }
    identifiers = tripwire.shapes_only()
    if leak is not None:
        identifiers = identifiers_of(leak)
    elif progress:
        print("leak-toolkit: no --leak given: the tripwire searches NIR-, phone- and "
              "email-shaped strings only", file=sys.stderr)  # fmt: skip
    stages.update(2)
    result = _publish(
        safe, out, info=info, identifiers=identifiers, labs=labs, k=k, rounding=rounding,
        epsilon=epsilon, synthetic=synthetic, progress=progress, stages=stages,
    )  # fmt: skip
    stages.close()
    return result


__all__ = ["PublishResult", "publish_leak", "publish_safe_table"]
