"""One key per laboratory, and joins between the safe table's labs and a lab table that cannot
pair one record with two labs.

A lab's key is its FINESS number when one is known (from a registry's ``finess`` column or the
FINESS extract), else the slug of its code or name (``safe_table.lab_code``). Names are not
unique: 630 of the 4,021 labs of the 2026 FINESS extract share their name with another ("BIO 17"
nine times, four Cerballiance sites in one département), so keying labs by the slug of their
name merged distinct labs, and joining a leak's labs with such a registry counted persons twice.

A leak's lab column holds whatever its software wrote: a code, a name, sometimes a FINESS
number. :func:`lab_aliases` lists, for a lab table, the values that designate exactly one of its
labs (its key, its FINESS number, the slugs of its code and of its name); a value shared by two
labs designates none of them. The boundary uses it to write the FINESS-based key in the safe
table when a registry is given (``pseudonymise(..., labs=registry)``); the safe side uses
:func:`locations_by_lab` to join a safe table, whichever keys it holds, to located labs.

Labs are public businesses: nothing here reads personal data.
"""

from __future__ import annotations

import polars as pl

from toolkit.boundary.safe_table import finess_number, lab_code

#: Columns of a lab table that locate it; rows of one key that disagree on them lose them.
PLACE_COLUMNS: tuple[str, ...] = ("insee", "departement", "region", "lon", "lat")
#: ``precision`` of a key that stands for labs in different places (located nowhere).
AMBIGUOUS = "ambiguous"


def lab_key(finess: pl.Expr, code_or_name: pl.Expr) -> pl.Expr:
    """A lab's key: its FINESS number when it has one, else the slug of its code or name."""
    return pl.coalesce(finess_number(finess), lab_code(code_or_name))


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column).cast(pl.String)
    return pl.lit(None, dtype=pl.String)


def keyed(labs: pl.DataFrame) -> pl.DataFrame:
    """``labs`` with a ``lab`` key column: kept when present, else from ``finess`` and ``code``
    or ``name`` (:func:`lab_key`)."""
    if "lab" in labs.columns:
        return labs
    code_or_name = pl.coalesce(_text(labs, "code"), _text(labs, "name"))
    return labs.with_columns(lab=lab_key(_text(labs, "finess"), code_or_name))


def lab_aliases(labs: pl.DataFrame) -> pl.DataFrame:
    """``alias, lab``: every value that designates exactly one lab of ``labs`` (sorted by alias).

    A lab's key designates it; so do its FINESS number and the slugs of its ``code`` and
    ``name`` (columns used when present), unless another lab of the table shares them: an
    alias of two labs designates neither (it is left out, and a record with that value is
    joined to no lab rather than to two). Without a ``lab`` column, keys are made (:func:`keyed`).
    """
    labs = keyed(labs)
    keys = labs.select(pl.col("lab").cast(pl.String)).drop_nulls().unique()
    candidates = pl.concat(
        [
            labs.select(alias=code, lab=pl.col("lab").cast(pl.String))
            for code in (
                finess_number(_text(labs, "finess")),
                lab_code(_text(labs, "code")),
                lab_code(_text(labs, "name")),
            )
        ]
    ).drop_nulls()
    shared = (
        candidates.unique()
        .group_by("alias")
        .agg(pl.col("lab").first(), pl.col("lab").n_unique().alias("_labs"))
        .filter(pl.col("_labs") == 1)
        .drop("_labs")
    )
    # A key always designates its own lab, even when it is also another lab's alias.
    others = shared.join(keys, left_on="alias", right_on="lab", how="anti")
    return pl.concat([keys.select(pl.col("lab").alias("alias"), "lab"), others]).sort("alias")


