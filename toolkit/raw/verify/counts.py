"""Every count of a verification, as Polars aggregations over the derived columns, and how it runs.

Each count is one aggregation named with a dotted key (``nir.valid_key``, ``filled.<column>``,
``phones.<column>.mobile``...): cells filled, valid, invalid and why, persons, labs; besides
them, three distributions (samples per month, rows per lab, rows per residence département) are
value counts imploded into single cells. Only counts leave, keyed at most by month, lab and
département code: never a person's value. The value counts the signs of fabrication read
(``authenticity.DISTRIBUTION_NAMES``: by first name, sex and birth year, by day...) are gathered
in the same pass and read only by ``authenticity.battery``, which keeps its statistics alone.

Up to ``SMALL_ROWS`` rows, everything runs in one streaming query. Beyond, the derived columns
are written once to a temporary Parquet copy under ``data/interim/`` (deleted at the end: it
holds personal data) and counted in small queries, so that memory stays bounded whatever the
size of the leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from toolkit.raw import french, health
from toolkit.raw import schema as schema_module
from toolkit.raw.schema import Schema
from toolkit.raw.verify import authenticity
from toolkit.raw.verify.derived_columns import Roles
from toolkit.shared import folding, gazetteer, paths, scratch

#: Up to this many rows, all counts run in one query (its memory grows with the rows: about
#: 1.4 GB per million rows of the synthetic leak); beyond, in small queries on a Parquet copy.
SMALL_ROWS = 1_000_000

#: Counts that need a whole column at once (distinct values, duplicates, distributions).
_WHOLE_COLUMN = ("distinct", "rows_sharing", "persons.identified", "by_month", "by_lab",
                 "by_departement", *authenticity.DISTRIBUTION_NAMES)  # fmt: skip

#: Row-by-row counts per query. Measured at 3 M rows: 95 counts in one streaming query held
#: 3.5 GB, 20 per query 1.2 GB, 5 or fewer about nothing; reading the few columns they need
#: from Parquet again costs little.
_COUNTS_PER_QUERY = 4


@dataclass
class Counts:
    """A verification's counts: scalars by dotted name, and distributions by value."""

    #: ``{"rows": ..., "nir.valid_key": ..., "filled.<column>": ...}``.
    totals: dict[str, Any]
    #: ``{"by_month": {"2019-03": n, ...}, "by_lab": {...}, "by_departement": {...}}``, each
    #: sorted by value.
    distributions: dict[str, dict[str, int]]


def collect_counts(
    lazy: pl.LazyFrame, schema: Schema, role: Roles, *, rows: int | None
) -> Counts:
    """Every count of the report over the derived columns, with memory bounded.

    ``rows`` is the number of rows when known beforehand: up to ``SMALL_ROWS``, one query.
    """
    distributions = {**_distributions(), **authenticity.distributions(role)}
    # The distributions are value counts imploded into single cells, beside the scalar counts.
    aggs = [
        *count_expressions(schema, role),
        *(
            expr.alias("value").drop_nulls().value_counts(name="n").implode().alias(name)
            for name, expr in distributions.items()
        ),
    ]
    small = rows is not None and rows <= SMALL_ROWS
    totals = _collect(lazy, aggs, small=small).row(0, named=True)
    by_value = {
        name: dict(sorted((item["value"], item["n"]) for item in totals.pop(name)))
        for name in distributions
    }
    return Counts(totals=totals, distributions=by_value)


def _distributions() -> dict[str, pl.Expr]:
    """The values counted one by one: sample month, lab, residence département."""
    return {
        "by_month": pl.col("_sample").dt.strftime("%Y-%m"),
        "by_lab": pl.col("_lab"),
        "by_departement": gazetteer.postcode_departement(pl.col("_postcode")),
    }


def _reference_pairs() -> tuple[list[str], list[str]] | None:
    """Existing postcodes and "postcode|folded commune" pairs from the gazetteer, if built."""
    table = schema_module.reference_postcodes()
    if table is None:
        return None
    pairs = table.select(
        pl.col("postcode"),
        (pl.col("postcode") + "|" + folding.fold_commune(pl.col("name"))).alias("pair"),
    )
    return pairs["postcode"].unique().to_list(), pairs["pair"].unique().to_list()


