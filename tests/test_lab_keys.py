"""Lab identity: labs are keyed by FINESS number, and no join with a lab table doubles persons.

Real names collide: in the 2026 FINESS extract 630 of 4,021 labs share their name with another
(« BIO 17 » nine times, four Cerballiance sites in one département). Keyed by the slug of their
name, they merged, and a leak's lab joined to such a registry counted its persons twice or more.
The registries here are fictional labs modelled on those collisions (FINESS-shaped numbers).
"""

from __future__ import annotations

import datetime as dt

import _tiny_gazetteer as gaz
import polars as pl
import pytest

from toolkit.boundary import lab_keys, safe_table
from toolkit.boundary import pseudonymise as ps
from toolkit.safe import distances, exposure
from toolkit.safe.labs import geocode_labs, locate_labs, read_lab_registry
from toolkit.shared.errors import BoundaryError

# Three « BIO 17 » and two « CERBALLIANCE » in different communes, a lab listed twice, one lab
# without a FINESS number, and two labs without one whose names fold to the same slug.
REGISTRY = """code;nom;adresse;code_postal;ville;finess
B17A;BIO 17;1 rue Imaginaire;56000;Vannes;560000011
B17B;BIO 17;2 rue Imaginaire;56400;Auray;560000029
B17C;Bio-17;3 rue Imaginaire;35000;Rennes;350000037
CB1;CERBALLIANCE;4 rue Imaginaire;56400;Brech;560000045
CB2;CERBALLIANCE;5 rue Imaginaire;56400;Pluneret;560000052
LBM5601;Laboratoire fictif Biogolfe;6 rue Imaginaire;56000;Vannes;009560012
LBM5601;Laboratoire fictif Biogolfe;6 rue Imaginaire;56000;Vannes;009560012
SANS;Labo Sans Numéro;7 rue Imaginaire;22000;Saint-Brieuc;
;Labo Central;8 rue Imaginaire;45000;Orléans;
;LABO CENTRAL;9 rue Imaginaire;27000;Évreux;
;Labo Corse;1 cours Imaginaire;20000;Ajaccio;2A0000013
"""


@pytest.fixture
def registry(tmp_path) -> pl.DataFrame:
    path = tmp_path / "labs.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return read_lab_registry(path)


@pytest.fixture
def located(registry) -> pl.DataFrame:
    return geocode_labs(registry, postcodes=gaz.postcodes(), communes=gaz.communes())


def test_labs_are_keyed_by_finess_number_and_by_slug_only_without_one(registry):
    assert registry["lab"].to_list() == [
        "560000011", "560000029", "350000037", "560000045", "560000052", "009560012",
        "009560012", "sans", "labo-central", "labo-central", "2A0000013",
    ]  # fmt: skip
    assert registry["code"].to_list()[:3] == ["B17A", "B17B", "B17C"]


def test_the_located_labs_are_unique_per_key_and_colliding_names_stay_apart(located):
    assert located["lab"].is_unique().all()
    assert located.height == 9
    bio17 = located.filter(pl.col("name").str.to_lowercase().str.contains("bio"))
    assert bio17.filter(pl.col("lab").str.starts_with("5")).select("lab", "insee").rows() == [
        ("560000011", "56260"),
        ("560000029", "56007"),
    ]


def test_one_key_in_two_places_is_located_nowhere_and_said_so(located):
    central = located.filter(pl.col("lab") == "labo-central").row(0, named=True)
    assert central["lon"] is None and central["insee"] is None
    assert central["precision"] == "ambiguous"
    twice = located.filter(pl.col("lab") == "009560012").row(0, named=True)
    assert (twice["insee"], twice["precision"]) == ("56260", "commune")


def test_an_alias_shared_by_two_labs_designates_neither_and_a_key_designates_itself():
    labs = pl.DataFrame(
        {
            "lab": ["560000011", "560000029", "lbm-x", "560000045"],
            "code": ["X1", "X2", None, "lbm-x"],
            "name": ["BIO 17", "Bio 17", "Labo X", "Autre"],
            "finess": ["560000011", "560000029", None, "560000045"],
        }
    )
    aliases = dict(lab_keys.lab_aliases(labs).iter_rows())
    assert "bio-17" not in aliases
    assert aliases["x1"] == "560000011" and aliases["x2"] == "560000029"
    assert aliases["lbm-x"] == "lbm-x"  # the key wins over another lab's code
    assert aliases["labo-x"] == "lbm-x" and aliases["autre"] == "560000045"


