"""Disclosure control for tables of counts: primary and secondary suppression, rounding, DP noise.

Every published aggregate passes through here. The rules (``docs/published-facts.md``, "Rules for
publishing small counts"):

* **Primary suppression**: no published cell counts between 1 and ``k - 1`` people (``k = 11``, the
  ATIH / CASD / INSEE rule). True zeros are published unless ``allow_zero=False``.
* **Secondary suppression**: when totals are published beside the cells, more cells are hidden so
  that no hidden cell can be recomputed from the others and the totals.

The guarantee, stated precisely. Take an attacker who knows every published cell and total, knows
that cells add up to their totals and that counts are non-negative, and who solves the linear
program (over the reals) "minimise, then maximise, this hidden cell". For every hidden cell,
primary or secondary, interior or total, the interval ``[lower, upper]`` the attacker obtains has
``upper - lower >= k``. Since ``lower >= 0`` this also gives ``upper >= k``: the attacker can never
prove that a hidden cell is below the threshold, nor pin it within fewer than ``k`` people. The
equations of a one- or two-way table with totals form a totally unimodular system, so the
bounds are whole numbers reached by whole-number tables: an attacker who knows that counts are
integers learns nothing more.

How it is met: each hidden cell that is not yet protected gets a *move*, a set of hidden cells that
can all shift together by the same amount without changing any published total (a pair of cells in
a one-way table, a rectangle of four cells in a two-way table, totals included). A move that can
shift by at least ``k`` in total protects all its cells at once, which proves the guarantee for
them; among such moves the cheapest is chosen (fewest totals hidden, then fewest new cells, then
the smallest counts). A cell without such a move is checked by the attacker itself (the linear
program, solved with HiGHS through SciPy), and moves are added until the attacker fails on every
cell. Hiding more cells can only widen the attacker's intervals, so cells once proven stay proven.

The protected frame keeps the count column (null when hidden, never zero) and adds
``<count>_suppressed`` (Boolean) and ``<count>_reason`` (``"primary"``, ``"secondary"`` or null).
The reason is for the manifest only: publish it and a reader learns which hidden cells are small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from toolkit.shared.errors import DisclosureError, InputError
from toolkit.shared.formatting import decimal
from toolkit.shared.text import plural, text
from toolkit.shared.vocabulary import Lang

#: The default threshold: no published cell below 11 people (ATIH / CASD / INSEE rule).
DEFAULT_K = 11

Totals = Literal["none", "total", "both"]

PRIMARY = "primary"
SECONDARY = "secondary"

# Internal codes of why a cell is hidden.
_KEPT, _PRIMARY, _SECONDARY = 0, 1, 2
_REASONS = {_PRIMARY: PRIMARY, _SECONDARY: SECONDARY}

# Attacker bounds are floats from an LP solver: compare with a little slack.
_TOLERANCE = 1e-6

# The first attack costs two LPs per hidden cell, each about as long as the table: above this
# (hidden cells x cells, about 5 s here) it is skipped and moves alone do the first round.
_FIRST_ATTACK_BUDGET = 600_000


@dataclass(frozen=True)
class Protected:
    """A table after disclosure control: the cells, the totals published beside them, a summary.

    ``table`` holds one row per cell; ``margins`` one row per published total, with the key
    columns summed over set to null and a ``margin`` column (``"row"``, ``"column"``, ``"grand"``).
    Both carry the nullable count and its ``_suppressed`` / ``_reason`` columns.
    """

    table: pl.DataFrame
    margins: pl.DataFrame
    count: str
    summary: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def protect(
    table: pl.DataFrame | pl.LazyFrame,
    count: str = "persons",
    by: Sequence[str] | None = None,
    k: int = DEFAULT_K,
    totals: Totals = "none",
    allow_zero: bool = True,
    rounding: int | None = None,
) -> Protected:
    """Hide the cells of a count table that would disclose fewer than ``k`` people.

    ``by`` names the key columns (one row per key). ``totals`` says what is published beside
    the cells: ``"none"`` (cells only: primary suppression is enough), ``"total"`` (the cells
    and their grand total, a one-way table) or ``"both"`` (a two-way table,
    ``by = [rows, columns]``, with row, column and grand totals; missing combinations are added
    as zero cells). ``rounding`` (e.g. 5 or 10) then rounds every published cell and total to
    that base, see :func:`round_to_base`.
    """
    frame = _checked_frame(table, count, by, k, rounding)
    by = list(by or [])
    if totals == "both":
        if len(by) != 2:
            raise InputError(
                f"a table with row and column totals needs two key columns, got {len(by)}"
            )
        return _protect_grid(frame, count, by[0], by[1], k, allow_zero, rounding)
    if totals not in ("none", "total"):
        raise InputError(f"totals must be 'none', 'total' or 'both', not {totals!r}")
    return _protect_line(frame, count, by, k, totals, allow_zero, rounding)


def protect_two_way(
    table: pl.DataFrame | pl.LazyFrame,
    rows: str,
    cols: str,
    count: str = "persons",
    k: int = DEFAULT_K,
    allow_zero: bool = True,
    rounding: int | None = None,
) -> Protected:
    """Protect a two-way table published with its row, column and grand totals.

    ``.table`` holds the protected cells, ``.margins`` the totals actually published (a total of
    fewer than ``k`` people is hidden too, and a total may be hidden to protect a cell).
    """
    return protect(table, count, [rows, cols], k, "both", allow_zero, rounding)


def assert_publishable(
    table: pl.DataFrame | pl.LazyFrame,
    count: str = "persons",
    k: int = DEFAULT_K,
    rounding: int | None = None,
) -> None:
    """Raise DisclosureError if any published (non-null) count is between 1 and ``k - 1``.

    The publish step's last check. With ``rounding`` the rounded values that a count of at least
    ``k`` can take are accepted (e.g. 10 for ``k = 11`` in base 10); values that are not
    multiples of the base are refused.
    """
    frame = table.lazy() if isinstance(table, pl.DataFrame) else table
    if count not in frame.collect_schema().names():
        raise InputError(f"no column {count!r} to check before publishing")
    value = pl.col(count)
    if rounding is None:
        bad = value.is_between(1, k - 1)
        rule = f"between 1 and {k - 1} people"
    else:
        floor = round_to_base(k, rounding)
        bad = ((value % rounding) != 0) | value.is_between(1, floor - 1)
        rule = f"not rounded to base {rounding} or below {floor}"
    found = frame.select(bad.fill_null(False).sum()).collect().item()
    if found:
        cells = "cell" if found == 1 else "cells"
        raise DisclosureError(
            f"{found} {cells} of {count!r} {rule}: run disclosure control before publishing "
            f"(k = {k})"
        )


#: The lowest threshold the toolkit accepts at all; below :data:`DEFAULT_K` a deliberate flag is
#: needed (``allow_small_k``), and the manifest and the note say so.
MIN_K = 5


def check_threshold(k: int, *, allow_small_k: bool = False) -> int:
    """Refuse k below :data:`MIN_K`, and below :data:`DEFAULT_K` unless ``allow_small_k``."""
    if not isinstance(k, int) or k < MIN_K:
        raise InputError(f"k = {k} is refused: no threshold below {MIN_K} persons is allowed")
    if k < DEFAULT_K and not allow_small_k:
        raise InputError(
            f"k = {k} is below {DEFAULT_K}, the threshold for health data (ATIH, INSEE): give "
            "--allow-small-k (allow_small_k=True) to publish with it deliberately"
        )
    return k


def round_to_base(value: int, base: int) -> int:
    """Round a count to the nearest multiple of ``base``, halves up (12 -> 10, 15 -> 20)."""
    return (value + base // 2) // base * base


def rounding_expr(expr: pl.Expr, base: int) -> pl.Expr:
    """The Polars expression of :func:`round_to_base` (nulls stay null)."""
    return (expr + base // 2) // base * base


def suppressed_label(lang: Lang = "fr") -> str:
    """The text shown in place of a hidden cell in charts and CSV ("secret statistique").

    The same label serves primary and secondary cells: telling them apart (e.g. writing "< 11")
    would let a reader narrow the hidden primary cells to fewer than ``k`` values.
    """
    return text("disclosure.suppressed", lang)


def threshold_label(k: int = DEFAULT_K) -> str:
    """The "< 11" label, only for tables published without totals (no secondary suppression)."""
    return f"< {k}"


def public_table(protected: Protected, lang: Lang = "fr", margins: bool = True) -> pl.DataFrame:
    """The cells (and totals) as they may be published: the reason column dropped, a label added.

    ``<count>_label`` holds the count as text, or :func:`suppressed_label` for a hidden cell.
    """
    c = protected.count
    frames = [protected.table]
    if margins and protected.margins.height:
        frames = [protected.table.with_columns(margin=pl.lit(None, pl.String)), protected.margins]
    out = pl.concat(frames, how="diagonal_relaxed")
    return out.drop(f"{c}_reason").with_columns(
        pl.col(c).cast(pl.String).fill_null(suppressed_label(lang)).alias(f"{c}_label")
    )


def explain(protected: Protected, lang: Lang = "fr") -> str:
    """One sentence saying how many cells were hidden and why, for the methodology note."""
    s = protected.summary
    k, primary, secondary = s["k"], s["suppressed_primary"], s["suppressed_secondary"]
    cells = s["cells"] + s["margins"]
    sentences = [text(
        "disclosure.explain", lang, cells=cells, primary=primary, k=k, secondary=secondary,
        hidden=plural("disclosure.hidden", primary, lang),
        others=plural("disclosure.others", secondary, lang),
    )]  # fmt: skip
    if s.get("rounding"):
        sentences.append(text("disclosure.rounded", lang, rounding=s["rounding"]))
    if s.get("epsilon") is not None:
        sentences.append(dp_error_text(s["epsilon"], s["contributions"], lang))
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# Differential privacy
# ---------------------------------------------------------------------------------------------


def dp_counts(
    table: pl.DataFrame | pl.LazyFrame,
    count: str = "persons",
    epsilon: float = 1.0,
    by: Sequence[str] | None = None,
    contributions: int = 1,
    k: int | None = DEFAULT_K,
) -> Protected:
    """Add differential-privacy noise to every count (OpenDP's discrete Laplace mechanism).

    Each person may count in at most ``contributions`` cells (1 when the cells split people into
    groups). The list of cells must not depend on the data: pass every key, zero cells included,
    or the presence of a cell leaks. Noisy counts below zero are published as 0, and noisy counts
    between 1 and ``k - 1`` are hidden (free post-processing that keeps the "no cell below k"
    rule; ``k=None`` publishes them). Totals, if wanted, are sums of the noisy cells.
    OpenDP draws its noise from the system's secure random source: it cannot be seeded, so two
    runs differ; record the published figures, not the seed.
    """
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise InputError(f"epsilon must be a positive number, got {epsilon}")
    if contributions < 1:
        raise InputError(f"contributions must be at least 1, got {contributions}")
    frame = _checked_frame(table, count, by, k or 1, None)
    noisy = _opendp_noise(frame[count].to_list(), contributions / epsilon)
    value = pl.Series(count, noisy, pl.Int64).clip(lower_bound=0)
    hidden = value.is_between(1, k - 1) if k else pl.Series([False] * len(value))
    out = frame.with_columns(value.alias(count))
    out = _mark(out, count, np.where(hidden.to_numpy(), _PRIMARY, _KEPT))
    summary = {
        "cells": out.height,
        "margins": 0,
        "suppressed_primary": int(hidden.sum()),
        "suppressed_secondary": 0,
        "k": k,
        "method": "differential_privacy",
        "totals": "none",
        "allow_zero": True,
        "rounding": None,
        "epsilon": epsilon,
        "contributions": contributions,
        "noise": "discrete Laplace (OpenDP make_laplace)",
        "noise_scale": contributions / epsilon,
        **dp_expected_error(epsilon, contributions),
    }
    return Protected(out, _empty_margins(out, count, list(by or [])), count, summary)


def dp_expected_error(epsilon: float, contributions: int = 1) -> dict[str, float]:
    """The error of one noisy count: its mean absolute error and its 95 % bound, in people."""
    p = math.exp(-epsilon / contributions)
    mean_abs = 2 * p / (1 - p * p)
    # Discrete Laplace: P(|noise| > t) = 2 p^(t+1) / (1 + p); smallest t with that <= 5 %.
    bound95 = max(0, math.ceil(math.log(0.05 * (1 + p) / 2) / math.log(p) - 1)) if p > 0 else 0
    return {"mean_abs_error": mean_abs, "error_95": float(bound95)}


def dp_error_text(epsilon: float, contributions: int = 1, lang: Lang = "fr") -> str:
    """The expected error of the noisy counts, in plain French or English words."""
    err = dp_expected_error(epsilon, contributions)
    mean, bound = err["mean_abs_error"], int(err["error_95"])
    return text(
        "disclosure.dp_error", lang, epsilon=decimal(epsilon, lang, trim=True),
        mean=decimal(mean, lang, 1), mean_people=plural("disclosure.people", mean, lang),
        bound=bound, bound_people=plural("disclosure.people", bound, lang),
    )  # fmt: skip


def _opendp_noise(values: list[int], scale: float) -> list[int]:
    """Noisy copies of integer counts, drawn by OpenDP's discrete Laplace mechanism."""
    import opendp.prelude as dp

    # The vector Laplace constructor sits behind OpenDP's "contrib" flag (peer review pending).
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return list(dp.m.make_laplace(*space, scale=scale)(values))


# ---------------------------------------------------------------------------------------------
# Input checks and output frames
# ---------------------------------------------------------------------------------------------


def _checked_frame(
    table: pl.DataFrame | pl.LazyFrame,
    count: str,
    by: Sequence[str] | None,
    k: int,
    rounding: int | None,
) -> pl.DataFrame:
    """Collect the table and refuse what cannot be protected, in words a journalist understands."""
    frame = table.collect() if isinstance(table, pl.LazyFrame) else table
    if count not in frame.columns:
        raise InputError(f"no count column {count!r} in the table")
    missing = [c for c in by or [] if c not in frame.columns]
    if missing:
        raise InputError(f"no key column {missing[0]!r} in the table")
    if k < 1:
        raise InputError(f"the threshold k must be at least 1, got {k}")
    if rounding is not None and rounding < 2:
        raise InputError(f"rounding base must be at least 2, got {rounding}")
    if not frame.schema[count].is_integer():
        raise InputError(f"column {count!r} must hold whole numbers of people")
    bad = frame.select(
        pl.col(count).is_null().sum().alias("null"), (pl.col(count) < 0).sum().alias("negative")
    ).row(0)
    if bad[0]:
        raise InputError(f"column {count!r} has {bad[0]} empty cell(s): counts must be known")
    if bad[1]:
        raise InputError(f"column {count!r} has {bad[1]} negative count(s)")
    if by and frame.select(pl.struct(by).is_duplicated().any()).item():
        raise InputError(f"several rows share the same {', '.join(by)}: aggregate them first")
    return frame.with_columns(pl.col(count).cast(pl.Int64))


def _mark(frame: pl.DataFrame, count: str, reasons: np.ndarray) -> pl.DataFrame:
    """Null the hidden counts and add the ``_suppressed`` and ``_reason`` columns."""
    reason = pl.Series(f"{count}_reason", reasons, pl.Int8).replace_strict(
        _REASONS, default=None, return_dtype=pl.String
    )
    hidden = pl.Series(f"{count}_suppressed", reasons != _KEPT, pl.Boolean)
    return frame.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col(count)).alias(count), hidden, reason
    )


