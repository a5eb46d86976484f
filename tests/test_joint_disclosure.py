"""The joint attacker, on hand-made tables: every attack the issue describes, and its defeat.

Each test first shows that the attack works on tables protected one by one (so the test can
fail), then that :func:`protect_jointly` hides enough that the attacker learns nothing beyond
the markers.
"""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.publication import attacker, disclosure
from toolkit.publication.attacker import Hidden, Model
from toolkit.publication.release import (
    Draft,
    Meaning,
    build_model,
    protect_jointly,
    published_table,
)
from toolkit.shared.errors import DisclosureError

K = 11
CATEGORY = (("category", "flag"),)
CATEGORY_YEAR = (("category", "flag"), ("year", "cover"))


def draft(name, rows, keys, dims, totals="none", k=K, rounding=None) -> Draft:
    frame = pl.DataFrame(rows)
    protected = disclosure.protect(frame, "persons", by=list(keys), k=k, totals=totals,
                                   rounding=rounding)  # fmt: skip
    table = published_table(name, Meaning(dims), protected, keys, k=k, rounding=rounding)
    return Draft(table, protected, tuple(keys))


def narrowed(drafts, persons, earlier=()):
    """What the attacker narrows in the drafts kept (None: a table left out of the release)."""
    joint = build_model([*earlier, *(d.table for d in drafts if d is not None)], persons)
    return attacker.findings(joint.model, [h for h, _, _ in joint.hidden])


def cell(d: Draft, key):
    return next(c for c in d.table.cells if c.key == key)


# --- the attacker itself -------------------------------------------------------------------------


def test_two_small_cells_beside_a_published_total_are_pinned_by_their_markers():
    model = Model()
    model.var("a", 1, 10)
    model.var("b", 1, 10)
    model.fix("rest", 100)
    model.add({"a": 1, "b": 1, "rest": 1}, 119, 119)
    found = attacker.findings(model, [Hidden("a", True, K), Hidden("b", True, K)])
    assert [(f.lowest, f.highest) for f in found] == [(9, 10), (9, 10)]


def test_a_cell_hidden_to_protect_others_may_be_bounded_but_not_pinned():
    model = Model()
    model.var("a", 0)
    model.var("b", 0)
    model.add({"a": 1, "b": 1}, 30, 30)
    assert attacker.findings(model, [Hidden("a", False, K)]) == []
    model.fix("b", 12)
    assert [f.lowest for f in attacker.findings(model, [Hidden("a", False, K)])] == [18]


def test_the_attacker_uses_whole_numbers():
    # Over the reals a could be 0.5; in whole numbers 2a = 3 has no solution but a + a' = 3
    # with a = a' is impossible, so the model is judged by integer solutions.
    model = Model()
    model.var("a", 0, 10)
    model.var("b", 0, 10)
    model.add({"a": 2, "b": -2}, 1, 1)
    with pytest.raises(DisclosureError, match="contradict"):
        attacker.bounds(model, "a")


# --- within one table: markers count -------------------------------------------------------------


def test_the_age_sex_attack_pins_two_small_cells_and_joint_protection_stops_it():
    rows = {"age_band": ["00-04", "05-09", "10-14"], "sex": ["F", "F", "F"],
            "persons": [9, 10, 981]}  # fmt: skip
    pyramid = draft("pyramid", rows, ["age_band", "sex"],
                    (("age_band", "partition"), ("sex", "partition")), totals="total")  # fmt: skip
    assert len(narrowed([pyramid], 1000)) == 2
    safe = protect_jointly([pyramid], [], 1000)
    assert narrowed(safe, 1000) == []
    assert safe[0].table.marker == "secret"


# --- across tables of one bundle -----------------------------------------------------------------


def test_comments_in_2015_come_back_from_the_category_total_and_the_other_years():
    categories = draft("categories", {"category": ["comment"], "persons": [300]},
                       ["category"], CATEGORY)  # fmt: skip
    by_year = draft(
        "by_year",
        {"category": ["comment"] * 3, "year": [2015, 2016, 2017], "persons": [10, 140, 150]},
        ["category", "year"], CATEGORY_YEAR,
    )  # fmt: skip
    found = narrowed([categories, by_year], 1000)
    assert [(f.lowest, f.highest) for f in found] == [(10, 10)]
    safe = protect_jointly([categories, by_year], [], 1000)
    assert narrowed(safe, 1000) == []
    assert cell(safe[1], ("comment", "2015")).hidden


