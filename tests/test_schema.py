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
    # 07 81: an assigned mobile block (07 00-07 29 are not assigned: invalid numbers).
    "phone_mobile": ["06 39 98 12 34", "0639981235", "+33 7 81 23 45 67", "06.12.34.56.78"],
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


# ------------------------------------------------------------------ how French exports name columns


@pytest.mark.parametrize(
    "header,category",
    [
        # joined abbreviations
        ("nomprenom", "surname"),
        ("NOMPRENOM", "surname"),
        ("datenaiss", "birth_date"),
        ("DATENAISS", "birth_date"),
        ("dtnaiss", "birth_date"),
        ("DT_NAISS", "birth_date"),
        ("datedenaissance", "birth_date"),
        ("cpostal", "postcode"),
        ("CPOSTAL", "postcode"),
        ("codepostal", "postcode"),
        ("telport", "phone_mobile"),
        ("teldom", "phone_landline"),
        ("numsecu", "nir"),
        ("nomjf", "birth_name"),
        ("nomnaiss", "birth_name"),
        # a composite name field is the identity: surname
        ("NOM*PRENOMS/", "surname"),
        ("NOM_PRENOM", "surname"),
        ("Nom et prénom", "surname"),
        ("PRENOM NOM", "surname"),
        ("Identité du patient", "surname"),
        # administrative identifiers: other (and identifying, see below)
        ("ID_PATIENT", "other"),
        ("NUM_DOSSIER", "other"),
        ("IPP", "other"),
        ("NUM_SEJOUR", "other"),
        ("N° séjour", "other"),
        ("idpatient", "other"),
        ("numdossier", "other"),
        ("Identifiant patient", "other"),
        # civility is a sex
        ("CIVILITE", "sex"),
        ("Civ.", "sex"),
        # birth place is not the residence
        ("DEPT_NAISSANCE", "other"),
        ("COMMNAISS", "other"),
        ("commnaiss", "other"),
        ("LIEU_NAISSANCE", "other"),
        ("lieunaiss", "other"),
        ("VILLE_NAISSANCE", "other"),
        ("CP_NAISSANCE", "other"),
        ("PAYS_NAISSANCE", "other"),
        # a death date is not a birth date; admission and discharge are not visits to the lab
        ("DATEDECES", "other"),
        ("datedeces", "other"),
        ("DATE_DECES", "other"),
        ("Date de décès", "other"),
        ("DT_DECES", "other"),
        ("DATE_ENTREE", "other"),
        ("DATE_SORTIE", "other"),
        ("Date d'admission", "other"),
        ("DATE_DERNIERE_VISITE", "sample_date"),
        ("Date de visite", "sample_date"),
    ],
)
def test_headers_as_french_exports_write_them(header, category):
    assert schema.header_category(header) == category


@pytest.mark.parametrize(
    "header,identifying",
    [("ID_PATIENT", True), ("NUM_DOSSIER", True), ("IPP", True), ("NUM_SEJOUR", True),
     ("NDA", True), ("numdossier", True), ("DEPT_NAISSANCE", False), ("DATE_MAJ", False),
     ("CODE_REGIME", False), ("NB_PASSAGES", False), ("NOM", False), ("COL01", False)],
)
def test_administrative_identifiers_are_recognised_by_their_header(header, identifying):
    assert schema.is_administrative_identifier(header) is identifying


def test_administrative_identifier_columns_are_other_but_flagged_identifying():
    frame = pl.DataFrame({
        "ID_PATIENT": ["24305399", "50906358", "46778570", "18092779"],
        "NUM_DOSSIER": ["D000000000", "D000000001", "D000000002", "D000000003"],
        "NOM": ["KERFICTIF", "LE GOFFIC", "TANGUY", "MOAL"],
        "DEPT_NAISSANCE": ["56", "35", "22", "99"],
    })
    classes = schema.classify(frame)
    assert classes.mapping == {"ID_PATIENT": "other", "NUM_DOSSIER": "other", "NOM": "surname",
                               "DEPT_NAISSANCE": "other"}
    assert classes.identifying == ["ID_PATIENT", "NUM_DOSSIER"]