def _empty_margins(frame: pl.DataFrame, count: str, by: list[str]) -> pl.DataFrame:
    """A margins frame with no row, with the columns a real one would have."""
    cols = [*by, "margin", count, f"{count}_suppressed", f"{count}_reason"]
    schema = {c: frame.schema[c] for c in by} | {
        "margin": pl.String,
        count: pl.Int64,
        f"{count}_suppressed": pl.Boolean,
        f"{count}_reason": pl.String,
    }
    return pl.DataFrame(schema=schema).select(cols)


def _summary(
    reasons: np.ndarray, n_cells: int, k: int, totals: str, allow_zero: bool, rounding: int | None
) -> dict[str, Any]:
    """The manifest's record of what disclosure control did."""
    return {
        "cells": n_cells,
        "margins": len(reasons) - n_cells,
        "suppressed_primary": int((reasons == _PRIMARY).sum()),
        "suppressed_secondary": int((reasons == _SECONDARY).sum()),
        "k": k,
        "method": "suppression" if rounding is None else "suppression+rounding",
        "totals": totals,
        "allow_zero": allow_zero,
        "rounding": rounding,
        "epsilon": None,
    }


def _finish(
    cells: pl.DataFrame,
    margins: pl.DataFrame,
    count: str,
    reasons: np.ndarray,
    summary: dict,
    rounding: int | None,
) -> Protected:
    """Mark hidden cells and totals, round what is published, and bundle the result."""
    n = cells.height
    cells = _mark(cells, count, reasons[:n])
    margins = _mark(margins, count, reasons[n:])
    if rounding is not None:
        # Totals are rounded from their exact values like the cells, so rounded cells need not
        # add up to the rounded total (conventional rounding, stated in the methodology note).
        cells = cells.with_columns(rounding_expr(pl.col(count), rounding))
        margins = margins.with_columns(rounding_expr(pl.col(count), rounding))
    return Protected(cells, margins, count, summary)


