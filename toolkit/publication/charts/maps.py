"""Maps of the case's départements and of their communes, coloured by share of inhabitants.

Shapes come from ``toolkit.shared.reference`` (or are passed in, for tests and other leaks). Every
polygon is re-oriented clockwise before it reaches Vega, since d3-geo reads a counter-clockwise
exterior ring as "the whole globe minus this shape" and floods the frame. The projection is
conic conformal with the parallels of Lambert-93, the official projection of France. Titles,
legends and alt texts are the ``map.*`` and ``chart.*`` texts of ``toolkit.shared.text``.
"""

from __future__ import annotations

import itertools
import math
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
    SUPPRESSED,
    finish,
    footnotes,
    with_suppression,
)
from toolkit.shared import reference
from toolkit.shared.case import default_case
from toolkit.shared.errors import InputError
from toolkit.shared.formatting import number, number_expr, percent_text
from toolkit.shared.french_names import article_phrase
from toolkit.shared.text import enumeration, text
from toolkit.shared.vocabulary import Lang

#: The départements of the default case (the six of the 2021 leak, Dedalus statement).
LEAK_DEPARTEMENTS: tuple[str, ...] = default_case().departements
#: Vega-Lite refuses inline tables above this many rows (MaxRowsError); maps stay below it.
MAX_SHAPES = 5_000

#: Labels on the département map: the most affected, large enough to hold a name.
LABELS = 8
MIN_LABEL_AREA = 0.2  # square degrees: Yvelines is 0.28, Hauts-de-Seine 0.02

#: Degrees of neighbouring land drawn around the framed départements.
MARGIN = 0.3
#: Départements named one by one in the « Hors carte » note; the others are counted.
OUTSIDE_NAMED = 6
#: Round shares the classes are cut at (1, 2, 3, 5 per 100,000 up to one in two): legend
#: values a reader can quote.
SHARE_STEPS: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(-5, 0) for m in (1, 2, 3, 5)
)
#: Natural breaks are sought among this many levels of the shares' range.
BINS = 400
#: The classes' colours: the lightest is a clear blue, so that the first class never passes
#: for the pale grey of « aucune personne ».
MAP_RAMP = ["#b9d0e6", "#7ea6cc", "#4a78a8", "#24507c", "#0e2a47"]
#: The labs' circles.
LAB = "#e08a1e"

#: Lambert-93's standard parallels; Vega fits scale and translation to the shapes drawn.
PROJECTION: dict = {"type": "conicConformal", "parallels": [44, 49], "rotate": [-3, 0]}

Measure = Literal["population_share", "persons"]


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


def _natural_starts(values: list[float], classes: int) -> list[int]:
    """Where each class after the first starts in the sorted ``values``: the split into
    ``classes`` runs with the least total squared deviation (Fisher's exact optimisation, the
    "natural breaks" of cartography)."""
    n = len(values)
    sums = list(itertools.accumulate(values, initial=0.0))
    squares = list(itertools.accumulate((v * v for v in values), initial=0.0))

    def spread(i: int, j: int) -> float:  # of values[i:j]
        total = sums[j] - sums[i]
        return squares[j] - squares[i] - total * total / (j - i)

    best = [[math.inf] * (n + 1) for _ in range(classes + 1)]
    start = [[0] * (n + 1) for _ in range(classes + 1)]
    best[0][0] = 0.0
    for c in range(1, classes + 1):
        for j in range(c, n + 1):
            for i in range(c - 1, j):
                cost = best[c - 1][i] + spread(i, j)
                if cost < best[c][j]:
                    best[c][j], start[c][j] = cost, i
    starts, j = [], n
    for c in range(classes, 1, -1):
        j = start[c][j]
        starts.append(j)
    return sorted(starts)


