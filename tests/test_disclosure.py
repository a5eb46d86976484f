"""Disclosure control: what is hidden, why, and proof that an attacker cannot recover it."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from toolkit.publication import disclosure
from toolkit.shared.errors import DisclosureError, InputError

# ---------------------------------------------------------------------------------------------
# The attacker, written independently of the module: it sees only the published frames.
# ---------------------------------------------------------------------------------------------


def _published_equations(protected, rows: str | None, cols: str | None):
    """Unknowns (hidden cells and totals) and the equations a reader can write between them."""
    c = protected.count
    table = protected.table.with_row_index("id")
    margins = protected.margins.with_row_index("id")
    unknowns = [("cell", i) for i in table.filter(pl.col(c).is_null())["id"]]
    unknowns += [("margin", i) for i in margins.filter(pl.col(c).is_null())["id"]]
    position = {u: p for p, u in enumerate(unknowns)}

    def term(kind, frame, i):
        value = frame[c][i]
        return (None, value) if value is not None else (position[(kind, i)], 0)

    # Each equation: a list of (unknown or None, known value) on the left == a total on the right.
    groups = []
    if cols is None:
        groups.append((list(table["id"]), margins["id"][0]))
    else:
        for kind, key in (("row", rows), ("column", cols)):
            for total in margins.filter(pl.col("margin") == kind).iter_rows(named=True):
                members = table.filter(pl.col(key) == total[key])["id"].to_list()
                groups.append((members, total["id"]))
        grand = margins.filter(pl.col("margin") == "grand")["id"][0]
        for kind in ("row", "column"):
            groups.append((margins.filter(pl.col("margin") == kind)["id"].to_list(), -grand - 1))
    a, b = [], []
    for members, total in groups:
        row = np.zeros(len(unknowns))
        rhs = 0.0
        for i in members:
            frame, kind = (margins, "margin") if total < 0 else (table, "cell")
            p, v = term(kind, frame, i)
            if p is None:
                rhs -= v
            else:
                row[p] += 1
        p, v = term("margin", margins, total if total >= 0 else -total - 1)
        if p is None:
            rhs += v
        else:
            row[p] -= 1
        a.append(row)
        b.append(rhs)
    return unknowns, np.array(a), np.array(b)


def attack(protected, rows: str | None = None, cols: str | None = None):
    """Lower and upper bounds the LP attacker proves for each hidden cell, in unknowns' order."""
    unknowns, a, b = _published_equations(protected, rows, cols)
    bounds = []
    for p in range(len(unknowns)):
        objective = np.zeros(len(unknowns))
        objective[p] = 1
        low = linprog(objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status in (0, 3)
        bounds.append((low.fun, np.inf if high.status == 3 else -high.fun))
    return unknowns, bounds


def true_values(protected, original: pl.DataFrame, unknowns, rows=None, cols=None):
    """The exact value of each hidden unknown, recomputed from the original table."""
    c = protected.count
    table, margins = protected.table, protected.margins
    exact = table.drop(c).join(original, on=[k for k in (rows, cols) if k], how="left")
    exact = exact.with_columns(pl.col(c).fill_null(0))
    out = []
    for kind, i in unknowns:
        if kind == "cell":
            out.append(exact[c][i])
        elif margins["margin"][i] == "grand":
            out.append(exact[c].sum())
        else:
            key = rows if margins["margin"][i] == "row" else cols
            out.append(exact.filter(pl.col(key) == margins[key][i])[c].sum())
    return out


def assert_attacker_fails(protected, original, k, rows=None, cols=None):
    """Every hidden cell's attacker interval contains the truth and is at least k wide."""
    unknowns, bounds = attack(protected, rows, cols)
    for truth, (low, high) in zip(
        true_values(protected, original, unknowns, rows, cols), bounds, strict=True
    ):
        assert low - 1e-6 <= truth <= high + 1e-6
        assert high - low >= k - 1e-6
        assert high >= k - 1e-6


# ---------------------------------------------------------------------------------------------
# Primary suppression
# ---------------------------------------------------------------------------------------------


def one_way(values, key="dep"):
    return pl.DataFrame({key: [f"d{i}" for i in range(len(values))], "persons": values})


def test_cells_of_one_to_ten_people_are_hidden_as_primary():
    p = disclosure.protect(one_way([0, 1, 10, 11, 250]), by=["dep"])
    assert p.table["persons"].to_list() == [0, None, None, 11, 250]
    assert p.table["persons_suppressed"].to_list() == [False, True, True, False, False]
    assert p.table["persons_reason"].to_list() == [None, "primary", "primary", None, None]


def test_threshold_k_is_configurable():
    p = disclosure.protect(one_way([4, 5, 6]), by=["dep"], k=5)
    assert p.table["persons"].to_list() == [None, 5, 6]


def test_zeros_are_published_by_default_and_hidden_on_request():
    kept = disclosure.protect(one_way([0, 20]), by=["dep"])
    hidden = disclosure.protect(one_way([0, 20]), by=["dep"], allow_zero=False)
    assert kept.table["persons"].to_list() == [0, 20]
    assert hidden.table["persons"].to_list() == [None, 20]
    assert hidden.table["persons_reason"].to_list() == ["primary", None]


def test_a_hidden_cell_is_null_never_zero():
    p = disclosure.protect(one_way([3, 0, 40, 50, 7]), by=["dep"], totals="total")
    hidden = p.table.filter(pl.col("persons_suppressed"))
    assert hidden.height == 3
    assert hidden["persons"].null_count() == hidden.height
    assert p.table.filter(pl.col("persons") == 0)["persons_suppressed"].to_list() == [False]


def test_other_columns_are_kept_unchanged():
    table = one_way([3, 40]).with_columns(name=pl.Series(["Côtes", "Eure"]))
    p = disclosure.protect(table, by=["dep"])
    assert p.table["name"].to_list() == ["Côtes", "Eure"]


def test_a_lazy_frame_is_accepted():
    p = disclosure.protect(one_way([3, 40]).lazy(), by=["dep"])
    assert p.table["persons"].to_list() == [None, 40]


# ---------------------------------------------------------------------------------------------
# Secondary suppression: few, small complements
# ---------------------------------------------------------------------------------------------


def test_one_small_cell_beside_a_total_costs_exactly_one_complement_the_smallest_that_works():
    # 3 + 5 would only hide 8 people together: the smallest sufficient complement is 12.
    p = disclosure.protect(one_way([3, 60, 12, 90]), by=["dep"], totals="total")
    assert p.table["persons_reason"].to_list() == ["primary", None, "secondary", None]
    assert p.margins["persons"].to_list() == [165]
    assert (p.summary["suppressed_primary"], p.summary["suppressed_secondary"]) == (1, 1)


def test_two_small_cells_that_hide_each_other_need_no_complement():
    p = disclosure.protect(one_way([5, 8, 60]), by=["dep"], totals="total")
    assert p.table["persons_reason"].to_list() == ["primary", "primary", None]


def test_small_cells_that_add_up_to_k_beside_their_total_need_no_complement():
    # 5 + 5 + 5 = 15 is published through the total, but each cell could be anything in 0..15.
    p = disclosure.protect(one_way([5, 5, 5, 40]), by=["dep"], totals="total")
    assert p.summary["suppressed_secondary"] == 0
    assert p.margins["persons"].to_list() == [55]


def test_a_small_grand_total_is_hidden_too():
    p = disclosure.protect(one_way([3, 4]), by=["dep"], totals="total")
    assert p.margins["persons"].to_list() == [None]
    assert p.margins["persons_reason"].to_list() == ["primary"]


def grid(values, rows="age", cols="sex"):
    r, c = len(values), len(values[0])
    return pl.DataFrame(
        {
            rows: [f"r{i}" for i in range(r) for _ in range(c)],
            cols: [f"c{j}" for _ in range(r) for j in range(c)],
            "persons": [v for line in values for v in line],
        }
    )


def test_one_small_cell_in_a_two_way_table_costs_exactly_three_complements_in_a_rectangle():
    table = grid([[3, 40, 200], [50, 60, 300], [80, 90, 400]])
    p = disclosure.protect_two_way(table, "age", "sex")
    hidden = p.table.filter(pl.col("persons_suppressed")).select("age", "sex", "persons_reason")
    assert hidden.rows() == [
        ("r0", "c0", "primary"),
        ("r0", "c1", "secondary"),
        ("r1", "c0", "secondary"),
        ("r1", "c1", "secondary"),
    ]
    assert p.margins["persons_suppressed"].sum() == 0


def test_two_way_margins_are_published_with_their_kind():
    p = disclosure.protect_two_way(grid([[30, 40], [50, 60]]), "age", "sex")
    assert p.margins.select("age", "sex", "margin", "persons").rows() == [
        ("r0", None, "row", 70),
        ("r1", None, "row", 110),
        (None, "c0", "column", 80),
        (None, "c1", "column", 100),
        (None, None, "grand", 180),
    ]


def test_a_small_row_total_is_hidden_and_protected():
    p = disclosure.protect_two_way(grid([[2, 3], [50, 60], [70, 80]]), "age", "sex")
    row0 = p.margins.filter(pl.col("age") == "r0")
    assert row0["persons_reason"].to_list() == ["primary"]
    assert_attacker_fails(p, grid([[2, 3], [50, 60], [70, 80]]), 11, "age", "sex")


def test_a_small_column_total_forces_a_total_to_be_hidden_rather_than_the_whole_table():
    # Column c0 adds up to 10 < 11: it is hidden, but the grand total would give it back.
    table = grid([[5, 50, 60], [5, 70, 80]])
    p = disclosure.protect_two_way(table, "age", "sex")
    assert p.table["persons_reason"].to_list() == [
        "primary",
        "secondary",
        None,
        "primary",
        "secondary",
        None,
    ]
    assert p.margins["persons_reason"].to_list() == [None, None, "primary", "secondary", None, None]
    assert_attacker_fails(p, table, 11, "age", "sex")


def test_missing_combinations_of_a_two_way_table_become_zero_cells():
    table = grid([[30, 40], [50, 60]]).filter(~((pl.col("age") == "r1") & (pl.col("sex") == "c1")))
    p = disclosure.protect_two_way(table, "age", "sex")
    assert p.table.select("age", "sex", "persons").rows()[-1] == ("r1", "c1", 0)


def test_an_unknown_category_null_is_a_row_of_its_own():
    table = pl.DataFrame(
        {"age": ["a", "a", None, None], "sex": ["F", "M", "F", "M"], "persons": [3, 40, 50, 60]}
    )
    p = disclosure.protect_two_way(table, "age", "sex")
    assert p.table["persons"].to_list() == [None, None, None, None]
    assert p.margins.filter(pl.col("margin") == "row")["age"].to_list() == ["a", None]


def test_without_totals_only_primary_cells_are_hidden():
    p = disclosure.protect(grid([[3, 40], [50, 60]]), by=["age", "sex"])
    assert p.table["persons_suppressed"].to_list() == [True, False, False, False]
    assert p.margins.height == 0


# ---------------------------------------------------------------------------------------------
# The guarantee, tried on random tables by the LP attacker
# ---------------------------------------------------------------------------------------------

# Mostly small cells and zeros: the hard case for secondary suppression.
counts = st.one_of(st.integers(0, 12), st.integers(0, 12), st.integers(0, 300))
PROPERTY = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(
    values=st.lists(counts, min_size=1, max_size=12),
    k=st.sampled_from([5, 11]),
    allow_zero=st.booleans(),
)
def test_no_hidden_cell_of_a_one_way_table_can_be_narrowed_below_k(values, k, allow_zero):
    table = one_way(values)
    p = disclosure.protect(table, by=["dep"], k=k, totals="total", allow_zero=allow_zero)
    disclosure.assert_publishable(p.table, k=k)
    disclosure.assert_publishable(p.margins, k=k)
    assert_attacker_fails(p, table, k, "dep", None)


@PROPERTY
@given(
    shape=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    data=st.data(),
    k=st.sampled_from([5, 11]),
    allow_zero=st.booleans(),
)
def test_no_hidden_cell_of_a_two_way_table_can_be_narrowed_below_k(shape, data, k, allow_zero):
    r, c = shape
    values = data.draw(st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r))
    table = grid(values)
    p = disclosure.protect_two_way(table, "age", "sex", k=k, allow_zero=allow_zero)
    disclosure.assert_publishable(p.table, k=k)
    disclosure.assert_publishable(p.margins, k=k)
    assert_attacker_fails(p, table, k, "age", "sex")


