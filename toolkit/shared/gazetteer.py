"""Matching places against the embedded gazetteer: postcodes and commune names to INSEE codes.

The gazetteer (``toolkit.shared.reference``, built from INSEE's COG and La Poste's postcodes) is
public open data, so matching against it is shared by both sides of the privacy boundary: the
boundary resolves residences with it (``toolkit.boundary.residences``), the safe side locates
labs with it (``toolkit.safe.labs``). Nothing here holds or returns a value finer than a commune.

Every resolution says how it was obtained (:data:`RESOLUTIONS`): ``exact`` (an INSEE code was
given), ``postcode_name`` (the name matched one of the postcode's communes), ``former_name`` (the
name is that of a former commune, déléguée or associée, now part of a current commune: records of
2015-2020 carry the names of their time), ``postcode_only`` (approximate: the postcode's most
populous commune) or ``not_found``.

Names are compared by :func:`commune_name_key`, which reads La Poste's spellings too: upper case
without accents, hyphens or apostrophes, "ST"/"STE" for saint/sainte, "S" for sur, "SS" for
sous, "LEZ" for lès, an article put last in brackets ("ANDELYS (LES)"), "CEDEX" and its number,
a "COMMUNE NOUVELLE" suffix.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from toolkit.shared import reference
from toolkit.shared.folding import fold_commune

#: How a place was resolved, from the most to the least certain (the order reports follow).
RESOLUTIONS: tuple[str, ...] = (
    "exact", "postcode_name", "former_name", "postcode_only", "not_found",
)  # fmt: skip


def _reference_postcodes() -> pl.DataFrame:
    return reference.postcodes()


def _reference_communes() -> pl.DataFrame:
    return reference.communes()


def _reference_former_communes() -> pl.DataFrame:
    return reference.former_communes()


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
    """A matching key for a commune name: folded, La Poste's abbreviations spelt out, no spaces.

    "St"/"Ste" -> saint/sainte, "S" or "s/" -> sur, "SS" or "s/s" -> sous, "lez" -> lès; a
    leading article is dropped, and so is one put last in brackets ("ANDELYS (LES)"); "CEDEX"
    and its number, and La Poste's "COMMUNE NOUVELLE" suffix, too.
    """
    unbracketed = (
        expr.cast(pl.String)
        .str.replace(r"(?i)\s*\((?:l'|l|le|la|les)\)\s*$", "")
        .str.replace_all(r"(?i)\bs/s\b", " sous ")  # "s/" is sur: folding leaves "s"
    )
    folded = (
        fold_commune(unbracketed)
        .str.replace(r"\s+cedex(\s+\d+)?$", "")
        .str.replace(r"\s+commune nouvelle$", "")  # La Poste: "JUGON LES LACS COMMUNE NOUVELLE"
        .str.replace_all(r"\bss\b", "sous")
        .str.replace_all(r"\bs\b", "sur")
        .str.replace_all(r"\blez\b", "les")
    )
    # Spaces and hyphens vary between sources ("Saint Brieuc", "St-Brieuc"): drop them all.
    key = folded.str.replace_all(" ", "", literal=True)
    return pl.when(key == "").then(None).otherwise(key)


def insee_code(expr: pl.Expr) -> pl.Expr:
    """An INSEE commune code (5 digits, or 2A/2B and 3 digits), upper-cased; else null."""
    code = expr.cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(code.str.contains(r"^(\d{5}|2[AB]\d{3})$")).then(code).otherwise(None)



# --- commune resolution (shared by residences and labs) -----------------------------------------


class _Tables(NamedTuple):
    """The gazetteer prepared for matching, one frame per way of finding a commune."""

    by_name: pl.DataFrame  # _pc, _nk -> _by_name (a current name among the postcode's communes)
    by_former: pl.DataFrame  # _pc, _nk -> _by_former (a former name, its commune serves _pc)
    by_former_dep: pl.DataFrame  # _dep, _nk -> _by_former_dep (a former name unique in _dep)
    by_postcode: pl.DataFrame  # _pc -> _by_postcode (the postcode's most populous commune)
    known: pl.DataFrame  # _code -> _exact, _departement, _region, _lon, _lat


def _matching_tables(pcs: pl.DataFrame, coms: pl.DataFrame, former: pl.DataFrame) -> _Tables:
    """The gazetteer prepared for matching (see :class:`_Tables`)."""
    by_population = pcs.lazy().sort(
        ["population", "insee"], descending=[True, False], nulls_last=True
    )
    by_name = (
        by_population.with_columns(_nk=commune_name_key(pl.col("name")))
        .unique(["postcode", "_nk"], keep="first", maintain_order=True)
        .select(pl.col("postcode").alias("_pc"), "_nk", pl.col("insee").alias("_by_name"))
    )
    # A former commune's name, with every postcode of the commune it belongs to now: La Poste
    # kept the old communes' postcodes when they merged. Among homonyms, the most populous.
    former_keys = (
        former.lazy()
        .filter(pl.col("parent").is_in(coms["insee"].implode()))
        .select(
            _nk=commune_name_key(pl.col("name")),
            _parent=pl.col("parent"),
            _dep=pl.col("departement"),
        )
        .drop_nulls("_nk")
        .unique()
    )
    by_former = (
        former_keys.join(
            by_population.select(
                pl.col("postcode").alias("_pc"), pl.col("insee").alias("_parent"), "population"
            ),
            on="_parent",
        )
        .sort(["population", "_parent"], descending=[True, False], nulls_last=True)
        .unique(["_pc", "_nk"], keep="first", maintain_order=True)
        .select("_pc", "_nk", pl.col("_parent").alias("_by_former"))
    )
    # Whatever the postcode (it may have changed since), a former name that only one commune
    # of its département had.
    by_former_dep = (
        former_keys.group_by("_dep", "_nk")
        .agg(pl.col("_parent").unique())
        .filter(pl.col("_parent").list.len() == 1)
        .select("_dep", "_nk", pl.col("_parent").list.first().alias("_by_former_dep"))
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
    return _Tables(
        *pl.collect_all([by_name, by_former, by_former_dep.sort("_dep", "_nk"), by_postcode, known])
    )


#: The last gazetteer prepared, with the frames it was prepared from (compared by identity).
_PREPARED: list[tuple[tuple[pl.DataFrame, ...], _Tables]] = []


def _prepared_tables(pcs: pl.DataFrame, coms: pl.DataFrame, former: pl.DataFrame) -> _Tables:
    # Streaming pseudonymisation resolves residences batch by batch: folding the 42,000
    # gazetteer names again for each batch would dominate its cost, so reuse the last result
    # while the same reference frames are given (the reference loaders are cached).
    sources = (pcs, coms, former)
    for seen, tables in _PREPARED:
        if all(a is b for a, b in zip(seen, sources, strict=True)):
            return tables
    tables = _matching_tables(pcs, coms, former)
    _PREPARED[:] = [(sources, tables)]
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
    former_communes: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Add ``<prefix>insee``, ``departement``, ``region``, ``resolution`` (and lon/lat) columns.

    In order: an INSEE code (``exact``); a name among the postcode's communes
    (``postcode_name``); a former commune's name, among those of the communes serving the
    postcode, else unique in the postcode's département (``former_name``: today's commune); the
    postcode's most populous commune (``postcode_only``); else ``not_found``. ``postcodes``,
    ``communes`` and ``former_communes`` override the reference tables (tests); former communes
    whose current commune is not in ``communes`` are ignored.
    """
    tables = _prepared_tables(
        _reference_postcodes() if postcodes is None else postcodes,
        _reference_communes() if communes is None else communes,
        _reference_former_communes() if former_communes is None else former_communes,
    )
    known = tables.known.lazy().rename(
        {"_departement": f"{prefix}departement", "_region": f"{prefix}region"}
    )
    former = pl.col("_by_former").is_not_null() | pl.col("_by_former_dep").is_not_null()
    status = (
        pl.when(pl.col("_exact").is_not_null())
        .then(pl.lit("exact"))
        .when(pl.col("_by_name").is_not_null())
        .then(pl.lit("postcode_name"))
        .when(former)
        .then(pl.lit("former_name"))
        .when(pl.col("_by_postcode").is_not_null())
        .then(pl.lit("postcode_only"))
        .otherwise(pl.lit("not_found"))
    )
    found = ("_exact", "_by_name", "_by_former", "_by_former_dep", "_by_postcode")
    resolved = (
        frame.with_columns(
            _pc=postcode_clean(postcode.cast(pl.String)),
            _nk=commune_name_key(name),
            _code=insee_code(insee),
        )
        .with_columns(_dep=postcode_departement(pl.col("_pc")))
        .join(known.select("_code", "_exact"), on="_code", how="left", maintain_order="left")
        .join(tables.by_name.lazy(), on=["_pc", "_nk"], how="left", maintain_order="left")
        .join(tables.by_former.lazy(), on=["_pc", "_nk"], how="left", maintain_order="left")
        .join(
            tables.by_former_dep.lazy(), on=["_dep", "_nk"], how="left", maintain_order="left"
        )
        .join(tables.by_postcode.lazy(), on="_pc", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce(*found).alias(f"{prefix}insee"),
            status.alias(f"{prefix}resolution"),
        )
        .drop("_pc", "_nk", "_code", "_dep", *found)
    )
    return resolved.join(
        known.drop("_exact").rename({"_code": f"{prefix}insee"}),
        on=f"{prefix}insee",
        how="left",
        maintain_order="left",
    )
