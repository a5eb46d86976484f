"""Verification counts on tiny fixtures with known answers, and the French identifier rules."""

from __future__ import annotations

import json
import random

import polars as pl
import pytest
from _french_fixtures import tiny_gazetteer, with_key  # noqa: F401 - autouse fixture
from stdnum.fr import nir as stdnum_nir

from toolkit.app.cli import main
from toolkit.raw import french, schema, verify


def run(columns: dict[str, list[str]]) -> dict:
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return verify.verify(frame).to_dict()


# ------------------------------------------------------------------ French identifier rules


def test_vectorised_nir_key_agrees_with_python_stdnum():
    rng = random.Random(7)
    numbers = [with_key(f"{rng.randrange(10**12, 10**13)}") for _ in range(300)]
    numbers += [f"{rng.randrange(10**14, 10**15)}" for _ in range(1000)]
    numbers += [with_key(f"1840{rng.choice('3456')}2{rng.choice('AB')}{rng.randrange(10**6):06d}")
                for _ in range(200)]
    numbers += ["253072B07300470", "253072A07300443", "253072C07300443", "1 84 03 56 260 123 00",
                "12345", "", "2A3072B07300470"]
    got = pl.DataFrame({"n": numbers}).select(
        french.nir_key_valid(french.nir_compact(pl.col("n")))
    )["n"].to_list()
    assert got == [stdnum_nir.is_valid(n) for n in numbers]


@pytest.mark.parametrize(
    "number,national,klass,fiction",
    [
        ("01 23 45 67 89", "0123456789", "landline", False),
        # 09: VoIP ("box") numbers, which phonenumbers calls VOIP: special, no longer landline.
        ("09.12.34.56.78", "0912345678", "special", False),
        ("+33 6 12 34 56 78", "+33612345678", "mobile", False),
        # 07 12 is not an assigned block (07 00-07 29 are not): an assigned one instead.
        ("0033 7 81 23 45 67", "+33781234567", "mobile", False),
        ("612345678", "0612345678", "mobile", False),
        ("08 00 11 22 33", "0800112233", "special", False),
        ("06 39 98 00 01", "0639980001", "mobile", True),
        ("01 99 00 00 01", "0199000001", "landline", True),
        ("05 36 49 12 34", "0536491234", "landline", True),
        ("12 34", "01234", "invalid", False),
    ],
)
def test_phone_numbers_follow_the_french_numbering_plan(number, national, klass, fiction):
    frame = pl.LazyFrame({"p": [number]})
    row = french.with_phone_class(
        frame, "p", klass="class", fiction="fiction", normalised="national"
    ).collect()
    assert row.select("national", "class", "fiction").row(0) == (national, klass, fiction)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("04/03/2019", "2019-03-04"),
        ("2019-03-04", "2019-03-04"),
        ("04-03-2019", "2019-03-04"),
        ("04.03.2019", "2019-03-04"),
        ("20190304", "2019-03-04"),
        ("04/03/2019 10:22", "2019-03-04"),
        ("31/02/2019", None),
        ("hier", None),
    ],
)
def test_dates_parse_in_french_and_iso_layouts(text, expected):
    parsed = pl.DataFrame({"d": [text]}).select(french.parse_date(pl.col("d")))["d"][0]
    assert (None if parsed is None else parsed.isoformat()) == expected


# ------------------------------------------------------------------ NIR


NIR_M_1984_03_56 = with_key("1840356260123")
NIR_FIXTURE = {
    "NIR": [
        NIR_M_1984_03_56,
        with_key("2921245234045"),  # a woman's NIR on a row saying "M"
        with_key("1550127229011"),  # born 1955 by the NIR, 1956 by the birth date
        NIR_M_1984_03_56[:-2] + ("00" if NIR_M_1984_03_56[-2:] != "00" else "01"),  # bad key
        "123",
        "",
        NIR_M_1984_03_56,  # the same NIR again
        with_key("201122A045123"),  # Corsica
        with_key("1840300012345"),  # département 00 does not exist
    ],
    "Sexe": ["M", "M", "M", "F", "F", "", "M", "F", "M"],
    "Date de naissance": ["12/03/1984", "01/12/1992", "01/01/1956", "01/01/1970", "x", "",
                          "12/03/1984", "05/12/2001", "1984-03-20"],
}


def test_nir_counts_filled_valid_and_why_invalid():
    nir = run(NIR_FIXTURE)["nir"]
    assert (nir["filled"], nir["well_formed"], nir["valid_key"], nir["invalid"]) == (
        8, 7, 6, {"bad_format": 1, "bad_key": 1}
    )


def test_nir_sex_digit_is_checked_against_the_sex_column():
    assert run(NIR_FIXTURE)["nir"]["sex"] == {"checked": 6, "consistent": 5, "inconsistent": 1}


def test_nir_birth_year_and_month_are_checked_against_the_birth_date():
    assert run(NIR_FIXTURE)["nir"]["birth_date"] == {
        "checked": 6, "consistent": 5, "inconsistent": 1
    }