@pytest.mark.slow
def test_a_departement_by_month_sized_table_resists_the_attacker():
    rng = np.random.default_rng(6)
    values = np.floor(rng.lognormal(2.8, 1.5, size=(30, 12))).astype(int).tolist()
    table = grid(values)
    p = disclosure.protect_two_way(table, "age", "sex")
    assert p.summary["suppressed_primary"] > 50
    assert_attacker_fails(p, table, 11, "age", "sex")


# ---------------------------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------------------------


def test_rounding_rounds_cells_and_totals_from_exact_values_halves_up():
    assert [disclosure.round_to_base(v, 5) for v in (11, 12, 13, 15, 0)] == [10, 10, 15, 15, 0]
    p = disclosure.protect(one_way([12, 12, 12]), by=["dep"], totals="total", rounding=5)
    # The total is the exact 36 rounded, not the sum of rounded cells (30): they need not add up.
    assert p.table["persons"].to_list() == [10, 10, 10]
    assert p.margins["persons"].to_list() == [35]
    assert p.summary["method"] == "suppression+rounding"


def test_rounding_keeps_hidden_cells_hidden():
    p = disclosure.protect(one_way([3, 12, 60]), by=["dep"], totals="total", rounding=10)
    assert p.table["persons"].to_list() == [None, None, 60]


