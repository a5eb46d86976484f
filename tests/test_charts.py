"""Specifications of the publication charts: French by default, offline, suppression-aware.

Every chart is rendered to SVG with vl-convert (no browser, no network) and its text checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct

import altair as alt
import geopandas as gpd
import polars as pl
import pytest
from shapely.geometry import Polygon, box

from toolkit.publication import charts
from toolkit.publication.charts.maps import MAX_SHAPES, SHARE_STEPS, geo_data, share_breaks
from toolkit.shared.errors import InputError, ToolkitError

NBSP = "\u00a0"  # what vl-convert's fr-FR locale puts between thousands
NNBSP = "\u202f"  # ... and before the percent sign
ENGLISH_AUTO_TITLES = ("Sum of", "Count of", "count", "month(", "(year-month)", "undefined")


# --- tiny aggregates, with the column names of toolkit.safe.exposure -----------------------------


def by_month(months: list[str], records: list[int | None], **extra: list) -> pl.DataFrame:
    return pl.DataFrame(
        {"month": [dt.date.fromisoformat(m) for m in months], "records": records, **extra},
        schema_overrides={"records": pl.Int64},
    )


def windows() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lab": ["LAB-A", "LAB-B"],
            "first_sample": [dt.date(2015, 3, 2), dt.date(2018, 6, 1)],
            "last_sample": [dt.date(2020, 10, 20), dt.date(2019, 2, 5)],
            "records": [491_840, 1_200],
            "persons": [491_840, 1_200],
        }
    )


def categories(persons: list[int | None] | None = None, **extra: list) -> pl.DataFrame:
    persons = persons or [491_840, 275_430, 14_997]
    return pl.DataFrame(
        {"category": ["nir", "comment", "password"], "persons": persons,
         "share": [1.0, 0.56, 0.0305], **extra},
        schema_overrides={"persons": pl.Int64},
    )


def category_years(**extra: list) -> pl.DataFrame:
    return pl.DataFrame(
        {"category": ["nir", "nir", "blood_group", "blood_group"], "year": [2018, 2019] * 2,
         "persons": [1000, 2000, 40, None], "share": [0.5, 1.0, 0.02, None], **extra},
        schema_overrides={"persons": pl.Int64},
    )


def combinations() -> pl.DataFrame:
    return pl.DataFrame(
        {"combination": ["surname+nir+address", "surname+email+password", "nir+comment"],
         "n_categories": [3, 3, 2], "persons": [300_000, 15_000, 900], "rank": [1, 2, 3]}
    )


def mentions(**extra: list) -> pl.DataFrame:
    return pl.DataFrame(
        {"mention": ["child", "baby", "hiv", "health_mention", "pregnancy"],
         "persons": [13_478, 425, 60, 7_200, 5_000], **extra},
        schema_overrides={"persons": pl.Int64},
    )


def pyramid() -> pl.DataFrame:
    return pl.DataFrame(
        {"age_band": ["00-04", "00-04", "90+", "90+"], "sex": ["F", "M", "F", "M"],
         "persons": [12_000, 11_000, 3_000, 900]}
    )


def distances() -> pl.DataFrame:
    return pl.DataFrame(
        {"band": ["0-10 km", "10-20 km", "unknown"], "persons": [300_000, 120_000, 5_000]}
    )


def squares() -> gpd.GeoDataFrame:
    """Two one-degree squares drawn counter-clockwise, standing in for départements."""
    return gpd.GeoDataFrame(
        {"code": ["56", "45"], "name": ["Morbihan", "Loiret"]},
        geometry=[box(-3.0, 47.5, -2.0, 48.5), box(1.5, 47.5, 2.5, 48.5)],
        crs=4326,
    )


def departements(**extra: list) -> pl.DataFrame:
    return pl.DataFrame(
        {"departement": ["56", "45"], "departement_name": ["Morbihan", "Loiret"],
         "persons": [177_000, 108_000], "population": [750_000, 680_000],
         "population_share": [0.236, 0.158824], **extra},
        schema_overrides={"persons": pl.Int64},
    )


def communes() -> pl.DataFrame:
    return pl.DataFrame(
        {"insee": ["56001", "45001"], "commune_name": ["A", "B"], "departement": ["56", "45"],
         "persons": [1_500, 800], "population": [10_000, 8_000],
         "population_share": [0.15, 0.10]}
    )


def commune_shapes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"insee": ["56001", "45001"], "name": ["A", "B"], "departement": ["56", "45"]},
        geometry=[box(-3.0, 47.5, -2.0, 48.5), box(1.5, 47.5, 2.5, 48.5)],
        crs=4326,
    )


BUILDERS = {
    "timeline": lambda lang: charts.timeline_chart(
        by_month(["2018-01-01", "2020-10-01"], [491_000, 840]), lang=lang
    ),
    "timeline_departement": lambda lang: charts.timeline_chart(
        by_month(["2018-01-01", "2018-01-01"], [100, 200], departement=["56", "45"]), lang=lang
    ),
    "timeline_lab": lambda lang: charts.timeline_chart(
        by_month(["2018-01-01", "2019-05-01"], [100, 200], lab=["LAB-A", "LAB-B"]), lang=lang
    ),
    "lab_windows": lambda lang: charts.lab_windows_chart(windows(), lang=lang),
    "categories": lambda lang: charts.categories_chart(categories(), lang=lang),
    "category_year": lambda lang: charts.category_year_chart(category_years(), lang=lang),
    "co_exposure": lambda lang: charts.co_exposure_chart(combinations(), lang=lang),
    "health_mentions": lambda lang: charts.health_mentions_chart(mentions(), lang=lang),
    "health_mentions_year": lambda lang: charts.health_mentions_chart(
        mentions().with_columns(year=pl.lit(2019)), lang=lang
    ),
    "pyramid": lambda lang: charts.pyramid_chart(pyramid(), lang=lang),
    "distance": lambda lang: charts.distance_chart(distances(), lang=lang),
    "departement_map": lambda lang: charts.departement_map(
        departements(), shapes=squares(), lang=lang,
        labs=pl.DataFrame({"lab": ["LAB-A"], "lon": [-2.5], "lat": [48.0], "persons": [9_000]}),
    ),
    "commune_map": lambda lang: charts.commune_map(
        communes(), departements=["56", "45"], shapes=commune_shapes(), outlines=squares(),
        lang=lang,
    ),
}

FRENCH_TITLES = {
    "timeline": "Des prélèvements de 2018 à octobre 2020",
    "lab_windows": "2 laboratoires",
    "categories": f"N° de sécurité sociale (NIR){NBSP}: la donnée la plus exposée (491{NBSP}840",
    "category_year": "Les données exposées, année par année",
    "co_exposure": "Quelles données fuitent ensemble",
    "health_mentions": f"7{NBSP}200 personnes ont une mention de santé dans un commentaire",
    "pyramid": "Les moins de 20 ans, les plus exposés",
    "distance": "7 personnes sur 10 vivent à moins de 10",
    "departement_map": "Dans le Morbihan, près d'un habitant sur quatre est exposé",
    "commune_map": "Commune par commune",
}

ENGLISH_TITLES = {
    "timeline": "Samples from 2018 to October 2020",
    "categories": "Social security number (NIR): the most exposed data (491,840 people)",
    "health_mentions": "7,200 people have a health mention in a comment",
    "pyramid": "People aged under 20, the most exposed",
    "departement_map": "In Morbihan, nearly one resident in four is exposed",
}


def texts(svg: str) -> list[str]:
    """Every piece of text drawn in an SVG, unescaped."""
    found = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    parts = [re.sub(r"<[^>]+>", "\n", t) for t in found]
    words = [w for p in parts for w in p.split("\n") if w]
    return [w.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for w in words]


@pytest.fixture(scope="module")
def french_svgs() -> dict[str, str]:
    return {name: charts.to_svg(build("fr")) for name, build in BUILDERS.items()}


# --- French by default ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FRENCH_TITLES))
def test_every_chart_has_its_french_title(french_svgs: dict[str, str], name: str) -> None:
    assert any(t.startswith(FRENCH_TITLES[name]) for t in texts(french_svgs[name]))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_english_auto_title_reaches_the_page(french_svgs: dict[str, str], name: str) -> None:
    drawn = "\n".join(texts(french_svgs[name]))
    assert [w for w in ENGLISH_AUTO_TITLES if w in drawn] == []


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_carries_the_source_line(french_svgs: dict[str, str], name: str) -> None:
    assert f"Source{NBSP}: fichier ayant fuité (févr. 2021), analyse leak-toolkit" in texts(
        french_svgs[name]
    )


def test_timeline_annotates_end_of_data_and_first_report_in_french(
    french_svgs: dict[str, str],
) -> None:
    drawn = texts(french_svgs["timeline"])
    assert f"Fin des données{NBSP}: oct. 2020" in drawn
    assert f"Premier signalement{NBSP}: 23 févr. 2021" in drawn


def test_timeline_writes_january_the_french_way() -> None:
    chart = charts.timeline_chart(by_month(["2019-06-01", "2020-01-01"], [500, 400]))
    assert f"Fin des données{NBSP}: janv. 2020" in texts(charts.to_svg(chart))


def test_thousands_are_separated_by_a_no_break_space(french_svgs: dict[str, str]) -> None:
    assert f"491{NBSP}840" in texts(french_svgs["lab_windows"])


def test_axis_numbers_are_french(french_svgs: dict[str, str]) -> None:
    drawn = texts(french_svgs["timeline"])
    assert f"500{NBSP}000" in drawn and "500,000" not in drawn


def test_percentages_use_a_narrow_no_break_space(french_svgs: dict[str, str]) -> None:
    assert f"56{NNBSP}% (275{NBSP}430)" in texts(french_svgs["categories"])


def test_category_labels_are_french(french_svgs: dict[str, str]) -> None:
    drawn = texts(french_svgs["categories"])
    assert {"N° de sécurité sociale (NIR)", "Commentaire libre", "Mot de passe en clair"} <= set(
        drawn
    )


def test_unknown_distance_band_is_translated(french_svgs: dict[str, str]) -> None:
    drawn = texts(french_svgs["distance"])
    assert "inconnue" in drawn and "unknown" not in drawn


# --- English on request ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENGLISH_TITLES))
def test_lang_en_gives_english_titles(name: str) -> None:
    drawn = texts(charts.to_svg(BUILDERS[name]("en")))
    assert any(t.startswith(ENGLISH_TITLES[name]) for t in drawn)
    assert "Source: leaked file (Feb. 2021), leak-toolkit analysis" in drawn


def test_lang_en_formats_numbers_and_dates_the_english_way() -> None:
    drawn = texts(charts.to_svg(BUILDERS["timeline"]("en")))
    assert "First report: Feb 23, 2021" in drawn
    assert "500,000" in drawn


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="unknown chart language"):
        charts.categories_chart(categories(), lang="de")  # type: ignore[arg-type]


# --- alt text --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_has_an_alt_text(name: str) -> None:
    chart = BUILDERS[name]("fr")
    assert len(charts.alt_text(chart)) > 40
    assert chart.to_dict()["description"] == charts.alt_text(chart)


def test_alt_text_states_the_key_figure() -> None:
    text = charts.alt_text(charts.lab_windows_chart(windows()))
    assert f"Le plus gros, LAB-A, expose 491{NBSP}840 personnes." in text


def test_a_chart_without_alt_text_is_reported() -> None:
    with pytest.raises(ToolkitError, match="no alt text"):
        charts.alt_text(alt.Chart(pl.DataFrame({"x": [1]})).mark_point())


# --- titles that state the finding, from published counts ------------------------------------


def monthly(counts_by_year: dict[int, int]) -> pl.DataFrame:
    """Persons by month: each year's count in its January, up to October 2020."""
    years = sorted(counts_by_year)
    months = [f"{y}-01-01" for y in years] + ["2020-10-01"]
    return by_month(months, [counts_by_year[y] for y in years] + [100]).rename(
        {"records": "persons"}
    )


