"""``make demo``: the main job on the embedded default, the synthetic leak, in one command."""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit import paths, synth


def run(rows: int = 491_840, out: str | Path | None = None, seed: int = 2021) -> int:
    """Generate the synthetic leak into ``data/raw/`` and print a short summary; return 0."""
    leak = paths.DEFAULT_LEAK if rows == 491_840 else paths.RAW / f"synthetic_leak_{rows}.csv"
    leak.parent.mkdir(parents=True, exist_ok=True)
    print(f"Writing the synthetic leak ({rows:,} rows) to {leak} ...", file=sys.stderr)
    result = synth.write_synthetic_leak(leak, rows=rows, seed=seed, progress=True)
    print(synth.summary_text(result))
    return 0
