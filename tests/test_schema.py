"""Column classification: header synonyms, content sniffing, their combination, user overrides."""

from __future__ import annotations

import polars as pl
import pytest
from _french_fixtures import tiny_gazetteer, with_key  # noqa: F401 - autouse fixture

from toolkit.raw import schema
from toolkit.shared.errors import InputError
from toolkit.shared.vocabulary import CATEGORIES

NIRS = [with_key(b) for b in ("1840375108123", "2921256260045", "1550127229011", "201122A045123")]
COLUMNS = {
    "nir": NIRS,
    "email": ["a.martin@mail.example", "b@x.test", "c.d@exemple.fr", "zoe@site.example"],
    "phone_mobile": ["06 39 98 12 34", "0639981235", "+33 7 12 34 56 78", "06.12.34.56.78"],
    "phone_landline": ["01 99 00 12 34", "02 61 91 00 01", "0297000000", "+33 2 38 00 00 00"],
    "postcode": ["56000", "45000", "27000", "35000"],
    "birth_date": ["03/03/1984", "12/12/1992", "01/01/1955", "15/06/2001"],
    "sample_date": ["01/03/2019", "15/10/2020", "04/06/2018", "22/11/2018"],
    "blood_group": ["A+", "O-", "AB+", "B+"],
    "sex": ["F", "M", "F", "M"],
    "commune": ["VANNES", "Orléans", "Evreux", "St-Brieuc"],
    "address": ["12 rue de la Paix", "3 bis avenue Foch", "8 chemin des Prés", "1 place du Marché"],
    "comment": [
        "patiente enceinte, contrôle dans un mois",
        "sous AVK, INR à surveiller chaque semaine",
        "enfant accompagné de sa mère, prise difficile",
        "à jeun depuis la veille, bilan annuel",
    ],
}


def categories(frame: pl.DataFrame, overrides: dict[str, str] | None = None) -> dict[str, str]:
    return schema.classify(frame, overrides).mapping


@pytest.mark.parametrize(
    "header,category",
    [
        ("N° SS", "nir"),
        ("NUM_SECU", "nir"),
        ("NIR", "nir"),
        ("Tél. domicile", "phone_landline"),
        ("Portable", "phone_mobile"),
        ("Tél", "phone"),
        ("Courriel", "email"),
        ("E-mail", "email"),
        ("C.P.", "postcode"),
        ("Ville", "commune"),
        ("Groupe Sg", "blood_group"),
        ("Organisme complémentaire", "insurer"),
        ("Mutuelle", "insurer"),
        ("Date prlvt", "sample_date"),
        ("Date de naissance", "birth_date"),
        ("DDN", "birth_date"),
        ("Observations", "comment"),
        ("Commentaire 2", "comment"),
        ("NOM", "surname"),
        ("Prénom", "first_name"),
        ("Nom de naissance", "birth_name"),
        ("Sexe", "sex"),
        ("Adresse", "address"),
        ("Médecin prescripteur", "doctor"),
        ("Mail médecin", "doctor"),
        ("Mot de passe", "password"),
        ("Login", "login"),
        ("Labo", "lab"),
        ("Code INSEE", "other"),
        ("Date of birth", "birth_date"),
        ("Mobile phone", "phone_mobile"),
    ],
)
def test_french_and_english_header_variants_name_their_category(header, category):
    assert schema.header_category(header) == category


def test_generic_headers_name_no_category():
    assert [schema.header_category(h) for h in ("COL01", "col_7", "Champ 12", "")] == [None] * 4


def test_headerless_columns_are_classified_by_content_alone():
    frame = pl.DataFrame({f"COL{i:02d}": values for i, values in enumerate(COLUMNS.values(), 1)})
    expected = {f"COL{i:02d}": cat for i, cat in enumerate(COLUMNS, 1)}
    assert categories(frame) == expected


def test_renamed_french_headers_are_classified_by_header_and_content():
    headers = ["N° SS", "Courriel", "Portable", "Tél. domicile", "C.P.", "Date naiss.",
               "Date prlvt", "Groupe Sg", "Sexe", "Ville", "Adresse", "Observations"]
    frame = pl.DataFrame(dict(zip(headers, COLUMNS.values(), strict=True)))
    assert list(categories(frame).values()) == list(COLUMNS)


def test_agreeing_header_and_content_give_high_confidence():
    frame = pl.DataFrame({"N° SS": NIRS})
    [column] = schema.classify(frame).columns
    assert (column.category, column.confidence) == ("nir", 0.99)


