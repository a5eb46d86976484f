"""Geolocation: residences to communes, labs from registries and FINESS, the online geocoder."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import random
import threading

import _tiny_gazetteer as gaz
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyproj import Transformer

from toolkit.boundary import pseudonymise as ps
from toolkit.boundary import residences, safe_table
from toolkit.safe import distances, exposure
from toolkit.safe.labs import AddressGeocoder, geocode_labs, read_finess, read_lab_registry
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
        f"geolocalisation;560000011;{x:.1f};{y:.1f};1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2026-03-01",
        f"geolocalisation;350000022;{x:.1f};{y:.1f};1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2026-03-01",
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