def share_breaks(shares: pl.Series, classes: int = 5) -> list[float]:
    """Class breaks where the shares fall apart, each a round share (:data:`SHARE_STEPS`).

    Natural breaks of the shares' cube roots, a middle way between a linear scale (every share
    under a tenth of the largest in one class) and a log scale (23 % and 5 % in one class): the
    most affected stand apart, and every share, however small, is in a class of its own colour.
    They are sought among :data:`BINS` levels of that range (a few hundred values at most,
    whatever the number of communes). Each break is then the round share between the two
    classes nearest their middle (log scale), so that the legend reads « 2 % », « 10 % » (the
    upper class's first share when no round share lies between them).
    """
    positive = shares.drop_nulls().filter(shares.drop_nulls() > 0)
    if positive.is_empty():
        return []
    level = (positive.pow(1 / 3) / positive.max() ** (1 / 3) * BINS).ceil()
    levels = sorted(set(level.to_list()))
    if len(levels) < 2:
        return []
    breaks = []
    for start in _natural_starts(levels, min(classes, len(levels))):
        low = positive.filter(level <= levels[start - 1]).max()
        high = positive.filter(level >= levels[start]).min()
        middle = math.log(low * high) / 2
        fitting = [step for step in SHARE_STEPS if low < step <= high]
        breaks.append(min(fitting, key=lambda step: abs(math.log(step) - middle), default=high))
    return breaks


def _share_text(share: float, lang: Lang) -> str:
    """A département's share as its label: « 23 % », « 0,8 % », « moins de 0,1 % »."""
    return percent_text(share, lang, digits=0 if share >= 0.01 else 1, bounded=True)


def _class_labels(breaks: list[float], measure: Measure, lang: Lang) -> list[str]:
    """The legend's words for the classes cut at ``breaks``: « moins de 1 % », « 1 à 5 % »…"""
    def shown(value: float) -> str:
        if measure == "population_share":
            return percent_text(value, lang, digits=2)
        return number(int(value), lang)

    if not breaks:
        return [text("map.class.any", lang)]
    bounds = [shown(b) for b in breaks]
    return [
        text("map.class.below", lang, high=bounds[0]),
        *(text("map.class.between", lang, low=low, high=high)
          for low, high in zip(bounds, bounds[1:], strict=False)),
        text("map.class.above", lang, low=bounds[-1]),
    ]  # fmt: skip


def _value_columns(frame: pl.DataFrame, measure: Measure, lang: Lang) -> pl.DataFrame:
    status = (
        pl.when(pl.col("suppressed")).then(pl.lit("suppressed")).otherwise(pl.lit("data"))
    )
    if measure == "population_share":
        # Shares (persons / inhabitants) of published counts.
        value = pl.col("population_share").cast(pl.Float64)
        shown = value.map_elements(lambda share: _share_text(share, lang), pl.String)
    else:
        value = pl.col("persons").cast(pl.Float64)
        shown = number_expr(pl.col("persons"), lang)
    return frame.with_columns(
        value.alias("value"),
        status.alias("status"),
        pl.coalesce(pl.col("marker"), shown).alias("label"),
    )


def _classed(
    shapes: gpd.GeoDataFrame, frame: pl.DataFrame, key: str, *, measure: Measure, lang: Lang,
    stroke: float,
) -> alt.Chart:
    """``shapes`` filled by class of ``frame``'s value: « aucune personne » in pale grey, a
    first class well clear of it, hidden ones in grey; the legend reads in % (or persons)."""
    counted = frame.filter(pl.col("suppressed").not_())["value"]
    breaks = share_breaks(counted) if measure == "population_share" else _thresholds(counted)
    classes = _class_labels(breaks, measure, lang)
    nothing, hidden = text("map.class.none", lang), text("map.class.hidden", lang)
    step = (len(MAP_RAMP) - 1) / max(len(classes) - 1, 1)
    colours = [MAP_RAMP[round(i * step)] for i in range(len(classes))]
    # A value's class is the number of breaks at or below it (classes are closed on the left).
    value_class = pl.sum_horizontal(
        pl.lit(0), *(pl.col("value") >= b for b in breaks)
    ).replace_strict(dict(enumerate(classes)), return_dtype=pl.String)
    attributes = (
        pl.DataFrame({key: shapes[key].tolist()})
        .join(frame.select(key, "value", "status"), on=key, how="left")
        .with_columns(
            pl.when(pl.col("status") == "suppressed").then(pl.lit(hidden))
            .when(pl.col("value").is_not_null()).then(value_class)
            .otherwise(pl.lit(nothing)).alias("class")
        )
        .select(key, "class")
    )  # fmt: skip
    colour = alt.Color(
        "properties.class:N", title=text("map.share" if measure == "population_share" else
                                         "chart.persons", lang),
        scale=alt.Scale(domain=[nothing, *classes, hidden],
                        range=[NO_DATA, *colours, SUPPRESSED]),
        legend=alt.Legend(symbolType="square", symbolSize=180, symbolStrokeColor=MUTED,
                          symbolStrokeWidth=0.5, columns=4, titleOrient="top", titleLimit=300,
                          labelLimit=200, columnPadding=14),
    )  # fmt: skip
    return (
        alt.Chart(geo_data(shapes, attributes, key))
        .mark_geoshape(stroke="white", strokeWidth=stroke)
        .encode(color=colour)
    )


