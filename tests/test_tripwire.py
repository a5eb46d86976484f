"""The PII tripwire: what it finds, what it deliberately ignores, and that a hit writes nothing."""

from __future__ import annotations

import struct
import zlib

import polars as pl
import pytest

from toolkit.boundary import tripwire
from toolkit.shared.errors import DisclosureError, InputError

# Synthetic, fictional values only: reserved email domain, fiction phone range.
LEAK = pl.DataFrame(
    {
        "NOM": ["KERVAREC", "Le", "Rouxel"],
        "PRENOM": ["Gwenaëlle", "Yves", "Anne"],
        "NIR": ["2 84 07 56 249 792 18", "184127645108946", None],
        "ADRESSE": ["12 rue des Mimosas", "3 impasse Ker Anna", "1 place du Marché"],
        "TEL": ["02 61 91 12 34", "0639981234", ""],
        "EMAIL": ["gwen.kervarec@mail.example", None, "a.r@boite.example"],
        "MOT_DE_PASSE": ["soleil1984", "bretagne", "chouchou"],
        "VILLE_MEDECIN": ["Vannes", "Lorient", "Pontivy"],
        "COMMENTAIRE": ["patiente sourde, prévenir la fille", None, None],
        "CODE_POSTAL": ["56000", "56100", "56300"],
    }
)
SCHEMA = {
    "NOM": "surname",
    "PRENOM": "first_name",
    "NIR": "nir",
    "ADRESSE": "address",
    "TEL": "phone_landline",
    "EMAIL": "email",
    "MOT_DE_PASSE": "password",
    "VILLE_MEDECIN": "doctor",
    "COMMENTAIRE": "comment",
    "CODE_POSTAL": "postcode",
}


@pytest.fixture(scope="module")
def identifiers() -> tripwire.Identifiers:
    return tripwire.collect_identifiers(LEAK, SCHEMA)


def hit(text: str, identifiers: tripwire.Identifiers) -> str | None:
    return tripwire.find(text, identifiers)


def test_nir_shaped_numbers_are_found_with_or_without_spaces():
    empty = tripwire.shapes_only()
    assert hit("voir 2 84 07 56 249 792 18 ici", empty) == "NIR-shaped number"
    assert hit("id=184127645108946;", empty) == "NIR-shaped number"
    assert hit("corse 184072A12345678", empty) == "NIR-shaped number"


def test_phone_shaped_numbers_are_found_in_french_and_international_forms():
    empty = tripwire.shapes_only()
    for text in ("02 61 91 12 34", "02.61.91.12.34", "0639981234", "+33 6 39 98 12 34"):
        assert hit(f"tel {text} fin", empty) == "phone-shaped number", text


def test_email_shaped_addresses_are_found():
    assert hit("écrire à x.y@courriel.example", tripwire.shapes_only()) == "email-shaped address"


def test_counts_decimals_dates_and_digests_are_not_mistaken_for_identifiers():
    text = (
        "491840 personnes; 491\u00a0840; lon 2.30622782635094; 1234567890123.5; "
        "2018-01-01; 2015-2020; sha256 908e3349153f52f8e057b55a1f6fda18aea49317c1f1b5928"
    )
    assert hit(text, tripwire.shapes_only()) is None


def test_an_input_surname_is_found_as_a_whole_word_whatever_its_case_and_accents(identifiers):
    assert hit("Titre : le cas Kervarec", identifiers) == "surname from the input"
    assert hit("gwenaelle", identifiers) == "first name from the input"


def test_an_identifier_is_not_found_inside_a_longer_word(identifiers):
    assert hit("Kervarecs et Rouxelle", identifiers) is None


def test_a_full_address_or_comment_is_found_as_a_run_of_words(identifiers):
    assert hit("au 12, rue des Mimosas", identifiers) == "postal address from the input"
    assert hit("« Patiente sourde ; prévenir la fille »", identifiers) == (
        "free-text comment from the input"
    )


def test_a_password_is_found(identifiers):
    assert hit("mot de passe soleil1984", identifiers) == "plaintext password from the input"


def test_short_values_and_numbers_are_not_searched(identifiers):
    # "Le" is too short; postcodes and phone digits have no letter (the shape net covers them).
    phrases = set(identifiers.phrases)
    assert "le" not in phrases
    assert "56000" not in phrases
    assert "kervarec" in phrases


def test_a_place_name_is_not_a_hit_where_it_stands_as_the_places_name(identifiers):
    # A doctor's town ("Vannes") and a password that is a region ("bretagne") are searched, but
    # the names of communes, départements and regions are public wherever they stand whole.
    assert {"vannes", "bretagne"} <= set(identifiers.phrases)
    assert hit("Le Morbihan, Vannes, Bretagne : 56000 personnes", identifiers) is None


def test_words_the_toolkit_writes_itself_are_not_searched():
    one_word = tripwire.collect_identifiers(
        pl.DataFrame({"NOM": ["Barres", "Enfant", "Kerbrat"]}), {"NOM": "surname"}
    )
    assert set(one_word.phrases) == {"kerbrat"}