def test_timeline_title_names_the_years_that_hold_half_of_the_months() -> None:
    chart = charts.timeline_chart(monthly({2016: 100, 2017: 900, 2018: 800, 2019: 100}),
                                  count="persons")  # fmt: skip
    assert chart.to_dict()["title"]["text"] == (
        "Des prélèvements de 2016 à octobre 2020, surtout en 2017-2018"
    )


def test_timeline_title_is_neutral_when_a_month_is_hidden() -> None:
    frame = monthly({2016: 100, 2017: 900, 2018: 800, 2019: 100}).with_columns(
        persons_suppressed=pl.col("month") == dt.date(2019, 1, 1)
    )
    title = charts.timeline_chart(frame, count="persons").to_dict()["title"]["text"]
    assert title == "Des prélèvements de 2016 à octobre 2020"


def test_timeline_axis_starts_at_the_first_month_of_data() -> None:
    spec = charts.to_json(BUILDERS["timeline"]("fr"))
    starts = re.findall(r'"domain": \[\s*"(\d{4}-\d\d-\d\d)"', spec)
    assert starts and set(starts) == {"2018-01-01"}


def test_timeline_alt_text_gives_the_peak_month_not_a_sum_of_months() -> None:
    alt_text = charts.alt_text(charts.timeline_chart(monthly({2018: 900, 2019: 300}),
                                                     count="persons"))  # fmt: skip
    assert "Au plus fort, 900 personnes en janv. 2018." in alt_text
    assert f"1{NBSP}300" not in alt_text


