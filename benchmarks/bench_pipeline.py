"""Benchmark the whole pipeline, stage by stage, against a bare Polars read and a pandas script.

Every stage runs in its own child process, so that its peak memory (max RSS) is its own:

- ``floor``: ``pl.scan_csv(...).collect()`` of the same file, all columns as strings (the bare
  read every ratio is measured against); skipped, and said so, when the file cannot fit in RAM;
- ``floor_streaming``: the same scan reduced to one count per column with the streaming engine
  (every field is still parsed; the floor when the bare read does not fit);
- ``ingest``: ``read_leak`` (sha256, encoding, transcoding, row accounting) + ``schema.classify``;
- ``verify``: ``verify.verify`` + ``claims.check_claims`` (after an untimed ``read_leak``);
- ``pseudonymise``: the safe table streamed to Parquet (after an untimed ``read_leak``);
- ``aggregates``: every aggregate the bundle publishes, with disclosure control, from the safe
  table on disk (no chart rendering);
- ``end_to_end``: all of the above in one process, as ``demo`` runs them (verification beside
  pseudonymisation, ``toolkit.app.workflows``, for a leak held in memory; no chart rendering);
- ``bundle``: ``bundle.build_bundle`` from the safe table (aggregates, disclosure, charts);
- ``pandas``: what a newsroom script would do with pandas (``read_csv(dtype=str)``, a few
  ``value_counts``, the NIR key check with string operations); chunked above 500 MB.

Synthetic leaks are generated once into ``data/interim/bench/`` (git-ignored) and reused.
Usage: ``python benchmarks/bench_pipeline.py [--rows 10000000] [--encoding utf-8]
[--stages floor_streaming,end_to_end] [--repeat 3] [--record] [--profile]`` (``--repeat`` runs
each stage several times and keeps the fastest; ``--record`` appends the table
to ``benchmarks/results.md`` with a description of the machine; ``--profile`` runs each stage
under py-spy and writes its flame graph to ``benchmarks/out/profile_<stage>_<rows>.svg``, native
Polars frames included, to see where a stage far from the floor spends its time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / "data" / "interim" / "bench"
RESULTS = HERE / "results.md"
PROFILES = HERE / "out"
KEY = bytes(range(32))  # a fixed, public benchmark key: the data are synthetic
STAGES = (
    "floor",
    "floor_streaming",
    "ingest",
    "verify",
    "pseudonymise",
    "aggregates",
    "end_to_end",
    "bundle",
    "pandas",
)
PANDAS_CHUNK_ROWS = 1_000_000
# Above this file size pandas reads in chunks: its Python strings take about 7 times the file.
PANDAS_WHOLE_LIMIT_BYTES = 500_000_000


# --- the stages (run in a child process) -----------------------------------------------------


def _encoding_of(path: Path) -> str:
    return "utf-8" if ".utf8." in path.name else "cp1252"


def _floor(path: Path, streaming: bool) -> int:
    import polars as pl

    # scan_csv reads only UTF-8: a cp1252 file is read lossily, which costs the same work.
    lossy = "utf8" if _encoding_of(path) == "utf-8" else "utf8-lossy"
    scan = pl.scan_csv(path, separator=";", infer_schema=False, encoding=lossy)
    if streaming:
        counts = scan.select(pl.len().alias("__rows"), pl.all().count()).collect(engine="streaming")
        return int(counts["__rows"][0])
    return scan.collect().height


def _aggregates(safe: Any) -> int:
    """Every aggregate of the bundle, protected as the bundle protects it; returns cells."""
    from toolkit.publication import figures, protection

    cells = 0
    for spec in figures.FIGURES:
        if spec.needs_labs:
            continue
        table = spec.aggregate(safe, figures.FigureInputs())
        protected = protection.protect_table(
            table, spec.keys, totals=spec.totals, derived=spec.derived
        )
        cells += protected.table.height
    return cells


def _safe_path(path: Path) -> Path:
    return BENCH / f"safe_{path.stem}.parquet"


def _pseudonymise(raw: Any, classes: Any, path: Path) -> int:
    import polars as pl

    from toolkit.boundary import pseudonymise, safe_table

    out = safe_table.write_safe_table(pseudonymise.pseudonymise(raw, classes, KEY), path)
    return int(pl.scan_parquet(out).select(pl.len()).collect().item())


def _pandas(path: Path) -> int:
    """The verify + aggregate steps as a straightforward pandas script would do them."""
    import pandas as pd

    encoding = _encoding_of(path)
    chunked = path.stat().st_size > PANDAS_WHOLE_LIMIT_BYTES
    reader = pd.read_csv(
        path, sep=";", dtype=str, encoding=encoding, keep_default_na=False, na_values=[""],
        chunksize=PANDAS_CHUNK_ROWS if chunked else None,
    )  # fmt: skip
    chunks = reader if chunked else [reader]
    totals: dict[str, pd.Series] = {}
    persons: set[str] = set()
    rows = 0

    def add(name: str, counts: pd.Series) -> None:
        totals[name] = counts if name not in totals else totals[name].add(counts, fill_value=0)

    for df in chunks:
        rows += len(df)
        nir = df["NIR"].str.replace(r"[\s.\-]", "", regex=True).str.upper()
        shaped = nir.str.match(r"^\d{5}(\d\d|2A|2B)\d{8}$", na=False)
        body = nir.str.slice(0, 13).str.replace("2A", "19").str.replace("2B", "18")
        number = pd.to_numeric(body.where(shaped), errors="coerce")
        key = pd.to_numeric(nir.str.slice(13, 15).where(shaped), errors="coerce")
        valid = shaped & ((97 - number % 97) == key)
        add("nir_valid", valid.value_counts())
        persons.update(nir[valid].unique())
        add("sex", df["SEXE"].value_counts(dropna=False))
        add("lab", df["CODE_LABO"].value_counts(dropna=False))
        add("departement", df["CODE_POSTAL"].str.slice(0, 2).value_counts(dropna=False))
        sampled = pd.to_datetime(df["DATE_PRELEVEMENT"], format="%d/%m/%Y", errors="coerce")
        add("year", sampled.dt.year.value_counts(dropna=False))
        add("month_lab", df.groupby([sampled.dt.to_period("M"), df["CODE_LABO"]]).size())
        add("filled", df.notna().sum())
        comments = df["COMMENTAIRE_1"].fillna("") + " " + df["COMMENTAIRE_2"].fillna("")
        add("enfant", comments.str.contains(r"\benfants?\b", case=False).value_counts())
    return rows


def run_stage(name: str, path: Path) -> dict[str, Any]:
    """Run one stage in this process; return rows, seconds, CPU seconds and peak RSS."""
    # Imported before the clock starts, and all of them, whatever the stage: the toolkit, the
    # charts (the bundle's figure list imports them) and the libraries the toolkit imports on
    # first use (scipy's solver for the disclosure attack, Faker's French first names for
    # classification), and pandas for its baseline. A fixed cost of about 2 s per process,
    # unrelated to the data.
    import faker.providers.person.fr_FR
    import pandas
    import polars as pl
    import scipy.optimize

    from toolkit.app import workflows
    from toolkit.boundary import safe_table, tripwire
    from toolkit.publication import bundle, charts
    from toolkit.raw import claims, ingest, schema, verify

    del charts, faker, pandas, scipy

    interim = BENCH / "ingest"
    setup: Any = None
    if name in ("verify", "pseudonymise"):
        raw = ingest.read_leak(path, interim_dir=interim)
        setup = (raw, schema.classify(raw.frame))
    start, cpu = time.perf_counter(), time.process_time()
    if name in ("floor", "floor_streaming"):
        rows = _floor(path, streaming=name == "floor_streaming")
    elif name == "ingest":
        raw = ingest.read_leak(path, interim_dir=interim)
        schema.classify(raw.frame)
        rows = raw.rows_parsed
    elif name == "verify":
        raw, classes = setup
        claims.check_claims(verify.verify(raw, classes))
        rows = raw.rows_parsed
    elif name == "pseudonymise":
        rows = _pseudonymise(*setup, _safe_path(path))
    elif name == "aggregates":
        safe = safe_table.read_safe_table(_safe_path(path))
        _aggregates(safe)
        rows = int(safe.select(pl.len()).collect().item())
    elif name == "end_to_end":
        # As `demo` runs it: verification beside pseudonymisation when the leak is in memory.
        raw = ingest.read_leak(path, interim_dir=interim)
        classes = schema.classify(raw.frame)
        report, safe_path = workflows.verify_and_pseudonymise(raw, classes, KEY, _safe_path(path))
        claims.check_claims(report)
        safe = safe_table.read_safe_table(safe_path)
        rows = int(safe.select(pl.len()).collect().item())
        _aggregates(safe)
    elif name == "bundle":
        # As ``publish SAFE.parquet`` does: the safe table stays on disk, scanned lazily.
        safe = safe_table.read_safe_table(_safe_path(path))
        rows = int(safe.select(pl.len()).collect().item())
        info = {"kind": "safe table", "file_name": path.name, "sha256": None, "records": rows,
                "rows_read": None, "rows_quarantined": None}  # fmt: skip
        bundle.build_bundle(safe, input_info=info, identifiers=tripwire.shapes_only(),
                             synthetic=True)  # fmt: skip
    elif name == "pandas":
        rows = _pandas(path)
    else:
        raise SystemExit(f"unknown stage {name!r}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": rows,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        # Linux reports KiB. The child starts from a small parent: the peak is the stage's own.
        "peak_mb": usage.ru_maxrss / 1024,
    }


# --- the parent: files, children, table --------------------------------------------------------


def _leak(rows: int, encoding: str) -> Path:
    """The synthetic leak of ``rows`` rows, written once into data/interim/bench/."""
    suffix = "utf8.csv" if encoding == "utf-8" else "csv"
    path = BENCH / f"leak_{rows}.{suffix}"
    if not path.with_name(f"{path.name}.truth.json").exists():
        BENCH.mkdir(parents=True, exist_ok=True)
        print(f"writing {path} ({rows:,} rows, {encoding}) once", file=sys.stderr, flush=True)
        # In a child process: generating millions of rows takes gigabytes this parent must not
        # hold, or every stage forked from it would start from that peak. The truth file is
        # written last: without it the leak is incomplete and is written again.
        subprocess.run(
            [sys.executable, "-m", "toolkit", "synth", "--rows", str(rows), "--out", str(path),
             "--encoding", encoding, "--quiet"],
            check=True,
        )  # fmt: skip
    return path


def _fits_in_memory(path: Path) -> bool:
    # A string frame takes about twice the file's bytes (values plus 16-byte views per cell).
    # Available memory counts the page cache, which the benchmark files themselves fill.
    meminfo = Path("/proc/meminfo").read_text().split()
    available = int(meminfo[meminfo.index("MemAvailable:") + 1]) * 1024
    return 2.2 * path.stat().st_size < 0.9 * available


def _profiled(command: list[str], stage: str, path: Path) -> list[str]:
    """``command`` run under py-spy, its flame graph written into benchmarks/out/."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy (pip install -e '.[dev]')")
    PROFILES.mkdir(parents=True, exist_ok=True)
    svg = PROFILES / f"profile_{stage}_{path.stem}.svg"
    print(f"{stage}: flame graph -> {svg}", file=sys.stderr)
    return [spy, "record", "--native", "--rate", "200", "--output", str(svg), "--", *command]