def _count(expr: pl.Expr) -> pl.Expr:
    """How many rows ``expr`` holds true for (null counts as false)."""
    return expr.fill_null(False).sum()


def count_expressions(schema: Schema, role: Roles) -> list[pl.Expr]:
    """Every scalar count of the report, as one list of aggregations (one pass over the data)."""
    nir, valid = pl.col("_nir"), pl.col("_nir_valid")
    birth, sample = pl.col("_birth"), pl.col("_sample")
    nir_month, nir_sex = pl.col("_nir_month"), pl.col("_nir_sex")
    birth_checkable = valid & birth.is_not_null() & nir_month.is_between(1, 12)
    birth_ok = (pl.col("_nir_year2") == birth.dt.year() % 100) & (nir_month == birth.dt.month())
    sex_checkable = valid & pl.col("_sex").is_not_null() & nir_sex.is_not_null()
    sex_ok = nir_sex == pl.col("_sex")
    today = pl.lit(date.today())
    aggs = [
        pl.len().alias("rows"),
        nir.is_not_null().sum().alias("nir.filled"),
        _count(nir.str.contains(french.NIR_FORMAT)).alias("nir.well_formed"),
        _count(valid).alias("nir.valid_key"),
        _count(sex_checkable).alias("nir.sex_checked"),
        _count(sex_checkable & sex_ok).alias("nir.sex_consistent"),
        _count(birth_checkable).alias("nir.birth_checked"),
        _count(birth_checkable & birth_ok).alias("nir.birth_consistent"),
        _count(valid & french.nir_departement_plausible(nir)).alias("nir.departement_plausible"),
        # Consistent = no contradiction with what the row records (a missing sex or birth date
        # cannot contradict the NIR).
        _count(
            valid & (~sex_checkable | sex_ok).fill_null(True)
            & (~birth_checkable | birth_ok).fill_null(True)
        ).alias("nir.fully_consistent"),
        nir.filter(valid).n_unique().alias("nir.distinct_valid"),
        _count(valid & nir.is_duplicated()).alias("nir.rows_sharing_a_nir"),
        pl.col("_sex").is_not_null().sum().alias("sex.recognised"),
        (pl.col("_sex") == "F").sum().alias("sex.female"),
        (pl.col("_sex") == "M").sum().alias("sex.male"),
        birth.is_not_null().sum().alias("birth_date.parsed"),
        _count((birth < pl.date(1900, 1, 1)) | (birth > today)).alias("birth_date.out_of_range"),
        birth.dt.year().min().alias("birth_date.first_year"),
        birth.dt.year().max().alias("birth_date.last_year"),
        sample.is_not_null().sum().alias("sample_date.parsed"),
        _count((sample < pl.date(1990, 1, 1)) | (sample > today)).alias(
            "sample_date.out_of_range"
        ),
        _count(birth.is_not_null() & sample.is_not_null() & (birth > sample)).alias(
            "sample_date.before_birth"
        ),
        pl.col("_postcode").is_not_null().sum().alias("postcode.well_formed"),
        pl.col("_person").drop_nulls().n_unique().alias("persons.identified"),
        pl.col("_person").is_null().sum().alias("persons.unidentified"),
        _count(valid).alias("persons.by_nir_rows"),
        pl.col("_lab").drop_nulls().n_unique().alias("labs.distinct"),
        pl.col("_lab").is_not_null().sum().alias("labs.rows_with_lab"),
    ]
    # Cells filled, column by column, for every category.
    for col in schema.columns:
        aggs.append(pl.col(col.name).is_not_null().sum().alias(f"filled.{col.name}"))
    if role["blood_group"]:
        aggs.append(_count(pl.col("_blood_valid")).alias("blood_group.valid"))
    if role["birth_date"] and role["sample_date"]:
        aggs.append(_count(birth.is_not_null() & sample.is_not_null()).alias(
            "sample_date.with_birth"))
    reference = _reference_pairs()
    if reference:
        codes, pairs = reference
        aggs.append(_count(pl.col("_postcode").is_in(codes)).alias("postcode.exist"))
        checkable = pl.col("_postcode").is_in(codes) & pl.col("_commune").is_not_null()
        pair = pl.col("_postcode") + "|" + pl.col("_commune")
        aggs.append(_count(checkable).alias("postcode.commune_checked"))
        aggs.append(_count(checkable & pair.is_in(pairs)).alias("postcode.commune_consistent"))
    phone_cells = []
    for i, col in enumerate(role["phones"]):
        klass = pl.col(f"_phone_class{i}")
        phone_cells.append(klass)
        for name in french.PHONE_CLASSES:
            aggs.append((klass == name).sum().alias(f"phones.{col}.{name}"))
        aggs.append(_count(pl.col(f"_phone_fiction{i}")).alias(f"phones.{col}.fiction"))
    if phone_cells:
        for name in ("landline", "mobile"):
            aggs.append(
                _count(pl.any_horizontal([k == name for k in phone_cells])).alias(
                    f"phones.rows_with_{name}"
                )
            )
    n_emails = len(role["emails"])
    for group, cols, offset in (("email", role["emails"], 0),
                                ("doctor", role["doctors"], n_emails)):
        if not cols:
            continue
        valid_cells = [pl.col(f"_email{offset + i}") for i in range(len(cols))]
        for i, (c, cell) in enumerate(zip(cols if group == "email" else [], valid_cells,
                                          strict=False)):
            aggs.append(cell.is_not_null().sum().alias(f"email.{c}.valid"))
            reserved, syntax = pl.col(f"_email_reserved{i}"), pl.col(f"_email_refused{i}")
            aggs.append(_count(reserved).alias(f"email.{c}.reserved"))
            aggs.append(_count(syntax).alias(f"email.{c}.undeliverable_syntax"))
            aggs.append(_count(reserved | syntax).alias(f"email.{c}.undeliverable"))
        # Columns appended one after the other: 40 times cheaper than a list column exploded.
        aggs.append(
            pl.concat(valid_cells).drop_nulls().n_unique().alias(f"{group}.distinct_emails")
        )
        aggs.append(
            _count(pl.any_horizontal([v.is_not_null() for v in valid_cells])).alias(
                f"{group}.rows_with_email"
            )
        )
    if role["comments"]:
        aggs.append(_count(pl.col("_has_comment")).alias("comment.rows_with_text"))
        for word in health.WORD_PATTERNS:
            aggs.append(_count(pl.col(f"_word_{word}")).alias(f"comment.rows_with_{word}"))
    return aggs


