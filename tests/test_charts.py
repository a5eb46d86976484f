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
from toolkit.publication.charts.maps import MAX_SHAPES, geo_data
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


def mentions() -> pl.DataFrame:
    return pl.DataFrame({"mention": ["child", "baby", "hiv"], "persons": [13_478, 425, 60]})


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
         "per_100k": [23_600.0, 15_882.4], **extra},
        schema_overrides={"persons": pl.Int64},
    )


def communes() -> pl.DataFrame:
    return pl.DataFrame(
        {"insee": ["56001", "45001"], "commune_name": ["A", "B"], "departement": ["56", "45"],
         "persons": [1_500, 800], "population": [10_000, 8_000], "per_100k": [15_000.0, 10_000.0]}
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
    "timeline": "Des prélèvements de 2018 à 2020",
    "lab_windows": "2 laboratoires",
    "categories": "Ce qui a fuité",
    "category_year": "Les données exposées, année par année",
    "co_exposure": "Quelles données fuitent ensemble",
    "health_mentions": "Des données de santé dans les commentaires",
    "pyramid": "Qui est exposé",
    "distance": "À quelle distance du laboratoire",
    "departement_map": "Rapporté à la population",
    "commune_map": "Commune par commune",
}

ENGLISH_TITLES = {
    "timeline": "Samples from 2018 to 2020",
    "categories": "What was leaked",
    "pyramid": "Who is exposed",
    "departement_map": "Relative to population",
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
    assert "Mention de santé" in texts(charts.to_svg(charts.co_exposure_chart(frame)))


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
    ).with_columns(per_100k=pl.col("persons") / pl.col("population") * 100_000)
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
