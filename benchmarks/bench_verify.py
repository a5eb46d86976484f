"""Benchmark ``inspect`` and ``verify`` (ingest + classify + verify + claims) against a bare read.

Writes the synthetic leak (or takes ``--file``), then times, each in its own process so that
peak memory (max RSS) is its own:

- ``polars.read_csv(encoding="cp1252", infer_schema=False)`` of the same file: the floor;
- ``inspect``: ``read_leak`` + ``schema.classify``;
- ``verify``: ``read_leak`` + ``classify`` + ``verify.verify`` + ``claims.check_claims``.

Usage: ``python benchmarks/bench_verify.py [--rows 491840] [--file F]`` (``--rows 10000000``
is the large run).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _stage(name: str, path: Path, interim: Path) -> dict[str, float]:
    """Run one stage in this process; return rows, seconds and peak RSS."""
    import polars as pl

    from toolkit.raw import claims, ingest, schema, verify

    start = time.perf_counter()
    if name == "bare_read_csv":
        rows = pl.read_csv(path, separator=";", encoding="cp1252", infer_schema=False).height
    else:
        leak = ingest.read_leak(path, interim_dir=interim)
        classes = schema.classify(leak.frame)
        rows = leak.rows_parsed
        if name == "verify":
            claims.check_claims(verify.verify(leak, classes))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def _run_child(name: str, path: Path, interim: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--stage", name, "--file", str(path), "--interim", str(interim)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    """Print wall time, rows/s, peak RSS and the ratio to the bare read for each stage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--interim", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.stage, args.file, args.interim)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_verify_") as tmp:
        folder = Path(tmp)
        path = args.file
        if path is None:
            # In a child process: Linux keeps the peak RSS across exec, so this process must
            # stay small for the stages' peak memory to be their own.
            path = folder / "leak.csv"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "toolkit", "synth", "--rows", str(args.rows), "--out",
                 str(path), "--quiet"],
                check=True,
                capture_output=True,
            )
            print(f"synthetic leak: {args.rows:,} rows in {time.perf_counter() - start:.1f} s")
        size_mb = path.stat().st_size / 1e6
        results = {}
        for stage in ("bare_read_csv", "inspect", "verify"):
            # A fresh interim folder per stage: each stage pays its own transcoding.
            results[stage] = _run_child(stage, path, folder / f"interim_{stage}")
        floor = results["bare_read_csv"]["seconds"]
        print(f"file: {path.name}, {size_mb:.0f} MB")
        print(f"{'stage':<15}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}{'x bare':>8}")
        for stage, r in results.items():
            print(
                f"{stage:<15}{r['rows']:>12,}{r['seconds']:>10.2f}"
                f"{r['rows'] / r['seconds']:>14,.0f}{r['peak_mb']:>10.0f}"
                f"{r['seconds'] / floor:>8.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
