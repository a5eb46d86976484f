"""Exposure aggregates: each one a documented count over a tiny hand-written safe table."""

from __future__ import annotations

import datetime as dt

import _tiny_gazetteer as gaz
import polars as pl
import pytest

from toolkit.boundary.safe_table import SAFE_COLUMNS
from toolkit.safe import distances, exposure
from toolkit.safe import exposure as ex
from toolkit.safe.labs import geocode_labs, read_lab_registry
from toolkit.shared.errors import BoundaryError

P1, P2, P3 = "1" * 32, "2" * 32, "3" * 32


def safe_table(*records: dict) -> pl.DataFrame:
    """A safe table from partial records: unnamed flags are False, unnamed fields null."""
    flags = ["exposed_nir", "exposed_phone_mobile", "exposed_email", "exposed_password",
             "exposed_comment", "mention_pregnancy", "mention_hiv", "mention_baby"]
    rows = [{**dict.fromkeys(SAFE_COLUMNS), **dict.fromkeys(flags, False), **r} for r in records]
    schema = {**SAFE_COLUMNS, **dict.fromkeys(flags, pl.Boolean())}
    return pl.DataFrame(rows, schema=schema)


def month(y: int, m: int) -> dt.date:
    """The first day of a month."""
    return dt.date(y, m, 1)


# Person 1: two samples at two labs, moved from Vannes to Auray; person 2 once; person 3 twice.
# Persons 1 and 2 have a health mention in a comment; person 3's comment only says "bébé".
SAFE = safe_table(
    dict(person_id=P1, lab="lab-a", sample_month=month(2018, 6), age_band="35-39", sex="F",
         residence_insee="56260", residence_departement="56", residence_region="53",
         residence_resolution="postcode_name", exposed_nir=True, exposed_comment=True,
         mention_pregnancy=True),
    dict(person_id=P1, lab="lab-b", sample_month=month(2019, 2), age_band="40-44", sex="F",
         residence_insee="56007", residence_departement="56", residence_region="53",
         residence_resolution="postcode_only", exposed_nir=True, exposed_phone_mobile=True),
    dict(person_id=P2, lab="lab-a", sample_month=month(2019, 2), age_band="65-69", sex="M",
         residence_insee="35238", residence_departement="35", residence_region="53",
         residence_resolution="postcode_name", exposed_nir=True, exposed_email=True,
         exposed_comment=True, mention_hiv=True),
    dict(person_id=P3, lab="lab-a", sample_month=month(2019, 3), age_band="00-04", sex="M",
         residence_resolution="not_found", exposed_comment=True, mention_baby=True),
    dict(person_id=P3, lab="lab-a", sample_month=month(2019, 3), age_band="00-04", sex="M",
         residence_resolution="not_found", exposed_password=True),
)  # fmt: skip


def test_records_by_month_counts_records_and_distinct_persons():
    assert ex.records_by_month(SAFE).rows() == [
        (month(2018, 6), 1, 1),
        (month(2019, 2), 2, 2),
        (month(2019, 3), 2, 1),
    ]


def test_records_by_month_and_lab():
    assert ex.records_by_month(SAFE, by="lab").rows() == [
        (month(2018, 6), "lab-a", 1, 1),
        (month(2019, 2), "lab-a", 1, 1),
        (month(2019, 2), "lab-b", 1, 1),
        (month(2019, 3), "lab-a", 2, 1),
    ]


def test_records_by_month_and_departement_of_residence():
    table = ex.records_by_month(SAFE, by="departement")
    assert table.columns == ["month", "departement", "records", "persons"]
    assert table.filter(pl.col("month") == month(2019, 2))["departement"].to_list() == ["35", "56"]


def test_lab_windows_give_first_and_last_sample_records_and_persons():
    assert ex.lab_windows(SAFE).rows() == [
        ("lab-a", month(2018, 6), month(2019, 3), 4, 3),
        ("lab-b", month(2019, 2), month(2019, 2), 1, 1),
    ]


def test_persons_by_departement_use_the_latest_residence_and_population():
    table = ex.persons_by_departement(SAFE, departements=gaz.departements())
    assert table.select("departement", "departement_name", "persons").rows() == [
        ("35", "Ille-et-Vilaine", 1),
        ("56", "Morbihan", 1),
        (None, None, 1),
    ]
    assert table["population_share"][1] == pytest.approx(1 / 760_000)


def test_persons_by_commune_count_each_person_once_at_their_latest_commune():
    table = ex.persons_by_commune(SAFE, communes=gaz.communes())
    assert table.select("insee", "commune_name", "departement", "persons").rows() == [
        ("35238", "Rennes", "35", 1),
        ("56007", "Auray", "56", 1),
        (None, None, None, 1),
    ]