def full_pyramid(**persons: int) -> pl.DataFrame:
    """Every band 00-04 … 90+ for both sexes, 100 persons each unless ``persons`` says."""
    bands = [f"{a:02d}-{a + 4:02d}" for a in range(0, 90, 5)] + ["90+"]
    rows = [(b, sex, persons.get(f"{sex}{b}", 100)) for b in bands for sex in ("F", "M")]
    return pl.DataFrame(rows, schema=["age_band", "sex", "persons"], orient="row")


def test_pyramid_labels_bands_in_years() -> None:
    drawn = texts(charts.to_svg(charts.pyramid_chart(full_pyramid())))
    assert {"0-4 ans", "85-89 ans", "90 ans et plus"} <= set(drawn)
    assert "00-04" not in drawn


def test_pyramid_says_how_many_persons_of_unknown_sex_it_cannot_draw() -> None:
    frame = pl.concat([full_pyramid(), pl.DataFrame(
        {"age_band": ["40-44", "50-54"], "sex": [None, None], "persons": [20, 15]},
        schema={"age_band": pl.String, "sex": pl.String, "persons": pl.Int64},
    )], how="vertical_relaxed")  # fmt: skip
    chart = charts.pyramid_chart(frame)
    assert f"Sexe inconnu{NBSP}: 35 personnes, non représentées" in texts(charts.to_svg(chart))
    assert f"Sexe inconnu{NBSP}: 35 personnes" in charts.alt_text(chart)