def test_a_rounded_table_passes_the_publish_check_with_its_base():
    p = disclosure.protect(one_way([11, 3, 57]), by=["dep"], rounding=10)
    disclosure.assert_publishable(p.table, k=11, rounding=10)
    with pytest.raises(DisclosureError):
        disclosure.assert_publishable(p.table, k=11)


# ---------------------------------------------------------------------------------------------
# The publish check and the helpers for charts, CSV and manifest
# ---------------------------------------------------------------------------------------------


def test_assert_publishable_refuses_a_small_count():
    with pytest.raises(DisclosureError, match="1 cell of 'persons' between 1 and 10"):
        disclosure.assert_publishable(one_way([0, 5, 11, None]))


def test_assert_publishable_refuses_an_unrounded_count_when_rounding_is_claimed():
    with pytest.raises(DisclosureError, match="not rounded to base 5"):
        disclosure.assert_publishable(one_way([10, 12]), rounding=5)


def test_summary_records_what_was_done_for_the_manifest():
    p = disclosure.protect(one_way([3, 60, 12, 90]), by=["dep"], totals="total")
    assert p.summary == {
        "cells": 4,
        "margins": 1,
        "suppressed_primary": 1,
        "suppressed_secondary": 1,
        "k": 11,
        "method": "suppression",
        "totals": "total",
        "allow_zero": True,
        "rounding": None,
        "epsilon": None,
    }


