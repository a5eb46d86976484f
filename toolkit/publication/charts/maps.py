"""Maps of north-western France: départements and, for the six affected ones, communes.

Shapes come from ``toolkit.shared.reference`` (or are passed in, for tests and other leaks). Every
polygon is re-oriented clockwise before it reaches Vega, since d3-geo reads a counter-clockwise
exterior ring as "the whole globe minus this shape" and floods the frame. The projection is
conic conformal with the parallels of Lambert-93, the official projection of France. Titles,
legends and alt texts are the ``map.*`` and ``chart.*`` texts of ``toolkit.shared.text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import altair as alt
import geopandas as gpd
import pandas as pd
import polars as pl
import shapely

from toolkit.publication.charts.builders import Frame, collect, nice_steps
from toolkit.publication.charts.theme import (
    INK,
    MUTED,
    NO_DATA,
    RAMP,
    SUPPRESSED,
    finish,
    footnotes,
    with_suppression,
)
from toolkit.shared import reference
from toolkit.shared.case import default_case
from toolkit.shared.errors import InputError
from toolkit.shared.formatting import number_expr
from toolkit.shared.text import text
from toolkit.shared.vocabulary import Lang

#: Regions drawn around the leak: Bretagne, Normandie, Pays de la Loire, Centre-Val de Loire,
#: Île-de-France.
NORTH_WEST_REGIONS: tuple[str, ...] = ("53", "28", "52", "24", "11")
#: The départements of the default case (the six of the 2021 leak, Dedalus statement).
LEAK_DEPARTEMENTS: tuple[str, ...] = default_case().departements
#: Vega-Lite refuses inline tables above this many rows (MaxRowsError); maps stay below it.
MAX_SHAPES = 5_000

#: Labels on the département map: the most affected, large enough to hold a name.
LABELS = 8
MIN_LABEL_AREA = 0.2  # square degrees: Yvelines is 0.28, Hauts-de-Seine 0.02

#: Lambert-93's standard parallels; Vega fits scale and translation to the shapes drawn.
PROJECTION: dict = {"type": "conicConformal", "parallels": [44, 49], "rotate": [-3, 0]}

Measure = Literal["per_100k", "persons"]


def geo_data(shapes: gpd.GeoDataFrame, attributes: pl.DataFrame, key: str) -> alt.InlineData:
    """``shapes`` (clockwise rings, EPSG:4326) carrying ``attributes``, as inline GeoJSON.

    The GeoJSON goes in as one string that Vega parses: Altair would otherwise walk and
    validate every coordinate pair (seconds for a commune map).
    """
    if len(shapes) > MAX_SHAPES:
        raise InputError(
            f"a map of {len(shapes)} shapes is too large to draw (limit {MAX_SHAPES}): "
            "choose fewer départements"
        )
    if shapes.crs is not None and shapes.crs.to_epsg() != 4326:
        shapes = shapes.to_crs(4326)
    # GeoPandas edge: the attribute join happens in pandas, once, on a few thousand rows.
    table = pd.DataFrame(attributes.to_dict(as_series=False))
    merged = shapes[[key, "geometry"]].merge(table, on=key, how="left")
    merged["geometry"] = shapely.orient_polygons(merged.geometry.values, exterior_cw=True)
    return alt.InlineData(
        values=merged.to_json(na="null", drop_id=True),
        format=alt.DataFormat(type="json", property="features"),
    )


def _points(shapes: gpd.GeoDataFrame, key: str) -> pl.DataFrame:
    """One label point inside each shape (not the centroid, which can fall outside)."""
    inside = shapely.point_on_surface(shapes.geometry.values)
    return pl.DataFrame(
        {key: shapes[key].tolist(), "lon": shapely.get_x(inside), "lat": shapely.get_y(inside)}
    )


def _halo_text(points: pl.DataFrame, field: str, **mark) -> list[alt.Chart]:
    """A label drawn twice, white outline under dark text, so it reads on any fill."""
    encoding = {"longitude": "lon:Q", "latitude": "lat:Q", "text": field}
    return [
        alt.Chart(points).mark_text(stroke="white", strokeWidth=3, strokeOpacity=0.8, **mark)
        .encode(**encoding),
        alt.Chart(points).mark_text(color=INK, **mark).encode(**encoding),
    ]


def _thresholds(values: pl.Series, classes: int = 5) -> list[float]:
    """Class breaks at the quantiles, rounded to two significant digits for the legend."""
    breaks = []
    for q in range(1, classes):
        value = values.drop_nulls().quantile(q / classes)
        if value:
            digits = len(str(int(value))) - 2
            breaks.append(round(value, -digits) if digits > 0 else round(value))
    return sorted(set(breaks))


def _value_columns(frame: pl.DataFrame, measure: Measure, lang: Lang) -> pl.DataFrame:
    status = (
        pl.when(pl.col("suppressed")).then(pl.lit("suppressed")).otherwise(pl.lit("data"))
    )
    return frame.with_columns(
        pl.col(measure).cast(pl.Float64).alias("value"),
        status.alias("status"),
        pl.coalesce(
            pl.col("marker"),
            number_expr(pl.col(measure), lang),
        ).alias("label"),
    )


def _choropleth(
    data: alt.InlineData, *, measure: Measure, lang: Lang, scale: alt.Scale, stroke: float
) -> alt.LayerChart:
    """Shapes without data in pale grey, suppressed ones in grey, the others by value."""
    title = text("chart.per_100k" if measure == "per_100k" else "chart.persons", lang)
    base = alt.Chart(data).mark_geoshape(fill=NO_DATA, stroke="white", strokeWidth=stroke)
    valued = (
        alt.Chart(data)
        .transform_filter("isValid(datum.properties.value)")
        .mark_geoshape(stroke="white", strokeWidth=stroke)
        .encode(
            color=alt.Color("properties.value:Q", title=title, scale=scale,
                            legend=alt.Legend(format=",d", gradientLength=220, titleLimit=300,
                                              tickCount=4)),
        )
    )
    masked = (
        alt.Chart(data)
        .transform_filter("datum.properties.status === 'suppressed'")
        .mark_geoshape(fill=SUPPRESSED, stroke="white", strokeWidth=stroke)
    )
    return alt.layer(base, valued, masked)


def departement_map(
    data: Frame,
    *,
    measure: Measure = "per_100k",
    labs: Frame | None = None,
    shapes: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    k: int = 11,
    source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Départements of north-western France coloured by persons exposed, labs as sized points.

    ``labs``, if given, has ``lab, lon, lat, persons`` (WGS84 degrees). ``shapes`` defaults to
    the reference départements of the regions around the leak.
    """
    if measure not in ("per_100k", "persons"):
        raise InputError(f"unknown map measure {measure!r}: use 'per_100k' or 'persons'")
    frame = collect(data, "département map", ["departement", "persons"])
    if measure == "per_100k" and "per_100k" not in frame.columns:
        raise InputError("the per-100,000 map needs the column per_100k")
    if shapes is None:
        all_shapes = reference.departements()
        shapes = all_shapes[all_shapes["region"].isin(NORTH_WEST_REGIONS)]
    shapes = shapes.rename(columns={"code": "departement"})
    frame = with_suppression(
        frame, "persons", keys=("departement",), lang=lang, k=k, derived=("per_100k",)
    )
    frame = _value_columns(frame, measure, lang)
    attributes = frame.select("departement", "value", "status", "label")
    data = geo_data(shapes, attributes, "departement")
    names = pl.DataFrame({"departement": shapes["departement"].tolist(),
                          "name": shapes["name"].tolist()})
    # Name only the big, most affected départements: small ones (Paris and its ring) would
    # pile their labels on top of each other.
    areas = pl.DataFrame({"departement": shapes["departement"].tolist(),
                          "area": shapely.area(shapes.geometry.values)})
    points = (
        _points(shapes, "departement")
        .join(names, on="departement")
        .join(attributes, on="departement", how="inner")
        .join(areas, on="departement")
        .filter(pl.col("area") >= MIN_LABEL_AREA)
        .sort("value", descending=True, nulls_last=True)
        .filter((pl.int_range(pl.len()) < LABELS) | (pl.col("status") == "suppressed"))
    )
    labels = [
        *_halo_text(points, "name:N", dy=-7, fontSize=11, fontWeight="bold"),
        *_halo_text(points, "label:N", dy=7, fontSize=10),
    ]
    layers: list[alt.Chart | alt.LayerChart] = [
        _choropleth(data, measure=measure, lang=lang, stroke=1,
                    scale=alt.Scale(range=RAMP, zero=True, nice=True)),
    ]
    lab_frames: list[pl.DataFrame] = []
    if labs is not None:
        lab_frame = collect(labs, "lab points", ["lab", "lon", "lat", "persons"])
        lab_frame = with_suppression(
            lab_frame, "persons", keys=("lab", "lon", "lat"), lang=lang, k=k
        )
        lab_frames.append(lab_frame)
        layers.append(
            alt.Chart(lab_frame.filter(pl.col("suppressed").not_()))
            .mark_circle(color="#e0a030", stroke=INK, strokeWidth=0.8, opacity=0.85)
            .encode(
                longitude="lon:Q", latitude="lat:Q",
                size=alt.Size("persons:Q", title=text("chart.lab_persons", lang),
                              scale=alt.Scale(range=[20, 600]),
                              legend=alt.Legend(
                                  format=",d", values=nice_steps(lab_frame["persons"].max()),
                                  symbolFillColor="#e0a030",
                              )),
            )
        )
        layers.append(
            alt.Chart(lab_frame.filter(pl.col("suppressed")))
            .mark_circle(color=SUPPRESSED, stroke=MUTED, size=30)
            .encode(longitude="lon:Q", latitude="lat:Q")
        )
    body = alt.layer(*layers, *labels).project(**PROJECTION).properties(width=600, height=430)

    # Persons not placed in any département (a null code) are on no shape of the map.
    counted = frame.filter(pl.col("suppressed").not_() & pl.col("departement").is_not_null())
    counted = counted.sort("value", descending=True, nulls_last=True)
    top = counted.head(1)
    top_name = (
        names.filter(pl.col("departement") == top["departement"][0])["name"].to_list()
        if top.height else []
    )
    top_text = f"{top_name[0] if top_name else top['departement'][0]}" if top.height else "-"
    rate = measure == "per_100k"
    title = text(
        "map.departements.title_rate" if rate else "map.departements.title_persons", lang
    )
    subtitle = text(
        "map.departements.subtitle_rate" if rate else "map.departements.subtitle_persons", lang
    )
    if labs is not None:
        subtitle = text("map.departements.subtitle_labs", lang, subtitle=subtitle)
    alt_text = text(
        "map.departements.alt_rate" if rate else "map.departements.alt_persons", lang,
        n=counted.height, top=top_text, value=top["label"][0] if top.height else "-",
    )  # fmt: skip
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional,
                  notes=footnotes([frame, *lab_frames], lang=lang, k=k))