def test_pyramid_notes_a_top_band_larger_than_the_one_below() -> None:
    chart = charts.pyramid_chart(full_pyramid(**{"F90+": 400, "M90+": 300}))
    assert any("90 ans et plus" in t and "années de naissance invraisemblables" in t
               for t in texts(charts.to_svg(chart)))  # fmt: skip


def test_pyramid_title_names_the_most_exposed_ages() -> None:
    bands = {f"F{a}-{a + 4}": 400 for a in (60, 65, 70, 75)}
    title = charts.pyramid_chart(full_pyramid(**bands)).to_dict()["title"]["text"]
    assert title == "Les 60-79 ans, les plus exposés"


def test_pyramid_title_is_neutral_when_a_band_is_hidden() -> None:
    frame = full_pyramid(**{f"F{a}-{a + 4}": 400 for a in (60, 65, 70, 75)}).with_columns(
        persons_suppressed=(pl.col("age_band") == "00-04") & (pl.col("sex") == "M")
    )
    assert charts.pyramid_chart(frame).to_dict()["title"]["text"] == "Qui est exposé"


def test_distance_title_says_how_many_in_ten_live_near_their_lab() -> None:
    chart = charts.distance_chart(distances())
    assert chart.to_dict()["title"]["text"] == (
        f"7 personnes sur 10 vivent à moins de 10{NBSP}km de leur laboratoire"
    )


def test_distance_title_is_neutral_when_a_band_is_hidden() -> None:
    frame = distances().with_columns(persons_suppressed=pl.col("band") == "10-20 km")
    title = charts.distance_chart(frame).to_dict()["title"]["text"]
    assert title == "À quelle distance du laboratoire"


# --- disclosure control: suppressed cells are shown, never as zero ----------------------------


def test_suppressed_share_shows_the_marker_not_zero() -> None:
    frame = categories(
        [491_840, None, 14_997],
        persons_suppressed=[False, True, False],
        persons_reason=[None, "primary", None],
    )
    drawn = texts(charts.to_svg(charts.categories_chart(frame)))
    assert "< 11" in drawn
    assert not any(t.startswith("56") for t in drawn)  # the share would give the count back


def test_suppressed_heatmap_cell_shows_the_marker_not_zero(french_svgs: dict[str, str]) -> None:
    drawn = texts(french_svgs["category_year"])  # blood_group 2019 has a null count
    assert "< 11" in drawn
    assert f"0{NNBSP}%" not in drawn


def test_k_sets_the_marker() -> None:
    frame = distances().with_columns(
        persons=pl.when(pl.col("band") == "unknown").then(None).otherwise(pl.col("persons"))
    )
    drawn = texts(charts.to_svg(charts.distance_chart(frame, k=5)))
    assert "< 5" in drawn
    assert any("moins de 5 personnes" in t for t in drawn)


def test_with_secondary_suppression_every_hidden_cell_says_secret() -> None:
    frame = pyramid().with_columns(
        persons=pl.when(pl.col("persons") < 1_000).then(None).otherwise(pl.col("persons")),
        persons_suppressed=pl.col("persons") < 3_500,
        persons_reason=pl.when(pl.col("persons") < 1_000).then(pl.lit("primary"))
        .when(pl.col("persons") < 3_500).then(pl.lit("secondary")),
    )
    drawn = texts(charts.to_svg(charts.pyramid_chart(frame)))
    assert drawn.count("secret") == 2
    assert "< 11" not in drawn


