"""Time ``publish`` stage by stage on the synthetic leak (default: the 491,840-row default).

Stages: read (ingest), classify, tripwire identifiers, pseudonymise, locate labs, then per
figure aggregate + disclosure + chart rendering, the tripwire scan, and the write. Prints one
line per stage (seconds) and the peak memory of the process.
Run: ``python benchmarks/bench_publish.py [--rows N] [--seed S]``; the leak is generated into
``benchmarks/out/`` when missing.

``--scale`` measures instead, each in its own child process (so that its peak RSS is its own):
``publish`` (the whole ``publish()`` from the raw leak, labs included, as the CLI runs it),
``identifiers`` (``read_leak`` + ``classify`` + ``tripwire.collect_identifiers``) and
``distances`` (``exposure.distance_bands`` + ``distances.distance_summary`` on the safe table, which
an untimed child writes first when missing). It prints wall seconds, rows per second and peak
RSS. ``--file F`` takes an existing leak (its ``<stem>.labs.csv`` beside it), e.g.
``python benchmarks/bench_publish.py --scale --file data/interim/bench/leak_3000000.csv``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toolkit.app import publishing, workflows
from toolkit.boundary import pseudonymise, safe_table, tripwire
from toolkit.publication.bundle import build_bundle, write_bundle
from toolkit.raw import ingest, schema, synth
from toolkit.safe import distances
from toolkit.safe.labs import geocode_labs, read_lab_registry

HERE = Path(__file__).resolve().parent
KEY = bytes(range(32))
SCALE_STAGES = ("publish", "identifiers", "distances")


@contextmanager
def timed(name: str, times: dict[str, float]):
    """Add the wall time of the block to ``times[name]``."""
    start = time.perf_counter()
    yield
    times[name] = times.get(name, 0.0) + time.perf_counter() - start


def _labs_of(leak: Path) -> Path:
    return leak.with_name(leak.stem + ".labs.csv")


def _safe_of(leak: Path) -> Path:
    return leak.with_name(f"safe_{leak.stem}.publish-bench.parquet")


def run_scale_stage(stage: str, leak: Path) -> dict[str, Any]:
    """Run one ``--scale`` stage in this (child) process: rows, seconds, CPU s, peak RSS."""
    import polars as pl

    from toolkit.publication import charts
    from toolkit.safe import exposure

    del charts  # imported before the clock: a fixed cost unrelated to the data
    start, cpu = time.perf_counter(), time.process_time()
    if stage == "publish":
        with tempfile.TemporaryDirectory() as folder:
            result = publishing.publish_leak(
                leak, Path(folder) / "bundle", key=KEY, labs=_labs_of(leak), synthetic=True
            )
        rows = int(result.manifest["input"]["rows_read"])
    elif stage == "identifiers":
        raw = ingest.read_leak(leak)
        tripwire.collect_identifiers(raw, schema.classify(raw.frame))
        rows = raw.rows_read
    elif stage == "safe":
        key_file = _safe_of(leak).with_suffix(".key")
        key_file.write_text(KEY.hex() + "\n", encoding="ascii")
        rows = workflows.pseudonymise_file(leak, _safe_of(leak), key_file=key_file).records
    elif stage == "distances":
        safe = safe_table.read_safe_table(_safe_of(leak))
        labs = geocode_labs(read_lab_registry(_labs_of(leak)))
        exposure.distance_bands(safe, labs)
        distances.distance_summary(safe, labs)
        rows = int(safe.select(pl.len()).collect().item())
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    return {
        "rows": rows,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        # Linux reports KiB; the child starts small, so the peak is the stage's own.
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(stage: str, leak: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, "--file", str(leak)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or [""])[-1]
        raise SystemExit(f"{stage} failed (exit {done.returncode}): {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def scale(leak: Path) -> None:
    """Run every ``--scale`` stage in its own child process and print one line each."""
    if not _safe_of(leak).exists():
        print(f"writing the safe table {_safe_of(leak)} once (untimed)", file=sys.stderr)
        _child("safe", leak)
    print(f"file {leak.name}: {leak.stat().st_size / 1e9:.2f} GB")
    print(f"{'stage':<12} {'rows':>12} {'wall s':>8} {'CPU s':>8} {'rows/s':>10} {'peak MB':>9}")
    for stage in SCALE_STAGES:
        r = _child(stage, leak)
        print(f"{stage:<12} {r['rows']:>12,} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
              f"{r['rows'] / r['seconds']:>10,.0f} {r['peak_mb']:>9,.0f}", flush=True)  # fmt: skip


def stages(leak: Path) -> None:
    """Publish the leak in this process, printing the time of every stage."""
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
        labs = geocode_labs(read_lab_registry(_labs_of(leak)))
    with timed("aggregates + disclosure + charts + note", times):
        bundle = build_bundle(
            safe, input_info=workflows.raw_input_info(raw, safe.height), identifiers=identifiers,
            labs=labs, synthetic=True,
        )  # fmt: skip
    with timed("tripwire scan", times):
        tripwire.scan(bundle.files, identifiers)
    with tempfile.TemporaryDirectory() as folder, timed("write (scan again + move)", times):
        write_bundle(bundle, Path(folder) / "bundle", identifiers)
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


def main() -> None:
    """Generate the leak once if needed, then time ``publish`` stage by stage (or ``--scale``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--file", type=Path, default=None, help="an existing synthetic leak")
    parser.add_argument("--scale", action="store_true", help="each stage in a child process")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        print(json.dumps(run_scale_stage(args.child, args.file)))
        return
    leak = args.file or HERE / "out" / f"publish_leak_{args.rows}_{args.seed}.csv"
    if not leak.exists():
        if args.file:
            raise SystemExit(f"{leak}: file not found")
        leak.parent.mkdir(parents=True, exist_ok=True)
        synth.write_synthetic_leak(leak, rows=args.rows, seed=args.seed, progress=False)
    if args.scale:
        scale(leak)
    else:
        stages(leak)


if __name__ == "__main__":
    main()