# ---------------------------------------------------------------------------------------------
# Layouts: a one-way table (a line of cells and its total) and a two-way table with margins
# ---------------------------------------------------------------------------------------------


def _protect_line(
    frame: pl.DataFrame,
    count: str,
    by: list[str],
    k: int,
    totals: str,
    allow_zero: bool,
    rounding: int | None,
) -> Protected:
    """Cells alone, or cells and their grand total (one equation: the cells add up to it)."""
    values = frame[count].to_numpy().astype(np.int64)
    n = len(values)
    if totals == "none":
        reasons = np.where(_is_primary(values, k, allow_zero), _PRIMARY, _KEPT)
        summary = _summary(reasons, n, k, totals, allow_zero, rounding)
        return _finish(frame, _empty_margins(frame, count, by), count, reasons, summary, rounding)
    line = _Line(np.append(values, values.sum()))
    reasons = _suppress(line, k, allow_zero)
    margins = pl.DataFrame({count: [int(values.sum())]}, schema={count: pl.Int64}).with_columns(
        *[pl.lit(None, frame.schema[c]).alias(c) for c in by], margin=pl.lit("grand")
    )
    margins = margins.select(*by, "margin", count)
    summary = _summary(reasons, n, k, totals, allow_zero, rounding)
    return _finish(frame, margins, count, reasons, summary, rounding)


