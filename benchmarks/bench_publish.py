"""Time ``publish`` stage by stage on the synthetic leak (default: the 491,840-row default).

Stages: read (ingest), classify, tripwire identifiers, pseudonymise, locate labs, then per
figure aggregate + disclosure + chart rendering, the tripwire scan, and the write. Prints one
line per stage (seconds) and the peak memory of the process.
Run: ``python benchmarks/bench_publish.py [--rows N] [--seed S]``; the leak is generated into
``benchmarks/out/`` when missing.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from toolkit import geo, ingest, pseudonymise, publish, schema, synth, tripwire

HERE = Path(__file__).resolve().parent
KEY = bytes(range(32))


@contextmanager
def timed(name: str, times: dict[str, float]):
    """Add the wall time of the block to ``times[name]``."""
    start = time.perf_counter()
    yield
    times[name] = times.get(name, 0.0) + time.perf_counter() - start


def main() -> None:
    """Generate (once) and publish the synthetic leak, printing the time of every stage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--seed", type=int, default=2021)
    args, _ = parser.parse_known_args()
    leak = HERE / "out" / f"publish_leak_{args.rows}_{args.seed}.csv"
    if not leak.exists():
        leak.parent.mkdir(parents=True, exist_ok=True)
        synth.write_synthetic_leak(leak, rows=args.rows, seed=args.seed, progress=False)
    times: dict[str, float] = {}
    total = time.perf_counter()
    with timed("ingest (read_leak)", times):
        raw = ingest.read_leak(leak)
    with timed("classify", times):
        classes = schema.classify(raw.frame)
    with timed("tripwire identifiers", times):
        identifiers = tripwire.collect_identifiers(raw, classes)
    with timed("pseudonymise", times):
        safe = pseudonymise.pseudonymise(raw, classes, KEY).collect()
    with timed("locate labs", times):
        labs = geo.geocode_labs(geo.read_lab_registry(leak.with_name(leak.stem + ".labs.csv")))
    with timed("aggregates + disclosure + charts + note", times):
        bundle = publish.build_bundle(
            safe, input_info=publish.raw_input_info(raw, safe.height), identifiers=identifiers,
            labs=labs, synthetic=True,
        )  # fmt: skip
    with timed("tripwire scan", times):
        tripwire.scan(bundle.files, identifiers)
    with tempfile.TemporaryDirectory() as folder, timed("write (scan again + move)", times):
        publish.write_bundle(bundle, Path(folder) / "bundle", identifiers)
    total = time.perf_counter() - total
    size = sum(len(b) for b in bundle.files.values())
    print(f"rows {raw.rows_read:,}  persons {bundle.manifest['persons']:,}  "
          f"identifiers searched {len(identifiers.phrases):,}  bundle {len(bundle.files)} files, "
          f"{size / 1e6:.1f} MB")  # fmt: skip
    print(f"{'stage':<42} {'seconds':>8}")
    for name, seconds in times.items():
        print(f"{name:<42} {seconds:>8.2f}")
    print(f"{'total':<42} {total:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