def test_explain_says_how_many_cells_were_hidden_and_why():
    p = disclosure.protect(one_way([3, 60, 12, 90]), by=["dep"], totals="total")
    assert disclosure.explain(p, "fr").startswith(
        "Sur 5 cases du tableau (totaux compris), 1 est masquée car elle compte moins de 11 "
        "personnes (secret primaire) et 1 autre pour qu'on ne puisse pas les recalculer"
    )
    assert "1 more so that they cannot be recomputed" in disclosure.explain(p, "en")


def test_public_table_labels_hidden_cells_and_drops_the_reason():
    p = disclosure.protect(one_way([3, 60, 12, 90]), by=["dep"], totals="total")
    public = disclosure.public_table(p)
    assert "persons_reason" not in public.columns
    assert public["persons_label"].to_list() == [
        "secret statistique",
        "60",
        "secret statistique",
        "90",
        "165",
    ]
    assert public["margin"].to_list() == [None, None, None, None, "grand"]
    assert disclosure.suppressed_label("en") == "suppressed"
    assert disclosure.threshold_label(11) == "< 11"


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table,kwargs,message",
    [
        (one_way([1, 2]), {"count": "people"}, "no count column 'people'"),
        (one_way([1, 2]), {"by": ["region"]}, "no key column 'region'"),
        (one_way([1, -2]), {}, "1 negative count"),
        (one_way([1, None]), {}, "1 empty cell"),
        (pl.DataFrame({"dep": ["a", "a"], "persons": [1, 2]}), {}, "several rows share"),
        (one_way([1, 2]), {"totals": "both"}, "needs two key columns"),
        (one_way([1, 2]), {"k": 0}, "at least 1"),
        (one_way([1.5, 2.0]), {}, "whole numbers"),
    ],
)
def test_bad_input_is_refused_in_one_line(table, kwargs, message):
    with pytest.raises(InputError, match=message):
        disclosure.protect(table, **{"by": ["dep"], **kwargs})


