"""Run every benchmark script in this folder (``make bench``), each in its own process.

Each ``bench_*.py`` prints its own table of wall time, rows per second, peak memory and ratios
to a bare Polars read of the same file. Extra arguments are passed on to every script
(e.g. ``--rows 10000000``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run each benchmark in turn; return non-zero if any failed."""
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script), *argv], check=False).returncode:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
