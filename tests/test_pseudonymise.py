"""The privacy boundary: what crosses into the safe table, what is refused, and the key."""

from __future__ import annotations

import os
import stat

import _tiny_gazetteer as gaz
import polars as pl
import pytest

from toolkit.app import cli
from toolkit.boundary import keys, safe_table
from toolkit.boundary import pseudonymise as ps
from toolkit.raw import schema
from toolkit.shared import gazetteer
from toolkit.shared.errors import BoundaryError, InputError
from toolkit.shared.vocabulary import COMMENT_MENTIONS, HEALTH_MENTIONS

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
# Valid NIR keys (97 - n mod 97); fictional people.
NIR_A = "1800456123456"  # 1 80 04 56 123 456, completed with its key
NIR_A = NIR_A + f"{97 - int(NIR_A) % 97:02d}"
NIR_CORSICA = "275042A004123"
NIR_CORSICA = NIR_CORSICA + f"{97 - int(NIR_CORSICA.replace('2A', '19')) % 97:02d}"

MAPPING = {
    "nom": "surname",
    "prenom": "first_name",
    "ddn": "birth_date",
    "nir": "nir",
    "sexe": "sex",
    "cp": "postcode",
    "ville": "commune",
    "rue": "address",
    "tel": "phone_mobile",
    "mail": "email",
    "mdp": "password",
    "labo": "lab",
    "date_prelev": "sample_date",
    "comm1": "comment",
    "comm2": "comment",
}


def leak(**overrides: list[str | None]) -> pl.DataFrame:
    """Three fictional records of two people (the first two share a NIR), all strings."""
    columns: dict[str, list[str | None]] = {
        "nom": ["Kerfictif", "KERFICTIF", "Exemplar"],
        "prenom": ["Léa", "Lea", "Tom"],
        "ddn": ["03/04/1980", "03/04/1980", "31/12/1950"],
        "nir": [NIR_A, NIR_A.replace("8", " 8", 1), ""],
        "sexe": ["F", "Mme", ""],
        "cp": ["56400", "56400", "35000"],
        "ville": ["Brech", "Brehc", "RENNES"],
        "rue": ["1 rue Imaginaire", "1 rue Imaginaire", ""],
        "tel": ["0639980001", "", "NULL"],
        "mail": ["lea@fictif.example", "", ""],
        "mdp": ["sesame-fictif", "", ""],
        "labo": ["Labo Fictif de Vannes", "Labo Fictif de Vannes", "Labo Fictif de Rennes"],
        "date_prelev": ["12/06/2018", "01/02/2019", "2019-03-15"],
        "comm1": ["patiente enceinte", "", "sous AVK"],
        "comm2": ["", "séropositif HIV", None],
    }
    columns.update(overrides)
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def safe_of(
    frame: pl.DataFrame, key: bytes = KEY, mapping: dict[str, str] = MAPPING
) -> pl.DataFrame:
    """Pseudonymise ``frame`` against the tiny gazetteer."""
    return ps.pseudonymise(
        frame, mapping, key, postcodes=gaz.postcodes(), communes=gaz.communes()
    ).collect()


# --- person ids ---------------------------------------------------------------------------------


def test_person_ids_are_32_hex_characters():
    ids = safe_of(leak())["person_id"].to_list()
    assert all(len(i) == 32 and set(i) <= set("0123456789abcdef") for i in ids)


def test_records_with_the_same_valid_nir_share_one_person_id():
    ids = safe_of(leak())["person_id"].to_list()
    assert ids[0] == ids[1] and ids[0] != ids[2]


def test_the_same_key_gives_the_same_ids_and_another_key_other_ids():
    first, again = safe_of(leak())["person_id"], safe_of(leak())["person_id"]
    other = safe_of(leak(), key=OTHER_KEY)["person_id"]
    assert first.to_list() == again.to_list()
    assert set(first.to_list()).isdisjoint(other.to_list())