def test_the_suppression_reason_never_reaches_the_exported_spec() -> None:
    frame = categories(
        [491_840, None, None],
        persons_suppressed=[False, True, True],
        persons_reason=[None, "primary", "secondary"],
    )
    spec = charts.to_json(charts.categories_chart(frame))
    assert "_reason" not in spec and "primary" not in spec and "secondary" not in spec


def test_a_row_hidden_for_persons_is_hidden_for_records_too() -> None:
    frame = by_month(
        ["2018-01-01", "2018-02-01"], [5_000, 7], persons=[4_000, None],
        persons_suppressed=[False, True],
    )
    spec = charts.to_json(charts.timeline_chart(frame, count="records"))
    assert '"records": 7' not in spec and "< 11" in spec


def test_columns_the_chart_does_not_draw_stay_out_of_the_spec() -> None:
    spec = charts.to_json(charts.departement_map(departements(), shapes=squares()))
    assert "750000" not in spec and "departement_name" not in spec


def test_co_exposure_names_the_health_mention_pseudo_category() -> None:
    frame = pl.DataFrame({"combination": ["nir+health_mention"], "persons": [500], "rank": [1]})
    drawn = texts(charts.to_svg(charts.co_exposure_chart(frame)))
    assert "Commentaire avec mention de santé" in drawn


# --- health data: only comments with a health mention ---------------------------------------


def drawn_rows(chart: alt.TopLevelMixin) -> list[dict]:
    """Every row of data the chart's spec carries."""
    return [row for rows in chart.to_dict()["datasets"].values() for row in rows]


def kind_of(chart: alt.TopLevelMixin, name: str) -> set[str]:
    """The legend entries (``kind``) the rows named ``name`` are drawn with."""
    return {row["kind"] for row in drawn_rows(chart) if row.get("name") == name}


def test_categories_chart_does_not_colour_plain_comments_as_health_data() -> None:
    frame = categories().vstack(
        pl.DataFrame({"category": ["health_mention"], "persons": [7_200], "share": [0.0146]},
                     schema_overrides={"persons": pl.Int64})
    )  # fmt: skip
    chart = charts.categories_chart(frame)
    assert kind_of(chart, "Commentaire libre") == {"Autre donnée personnelle"}
    assert kind_of(chart, "Commentaire avec mention de santé") == {"Donnée de santé (art. 9 RGPD)"}


def test_categories_title_counts_the_categories_tied_at_the_top() -> None:
    frame = categories([491_840, 491_840, 14_997])
    title = charts.categories_chart(frame).to_dict()["title"]["text"]
    assert title == f"2 types de données exposés chacun pour 491{NBSP}840 personnes"


def test_categories_title_without_any_published_count_has_no_number() -> None:
    frame = categories([None, None, None], persons_suppressed=[True] * 3)
    title = charts.categories_chart(frame).to_dict()["title"]["text"]
    assert title == "Ce qui a fuité"


def test_mentions_chart_draws_child_and_baby_apart_and_not_as_health_data() -> None:
    chart = charts.health_mentions_chart(mentions())
    context = "Mention sans caractère médical (pas une donnée de santé)"
    assert kind_of(chart, "Enfant") == kind_of(chart, "Bébé") == {context}
    assert kind_of(chart, "VIH") == kind_of(chart, "Grossesse") == {"Donnée de santé (art. 9 RGPD)"}
    blocks = [{row["name"] for row in rows} for rows in chart.to_dict()["datasets"].values()]
    assert {"Enfant", "Bébé"} in blocks  # a block of their own, below the health mentions


def test_mentions_chart_lists_health_mentions_before_context_mentions() -> None:
    svg_text = texts(charts.to_svg(charts.health_mentions_chart(mentions())))
    rows = [t for t in svg_text if t in {"Au moins une mention de santé", "Grossesse", "VIH",
                                         "Enfant", "Bébé"}]  # fmt: skip
    assert rows == ["Au moins une mention de santé", "Grossesse", "VIH", "Enfant", "Bébé"]


def test_mentions_title_has_no_number_when_the_persons_with_a_health_mention_are_hidden() -> None:
    hidden = mentions().with_columns(
        persons=pl.when(pl.col("mention") == "health_mention").then(None)
        .otherwise(pl.col("persons"))
    )  # fmt: skip
    title = charts.health_mentions_chart(hidden).to_dict()["title"]["text"]
    assert title == "Les mentions de santé dans les commentaires"