def _protect_grid(
    frame: pl.DataFrame,
    count: str,
    rows: str,
    cols: str,
    k: int,
    allow_zero: bool,
    rounding: int | None,
) -> Protected:
    """A rows x columns table with row totals, column totals and the grand total."""
    row_keys = frame.select(rows).unique(maintain_order=True)
    col_keys = frame.select(cols).unique(maintain_order=True)
    cells = (
        row_keys.join(col_keys, how="cross")
        .join(frame, on=[rows, cols], how="left", nulls_equal=True)
        .with_columns(pl.col(count).fill_null(0))
    )
    n_rows, n_cols = row_keys.height, col_keys.height
    grid = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    grid[:n_rows, :n_cols] = cells[count].to_numpy().reshape(n_rows, n_cols)
    grid[:n_rows, n_cols] = grid[:n_rows, :n_cols].sum(axis=1)
    grid[n_rows, :] = grid[:n_rows, :].sum(axis=0)
    layout = _Grid(grid)
    reasons = layout.to_output_order(_suppress(layout, k, allow_zero))
    row_totals = row_keys.with_columns(
        pl.lit(None, frame.schema[cols]).alias(cols),
        margin=pl.lit("row"),
        **{count: pl.Series(grid[:n_rows, n_cols])},
    )
    col_totals = col_keys.with_columns(
        pl.lit(None, frame.schema[rows]).alias(rows),
        margin=pl.lit("column"),
        **{count: pl.Series(grid[n_rows, :n_cols])},
    )
    grand = pl.DataFrame(
        {rows: [None], cols: [None], "margin": ["grand"], count: [int(grid[n_rows, n_cols])]},
        schema={
            rows: frame.schema[rows],
            cols: frame.schema[cols],
            "margin": pl.String,
            count: pl.Int64,
        },
    )
    margins = pl.concat(
        [
            m.select(rows, cols, "margin", pl.col(count).cast(pl.Int64))
            for m in (row_totals, col_totals, grand)
        ]
    )
    summary = _summary(reasons, cells.height, k, "both", allow_zero, rounding)
    return _finish(cells, margins, count, reasons, summary, rounding)


