"""Error rates of the signs of fabrication, over many seeds and sizes of synthetic leaks.

For each size and seed, writes a ``realistic`` and a ``naive`` synthetic leak (``synth --mode``)
into a private temporary folder, verifies each and records which tests flag it. A false alarm is
a realistic file flagged by at least one test; a miss is a naive file that no test flags. Also
prints, per test, how often it flags each mode and the range of its statistic.

Usage: ``python benchmarks/authenticity_error_rates.py [--sizes 2000:30,10000:20,...]``
(``size:seeds`` pairs; the defaults take about ten minutes here). Not a test: it takes minutes,
and its output is pasted into the README ("Is it a real file?").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = "2000:30,10000:20,50000:10,491840:3"


def run(sizes: list[tuple[int, int]]) -> None:
    """Print one table per size, then the totals."""
    from toolkit.raw import ingest, synth, verify
    from toolkit.raw.verify.authenticity import TESTS

    totals = {"realistic": [0, 0], "naive": [0, 0]}
    with tempfile.TemporaryDirectory(prefix="fabrication-") as folder:
        path = Path(folder) / "leak.csv"
        for rows, seeds in sizes:
            flags = {m: {t: 0 for t in TESTS} for m in totals}
            values: dict[str, dict[str, list[float]]] = {m: {t: [] for t in TESTS} for m in totals}
            any_flag = {m: 0 for m in totals}
            start = time.perf_counter()
            for seed in range(1, seeds + 1):
                for mode in totals:
                    synth.write_synthetic_leak(path, rows=rows, seed=seed, progress=False,
                                               mode=mode)
                    with ingest.read_leak(path) as leak:
                        section = verify.verify(leak).sections["fabrication"]
                    any_flag[mode] += bool(section["flagged"])
                    for test in section["tests"]:
                        flags[mode][test["id"]] += bool(test["flagged"])
                        if test["value"] is not None:
                            values[mode][test["id"]].append(test["value"])
            for mode in totals:
                totals[mode][0] += seeds
                totals[mode][1] += any_flag[mode]
            seconds = time.perf_counter() - start
            print(f"\n{rows:,} rows, {seeds} seeds ({seconds:.0f} s): "
                  f"false alarms {any_flag['realistic']}/{seeds}, "
                  f"misses {seeds - any_flag['naive']}/{seeds}")
            print("| test | realistic flagged | realistic range | naive flagged | naive range |")
            print("|---|---|---|---|---|")
            for test in TESTS:
                ranges = []
                for mode in totals:
                    v = values[mode][test]
                    ranges.append(f"{min(v):.3f}-{max(v):.3f}" if v else "not measured")
                print(f"| {test} | {flags['realistic'][test]}/{seeds} | {ranges[0]} | "
                      f"{flags['naive'][test]}/{seeds} | {ranges[1]} |")
    runs, alarms = totals["realistic"]
    naive_runs, caught = totals["naive"]
    print(f"\nall sizes: false alarms {alarms}/{runs}, misses {naive_runs - caught}/{naive_runs}")


def main(argv: list[str]) -> int:
    """Parse ``--sizes`` and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"size:seeds pairs, comma-separated (default {DEFAULT_SIZES})")
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in pair.split(":")) for pair in args.sizes.split(",")]
    run(sizes)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