def test_without_a_valid_nir_name_and_birth_date_link_records_despite_case_and_accents():
    frame = leak(nir=["", "123", ""], prenom=["Léa", "LEA", "Tom"])
    ids = safe_of(frame)["person_id"].to_list()
    assert ids[0] == ids[1] and ids[0] != ids[2]


def test_a_corsican_nir_is_valid_and_links_records():
    frame = leak(nir=[NIR_CORSICA, NIR_CORSICA, ""], prenom=["Léa", "Other", "Tom"])
    ids = safe_of(frame)["person_id"].to_list()
    assert ids[0] == ids[1]


def test_records_that_cannot_be_linked_count_as_one_person_each():
    blank = [""] * 3
    frame = leak(nir=blank, nom=blank, prenom=blank, ddn=blank)
    assert safe_of(frame)["person_id"].n_unique() == 3


# --- coarsened quasi-identifiers ----------------------------------------------------------------


def test_safe_table_has_the_contract_columns_and_nothing_else():
    safe = safe_of(leak())
    expected = [
        *safe_table.SAFE_COLUMNS,
        *(f"exposed_{c}" for c in dict.fromkeys(MAPPING.values())),
        *(f"mention_{m}" for m in COMMENT_MENTIONS),
    ]
    assert sorted(safe.columns) == sorted(expected)
    assert safe_table.validate_safe_table(safe) is safe


def test_sample_month_is_the_first_of_the_sample_month():
    months = safe_of(leak())["sample_month"].cast(pl.String).to_list()
    assert months == ["2018-06-01", "2019-02-01", "2019-03-01"]


@pytest.mark.parametrize(
    "birth,sample,band",
    [
        ("03/04/1980", "02/04/2020", "35-39"),
        ("03/04/1980", "03/04/2020", "40-44"),
        ("01/01/2019", "05/05/2019", "00-04"),
        ("01/01/1920", "05/05/2019", "90+"),
        ("05/05/2030", "05/05/2019", None),
        ("", "05/05/2019", None),
    ],
)
def test_age_band_is_the_age_at_the_sample_date_in_5_year_bands(birth, sample, band):
    frame = leak(ddn=[birth] * 3, date_prelev=[sample] * 3)
    assert safe_of(frame)["age_band"][0] == band


def test_sex_comes_from_the_sex_column_else_from_the_nir():
    frame = leak(sexe=["Femme", "", ""], nir=["", NIR_A, ""])
    assert safe_of(frame)["sex"].to_list() == ["F", "M", None]


def test_a_civility_column_is_read_after_the_sex_column():
    # CIVILITE comes first in the file and is a sex too (a secondary one): SEXE wins.
    frame = leak(sexe=["F", "M", ""]).with_columns(
        pl.Series("civilite", ["M.", "MME", "MLLE"])
    ).select("civilite", pl.exclude("civilite"))
    classes = schema.classify(frame)
    assert classes.columns_of("sex") == ["sexe", "civilite"]
    safe = ps.pseudonymise(frame, classes, KEY, postcodes=gaz.postcodes(),
                           communes=gaz.communes()).collect()
    assert safe["sex"].to_list() == ["F", "M", "F"]  # the third from the civility


def test_residence_is_resolved_to_commune_departement_and_region():
    safe = safe_of(leak())
    assert safe["residence_insee"].to_list() == ["56023", "56007", "35238"]
    assert safe["residence_departement"].to_list() == ["56", "56", "35"]
    assert safe["residence_region"].to_list() == ["53", "53", "53"]
    assert safe["residence_resolution"].to_list() == [
        "postcode_name",
        "postcode_only",
        "postcode_name",
    ]


def test_lab_becomes_a_lower_case_code():
    assert safe_of(leak())["lab"].unique(maintain_order=True).to_list() == [
        "labo-fictif-de-vannes",
        "labo-fictif-de-rennes",
    ]


# --- category and mention flags -----------------------------------------------------------------