def _framed(
    shapes: gpd.GeoDataFrame, departements: Iterable[str]
) -> tuple[gpd.GeoDataFrame, tuple[float, float, float, float]]:
    """The shapes cut to the box around ``departements`` (all shapes if none is among them),
    and that box (west, south, east, north, in degrees)."""
    focus = shapes[shapes["departement"].isin(list(departements))]
    west, south, east, north = (focus if len(focus) else shapes).total_bounds
    box = (west - MARGIN, south - MARGIN, east + MARGIN, north + MARGIN)
    clipped = shapes.assign(geometry=shapes.geometry.clip_by_rect(*box))
    return clipped[~clipped.geometry.is_empty], box


def _height(box: tuple[float, float, float, float], width: int) -> int:
    """The map's height for ``width`` pixels, so that the box fills the frame (a degree of
    longitude is cos(latitude) as long as a degree of latitude)."""
    west, south, east, north = box
    ratio = (north - south) / ((east - west) * math.cos(math.radians((north + south) / 2)))
    return int(min(max(width * ratio, 320), 620))


def _hidden_could_top(frame: pl.DataFrame, total: int | None, k: int) -> bool:
    """Whether a hidden département could have a larger share than the largest published one.

    A hidden count is at most ``k - 1`` when it is below the threshold, and at most what the
    published total leaves once the published cells are taken away: that bound over the
    département's population is the largest share it could have.
    """
    hidden = frame.filter(pl.col("suppressed") & pl.col("departement").is_not_null())
    shown = frame.filter(~pl.col("suppressed") & pl.col("departement").is_not_null())
    if hidden.is_empty() or shown.is_empty():
        return not hidden.is_empty()
    left = None if total is None else total - int(frame["persons"].fill_null(0).sum())
    population = reference.departements_table().select(
        pl.col("code").alias("departement"), pl.col("population").alias("_population")
    )
    hidden = hidden.join(population, on="departement", how="left")
    primary = pl.col("marker") == f"< {k}"
    bound = pl.when(primary).then(pl.lit(k - 1)).otherwise(pl.lit(left, dtype=pl.Int64))
    if left is not None:
        bound = pl.min_horizontal(bound, pl.lit(left))
    shares = hidden.select((bound / pl.col("_population")).alias("share"))["share"]
    return shares.is_null().any() or shares.max() >= shown["value"].max()


def _one_in(share: float, lang: Lang) -> str | None:
    """« près d'un habitant sur quatre » for a share near one in two to ten, else None."""
    n = round(1 / share) if share > 0 else 0
    if not 2 <= n <= 10:
        return None
    word = text("map.one_in.numbers", lang).split()[n - 2]
    gap = share * n - 1  # how far the share is from one in n, relative to it
    key = "exact" if abs(gap) < 0.02 else "about" if gap < 0 else "over"
    return text(f"map.one_in.{key}", lang, n=word)


def _title(top: pl.DataFrame, measure: Measure, hidden_could_top: bool, lang: Lang) -> str:
    """The finding of the map, from its largest published share; neutral when there is none,
    or when a hidden département could be above it."""
    if measure == "persons":
        return text("map.departements.title_persons", lang)
    if top.is_empty() or hidden_could_top:
        return text("map.departements.title_neutral", lang)
    code, name, share = top["departement"][0], top["name"][0], top["value"][0]
    # The French title starts « Dans le », « Dans l' », « Dans les »: the name's own article.
    dans = article_phrase(code, name, "dans").removesuffix(name)
    place = {"dans": dans[:1].upper() + dans[1:], "departement": name}
    one_in = _one_in(share, lang)
    if one_in is not None:
        return text("map.departements.title_one_in", lang, share=one_in, **place)
    return text("map.departements.title_share", lang, share=_share_text(share, lang), **place)


