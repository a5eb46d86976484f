"""``make demo``: the whole pipeline on the embedded default, the synthetic leak, in one command.

synthetic leak (``data/raw/``, regenerated only when missing or made with other rows / seed)
-> inspect -> verify and published claims -> pseudonymise (safe table in ``data/interim/``,
private, deleted when the demo ends unless ``keep_safe_table``) -> locate the labs ->
aggregates, disclosure control, charts -> bundle in ``figures/demo/``.

The demo pseudonymises with a *fixed, public demo key* (:data:`DEMO_KEY`) so that two runs give
byte-identical bundles. That is acceptable only because the data are synthetic: on a real leak,
``publish`` and ``pseudonymise`` take a private key (``--key-file``, see ``toolkit.boundary.keys``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import polars as pl
from tqdm import tqdm

from toolkit.app import workflows
from toolkit.boundary import tripwire
from toolkit.boundary.safe_table import read_safe_table
from toolkit.publication.bundle import build_bundle, write_bundle
from toolkit.raw import claims, synth
from toolkit.safe.labs import locate_labs
from toolkit.shared import paths, scratch

#: The demo's fixed key, derived from a public phrase: for the synthetic default only.
DEMO_KEY = hashlib.sha256(b"leak-toolkit demo key: synthetic data only, never a real leak").digest()
DEMO_KEY_NOTE = "fixed public demo key (synthetic data only; never use it on a real leak)"
DEFAULT_ROWS = 491_840
DEFAULT_SEED = 2021
STAGES = (
    "synthetic leak", "inspect", "verify + pseudonymise", "tripwire", "locate labs", "bundle",
    "write",
)  # fmt: skip


def leak_path(rows: int = DEFAULT_ROWS, raw_dir: Path | None = None) -> Path:
    """Where the synthetic leak of ``rows`` rows lives (default ``data/raw/synthetic_leak.csv``)."""
    folder = paths.RAW if raw_dir is None else Path(raw_dir)
    name = paths.DEFAULT_LEAK.name if rows == DEFAULT_ROWS else f"synthetic_leak_{rows}.csv"
    return folder / name


def _is_current(leak: Path, rows: int, seed: int) -> bool:
    """Whether the leak on disk was generated with these rows and seed (its truth file says so)."""
    truth = leak.with_name(leak.name + ".truth.json")
    labs = leak.with_name(leak.stem + ".labs.csv")
    if not (leak.exists() and truth.exists() and labs.exists()):
        return False
    try:
        t = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        t.get("rows") == rows
        and t.get("generator", {}).get("seed") == seed
        and t.get("file_bytes") == leak.stat().st_size
    )


def run(
    rows: int = DEFAULT_ROWS,
    out: str | Path | None = None,
    seed: int = DEFAULT_SEED,
    *,
    raw_dir: str | Path | None = None,
    keep_safe_table: bool = False,
) -> int:
    """Run the whole pipeline on the synthetic leak, write the bundle, print the headlines.

    The safe table (``data/interim/<leak>.safe.parquet``, 0600) and any copy of the leak are
    deleted when the demo ends, however it ends, unless ``keep_safe_table``.
    """
    out = paths.FIGURES / "demo" if out is None else Path(out)
    leak = leak_path(rows, None if raw_dir is None else Path(raw_dir))
    safe_path = paths.INTERIM / f"{leak.stem}.safe.parquet"
    with scratch.session():
        if not keep_safe_table:
            scratch.track(safe_path)  # before it is written: deleted even if writing fails
        return _run(rows, seed, leak, out, safe_path, keep_safe_table)


def _run(rows: int, seed: int, leak: Path, out: Path, safe_path: Path, kept: bool) -> int:
    bar = tqdm(total=len(STAGES), desc="demo", unit="stage", file=sys.stderr)

    def stage(name: str) -> None:
        bar.set_postfix_str(name)

    stage(STAGES[0])
    if not _is_current(leak, rows, seed):
        leak.parent.mkdir(parents=True, exist_ok=True)
        synth.write_synthetic_leak(leak, rows=rows, seed=seed, progress=True)
    bar.update(1)

    stage(STAGES[1])
    raw, classes = workflows.read_and_classify(leak)
    bar.update(1)

    stage(STAGES[2])
    # The safe table is written while the leak is verified (see workflows.verify_and_pseudonymise).
    report, safe_path = workflows.verify_and_pseudonymise(raw, classes, DEMO_KEY, safe_path)
    claims_table = claims.check_claims(report)
    verdicts = claims_table["verdict"]
    supported = int((verdicts == claims.SUPPORTED).sum())
    # Claims where the sources disagree (27 vs 28 labs...) cannot all hold: say how many those are.
    contradicted = claims_table.filter(pl.col("verdict") == claims.CONTRADICTED)
    disputed = int((~contradicted["calibrated"]).sum())
    bar.update(1)

    stage(STAGES[3])
    identifiers = tripwire.collect_identifiers(raw, classes)
    safe = read_safe_table(safe_path).collect()
    bar.update(1)

    stage(STAGES[4])
    labs, labs_info = locate_labs(leak.with_name(leak.stem + ".labs.csv"))
    bar.update(1)

    stage(STAGES[5])
    bundle = build_bundle(
        safe,
        input_info=workflows.raw_input_info(raw, safe.height),
        identifiers=identifiers,
        labs=labs,
        labs_info=labs_info,
        synthetic=True,
        key_note=DEMO_KEY_NOTE,
        fabrication=report.sections["fabrication"]["verdict"]["fr"],
    )
    bar.update(1)

    stage(STAGES[6])
    written = write_bundle(bundle, out, identifiers)
    bar.update(1)
    bar.close()

    m = bundle.manifest
    figures = m["figures"]
    suppressed = sum(f["suppressed_cells"] for f in figures)
    cells = sum(f["cells"] for f in figures)
    period = m["period"]
    print("\n".join([
        f"Demo on the synthetic leak {leak} (fictional people only)",
        f"  rows read: {raw.rows_read:,} (quarantined: {raw.rows_quarantined:,})",
        f"  persons: {m['persons']:,}   labs: {m['labs']['in_file']} "
        f"({m['labs'].get('located', 0)} located)",
        f"  period: {period['first_sample_month'][:7]} to {period['last_sample_month'][:7]}",
        f"  published claims supported by the file: {supported}/{len(verdicts)} "
        f"(contradicted: {contradicted.height}, of which {disputed} where sources disagree; "
        f"not measurable: {int((verdicts == claims.NOT_MEASURABLE).sum())})",
        f"  {report.sections['fabrication']['verdict']['en']}",
        f"  cells suppressed (k = {m['parameters']['k']}): {suppressed:,} of {cells:,}",
        f"  safe table: {safe_path}" if kept
        else "  safe table: deleted at the end (--keep-safe-table keeps it)",
        f"Bundle ({len(written)} files): {out}",
        f"  start with {out / 'methodologie.md'} and {out / '03_departements.png'}",
    ]))  # fmt: skip
    return 0
