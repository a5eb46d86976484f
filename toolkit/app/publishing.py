"""Publishing workflows: a raw leak or a pseudonymised table in, a publication bundle out.

The kind of input is explicit: :func:`publish_leak` takes a raw leak, which it reads, classifies
and pseudonymises into a temporary safe table under ``data/interim/`` (deleted when the bundle is
written or anything fails); :func:`publish_safe_table` takes a pseudonymised table (Parquet).
``toolkit.app.workflows.input_kind`` tells them apart by content, for the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from toolkit.app.compare import compare_files
from toolkit.app.workflows import identifiers_of, input_kind, raw_input_info, read_and_classify
from toolkit.boundary import keys, pseudonymise, tripwire
from toolkit.boundary.safe_table import (
    Provenance,
    SafeTable,
    read_provenance,
    read_safe_table,
    validate_safe_table,
    write_safe_table,
)
from toolkit.boundary.tripwire import Identifiers
from toolkit.publication import disclosure
from toolkit.publication.bundle import build_bundle, build_extra, check_out_folder, write_bundle
from toolkit.publication.comparison import comparison_release
from toolkit.publication.ledger import DEFAULT_EPSILON_BUDGET, Ledger, Release
from toolkit.raw.ingest import Ingested, ReadOptions
from toolkit.safe.compare import Comparison
from toolkit.safe.labs import lab_labels, locate_labs
from toolkit.shared import paths
from toolkit.shared.case import Case, load_case
from toolkit.shared.errors import InputError
from toolkit.shared.scratch import temporary_folder

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


@dataclass(frozen=True)
class Protection:
    """How a release is protected: threshold, rounding or differential privacy, DP budget."""

    k: int = disclosure.DEFAULT_K
    rounding: int | None = None
    epsilon: float | None = None
    #: A threshold below 11 (down to 5) must be asked for deliberately.
    allow_small_k: bool = False
    #: The differential-privacy budget of all releases of one key together.
    epsilon_budget: float = DEFAULT_EPSILON_BUDGET

    def check(self) -> None:
        """Refuse impossible or unsafe parameters with one line."""
        disclosure.check_threshold(self.k, allow_small_k=self.allow_small_k)
        if self.rounding is not None and self.rounding not in (5, 10):
            raise InputError(f"rounding must be 5 or 10, got {self.rounding}")
        if self.epsilon is not None and not self.epsilon > 0:
            raise InputError(f"epsilon must be a positive number, got {self.epsilon}")
        if self.rounding is not None and self.epsilon is not None:
            raise InputError("choose rounding or differential privacy (epsilon), not both")

    def parameters(self) -> dict[str, Any]:
        """What the ledger records of these parameters."""
        return {"k": self.k, "rounding": self.rounding, "epsilon": self.epsilon}


def open_ledger(key: bytes, key_file: str | Path | None = None) -> Ledger:
    """The release ledger of ``key``, kept beside the key (see ``toolkit.boundary.keys``)."""
    fingerprint = keys.fingerprint(key)
    return Ledger.open(keys.ledger_path(fingerprint, key_file), fingerprint)


def _scratch_safe_table(scratch: ExitStack) -> Path:
    """A temporary safe table's path under ``data/interim/``, deleted when ``scratch`` closes.

    Its folder is private (0700) and the table written there private too (0600).
    """
    return scratch.enter_context(temporary_folder("publish-", paths.INTERIM)) / "safe.parquet"


def _located(labs: str | Path | pl.DataFrame | None) -> tuple[pl.DataFrame | None, dict]:
    if isinstance(labs, pl.DataFrame):
        return labs, {"registry_sha256": None, "located": labs.height}
    if labs is not None:
        return locate_labs(labs)
    return None, {"registry_sha256": None, "located": 0}


def public_lab_names(located: pl.DataFrame | None) -> list[str]:
    """The labs' names and labels as the charts show them (``toolkit.safe.labs.lab_labels``):
    public names of businesses, from the registry or FINESS extract, which the tripwire reads
    as it reads place names (:meth:`toolkit.boundary.tripwire.Identifiers.with_public`)."""
    if located is None or located.height == 0 or "name" not in located.columns:
        return []
    return [*located["name"].drop_nulls(), *lab_labels(located)["label"].drop_nulls()]


def _earlier_persons(ledger: Ledger, input_sha256: str) -> int | None:
    """The number of persons an earlier release of this input published exactly, if any."""
    for release in ledger.releases:
        if release.input_sha256 == input_sha256 and not release.parameters.get("epsilon"):
            return release.persons
    return None


def _publish(
    safe: SafeTable,
    out: str | Path,
    *,
    info: dict[str, Any],
    identifiers: Identifiers,
    labs: str | Path | pl.DataFrame | None,
    protection: Protection,
    ledger: Ledger,
    synthetic: bool,
    progress: bool,
    stages: tqdm,
    case: Case,
) -> PublishResult:
    located, labs_info = _located(labs if labs is not None else case.labs)
    stages.update(1)
    input_sha256 = str(info["sha256"])
    bundle = build_bundle(
        safe, input_info=info, identifiers=identifiers, k=protection.k,
        rounding=protection.rounding, epsilon=protection.epsilon, labs=located,
        labs_info=labs_info, synthetic=synthetic, earlier=ledger.tables_of(input_sha256),
        allow_small_k=protection.allow_small_k, progress=progress,
        withheld=ledger.withheld_dimensions(input_sha256), case=case,
    )  # fmt: skip
    release = Release(
        kind="bundle", input_sha256=input_sha256, out=str(out),
        parameters=protection.parameters(), persons=bundle.persons, tables=bundle.tables,
        epsilon_spent=bundle.epsilon_spent,
    )  # fmt: skip
    ledger.check(release, epsilon_budget=protection.epsilon_budget)
    written = write_bundle(bundle, out, identifiers.with_public(public_lab_names(located)))
    ledger.record(release)
    stages.update(1)
    return PublishResult(Path(out), written, bundle.manifest)


@contextmanager
def _naming(source: str | Path) -> Iterator[None]:
    """A file that cannot be published is named in the one line that says why."""
    try:
        yield
    except InputError as exc:
        if exc.path is not None:
            raise
        raise InputError(str(exc), source) from exc


def _stages(progress: bool) -> tqdm:
    return tqdm(total=4, desc="publish", unit="stage", file=sys.stderr, disable=not progress)


@dataclass
class _Pseudonymised:
    """A raw leak read, its identifiers for the tripwire, its safe table, and the key used."""

    raw: Ingested
    identifiers: Identifiers
    safe: SafeTable
    records: int
    key: bytes


@contextmanager
def _leak_safe_table(
    leak: str | Path, key: bytes | None, key_file: str | Path | None, *, progress: bool = False,
    read_options: ReadOptions | None = None,
) -> Iterator[_Pseudonymised]:
    """A raw leak read and pseudonymised into a temporary file (deleted when the block ends).

    The leak is read before the key is loaded, so that a file that cannot be read is refused
    before a key is created. The safe table is streamed to Parquet and scanned back: it is never
    whole in memory (33 M rows would take gigabytes), and the folder goes whatever happens (an
    error, a tripwire hit, Ctrl-C).
    """
    leak = Path(leak)
    if not leak.exists():
        raise InputError("file not found", leak)
    with ExitStack() as scratch:
        raw, classes = read_and_classify(leak, progress=progress, read_options=read_options)
        scratch.callback(raw.close)  # the leak's copies on disk go with the safe table
        secret = key or keys.load_key(key_file)
        identifiers = tripwire.collect_identifiers(raw, classes)
        path = _scratch_safe_table(scratch)
        provenance = Provenance(raw.sha256, keys.fingerprint(secret))
        write_safe_table(pseudonymise.pseudonymise(raw, classes, secret), path,
                         provenance=provenance)  # fmt: skip
        records = pl.scan_parquet(path).select(pl.len()).collect().item()
        yield _Pseudonymised(raw, identifiers, read_safe_table(path), records, secret)


def publish_leak(
    leak: str | Path,
    out: str | Path,
    *,
    key_file: str | Path | None = None,
    key: bytes | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    protection: Protection | None = None,
    label: str | None = None,
    synthetic: bool = False,
    progress: bool = False,
    read_options: ReadOptions | None = None,
    case: Case | str | os.PathLike[str] | None = None,
) -> PublishResult:
    """Write the publication bundle of a raw leak into ``out``, and record it in the ledger.

    The leak is read, classified and pseudonymised (key from ``key`` or ``key_file``, else
    ``toolkit.boundary.keys.load_key``) into a temporary safe table under ``data/interim/``,
    deleted when the bundle is written or anything fails; the tripwire searches every
    identifier of the leak. ``labs`` is a lab list (CSV registry or FINESS extract) or already
    located labs; without it the figures that need lab locations are left out. ``label`` names
    the input in the manifest (scanned like everything else); by default only its sha256 does.
    Every table is protected jointly with what earlier releases of the same key published.
    ``read_options`` carries the archive limits and quarantine choice (``ingest.ReadOptions``).
    ``case`` is the investigation (``toolkit.shared.case``: a case, its id or its file; default:
    the 2021 leak): the charts' source line, the timeline's dates, its lab registry when
    ``labs`` is not given; read before the leak, so that a bad case file fails at once.
    """
    case = load_case(case)
    protection = protection or Protection()
    protection.check()
    check_out_folder(out)
    stages = _stages(progress)
    with _leak_safe_table(leak, key, key_file, progress=progress,
                          read_options=read_options) as made:  # fmt: skip
        stages.update(2)
        with _naming(leak):
            result = _publish(
                made.safe, out, info=raw_input_info(made.raw, made.records, label=label),
                identifiers=made.identifiers, labs=labs, protection=protection,
                ledger=open_ledger(made.key, key_file), synthetic=synthetic, progress=progress,
                stages=stages, case=case,
            )  # fmt: skip
    stages.close()
    return result


def publish_safe_table(
    safe_table: str | Path,
    out: str | Path,
    *,
    leak: str | Path | None = None,
    key_file: str | Path | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    protection: Protection | None = None,
    label: str | None = None,
    synthetic: bool = False,
    progress: bool = False,
    read_options: ReadOptions | None = None,
    case: Case | str | os.PathLike[str] | None = None,
) -> PublishResult:
    """Write the publication bundle of a pseudonymised table (Parquet) into ``out``.

    The table carries the sha256 of the leak it was made from and its key's fingerprint
    (``safe_table.read_provenance``): the release is recorded in that key's ledger (beside
    ``key_file``, or the default key folder) and protected jointly with the earlier releases of
    the same leak. Give ``leak`` (the raw file) so that the tripwire searches its identifiers;
    without it only NIR-, phone- and email-shaped strings are searched (``read_options``: how
    that leak is read). ``case`` as for :func:`publish_leak`.
    """
    case = load_case(case)
    protection = protection or Protection()
    protection.check()
    source = Path(safe_table)
    if not source.exists():
        raise InputError("file not found", source)
    if input_kind(source) != "safe_table":
        raise InputError("not a pseudonymised table (Parquet): publish the leak instead", source)
    provenance = read_provenance(source)
    if provenance is None:
        raise InputError(
            "this pseudonymised table does not say which leak and key it comes from (made by "
            "an older version?): pseudonymise the leak again", source,
        )  # fmt: skip
    check_out_folder(out)
    ledger = Ledger.open(
        keys.ledger_path(provenance.key_fingerprint, key_file), provenance.key_fingerprint
    )
    stages = _stages(progress)
    # Kept lazy: the aggregates stream from the file, whatever its size.
    safe = validate_safe_table(read_safe_table(source))
    info: dict[str, Any] = {
        "kind": "safe table",
        "label": label,
        "sha256": provenance.input_sha256,
        "records": safe.select(pl.len()).collect().item(),
        "rows_read": None,
        "rows_quarantined": None,
    }
    identifiers = tripwire.shapes_only()
    if leak is not None:
        identifiers = identifiers_of(leak, read_options=read_options)
    elif progress:
        print("leak-toolkit: no --leak given: the tripwire searches NIR-, phone- and "
              "email-shaped strings only", file=sys.stderr)  # fmt: skip
    stages.update(2)
    with _naming(source):
        result = _publish(
            safe, out, info=info, identifiers=identifiers, labs=labs, protection=protection,
            ledger=ledger, synthetic=synthetic, progress=progress, stages=stages, case=case,
        )  # fmt: skip
    stages.close()
    return result


def export_figure(
    leak: str | Path,
    name: str,
    out_dir: str | Path,
    *,
    key_file: str | Path | None = None,
    key: bytes | None = None,
    labs: str | Path | pl.DataFrame | None = None,
    protection: Protection | None = None,
    read_options: ReadOptions | None = None,
    case: Case | str | os.PathLike[str] | None = None,
    synthetic: bool = False,
) -> list[Path]:
    """Export one more figure of the registry (``figures.EXTRAS`` or a bundle figure) alone.

    The same path as a bundle: protection of its table jointly with every earlier release of the
    same leak and key (the bundle it completes included), the tripwire on every file, then the
    ledger. Writes ``<name>.svg/.png/.vl.json/.md/.csv`` into ``out_dir`` (other files stay).
    ``case`` and ``synthetic`` as for :func:`publish_leak`.
    """
    case = load_case(case)
    protection = protection or Protection()
    protection.check()
    located, _ = _located(labs if labs is not None else case.labs)
    with _leak_safe_table(leak, key, key_file, read_options=read_options) as made:
        ledger = open_ledger(made.key, key_file)
        sha256 = made.raw.sha256
        extra = build_extra(
            made.safe, name, k=protection.k, rounding=protection.rounding,
            epsilon=protection.epsilon, labs=located, earlier=ledger.tables_of(sha256),
            persons=_earlier_persons(ledger, sha256), allow_small_k=protection.allow_small_k,
            withheld=ledger.withheld_dimensions(sha256), case=case, synthetic=synthetic,
        )  # fmt: skip
        release = Release(
            kind="figure", input_sha256=sha256, out=str(Path(out_dir) / name),
            parameters=protection.parameters(), persons=None, tables=[extra.table],
            epsilon_spent=extra.epsilon_spent,
        )  # fmt: skip
        ledger.check(release, epsilon_budget=protection.epsilon_budget)
        identifiers = made.identifiers.with_public(public_lab_names(located))
        written = tripwire.write_checked(extra.files, out_dir, identifiers)
        ledger.record(release)
    return written


# --- a comparison of copies -----------------------------------------------------------------------


@dataclass
class ComparisonPublished:
    """What :func:`publish_comparison` wrote, and the comparison itself (counts, verdicts)."""

    out: Path
    files: list[Path]
    manifest: dict[str, Any]
    comparison: Comparison


def comparison_id(sha256s: list[str]) -> str:
    """The id under which the ledger records a comparison: the copies' sha256, in their order."""
    return hashlib.sha256(("comparison:" + ",".join(sha256s)).encode("ascii")).hexdigest()


