"""Benchmark ``compare`` (two copies of a leak) against a bare read of both files.

Derives a second copy from the leak (by default ``data/raw/synthetic_leak.csv``, 491,840 rows,
cp1252, ``;``): every row shuffled, re-encoded in UTF-8 with ``,``. Then
times, each in its own process so that peak memory (max RSS) is its own:

- ``bare_read``: ``polars.read_csv`` of both files (the floor);
- ``compare``: ``toolkit.app.compare.compare_files`` on both (read, classify, fingerprint,
  compare, every private copy deleted);
- ``fingerprints``: reading, classifying and fingerprinting one copy (the original), to see
  where the time goes.

Usage: ``python benchmarks/bench_compare.py [--file F | --rows N | --tiles N] [--repeat N]``.
``--rows`` takes a synthetic leak of that size from ``data/interim/bench/leak_<N>.csv``
(generated there once). The derived copy is written once into ``data/interim/bench/``
(git-ignored) and reused.

``--tiles N`` measures the large case (two copies of tens of millions of rows) without the half
hour the generator needs for 33 M distinct NIRs: copy A is the 491,840-row synthetic leak written
N times over in UTF-8 with ``;``, each tile's persons made new by changing their NIRs' order
digits (the key recomputed); copy B, in UTF-8 with ``,``, holds A's tiles but its last three,
each shuffled, then three tiles A lacks (an extract of A enriched with new persons). N = 67
gives 32.95 M rows a copy (12.7 GB each); ``--stages compare`` skips the bare read, which would
need about 28 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def _tile(frame: Any, t: int, nir: str, person: str) -> Any:
    """The leak's rows with new persons: NIR order digits moved by ``t``, the key recomputed."""
    import polars as pl

    order = (pl.col(nir).str.slice(10, 3).cast(pl.Int64, strict=False) + 7 * t) % 1000
    body = pl.concat_str(pl.col(nir).str.slice(0, 10), order.cast(pl.String).str.zfill(3))
    number = body.str.replace("2A", "19", literal=True).str.replace("2B", "18", literal=True)
    key = 97 - number.cast(pl.Int64, strict=False) % 97
    return frame.with_columns(
        pl.when(order.is_not_null() & key.is_not_null())
        .then(pl.concat_str(body, key.cast(pl.String).str.zfill(2)))
        .otherwise(pl.col(nir)).alias(nir),
        (pl.col(person) + f"-{t}").alias(person),
    )


def _tiled_copies(leak: Path, tiles: int) -> list[Path]:
    """Copies A and B of ``tiles`` tiles of ``leak`` (see the module's docstring), made once."""
    import polars as pl

    from toolkit.shared import paths, scratch

    folder = paths.INTERIM / "bench"
    scratch.private_folder(folder)
    a, b = folder / f"tiled_{tiles}_A.csv", folder / f"tiled_{tiles}_B.csv"
    if a.exists() and b.exists():
        return [a, b]
    frame = pl.read_csv(leak, separator=";", encoding="cp1252", infer_schema=False)
    nir, person = "NIR", frame.columns[0]
    in_b = [*range(tiles - 3), *range(tiles, tiles + 3)]
    plan = [(a, ";", range(tiles), False), (b, ",", in_b, True)]
    for path, separator, order, shuffled in plan:
        with scratch.open_private(path) as out:
            for n, t in enumerate(order):
                tile = _tile(frame, t, nir, person)
                if shuffled:
                    tile = tile.sample(fraction=1.0, shuffle=True, seed=t)
                tile.write_csv(out, separator=separator, include_header=n == 0)
    return [a, b]


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
        first = "utf8" if files[0].name.startswith("tiled_") else "cp1252"
        rows = sum(
            pl.read_csv(f, separator=s, encoding=e, infer_schema=False).height
            for f, s, e in ((files[0], ";", first), (files[1], ",", "utf8"))
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
    parser.add_argument("--tiles", type=int, default=None,
                        help="two copies of N tiles of the leak (the large case)")
    parser.add_argument("--stages", default="bare_read,fingerprints,compare",
                        help="stages to run, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="fastest of N runs (default 3)")
    parser.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(_stage(args.stage, args.file)))
        return 0
    leak = (args.file or [ROOT / "data" / "raw" / "synthetic_leak.csv"])[0]
    if not args.file and (args.rows is not None or not leak.exists()):
        # Without `make demo`'s leak, the same synthetic leak is generated here (491,840 rows).
        leak = _synthetic(args.rows or 491_840)
    files = _tiled_copies(leak, args.tiles) if args.tiles else [leak, _derived_copy(leak)]
    results = {}
    for stage in args.stages.split(","):
        runs = [_run_child(stage, files) for _ in range(args.repeat)]
        results[stage] = min(runs, key=lambda r: r["seconds"])
    floor = results["bare_read"]["seconds"] if "bare_read" in results else None
    sizes = ", ".join(f"{f.name} {f.stat().st_size / 1e6:.0f} MB" for f in files)
    print(f"files: {sizes} (fastest of {args.repeat})")
    print(f"{'stage':<14}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}{'x bare':>8}")
    for stage, r in results.items():
        print(
            f"{stage:<14}{r['rows']:>12,}{r['seconds']:>10.2f}"
            f"{r['rows'] / r['seconds']:>14,.0f}{r['peak_mb']:>10.0f}"
            + (f"{r['seconds'] / floor:>8.1f}" if floor else f"{'-':>8}")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