class _Line:
    """A one-way table: cells 0..n-1 and their total at index n (cells - total = 0)."""

    def __init__(self, values: np.ndarray):
        self.values = values
        n = len(values) - 1
        self.is_margin = np.zeros(n + 1, dtype=bool)
        self.is_margin[n] = True
        self.equations = np.append(np.ones(n), -1.0)[None, :]
        # Direction of a cell when it gains one unit of "weight" in a move: totals move the other
        # way round, so a cell and its total rise together.
        self.sign = np.where(self.is_margin, -1, 1)

    def moves(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Every pair (c, other): corners (M, 2) and how each corner moves (+1 / -1)."""
        others = np.delete(np.arange(len(self.values)), c)
        corners = np.column_stack([np.full(len(others), c), others])
        directions = np.column_stack([np.full(len(others), self.sign[c]), -self.sign[others]])
        return corners, directions


class _Grid:
    """A two-way table with its totals, as an (R+1) x (C+1) grid flattened row by row.

    With the totals' signs flipped (row R and column C), every row and column of the grid adds
    up to zero, so the elementary moves are the rectangles of the grid.
    """

    def __init__(self, grid: np.ndarray):
        self.shape = grid.shape
        r, c = grid.shape
        self.values = grid.ravel()
        margin_row = np.arange(r) == r - 1
        margin_col = np.arange(c) == c - 1
        self.is_margin = (margin_row[:, None] | margin_col[None, :]).ravel()
        self.sign = (np.where(margin_row, -1, 1)[:, None] * np.where(margin_col, -1, 1)).ravel()
        signed = self.sign.reshape(r, c).astype(float)
        equations = []
        for i in range(r):
            eq = np.zeros((r, c))
            eq[i, :] = signed[i, :]
            equations.append(eq.ravel())
        for j in range(c):
            eq = np.zeros((r, c))
            eq[:, j] = signed[:, j]
            equations.append(eq.ravel())
        self.equations = np.array(equations)

    def moves(self, cell: int) -> tuple[np.ndarray, np.ndarray]:
        """Every rectangle with a corner at ``cell``: corners (M, 4) and their directions."""
        r, c = self.shape
        i, j = divmod(cell, c)
        ii, jj = np.meshgrid(np.delete(np.arange(r), i), np.delete(np.arange(c), j), indexing="ij")
        ii, jj = ii.ravel(), jj.ravel()
        corners = np.column_stack([np.full(len(ii), cell), i * c + jj, ii * c + j, ii * c + jj])
        pattern = np.array([1, -1, -1, 1])
        return corners, pattern[None, :] * self.sign[corners]

    def to_output_order(self, reasons: np.ndarray) -> np.ndarray:
        """Reasons for the interior cells (row by row), then row totals, column totals, grand."""
        grid = reasons.reshape(self.shape)
        return np.concatenate([grid[:-1, :-1].ravel(), grid[:-1, -1], grid[-1, :-1], grid[-1:, -1]])


# ---------------------------------------------------------------------------------------------
# Secondary suppression
# ---------------------------------------------------------------------------------------------


def _is_primary(values: np.ndarray, k: int, allow_zero: bool) -> np.ndarray:
    """Cells of 1 to k-1 people, and empty cells when zeros are not published."""
    small = (values >= 1) & (values < k)
    return small if allow_zero else small | (values == 0)


def _suppress(layout: _Line | _Grid, k: int, allow_zero: bool) -> np.ndarray:
    """Primary cells, then moves until no hidden cell can be narrowed below k (the guarantee)."""
    values = layout.values
    reasons = np.where(_is_primary(values, k, allow_zero), _PRIMARY, _KEPT)
    hidden = reasons != _KEPT
    proven = np.zeros(len(values), dtype=bool)
    # Small cells often protect one another (three cells of 5 beside their total of 15): ask the
    # attacker first, unless the table is so large that moves alone are much cheaper to find.
    if 0 < hidden.sum() * len(values) <= _FIRST_ATTACK_BUDGET:
        _narrowest_failing(layout, k, hidden, proven)
    # Smallest cells first: they need the widest moves, and their moves often cover the others.
    for c in np.flatnonzero(hidden)[np.argsort(values[hidden], kind="stable")]:
        if not proven[c]:
            _add_move(layout, c, k, hidden, proven, margins=False, sufficient=True)
    # What moves through the cells alone could not prove: the attacker decides, totals may go.
    while (c := _narrowest_failing(layout, k, hidden, proven)) is not None:
        if not (
            _add_move(layout, c, k, hidden, proven, margins=False, sufficient=True)
            or _add_move(layout, c, k, hidden, proven, margins=True, sufficient=False)
        ):
            # Cannot happen (a cell whose every move is hidden is unbounded); hide all to be safe.
            hidden[:] = True
            break
    reasons[hidden & (reasons == _KEPT)] = _SECONDARY
    return reasons


def _narrowest_failing(
    layout: _Line | _Grid, k: int, hidden: np.ndarray, proven: np.ndarray
) -> int | None:
    """Attack the hidden cells not yet proven; mark those that resist; return the weakest other."""
    todo = np.flatnonzero(hidden & ~proven)
    if not len(todo):
        return None
    lower, upper = _attack(layout.values, layout.equations, hidden, todo)
    width = upper - lower
    resists = width >= k - _TOLERANCE
    proven[todo[resists]] = True
    if resists.all():
        return None
    return int(todo[~resists][np.argmin(width[~resists])])


def _add_move(
    layout: _Line | _Grid,
    c: int,
    k: int,
    hidden: np.ndarray,
    proven: np.ndarray,
    margins: bool,
    sufficient: bool,
) -> bool:
    """Hide the cheapest move through cell ``c`` that shifts by k; False if there is none.

    A move that can shift by k in total proves all its corners at once (``proven``). Without
    ``margins`` no new total is hidden; without ``sufficient``, when no move shifts by k, the
    widest move that hides at least one new cell is taken instead (the attacker then decides).
    """
    values = layout.values
    corners, directions = layout.moves(c)
    x = values[corners].astype(float)
    # The move shifts by t in [-down, up]: down/up are limited by the corners that would go < 0.
    down = np.where(directions > 0, x, np.inf).min(axis=1)
    up = np.where(directions < 0, x, np.inf).min(axis=1)
    width = down + up
    new = ~hidden[corners]
    new_cells = new.sum(axis=1)
    new_margins = (new & layout.is_margin[corners]).sum(axis=1)
    # Cost, compared in this order: totals newly hidden, cells newly hidden, people newly hidden.
    cost = (np.where(new, values[corners], 0).sum(axis=1), new_cells, new_margins)
    allowed = np.ones(len(corners), dtype=bool) if margins else new_margins == 0
    enough = np.flatnonzero(allowed & (width >= k))
    if len(enough):
        pick = enough[np.lexsort(tuple(key[enough] for key in cost))[0]]
        hidden[corners[pick]] = True
        proven[corners[pick]] = True
        return True
    useful = np.flatnonzero(allowed & (new_cells > 0))
    if sufficient or not len(useful):
        return False
    widest = useful[width[useful] == width[useful].max()]
    pick = widest[np.lexsort(tuple(key[widest] for key in cost))[0]]
    hidden[corners[pick]] = True
    return True


def _attack(
    values: np.ndarray, equations: np.ndarray, hidden: np.ndarray, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The attacker: the smallest and largest value each target cell can take (LP over reals).

    Unknowns are the hidden cells (>= 0); every equation with a hidden cell in it binds them,
    its published cells moved to the right-hand side.
    """
    from scipy.optimize import linprog

    unknown = np.flatnonzero(hidden)
    a = equations[:, unknown]
    b = -equations[:, ~hidden] @ values[~hidden].astype(float)
    binding = np.abs(a).sum(axis=1) > 0
    a, b = a[binding], b[binding]
    position = {cell: p for p, cell in enumerate(unknown)}
    lower = np.zeros(len(targets))
    upper = np.full(len(targets), np.inf)
    if not len(a):
        return lower, upper
    for n, cell in enumerate(targets):
        objective = np.zeros(len(unknown))
        objective[position[cell]] = 1.0
        low = linprog(objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if low.status != 0 or high.status not in (0, 3):
            raise DisclosureError("the suppression check could not be solved: table not published")
        lower[n] = low.fun
        upper[n] = np.inf if high.status == 3 else -high.fun
    return lower, upper