def test_category_exposure_counts_persons_exposed_on_any_record():
    assert ex.category_exposure(SAFE).rows() == [
        ("nir", 2, pytest.approx(2 / 3)),
        ("phone_mobile", 1, pytest.approx(1 / 3)),
        ("email", 1, pytest.approx(1 / 3)),
        ("password", 1, pytest.approx(1 / 3)),
        ("comment", 3, 1.0),
        ("health_mention", 2, pytest.approx(2 / 3)),
    ]


def test_a_comment_that_only_says_baby_is_not_counted_as_health_data():
    only_baby = SAFE.filter(pl.col("person_id") == P3)
    table = dict(ex.category_exposure(only_baby).select("category", "persons").rows())
    assert table["comment"] == 1
    assert table["health_mention"] == 0


def test_a_comment_with_a_pregnancy_is_counted_as_health_data():
    pregnant = SAFE.filter(pl.col("person_id") == P1)
    table = dict(ex.category_exposure(pregnant).select("category", "persons").rows())
    assert table["health_mention"] == 1


def test_without_comments_no_health_mention_category_is_listed():
    table = ex.category_exposure(SAFE.drop("exposed_comment"))
    assert "health_mention" not in table["category"].to_list()


def test_category_by_year_shares_are_of_the_persons_seen_that_year():
    table = ex.category_by_year(SAFE).filter(pl.col("category") == "nir")
    assert table.rows() == [("nir", 2018, 1, 1.0), ("nir", 2019, 2, pytest.approx(2 / 3))]


def test_category_by_year_counts_comments_with_a_health_mention_per_year():
    table = ex.category_by_year(SAFE).filter(pl.col("category") == "health_mention")
    assert table.select("year", "persons").rows() == [(2018, 1), (2019, 1)]


def test_co_exposure_ranks_combinations_of_categories_per_person():
    table = ex.co_exposure(SAFE)
    assert table.rows() == [
        ("nir+email+health_mention", 3, 1, 1),
        ("nir+phone_mobile+health_mention", 3, 1, 2),
        ("password", 1, 1, 3),  # person 3's "bébé" is no health mention
    ]


def test_co_exposure_can_keep_only_the_top_combinations():
    assert ex.co_exposure(SAFE, top=1, categories=["nir"]).rows() == [("nir", 1, 2, 1)]


def test_health_mentions_list_every_kind_present_in_the_lexicon_order():
    assert ex.health_mentions(SAFE).rows() == [
        ("health_mention", 2), ("pregnancy", 1), ("hiv", 1), ("baby", 1)
    ]


def test_persons_with_a_health_mention_leave_out_child_and_baby_mentions():
    only_baby = SAFE.filter(pl.col("person_id") == P3)
    assert dict(ex.health_mentions(only_baby).rows()) == {
        "health_mention": 0, "pregnancy": 0, "hiv": 0, "baby": 1
    }


def test_health_mentions_keep_kinds_nobody_has_with_a_zero():
    table = ex.health_mentions(SAFE.with_columns(mention_cancer=pl.lit(False)))
    assert table.filter(pl.col("mention") == "cancer")["persons"].to_list() == [0]


def test_health_mentions_by_lab_and_by_year():
    assert ex.health_mentions(SAFE, by="lab").rows() == [
        ("health_mention", "lab-a", 2),
        ("pregnancy", "lab-a", 1),
        ("hiv", "lab-a", 1),
        ("baby", "lab-a", 1),
    ]
    assert ex.health_mentions(SAFE, by="year").rows() == [
        ("health_mention", 2018, 1),
        ("health_mention", 2019, 1),
        ("pregnancy", 2018, 1),
        ("hiv", 2019, 1),
        ("baby", 2019, 1),
    ]


def test_age_sex_pyramid_uses_each_persons_latest_age_band():
    assert ex.age_sex_pyramid(SAFE).rows() == [
        ("00-04", "M", 1),
        ("40-44", "F", 1),
        ("65-69", "M", 1),
    ]


def test_distance_bands_count_each_person_once_at_the_lab_of_their_latest_sample():
    labs = pl.DataFrame({"lab": ["lab-a", "lab-b"], "lon": [-2.76, -2.76], "lat": [47.66, 47.66]})
    assert ex.distance_bands(SAFE, labs, communes=gaz.communes()).rows() == [
        ("0-10 km", 0),  # person 1's earlier sample (lab-a, from Vannes) does not count
        ("10-20 km", 1),  # person 1's latest sample: lab-b, from Auray
        ("20-50 km", 0),
        ("50+ km", 1),  # person 2, from Rennes
        ("unknown", 1),  # person 3, residence not found
    ]



