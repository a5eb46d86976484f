"""French CSV for newsrooms: the protected table behind each figure, ready for Datawrapper or Excel.

UTF-8 with a byte-order mark (so that Excel does not read it as cp1252), ``;`` between fields and
a decimal comma (what Excel in French expects; Datawrapper detects both), French headers and
labels, one row per cell, then the totals where they are published. A hidden count is an empty
cell with ``oui`` in the "Secret statistique" column (``non`` elsewhere), and the columns computed
from it (share, rate, dates) are empty too. Text cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``; numeric
columns are written as numbers, so a negative number stays a number.
"""

from __future__ import annotations

import io

import polars as pl

from toolkit.publication import disclosure
from toolkit.shared.text import text, texts
from toolkit.shared.vocabulary import CATEGORY_LABELS, MENTION_LABELS

COUNT = "persons"
#: The column saying whether a count is hidden, and its two values.
FLAG = text("csv.flag")
_HIDDEN, _SHOWN = text("csv.flag_yes"), text("csv.flag_no")

#: French CSV headers, by column of the exposure aggregates.
HEADERS: dict[str, str] = texts("csv.header")
_SEXES = texts("csv.sex")
_BANDS = texts("csv.band")
#: Pseudo-categories of the combinations, beside the data categories.
_EXTRA_LABELS = texts("csv.category")
# Characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection").
_FORMULA_START = r"^[=+\-@\t\r]"


def _labels(column: str) -> pl.Expr | None:
    fr_categories = {**CATEGORY_LABELS["fr"], **_EXTRA_LABELS}
    value = pl.col(column)
    if column == "category":
        return value.replace_strict(fr_categories, default=value, return_dtype=pl.String)
    if column == "mention":
        return value.replace_strict(MENTION_LABELS["fr"], default=value, return_dtype=pl.String)
    if column == "sex":
        return value.replace_strict(_SEXES, default=value, return_dtype=pl.String)
    if column == "band":
        return value.replace_strict(_BANDS, default=value, return_dtype=pl.String)
    if column == "combination":
        return (
            value.str.split("+")
            .list.eval(
                pl.element().replace_strict(fr_categories, default=pl.element(),
                                            return_dtype=pl.String)
            )
            .list.join(" + ")
        )  # fmt: skip
    return None


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix with ``'`` every text cell a spreadsheet would run as a formula; numbers untouched."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def csv_table(protected: disclosure.Protected) -> pl.DataFrame:
    """The protected cells (then the published totals) with French headers and labels."""
    c = COUNT
    cells = protected.table.drop(f"{c}_reason", strict=False)
    frames = [cells]
    keys = [col for col in cells.columns if col in protected.margins.columns and col not in
            (c, f"{c}_suppressed", f"{c}_reason", "margin")]  # fmt: skip
    if protected.margins.height:
        margins = protected.margins.drop(f"{c}_reason", "margin", strict=False)
        frames.append(margins)
    table = pl.concat(frames, how="diagonal_relaxed")
    if protected.margins.height and keys:
        first = keys[0]
        is_total = pl.int_range(pl.len()) >= cells.height
        table = table.with_columns(pl.col(first).cast(pl.String)).with_columns(
            pl.when(is_total).then(pl.lit(text("csv.total"))).otherwise(pl.col(first)).alias(first)
        )
    conversions = []
    for col, dtype in table.schema.items():
        label = _labels(col)
        if label is not None:
            conversions.append(label.alias(col))
        elif dtype == pl.Date:
            conversions.append(pl.col(col).dt.strftime("%Y-%m-%d"))
        elif col == "share":
            conversions.append((pl.col(col) * 100).round(1))
        elif col == "population_share":
            conversions.append((pl.col(col) * 100).round(4))
    table = table.with_columns(conversions).with_columns(
        pl.when(pl.col(f"{c}_suppressed")).then(pl.lit(_HIDDEN)).otherwise(pl.lit(_SHOWN))
        .alias(FLAG)
    )
    ordered = [col for col in table.columns if col not in (c, f"{c}_suppressed", FLAG)]
    table = table.select(*ordered, c, FLAG)
    return neutralise_formulas(table).rename({k: v for k, v in HEADERS.items() if k in ordered
                                              or k == c})  # fmt: skip


def csv_bytes(table: pl.DataFrame) -> bytes:
    """A table as French CSV bytes: UTF-8 with BOM, ``;`` separator, decimal comma."""
    buffer = io.BytesIO()
    table.write_csv(buffer, separator=";", decimal_comma=True, quote_style="necessary")
    return b"\xef\xbb\xbf" + buffer.getvalue()