def _run_child(stage: str, path: Path, *, profile: bool = False) -> dict[str, Any]:
    if stage == "floor" and not _fits_in_memory(path):
        return {"skipped": "did not fit in memory (not run)"}
    command = [sys.executable, __file__, "--stage", stage, "--file", str(path)]
    done = subprocess.run(
        _profiled(command, stage, path) if profile else command,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        reason = "out of memory (killed)" if done.returncode in (-9, 137) else "failed"
        tail = done.stderr.strip().splitlines()[-1:] or [""]
        print(f"{stage}: {reason}: {tail[0]}", file=sys.stderr)
        return {"skipped": reason}
    # The stage's own line (py-spy may print after it).
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def machine() -> str:
    """One line on this machine: cores, RAM, CPU model, Python and Polars versions, load."""
    import polars as pl

    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), {ram:.0f} GiB RAM, Python {platform.python_version()},"
        f" Polars {pl.__version__}; load average at start {load}"
    )


def table(results: dict[str, dict[str, Any]], path: Path) -> str:
    """The results as a Markdown table, ratios to the bare read (or the streaming floor)."""
    floor_name = "floor" if "seconds" in results.get("floor", {}) else "floor_streaming"
    floor = results.get(floor_name, {}).get("seconds")
    pandas = results.get("pandas", {}).get("seconds")
    lines = [
        f"File `{path.name}`: {path.stat().st_size / 1e9:.2f} GB, "
        f"{_encoding_of(path)}. Ratios are to `{floor_name}` (x floor) and to the pandas "
        "script (x pandas), run in the same session.",
        "",
        "| stage | rows | wall s | CPU s | rows/s | peak RSS MB | x floor | x pandas |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stage, r in results.items():
        if "seconds" not in r:
            lines.append(f"| {stage} | | | | | | {r['skipped']} | |")
            continue
        ratios = [f"{r['seconds'] / base:.2f}" if base else "" for base in (floor, pandas)]
        lines.append(
            f"| {stage} | {r['rows']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
            f"{r['rows'] / r['seconds']:,.0f} | {r['peak_mb']:,.0f} | {' | '.join(ratios)} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the chosen stages on the leak of the chosen size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--encoding", default="cp1252", choices=("cp1252", "utf-8"))
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/results.md")
    parser.add_argument(
        "--profile", action="store_true", help="flame graph of each stage in benchmarks/out/"
    )
    parser.add_argument(
        "--repeat", type=int, default=0,
        help="runs per stage, the fastest reported (default: 3 up to 1 M rows, else 1)",
    )  # fmt: skip
    parser.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.file)))
        return 0
    stages = [s for s in args.stages.split(",") if s]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(unknown)}; choose among {', '.join(STAGES)}")
    described = machine()
    path = _leak(args.rows, args.encoding)
    results: dict[str, dict[str, Any]] = {}
    repeat = args.repeat or (3 if args.rows <= 1_000_000 else 1)
    for stage in stages:
        print(f"{stage} ...", file=sys.stderr, flush=True)
        runs = [_run_child(stage, path, profile=args.profile) for _ in range(repeat)]
        timed = [r for r in runs if "seconds" in r]
        # The fastest of the runs: a run of a few seconds on a shared machine is mostly slowed
        # down by others, never sped up (the floor's own time varied from 0.45 to 0.8 s).
        results[stage] = min(timed, key=lambda r: r["seconds"]) if timed else runs[0]
    text = table(results, path)
    if repeat > 1:
        text += f"\n\nEach stage run {repeat} times; the fastest run is shown."
    print(text)
    if args.record:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(f"\n### {args.rows:,} rows, {when}\n\nMachine: {described}.\n\n{text}\n")
    return 1 if any("failed" in r.get("skipped", "") for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
