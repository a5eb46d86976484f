"""Benchmark ``compare`` (two copies of a leak) against a bare read of both files.

Derives a second copy from the leak (by default ``data/raw/synthetic_leak.csv``, 491,840 rows,
cp1252, ``;``): every row shuffled, re-encoded in UTF-8 with ``,``. Then
times, each in its own process so that peak memory (max RSS) is its own:

- ``bare_read``: ``polars.read_csv`` of both files (the floor);
- ``compare``: ``toolkit.app.compare.compare_files`` on both (read, classify, fingerprint,
  compare, every private copy deleted);
- ``fingerprints``: reading, classifying and fingerprinting one copy (the original), to see
  where the time goes.

Usage: ``python benchmarks/bench_compare.py [--file F | --rows N] [--repeat N]``. ``--rows``
takes a synthetic leak of that size from ``data/interim/bench/leak_<N>.csv`` (generated there
once). The derived copy is written once into ``data/interim/bench/`` (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = bytes.fromhex("5e" * 32)


def _derived_copy(path: Path) -> Path:
    import polars as pl

    from toolkit.shared import paths, scratch

    folder = paths.INTERIM / "bench"
    scratch.private_folder(folder)
    copy = folder / f"{path.stem}.shuffled-utf8-comma.csv"
    if not copy.exists():
        frame = pl.read_csv(path, separator=";", encoding="cp1252", infer_schema=False)
        with scratch.open_private(copy) as out:
            frame.sample(fraction=1.0, shuffle=True, seed=1).write_csv(out, separator=",")
    return copy


def _synthetic(rows: int) -> Path:
    """The synthetic leak of ``rows`` rows in ``data/interim/bench/``, generated if missing."""
    from toolkit.shared import paths

    path = paths.INTERIM / "bench" / f"leak_{rows}.csv"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "toolkit", "synth", "--rows", str(rows), "--out", str(path),
             "--quiet"],
            check=True,
            cwd=ROOT,
        )  # fmt: skip
    return path


def _stage(name: str, files: list[Path]) -> dict[str, float]:
    """Run one stage in this process; return rows, seconds and peak RSS."""
    import polars as pl

    start = time.perf_counter()
    if name == "bare_read":
        rows = sum(
            pl.read_csv(f, separator=s, encoding=e, infer_schema=False).height
            for f, s, e in ((files[0], ";", "cp1252"), (files[1], ",", "utf8"))
        )
    elif name == "fingerprints":
        from toolkit.app import workflows
        from toolkit.boundary import fingerprints

        raw, classes = workflows.read_and_classify(files[0])
        with raw:
            rows = fingerprints.fingerprints(raw, classes, KEY).collect().height
    else:
        from toolkit.app.compare import compare_files
        from toolkit.shared import scratch

        with scratch.session():
            result = compare_files(files, KEY, progress=False)
        rows = sum(c.rows_read for c in result.copies)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def _run_child(name: str, files: list[Path]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--stage", name, *(f"--file={f}" for f in files)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    """Print wall time, rows/s, peak RSS and the ratio to the bare read of both files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", default=None)
    parser.add_argument("--rows", type=int, default=None, help="a synthetic leak of N rows")
    parser.add_argument("--repeat", type=int, default=3, help="fastest of N runs (default 3)")
    parser.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.stage, args.file)))
        return 0
    leak = (args.file or [ROOT / "data" / "raw" / "synthetic_leak.csv"])[0]
    if args.rows is not None and not args.file:
        leak = _synthetic(args.rows)
    files = [leak, _derived_copy(leak)]
    results = {}
    for stage in ("bare_read", "fingerprints", "compare"):
        runs = [_run_child(stage, files) for _ in range(args.repeat)]
        results[stage] = min(runs, key=lambda r: r["seconds"])
    floor = results["bare_read"]["seconds"]
    sizes = ", ".join(f"{f.name} {f.stat().st_size / 1e6:.0f} MB" for f in files)
    print(f"files: {sizes} (fastest of {args.repeat})")
    print(f"{'stage':<14}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}{'x bare':>8}")
    for stage, r in results.items():
        print(
            f"{stage:<14}{r['rows']:>12,}{r['seconds']:>10.2f}"
            f"{r['rows'] / r['seconds']:>14,.0f}{r['peak_mb']:>10.0f}"
            f"{r['seconds'] / floor:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