def _listing(rows: pl.DataFrame, lang: Lang, limit: int) -> str:
    """« Eure 17 %, Loiret 16 % » for the first ``limit`` rows, « et 3 autres » after them."""
    items = [f"{name} ({label})" for name, label in rows.select("name", "label").iter_rows()]
    if len(items) <= limit:
        return enumeration(items, lang)
    return text("map.departements.more", lang, list=", ".join(items[:limit]),
                n=len(items) - limit)  # fmt: skip


def departement_map(
    data: Frame,
    *,
    measure: Measure = "population_share",
    labs: Frame | None = None,
    departements: Iterable[str] | None = None,
    total: int | None = None,
    shapes: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    k: int = 11,
    source: str | None = None,
    fictional: bool = False,
) -> alt.VConcatChart:
    """Départements coloured by the share of their inhabitants exposed (or by persons), in
    classes, labs as sized points, framed on the case's départements.

    ``departements`` (default: the default case's, ``toolkit.shared.case``) set the frame;
    départements with data whose label point falls outside it, and hidden ones, are named in
    a « Hors carte » note line. ``labs``, if given, has ``lab, lon, lat, persons`` (WGS84
    degrees; ``lab`` is the lab's name where known). ``total`` is the published total of
    persons: it bounds what a hidden département could hold, so that the title states the
    largest share only when no hidden one could exceed it. ``shapes`` defaults to the reference
    départements.
    """
    if measure not in ("population_share", "persons"):
        raise InputError(
            f"unknown map measure {measure!r}: use 'population_share' or 'persons'"
        )
    frame = collect(data, "département map", ["departement", "persons"])
    if measure == "population_share" and "population_share" not in frame.columns:
        raise InputError("the map of shares needs the column population_share")
    shapes = (reference.departements() if shapes is None else shapes).rename(
        columns={"code": "departement"}
    )
    focus = LEAK_DEPARTEMENTS if departements is None else tuple(departements)
    frame = with_suppression(
        frame, "persons", keys=("departement",), lang=lang, k=k, derived=("population_share",)
    )
    frame = _value_columns(frame, measure, lang)
    names = pl.DataFrame({"departement": shapes["departement"].tolist(),
                          "name": shapes["name"].tolist()})
    frame = frame.join(names, on="departement", how="left").with_columns(
        pl.coalesce("name", "departement").alias("name")
    )
    drawn, box = _framed(shapes, focus)
    west, south, east, north = box
    # Where each département's label would go, on its whole shape: outside the box, it is
    # not on the map (even if a sliver of it is).
    points = _points(shapes, "departement").with_columns(
        pl.col("lon").is_between(west, east).and_(pl.col("lat").is_between(south, north))
        .alias("inside")
    )  # fmt: skip
    frame = frame.join(points.select("departement", "inside"), on="departement", how="left")
    counted = frame.filter(pl.col("suppressed").not_() & pl.col("departement").is_not_null())
    counted = counted.sort(["value", "departement"], descending=[True, False])

    layers: list[alt.Chart | alt.LayerChart] = [
        _classed(drawn, frame, "departement", measure=measure, lang=lang, stroke=1)
    ]
    lab_frames: list[pl.DataFrame] = []
    if labs is not None:
        lab_frame = collect(labs, "lab points", ["lab", "lon", "lat", "persons"])
        lab_frame = with_suppression(
            lab_frame, "persons", keys=("lab", "lon", "lat"), lang=lang, k=k
        )
        lab_frames.append(lab_frame)
        # Small translucent circles under the labels: the names and values stay readable.
        layers.append(
            alt.Chart(lab_frame.filter(pl.col("suppressed").not_()))
            .mark_circle(color=LAB, stroke="white", strokeWidth=0.6, opacity=0.7)
            .encode(
                longitude="lon:Q", latitude="lat:Q",
                size=alt.Size("persons:Q", title=text("chart.lab_persons", lang),
                              scale=alt.Scale(range=[12, 260]),
                              legend=alt.Legend(
                                  format=",d", values=nice_steps(lab_frame["persons"].max()),
                                  symbolFillColor=LAB, symbolOpacity=0.7, titleOrient="top",
                              )),
                tooltip=[alt.Tooltip("lab:N", title=text("chart.lab", lang)),
                         alt.Tooltip("persons:Q", title=text("chart.persons", lang),
                                     format=",d")],
            )
        )  # fmt: skip
        layers.append(
            alt.Chart(lab_frame.filter(pl.col("suppressed")))
            .mark_circle(color=SUPPRESSED, stroke=MUTED, size=30)
            .encode(longitude="lon:Q", latitude="lat:Q")
        )
    # Name the case's départements and the most affected ones big enough to hold a name
    # (Paris and its ring would pile their labels on top of each other), and every hidden one.
    areas = pl.DataFrame({"departement": shapes["departement"].tolist(),
                          "area": shapely.area(shapes.geometry.values)})
    big = pl.col("area") >= MIN_LABEL_AREA
    labelled = (
        frame.filter(pl.col("inside").fill_null(False))
        .join(areas, on="departement")
        .join(points.select("departement", "lon", "lat"), on="departement")
        .sort("value", descending=True, nulls_last=True)
        .filter(
            pl.col("departement").is_in(list(focus)) | pl.col("suppressed")
            | (big & (big.cum_sum() <= LABELS))
        )
    )  # fmt: skip
    drawn_labels = labelled.select("name", "label", "lon", "lat")
    layers += [
        *_halo_text(drawn_labels, "name:N", dy=-7, fontSize=12, fontWeight="bold"),
        *_halo_text(drawn_labels, "label:N", dy=8, fontSize=12),
    ]
    width = 760
    body = (
        alt.layer(*layers).project(**PROJECTION)
        .properties(width=width, height=_height(box, width))
    )  # fmt: skip

    outside = frame.filter(
        pl.col("departement").is_not_null() & ~pl.col("inside").fill_null(False)
    ).sort("value", descending=True, nulls_last=True)
    outside_note = (
        [text("map.departements.outside", lang, list=_listing(outside, lang, OUTSIDE_NAMED))]
        if outside.height else []
    )
    title = _title(counted.head(1), measure, _hidden_could_top(frame, total, k), lang)
    subtitle = text(
        "map.departements.subtitle_share" if measure == "population_share"
        else "map.departements.subtitle_persons", lang,
    )  # fmt: skip
    if labs is not None:
        subtitle = text("map.departements.subtitle_labs", lang, subtitle=subtitle)
    alt_text = text(
        "map.departements.alt_share" if measure == "population_share"
        else "map.departements.alt_persons", lang,
        n=counted.height, values=_listing(labelled, lang, labelled.height),
    )  # fmt: skip
    if outside.height:
        alt_text = f"{alt_text} {outside_note[0]}."
    return finish(body, title=title, subtitle=subtitle, alt_text=alt_text, lang=lang,
                  source=source, fictional=fictional,
                  notes=[*outside_note, *footnotes([frame, *lab_frames], lang=lang, k=k)])


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
    """Zoom on the affected départements at commune level, coloured by share of inhabitants.

    ``departements`` default to the default case's (``toolkit.shared.case``); ``shapes`` defaults
    to ``reference.commune_shapes(departements)`` and ``outlines`` to their départements (drawn
    as thin dark borders).
    """
    deps = sorted(set(LEAK_DEPARTEMENTS if departements is None else departements))
    frame = collect(data, "commune map", ["insee", "persons", "population_share"])
    if shapes is None or outlines is None:
        if shapes is None:
            shapes = reference.commune_shapes(deps)
        if outlines is None:
            all_deps = reference.departements()
            outlines = all_deps[all_deps["code"].isin(deps)]
    frame = with_suppression(
        frame, "persons", keys=("insee",), lang=lang, k=k, derived=("population_share",)
    )
    frame = _value_columns(frame, "population_share", lang)
    outline_data = geo_data(
        outlines.rename(columns={"code": "departement"})[["departement", "geometry"]],
        pl.DataFrame({"departement": deps}), "departement",
    )
    body = alt.layer(
        _classed(shapes, frame, "insee", measure="population_share", lang=lang, stroke=0.15),
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

