"""Matching places against the embedded gazetteer: postcodes and commune names to INSEE codes.

The gazetteer (``toolkit.shared.reference``, built from INSEE's COG and La Poste's postcodes) is
public open data, so matching against it is shared by both sides of the privacy boundary: the
boundary resolves residences with it (``toolkit.boundary.residences``), the safe side locates
labs with it (``toolkit.safe.labs``). Nothing here holds or returns a value finer than a commune.

Every resolution says how it was obtained (:data:`RESOLUTIONS`): ``exact`` (an INSEE code was
given), ``postcode_name`` (the name matched one of the postcode's communes), ``postcode_only``
(approximate: the postcode's most populous commune) or ``not_found``.
"""

from __future__ import annotations

import polars as pl

from toolkit.shared import reference
from toolkit.shared.folding import fold_commune

RESOLUTIONS: tuple[str, ...] = ("exact", "postcode_name", "postcode_only", "not_found")


def _reference_postcodes() -> pl.DataFrame:
    return reference.postcodes()


def _reference_communes() -> pl.DataFrame:
    return reference.communes()


def postcode_clean(text: pl.Expr) -> pl.Expr:
    """A postcode as 5 digits (a 4-digit code lost its leading zero in a spreadsheet); else null."""
    digits = text.str.strip_chars().str.replace_all(r"\s", "")
    padded = pl.when(digits.str.contains(r"^\d{4}$")).then("0" + digits).otherwise(digits)
    return pl.when(padded.str.contains(r"^\d{5}$")).then(padded)


def postcode_departement(postcode: pl.Expr) -> pl.Expr:
    """The département of a clean postcode by its prefix (97x/98x overseas; 20 -> 2A or 2B)."""
    head2 = postcode.str.slice(0, 2)
    return (
        pl.when(head2.is_in(["97", "98"]))
        .then(postcode.str.slice(0, 3))
        .when(head2 == "20")
        .then(pl.when(postcode.str.slice(0, 3).is_in(["200", "201"])).then(pl.lit("2A"))
              .otherwise(pl.lit("2B")))
        .otherwise(head2)
    )


def as_expr(column: str | pl.Expr | None) -> pl.Expr:
    """A column given by name, as an expression, or as nothing (a null string)."""
    if column is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(column) if isinstance(column, str) else column


def commune_name_key(expr: pl.Expr) -> pl.Expr:
    """A matching key for a commune name: folded, "St"/"Ste" spelt out, no CEDEX, no spaces."""
    folded = fold_commune(expr).str.replace(r"\s+cedex(\s+\d+)?$", "")
    # Spaces and hyphens vary between sources ("Saint Brieuc", "St-Brieuc"): drop them all.
    key = folded.str.replace_all(" ", "", literal=True)
    return pl.when(key == "").then(None).otherwise(key)


def insee_code(expr: pl.Expr) -> pl.Expr:
    """An INSEE commune code (5 digits, or 2A/2B and 3 digits), upper-cased; else null."""
    code = expr.cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(code.str.contains(r"^(\d{5}|2[AB]\d{3})$")).then(code).otherwise(None)



# --- commune resolution (shared by residences and labs) -----------------------------------------


def _matching_tables(
    pcs: pl.DataFrame, coms: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The gazetteer prepared for matching: (postcode + name key, postcode alone, INSEE code)."""
    by_population = pcs.lazy().sort(
        ["population", "insee"], descending=[True, False], nulls_last=True
    )
    by_name = (
        by_population.with_columns(_nk=commune_name_key(pl.col("name")))
        .unique(["postcode", "_nk"], keep="first", maintain_order=True)
        .select(pl.col("postcode").alias("_pc"), "_nk", pl.col("insee").alias("_by_name"))
    )
    by_postcode = by_population.unique("postcode", keep="first", maintain_order=True).select(
        pl.col("postcode").alias("_pc"), pl.col("insee").alias("_by_postcode")
    )
    known = coms.lazy().select(
        pl.col("insee").alias("_code"),
        pl.col("insee").alias("_exact"),
        pl.col("departement").alias("_departement"),
        pl.col("region").alias("_region"),
        pl.col("lon").alias("_lon"),
        pl.col("lat").alias("_lat"),
    )
    return by_name.collect(), by_postcode.collect(), known.collect()


#: The last gazetteer prepared, with the frames it was prepared from (compared by identity).
_PREPARED: list[tuple[pl.DataFrame, pl.DataFrame, tuple[pl.DataFrame, ...]]] = []


def _prepared_tables(
    pcs: pl.DataFrame, coms: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    # Streaming pseudonymisation resolves residences batch by batch: folding the 39,000
    # gazetteer names again for each batch would dominate its cost, so reuse the last result
    # while the same reference frames are given (the reference loaders are cached).
    for seen_pcs, seen_coms, tables in _PREPARED:
        if seen_pcs is pcs and seen_coms is coms:
            return tables  # type: ignore[return-value]
    tables = _matching_tables(pcs, coms)
    _PREPARED[:] = [(pcs, coms, tables)]
    return tables


def resolve_communes(
    frame: pl.LazyFrame,
    postcode: pl.Expr,
    name: pl.Expr,
    insee: pl.Expr,
    *,
    prefix: str,
    postcodes: pl.DataFrame | None,
    communes: pl.DataFrame | None,
) -> pl.LazyFrame:
    """Add ``<prefix>insee``, ``departement``, ``region``, ``resolution`` (and lon/lat) columns."""
    by_name, by_postcode, known = _prepared_tables(
        _reference_postcodes() if postcodes is None else postcodes,
        _reference_communes() if communes is None else communes,
    )
    known = known.lazy().rename(
        {"_departement": f"{prefix}departement", "_region": f"{prefix}region"}
    )
    status = (
        pl.when(pl.col("_exact").is_not_null())
        .then(pl.lit("exact"))
        .when(pl.col("_by_name").is_not_null())
        .then(pl.lit("postcode_name"))
        .when(pl.col("_by_postcode").is_not_null())
        .then(pl.lit("postcode_only"))
        .otherwise(pl.lit("not_found"))
    )
    resolved = (
        frame.with_columns(
            _pc=postcode_clean(postcode.cast(pl.String)),
            _nk=commune_name_key(name),
            _code=insee_code(insee),
        )
        .join(known.select("_code", "_exact"), on="_code", how="left", maintain_order="left")
        .join(by_name.lazy(), on=["_pc", "_nk"], how="left", maintain_order="left")
        .join(by_postcode.lazy(), on="_pc", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_exact", "_by_name", "_by_postcode").alias(f"{prefix}insee"),
            status.alias(f"{prefix}resolution"),
        )
        .drop("_pc", "_nk", "_code", "_exact", "_by_name", "_by_postcode")
    )
    return resolved.join(
        known.drop("_exact").rename({"_code": f"{prefix}insee"}),
        on=f"{prefix}insee",
        how="left",
        maintain_order="left",
    )


