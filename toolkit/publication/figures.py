"""The figure registry: one entry per published figure, and everything the bundle needs to make it.

Each :class:`Figure` says which aggregate of the safe table it shows, how that aggregate is
protected (its key columns, whether its total is published, which columns are derived from its
count, how many cells one person can count in), which chart draws it, and what else it publishes
beside its chart and CSV (the département figure adds a GeoJSON). The bundle
(``toolkit.publication.bundle``) walks :data:`FIGURES` in order and treats every entry the same
way; adding a figure is adding an entry here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import shapely

from toolkit.boundary.safe_table import SafeTable
from toolkit.publication import charts
from toolkit.publication.disclosure import Protected
from toolkit.publication.release import DimKind
from toolkit.safe import exposure
from toolkit.safe.labs import lab_labels
from toolkit.shared import reference
from toolkit.shared.case import Case, default_case
from toolkit.shared.errors import InputError
from toolkit.shared.text import text

COUNT = "persons"


@dataclass
class FigureInputs:
    """What a figure may use besides the safe table: located labs, figures already protected,
    the case (source line, dates) and whether the file is synthetic."""

    #: Located labs (``toolkit.safe.labs.geocode_labs``) with coordinates, or None.
    located: pl.DataFrame | None = None
    #: The protected tables of the figures made so far, by figure name.
    protected: dict[str, Protected] = field(default_factory=dict)
    #: The investigation (``toolkit.shared.case``): every chart's source line, the timeline's
    #: first report.
    case: Case = field(default_factory=default_case)
    #: The file is synthetic: every chart says « Données fictives ».
    fictional: bool = False

    def attribution(self) -> dict[str, Any]:
        """What every chart builder is given besides its table: source line, fiction warning."""
        return {"source": self.case.source_line("fr"), "fictional": self.fictional}


def _no_options(_: FigureInputs) -> Mapping[str, Any]:
    return {}


def _no_attachments(_: Protected) -> dict[str, bytes]:
    return {}


@dataclass(frozen=True)
class Figure:
    """One figure of the bundle: its aggregate, how it is protected, how it is drawn."""

    name: str
    #: What the figure shows, in French, for the methodology note and the manifest.
    title: str
    aggregate: Callable[[SafeTable, FigureInputs], pl.DataFrame]
    #: The key columns of the aggregate (one row per key).
    keys: tuple[str, ...]
    chart: Callable[..., Any]
    #: Columns computed from the count: emptied wherever the count is hidden.
    derived: tuple[str, ...] = ()
    #: "total" when the cells split all persons and their total is published beside them.
    totals: str = "none"
    #: True when each person counts in one cell only (differential privacy's sensitivity is
    #: then one; otherwise a person may count in every cell of the table).
    one_cell_per_person: bool = False
    #: Left out (and said so) when no lab is located.
    needs_labs: bool = False
    #: Columns a drawable row must have (the figure is left out when no row has them all).
    required: tuple[str, ...] = ()
    #: Extra keyword arguments of the chart builder.
    chart_options: Callable[[FigureInputs], Mapping[str, Any]] = _no_options
    #: Files published beside the figure's own (name -> bytes), from its protected table.
    attachments: Callable[[Protected], dict[str, bytes]] = _no_attachments
    #: What the table counts, one (dimension, kind) per key column: how the joint attacker
    #: links it to the other tables of a release (``toolkit.publication.release``).
    dims: tuple[tuple[str, DimKind], ...] = ()

    def contributions(self, table: pl.DataFrame) -> int:
        """How many cells of ``table`` one person can count in (differential privacy)."""
        return 1 if self.one_cell_per_person else max(1, table.height)


def named_labs(table: pl.DataFrame, located: pl.DataFrame | None) -> pl.DataFrame:
    """``table`` with each lab code replaced by the lab's name where the registry gives one.

    Labels are unique (``toolkit.safe.labs.lab_labels``: a shared name gets its commune). Two
    codes of one lab in the same table (its code and its FINESS number) keep their codes, so
    that the table keeps one row per key; so do labs no registry names.
    """
    if located is None:
        return table
    named = table.join(lab_labels(located), on="lab", how="left", maintain_order="left")
    unique = pl.col("label").is_not_null() & (pl.col("lab").n_unique().over("label") == 1)
    return named.with_columns(
        pl.when(unique).then(pl.col("label")).otherwise(pl.col("lab")).alias("lab")
    ).drop("label")


def lab_points(located: pl.DataFrame, windows: Protected) -> pl.DataFrame:
    """Located labs with their protected person counts (labs with a hidden count are not drawn).

    The windows table names its labs (:func:`named_labs`): a lab is found by its label or,
    when it kept it, by its code.
    """
    places = located.filter(pl.col("lon").is_not_null())
    by_label = places.join(lab_labels(located), on="lab").select(
        pl.col("label").alias("lab"), "lon", "lat"
    )
    persons = windows.table.filter(~pl.col(f"{COUNT}_suppressed")).select("lab", COUNT)
    return (
        pl.concat([places.select("lab", "lon", "lat"), by_label])
        .unique("lab", keep="first", maintain_order=True)
        .join(persons, on="lab", how="inner")
        .sort("lab")
    )


def departements_geojson(protected: Protected) -> bytes:
    """The protected département counts as GeoJSON (EPSG:4326), stable byte for byte."""
    cells = protected.table.filter(pl.col("departement").is_not_null())
    shapes = reference.departements()
    shapes = shapes[shapes["code"].isin(cells["departement"].to_list())].sort_values("code")
    by_code = {row["departement"]: row for row in cells.iter_rows(named=True)}
    features = []
    for code, name, geometry in zip(shapes["code"], shapes["name"], shapes.geometry, strict=True):
        row = by_code[code]
        features.append({
            "type": "Feature",
            "properties": {
                "code": code,
                "nom": name,
                "personnes": row[COUNT],
                "part_de_la_population_pct": None if row.get("population_share") is None
                else round(row["population_share"] * 100, 4),
                "secret_statistique": bool(row[f"{COUNT}_suppressed"]),
            },
            "geometry": json.loads(shapely.to_geojson(geometry)),
        })  # fmt: skip
    document = {"type": "FeatureCollection", "features": features}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode("utf-8")  # fmt: skip


def _map_options(inputs: FigureInputs) -> Mapping[str, Any]:
    """The map is framed on the case's départements, knows its published total (which bounds
    what a hidden département holds) and shows the located labs, if any."""
    options: dict[str, Any] = {"departements": inputs.case.departements}
    placed = inputs.protected.get(DEPARTEMENTS_FIGURE)
    if placed is not None and placed.margins.height:
        grand = placed.margins.filter(~pl.col(f"{COUNT}_suppressed"))[COUNT]
        options["total"] = int(grand[0]) if len(grand) else None
    windows = inputs.protected.get(LAB_WINDOWS)
    if inputs.located is not None and windows is not None:
        options["labs"] = lab_points(inputs.located, windows)
    return options


#: The figure of persons by sample month (its cell of unknown month: records without a date).
TIMELINE_FIGURE = "01_chronologie"
#: The figure of lab windows (its cell of unknown lab: records whose lab the file does not give).
LAB_WINDOWS = "02_laboratoires"
#: The figure of persons by département (the map): the note quotes how many are placed.
DEPARTEMENTS_FIGURE = "03_departements"
#: The figure whose shares the methodology note quotes.
CATEGORIES_FIGURE = "04_categories"

#: Every figure of the bundle, in the order they are made and numbered.
FIGURES: tuple[Figure, ...] = (
    Figure(
        TIMELINE_FIGURE, text("figure.timeline"),
        lambda s, _: exposure.records_by_month(s).select("month", COUNT),
        ("month",), charts.timeline_chart,
        chart_options=lambda inputs: {"count": COUNT, "first_report": inputs.case.first_report},
        required=("month",), dims=(("month", "cover"),),
    ),
    Figure(
        LAB_WINDOWS, text("figure.lab_windows"),
        lambda s, inputs: named_labs(
            exposure.lab_windows(s).select("lab", "first_sample", "last_sample", COUNT),
            inputs.located,
        ),
        ("lab",), charts.lab_windows_chart, derived=("first_sample", "last_sample"),
        required=("lab",), dims=(("lab", "cover"),),
    ),
    Figure(
        DEPARTEMENTS_FIGURE, text("figure.departements"),
        lambda s, _: exposure.persons_by_departement(s), ("departement",), charts.departement_map,
        derived=("population_share",), totals="total", one_cell_per_person=True,
        required=("departement",), chart_options=_map_options,
        attachments=lambda p: {"departements.geojson": departements_geojson(p)},
        dims=(("home_departement", "partition"),),
    ),
    Figure(
        CATEGORIES_FIGURE, text("figure.categories"),
        lambda s, _: exposure.category_exposure(s), ("category",), charts.categories_chart,
        derived=("share",), dims=(("category", "flag"),),
    ),
    Figure(
        "05_categories_par_annee", text("figure.category_year"),
        # Counts only: a share of the year's persons would need that year's persons, which no
        # table publishes (a share must come from published counts).
        lambda s, _: exposure.category_by_year(s).select("category", "year", COUNT),
        ("category", "year"), charts.category_year_chart, required=("year",),
        dims=(("category", "flag"), ("year", "cover")),
    ),
    Figure(
        "06_combinaisons", text("figure.co_exposure"),
        lambda s, _: exposure.co_exposure(s), ("combination",), charts.co_exposure_chart,
        one_cell_per_person=True, dims=(("combination", "ranked"),),
    ),
    Figure(
        "07_mentions_sante", text("figure.health_mentions"),
        lambda s, _: exposure.health_mentions(s), ("mention",), charts.health_mentions_chart,
        dims=(("mention", "flag"),),
    ),
    Figure(
        "08_pyramide_des_ages", text("figure.pyramid"),
        lambda s, _: exposure.age_sex_pyramid(s), ("age_band", "sex"), charts.pyramid_chart,
        totals="total", one_cell_per_person=True, required=("age_band", "sex"),
        dims=(("age_band", "partition"), ("sex", "partition")),
    ),
    Figure(
        "09_distances", text("figure.distances"),
        lambda s, inputs: exposure.distance_bands(s, inputs.located), ("band",),
        # Each person counts once (the lab of their latest sample): the bands split everyone.
        charts.distance_chart, totals="total", one_cell_per_person=True, needs_labs=True,
        dims=(("distance_band", "partition"),),
    ),
)  # fmt: skip

#: Figures made on demand, one at a time, beside a bundle (notebooks): the same protection,
#: checked jointly with everything already published from the same file.
EXTRAS: tuple[Figure, ...] = (
    Figure(
        "mentions_par_annee", text("figure.mentions_by_year"),
        lambda s, _: exposure.health_mentions(s, by="year"), ("mention", "year"),
        charts.health_mentions_chart, required=("year",),
        dims=(("mention", "flag"), ("year", "cover")),
    ),
    Figure(
        "mentions_par_laboratoire", text("figure.mentions_by_lab"),
        lambda s, inputs: named_labs(exposure.health_mentions(s, by="lab"), inputs.located),
        ("mention", "lab"),
        charts.health_mentions_chart, required=("lab",),
        dims=(("mention", "flag"), ("lab", "cover")),
    ),
)  # fmt: skip


def figure_named(name: str) -> Figure:
    """The figure of the bundle or of :data:`EXTRAS` called ``name``."""
    for figure in (*FIGURES, *EXTRAS):
        if figure.name == name:
            return figure
    known = ", ".join(f.name for f in (*FIGURES, *EXTRAS))
    raise InputError(f"no figure called {name!r}; the figures are: {known}")


__all__ = [
    "CATEGORIES_FIGURE",
    "DEPARTEMENTS_FIGURE",
    "EXTRAS",
    "FIGURES",
    "LAB_WINDOWS",
    "TIMELINE_FIGURE",
    "Figure",
    "FigureInputs",
    "departements_geojson",
    "figure_named",
    "lab_points",
    "named_labs",
]
