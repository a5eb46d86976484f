"""Benchmark ``toolkit.raw.ingest.read_leak`` against a bare Polars read of the same file.

Writes a synthetic leak (``toolkit.raw.synth``, UTF-8; ``--random`` for a cruder file of random
text, nearly every row quoted, most with a quoted newline) or takes one with ``--file``
(UTF-8, ``;``), then times, each in its own process so that
peak memory (max RSS) is its own:

- ``polars.read_csv(infer_schema=False)`` and ``polars.scan_csv(...).collect()``: the floor;
- ``read_leak(path).frame.collect()`` on the UTF-8 file (accounting pass + lazy read);
- the same on a cp1252 copy (adds the streaming transcoding pass);
- the same on a UTF-8 file with 0.1 % ragged rows (the quarantine / clean-copy path).

Usage: ``python benchmarks/bench_ingest.py [--rows 491840] [--random [--columns 48]] [--file F]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

SURNAMES = ["Durand", "Le Gall", "Lefèvre", "Bœuf", "Müller", "Ménard", "Cœurdevey", "N'Diaye"]
COMMUNES = ["Mœuvres", "Vannes", "Orléans", "Évreux", "Saint-Brieuc", "Blois", "Lorient"]
COMMENTS = ["", "", "", "RAS", "patiente enceinte; à jeun", 'dit "urgent"', "ligne 1\nligne 2"]


def write_leak_like(path: Path, rows: int, columns: int, seed: int = 7) -> None:
    """A leak-shaped CSV (``;``, UTF-8) of random text: names, postcodes, NIRs, phones, notes."""
    rng = np.random.default_rng(seed)
    kinds = ["surname", "commune", "postcode", "nir", "phone", "date", "email", "comment"]
    data = {}
    for i in range(columns):
        kind = kinds[i % len(kinds)]
        name = f"{kind.upper()}_{i}"
        if kind == "surname":
            data[name] = pl.Series(SURNAMES).gather(rng.integers(0, len(SURNAMES), rows))
        elif kind == "commune":
            data[name] = pl.Series(COMMUNES).gather(rng.integers(0, len(COMMUNES), rows))
        elif kind == "comment":
            data[name] = pl.Series(COMMENTS).gather(rng.integers(0, len(COMMENTS), rows))
        else:
            digits = {"postcode": 5, "nir": 15, "phone": 10, "date": 8, "email": 6}[kind]
            values = pl.Series(rng.integers(0, 10**digits, rows, dtype=np.int64)).cast(pl.String)
            padded = values.str.zfill(digits)
            if kind == "date":
                padded = padded.str.slice(0, 2) + "/" + padded.str.slice(2, 2) + "/20" + "19"
            elif kind == "email":
                padded = "patient" + padded + "@exemple.test"
            data[name] = padded
    pl.DataFrame(data).write_csv(path, separator=";")


def to_cp1252(source: Path, target: Path) -> None:
    """Re-encode a UTF-8 file as cp1252, chunk by chunk."""
    with source.open(encoding="utf-8", newline="") as src, target.open("wb") as out:
        while chunk := src.read(16 << 20):
            out.write(chunk.encode("cp1252"))


def with_ragged_rows(source: Path, target: Path, every: int = 1000) -> int:
    """Copy ``source`` adding one extra field to every ``every``-th line; return how many."""
    lines = pl.read_csv(
        source,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        new_columns=["l"],
    )["l"]
    index = pl.int_range(0, len(lines), eager=True)
    quotes = lines.str.count_matches('"', literal=True).cum_sum()
    # A line where no quoted field is open at either end is a whole record: one extra field.
    whole = (quotes % 2 == 0) & (quotes.shift(1, fill_value=0) % 2 == 0)
    ragged = (index % every == every - 1) & (index > 0) & whole
    lines = pl.select(pl.when(ragged).then("extra;" + lines).otherwise(lines)).to_series()
    target.write_text("\n".join(lines.to_list()) + "\n", encoding="utf-8")
    return int(ragged.sum())


def run_one(variant: str, path: str) -> dict:
    """Time one way of reading ``path``, in this process; return seconds, rows, max RSS."""
    start = time.perf_counter()
    if variant == "polars.read_csv":
        rows = pl.read_csv(path, separator=";", infer_schema=False).height
    elif variant == "polars.scan_csv":
        rows = pl.scan_csv(path, separator=";", infer_schema=False).collect().height
    else:
        from toolkit.raw.ingest import read_leak

        with tempfile.TemporaryDirectory() as interim:
            rows = read_leak(path, interim_dir=interim).frame.collect().height
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec.
    status = Path("/proc/self/status").read_text()
    rss = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
    rss /= 1024
    return {"variant": variant, "seconds": seconds, "rows": rows, "rss_mb": rss}


def measure(variant: str, path: Path) -> dict:
    """Run :func:`run_one` in a child process so that its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", variant, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main(argv: list[str]) -> int:
    """Write the inputs, time each reader, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=491_840)
    parser.add_argument("--columns", type=int, default=48, help="with --random")
    parser.add_argument("--random", action="store_true", help="random text, not toolkit.raw.synth")
    parser.add_argument("--file", type=Path, help="a UTF-8 ';' file to use instead")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        tmp_dir = Path(tmp)
        utf8 = args.file or tmp_dir / "leak.csv"
        if args.file is None and args.random:
            write_leak_like(utf8, args.rows, args.columns)
        elif args.file is None:
            from toolkit.raw.synth import write_synthetic_leak

            write_synthetic_leak(utf8, rows=args.rows, encoding="utf-8", progress=False)
        cp1252 = tmp_dir / "leak.cp1252.csv"
        to_cp1252(utf8, cp1252)
        ragged = tmp_dir / "leak.ragged.csv"
        n_ragged = with_ragged_rows(utf8, ragged)
        size_mb = utf8.stat().st_size / 1e6
        columns = len(pl.read_csv(utf8, separator=";", n_rows=1, infer_schema=False).columns)
        print(
            f"input: {utf8.name}, {size_mb:.0f} MB, {columns} columns; "
            f"ragged copy: {n_ragged} rows with an extra field"
        )

        runs = [
            ("polars.read_csv", utf8),
            ("polars.scan_csv", utf8),
            ("read_leak utf-8", utf8),
            ("read_leak cp1252", cp1252),
            ("read_leak ragged", ragged),
        ]
        results = [measure(variant, path) for variant, path in runs]
        floor = results[0]["seconds"]
        head = ("reader", "rows", "seconds", "rows/s", "RSS MB", "x floor")
        print("{:<18} {:>10} {:>8} {:>11} {:>7} {:>7}".format(*head))
        for r in results:
            print(
                f"{r['variant']:<18} {r['rows']:>10} {r['seconds']:>8.2f} "
                f"{r['rows'] / r['seconds']:>11,.0f} {r['rss_mb']:>7.0f} "
                f"{r['seconds'] / floor:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
