"""The published claims, encoded as data, checked against what a file measures."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from toolkit.raw import claims, schema, verify
from toolkit.raw.claims import CONTRADICTED, NOT_MEASURABLE, SUPPORTED, VERDICT_LABELS_FR, Claim
from toolkit.shared.case import load_case


@pytest.fixture(autouse=True)
def no_gazetteer(monkeypatch):
    """Claims never depend on the gazetteer: run without it."""
    monkeypatch.setattr(schema, "reference_postcodes", lambda: None)


def measure(columns: dict[str, list[str]]) -> verify.VerifyReport:
    return verify.verify(pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)))


def claim(comparison: str, published: float | None, **kw) -> Claim:
    return Claim(id="x", claim="x", source="s", date="d", metric="rows", published=published,
                 comparison=comparison, **kw)


@pytest.mark.parametrize(
    "comparison,published,measured,verdict",
    [
        ("exact", 10, 10, SUPPORTED),
        ("exact", 10, 11, CONTRADICTED),
        ("approx", 36, 36.9, SUPPORTED),
        ("approx", 36, 37.2, CONTRADICTED),
        ("at_least", 20, 21.5, SUPPORTED),
        ("at_least", 20, 18.9, CONTRADICTED),
        ("at_most", 12, 11.3, SUPPORTED),
        ("at_most", 12, 12.1, CONTRADICTED),
        ("exact", 10, None, NOT_MEASURABLE),
        ("exact", None, 10, NOT_MEASURABLE),
    ],
)
def test_a_claim_is_supported_contradicted_or_not_measurable(comparison, published, measured,
                                                             verdict):
    tolerance = 1 if comparison in ("approx", "at_least") else 0
    assert claim(comparison, published, tolerance=tolerance).verdict(measured) == verdict


def test_a_relative_tolerance_is_a_share_of_the_published_value():
    assert [claim("exact", 1000, relative_tolerance=0.01).verdict(m) for m in (990, 989)] == [
        SUPPORTED, CONTRADICTED
    ]


def test_every_published_figure_of_the_brief_is_encoded():
    ids = {c.id for c in claims.load_claims()}
    assert {"rows", "persons", "nir_present", "surnames", "women", "men", "enfant", "bebe",
            "landlines", "mobiles", "patient_emails", "doctor_emails", "passwords", "labs_28",
            "labs_27", "labs_about_30", "dept_56", "dept_45", "dept_27", "dept_22", "dept_35",
            "dept_41", "dept_six", "period_start", "period_end", "period_mostly",
            "email_share"} <= ids


def test_every_calibrated_claim_is_measured_by_verify_on_a_file_with_every_category():
    report = measure(
        {
            "NIR": ["184035626012345"], "Nom": ["Martin"], "Prénom": ["Paul"], "Sexe": ["F"],
            "Date de naissance": ["01/01/1980"], "CP": ["56000"], "Portable": ["0612345678"],
            "Courriel": ["a@b.fr"], "Mail médecin": ["d@c.fr"], "Mot de passe": ["x"],
            "Labo": ["L1"], "Date prlvt": ["01/03/2019"], "Observations": ["enfant"],
        }
    )
    table = claims.check_claims(report).filter(pl.col("calibrated"))
    assert table.filter(pl.col("verdict") == NOT_MEASURABLE)["claim_id"].to_list() == []


def test_the_claims_table_has_one_row_per_claim_with_the_contract_columns():
    table = claims.check_claims(measure({"Labo": ["L1"]}))
    assert (table.height, table.columns[:3], table.columns[-5:]) == (
        len(claims.load_claims()),
        ["claim_id", "claim", "source"],
        ["published", "measured", "verdict", "calibrated", "note"],
    )


def test_a_file_without_the_measured_column_leaves_the_claim_not_measurable():
    table = claims.check_claims(measure({"Labo": ["L1"]}))
    assert table.filter(pl.col("claim_id") == "passwords")["verdict"].to_list() == [NOT_MEASURABLE]


def test_where_sources_disagree_on_the_labs_the_table_says_which_the_data_supports():
    report = measure({"Labo": [f"L{i:02d}" for i in range(28)]})
    table = claims.check_claims(report).filter(pl.col("claim_id").str.starts_with("labs_"))
    assert dict(table.select("claim_id", "verdict").iter_rows()) == {
        "labs_28": SUPPORTED, "labs_27": CONTRADICTED, "labs_about_30": SUPPORTED
    }


SMALL = {
    "Sexe": ["F", "F", "F", "M", "M", ""],
    "CP": ["56000", "56100", "45000", "27000", "27100", "99999"],
    "Date prlvt": ["01/01/2015", "01/06/2018", "02/06/2018", "01/07/2019", "15/10/2020", ""],
}
SMALL_CLAIMS = [
    Claim("women", "3 femmes", "test", "2021", "women", 3),
    Claim("men", "2 hommes", "test", "2021", "men", 2),
    Claim("dept_56", "Morbihan : un tiers", "test", "2021", "residence_56_pct", 33.33, "approx", 1),
    Claim("start", "depuis 2015", "test", "2021", "first_sample_year", 2015),
    Claim("end", "jusqu'à octobre 2020", "test", "2021", "last_sample_month", 202010),
    Claim("mostly", "surtout 2018-2019", "test", "2021", "samples_2018_2019_pct", 50, "at_least"),
]


def test_claims_on_a_small_fixture_are_all_supported():
    table = claims.check_claims(measure(SMALL), SMALL_CLAIMS)
    assert table["verdict"].to_list() == [SUPPORTED] * 6


def test_a_falsified_figure_is_contradicted_and_only_that_one():
    falsified = {**SMALL, "Sexe": ["F", "F", "M", "M", "M", ""]}
    table = claims.check_claims(measure(falsified), SMALL_CLAIMS)
    assert dict(table.select("claim_id", "verdict").iter_rows()) == {
        "women": CONTRADICTED, "men": CONTRADICTED, "dept_56": SUPPORTED, "start": SUPPORTED,
        "end": SUPPORTED, "mostly": SUPPORTED,
    }


def test_one_in_200_is_measured_against_the_population_of_france():
    report = measure({"Labo": ["L1"] * 10})
    report.metrics["persons"] = 491_840
    assert claims.measured_metrics(report)["persons_share_of_france_pct"] == 0.745


@pytest.mark.parametrize(
    "metric,value,shown",
    [
        ("rows", 491840.0, "491\u00a0840"),
        ("residence_56_pct", 36.04, "36,04\u00a0%"),
        ("residence_35_pct", 6.0, "6\u00a0%"),
        ("last_sample_month", 202010.0, "octobre 2020"),
        ("first_sample_year", 2015.0, "2015"),
        ("labs", None, "-"),
    ],
)
def test_values_are_shown_the_french_way(metric, value, shown):
    assert claims.format_value(metric, value) == shown


def test_shares_of_residents_are_measured_in_the_departements_of_the_case():
    # SMALL: postcodes 56000, 56100, 45000, 27000, 27100 and 99999, all well formed.
    case = dataclasses.replace(load_case(), departements=("45", "27"))
    metrics = claims.measured_metrics(measure(SMALL), case)
    assert (metrics["residence_45_pct"], metrics["residence_27_pct"]) == (16.67, 33.33)
    assert metrics["residence_departements_pct"] == 50.0
    assert "residence_56_pct" not in metrics


def test_the_departements_claim_of_the_2021_leak_adds_up_its_six_departements():
    metrics = claims.measured_metrics(measure(SMALL))
    assert load_case().departements == ("22", "27", "35", "41", "45", "56")
    assert metrics["residence_departements_pct"] == 83.33  # 5 of 6: 99999 is elsewhere
    table = claims.check_claims(measure(SMALL)).filter(pl.col("claim_id") == "dept_six")
    assert table["measured"].to_list() == [83.33]


def test_a_file_without_postcodes_leaves_the_departements_not_measurable():
    table = claims.check_claims(measure({"Labo": ["L1"]}))
    assert table.filter(pl.col("claim_id") == "dept_six")["verdict"].to_list() == [NOT_MEASURABLE]


def test_verdicts_read_in_french():
    assert VERDICT_LABELS_FR == {SUPPORTED: "confirmé", CONTRADICTED: "contredit",
                                 NOT_MEASURABLE: "non vérifiable"}
