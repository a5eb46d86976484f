"""Time secondary suppression on two-way tables of growing size (many small cells).

Prints, for each size, the wall time of ``protect_two_way``, the number of cells hidden as
primary and secondary, and the people hidden by secondary suppression (the information lost).
Run: ``python benchmarks/bench_disclosure.py [--seed S]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from toolkit.publication.disclosure import protect_two_way

# (rows, columns): a small chart, départements x years, départements x months (2015-2020).
SIZES = [(8, 8), (30, 12), (101, 12), (101, 70)]


def synthetic_table(rows: int, cols: int, rng: np.random.Generator) -> pl.DataFrame:
    """Counts drawn from a heavy-tailed law: about a third of the cells below 11."""
    values = np.floor(rng.lognormal(mean=2.8, sigma=1.5, size=rows * cols)).astype(np.int64)
    return pl.DataFrame(
        {
            "row": np.repeat([f"r{i:03d}" for i in range(rows)], cols),
            "col": np.tile([f"c{j:03d}" for j in range(cols)], rows),
            "persons": values,
        }
    )


def main() -> None:
    """Run every size once and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2021)
    args, _ = parser.parse_known_args()
    rng = np.random.default_rng(args.seed)
    print(
        f"{'table':>9} {'cells':>6} {'small':>6} {'primary':>8} {'secondary':>10} "
        f"{'people hidden (2nd)':>20} {'seconds':>8}"
    )
    for rows, cols in SIZES:
        table = synthetic_table(rows, cols, rng)
        start = time.perf_counter()
        protected = protect_two_way(table, "row", "col")
        seconds = time.perf_counter() - start
        s = protected.summary
        lost = table.join(
            protected.table.filter(pl.col("persons_reason") == "secondary").select("row", "col"),
            on=["row", "col"],
        )["persons"].sum()
        small = table.filter(pl.col("persons").is_between(1, 10)).height
        print(
            f"{rows:>4}x{cols:<4} {table.height:>6} {small:>6} {s['suppressed_primary']:>8} "
            f"{s['suppressed_secondary']:>10} {lost:>20} {seconds:>8.2f}"
        )


if __name__ == "__main__":
    main()