def commune_map(
    data: Frame,
    *,
    departements: Iterable[str] | None = None,
    shapes: gpd.GeoDataFrame | None = None,
    outlines: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    k: int = 11,
    source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Zoom on the affected départements at commune level, coloured per 100,000 inhabitants.

    ``departements`` default to the default case's (``toolkit.shared.case``); ``shapes`` defaults
    to ``reference.commune_shapes(departements)`` and ``outlines`` to their départements (drawn
    as thin dark borders).
    """
    deps = sorted(set(LEAK_DEPARTEMENTS if departements is None else departements))
    frame = collect(data, "commune map", ["insee", "persons", "per_100k"])
    if shapes is None or outlines is None:
        if shapes is None:
            shapes = reference.commune_shapes(deps)
        if outlines is None:
            all_deps = reference.departements()
            outlines = all_deps[all_deps["code"].isin(deps)]
    frame = with_suppression(
        frame, "persons", keys=("insee",), lang=lang, k=k, derived=("per_100k",)
    )
    frame = _value_columns(frame, "per_100k", lang)
    data = geo_data(shapes, frame.select("insee", "value", "status"), "insee")
    breaks = _thresholds(frame["value"])
    outline_data = geo_data(
        outlines.rename(columns={"code": "departement"})[["departement", "geometry"]],
        pl.DataFrame({"departement": deps}), "departement",
    )
    body = alt.layer(
        _choropleth(data, measure="per_100k", lang=lang, stroke=0.15,
                    scale=alt.Scale(type="threshold", domain=breaks,
                                    range=RAMP[: len(breaks) + 1])),
        alt.Chart(outline_data).mark_geoshape(
            filled=False, stroke=INK, strokeWidth=0.9
        ),
    ).project(**PROJECTION).properties(width=600, height=380)
    counted = frame.filter(pl.col("suppressed").not_())
    title = text("map.communes.title", lang)
    dep_list = ", ".join(deps)
    subtitle = text("map.communes.subtitle", lang, departements=dep_list)
    alt_text = text("map.communes.alt", lang, departements=dep_list, n=counted.height)
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional, notes=footnotes([frame], lang=lang, k=k))

