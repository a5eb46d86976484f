"""Residences to communes, départements and regions: inside the boundary, never below the commune.

A postcode and a commune name (raw personal data: part of an address) become an INSEE commune
code, then a département and a region, before anything crosses into the safe table. This runs
inside pseudonymisation (``toolkit.boundary.pseudonymise``), so the raw postcode and commune name
never leave the boundary. The matching itself is the gazetteer's (``toolkit.shared.gazetteer``).
"""

from __future__ import annotations

import polars as pl

from toolkit.shared.gazetteer import as_expr, resolve_communes


def resolve_residences(
    frame: pl.LazyFrame | pl.DataFrame,
    postcode: str | pl.Expr | None,
    commune: str | pl.Expr | None = None,
    *,
    postcodes: pl.DataFrame | None = None,
    communes: pl.DataFrame | None = None,
    former_communes: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Add the ``residence_insee``, ``_departement``, ``_region`` and ``_resolution`` columns.

    ``commune`` may hold a name (matched accent- and case-insensitively among the postcode's
    communes, La Poste's abbreviations read) or an INSEE code (``exact``). The name of a former
    commune (merged into a commune nouvelle, or associated) gives today's commune, flagged
    ``former_name``. A postcode alone, or a name that matches none of its communes (a typo),
    falls back to the postcode's most populous commune, flagged ``postcode_only``. Never more
    precise than the commune. ``postcodes``, ``communes`` and ``former_communes`` override the
    reference gazetteer (tests).
    """
    name = as_expr(commune)
    resolved = resolve_communes(
        frame.lazy(),
        as_expr(postcode),
        name,
        name,
        prefix="residence_",
        postcodes=postcodes,
        communes=communes,
        former_communes=former_communes,
    )
    return resolved.drop("_lon", "_lat")
