"""Benchmark: pseudonymisation (the privacy boundary) plus every exposure aggregate.

Writes a synthetic leak of ``--rows`` rows (default 491,840, the published size) into
``benchmarks/out/`` unless it is already there, then times, in this process:

- a bare Polars read of the file (the floor every ratio is measured against);
- ingest + schema classification;
- pseudonymisation to the safe table, written as Parquet;
- every aggregate of ``toolkit.safe.exposure`` (and the geo summaries) on that safe table.

Prints wall time, rows per second, peak RSS and ratios to the bare read.
Usage: ``python benchmarks/bench_exposure.py [--rows 10000000] [--seed 2021]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
KEY = bytes(range(32))  # a fixed, public benchmark key: the data are synthetic


def _timed(label: str, results: list[tuple[str, float, float]], fn: Callable[[], Any]) -> Any:
    # CPU seconds (all threads) beside wall time: on a shared machine wall time mostly measures
    # the neighbours, CPU time what this code costs.
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    results.append((label, time.perf_counter() - start, time.process_time() - cpu))
    return value


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    """Run the benchmark once and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)

    from toolkit.boundary import pseudonymise as ps
    from toolkit.boundary import safe_table
    from toolkit.raw import ingest, schema, synth
    from toolkit.safe import distances, exposure
    from toolkit.safe.labs import geocode_labs, read_lab_registry

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    leak = out / f"leak_{args.rows}_{args.seed}.csv"
    if not leak.exists():
        print(f"writing a synthetic leak of {args.rows:,} rows to {leak}", file=sys.stderr)
        synth.write_synthetic_leak(leak, rows=args.rows, seed=args.seed, progress=False)
    labs_path = leak.with_name(f"{leak.stem}.labs.csv")

    results: list[tuple[str, float, float]] = []
    _timed(
        "bare read (pl.read_csv, all strings)",
        results,
        lambda: pl.read_csv(
            leak, separator=";", encoding="cp1252", infer_schema=False, truncate_ragged_lines=True
        ),
    )
    ingested = _timed("ingest (read_leak)", results, lambda: ingest.read_leak(leak))
    classified = _timed("schema.classify", results, lambda: schema.classify(ingested.frame))
    safe_path = out / f"safe_{args.rows}_{args.seed}.parquet"
    _timed(
        "pseudonymise + write safe table",
        results,
        lambda: safe_table.write_safe_table(ps.pseudonymise(ingested, classified, KEY), safe_path),
    )
    safe = _timed(
        "read safe table + validate", results, lambda: safe_table.read_safe_table(safe_path)
    )
    safe = safe.collect()
    safe_table.validate_safe_table(safe)
    labs = _timed(
        "geocode labs (offline)",
        results,
        lambda: geocode_labs(read_lab_registry(labs_path)),
    )
    aggregates: dict[str, Callable[[], Any]] = {
        "records_by_month": lambda: exposure.records_by_month(safe),
        "records_by_month(lab)": lambda: exposure.records_by_month(safe, by="lab"),
        "lab_windows": lambda: exposure.lab_windows(safe),
        "persons_by_departement": lambda: exposure.persons_by_departement(safe),
        "persons_by_commune": lambda: exposure.persons_by_commune(safe),
        "category_exposure": lambda: exposure.category_exposure(safe),
        "category_by_year": lambda: exposure.category_by_year(safe),
        "co_exposure": lambda: exposure.co_exposure(safe),
        "health_mentions": lambda: exposure.health_mentions(safe),
        "health_mentions(lab)": lambda: exposure.health_mentions(safe, by="lab"),
        "age_sex_pyramid": lambda: exposure.age_sex_pyramid(safe),
        "distance_bands": lambda: exposure.distance_bands(safe, labs),
        "distance_summary": lambda: distances.distance_summary(safe, labs),
        "resolution_rates": lambda: exposure.resolution_rates(safe),
    }
    start, cpu = time.perf_counter(), time.process_time()
    for name, fn in aggregates.items():
        _timed(f"  {name}", results, fn)
    results.append(("all aggregates", time.perf_counter() - start, time.process_time() - cpu))

    bare = results[0][1]
    rows = ingested.rows_parsed
    size_mb = leak.stat().st_size / 1e6
    print(f"rows: {rows:,}  file: {size_mb:.0f} MB  peak RSS: {_peak_rss_mb():,.0f} MB")
    print(f"{'step':40} {'wall s':>7} {'cpu s':>7} {'rows/s':>12} {'x bare read':>11}")
    chosen = [r for r in results if r[0].startswith(("pseudonymise", "all agg"))]
    total = ("pseudonymise + all aggregates", sum(r[1] for r in chosen), sum(r[2] for r in chosen))
    for label, wall, cpu in [*results, total]:
        print(f"{label:40} {wall:7.2f} {cpu:7.2f} {rows / wall:12,.0f} {wall / bare:11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
