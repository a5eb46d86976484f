"""Geolocation: residences to communes, labs from registries and FINESS, the online geocoder."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import random
import threading
import warnings

import _tiny_gazetteer as gaz
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyproj import Transformer

from toolkit.boundary import pseudonymise as ps
from toolkit.boundary import residences, safe_table
from toolkit.safe import distances, exposure
from toolkit.safe.labs import (
    AddressGeocoder,
    FinessWarning,
    geocode_labs,
    lab_labels,
    locate_labs,
    read_finess,
    read_lab_registry,
)
from toolkit.shared import gazetteer
from toolkit.shared.errors import BoundaryError, InputError, ToolkitError


def resolve(postcode: list[str | None], commune: list[str | None]) -> pl.DataFrame:
    """Resolve residences against the tiny gazetteer."""
    frame = pl.DataFrame(
        {"cp": postcode, "ville": commune}, schema={"cp": pl.String, "ville": pl.String}
    )
    return residences.resolve_residences(
        frame, "cp", "ville", postcodes=gaz.postcodes(), communes=gaz.communes()
    ).collect()


# --- residences ---------------------------------------------------------------------------------


def test_a_postcode_shared_by_several_communes_is_resolved_by_name():
    out = resolve(["56400", "56400", "56400"], ["Brech", "PLUNERET", "auray"])
    assert out["residence_insee"].to_list() == ["56023", "56176", "56007"]
    assert out["residence_resolution"].to_list() == ["postcode_name"] * 3


def test_names_match_whatever_the_accents_case_hyphens_and_saint_abbreviation():
    out = resolve(["27000", "22000", "22000"], ["EVREUX", "St Brieuc", "saint-brieuc"])
    assert out["residence_insee"].to_list() == ["27229", "22278", "22278"]
    assert set(out["residence_resolution"]) == {"postcode_name"}


def test_a_misspelt_name_falls_back_to_the_postcodes_most_populous_commune_flagged():
    out = resolve(["56400"], ["Brehc"])
    assert out.row(0, named=True) == {
        "cp": "56400",
        "ville": "Brehc",
        "residence_insee": "56007",
        "residence_resolution": "postcode_only",
        "residence_departement": "56",
        "residence_region": "53",
    }


def test_a_postcode_without_a_name_is_postcode_only():
    assert resolve(["35000"], [None])["residence_resolution"].to_list() == ["postcode_only"]


def test_a_postcode_that_lost_its_leading_zero_is_restored():
    pcs = gaz.postcodes().with_columns(postcode=pl.lit("01000"))
    frame = pl.DataFrame({"cp": ["1000"], "ville": ["Vannes"]})
    out = residences.resolve_residences(
        frame, "cp", "ville", postcodes=pcs.head(1), communes=gaz.communes()
    ).collect()
    assert out["residence_insee"].to_list() == ["56260"]


def test_an_insee_code_in_the_commune_column_is_exact():
    out = resolve([None], ["45234"])
    assert out["residence_insee"].to_list() == ["45234"]
    assert out["residence_resolution"].to_list() == ["exact"]


# Two communes nouvelles (public COG codes, rounded figures) and their former communes, plus a
# current commune called like another's former one.
_NOUVELLES = pl.DataFrame(
    [
        ("22219", "Plouguenast-Langast", "22", "53", 2_400, -2.70, 48.28, ["22150"]),
        ("27058", "Le Bec-Hellouin", "27", "28", 400, 0.72, 49.23, ["27800"]),
        ("27070", "Mesnil-en-Ouche", "27", "28", 4_700, 0.68, 49.00, ["27270", "27410"]),
        ("27999", "Fictiville-sur-Risle", "27", "28", 900, 0.70, 49.20, ["27800"]),
        ("27998", "Thevray", "27", "28", 300, 0.66, 49.01, ["27270"]),
        ("27016", "Les Andelys", "27", "28", 8_000, 1.41, 49.25, ["27700"]),
        ("45082", "Châteauneuf-sur-Loire", "45", "24", 8_000, 2.22, 47.86, ["45110"]),
        ("45997", "Fictif-sous-Bois", "45", "24", 800, 2.20, 47.85, ["45110"]),
    ],
    schema=gaz.communes().schema,
    orient="row",
)
_FORMER = pl.DataFrame(
    {
        "insee": ["22219", "22100", "27014", "27267", "27640", "27641", "27642", "56999"],
        "name": ["Plouguenast", "Langast", "Thevray", "La Roussière", "Landepéreuse",
                 "Épinay", "Épinay", "Ancienne-Commune"],
        "kind": ["COMD", "COMD", "COMD", "COMD", "COMD", "COMD", "COMD", "COMD"],
        "departement": ["22", "22", "27", "27", "27", "27", "27", "56"],
        "parent": ["22219", "22219", "27070", "27070", "27070", "27070", "27999", "56000"],
    }
)  # fmt: skip


def resolve_with_former(postcode: list[str | None], commune: list[str | None]) -> pl.DataFrame:
    """Resolve residences against the tiny gazetteer and two communes nouvelles."""
    communes = pl.concat([gaz.communes(), _NOUVELLES])
    postcodes = communes.explode("postcodes").select(
        pl.col("postcodes").alias("postcode"), "insee", "name", "departement", "population"
    )
    frame = pl.DataFrame(
        {"cp": postcode, "ville": commune}, schema={"cp": pl.String, "ville": pl.String}
    )
    return residences.resolve_residences(
        frame, "cp", "ville", postcodes=postcodes, communes=communes, former_communes=_FORMER
    ).collect()


def test_an_old_commune_name_resolves_to_todays_commune_flagged_former_name():
    out = resolve_with_former(
        ["22150", "22150", "22150", "27410"],
        ["PLOUGUENAST", "Langast", "Plouguenast-Langast", "LA ROUSSIERE"],
    )
    assert out["residence_insee"].to_list() == ["22219", "22219", "22219", "27070"]
    assert out["residence_resolution"].to_list() == [
        "former_name", "former_name", "postcode_name", "former_name",
    ]  # fmt: skip
    assert out["residence_departement"].to_list() == ["22", "22", "22", "27"]


def test_a_current_name_of_the_postcode_wins_over_a_homonymous_former_name():
    # Thevray is a commune déléguée of Mesnil-en-Ouche and, here, also a current commune of the
    # same postcode: the current commune is the one the name means today.
    out = resolve_with_former(["27270"], ["THEVRAY"])
    assert out.select("residence_insee", "residence_resolution").row(0) == (
        "27998",
        "postcode_name",
    )


def test_a_former_name_with_another_postcode_of_its_departement_needs_to_be_unique_there():
    # Landepéreuse is unique in the Eure: found even with Les Andelys' postcode. Two communes
    # of the Eure had an Épinay: without the right postcode, only the postcode is used.
    out = resolve_with_former(["27700", "27700", "27270", "27800"],
                              ["LANDEPEREUSE", "EPINAY", "EPINAY", "EPINAY"])  # fmt: skip
    assert out.select("residence_insee", "residence_resolution").rows() == [
        ("27070", "former_name"),
        ("27016", "postcode_only"),
        ("27070", "former_name"),
        ("27999", "former_name"),
    ]


def test_a_former_name_is_not_looked_for_in_another_departement_nor_in_unknown_communes():
    out = resolve_with_former(["56000", "35000", "56000"],
                              ["LANGAST", "LANGAST", "ANCIENNE COMMUNE"])  # fmt: skip
    assert out.select("residence_insee", "residence_resolution").rows() == [
        ("56260", "postcode_only"),
        ("35238", "postcode_only"),
        ("56260", "postcode_only"),
    ]


def test_la_poste_abbreviations_and_bracketed_articles_are_read():
    out = resolve_with_former(
        ["45110", "45110", "45110", "27700", "27700", "27700", "22000", "45110", "22150"],
        ["CHATEAUNEUF S LOIRE", "FICTIF SS BOIS", "Fictif s/s Bois", "ANDELYS (LES)",
         "LES ANDELYS", "andelys", "ST BRIEUC CEDEX 1", "Châteauneuf s/ Loire Cedex",
         "PLOUGUENAST LANGAST COMMUNE NOUVELLE"],
    )  # fmt: skip
    assert out["residence_insee"].to_list() == [
        "45082", "45997", "45997", "27016", "27016", "27016", "22278", "45082", "22219",
    ]  # fmt: skip
    assert set(out["residence_resolution"]) == {"postcode_name"}


def test_an_abbreviation_is_a_whole_word_only():
    # "S" alone is "sur", but not the s of a word, nor "SS" inside one.
    keys = pl.select(
        gazetteer.commune_name_key(pl.Series(["SOISY S SEINE", "BASSE", "ST S", "Lez"]))
    ).to_series()
    assert keys.to_list() == ["soisysurseine", "basse", "saintsur", "les"]


def test_an_unknown_postcode_and_name_is_not_found_and_has_no_place():
    out = resolve(["99999", None], ["Nulle-Part", None])
    assert out["residence_resolution"].to_list() == ["not_found", "not_found"]
    assert out["residence_insee"].to_list() == [None, None]


def _tiny_safe() -> pl.DataFrame:
    raw = pl.DataFrame(
        {
            "nir": ["", "", "", ""],
            "nom": ["Kerimaginaire", "Exemplar", "Fictivus", "Testeur"],
            "prenom": ["A", "B", "C", "D"],
            "ddn": ["01/01/1980"] * 4,
            "cp": ["56000", "56400", "35000", "99999"],
            "ville": ["Vannes", "Brehc", "Rennes", ""],
            "labo": ["Labo Fictif de Vannes"] * 4,
            "prelev": ["01/06/2019"] * 4,
        }
    )
    mapping = {
        "nir": "nir",
        "nom": "surname",
        "prenom": "first_name",
        "ddn": "birth_date",
        "cp": "postcode",
        "ville": "commune",
        "labo": "lab",
        "prelev": "sample_date",
    }
    return ps.pseudonymise(
        raw, mapping, bytes(32), postcodes=gaz.postcodes(), communes=gaz.communes()
    ).collect()


def test_resolution_rates_count_every_status_including_zero():
    rates = exposure.resolution_rates(_tiny_safe())
    assert rates.select("resolution", "records").rows() == [
        ("exact", 0),
        ("postcode_name", 2),
        ("former_name", 0),
        ("postcode_only", 1),
        ("not_found", 1),
    ]
    assert rates["share"].sum() == pytest.approx(1.0)


def test_resolution_rates_refuse_a_raw_frame():
    with pytest.raises(BoundaryError):
        exposure.resolution_rates(pl.DataFrame({"surname": ["Kerimaginaire"]}))


# --- labs ---------------------------------------------------------------------------------------


def test_lab_code_is_folded_and_hyphenated():
    out = pl.select(safe_table.lab_code(pl.lit("  Laboratoire d'Analyses Médicales (Fictif) ")))
    assert out.item() == "laboratoire-d-analyses-medicales-fictif"


def test_a_lab_registry_is_read_whatever_its_header_language_and_geocoded_offline(tmp_path):
    path = tmp_path / "labs.csv"
    path.write_text(
        "nom;adresse;code_postal;ville\n"
        "Labo Fictif de Vannes;1 rue Imaginaire;56000;Vannes\n"
        "Labo Fictif d'Auray;2 place Imaginaire;56400;AURAY\n"
        "Labo Fictif Inconnu;;99999;Nulle-Part\n",
        encoding="cp1252",
    )
    registry = read_lab_registry(path)
    located = geocode_labs(registry, postcodes=gaz.postcodes(), communes=gaz.communes())
    assert located.select("lab", "insee", "departement", "resolution").rows() == [
        ("labo-fictif-de-vannes", "56260", "56", "postcode_name"),
        ("labo-fictif-d-auray", "56007", "56", "postcode_name"),
        ("labo-fictif-inconnu", None, None, "not_found"),
    ]
    assert located["lon"].to_list()[:2] == [-2.76, -2.99]
    assert located["precision"].to_list() == ["commune", "commune", None]


def test_a_registry_without_a_name_or_code_column_is_refused(tmp_path):
    path = tmp_path / "labs.csv"
    path.write_text("adresse;ville\n1 rue Imaginaire;Vannes\n")
    with pytest.raises(InputError, match="no name or code column"):
        read_lab_registry(path)


def _finess_line(nofinesset: str, name: str, commune: str, dep: str, acheminement: str, cat: str):
    fields = [""] * 32
    fields[0] = "structureet"
    fields[1], fields[2], fields[3] = nofinesset, "560000000", name
    fields[7], fields[8], fields[9] = "1", "R", "IMAGINAIRE"
    fields[12], fields[13], fields[15] = commune, dep, acheminement
    fields[18], fields[19] = cat, "Laboratoire de Biologie Médicale" if cat == "611" else "Autre"
    return ";".join(fields)


def test_the_finess_extract_is_read_filtered_to_labs_and_reprojected(tmp_path):
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    x, y = to_l93.transform(-2.76, 47.66)
    lines = [
        "finess;etalab;96;2026-03-11",
        _finess_line("560000011", "LBM FICTIF DE VANNES", "260", "56", "56000 VANNES CEDEX", "611"),
        _finess_line("350000022", "CLINIQUE FICTIVE", "238", "35", "35000 RENNES", "365"),
        _finess_line("560000033", "LBM FICTIF SANS POINT", "007", "56", "56400 AURAY", "611"),
        f"geolocalisation;560000011;{x:.1f};{y:.1f};{L93_2026};2026-03-01",
        f"geolocalisation;350000022;{x:.1f};{y:.1f};{L93_2026};2026-03-01",
    ]
    path = tmp_path / "etalab-cs1100507-stock.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    labs = read_finess(path)
    assert labs.select("finess", "name", "postcode", "commune", "insee", "category").rows() == [
        ("560000011", "LBM FICTIF DE VANNES", "56000", "VANNES", "56260", "611"),
        ("560000033", "LBM FICTIF SANS POINT", "56400", "AURAY", "56007", "611"),
    ]
    assert labs["lon"][0] == pytest.approx(-2.76, abs=1e-5)
    assert labs["lat"][0] == pytest.approx(47.66, abs=1e-5)
    assert labs["lon"][1] is None


def test_finess_labs_geocode_exactly_and_keep_their_own_coordinates(tmp_path):
    path = tmp_path / "finess.csv"
    path.write_bytes(
        (
            "finess;etalab;96;2026-03-11\n"
            + _finess_line("560000033", "LBM FICTIF", "007", "56", "56400 AURAY", "611")
            + "\ngeolocalisation;560000033;250000.0;6750000.0;1,X,1,IGN,BD,V2,LAMBERT_93;2026\n"
        ).encode("latin-1")
    )
    located = geocode_labs(
        read_finess(path), postcodes=gaz.postcodes(), communes=gaz.communes()
    )
    assert located.select("insee", "resolution", "precision").row(0) == ("56007", "exact", "source")


# How each era's extract names the coordinate system of a geolocalisation line.
L93_2026 = "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"
_SYSTEMS_2026 = {
    2154: L93_2026,
    5490: "1,ATLASANTE,96,BAN,EPSG:5490 RGAF09 / UTM zone 20N (Guadeloupe, Martinique)",
    2972: "1,ATLASANTE,96,BAN,EPSG:2972 RGFG95 / UTM zone 22N (Guyane)",
    2975: "1,ATLASANTE,96,BAN,EPSG:2975 RGR92 / UTM zone 40S (La Réunion)",
    4471: "1,ATLASANTE,96,BAN,EPSG:4471 RGM04 / UTM zone 38S (Mayotte)",
}
_SYSTEMS_2021 = {
    2154: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93",
    5490: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20",
    2972: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N22",
    2975: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S40",
    4471: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S38",
}
# finess, name, commune (FINESS: 3 digits), département (FINESS: 9A..9F overseas), acheminement,
# expected INSEE code, lon, lat, EPSG of its projected coordinates. Fictional labs, real places.
_LABS = [
    ("560000011", "LBM FICTIF DU GOLFE", "260", "56", "56000 VANNES", "56260", -2.76, 47.66, 2154),
    ("350000029", "LBM FICTIF DE BRETAGNE", "238", "35", "35000 RENNES CEDEX 7", "35238",
     -1.68, 48.11, 2154),
    ("2A0000013", "LBM FICTIF D'AJACCIO", "004", "2A", "20000 AJACCIO", "2A004", 8.74, 41.93, 2154),
    ("970100018", "LBM FICTIF DES ILES", "120", "9A", "97110 POINTE A PITRE", "97120",
     -61.53, 16.24, 5490),
    ("970200016", "LBM FICTIF DU LAMENTIN", "213", "9B", "97232 LE LAMENTIN", "97213",
     -61.00, 14.61, 5490),
    ("970300014", "LBM FICTIF DE CAYENNE", "302", "9C", "97300 CAYENNE", "97302",
     -52.33, 4.93, 2972),
    ("970400012", "LBM FICTIF DE L'OCEAN INDIEN", "411", "9D", "97400 ST DENIS", "97411",
     55.45, -20.88, 2975),
    ("970500010", "LBM FICTIF DE MAMOUDZOU", "611", "9F", "97600 MAMOUDZOU", "97611",
     45.23, -12.78, 4471),
]  # fmt: skip


def _extract(
    header: str, systems: dict[int, str], labs=_LABS, extra: tuple[str, ...] = ()
) -> bytes:
    """A FINESS etalab extract (latin-1) with a structure and a geolocalisation line per lab."""
    lines = [header]
    for finess, name, commune, dep, acheminement, *_ in labs:
        lines.append(_finess_line(finess, name, commune, dep, acheminement, "611"))
    lines.append(_finess_line("560000999", "CLINIQUE FICTIVE", "260", "56", "56000 VANNES", "365"))
    for finess, *_, lon, lat, epsg in labs:
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
        lines.append(f"geolocalisation;{finess};{x:.1f};{y:.1f};{systems[epsg]};2026-02-27")
    lines.extend(extra)
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


@pytest.mark.parametrize(
    ("era", "header", "systems"),
    [
        ("2026", "finess;etalab;96;2026-03-11", _SYSTEMS_2026),
        ("2021", "finess;etalab;83;2021-02-15", _SYSTEMS_2021),
    ],
)
def test_every_lab_of_a_finess_extract_is_located_whatever_its_era(
    tmp_path, era, header, systems
):
    path = tmp_path / f"etalab-cs1100507-stock-{era}.csv"
    path.write_bytes(_extract(header, systems))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every system is understood: nothing to warn about
        labs = read_finess(path)
    assert labs["finess"].to_list() == sorted(lab[0] for lab in _LABS)
    by_finess = {row["finess"]: row for row in labs.iter_rows(named=True)}
    for finess, _name, _c, _d, _a, insee, lon, lat, epsg in _LABS:
        row = by_finess[finess]
        # Rounded to 0.1 m in the file: the point is back within 1e-5 degree (about a metre).
        assert row["lon"] == pytest.approx(lon, abs=1e-5), finess
        assert row["lat"] == pytest.approx(lat, abs=1e-5), finess
        assert row["insee"] == insee
        assert row["coordinate_system"] == f"EPSG:{epsg}"
    located = geocode_labs(labs)
    assert located["precision"].to_list() == ["source"] * len(_LABS)
    assert located["lab"].to_list() == labs["finess"].to_list()


def test_finess_coordinates_match_pyproj_exactly(tmp_path):
    path = tmp_path / "finess.csv"
    path.write_bytes(_extract("finess;etalab;96;2026-03-11", _SYSTEMS_2026))
    labs = read_finess(path)
    for finess, *_, lon, lat, epsg in _LABS:
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
        expected = Transformer.from_crs(epsg, 4326, always_xy=True).transform(
            round(x, 1), round(y, 1)
        )
        row = labs.filter(pl.col("finess") == finess).row(0, named=True)
        assert (row["lon"], row["lat"]) == pytest.approx(expected, abs=1e-9)


def test_a_finess_extract_re_saved_as_utf8_with_a_bom_is_still_one(tmp_path):
    path = tmp_path / "finess-utf8.csv"
    text = _extract("finess;etalab;96;2026-03-11", _SYSTEMS_2026).decode("latin-1")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    located, info = locate_labs(path)
    assert info["registry_labs"] == len(_LABS) == info["located"]
    assert info["unknown_coordinate_systems"] == {}
    assert "LBM FICTIF DE L'OCEAN INDIEN" in set(located["name"])


def test_an_unknown_coordinate_system_is_counted_and_reported_never_guessed(tmp_path):
    unknown = [
        "geolocalisation;560000011;250000.0;6750000.0;1,ATLASANTE,96,BAN,GAUSS_LABORDE;2026",
        "geolocalisation;350000029;250000.0;6750000.0;1,ATLASANTE,96,BAN,EPSG:999999 Nulle;2026",
    ]
    labs = _LABS[:2]
    content = _extract("finess;etalab;96;2026-03-11", _SYSTEMS_2026, labs=[], extra=tuple(unknown))
    content = content.replace(
        b"finess;etalab;96;2026-03-11\r\n",
        b"finess;etalab;96;2026-03-11\r\n"
        + "\r\n".join(_finess_line(f, n, c, d, a, "611") for f, n, c, d, a, *_ in labs).encode()
        + b"\r\n",
    )
    path = tmp_path / "finess.csv"
    path.write_bytes(content)
    with pytest.warns(FinessWarning, match=r"2 lab\(s\).*unknown coordinate system") as caught:
        out = read_finess(path)
    message = str(caught[0].message)
    assert "GAUSS_LABORDE (1)" in message and "EPSG:999999 (1)" in message
    assert out["lon"].to_list() == [None, None]
    assert out["coordinate_system"].to_list() == ["EPSG:999999", "GAUSS_LABORDE"]  # by FINESS
    with pytest.warns(FinessWarning):
        _located, info = locate_labs(path)
    assert info["unknown_coordinate_systems"] == {"EPSG:999999": 1, "GAUSS_LABORDE": 1}


def test_a_file_without_structure_lines_is_not_a_finess_extract(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a;b\n1;2\n")
    with pytest.raises(InputError, match="not a FINESS extract"):
        read_finess(path)


# --- the online geocoder, against a local fake server ------------------------------------------


class _FakeAddressBase(http.server.BaseHTTPRequestHandler):
    """Answers ``/search/csv/`` like the national address base: input rows + result columns."""

    received: list[bytes] = []
    paths: list[str] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(body)
        type(self).paths.append(self.path)
        csv_part = body.split(b"\r\n\r\n", 4)[-1].split(b"\r\n--", 1)[0].decode()
        rows = csv_part.strip().splitlines()
        out = [rows[0] + ",latitude,longitude,result_score,result_citycode"]
        for row in rows[1:]:
            score = "0.2" if "Inconnue" in row else "0.93"
            out.append(f"{row},47.6559,-2.7603,{score},56260")
        payload = ("\n".join(out) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _FakeAddressBase.received = []
    _FakeAddressBase.paths = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeAddressBase)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


LABS = pl.DataFrame(
    {
        "name": ["Labo Fictif de Vannes", "Labo Fictif Perdu"],
        "address": ["1 rue Imaginaire", "3 rue Inconnue"],
        "postcode": ["56000", "56000"],
        "commune": ["Vannes", "Vannes"],
    }
)


def test_the_online_geocoder_refines_labs_to_the_street_when_confident(fake_server, tmp_path):
    online = AddressGeocoder(fake_server, tmp_path / "cache.json")
    located = geocode_labs(
        LABS, online=online, postcodes=gaz.postcodes(), communes=gaz.communes()
    )
    assert located.select("lon", "lat", "precision").rows() == [
        (-2.7603, 47.6559, "street"),
        (-2.76, 47.66, "commune"),
    ]
    assert _FakeAddressBase.paths == ["/search/csv/"]
    assert b"1 rue Imaginaire" in _FakeAddressBase.received[0]


def test_the_online_geocoder_answers_a_second_time_from_its_cache(fake_server, tmp_path):
    cache = tmp_path / "cache.json"
    AddressGeocoder(fake_server, cache).geocode(LABS.with_columns(lab=pl.col("name")))
    again = AddressGeocoder("http://127.0.0.1:9", cache)  # nothing listens there
    out = again.geocode(LABS.with_columns(lab=pl.col("name")))
    assert again.requests_made == 0
    assert out["street_lon"].to_list() == [-2.7603, None]
    assert len(json.loads(cache.read_text())) == 2


def test_an_unreachable_geocoder_is_one_clear_error(tmp_path):
    online = AddressGeocoder("http://127.0.0.1:9", tmp_path / "cache.json", timeout=2)
    with pytest.raises(ToolkitError, match="did not answer"):
        online.geocode(LABS.with_columns(lab=pl.col("name")))


# --- distances ----------------------------------------------------------------------------------


def test_haversine_gives_the_great_circle_distance():
    # Paris (2.3522, 48.8566) to Rennes (-1.6778, 48.1173): about 308 km.
    d = pl.select(
        distances.haversine_km(pl.lit(2.3522), pl.lit(48.8566), pl.lit(-1.6778), pl.lit(48.1173))
    )
    assert d.item() == pytest.approx(308.6, abs=1.0)


def test_distance_summary_per_lab_counts_located_persons_and_shares_within_bands():
    labs = pl.DataFrame({"lab": ["labo-fictif-de-vannes"], "lon": [-2.76], "lat": [47.66]})
    summary = distances.distance_summary(_tiny_safe(), labs, communes=gaz.communes())
    summary = summary.row(0, named=True)
    assert summary["persons"] == 4 and summary["located"] == 3
    # Vannes 0 km, Auray ~17 km, Rennes ~100 km.
    assert summary["median_km"] == pytest.approx(17.3, abs=0.5)
    assert summary["share_within_10km"] == pytest.approx(1 / 3)
    assert summary["share_within_20km"] == pytest.approx(2 / 3)
    assert summary["share_within_50km"] == pytest.approx(2 / 3)


# --- distances at scale: 128-bit person ids and one ordering integer per record (issue #7) -----

LAB_POINTS = pl.DataFrame(
    {"lab": ["lbm-vannes", "lbm-rennes"], "lon": [-2.76, -1.68], "lat": [47.66, 48.11]}
)


def _safe(rows: list[tuple[str, str, dt.date | None, str | None]]) -> pl.DataFrame:
    """A safe table from ``(person_id, lab, sample_month, residence_insee)`` rows."""
    frame = pl.DataFrame(
        rows,
        schema={"person_id": pl.String, "lab": pl.String, "sample_month": pl.Date,
                "residence_insee": pl.String},
        orient="row",
    )  # fmt: skip
    columns = safe_table.SAFE_COLUMNS
    nulls = {c: pl.lit(None, t) for c, t in columns.items() if c not in frame.columns}
    return safe_table.validate_safe_table(frame.with_columns(**nulls).select(list(columns)))


def _distances(safe: pl.DataFrame, **options) -> pl.DataFrame:
    out = distances.residence_lab_distances(safe, LAB_POINTS, communes=gaz.communes(), **options)
    return out.collect().with_columns(pl.col("distance_km").round(1)).sort("person_id", "lab")


def test_distances_use_the_home_of_each_persons_latest_sample_at_each_lab():
    a, b, c = "0" * 31 + "a", "f" * 32, "1234abcd" * 4
    safe = _safe([
        (a, "lbm-vannes", dt.date(2019, 1, 1), "35238"),  # Rennes, earlier
        (a, "lbm-vannes", dt.date(2019, 6, 1), "56260"),  # Vannes, latest: kept
        (a, "lbm-rennes", dt.date(2018, 3, 1), "56260"),
        (b, "lbm-vannes", None, "35238"),  # no month: the oldest
        (b, "lbm-vannes", dt.date(2019, 6, 1), "56007"),  # Auray, first of the latest month: kept
        (b, "lbm-vannes", dt.date(2019, 6, 1), "35238"),
        (c, "lbm-vannes", None, None),  # residence not located
        (c, "lbm-autre", dt.date(2020, 1, 1), "56260"),  # lab not located
    ])  # fmt: skip
    assert _distances(safe).rows() == [
        ("0" * 31 + "a", "lbm-rennes", 94.8),  # Vannes - Rennes
        ("0" * 31 + "a", "lbm-vannes", 0.0),
        ("1234abcd" * 4, "lbm-autre", None),
        ("1234abcd" * 4, "lbm-vannes", None),
        ("f" * 32, "lbm-vannes", 17.3),  # Auray - Vannes
    ]


def test_per_person_distances_keep_one_row_per_person_at_the_lab_of_their_latest_sample():
    a, b = "0" * 31 + "a", "f" * 32
    safe = _safe([
        (a, "lbm-rennes", dt.date(2019, 6, 1), "56260"),  # Vannes -> Rennes, latest: kept
        (a, "lbm-vannes", dt.date(2019, 1, 1), "56260"),  # nearer, but earlier
        (b, "lbm-vannes", dt.date(2020, 1, 1), "56007"),  # Auray -> Vannes, latest: kept
        (b, "lbm-rennes", None, "35238"),  # no month: the oldest
    ])  # fmt: skip
    assert _distances(safe, per_person=True).rows() == [
        ("0" * 31 + "a", "lbm-rennes", 94.8),
        ("f" * 32, "lbm-vannes", 17.3),
    ]


def test_per_person_distances_equal_a_stable_sort_then_unique_on_the_person():
    safe = _many_records()
    latest = (
        safe.sort("sample_month", descending=True, nulls_last=True, maintain_order=True)
        .unique("person_id", keep="first", maintain_order=True)
    )
    assert_frame_equal(_distances(safe, per_person=True), _distances(latest))


def _many_records(n: int = 3_000) -> pl.DataFrame:
    """Many records of few persons, labs, months and homes: ties and repeats everywhere."""
    rng = random.Random(7)
    ids = [f"{rng.getrandbits(128):032x}" for _ in range(300)]
    months = [None, dt.date(2018, 1, 1), dt.date(2019, 5, 1), dt.date(2019, 6, 1)]
    homes = [None, "56260", "56007", "35238", "99999", "45234"]
    return _safe([
        (rng.choice(ids), rng.choice(["lbm-vannes", "lbm-rennes", "lbm-autre"]),
         rng.choice(months), rng.choice(homes))
        for _ in range(n)
    ])  # fmt: skip


def test_distances_equal_a_stable_sort_then_unique_on_the_hex_ids():
    safe = _many_records()
    homes = gaz.communes().lazy().select(
        pl.col("insee").alias("residence_insee"), pl.col("lon").alias("_hlon"),
        pl.col("lat").alias("_hlat"),
    )  # fmt: skip
    labs = LAB_POINTS.lazy().select(
        "lab", pl.col("lon").alias("_llon"), pl.col("lat").alias("_llat")
    )
    expected = (
        safe.lazy()
        .sort("sample_month", descending=True, nulls_last=True, maintain_order=True)
        .unique(["person_id", "lab"], keep="first", maintain_order=True)
        .join(homes, on="residence_insee", how="left")
        .join(labs, on="lab", how="left")
        .select("person_id", "lab", distance_km=distances.haversine_km(
            pl.col("_hlon"), pl.col("_hlat"), pl.col("_llon"), pl.col("_llat")))
        .with_columns(pl.col("distance_km").round(1))
        .sort("person_id", "lab")
        .collect()
    )  # fmt: skip
    assert expected.height > 500
    assert_frame_equal(_distances(safe), expected)


def test_compact_distances_give_the_same_persons_as_128_bit_integers():
    safe = _many_records()
    compact = _distances(safe, compact=True)
    assert compact["person_id"].dtype == pl.UInt128
    from_hex = safe_table.compact_person_ids(_distances(safe).lazy()).collect()
    assert_frame_equal(from_hex.sort("person_id", "lab"), compact)


# --- lab names ----------------------------------------------------------------------------------


def labels_of(names: list[str | None], insee: list[str | None]) -> dict[str, str]:
    labs = pl.DataFrame(
        {"lab": [f"lab{i}" for i in range(len(names))], "name": names, "insee": insee},
        schema={"lab": pl.String, "name": pl.String, "insee": pl.String},
    )
    communes = pl.DataFrame({"insee": ["56260", "56121"], "name": ["Vannes", "Lorient"]})
    return dict(lab_labels(labs, communes).iter_rows())


def test_a_lab_is_labelled_by_its_name():
    assert labels_of(["Laboratoire Biogolfe"], ["56260"]) == {"lab0": "Laboratoire Biogolfe"}


def test_a_lab_without_a_name_keeps_its_code():
    assert labels_of([None], ["56260"]) == {"lab0": "lab0"}


def test_labs_sharing_a_name_are_told_apart_by_their_commune():
    labels = labels_of(["BIO 17", "BIO 17", "Solo"], ["56260", "56121", "56260"])
    assert labels == {"lab0": "BIO 17 (Vannes)", "lab1": "BIO 17 (Lorient)", "lab2": "Solo"}


def test_labs_sharing_a_name_and_a_commune_still_get_distinct_labels():
    labels = labels_of(["BIO 17", "BIO 17"], ["56260", "56260"])
    assert len(set(labels.values())) == 2
    assert all(label.startswith("BIO 17 (Vannes)") for label in labels.values())


def test_aliases_of_one_lab_share_its_label():
    labs = pl.DataFrame({"lab": ["lbm5601", "009560012"], "name": ["BIO 17", "BIO 17"],
                         "insee": ["56260", "56260"], "key": ["009560012", "009560012"]})
    assert set(lab_labels(labs)["label"]) == {"BIO 17"}