def test_mentions_by_year_title_has_no_number() -> None:
    chart = charts.health_mentions_chart(mentions().with_columns(year=pl.lit(2019)))
    assert chart.to_dict()["title"]["text"] == "Les mentions de santé dans les commentaires"


def test_mentions_alt_text_carries_the_numbers_the_chart_draws() -> None:
    hidden = mentions(persons_suppressed=[False, False, True, False, False])
    chart = charts.health_mentions_chart(hidden)
    alt_text = charts.alt_text(chart)
    labels = {row["name"]: row["label"] for row in drawn_rows(chart) if "label" in row}
    assert labels["VIH"] == "< 11"
    for name, label in labels.items():
        assert f"{name} ({label})" in alt_text
    assert "60" not in alt_text


def test_residents_not_located_get_their_own_line() -> None:
    frame = by_month(["2018-01-01", "2018-01-01"], [100, 200], departement=["56", None])
    assert "Non localisé" in texts(charts.to_svg(charts.timeline_chart(frame)))


def test_suppressed_month_is_a_grey_band_with_its_marker() -> None:
    frame = by_month(
        ["2018-01-01", "2018-02-01", "2018-03-01"], [5_000, None, 4_000],
        records_suppressed=[False, True, False], records_reason=[None, "primary", None],
    )
    svg = charts.to_svg(charts.timeline_chart(frame))
    assert "< 11" in texts(svg)
    assert 'fill="#b3b3b3"' in svg


def test_suppressed_departement_is_grey_and_labelled() -> None:
    frame = departements(persons_suppressed=[False, True], persons_reason=[None, "primary"])
    frame = frame.with_columns(persons=pl.when(pl.col("persons_suppressed")).then(None)
                               .otherwise(pl.col("persons")))
    svg = charts.to_svg(charts.departement_map(frame, shapes=squares()))
    assert "< 11" in texts(svg)
    assert "15 882".replace(" ", NBSP) not in texts(svg)  # the rate would give the count back
    assert 'fill="#b3b3b3"' in svg


# --- maps ------------------------------------------------------------------------------------


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def test_map_rings_are_turned_clockwise() -> None:
    counter_clockwise = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    shapes = gpd.GeoDataFrame({"code": ["x"]}, geometry=[counter_clockwise], crs=4326)
    data = geo_data(shapes, pl.DataFrame({"code": ["x"], "value": [1.0]}), "code")
    ring = json.loads(data.values)["features"][0]["geometry"]["coordinates"][0]
    assert _signed_area(ring) < 0


def test_maps_use_a_conic_conformal_projection() -> None:
    spec = BUILDERS["departement_map"]("fr").to_dict()
    assert spec["vconcat"][0]["projection"]["type"] == "conicConformal"


def test_a_map_with_too_many_shapes_is_refused() -> None:
    shapes = gpd.GeoDataFrame(
        {"code": [str(i) for i in range(MAX_SHAPES + 1)]},
        geometry=[box(i, 0, i + 0.5, 0.5) for i in range(MAX_SHAPES + 1)],
        crs=4326,
    )
    with pytest.raises(InputError, match="too large"):
        geo_data(shapes, pl.DataFrame({"code": ["0"]}), "code")


def test_absolute_map_is_coloured_by_persons() -> None:
    drawn = texts(charts.to_svg(charts.departement_map(departements(), measure="persons",
                                                       shapes=squares())))
    assert f"177{NBSP}000" in drawn and "Où vivent les personnes exposées" in drawn


def three_squares() -> gpd.GeoDataFrame:
    """Morbihan and Loiret side by side, Vendée far to the south (outside their frame)."""
    return gpd.GeoDataFrame(
        {"code": ["56", "45", "85"], "name": ["Morbihan", "Loiret", "Vendée"]},
        geometry=[box(-3.0, 47.5, -2.0, 48.5), box(1.5, 47.5, 2.5, 48.5),
                  box(-1.5, 44.0, -0.5, 45.0)],
        crs=4326,
    )


def map_data(chart: alt.VConcatChart) -> list[dict]:
    """The properties of the shapes a département map draws."""
    spec = json.loads(charts.to_json(chart))
    shapes = next(layer for layer in spec["vconcat"][0]["layer"]
                  if layer["mark"]["type"] == "geoshape")  # fmt: skip
    data = shapes["data"]
    values = spec["datasets"][data["name"]] if "name" in data else data["values"]
    return [f["properties"] for f in json.loads(values)["features"]]