@pytest.mark.parametrize(
    "aggregate",
    [
        ex.records_by_month,
        ex.lab_windows,
        ex.category_exposure,
        ex.category_by_year,
        ex.co_exposure,
        ex.health_mentions,
        ex.age_sex_pyramid,
        lambda f: ex.persons_by_departement(f, departements=gaz.departements()),
        lambda f: ex.persons_by_commune(f, communes=gaz.communes()),
        lambda f: ex.distance_bands(f, pl.DataFrame({"lab": [], "lon": [], "lat": []})),
    ],
)
def test_every_aggregate_refuses_a_frame_with_a_personal_data_column(aggregate):
    with pytest.raises(BoundaryError):
        aggregate(SAFE.with_columns(surname=pl.lit("Kerfictif")))


# --- on the synthetic leak: every aggregate matches the truth file ------------------------------

SYNTH_ROWS = 20_000
SCANNED_CATEGORIES = {
    "surname", "birth_name", "first_name", "nir", "address", "phone_landline", "phone_mobile",
    "email", "login", "password", "comment",
}  # fmt: skip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A 20,000-row synthetic leak, its truth, its raw frame and its safe table."""
    from toolkit.boundary import pseudonymise as ps
    from toolkit.raw import ingest, synth

    path = tmp_path_factory.mktemp("synth") / "leak.csv"
    result = synth.write_synthetic_leak(path, rows=SYNTH_ROWS, progress=False)
    ingested = ingest.read_leak(path, interim_dir=path.parent / "interim")
    safe = ps.pseudonymise(ingested, synth.COLUMN_CATEGORIES, bytes(range(32))).collect()
    return {"result": result, "truth": result.truth, "raw": ingested.frame.collect(), "safe": safe}


def test_synthetic_persons_after_pseudonymisation_equal_the_truth(synthetic):
    persons = synthetic["safe"]["person_id"].n_unique()
    assert persons == synthetic["truth"]["duplicates"]["distinct_persons"]


def test_synthetic_lab_windows_records_and_persons_equal_the_truth(synthetic):
    def first_of_month(day: str) -> dt.date:
        return dt.date.fromisoformat(day).replace(day=1)

    expected = sorted(
        (code.lower(), first_of_month(lab["first_sample"]), first_of_month(lab["last_sample"]),
         lab["rows"], lab["persons"])
        for code, lab in synthetic["truth"]["labs"].items()
    )  # fmt: skip
    assert ex.lab_windows(synthetic["safe"]).rows() == expected


def test_synthetic_persons_by_departement_equal_the_truth(synthetic):
    table = ex.persons_by_departement(synthetic["safe"])
    assert dict(table.select("departement", "persons").rows()) == {
        dep: n for dep, n in synthetic["truth"]["residence_departement"]["persons"].items()
    }
    assert table["population"].null_count() == 0


def test_synthetic_records_exposed_per_category_equal_the_truth(synthetic):
    safe, truth = synthetic["safe"], synthetic["truth"]["filled"]["by_category"]
    assert {c: safe[f"exposed_{c}"].sum() for c in truth} == truth


def test_synthetic_health_mention_records_equal_the_truth_and_persons_never_exceed_them(synthetic):
    safe, truth = synthetic["safe"], synthetic["truth"]["mentions"]
    assert {m: safe[f"mention_{m}"].sum() for m in truth} == truth
    persons = dict(ex.health_mentions(safe).rows())
    assert all(0 < persons[m] <= truth[m] for m in truth if truth[m])


def test_synthetic_persons_with_a_health_mention_are_counted_alike_in_both_tables(synthetic):
    safe = synthetic["safe"]
    categories = dict(ex.category_exposure(safe).select("category", "persons").rows())
    mentions = dict(ex.health_mentions(safe).rows())
    assert categories["health_mention"] == mentions["health_mention"] > 0


def test_synthetic_lab_registry_geolocates_fully_offline(synthetic):

    labs = geocode_labs(read_lab_registry(synthetic["result"].labs_path))
    assert labs.height == 28
    assert set(labs["resolution"]) == {"exact"}
    assert labs["lon"].null_count() == 0 and labs["lat"].null_count() == 0
    bands = ex.distance_bands(synthetic["safe"], labs)
    assert bands.filter(pl.col("band") == "unknown")["persons"].item() == 0


