"""Publishing a comparison of copies: the overlap and the differences, attacked as one release.

The counts are built here from hand-made persons (each with the copies, months and labs of their
records), independently of the comparison engine, so that the true counts are known.
"""

from __future__ import annotations

import json
import random
from collections import Counter

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.publication import attacker, charts
from toolkit.publication.comparison import (
    BY_LAB,
    BY_MONTH,
    OVERLAP,
    PER_COPY,
    comparison_release,
    pattern_label,
)
from toolkit.publication.release import build_model
from toolkit.shared.errors import DisclosureError, InputError

K = 11
COPIES = [{"label": "A", "sha256": "a" * 64, "size": 10}, {"label": "B", "sha256": "b" * 64},
          {"label": "C", "sha256": "c" * 64}]  # fmt: skip


def people(n: int, seed: int, copies=("A", "B", "C")) -> list[dict]:
    """``n`` persons: the copies they are in (never none), their months and labs."""
    rng = random.Random(seed)
    months = [f"2019-{m:02d}" for m in range(1, 13)] + [None]
    labs = ["lbm01", "lbm02", "lbm03", None]
    out = []
    for _ in range(n):
        inside = [c for c in copies if rng.random() < 0.8] or [rng.choice(copies)]
        out.append({
            "copies": "+".join(inside),
            "months": set(rng.sample(months, rng.randint(1, 3))),
            "labs": set(rng.sample(labs, rng.randint(1, 2))),
        })  # fmt: skip
    return out


