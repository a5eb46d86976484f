"""Time the joint protection of a release (all tables attacked together) against per-table work.

For each leak size, the bundle's figures and the two extra figures are aggregated and protected
one by one (per-table suppression, the floor), then protected jointly (the integer-programming
attacker over all tables, ``toolkit.publication.release.protect_jointly``), in this process.
Prints the cells, the hidden cells before and after, the tables left out, the solver questions
asked, the seconds of each step, the ratio of the joint step to the per-table one, and rows
per second. Run: ``python benchmarks/bench_release.py [--rows 3000,491840] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from toolkit.boundary import pseudonymise
from toolkit.publication import attacker, bundle
from toolkit.publication.figures import EXTRAS, FIGURES, FigureInputs
from toolkit.publication.release import protect_jointly
from toolkit.raw import ingest, schema, synth
from toolkit.safe.labs import locate_labs

HERE = Path(__file__).resolve().parent
KEY = bytes(range(32))


def leak_of(rows: int, seed: int) -> Path:
    """The synthetic leak of ``rows`` rows in ``benchmarks/out/`` (made once)."""
    path = HERE / "out" / f"release_{rows}_{seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        synth.write_synthetic_leak(path, rows=rows, seed=seed, progress=False)
    return path


def measure(rows: int, seed: int) -> dict[str, float | int | str]:
    """One size: per-table protection, then joint protection, with their costs."""
    path = leak_of(rows, seed)
    raw = ingest.read_leak(path)
    safe = pseudonymise.pseudonymise(raw, schema.classify(raw.frame), KEY).collect()
    labs, _ = locate_labs(path.with_name(path.stem + ".labs.csv"))
    inputs = FigureInputs(located=labs)
    persons = bundle.published_persons(safe, None)
    start = time.perf_counter()
    drafts = [bundle.draft_figure(f, safe, inputs, k=11, rounding=None, epsilon=None)
              for f in (*FIGURES, *EXTRAS)]  # fmt: skip
    drafts = [d for d in drafts if not isinstance(d, str)]
    alone = time.perf_counter() - start
    questions = {"n": 0}
    solve = attacker._Solver._solve

    def counted(self, *args, **kwargs):  # noqa: ANN001, ANN202 - a counting wrapper
        questions["n"] += 1
        return solve(self, *args, **kwargs)

    attacker._Solver._solve = counted
    start = time.perf_counter()
    jointly = protect_jointly(drafts, [], persons)
    joint = time.perf_counter() - start
    attacker._Solver._solve = solve
    kept = [d for d in jointly if d is not None]
    return {
        "rows": rows,
        "cells": sum(len(d.table.cells) for d in drafts),
        "hidden_alone": sum(c.hidden for d in drafts for c in d.table.cells),
        "hidden_jointly": sum(c.hidden for d in kept for c in d.table.cells),
        "left_out": ",".join(d.table.name for d, j in zip(drafts, jointly, strict=True)
                             if j is None) or "-",  # fmt: skip
        "questions": questions["n"],
        "alone_s": alone,
        "joint_s": joint,
    }


def main() -> None:
    """Print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="3000,491840", help="comma-separated sizes")
    parser.add_argument("--seed", type=int, default=2021)
    args, _ = parser.parse_known_args()
    print(f"{'rows':>8} {'cells':>6} {'hidden alone':>13} {'jointly':>8} {'left out':>16} "
          f"{'questions':>10} {'per table s':>12} {'joint s':>8} {'ratio':>6} {'rows/s':>10}")
    for rows in (int(r) for r in args.rows.split(",")):
        m = measure(rows, args.seed)
        total = m["alone_s"] + m["joint_s"]
        print(f"{m['rows']:>8} {m['cells']:>6} {m['hidden_alone']:>13} {m['hidden_jointly']:>8} "
              f"{m['left_out']:>16} {m['questions']:>10} {m['alone_s']:>12.2f} "
              f"{m['joint_s']:>8.2f} {m['joint_s'] / m['alone_s']:>6.2f} "
              f"{rows / total:>10,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