def test_a_composite_name_column_is_the_surname_whatever_its_content():
    frame = pl.DataFrame({"NOM*PRENOMS/": ["KERFICTIF Anne", "LE GOFFIC Yves Marie",
                                           "TANGUY Gaëlle", "MOAL Jean"]})
    assert categories(frame) == {"NOM*PRENOMS/": "surname"}


def test_a_death_date_column_is_not_taken_for_a_birth_date_by_its_content():
    deaths = ["03/03/1984", "12/12/1992", "01/01/1955", "15/06/2001", "22/02/1971"]
    admissions = ["01/03/2019", "15/10/2020", "04/06/2018", "22/11/2018", "02/01/2019"]
    frame = pl.DataFrame({"DATEDECES": deaths, "DATE_ENTREE": admissions,
                          "DATE_SORTIE": admissions, "COL04": deaths})
    assert categories(frame) == {"DATEDECES": "other", "DATE_ENTREE": "other",
                                 "DATE_SORTIE": "other", "COL04": "birth_date"}


def test_birth_place_columns_are_not_residence_postcodes_or_communes():
    frame = pl.DataFrame({"CP_NAISSANCE": COLUMNS["postcode"], "COMMNAISS": COLUMNS["commune"],
                          "CP": COLUMNS["postcode"], "VILLE": COLUMNS["commune"]})
    assert categories(frame) == {"CP_NAISSANCE": "other", "COMMNAISS": "other",
                                 "CP": "postcode", "VILLE": "commune"}


def test_a_civility_is_a_sex_read_after_a_sex_column():
    frame = pl.DataFrame({"CIVILITE": ["MME", "M.", "ENF", "MLLE"], "SEXE": ["F", "M", "F", "F"]})
    classes = schema.classify(frame)
    assert classes.mapping == {"CIVILITE": "sex", "SEXE": "sex"}
    assert classes.columns_of("sex") == ["SEXE", "CIVILITE"]
    alone = schema.classify(frame.select("CIVILITE"))
    assert alone.columns_of("sex") == ["CIVILITE"]


# ------------------------------------------------------------------ the content sample


def test_content_is_sniffed_on_rows_spread_over_the_whole_file():
    # A column empty in its first rows (a field added to the export later) is still seen.
    n = 3 * schema.SAMPLE_ROWS
    nirs = [None] * (2 * schema.SAMPLE_ROWS) + [NIRS[i % 4] for i in range(schema.SAMPLE_ROWS)]
    frame = pl.DataFrame({"COL01": nirs, "COL02": [f"{i}" for i in range(n)]},
                         schema={"COL01": pl.String, "COL02": pl.String})
    [nir, _] = schema.classify(frame).columns
    assert nir.category == "nir"


def test_the_content_sample_is_spread_seeded_and_the_same_from_either_engine():
    n = 4 * schema.SAMPLE_ROWS + 17
    frame = pl.DataFrame({"X": [f"{i}" for i in range(n)]})
    rows = schema.sample_rows(frame.lazy())["X"].cast(pl.Int64)
    assert rows.len() == schema.SAMPLE_ROWS
    assert rows.is_sorted() and rows.n_unique() == schema.SAMPLE_ROWS
    assert rows.min() < n // 10 and rows.max() > n - n // 10  # from the whole file
    assert rows.to_list() == schema.sample_rows(frame.lazy())["X"].cast(pl.Int64).to_list()
    with pl.Config(engine_affinity="streaming"):
        streamed = schema.sample_rows(frame.lazy())["X"].cast(pl.Int64)
    assert streamed.to_list() == rows.to_list()
    small = pl.DataFrame({"X": ["a", "b", "c"]})
    assert schema.sample_rows(small.lazy())["X"].to_list() == ["a", "b", "c"]