def tables_of(persons: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    overlap = Counter(p["copies"] for p in persons)
    rows = Counter(
        (p["copies"], dimension, value)
        for p in persons for dimension, key in (("month", "months"), ("lab", "labs"))
        for value in p[key]
    )  # fmt: skip
    return (
        pl.DataFrame({"copies": list(overlap), "persons": list(overlap.values())}),
        pl.DataFrame(
            [{"copies": c, "dimension": d, "value": v, "persons": n}
             for (c, d, v), n in rows.items()],
            schema={"copies": pl.String, "dimension": pl.String, "value": pl.String,
                    "persons": pl.Int64},
        ),  # fmt: skip
    )


def with_persons(persons: list[dict], labels=("A", "B", "C")) -> list[dict]:
    """The copies described as the app describes them: with the persons of each."""
    return [{**c, "persons": sum(c["label"] in p["copies"].split("+") for p in persons)}
            for c in COPIES if c["label"] in labels]  # fmt: skip


def narrowed(release) -> list:
    joint = build_model(release.tables, None)
    return attacker.findings(joint.model, [h for h, _, _ in joint.hidden])


def test_pattern_labels_are_french_words():
    assert pattern_label("B", ["A", "B"]) == "B seulement"
    assert pattern_label("A+B", ["A", "B"]) == "A et B"
    assert pattern_label("A+B+C", ["A", "B", "C"]) == "A, B et C"
    assert pattern_label("A", ["A"]) == "A"
    assert pattern_label("B", ["A", "B"], "en") == "B only"


def test_a_comparison_publishes_three_protected_tables_and_their_charts():
    persons = people(400, 1)
    overlap, by_pattern = tables_of(persons)
    release = comparison_release(overlap, by_pattern, with_persons(persons), k=K)
    names = {t.name for t in release.tables}
    assert names == {OVERLAP, PER_COPY, BY_MONTH, BY_LAB}, release.left_out
    for name in names - {PER_COPY}:
        for suffix in (".svg", ".png", ".vl.json", ".md", ".csv"):
            assert name + suffix in release.files
    manifest = json.loads(release.files["manifest.json"])
    assert [c["sha256"] for c in manifest["copies"]] == ["a" * 64, "b" * 64, "c" * 64]
    assert manifest["kind"] == "comparison"
    csv = release.files[OVERLAP + ".csv"].decode("utf-8-sig")
    assert csv.splitlines()[0] == "Copies;Personnes;Secret statistique"
    assert "A, B et C;" in csv and "Total;" in csv


def test_no_published_cell_holds_1_to_k_minus_1_persons():
    overlap, by_pattern = tables_of(people(300, 2))
    release = comparison_release(overlap, by_pattern, COPIES, k=K)
    shown = [c.value for t in release.tables for c in t.cells if not c.hidden]
    assert shown and [v for v in shown if 0 < v < K] == []
    assert any(c.hidden for t in release.tables for c in t.cells)  # the test tests something


@settings(max_examples=8, deadline=None)
@given(n=st.integers(40, 700), seed=st.integers(0, 10_000), copies=st.integers(2, 3))
def test_no_attacker_combining_the_three_tables_narrows_a_hidden_cell(n, seed, copies):
    labels = ("A", "B", "C")[:copies]
    persons = people(n, seed, labels)
    overlap, by_pattern = tables_of(persons)
    try:
        release = comparison_release(overlap, by_pattern, with_persons(persons, labels), k=K)
    except DisclosureError:
        return  # refused as a whole: nothing published, nothing to attack
    assert narrowed(release) == []


def test_the_attacker_sees_through_tables_protected_one_by_one():
    # What the joint protection is for: the persons of "B only" by lab, next to the overlap's
    # published "B only" cell, pin a hidden lab cell when each table is protected alone.
    from toolkit.publication.comparison import TABLES, _aggregates
    from toolkit.publication.protection import protect_table
    from toolkit.publication.release import Meaning, published_table

    persons = ([{"copies": "A+B", "months": {"2019-01"}, "labs": {"lbm01"}}] * 200
               + [{"copies": "B", "months": {"2019-02"}, "labs": {"lbm01"}}] * 30
               + [{"copies": "B", "months": {"2019-02"}, "labs": {"lbm02"}}] * 4)  # fmt: skip
    made = _aggregates(*tables_of(persons))
    alone = []
    for name, table in made.items():
        keys, dims = TABLES[name]
        protected = protect_table(table, keys, k=K, totals="total" if name == OVERLAP else "none")
        alone.append(published_table(name, Meaning(dims), protected, keys, k=K))
    joint = build_model(alone, None)
    assert attacker.findings(joint.model, [h for h, _, _ in joint.hidden])
    release = comparison_release(*tables_of(persons), COPIES[:2], k=K)
    assert narrowed(release) == []


def test_copies_that_differ_by_fewer_than_k_persons_are_refused():
    # "B only" holds 4 persons: B's 204 persons next to A's 240 and the 244 of the union give
    # them back, whatever else is hidden. The attacker knows that a copy's persons are the sum
    # of the patterns holding it, so the release is refused rather than published.
    persons = ([{"copies": "A+B", "months": {"2019-01"}, "labs": {"lbm01"}}] * 200
               + [{"copies": "A", "months": {"2019-02"}, "labs": {"lbm01"}}] * 40
               + [{"copies": "B", "months": {"2019-01"}, "labs": {"lbm01"}}] * 4)  # fmt: skip
    with pytest.raises(DisclosureError, match="differ by 1 to k - 1 persons"):
        comparison_release(*tables_of(persons), with_persons(persons, ("A", "B")), k=K)


def test_k_below_5_is_refused_and_below_11_needs_the_flag():
    overlap, by_pattern = tables_of(people(200, 3))
    with pytest.raises(InputError, match="k = 3 is refused"):
        comparison_release(overlap, by_pattern, COPIES, k=3)
    with pytest.raises(InputError, match="k = 7"):
        comparison_release(overlap, by_pattern, COPIES, k=7)
    assert comparison_release(overlap, by_pattern, COPIES, k=7, allow_small_k=True).tables


def test_the_charts_draw_the_one_copy_persons_in_french():
    overlap, by_pattern = tables_of(people(500, 4, ("A", "B")))
    release = comparison_release(overlap, by_pattern, COPIES[:2], k=K)
    spec = json.loads(release.files[BY_MONTH + ".vl.json"])
    drawn = {row["pattern"] for data in spec["datasets"].values() for row in data}
    assert drawn <= {"A seulement", "B seulement"}
    alt = release.files[OVERLAP + ".md"].decode("utf-8")
    assert "groupes de copies" in alt
    chart = charts.overlap_chart(pl.DataFrame({"copies": ["A"], "pattern": ["A seulement"],
                                               "persons": [20]}))  # fmt: skip
    assert "20" in charts.alt_text(chart)


@pytest.mark.parametrize(("copies", "n"), [(2, 400), (3, 2_000)])
def test_a_release_of_many_persons_is_published_and_leaves_every_hidden_cell_free(copies, n):
    labels = ("A", "B", "C")[:copies]
    persons = people(n, 7, labels)
    release = comparison_release(*tables_of(persons), with_persons(persons, labels), k=K)
    assert len(release.tables) == 4
    assert sum(c.hidden for t in release.tables for c in t.cells) > 0  # something to attack
    assert narrowed(release) == []


def test_three_copies_with_one_small_group_are_published_with_that_group_hidden():
    # "C only" holds 5 persons. Each copy's persons are known (published, or publishable by a
    # bundle of each): hiding one more cell never frees it, as "C only" sits in C's sum and
    # each cell beside it in another copy's sum; several cells hidden together do.
    groups = {"A+B+C": 300, "A+B": 60, "A+C": 40, "B+C": 30, "A": 50, "B": 25, "C": 5}
    persons = [{**p, "copies": copies} for copies, n in groups.items()
               for p in people(n, len(copies), ("A",))]  # fmt: skip
    release = comparison_release(*tables_of(persons), with_persons(persons), k=K)
    overlap = next(t for t in release.tables if t.name == OVERLAP)
    hidden = {c.key[0] for c in overlap.cells if c.hidden}
    assert "C" in hidden and len(hidden) >= 3
    per_copy = next(t for t in release.tables if t.name == PER_COPY)
    assert not any(c.hidden for c in per_copy.cells)  # known to all: never hidden
    assert narrowed(release) == []


def test_a_copy_of_fewer_than_k_persons_is_refused():
    persons = ([{"copies": "A+B", "months": {"2019-01"}, "labs": {"lbm01"}}] * 5
               + [{"copies": "A", "months": {"2019-02"}, "labs": {"lbm01"}}] * 200)  # fmt: skip
    with pytest.raises(DisclosureError, match="a copy holds fewer than k = 11 persons"):
        comparison_release(*tables_of(persons), with_persons(persons, ("A", "B")), k=K)