def test_strong_content_overrides_a_misleading_header():
    frame = pl.DataFrame({"Ville": COLUMNS["email"]})
    [column] = schema.classify(frame).columns
    assert (column.category, column.evidence.startswith("content overrides header")) == (
        "email",
        True,
    )


def test_a_doctor_header_keeps_its_role_even_when_the_content_is_emails():
    assert categories(pl.DataFrame({"Mail médecin": COLUMNS["email"]})) == {
        "Mail médecin": "doctor"
    }


def test_mobile_numbers_under_a_generic_phone_header_are_mobiles():
    assert categories(pl.DataFrame({"Tel 2": COLUMNS["phone_mobile"]})) == {
        "Tel 2": "phone_mobile"
    }


def test_fiction_range_numbers_are_classified_by_their_prefix():
    frame = pl.DataFrame(
        {"A": ["06 39 98 00 01", "06 39 98 00 02"], "B": ["01 99 00 00 01", "05 36 49 00 02"]}
    )
    assert categories(frame) == {"A": "phone_mobile", "B": "phone_landline"}


def test_random_fifteen_digit_numbers_are_not_taken_for_nirs():
    frame = pl.DataFrame({"X": [f"{n:015d}" for n in range(123456789012300, 123456789012340)]})
    assert categories(frame) == {"X": "other"}


def test_five_digit_codes_that_do_not_exist_are_not_postcodes():
    assert categories(pl.DataFrame({"X": ["99999", "99998", "00042", "99990"]})) == {"X": "other"}


def test_postcodes_are_recognised_by_shape_when_the_gazetteer_is_missing(monkeypatch):
    monkeypatch.setattr(schema, "reference_postcodes", lambda: None)
    [column] = schema.classify(pl.DataFrame({"X": ["99999", "56000"]})).columns
    assert (column.category, column.confidence) == ("postcode", 0.5)


def test_sample_and_birth_dates_are_told_apart_by_their_range():
    frame = pl.DataFrame({"A": COLUMNS["birth_date"], "B": COLUMNS["sample_date"]})
    assert categories(frame) == {"A": "birth_date", "B": "sample_date"}


def test_an_empty_column_is_other():
    assert categories(pl.DataFrame({"COL01": [None, ""]}, schema={"COL01": pl.String})) == {
        "COL01": "other"
    }


def test_a_user_override_wins_with_full_confidence():
    frame = pl.DataFrame({"COL07": NIRS})
    [column] = schema.classify(frame, {"COL07": "password"}).columns
    assert (column.category, column.confidence, column.evidence) == (
        "password",
        1.0,
        "set by the user",
    )


def test_an_unknown_override_category_is_refused_with_the_vocabulary():
    with pytest.raises(InputError) as raised:
        schema.classify(pl.DataFrame({"COL07": NIRS}), {"COL07": "secu"})
    assert "'secu'" in str(raised.value) and ", ".join(CATEGORIES) in str(raised.value)


def test_an_override_of_a_missing_column_is_refused():
    with pytest.raises(InputError, match="no column named 'COL99'"):
        schema.classify(pl.DataFrame({"COL07": NIRS}), {"COL99": "nir"})


def test_map_options_parse_into_overrides():
    assert schema.parse_map_options(["COL07=nir", " COL08 = email "]) == {
        "COL07": "nir",
        "COL08": "email",
    }


def test_a_map_option_without_equals_is_refused():
    with pytest.raises(InputError, match="COLUMN=category"):
        schema.parse_map_options(["COL07"])


def test_schema_lists_columns_of_a_category_in_file_order():
    mobiles = COLUMNS["phone_mobile"]
    frame = pl.DataFrame({"Tél 1": mobiles, "X": NIRS, "Tél 2": mobiles})
    assert schema.classify(frame).columns_of("phone_mobile") == ["Tél 1", "Tél 2"]


def test_schema_dict_never_contains_a_cell_value():
    frame = pl.DataFrame({f"COL{i:02d}": v for i, v in enumerate(COLUMNS.values(), 1)})
    text = str(schema.classify(frame).to_dict())
    leaked = [v for values in COLUMNS.values() for v in values if v in text]
    assert leaked == []


def test_the_content_hint_is_kept_when_a_role_header_wins():
    classes = schema.classify(pl.DataFrame({"Mail médecin": COLUMNS["email"], "Labo": ["L1"] * 4}))
    assert (classes.content_of("Mail médecin"), classes.content_of("Labo")) == ("email", None)


def test_a_file_without_rows_is_classified_by_headers_alone():
    frame = pl.DataFrame({"NIR": [], "COL02": []}, schema={"NIR": pl.String, "COL02": pl.String})
    assert categories(frame) == {"NIR": "nir", "COL02": "other"}