def test_distance_bands_add_up_to_the_persons_of_the_safe_table(synthetic):
    labs = geocode_labs(read_lab_registry(synthetic["result"].labs_path))
    bands = ex.distance_bands(synthetic["safe"], labs)
    assert bands["persons"].sum() == synthetic["safe"]["person_id"].n_unique()


def _every_aggregate(safe: pl.DataFrame, labs: pl.DataFrame) -> dict[str, pl.DataFrame]:

    return {
        "records_by_month": ex.records_by_month(safe),
        "records_by_month_lab": ex.records_by_month(safe, by="lab"),
        "records_by_month_dep": ex.records_by_month(safe, by="departement"),
        "lab_windows": ex.lab_windows(safe),
        "persons_by_departement": ex.persons_by_departement(safe).drop("departement_name"),
        "persons_by_commune": ex.persons_by_commune(safe).drop("commune_name"),
        "category_exposure": ex.category_exposure(safe),
        "category_by_year": ex.category_by_year(safe),
        "co_exposure": ex.co_exposure(safe, top=None),
        "health_mentions": ex.health_mentions(safe),
        "health_mentions_lab": ex.health_mentions(safe, by="lab"),
        "health_mentions_year": ex.health_mentions(safe, by="year"),
        "age_sex_pyramid": ex.age_sex_pyramid(safe),
        "distance_bands": ex.distance_bands(safe, labs),
        "distance_summary": distances.distance_summary(safe, labs),
        "resolution_rates": exposure.resolution_rates(safe),
    }


def test_no_raw_identifier_appears_in_the_safe_table_or_any_aggregate(synthetic):
    from toolkit.raw import synth

    raw = synthetic["raw"]
    direct = [c for c, cat in synth.COLUMN_CATEGORIES.items() if cat in SCANNED_CATEGORIES]
    # Doctors' names, streets, phones and emails too (their town is public geography).
    direct += [c for c in raw.columns if c.startswith("MED_") and not c.endswith(("_CP", "_VILLE"))]
    values = (
        raw.select(pl.concat_list(pl.col(direct)).alias("v"))
        .explode("v")
        .select(pl.col("v").str.strip_chars().str.to_lowercase())
        .filter(pl.col("v").str.len_chars() >= 6)
        .unique()
        # The probe below must not contain another value ("45 rue victor hugo" holds "victor",
        # which the scan may report first): sorted, the first value is a fixed, short one.
        .sort("v")["v"]
    )
    assert values.len() > 50_000  # names, NIRs, phones, emails, streets, passwords, comments
    planted = pl.Series([f"cell {values[0]} cell"]).str.extract_many(values.implode())[0]
    assert planted.to_list() == [values[0]]  # the scan does find a raw value when one is there
    labs = geocode_labs(read_lab_registry(synthetic["result"].labs_path))
    outputs = {"safe": synthetic["safe"], **_every_aggregate(synthetic["safe"], labs)}
    texts = {}
    for name, table in outputs.items():
        # Random hex ids and float shares contain short digit runs by chance: ids are compared
        # whole; every other text cell is searched for raw values anywhere inside it.
        if "person_id" in table.columns:
            assert not table["person_id"].is_in(values.implode()).any(), name
        texts[name] = table.select(pl.col(pl.String)).drop("person_id", strict=False).write_csv()
    assert set(texts) >= {"safe", "co_exposure", "persons_by_commune", "health_mentions_lab"}
    everything = "\n".join(texts.values()).lower()
    assert pl.Series([everything]).str.extract_many(values.implode())[0].to_list() == []


@pytest.mark.slow
def test_full_size_synthetic_leak_persons_labs_and_departements_equal_the_truth(tmp_path):
    from toolkit.boundary import pseudonymise as ps
    from toolkit.raw import ingest, synth

    path = tmp_path / "leak.csv"
    truth = synth.write_synthetic_leak(path, progress=False).truth
    ingested = ingest.read_leak(path, interim_dir=tmp_path / "interim")
    safe = ps.pseudonymise(ingested, synth.COLUMN_CATEGORIES, bytes(range(32))).collect()
    assert safe.height == 491_840
    assert safe["person_id"].n_unique() == truth["duplicates"]["distinct_persons"]
    persons = dict(ex.persons_by_departement(safe).select("departement", "persons").rows())
    assert persons == truth["residence_departement"]["persons"]
    labs = ex.lab_windows(safe)
    assert dict(labs.select("lab", "persons").rows()) == {
        code.lower(): lab["persons"] for code, lab in truth["labs"].items()
    }
    assert {m: safe[f"mention_{m}"].sum() for m in truth["mentions"]} == truth["mentions"]