def test_exposed_flags_say_whether_a_cell_was_filled_null_markers_count_as_empty():
    safe = safe_of(leak())
    assert safe["exposed_phone_mobile"].to_list() == [True, False, False]
    assert safe["exposed_password"].to_list() == [True, False, False]
    assert safe["exposed_comment"].to_list() == [True, True, True]


def test_health_mentions_are_read_from_every_comment_column_with_the_lexicon():
    safe = safe_of(leak())
    assert safe["mention_pregnancy"].to_list() == [True, False, False]
    assert safe["mention_hiv"].to_list() == [False, True, False]
    assert safe["mention_anticoagulant"].to_list() == [False, False, True]


def test_a_comment_saying_only_enfant_sets_the_child_flag_and_no_health_mention():
    safe = safe_of(leak(comm1=["enfant", "Enceinte", None], comm2=[None, None, None]))
    health = pl.any_horizontal(f"mention_{m}" for m in HEALTH_MENTIONS)
    assert safe["mention_child"].to_list() == [True, False, False]
    assert safe.select(health)[:, 0].to_list() == [False, True, False]


def test_without_comment_columns_every_mention_flag_is_false():
    mapping = {k: v for k, v in MAPPING.items() if v != "comment"}
    safe = safe_of(leak().drop("comm1", "comm2"), mapping=mapping)
    assert not safe.select(pl.any_horizontal(pl.col("^mention_.*$")).any()).item()


def test_no_raw_identifier_of_the_input_appears_in_the_safe_table(tmp_path):
    raw = leak()
    path = safe_table.write_safe_table(safe_of(raw), tmp_path / "safe.parquet")
    blob = path.read_bytes()
    text = pl.read_parquet(path).write_csv()
    identifiers = {
        v
        for column in ("nom", "prenom", "nir", "rue", "tel", "mail", "mdp", "comm1", "comm2", "ddn")
        for v in raw[column].drop_nulls().to_list()
        if len(v) >= 3
    }
    assert identifiers  # the scan must have something to look for
    found = [v for v in identifiers if v.lower() in text.lower() or v.encode() in blob]
    assert found == []


def test_writing_the_same_input_with_the_same_key_gives_identical_bytes(tmp_path):
    a = safe_table.write_safe_table(safe_of(leak()), tmp_path / "a.parquet").read_bytes()
    b = safe_table.write_safe_table(safe_of(leak()), tmp_path / "b.parquet").read_bytes()
    assert a == b


# --- the boundary check -----------------------------------------------------------------------


def test_validate_refuses_a_raw_leak_frame():
    with pytest.raises(BoundaryError, match="may not cross the privacy boundary"):
        safe_table.validate_safe_table(leak())


def test_validate_refuses_a_safe_table_with_a_personal_data_column_added():
    safe = safe_of(leak()).with_columns(nir=pl.lit(NIR_A))
    with pytest.raises(BoundaryError, match="'nir'"):
        safe_table.validate_safe_table(safe)


def test_validate_refuses_a_raw_value_smuggled_under_an_allowed_name():
    safe = safe_of(leak()).with_columns(lab=pl.lit("Kerfictif Léa"))
    with pytest.raises(BoundaryError, match="'lab' holds 1 value"):
        safe_table.validate_safe_table(safe)


def test_validate_refuses_a_wrong_dtype():
    safe = safe_of(leak()).with_columns(pl.col("sample_month").cast(pl.String))
    with pytest.raises(BoundaryError, match="'sample_month' is String"):
        safe_table.validate_safe_table(safe)


def test_validate_refuses_a_lazy_frame_too_and_names_no_value():
    with pytest.raises(BoundaryError) as caught:
        safe_table.validate_safe_table(leak().lazy())
    assert "Kerfictif" not in str(caught.value)


def test_validate_refuses_something_that_is_not_a_frame():
    with pytest.raises(BoundaryError):
        safe_table.validate_safe_table({"person_id": ["x"]})  # type: ignore[arg-type]


