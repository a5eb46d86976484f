"""Messy variants of a small synthetic leak, for the hostile tests (no real data anywhere).

:func:`write_messy_leaks` writes a small synthetic leak (``toolkit.raw.synth``) and then damages
copies of it the way real exports are damaged: blank lab codes, meaningless headers (COL01…) in
UTF-8 and UTF-16, blank or garbage dates, no date column, blank sexes, blank residences, one row,
twenty rows, no comment column, no lab column, a single lab, a single month, everyone in one
département. Each variant is a file of its own, named after the damage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from toolkit.raw import synth

ROWS = 1_500
SEED = 23
SEPARATOR = ";"

LAB = "CODE_LABO"
SAMPLE_DATES = ("DATE_PRELEVEMENT", "DATE_DERNIERE_VISITE")
SEXES = ("SEXE", "CIVILITE")
RESIDENCE = ("CODE_POSTAL", "VILLE")
COMMENTS = ("COMMENTAIRE_1", "COMMENTAIRE_2")

Damage = Callable[[pl.DataFrame], pl.DataFrame]


def _blank(columns: tuple[str, ...] | str, rows: int | None = None) -> Damage:
    """Blank ``columns`` on the first ``rows`` rows (all rows when None)."""
    names = (columns,) if isinstance(columns, str) else columns

    def damage(frame: pl.DataFrame) -> pl.DataFrame:
        mask = pl.int_range(pl.len()) < (frame.height if rows is None else rows)
        return frame.with_columns(
            pl.when(mask).then(pl.lit(None, pl.String)).otherwise(pl.col(c)).alias(c)
            for c in names
        )

    return damage


def _garbage_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Sample dates that no format reads."""
    garbage = ["??", "pas de date", "31/02/20xx", "0000-00-00", "n.c."]
    values = [garbage[i % len(garbage)] for i in range(frame.height)]
    return frame.with_columns(pl.Series(c, values, pl.String) for c in SAMPLE_DATES)


def _same(column: str) -> Damage:
    """Every row takes the value of ``column`` found on the first row where it is filled."""

    def damage(frame: pl.DataFrame) -> pl.DataFrame:
        value = frame[column].drop_nulls()[0]
        return frame.with_columns(pl.lit(value, pl.String).alias(column))

    return damage


def _rows_of_one_departement(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("CODE_POSTAL").str.starts_with("56"))


def _all(*damages: Damage) -> Damage:
    def damage(frame: pl.DataFrame) -> pl.DataFrame:
        for each in damages:
            frame = each(frame)
        return frame

    return damage


def _meaningless_headers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: f"COL{i:02d}" for i, c in enumerate(frame.columns, 1)})


#: name -> (damage, encoding of the written file)
VARIANTS: dict[str, tuple[Damage, str]] = {
    "blank_lab_few": (_blank(LAB, 7), "utf-8"),
    "blank_lab_all": (_blank(LAB), "utf-8"),
    "col_headers_utf8": (_meaningless_headers, "utf-8"),
    "col_headers_utf16": (_all(_blank(LAB, 9), _meaningless_headers), "utf-16"),
    "dates_blank": (_blank(SAMPLE_DATES), "utf-8"),
    "dates_garbage": (_garbage_dates, "utf-8"),
    "no_date_column": (lambda f: f.drop(*SAMPLE_DATES), "utf-8"),
    "sexes_blank": (_blank(SEXES), "utf-8"),
    "residence_blank": (_blank(RESIDENCE), "utf-8"),
    "no_comments": (lambda f: f.drop(*COMMENTS), "utf-8"),
    "no_lab_column": (lambda f: f.drop(LAB), "utf-8"),
    "single_lab": (_same(LAB), "utf-8"),
    "single_month": (_same("DATE_PRELEVEMENT"), "utf-8"),
    "one_departement": (_rows_of_one_departement, "utf-8"),
    "one_row": (lambda f: f.head(1), "utf-8"),
    "twenty_rows": (lambda f: f.head(20), "utf-8"),
}


def write_leak(folder: Path) -> Path:
    """The small, clean synthetic leak the variants are made from (UTF-8, ``;``)."""
    path = folder / "clean.csv"
    synth.write_synthetic_leak(
        path, rows=ROWS, seed=SEED, encoding="utf-8", delimiter=SEPARATOR, progress=False
    )
    return path


def read_leak_text(path: Path) -> pl.DataFrame:
    """The clean leak as a frame of strings (empty fields null)."""
    return pl.read_csv(path, separator=SEPARATOR, infer_schema=False, encoding="utf8")


def write_variant(frame: pl.DataFrame, path: Path, encoding: str) -> Path:
    """``frame`` written as a ``;``-separated CSV in ``encoding`` (UTF-16 with its BOM)."""
    body = frame.write_csv(separator=SEPARATOR, quote_style="necessary")
    path.write_bytes(body.encode(encoding))
    return path


def write_messy_leaks(folder: Path, names: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write the clean leak and each variant of :data:`VARIANTS` (or ``names``) into ``folder``."""
    clean = read_leak_text(write_leak(folder))
    written = {}
    for name in names or tuple(VARIANTS):
        damage, encoding = VARIANTS[name]
        written[name] = write_variant(damage(clean), folder / f"{name}.csv", encoding)
    return written