# ---------------------------------------------------------------------------------------------
# Differential privacy (OpenDP cannot be seeded: properties are checked on many cells)
# ---------------------------------------------------------------------------------------------


def test_dp_counts_record_epsilon_and_the_expected_error():
    p = disclosure.dp_counts(one_way([100, 200]), epsilon=0.5, by=["dep"])
    assert p.summary["epsilon"] == 0.5
    assert p.summary["method"] == "differential_privacy"
    assert p.summary["noise_scale"] == 2.0
    assert "epsilon = 0,5" in disclosure.explain(p, "fr")


def test_dp_error_matches_the_stated_mean_and_95_percent_bound():
    n, epsilon = 4000, 0.5
    p = disclosure.dp_counts(one_way([1000] * n), epsilon=epsilon, by=["dep"], k=None)
    error = (p.table["persons"] - 1000).abs()
    stated = disclosure.dp_expected_error(epsilon)
    # Scale 2: mean |error| about 1.9, more than 6 off in about 5 % of cells.
    assert 0.85 * stated["mean_abs_error"] < error.mean() < 1.15 * stated["mean_abs_error"]
    assert 0.02 < (error > stated["error_95"]).mean() <= 0.05 + 0.015
    assert error.max() > 0


def test_dp_error_texts_are_in_plain_words():
    assert disclosure.dp_error_text(1.0, lang="fr") == (
        "Chaque effectif a reçu un bruit aléatoire (confidentialité différentielle, "
        "epsilon = 1)\u00a0: il s'écarte du vrai chiffre de 0,9 personne en moyenne, "
        "et de plus de 3 personnes dans moins de 5\u202f% des cas."
    )
    assert "off by 10.0 people on average" in disclosure.dp_error_text(0.1, lang="en")


def test_dp_counts_are_never_negative_and_small_noisy_counts_are_hidden():
    p = disclosure.dp_counts(one_way([0] * 300), epsilon=1.0, by=["dep"])
    assert p.table["persons"].drop_nulls().min() == 0
    assert p.table.filter(pl.col("persons").is_between(1, 10)).height == 0


def test_dp_refuses_a_non_positive_epsilon():
    with pytest.raises(InputError, match="epsilon must be a positive number"):
        disclosure.dp_counts(one_way([10]), epsilon=0)