# --- joins of the safe table with a lab table never add persons ---------------------------------


def _safe(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """A safe table from ``(person_id, lab, residence_insee)`` rows."""
    frame = pl.DataFrame(rows, schema=["person_id", "lab", "residence_insee"], orient="row")
    frame = frame.with_columns(sample_month=pl.lit(dt.date(2019, 6, 1)))
    columns = safe_table.SAFE_COLUMNS
    nulls = {c: pl.lit(None, t) for c, t in columns.items() if c not in frame.columns}
    return safe_table.validate_safe_table(frame.with_columns(**nulls).select(list(columns)))


# 119 persons at « BIO 17 » (the leak's lab column holds the name), 40 at Biogolfe (its code),
# 30 at a lab given by its FINESS number, 20 at « Labo Central », 10 at an unknown lab.
_PERSONS = (
    [("bio-17", "56260")] * 119
    + [("lbm5601", "56007")] * 40
    + [("560000045", "35238")] * 30
    + [("labo-central", "45234")] * 20
    + [("inconnu", "56260")] * 10
)
SAFE = _safe([(f"{i:032x}", lab, home) for i, (lab, home) in enumerate(_PERSONS)])


def test_distances_have_one_row_per_person_and_lab_whatever_names_collide(located):
    pairs = distances.residence_lab_distances(SAFE, located, communes=gaz.communes()).collect()
    assert pairs.height == len(_PERSONS)
    assert pairs.select("person_id", "lab").is_unique().all()
    located_labs = pairs.filter(pl.col("distance_km").is_not_null())["lab"].unique().sort()
    # « BIO 17 » names three labs and « Labo Central » two places: neither is located.
    assert located_labs.to_list() == ["560000045", "lbm5601"]


def test_distance_counts_are_the_persons_of_the_safe_table(located):
    bands = exposure.distance_bands(SAFE, located, communes=gaz.communes())
    assert bands["persons"].sum() == len(_PERSONS)
    assert dict(bands.rows())["unknown"] == 119 + 20 + 10
    summary = distances.distance_summary(SAFE, located, communes=gaz.communes())
    assert dict(summary.select("lab", "persons").rows()) == {
        "bio-17": 119, "lbm5601": 40, "560000045": 30, "labo-central": 20, "inconnu": 10,
    }  # fmt: skip


# A FINESS extract has no code: its labs were keyed by the slug of their name, and the 119
# persons of « BIO 17 » were counted once per lab of that name.
FINESS_LABS = pl.DataFrame(
    {
        "finess": ["560000011", "560000029", "350000037", "560000045", "560000052"],
        "name": ["BIO 17", "BIO 17", "BIO 17", "LABO CENTRAL", "LABO CENTRAL"],
        "postcode": ["56000", "56400", "35000", "45000", "27000"],
        "commune": ["VANNES", "AURAY", "RENNES", "ORLEANS", "EVREUX"],
        "insee": ["56260", "56007", "35238", "45234", "27229"],
        "lon": [-2.76, -2.99, -1.68, 1.91, 1.15],
        "lat": [47.66, 47.67, 48.11, 47.90, 49.02],
    }
)


def test_a_finess_extract_whose_labs_share_names_doubles_no_one():
    located = geocode_labs(FINESS_LABS, postcodes=gaz.postcodes(), communes=gaz.communes())
    assert located["lab"].to_list() == FINESS_LABS["finess"].to_list()
    bands = exposure.distance_bands(SAFE, located, communes=gaz.communes())
    assert bands["persons"].sum() == len(_PERSONS)
    summary = distances.distance_summary(SAFE, located, communes=gaz.communes())
    assert summary["persons"].sum() == len(_PERSONS)
    assert dict(summary.select("lab", "persons").rows())["bio-17"] == 119


def test_a_lab_table_with_duplicate_keys_adds_no_row_either():
    # A hand-made table listing one lab twice, at two places: located nowhere, counted once.
    labs = pl.DataFrame(
        {"lab": ["bio-17", "bio-17", "lbm5601"], "lon": [-2.76, -1.68, -2.99],
         "lat": [47.66, 48.11, 47.67]}
    )  # fmt: skip
    bands = exposure.distance_bands(SAFE, labs, communes=gaz.communes())
    assert bands["persons"].sum() == len(_PERSONS)
    assert dict(bands.rows())["unknown"] == 119 + 30 + 20 + 10


def test_locations_by_lab_are_unique_per_value(located):
    table = lab_keys.locations_by_lab(located)
    assert table["lab"].is_unique().all()
    assert {"560000011", "b17a", "009560012", "lbm5601", "2A0000013"} <= set(table["lab"])
    assert "bio-17" not in set(table["lab"]) and "cerballiance" not in set(table["lab"])


def test_located_labs_for_a_bundle_join_safe_tables_keyed_either_way(tmp_path):
    path = tmp_path / "labs.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    located, info = locate_labs(path)
    assert located["lab"].is_unique().all()
    assert info["registry_labs"] == 9 and info["located"] == 8
    by_value = dict(located.select("lab", "key").iter_rows())
    assert by_value["lbm5601"] == by_value["009560012"] == "009560012"
    assert by_value["laboratoire-fictif-biogolfe"] == "009560012"
    assert "bio-17" not in by_value and "cerballiance" not in by_value
    # A plain join, as the figures make, neither loses nor doubles a lab.
    safe_labs = pl.DataFrame({"lab": ["lbm5601", "009560012", "bio-17", "b17b"]})
    joined = safe_labs.join(located, on="lab", how="left")
    assert joined.height == 4
    assert joined["key"].to_list() == ["009560012", "009560012", None, "560000029"]


# --- the safe table carries FINESS-based keys when a registry is given ----------------------------


def _leak(labs: list[str]) -> pl.DataFrame:
    n = len(labs)
    return pl.DataFrame(
        {
            "nom": [f"Fictif{i}" for i in range(n)],
            "prenom": ["A"] * n,
            "ddn": ["01/01/1980"] * n,
            "cp": ["56000"] * n,
            "ville": ["Vannes"] * n,
            "labo": labs,
            "prelev": ["01/06/2019"] * n,
        }
    )


_MAPPING = {"nom": "surname", "prenom": "first_name", "ddn": "birth_date", "cp": "postcode",
            "ville": "commune", "labo": "lab", "prelev": "sample_date"}  # fmt: skip


def test_with_a_registry_the_safe_table_carries_the_labs_finess_key(registry):
    leak = _leak(["LBM5601", "Laboratoire Fictif Biogolfe", "BIO 17", "B17B", "560 000 045",
                  "2a0000013", "Labo Central", "Labo Inconnu", "SANS"])  # fmt: skip
    safe = ps.pseudonymise(leak, _MAPPING, bytes(32), postcodes=gaz.postcodes(),
                           communes=gaz.communes(), labs=registry).collect()  # fmt: skip
    assert safe["lab"].to_list() == [
        "009560012", "009560012",  # its code, its name: one lab with a FINESS number
        "bio-17",  # three labs have that name: which one is unknown
        "560000029", "560000045", "2A0000013",  # a code, a FINESS number (spaces, case)
        "labo-central", "labo-inconnu", "sans",  # no FINESS number, or not in the registry
    ]  # fmt: skip
    safe_table.validate_safe_table(safe)


def test_without_a_registry_the_safe_table_keeps_the_slug_and_finess_numbers_as_such():
    leak = _leak(["LBM5601", "BIO 17", "2a0000013", "560000045"])
    safe = ps.pseudonymise(leak, _MAPPING, bytes(32), postcodes=gaz.postcodes(),
                           communes=gaz.communes()).collect()  # fmt: skip
    assert safe["lab"].to_list() == ["lbm5601", "bio-17", "2A0000013", "560000045"]


@pytest.mark.parametrize("value", ["560000011", "2A0000013", "2B1234567", "lbm5601", "bio-17"])
def test_finess_numbers_and_slugs_are_lab_codes(value):
    safe = SAFE.head(1).with_columns(lab=pl.lit(value))
    assert safe_table.validate_safe_table(safe) is safe


@pytest.mark.parametrize("value", ["2A000001", "2C0000013", "BIO 17", "Bio-17", "56000001A"])
def test_anything_else_is_refused_as_a_lab_code(value):
    with pytest.raises(BoundaryError, match="'lab' holds 1 value"):
        safe_table.validate_safe_table(SAFE.head(1).with_columns(lab=pl.lit(value)))