def test_nir_birth_departement_must_exist():
    nir = run(NIR_FIXTURE)["nir"]
    assert (nir["departement_plausible"], nir["departement_implausible"]) == (5, 1)


def test_nir_duplicates_and_full_consistency_are_counted():
    nir = run(NIR_FIXTURE)["nir"]
    assert (nir["distinct_valid"], nir["rows_sharing_a_nir"], nir["fully_consistent"]) == (5, 2, 4)


def test_sex_column_counts_women_men_and_unrecognised():
    assert run({"Sexe": ["F", "Femme", "2", "M", "H", "?", ""]})["sex"] == {
        "column": "Sexe", "filled": 6, "female": 3, "male": 2, "unrecognised": 1
    }


# ------------------------------------------------------------------ phones and emails


def test_phones_are_counted_by_class_with_fiction_ranges_apart():
    phones = run(
        {
            "Téléphone": ["01 23 45 67 89", "0912345678", "06 12 34 56 78", "+33 7 81 23 45 67",
                          "08 00 00 00 00", "06 39 98 00 00", "01 99 00 00 00", "12 34", ""],
        }
    )["phones"]
    # 09 12 34 56 78 is a VoIP number (special), as phonenumbers says: no longer a landline.
    assert phones["total"] == {
        "landline": 2, "mobile": 3, "special": 2, "invalid": 1, "fiction": 2
    }


def test_rows_with_a_landline_or_mobile_count_each_row_once_across_columns():
    phones = run({"Tél. domicile": ["0123456789", "0612345678", ""],
                  "Portable": ["0612345678", "0612345679", "0612345670"]})["phones"]
    assert (phones["rows_with_landline"], phones["rows_with_mobile"]) == (1, 3)


def test_emails_are_checked_for_syntax_and_reserved_domains_offline():
    email = run({"Courriel": ["a@b.fr", "A@B.FR", "x@y.example", "bad@", "no-at.fr", ""]})["email"]
    assert email == {
        "columns": {"Courriel": {"filled": 5, "valid": 3, "invalid": 2, "reserved_domain": 1,
                                 "undeliverable": 1, "undeliverable_syntax": 0}},
        "distinct_valid": 2,
        "rows_with_email": 3,
    }


def test_doctor_emails_are_counted_apart_from_patient_emails():
    report = run({"Courriel": ["p@x.fr", "", ""],
                  "Mail médecin": ["dr.a@cab.fr", "DR.A@cab.fr", "Dr Dupont"]})
    assert (report["email"]["distinct_valid"], report["doctor"]["distinct_emails"]) == (1, 1)


# ------------------------------------------------------------------ postcodes and dates


def test_postcodes_exist_and_match_the_commune_name_folded():
    postcode = run(
        {
            "CP": ["56000", "56000", "22000", "45000", "99999", "5600", "ABCDE", ""],
            "Ville": ["Vannes", "VANNES", "St-Brieuc", "Blois", "Nowhere", "Vannes", "Vannes", ""],
        }
    )["postcode"]
    counts = {k: postcode[k] for k in ("filled", "well_formed", "malformed", "exist", "not_found",
                                       "commune_checked", "commune_consistent",
                                       "commune_inconsistent")}
    assert counts == {"filled": 7, "well_formed": 6, "malformed": 1, "exist": 4, "not_found": 2,
                      "commune_checked": 4, "commune_consistent": 3, "commune_inconsistent": 1}


def test_postcode_existence_is_not_reported_without_the_gazetteer(monkeypatch):
    monkeypatch.setattr(schema, "reference_postcodes", lambda: None)
    assert "exist" not in run({"CP": ["56000"]})["postcode"]


def test_residence_departements_come_from_the_postcode_prefix():
    assert run({"CP": ["56000", "56400", "45000", "2A000", "20090"]})["postcode"][
        "by_departement"
    ] == {"2A": 1, "45": 1, "56": 2}


def test_sample_dates_parse_rate_range_and_monthly_distribution():
    sample = run(
        {"Date prlvt": ["01/03/2019", "2019-03-15", "15-10-2020", "31/02/2019", "01/01/1980", ""]}
    )["sample_date"]
    assert sample == {
        "column": "Date prlvt", "filled": 5, "parsed": 4, "unparsed": 1, "out_of_range": 1,
        "first_month": "1980-01", "last_month": "2020-10", "before_birth": 0,
        "by_year": {"1980": 1, "2019": 2, "2020": 1},
        "by_month": {"1980-01": 1, "2019-03": 2, "2020-10": 1},
    }


def test_blood_groups_valid_and_invalid():
    assert run({"Groupe Sg": ["A+", "O pos", "Z", ""]})["blood_group"] == {
        "column": "Groupe Sg", "filled": 3, "valid": 2, "invalid": 1
    }


# ------------------------------------------------------------------ persons, labs, comments


