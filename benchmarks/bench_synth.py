"""Time the synthetic-leak generator at the published size (``--rows N`` for another size).

Each size runs in its own child process so that its peak memory (max RSS) is measured alone.
Usage: ``python benchmarks/bench_synth.py`` (491,840 rows, as ``make bench`` runs it) or
``--rows 10000000``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (491_840,)  # make bench stays short; larger sizes with --rows

CHILD = """
import json, resource, sys, time
from toolkit.raw import synth
start = time.perf_counter()
result = synth.write_synthetic_leak(sys.argv[1], rows=int(sys.argv[2]), progress=False)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "bytes": result.path.stat().st_size,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(rows: int, folder: Path) -> dict[str, float]:
    """Generate ``rows`` rows in a child process; return seconds, file size and peak RSS."""
    out = folder / f"bench_{rows}.csv"
    done = subprocess.run([sys.executable, "-c", CHILD, str(out), str(rows)], check=True,
                          capture_output=True, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for path in folder.glob(f"bench_{rows}*"):
        path.unlink()
    return figures


def main() -> None:
    """Print a table of rows, seconds, rows per second, file size and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="run only this size")
    parser.add_argument("--tmp", default=None, help="scratch folder (default: system temp)")
    args = parser.parse_args()
    sizes = (args.rows,) if args.rows else SIZES
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'rows':>12} {'seconds':>9} {'rows/s':>11} {'file MB':>9} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for rows in sizes:
            started = time.perf_counter()
            f = run(rows, Path(tmp))
            wall = time.perf_counter() - started
            print(f"{rows:>12,} {f['seconds']:>9.1f} {rows / f['seconds']:>11,.0f} "
                  f"{f['bytes'] / 1e6:>9.1f} {f['peak_rss_mb']:>12,.0f}"
                  f"   (process wall {wall:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