def test_map_values_are_shares_of_inhabitants_in_percent() -> None:
    drawn = texts(charts.to_svg(charts.departement_map(departements(), shapes=squares())))
    assert f"24{NBSP}%" in drawn and f"16{NBSP}%" in drawn
    assert not any("100" in t and "000" in t for t in drawn)


def test_a_departement_without_anybody_is_in_a_class_of_its_own_colour() -> None:
    chart = charts.departement_map(departements().head(1), shapes=squares())
    classes = {p["departement"]: p["class"] for p in map_data(chart)}
    scale = chart.to_dict()["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert classes["45"] == "aucune personne"
    assert colours[classes["45"]] != colours[classes["56"]]
    assert len(set(scale["range"])) == len(scale["range"])


def test_share_classes_set_the_most_affected_apart_and_keep_small_shares_coloured() -> None:
    shares = pl.Series([0.235, 0.171, 0.159, 0.052, 0.049, 0.028, 0.011, 0.003, 0.001, 0.00002])
    breaks = share_breaks(shares)
    classes = [sum(share >= b for b in breaks) for share in shares]
    assert classes[0] != classes[3]  # 23 % and 5 % are told apart
    assert classes[-1] == 0 and breaks[0] > shares[-1]  # the smallest share is in the first class
    assert all(b in SHARE_STEPS for b in breaks)


def test_the_title_states_the_largest_share_as_one_resident_in_n() -> None:
    frame = departements(population_share=[0.143, 0.334])
    drawn = texts(charts.to_svg(charts.departement_map(frame, shapes=squares())))
    assert "Dans le Loiret, un habitant sur trois est exposé à la fuite" in drawn


def test_the_title_is_neutral_when_a_hidden_departement_could_be_larger() -> None:
    frame = departements(persons_suppressed=[False, True], persons_reason=[None, "secondary"])
    drawn = texts(charts.to_svg(charts.departement_map(frame, shapes=squares())))
    assert "Les personnes exposées, rapportées à la population" in drawn


def test_a_hidden_departement_cannot_top_the_title_once_the_total_bounds_it() -> None:
    frame = departements(persons_suppressed=[False, True], persons_reason=[None, "secondary"])
    drawn = texts(charts.to_svg(charts.departement_map(frame, shapes=squares(), total=177_050)))
    assert any(t.startswith("Dans le Morbihan, près d'un habitant sur quatre") for t in drawn)


def test_a_departement_outside_the_frame_is_named_in_the_note() -> None:
    frame = pl.concat([departements(), departements().head(1).with_columns(
        departement=pl.lit("85"), persons=pl.lit(2_000, pl.Int64),
        population_share=pl.lit(0.0029))])
    drawn = texts(charts.to_svg(charts.departement_map(
        frame, shapes=three_squares(), departements=["56", "45"])))
    assert f"Hors carte{NBSP}: Vendée (0,3{NBSP}%)" in drawn


def test_a_hidden_departement_outside_the_frame_is_named_in_the_note() -> None:
    frame = pl.concat([departements(), departements().head(1).with_columns(
        departement=pl.lit("85"), persons=pl.lit(None, pl.Int64),
        population_share=pl.lit(None, pl.Float64),
    )]).with_columns(persons_suppressed=pl.col("persons").is_null())
    drawn = texts(charts.to_svg(charts.departement_map(
        frame, shapes=three_squares(), departements=["56", "45"])))
    assert f"Hors carte{NBSP}: Vendée (< 11)" in drawn


def test_the_map_is_framed_on_the_departements_asked_for() -> None:
    chart = charts.departement_map(departements(), shapes=three_squares(), departements=["56"])
    assert {p["departement"] for p in map_data(chart)} == {"56"}


def test_the_map_alt_text_gives_the_shares_it_draws() -> None:
    chart = charts.departement_map(departements(), shapes=squares())
    alt_text = chart.to_dict()["description"]
    assert f"Morbihan (24{NBSP}%)" in alt_text and f"Loiret (16{NBSP}%)" in alt_text


def test_the_lab_chart_writes_long_lab_names_whole() -> None:
    name = "Laboratoire de biologie médicale Seine Normande Bio, site principal"
    chart = charts.lab_windows_chart(windows().with_columns(lab=pl.Series([name, "LAB-B"])))
    assert name in texts(charts.to_svg(chart))


# --- inputs ----------------------------------------------------------------------------------


def test_a_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="needs the column\\(s\\) persons"):
        charts.categories_chart(pl.DataFrame({"category": ["nir"]}))


def test_an_empty_table_is_reported() -> None:
    with pytest.raises(InputError, match="nothing to draw"):
        charts.distance_chart(distances().clear())