def _collect(lazy: pl.LazyFrame, aggs: list[pl.Expr], *, small: bool) -> pl.DataFrame:
    """Every count in one row, with memory bounded whatever the size of the leak.

    All counts in one query made the streaming engine hold the derived columns in memory
    (4.3 GB at 3 M rows). So the derived columns are written once, in a single pass over the
    leak, to a Parquet copy in a temporary folder under data/interim/ (deleted at the end: it
    holds personal data), and the counts run as small queries on it: row-by-row counts a few at
    a time, and each count over distinct values or duplicates, which needs its column whole,
    alone. A small leak (``SMALL_ROWS`` rows or fewer) is counted in one query: faster, and
    its derived columns fit in memory.
    """
    if small:
        return lazy.select(aggs).collect(engine="streaming")
    whole = [a for a in aggs if any(w in a.meta.output_name() for w in _WHOLE_COLUMN)]
    light = [a for a in aggs if not any(w in a.meta.output_name() for w in _WHOLE_COLUMN)]
    needed = sorted({root for a in aggs for root in a.meta.root_names()})
    # A private folder (0700) and file (0600), deleted when the block ends, however it ends.
    with scratch.temporary_folder("verify-", paths.INTERIM) as folder:
        copy = scratch.reserve_private(folder / "derived.parquet")
        lazy.select(needed).sink_parquet(copy, engine="streaming")
        return _counts_from(pl.scan_parquet(copy), light, whole)


def _counts_from(source: pl.LazyFrame, light: list[pl.Expr], whole: list[pl.Expr]) -> pl.DataFrame:
    """The counts in small queries: row-by-row ones a few at a time, whole-column ones alone."""
    groups = [light[i : i + _COUNTS_PER_QUERY] for i in range(0, len(light), _COUNTS_PER_QUERY)]
    groups += [[a] for a in whole]
    return pl.concat(
        [source.select(group).collect(engine="streaming") for group in groups], how="horizontal"
    )