def test_persons_are_the_same_valid_nir_or_the_same_folded_name_and_birth_date():
    nir = with_key("1840356260123")
    persons = run(
        {
            "NIR": ["", "", "", "", nir, nir],
            "Nom": ["Dupont", "DUPONT", "Dupont", "", "Martin", "Durand"],
            "Prénom": ["Jean", "Jean", "Jeanne", "", "Paul", "Paul"],
            "Date de naissance": ["01/01/1980", "1980-01-01", "01/01/1980", "", "", ""],
        }
    )["persons"]
    assert (persons["rows"], persons["distinct_persons"], persons["duplicate_rows"],
            persons["rows_not_identifiable"]) == (6, 4, 2, 1)


def test_labs_are_counted_with_their_rows():
    assert run({"Labo": ["L1", "L1", "L2", ""]})["labs"] == {
        "column": "Labo", "distinct": 2, "rows_per_lab": {"L1": 2, "L2": 1}
    }


def test_enfant_and_bebe_count_rows_whose_comments_hold_the_word():
    comment = run(
        {
            "Observations": ["Enfant malade", "", "l'enfant et les bébés", "infantile", "BEBE"],
            "Commentaire 2": ["enfants", "bébé", "", "", ""],
        }
    )["comment"]
    assert (comment["rows_with_text"], comment["rows_with_enfant"], comment["rows_with_bebe"]) == (
        5, 2, 3
    )


def test_authenticity_indicators_are_explained_in_french_and_english():
    indicators = verify.verify(pl.DataFrame(NIR_FIXTURE)).indicators
    first = indicators[0]
    assert (first["id"], first["percent"]) == ("nir_valid_key", 75.0)
    assert first["fr"].startswith("75,0\u202f% des NIR présents ont une clé de contrôle valide")
    assert first["en"].startswith("75.0 % of the NIRs present have a valid check key")


def test_the_human_report_reads_in_french_with_category_keys():
    from toolkit.raw import claims

    report = verify.verify(pl.DataFrame(NIR_FIXTURE))
    text = verify.report_text(report, claims.check_claims(report))
    assert [line for line in text.splitlines() if line.startswith(("[", "Lignes", "Affirm"))] == [
        "Lignes\u00a0: 9",
        "[nir] N° de sécurité sociale",
        "[sex] Sexe",
        "[birth_date] Date de naissance",
        "Affirmations publiées",
    ]


# ------------------------------------------------------------------ no raw value in any output

CLI_ROWS = [
    ["Nom", "Prénom", "N° SS", "Portable", "Courriel", "CP", "Ville", "Date prlvt"],
    ["Zyxwabc", "Qwertine", with_key("1840356260123"), "06 39 98 11 22", "qz1@mail.example",
     "56000", "Vannes", "01/03/2019"],
    ["Vbnmopq", "Asdfine", with_key("2921245234045"), "06 39 98 33 44", "qz2@mail.example",
     "45000", "Orléans", "02/04/2018"],
]


@pytest.mark.parametrize("verb", ["inspect", "verify"])
@pytest.mark.parametrize("as_json", [False, True])
def test_cli_output_holds_no_raw_value_of_the_file(tmp_path, capsys, verb, as_json):
    path = tmp_path / "leak.csv"
    path.write_text("\n".join(";".join(row) for row in CLI_ROWS) + "\n", encoding="utf-8")
    code = main([verb, str(path), "--quiet", *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    raw = [cell for row in CLI_ROWS[1:] for cell in row[:5]]
    raw += [p.replace(" ", "") for p in (CLI_ROWS[1][3], CLI_ROWS[2][3])]
    assert (code, [v for v in raw if v in out + err]) == (0, [])
    if as_json:
        document = json.loads(out)
        assert ("claims" in document) == (verb == "verify")


def test_cli_inspect_json_lists_each_column_with_category_and_confidence(tmp_path, capsys):
    path = tmp_path / "leak.csv"
    path.write_text("\n".join(";".join(row) for row in CLI_ROWS) + "\n", encoding="utf-8")
    assert main(["inspect", str(path), "--json", "--quiet", "--map", "Ville=other"]) == 0
    document = json.loads(capsys.readouterr().out)
    categories = [c["category"] for c in document["columns"]]
    assert (document["rows"], document["delimiter"], categories) == (
        2, ";", ["surname", "first_name", "nir", "phone_mobile", "email", "postcode", "other",
                 "sample_date"]
    )


def test_cli_unknown_map_category_is_one_line_and_non_zero(tmp_path, capsys):
    path = tmp_path / "leak.csv"
    path.write_text("\n".join(";".join(row) for row in CLI_ROWS) + "\n", encoding="utf-8")
    code = main(["verify", str(path), "--quiet", "--map", "Ville=town"])
    err = capsys.readouterr().err
    assert (code != 0, err.count("\n"), "unknown category 'town'" in err) == (True, 1, True)