def test_a_table_too_large_to_draw_is_reported() -> None:
    many = pl.DataFrame({"band": [str(i) for i in range(5_001)], "persons": [20] * 5_001})
    with pytest.raises(InputError, match="limit 5000"):
        charts.distance_chart(many)


def test_lazy_frames_are_accepted() -> None:
    chart = charts.health_mentions_chart(mentions().lazy())
    assert "Enfant" in texts(charts.to_svg(chart))


# --- export and offline rendering ------------------------------------------------------------


def test_save_chart_writes_every_format_byte_identically(tmp_path) -> None:
    chart = BUILDERS["categories"]("fr")
    first = charts.save_chart(chart, tmp_path / "a", "categories")
    second = charts.save_chart(BUILDERS["categories"]("fr"), tmp_path / "b", "categories")
    assert sorted(p.name for p in first.values()) == [
        "categories.md", "categories.png", "categories.svg", "categories.vl.json"
    ]
    assert {f: p.read_bytes() for f, p in first.items()} == {
        f: p.read_bytes() for f, p in second.items()
    }


def test_svg_bytes_do_not_depend_on_what_was_rendered_before() -> None:
    first = charts.to_svg(BUILDERS["category_year"]("fr"))  # its legend is a gradient
    charts.to_svg(BUILDERS["departement_map"]("fr"))
    assert charts.to_svg(BUILDERS["category_year"]("fr")) == first


def test_png_is_twice_the_svg_size(tmp_path) -> None:
    written = charts.save_chart(BUILDERS["distance"]("fr"), tmp_path, "d", formats=["svg", "png"])
    png = written["png"].read_bytes()
    svg_width = int(re.search(r'<svg[^>]* width="(\d+)"', written["svg"].read_text()).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", png[16:20])[0] == 2 * svg_width


def test_vega_lite_json_carries_the_french_locale(tmp_path) -> None:
    written = charts.save_chart(BUILDERS["timeline"]("fr"), tmp_path, "t", formats=["json"])
    locale = json.loads(written["json"].read_text(encoding="utf-8"))["config"]["locale"]
    assert locale["number"]["thousands"] == NBSP
    assert locale["time"]["shortMonths"][1] == "févr."


def test_alt_text_file_holds_the_description(tmp_path) -> None:
    chart = BUILDERS["pyramid"]("fr")
    written = charts.save_chart(chart, tmp_path, "p", formats=["md"])
    assert written["md"].read_text(encoding="utf-8") == charts.alt_text(chart) + "\n"


def test_a_figure_name_with_a_folder_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="plain file name"):
        charts.save_chart(BUILDERS["pyramid"]("fr"), tmp_path, "../p")


def test_an_unknown_format_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="unknown chart format"):
        charts.save_chart(BUILDERS["pyramid"]("fr"), tmp_path, "p", formats=["pdf"])


def test_offline_rendering_inlines_vega_and_loads_nothing_from_the_network() -> None:
    previous = alt.renderers.active
    try:
        charts.enable_offline_rendering()
        bundle = BUILDERS["distance"]("fr")._repr_mimebundle_()
        html = bundle[0]["text/html"] if isinstance(bundle, tuple) else bundle["text/html"]
    finally:
        alt.renderers.enable(previous)
    assert "https://" not in re.sub(r'"\$schema": *"[^"]*"', "", html.split("vegaEmbed")[-1])
    assert "<script src=" not in html
    assert len(html) > 500_000  # Vega, Vega-Lite and vega-embed are inside the page


@pytest.mark.slow
def test_real_maps_of_the_six_departements_render_offline() -> None:
    from toolkit.shared import reference

    towns = reference.communes().filter(pl.col("departement").is_in(charts.LEAK_DEPARTEMENTS))
    by_town = towns.select(
        "insee", "departement", "population",
        persons=(pl.col("population") // 20).cast(pl.Int64),
    ).with_columns(population_share=pl.col("persons") / pl.col("population"))
    by_departement = departements().with_columns(pl.Series("departement", ["56", "45"]))
    commune_svg = charts.to_svg(charts.commune_map(by_town))
    departement_svg = charts.to_svg(charts.departement_map(by_departement))
    assert "Commune par commune" in texts(commune_svg)
    assert {"Morbihan", "Loiret"} <= set(texts(departement_svg))


def test_svg_gradient_ids_do_not_depend_on_what_was_rendered_before():
    svg = '<path fill="url(#gradient_6)"/><linearGradient id="gradient_6"/><g id="gradient_9"/>'
    assert charts.stable_svg(svg) == (
        '<path fill="url(#gradient_0)"/><linearGradient id="gradient_0"/><g id="gradient_1"/>'
    )