def test_a_lazy_safe_table_already_checked_is_not_scanned_again(monkeypatch):
    lazy = safe_of(leak()).lazy()
    safe_table.validate_safe_table(lazy)
    scans = []
    monkeypatch.setattr(ps.pl, "collect_all", lambda *a, **k: scans.append(1))
    safe_table.validate_safe_table(lazy)
    assert scans == []


def test_a_lazy_frame_derived_from_a_checked_one_is_checked_again():
    lazy = safe_of(leak()).lazy()
    safe_table.validate_safe_table(lazy)
    with pytest.raises(BoundaryError, match="'lab' holds 1 value"):
        safe_table.validate_safe_table(lazy.with_columns(lab=pl.lit("Kerfictif Léa")))


def test_a_safe_dataframe_changed_in_place_after_a_check_is_refused():
    safe = safe_of(leak())
    safe_table.validate_safe_table(safe)
    safe[0, "lab"] = "Kerfictif Léa"
    with pytest.raises(BoundaryError, match="'lab' holds 1 value"):
        safe_table.validate_safe_table(safe)


# --- the key ----------------------------------------------------------------------------------


def test_a_missing_key_is_created_owner_only_and_announced_without_its_value(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("TOOLKIT_KEY", raising=False)
    monkeypatch.delenv("TOOLKIT_KEY_FILE", raising=False)
    path = tmp_path / ".key" / "key.bin"
    key = keys.load_key(default_path=path)
    err = capsys.readouterr().err
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert str(path) in err and key.hex() not in err
    assert keys.load_key(default_path=path) == key  # reused, not replaced


def test_the_key_can_come_from_the_environment_as_hex(monkeypatch):
    monkeypatch.setenv("TOOLKIT_KEY", KEY.hex())
    assert keys.load_key() == KEY


def test_the_key_file_environment_variable_names_a_file(tmp_path, monkeypatch):
    monkeypatch.delenv("TOOLKIT_KEY", raising=False)
    (tmp_path / "k").write_text(OTHER_KEY.hex() + "\n")
    monkeypatch.setenv("TOOLKIT_KEY_FILE", str(tmp_path / "k"))
    assert keys.load_key() == OTHER_KEY


def test_a_short_key_is_refused(tmp_path):
    (tmp_path / "k").write_text("abcd")
    with pytest.raises(InputError, match="too short"):
        keys.load_key(tmp_path / "k")


# --- the command line -------------------------------------------------------------------------


def test_cli_pseudonymise_writes_the_safe_table_and_prints_counts_only(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(gazetteer, "_reference_postcodes", gaz.postcodes)
    monkeypatch.setattr(gazetteer, "_reference_communes", gaz.communes)
    raw = leak().rename({"nom": "NOM", "prenom": "PRENOM", "ddn": "DATE_NAISSANCE", "nir": "NIR"})
    source = tmp_path / "leak.csv"
    raw.write_csv(source, separator=";")
    (tmp_path / "key").write_text(KEY.hex())
    out = tmp_path / "safe.parquet"
    code = cli.main(
        ["pseudonymise", str(source), "--out", str(out), "--key-file", str(tmp_path / "key")]
    )
    printed = capsys.readouterr()
    assert code == 0
    assert safe_table.validate_safe_table(pl.read_parquet(out)).height == 3
    assert "records: 3" in printed.out
    for value in ("Kerfictif", NIR_A, KEY.hex(), "sesame-fictif"):
        assert value not in printed.out + printed.err


def test_cli_pseudonymise_reports_a_missing_key_file_in_one_line(tmp_path, capsys):
    source = tmp_path / "leak.csv"
    leak().write_csv(source, separator=";")
    code = cli.main(
        ["pseudonymise", str(source), "--out", str(tmp_path / "s.parquet"), "--key-file", "nope"]
    )
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "key file not found" in err