def _union(found: list[Identifiers]) -> Identifiers:
    """The identifiers of several copies, searched together."""
    return Identifiers(
        phrases={phrase: kind for each in found for phrase, kind in each.phrases.items()},
        columns=tuple(sorted({c for each in found for c in each.columns})),
        source=f"the raw identifiers of {len(found)} copies",
    )


def publish_comparison(
    copies: list[str | Path],
    out: str | Path,
    *,
    key_file: str | Path | None = None,
    key: bytes | None = None,
    labels: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    protection: Protection | None = None,
    read_options: ReadOptions | None = None,
    progress: bool = False,
) -> ComparisonPublished:
    """Compare copies of a leak and write the comparison's charts and tables into ``out``.

    The same path as a bundle: the overlap (persons by the set of copies they are in), the
    persons of each copy, and the persons by pattern and month, and by pattern and lab, are
    protected together (``toolkit.publication.comparison``) and with the earlier releases of the
    same copies in the same order; the tripwire searches every file for the identifiers of every
    copy; the ledger records the release (its input: :func:`comparison_id`). Only suppression is
    offered (no rounding, no differential privacy). The manifest names the copies by sha256.
    """
    protection = protection or Protection()
    protection.check()
    if protection.rounding is not None or protection.epsilon is not None:
        raise InputError("a comparison is published with suppression only: drop --round and "
                         "--epsilon")  # fmt: skip
    check_out_folder(out)
    secret = key or keys.load_key(key_file)
    found: list[Identifiers] = []
    comparison = compare_files(list(copies), secret, labels=labels, overrides=overrides,
                               read_options=read_options, progress=progress,
                               identifiers=found)  # fmt: skip
    identifiers = _union(found)
    described = [
        {"label": c.label, "sha256": c.sha256, "size": c.size, "rows_read": c.rows_read,
         "rows_quarantined": c.rows_quarantined, "persons": c.persons}
        for c in comparison.copies
    ]  # fmt: skip
    ledger = open_ledger(secret, key_file)
    shas = [c.sha256 for c in comparison.copies]
    input_id = comparison_id(shas)
    release = comparison_release(
        comparison.overlap, comparison.by_pattern, described, k=protection.k,
        allow_small_k=protection.allow_small_k, earlier=ledger.tables_of(input_id),
        withheld=ledger.withheld_dimensions(input_id, shas),
    )  # fmt: skip
    # The verdicts stay with the analyst: they quote unprotected counts ("ajoute 3 personnes").
    manifest = {**release.manifest, "tripwire": identifiers.describe()}
    files = {**release.files, "manifest.json": (
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")}  # fmt: skip
    record = Release(
        kind="comparison", input_sha256=input_id, out=str(out),
        parameters={**protection.parameters(), "copies": shas}, persons=None,
        tables=release.tables,
    )  # fmt: skip
    ledger.check(record, epsilon_budget=protection.epsilon_budget)
    written = tripwire.write_checked(files, out, identifiers, replace_folder=True)
    ledger.record(record)
    return ComparisonPublished(Path(out), written, manifest, comparison)


__all__ = [
    "ComparisonPublished",
    "Protection",
    "PublishResult",
    "comparison_id",
    "export_figure",
    "open_ledger",
    "publish_comparison",
    "publish_leak",
    "publish_safe_table",
]