def one_row_per_lab(labs: pl.DataFrame) -> pl.DataFrame:
    """``labs`` with one row per ``lab`` key, in the order keys first appear (nulls dropped).

    Rows of one key (the same FINESS number listed twice, or labs without one whose names fold
    to the same slug) keep the first row's values; their place (``PLACE_COLUMNS``) is kept when
    they agree on it, and otherwise emptied, with ``precision`` set to ``"ambiguous"`` (when
    the table has that column): one key in two places is located nowhere, rather than twice.
    """
    frame = keyed(labs).filter(pl.col("lab").is_not_null())
    places = [c for c in PLACE_COLUMNS if c in frame.columns]
    if not places:
        return frame.unique("lab", keep="first", maintain_order=True)
    disagree = (
        frame.select("lab", *places)
        .unique()
        .group_by("lab")
        .len()
        .filter(pl.col("len") > 1)
        .select("lab", _ambiguous=pl.lit(True))
    )
    ambiguous = pl.col("_ambiguous").fill_null(False)
    first = frame.unique("lab", keep="first", maintain_order=True).join(
        disagree, on="lab", how="left", maintain_order="left"
    )
    emptied = [pl.when(~ambiguous).then(pl.col(c)).alias(c) for c in places]
    if "resolution" in frame.columns:
        emptied.append(pl.when(~ambiguous).then(pl.col("resolution")).alias("resolution"))
    if "precision" in frame.columns:
        emptied.append(
            pl.when(ambiguous).then(pl.lit(AMBIGUOUS)).otherwise(pl.col("precision"))
            .alias("precision")
        )  # fmt: skip
    return first.with_columns(emptied).drop("_ambiguous")


def by_lab_value(labs: pl.DataFrame) -> pl.DataFrame:
    """``labs`` with one row per value a safe table's ``lab`` may hold for them, sorted by it.

    ``lab`` is that value: each lab's key and every alias that designates it alone
    (:func:`lab_aliases`); ``key`` (last column) is the lab's key. A plain join on ``lab`` then
    finds a safe table's labs whether the safe table holds keys or slugs of codes or names,
    and never adds a row (``lab`` is unique). Rows of one key are merged first
    (:func:`one_row_per_lab`).
    """
    unique = one_row_per_lab(labs)
    aliases = lab_aliases(unique).rename({"lab": "key"})
    rows = unique.with_columns(pl.col("lab").cast(pl.String).alias("key")).drop("lab")
    return (
        aliases.join(rows, on="key", how="inner")
        .rename({"alias": "lab"})
        .select("lab", *[c for c in rows.columns if c != "key"], "key")
        .sort("lab")
    )


def locations_by_lab(labs: pl.DataFrame) -> pl.DataFrame:
    """``lab, lon, lat`` with one row per value a safe table's ``lab`` may hold for these labs.

    The values are the labs' aliases (:func:`lab_aliases`: key, FINESS number, code and name
    slugs that designate one lab only), so that a safe table keyed by slugs joins a registry
    keyed by FINESS numbers, and ``lab`` is unique: a left join on it never adds a row.
    """
    if labs.is_empty() or not {"lon", "lat"} <= set(labs.columns):
        return pl.DataFrame(schema={"lab": pl.String, "lon": pl.Float64, "lat": pl.Float64})
    return by_lab_value(labs).select("lab", pl.col("lon", "lat").cast(pl.Float64))


def with_lab_keys(frame: pl.LazyFrame, aliases: pl.DataFrame | None) -> pl.LazyFrame:
    """``frame`` with its ``lab`` codes replaced by the key of the lab each designates.

    ``aliases`` is :func:`lab_aliases` of a registry; a code that designates none of its labs
    (unknown, or shared by two) is kept as it is. None keeps every code.
    """
    if aliases is None:
        return frame
    return (
        frame.join(
            aliases.lazy().rename({"alias": "lab", "lab": "_key"}),
            on="lab",
            how="left",
            maintain_order="left",
        )
        .with_columns(lab=pl.coalesce("_key", "lab"))
        .drop("_key")
    )
