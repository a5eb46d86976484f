"""Benchmark what the signs of fabrication add to ``verify``: with and without the battery.

Reads the leak once (in memory, as ``verify`` does on the 2021 file's size), then times
``verify.verify`` with the battery and with it switched off (no value counts gathered, no test
run), alternately, keeping the fastest of ``--repeat`` runs of each (the machine is shared: the
fastest run is the least disturbed); also the battery alone on counts already gathered.

Usage: ``python benchmarks/bench_authenticity.py [--rows 491840] [--file F] [--repeat 3]``
(without ``--file``, ``data/interim/bench/leak_<rows>.csv``, written first if missing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]


def _timed(run) -> tuple[float, float]:
    """Wall and CPU seconds of ``run()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str]) -> int:
    """Print verify's wall and CPU seconds with and without the battery, and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from toolkit.raw import ingest, schema, synth, verify
    from toolkit.raw.verify import authenticity, counts

    path = args.file or ROOT / "data" / "interim" / "bench" / f"leak_{args.rows}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        synth.write_synthetic_leak(path, rows=args.rows, progress=False)
    leak = ingest.read_leak(path)
    classes = schema.classify(leak.frame)
    print(f"{path.name}: {leak.rows_parsed:,} rows")

    def without_battery():
        with mock.patch.object(authenticity, "distributions", lambda role: {}), \
             mock.patch.object(authenticity, "battery", lambda d, t: {}):
            verify.verify(leak, classes)

    best = {"with": (float("inf"), 0.0), "without": (float("inf"), 0.0)}
    for _ in range(args.repeat):
        for name, run in (("with", lambda: verify.verify(leak, classes)),
                          ("without", without_battery)):
            best[name] = min(best[name], _timed(run))
    gathered: dict = {}
    real_collect = counts.collect_counts

    def keep(*a, **k):
        gathered["counts"] = real_collect(*a, **k)
        return gathered["counts"]

    with mock.patch.object(counts, "collect_counts", keep), \
         mock.patch("toolkit.raw.verify.collect_counts", keep):
        verify.verify(leak, classes)
    c = gathered["counts"]
    alone = min(_timed(lambda: authenticity.battery(c.distributions, c.totals))
                for _ in range(args.repeat))
    leak.close()
    for name, (wall, cpu) in best.items():
        print(f"verify {name:<7} battery: {wall:6.2f} s wall, {cpu:6.2f} s CPU")
    added = best["with"][0] - best["without"][0]
    print(f"battery adds {added:+.2f} s wall ({best['with'][1] - best['without'][1]:+.2f} s CPU); "
          f"the tests alone on gathered counts: {alone[0]:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
