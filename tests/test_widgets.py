"""The exposure explorer: pickers drive the protected tables and charts, from Python."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from toolkit.app.widgets import ExposureExplorer, Selection, exposure_tables, select_records
from toolkit.shared.errors import BoundaryError

JAN, FEB, MAR = dt.date(2019, 1, 1), dt.date(2019, 2, 1), dt.date(2019, 3, 1)


def _safe(rows: list[tuple[int, str, dt.date, str, bool, bool]]) -> pl.DataFrame:
    """A tiny safe table: (person, lab, month, département, NIR exposed, password exposed)."""
    person, lab, month, dep, nir, password = map(list, zip(*rows, strict=True))
    region = {"56": "53", "45": "24", "27": "28"}
    return pl.DataFrame(
        {
            "person_id": [f"{p:032x}" for p in person],
            "lab": lab,
            "sample_month": month,
            "age_band": ["40-44"] * len(rows),
            "sex": ["F"] * len(rows),
            "residence_insee": [f"{d}001" for d in dep],
            "residence_departement": dep,
            "residence_region": [region[d] for d in dep],
            "residence_resolution": ["exact"] * len(rows),
            "exposed_nir": nir,
            "exposed_password": password,
        },
        schema_overrides={"sample_month": pl.Date},
    )


@pytest.fixture(scope="module")
def safe() -> pl.DataFrame:
    """Lab "biogolfe": persons 0-29 in Morbihan (January, NIR; the first 12 also a password),
    lab "loire": persons 100-119 in Loiret (February, no NIR), lab "eure": persons 200-204 in
    Eure (March, NIR)."""
    rows = [(p, "biogolfe", JAN, "56", True, p < 12) for p in range(30)]
    rows += [(p, "loire", FEB, "45", False, False) for p in range(100, 120)]
    rows += [(p, "eure", MAR, "27", True, False) for p in range(200, 205)]
    return _safe(rows)


def _row(table: pl.DataFrame, key: str, value: object) -> dict:
    return table.filter(pl.col(key) == value).row(0, named=True)


def test_the_explorer_starts_with_everything_selected(safe):
    explorer = ExposureExplorer(safe)
    assert (explorer.persons, explorer.records) == (55, 55)
    assert _row(explorer.tables["categories"], "category", "nir")["persons"] == 35
    assert _row(explorer.tables["labs"], "lab", "biogolfe")["persons"] == 30


def test_counts_below_k_are_hidden_in_every_table(safe):
    explorer = ExposureExplorer(safe)
    eure = _row(explorer.tables["labs"], "lab", "eure")
    assert eure["persons"] is None and eure["persons_suppressed"] is True
    assert _row(explorer.tables["timeline"], "month", MAR)["persons"] is None


def test_picking_one_lab_recomputes_tables_and_charts_from_its_records_only(safe):
    explorer = ExposureExplorer(safe)
    explorer.lab_picker.value = ("biogolfe",)
    expected_password = safe.filter(pl.col("lab") == "biogolfe", pl.col("exposed_password"))
    assert expected_password["person_id"].n_unique() == 12
    categories = explorer.tables["categories"]
    assert _row(categories, "category", "password")["persons"] == 12
    assert _row(categories, "category", "nir")["persons"] == 30
    assert explorer.tables["labs"]["lab"].to_list() == ["biogolfe"]
    assert explorer.tables["timeline"].select("month", "persons").rows() == [(JAN, 30)]
    assert (explorer.persons, explorer.records) == (30, 30)
    chart_rows = [
        row
        for rows in explorer.charts["categories"].to_dict()["datasets"].values()
        for row in rows
        if row.get("category") == "password"
    ]
    assert {row["persons"] for row in chart_rows} == {12}


def test_picking_a_lab_redraws_the_svg_views(safe):
    explorer = ExposureExplorer(safe)
    before = explorer.views["labs"].value
    explorer.lab_picker.value = ("loire",)
    assert explorer.views["labs"].value.startswith("<svg")
    assert explorer.views["labs"].value != before
    assert "loire" in explorer.table_view.value and "biogolfe" not in explorer.table_view.value


def test_picking_a_departement_keeps_its_residents_only(safe):
    explorer = ExposureExplorer(safe)
    explorer.departement_picker.value = ("45",)
    assert (explorer.persons, explorer.records) == (20, 20)
    assert _row(explorer.tables["departements"], "departement", "45")["persons"] == 20
    assert explorer.tables["departements"].height == 1


def test_the_period_slider_keeps_the_months_within_its_bounds(safe):
    explorer = ExposureExplorer(safe)
    explorer.period_slider.value = (FEB, MAR)
    assert explorer.selection.period == (FEB, MAR)
    assert explorer.records == 25
    assert sorted(explorer.tables["labs"]["lab"].to_list()) == ["eure", "loire"]


def test_picking_categories_keeps_persons_exposed_to_one_of_them(safe):
    explorer = ExposureExplorer(safe)
    explorer.category_picker.value = ("password",)
    assert explorer.persons == 12
    assert explorer.tables["categories"].select("category", "persons").rows() == [("password", 12)]


def test_lowering_k_reveals_a_small_count_and_raising_it_hides_more(safe):
    explorer = ExposureExplorer(safe)
    explorer.k_slider.value = 5
    assert _row(explorer.tables["labs"], "lab", "eure")["persons"] == 5
    explorer.k_slider.value = 25
    assert _row(explorer.tables["labs"], "lab", "loire")["persons"] is None
    assert _row(explorer.tables["labs"], "lab", "biogolfe")["persons"] == 30


def test_a_selection_with_no_record_empties_the_views_and_says_so(safe):
    explorer = ExposureExplorer(safe)
    explorer.lab_picker.value = ("biogolfe",)
    explorer.departement_picker.value = ("45",)
    assert explorer.records == 0
    assert explorer.tables == {} and explorer.charts == {}
    assert "Aucun enregistrement" in explorer.summary.value
    assert explorer.views["timeline"].value == ""


def test_the_summary_never_prints_a_count_below_k(safe):
    explorer = ExposureExplorer(safe)
    explorer.lab_picker.value = ("eure",)
    assert "moins de 11 personnes" in explorer.summary.value
    assert "5" not in explorer.summary.value


def test_the_reason_for_hiding_a_cell_is_never_shown(safe):
    explorer = ExposureExplorer(safe)
    assert "persons_reason" not in explorer.table_view.value
    assert "primary" not in explorer.table_view.value


def test_the_lab_picker_shows_registry_names(safe):
    registry = pl.DataFrame({"lab": ["biogolfe"], "name": ["Laboratoire fictif Biogolfe"]})
    explorer = ExposureExplorer(safe, labs=registry)
    assert ("Laboratoire fictif Biogolfe (biogolfe)", "biogolfe") in explorer.lab_picker.options
    assert ("loire", "loire") in explorer.lab_picker.options


def test_the_lab_chart_and_table_name_the_labs_a_registry_names(safe):
    registry = pl.DataFrame({"lab": ["biogolfe"], "name": ["Laboratoire fictif Biogolfe"]})
    explorer = ExposureExplorer(safe, labs=registry)
    assert "Laboratoire fictif Biogolfe" in explorer.tables["labs"]["lab"].to_list()
    assert "biogolfe" not in explorer.tables["labs"]["lab"].to_list()
    spec = json.dumps(explorer.charts["labs"].to_dict(), ensure_ascii=False)
    assert "Laboratoire fictif Biogolfe" in spec and '"biogolfe"' not in spec
    assert "Laboratoire fictif Biogolfe" in explorer.table_view.value


def test_the_explorers_charts_carry_the_cases_source_and_say_fictional_data(safe):
    from toolkit.shared.case import load_case

    case = load_case(None)
    plain = ExposureExplorer(safe)
    marked = ExposureExplorer(safe, case=case, fictional=True)
    assert marked.charts and set(marked.charts) == set(plain.charts)
    for name in marked.charts:
        assert "Données fictives" in marked.views[name].value, name
        assert "Données fictives" not in plain.views[name].value, name
        spec = json.dumps(marked.charts[name].to_dict(), ensure_ascii=False)
        assert case.source_line("fr").split("\u00a0:")[0] in spec, name


def test_the_explorer_refuses_a_frame_with_personal_data(safe):
    with pytest.raises(BoundaryError):
        ExposureExplorer(safe.with_columns(surname=pl.lit("Durand")))


def test_select_records_combines_pickers_with_and_and_values_with_or(safe):
    selection = Selection(labs=("biogolfe", "eure"), categories=("nir",), period=(FEB, MAR))
    kept = select_records(safe, selection).collect()
    assert kept["lab"].unique().to_list() == ["eure"]
    assert kept.height == 5


def test_exposure_tables_keeps_only_the_chosen_categories(safe):
    tables = exposure_tables(safe, categories=("nir",), k=11)
    assert tables["categories"]["category"].to_list() == ["nir"]
    assert set(tables) == {"timeline", "categories", "labs", "departements"}


# --- the map glue of toolkit.app.notebook (labs as points), on the same tiny safe table
# -------------


def _located(labs: list[str], lon: list[float | None],
             names: list[str] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {"lab": labs, "name": names or [f"Laboratoire fictif {x}" for x in labs],
         "insee": ["56121"] * len(labs), "lon": lon,
         "lat": [47.0 if x is not None else None for x in lon]},
        schema_overrides={"lon": pl.Float64, "lat": pl.Float64},
    )  # fmt: skip


def test_lab_points_carry_protected_counts_under_the_labs_names(safe):
    from toolkit.app.notebook import lab_points

    points = lab_points(safe, _located(["biogolfe", "eure"], [-2.7, 1.1]))
    assert points.select("lab", "code", "persons", "persons_suppressed").rows() == [
        ("Laboratoire fictif biogolfe", "biogolfe", 30, False),
        ("Laboratoire fictif eure", "eure", None, True),
    ]


def test_the_map_tooltip_names_the_lab_never_its_code(safe):
    from toolkit.app.notebook import lab_points
    from toolkit.publication import charts

    points = lab_points(safe, _located(["biogolfe", "eure"], [-2.7, 1.1],
                                       ["BIO GOLFE", "BIO GOLFE"]))  # fmt: skip
    # Two labs of one name in one commune: each label adds the commune, then the code.
    assert points["lab"].to_list() == [
        "BIO GOLFE (Lorient) – biogolfe",
        "BIO GOLFE (Lorient) – eure",
    ]
    points = lab_points(safe, _located(["biogolfe"], [-2.7], ["BIO GOLFE"]))
    spec = json.dumps(charts.departement_map(
        exposure_tables(safe)["departements"], labs=points).to_dict(), ensure_ascii=False)
    assert "BIO GOLFE" in spec and '"biogolfe"' not in spec  # fmt: skip


def test_lab_points_leave_out_labs_without_location_and_give_none_when_nothing_is_left(safe):
    from toolkit.app.notebook import lab_locations, lab_points

    assert lab_points(safe, _located(["biogolfe", "loire"], [-2.7, None]))["code"].to_list() == [
        "biogolfe"
    ]
    assert lab_points(safe, lab_locations(None)) is None