def test_a_health_mention_by_year_comes_back_from_the_bundle_mention_totals():
    mentions = draft("mentions", {"mention": ["hepatitis", "cancer"], "persons": [130, 409]},
                     ["mention"], (("mention", "flag"),))  # fmt: skip
    extra = draft(
        "mentions_by_year",
        {"mention": ["hepatitis"] * 2 + ["cancer"] * 2, "year": [2015, 2016] * 2,
         "persons": [9, 121, 9, 400]},
        ["mention", "year"], (("mention", "flag"), ("year", "cover")),
    )  # fmt: skip
    assert len(narrowed([mentions, extra], 5000)) == 2
    safe = protect_jointly([extra], [mentions.table], 5000)
    assert narrowed(safe, 5000, earlier=[mentions.table]) == []


def test_a_mention_is_never_more_than_the_comments_it_was_read_in():
    categories = draft("categories", {"category": ["comment"], "persons": [12]},
                       ["category"], CATEGORY)  # fmt: skip
    mentions = draft("mentions", {"mention": ["hiv", "cancer"], "persons": [5, 0]},
                     ["mention"], (("mention", "flag"),))  # fmt: skip
    joint = build_model([categories.table, mentions.table], 100)
    assert attacker.bounds(joint.model, joint.where[(1, 0)]) == (1, 10)


def test_combinations_tie_the_categories_together():
    categories = draft("categories", {"category": ["nir", "email"], "persons": [95, 38]},
                       ["category"], CATEGORY)  # fmt: skip
    combos = draft(
        "combinations",
        {"combination": ["nir", "nir+email", "email", "none"], "persons": [60, 35, 3, 2]},
        ["combination"], (("combination", "ranked"),),
    )  # fmt: skip
    # 38 persons have their e-mail exposed, 35 of them in "nir+email": the hidden "email"
    # combination and the hidden "none" hold the other 3 and the 2 left.
    found = narrowed([categories, combos], 100)
    assert found
    safe = protect_jointly([categories, combos], [], 100)
    assert narrowed(safe, 100) == []


def test_months_bound_the_persons_of_their_year():
    months = draft(
        "timeline",
        {"month": ["2015-01-01", "2015-02-01", "2016-01-01"], "persons": [7, 300, 500]},
        ["month"], (("month", "cover"),),
    )  # fmt: skip
    by_year = draft(
        "by_year", {"category": ["nir", "nir"], "year": [2015, 2016], "persons": [290, 480]},
        ["category", "year"], CATEGORY_YEAR,
    )  # fmt: skip
    joint = build_model([months.table, by_year.table], 800)
    year_2015 = ("cell", "all", ("year",), ("2015",))
    assert attacker.bounds(joint.model, year_2015) == (300, 310)


def test_rounded_counts_are_intervals_and_never_small():
    line = draft("line", {"x": ["a", "b"], "persons": [12, 500]}, ["x"], (("x", "cover"),),
                 rounding=10)  # fmt: skip
    joint = build_model([line.table], None)
    # Published 10: the count is 5..14, and never 1..10 since those are hidden: 11..14.
    assert attacker.bounds(joint.model, joint.where[(0, 0)]) == (11, 14)


def test_a_table_whose_small_cell_the_earlier_releases_give_away_is_left_out():
    # An earlier release (k = 5) published the 10 persons with a comment; this one (k = 11)
    # hides them by year, but its only year holds them all: nothing of its own can be hidden.
    earlier = draft("categories", {"category": ["comment"], "persons": [10]}, ["category"],
                    CATEGORY, k=5)  # fmt: skip
    by_year = draft("by_year", {"category": ["comment"], "year": [2015], "persons": [10]},
                    ["category", "year"], CATEGORY_YEAR)  # fmt: skip
    assert protect_jointly([by_year], [earlier.table], 1000) == [None]


def test_an_earlier_hidden_cell_is_protected_by_hiding_the_new_cell_that_would_pin_it():
    # The earlier release hid 2015 (10 persons) beside its published 2016; publishing the
    # persons with a comment now would pin 2015: the new count is hidden instead.
    earlier = draft("by_year", {"category": ["comment"] * 2, "year": [2015, 2016],
                                "persons": [10, 290]},
                    ["category", "year"], CATEGORY_YEAR)  # fmt: skip
    total = draft("categories", {"category": ["comment", "nir"], "persons": [300, 500]},
                  ["category"], CATEGORY)  # fmt: skip
    safe = protect_jointly([total], [earlier.table], 1000)
    assert cell(safe[0], ("comment",)).hidden
    assert narrowed(safe, 1000, earlier=[earlier.table]) == []