def test_a_surname_inside_a_public_place_name_is_not_a_hit(identifiers):
    assert "anne" in identifiers.phrases
    assert hit("Sainte-Anne-d'Auray : 42 personnes", identifiers) is None
    assert hit("Sainte-Anne-d'Auray et Anne", identifiers) == "first name from the input"


def test_only_direct_identifier_columns_are_collected(identifiers):
    assert "CODE_POSTAL" not in identifiers.columns
    assert set(identifiers.columns) == set(SCHEMA) - {"CODE_POSTAL"}


def test_identifiers_are_exactly_the_folded_values_of_the_input_with_their_category(identifiers):
    # The specification, value by value: folded, first MAX_TOKENS words, at least MIN_CHARS
    # letters or digits, a letter somewhere, not a word or text the toolkit writes itself.
    words, texts = tripwire.public_vocabulary()
    expected: dict[str, str] = {}
    for column, category in sorted(SCHEMA.items(), key=lambda item: item[1], reverse=True):
        if category == "postcode":
            continue
        for value in LEAK[column].drop_nulls().to_list():
            phrase = " ".join(tripwire.fold([value])[0].split()[: tripwire.MAX_TOKENS])
            public = phrase in texts or (" " not in phrase and phrase in words)
            if any(ch.isalpha() for ch in phrase) and len(phrase.replace(" ", "")) >= 4 \
                    and not public:  # fmt: skip
                expected[phrase] = category
    assert len(expected) == 17
    assert identifiers.phrases == expected


def test_a_value_in_two_columns_is_searched_under_the_first_category_alphabetically():
    both = tripwire.collect_identifiers(
        pl.DataFrame({"NOM": ["Kerbrat"], "MEDECIN": ["Dr Kerbrat"], "NOM_NAISSANCE": ["Kerbrat"]}),
        {"NOM": "surname", "MEDECIN": "doctor", "NOM_NAISSANCE": "birth_name"},
    )
    assert both.phrases == {"kerbrat": "birth_name", "dr kerbrat": "doctor"}


def test_the_manifest_description_holds_counts_and_column_names_only(identifiers):
    described = repr(identifiers.describe())
    assert "kervarec" not in described.lower()
    assert identifiers.describe()["identifiers_searched"] == len(identifiers.phrases)


def png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    comment = chunk(b"tEXt", b"Comment\0" + text.encode())
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + comment + chunk(b"IDAT", pixels) + (
        chunk(b"IEND", b"")
    )


def test_png_text_chunks_are_scanned(identifiers):
    with pytest.raises(DisclosureError, match=r"chart\.png contains a email-shaped address"):
        tripwire.scan({"chart.png": png_with_text("gwen.kervarec@mail.example")}, identifiers)


def test_a_hit_names_the_file_and_the_kind_but_never_the_value(identifiers):
    with pytest.raises(DisclosureError) as caught:
        tripwire.scan({"a.csv": b"ok", "b.md": b"Mme KERVAREC"}, identifiers)
    message = str(caught.value)
    assert message == (
        "export aborted, nothing written: b.md contains a surname from the input "
        "(personal data must never be published)"
    )
    assert "kervarec" not in message.lower()


def test_a_hit_writes_nothing(tmp_path, identifiers):
    out = tmp_path / "bundle"
    with pytest.raises(DisclosureError):
        tripwire.write_checked({"ok.csv": b"a;b\n", "bad.svg": b"<text>Rouxel</text>"}, out,
                               identifiers, replace_folder=True)  # fmt: skip
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_hit_leaves_an_existing_bundle_untouched(tmp_path, identifiers):
    out = tmp_path / "bundle"
    tripwire.write_checked({"old.csv": b"1"}, out, identifiers, replace_folder=True)
    with pytest.raises(DisclosureError):
        tripwire.write_checked({"new.csv": b"0639981234"}, out, identifiers, replace_folder=True)
    assert sorted(p.name for p in out.iterdir()) == ["old.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]


def test_a_clean_export_replaces_the_previous_bundle_whole(tmp_path, identifiers):
    out = tmp_path / "bundle"
    tripwire.write_checked({"old.csv": b"1"}, out, identifiers, replace_folder=True)
    tripwire.write_checked({"new.csv": b"2"}, out, identifiers, replace_folder=True)
    assert sorted(p.name for p in out.iterdir()) == ["new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]


def test_adding_files_keeps_the_others(tmp_path, identifiers):
    tripwire.write_checked({"a.csv": b"1"}, tmp_path, identifiers)
    tripwire.write_checked({"b.csv": b"2"}, tmp_path, identifiers)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_file_names_with_folders_are_refused(tmp_path, identifiers):
    with pytest.raises(InputError):
        tripwire.write_checked({"../escape.csv": b"1"}, tmp_path, identifiers)


def test_scanning_without_identifiers_is_refused():
    with pytest.raises(InputError):
        tripwire.scan({"a.csv": b"1"}, None)  # type: ignore[arg-type]
