"""Protecting one figure's table: disclosure control, and what a hidden count must take with it.

A count hidden by disclosure control can be given back by the columns computed from it (a share,
a rate per 100,000, a lab's first and last month), and the reason it was hidden says whether it
is small: :func:`protect_table` empties the first, :func:`chart_table` and
:func:`published_summary` keep the second out of everything published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from toolkit.publication import disclosure

COUNT = "persons"


def protect_table(
    table: pl.DataFrame,
    keys: Sequence[str],
    *,
    k: int = disclosure.DEFAULT_K,
    totals: str = "none",
    rounding: int | None = None,
    epsilon: float | None = None,
    contributions: int = 1,
    derived: Sequence[str] = (),
) -> disclosure.Protected:
    """Protect one aggregate (suppression, rounding or DP) and empty what a hidden count gives back.

    ``derived`` columns (a share, a rate, a lab's first and last month) are nulled where the
    count is hidden: they would let a reader recompute it, or say something about few people.
    """
    if epsilon is not None:
        protected = disclosure.dp_counts(
            table, COUNT, epsilon=epsilon, by=list(keys), contributions=contributions, k=k
        )
    else:
        protected = disclosure.protect(
            table, COUNT, by=list(keys), k=k, totals=totals, rounding=rounding  # type: ignore[arg-type]
        )
    hidden = pl.col(f"{COUNT}_suppressed")
    blank = [
        pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
        for c in derived
        if c in protected.table.columns
    ]
    if blank:
        protected = disclosure.Protected(
            protected.table.with_columns(blank), protected.margins, COUNT, protected.summary
        )
    return protected


def derive_from_published(
    protected: disclosure.Protected, *, persons: int | None
) -> disclosure.Protected:
    """Recompute the columns derived from a count from the *published* count, never the true one.

    A share of persons or of the population, or a rank, computed from an exact count gives that
    count back even when the count itself is rounded, noised or hidden. So, after protection:
    ``share`` is the published count over ``persons`` (the published number of persons),
    ``population_share`` the published count over the (public) population, ``rank`` the order
    of the published counts (hidden cells last, in key order); shares are empty where the count
    is hidden.
    """
    c = protected.count
    table = protected.table
    hidden = pl.col(f"{c}_suppressed") | pl.col(c).is_null()
    shown = pl.when(hidden).then(None).otherwise(pl.col(c))
    updates = []
    if "share" in table.columns:
        share = shown / persons if persons else pl.lit(None, pl.Float64)
        updates.append(share.cast(pl.Float64).alias("share"))
    if "population_share" in table.columns and "population" in table.columns:
        updates.append((shown / pl.col("population")).alias("population_share"))
    if "rank" in table.columns:
        keys = [col for col in table.columns if col not in
                (c, f"{c}_suppressed", f"{c}_reason", "rank", "n_categories")]  # fmt: skip
        # Hidden cells come after the shown ones, in the order of their keys: their rank says
        # nothing their marker does not.
        order = pl.struct(shown.fill_null(-1).neg(), *keys).rank("ordinal").cast(pl.UInt32)
        updates.append(order.alias("rank"))
    if not updates:
        return protected
    return disclosure.Protected(table.with_columns(updates), protected.margins, c,
                                protected.summary)  # fmt: skip


def chart_table(protected: disclosure.Protected) -> pl.DataFrame:
    """The cells a chart may embed: every hidden cell given the same reason.

    The chart shows "< k" only when all hidden cells are primary; otherwise "secret" for all.
    Giving every hidden cell the same reason keeps that choice and tells a reader of the
    embedded data nothing about which hidden cells are small.
    """
    reason = f"{COUNT}_reason"
    table = protected.table
    if reason not in table.columns:
        return table
    any_secondary = (table[reason] == disclosure.SECONDARY).any() or (
        protected.margins.height > 0
        and (protected.margins[reason] == disclosure.SECONDARY).any()
    )
    same = disclosure.SECONDARY if any_secondary else disclosure.PRIMARY
    return table.with_columns(
        pl.when(pl.col(f"{COUNT}_suppressed")).then(pl.lit(same)).otherwise(None).alias(reason)
    )


def published_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What the manifest says of one table's disclosure control: cells, hidden cells, method.

    The split between primary and secondary suppression is left out: with two hidden cells,
    "one primary, one secondary" would tell the reader that one of them holds fewer than k.
    """
    hidden = summary["suppressed_primary"] + summary["suppressed_secondary"]
    kept = {
        key: value for key, value in summary.items()
        if key not in ("suppressed_primary", "suppressed_secondary")
    }  # fmt: skip
    return {"cells": summary["cells"] + summary["margins"], "suppressed_cells": hidden,
            "disclosure": kept}  # fmt: skip

